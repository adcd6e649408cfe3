#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Instructions per request that libcrosslat-span-preload.so adds to nginx, with callgrind.
#   callgrind-preload.sh [OUTDIR [REQUESTS [PRELOAD]]]
#
# nginx (one process, a private config on 127.0.0.1) serves a 100-byte file under callgrind,
# without and with LD_PRELOAD=PRELOAD (default build/ust/libcrosslat-span-preload.so). Four
# curl clients, one keep-alive connection each, ask for it REQUESTS/4 times each (REQUESTS
# default 2000); nginx then quits. Each mode runs twice, with REQUESTS/10 and with REQUESTS
# requests, and every figure is the difference of the two runs divided by the difference
# of their requests, so start-up, connection set-up and exit cancel (about 5 s in all):
#   - nginx alone, with the preload: the whole instruction count per request (all threads);
#   - added: their difference. It includes what glibc costs more once lttng-ust's threads
#     make the process multi-threaded (cancellation points, malloc's locks: ~300);
#   - follow: the inclusive count of preload.c's follow(), the wrappers' slow path: the
#     HTTP parsing (http_conn_recv, http_conn_send) and, within it, the span begin and end.
# No span device (/dev/crosslat_span) and no LTTng session are needed: the spans are those
# of a machine without them. Needs nginx, curl, valgrind and python3 (else SKIP).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build/bench}
requests=${2:-2000}
preload=${3:-$top/build/ust/libcrosslat-span-preload.so}
conns=4

. "$top/tests/bench/callgrind-lib.sh"

PATH=$PATH:/usr/sbin
for tool in nginx curl valgrind python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "callgrind-preload: SKIP $tool not installed"
		exit 0
	fi
done
[ -r "$preload" ] || { echo "callgrind-preload: $preload missing (make ust)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
dir=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# A free port for nginx (taken in between, nginx fails to start, and so do we).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
mkdir "$dir/www" "$dir/tmp"
head -c 100 /dev/zero | tr '\0' x >"$dir/www/file"
cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $dir/err;
pid $dir/pid;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	server { listen 127.0.0.1:$port; root $dir/www; }
}
EOF
url=http://127.0.0.1:$port/file

# serve TAG N [ENV...]: nginx under callgrind answers N requests (and one probe), then quits
serve() {
	tag=$1 n=$2
	shift 2
	env "$@" valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out.$tag" \
		"$(command -v nginx)" -c "$dir/nginx.conf" -p "$dir" \
		>"$out/valgrind.$tag.log" 2>&1 &
	pid=$!
	tries=0
	until curl -s -o /dev/null "$url"; do
		tries=$((tries + 1))
		if [ $tries -ge 300 ] || ! kill -0 "$pid" 2>/dev/null; then
			cat "$out/valgrind.$tag.log" "$dir/err" >&2
			exit 1
		fi
		sleep 0.1
	done
	i=0 clients=
	while [ $i -lt $conns ]; do
		yes "url = $url" | head -n $((n / conns)) >"$dir/urls.$i"
		curl -s -K "$dir/urls.$i" >/dev/null &
		clients="$clients $!"
		i=$((i + 1))
	done
	for client in $clients; do
		wait "$client"
	done
	# A signal caught just before nginx waits for events is seen at the next one: repeat it.
	kill -QUIT "$pid"
	(while sleep 1; do kill -QUIT "$pid" 2>/dev/null || exit 0; done) &
	nudger=$!
	wait "$pid" || { cat "$out/valgrind.$tag.log" "$dir/err" >&2; exit 1; }
	pid=
	kill "$nudger" 2>/dev/null || true
	wait "$nudger" 2>/dev/null || true
}

few=$((requests / 10 / conns * conns))
many=$((requests / conns * conns))
echo "# callgrind: nginx serving a 100-byte file, $conns keep-alive connections," \
	"$few and $many requests"
serve plain.few $few
serve plain.many $many
serve preload.few $few LD_PRELOAD="$preload" LTTNG_UST_REGISTER_TIMEOUT=0 CROSSLAT_SPAN_LOG=
serve preload.many $many LD_PRELOAD="$preload" LTTNG_UST_REGISTER_TIMEOUT=0 CROSSLAT_SPAN_LOG=

# per TAG [FUNCTION]: instructions per request, of FUNCTION (inclusive) or of the whole run
per() {
	if [ $# -gt 1 ]; then
		a=$(cg_incl "$1.few" "$2") b=$(cg_incl "$1.many" "$2")
	else
		a=$(cg_total "$1.few") b=$(cg_total "$1.many")
	fi
	awk -v a="$a" -v b="$b" -v n=$((many - few)) 'BEGIN { printf "%.0f", (b - a) / n }'
}

plain=$(per plain) with=$(per preload)
echo "span preload nginx: $((with - plain)) instructions/request added" \
	"($plain alone, $with with it)"
echo "span preload nginx: follow $(per preload follow)" \
	"(http_conn_recv $(per preload http_conn_recv)," \
	"http_conn_send $(per preload http_conn_send); crosslat_span_begin" \
	"$(per preload crosslat_span_begin), crosslat_span_end $(per preload crosslat_span_end))"
