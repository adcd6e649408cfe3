#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# libcrosslat-span-preload.so on an unmodified HTTP/1.x server: python3 -m http.server.
#
#   span_http_check.py  --HTTP/1.1, 127.0.0.1:port-->  python3 -m http.server 0 (random port)
#   separate connections with traceparents,            LD_PRELOAD=libcrosslat-span-preload.so
#   keep-alive, pipelined, none, invalid,              CROSSLAT_SPAN_LOG=$tmp/spans.log
#   a split head, POST (501)                                  |                |
#        ^                                                    v                v
#        +-- one span per request: ids, names, status <-- spans.log      crosslat_ust:span_*
#                                                             |          (private sessiond,
#   babeltrace2 $tmp/trace: two events per logged span <------+-------- when it can run)
#
# With LTTng the server runs in the private session (lttng_private.sh: as nobody when
# root), else as the caller and the LTTng checks are skipped. TAP-style lines on stdout
# (see run.sh). UST_O: the ust build directory (default build/ust).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ust_o=${UST_O:-$top/build/ust}
ksft_skip=4

python=
for p in /usr/bin/python3 "$(command -v python3)"; do
	[ -x "$p" ] && python=$p && break
done
[ -n "$python" ] || { echo "ok - span_http # SKIP python3 not installed"; exit "$ksft_skip"; }
[ -f "$ust_o/libcrosslat-span-preload.so" ] ||
	{ echo "not ok - span_http_preload_built ($ust_o)"; exit 1; }

. "$here/lttng_private.sh"
tmp=$(mktemp -d)
server_pid=
cleanup() {
	set +e
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	lttng_private_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

# The files served, and a copy of the libraries that any user can load.
mkdir "$tmp/www" "$tmp/lib"
for i in $(seq 0 9); do
	echo "file $i" >"$tmp/www/f$i.txt"
done
cp "$ust_o/libcrosslat-ust.so" "$ust_o/libcrosslat-span-preload.so" "$tmp/lib/"
chmod -R a+rX "$tmp"

lttng=0
why=
if ! command -v lttng-sessiond >/dev/null || ! command -v lttng >/dev/null ||
   ! command -v babeltrace2 >/dev/null; then
	why="lttng-tools or babeltrace2 not installed"
elif ! lttng_private_init "$tmp"; then
	why=$lttng_private_why
elif ! lttng_private_start; then
	why="lttng-sessiond --daemonize cannot run here"
else
	lttng=1
	as_user lttng create span-http --output="$tmp/trace" >/dev/null &&
	as_user lttng enable-event --userspace 'crosslat_ust:*' >/dev/null &&
	as_user lttng add-context --userspace -t vtid -t vpid >/dev/null &&
	as_user lttng start >/dev/null || { lttng=0; why="the lttng session could not start"; }
fi
# A simple command, so that $! is the server's (timeout's, which passes signals on).
runner=(timeout 60)
[ "$lttng" = 1 ] && runner=("${as_user_prefix[@]}")

"${runner[@]}" env LD_PRELOAD="$tmp/lib/libcrosslat-span-preload.so" \
	CROSSLAT_SPAN_LOG="$tmp/spans.log" CROSSLAT_SPAN_SERVICE=e2e-http CROSSLAT_SPAN_STATS=1 \
	"$python" -u -m http.server --bind 127.0.0.1 --directory "$tmp/www" --protocol HTTP/1.1 0 \
	>"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
port=
for _ in $(seq 150); do
	port=$(grep -o 'port [0-9]*' "$tmp/server.out" | cut -d' ' -f2)
	[ -n "$port" ] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$port" ]; then
	echo "not ok - span_http_server_started"
	sed 's/^/# server: /' "$tmp/server.out" "$tmp/server.err" >&2
	exit 1
fi

rc=0
"$python" "$here/span_http_check.py" requests "$port" "$tmp/spans.log" || rc=1
# SIGINT: http.server exits normally, and the preload prints its counters. To python only:
# timeout would pass it on twice (to its child, then to its process group), and a second
# KeyboardInterrupt during the exit kills python by the signal, destructors not run.
kill -INT "$(pgrep -P "$server_pid" || echo "$server_pid")"
wait "$server_pid" 2>/dev/null
server_pid=
stats=$(grep '^crosslat-span-preload: ' "$tmp/server.err")
spans=$(wc -l <"$tmp/spans.log")
if [[ $stats =~ followed\ ([0-9]+),\ table_full\ 0,\ spans\ ([0-9]+),\ done:\ not_http\ 0\ head_too_long\ 0\ pipeline\ 0\ upgrade\ 0\ opaque\ 0\ closed\ ([0-9]+)$ ]] &&
   [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[3]}" ] && [ "${BASH_REMATCH[2]}" = "$spans" ]; then
	echo "ok - span_http_preload_stats"
else
	echo "not ok - span_http_preload_stats"
	echo "# '$stats', $spans spans logged" >&2
	rc=1
fi
if [ "$rc" != 0 ]; then
	sed 's/^/# server: /' "$tmp/server.err" | tail -n 20 >&2
fi

if [ "$lttng" = 1 ]; then
	as_user lttng stop >/dev/null
	as_user lttng destroy >/dev/null
	if timeout 60 babeltrace2 "$tmp/trace" >"$tmp/events.txt" 2>"$tmp/babeltrace.log"; then
		"$python" "$here/span_http_check.py" lttng "$tmp/spans.log" "$tmp/events.txt" ||
			rc=1
	else
		sed 's/^/# babeltrace2: /' "$tmp/babeltrace.log" >&2
		echo "not ok - span_http_lttng_read_trace"
		rc=1
	fi
else
	echo "ok - span_http_lttng # SKIP $why"
fi
exit "$rc"
