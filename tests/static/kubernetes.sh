#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks the many-host capture without a cluster or a kernel: the Kubernetes manifest
# (deploy/kubernetes/crosslat-capture.yaml) by k8s_manifest.py, which mutated copies must
# fail, and by kubectl's offline decoding where kubectl is installed; scripts/crosslat-capture
# by the commands its --dry-run prints, its argument errors (exit 2) and shellcheck.
# Run by tests/static/run; alone it prints "kubernetes: N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
manifest=deploy/kubernetes/crosslat-capture.yaml
checker=tests/static/k8s_manifest.py
capture=scripts/crosslat-capture
py=/usr/bin/python3 # Debian's, with python3-yaml (a pyenv python3 on PATH may lack it)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

SUITE=kubernetes
# shellcheck source=tests/static/suite.sh
. "$top/tests/static/suite.sh"

# 1. The manifest: structure, mutations, the capture's command line, kubectl's decoding.
if ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "    $py cannot import yaml (Debian: python3-yaml)"
	skip "k8s-manifest"
	skip "k8s-mutations"
	skip "k8s-capture-argv"
else
	"$py" "$checker" check "$manifest" 2>&1 | indent
	result "${PIPESTATUS[0]}" k8s-manifest

	out=$("$py" "$checker" mutations "$manifest" 2>&1)
	rc=$?
	echo "$out" | indent
	result $rc "k8s-mutations"

	# The DaemonSet's command, its $(VAR)s expanded, is one crosslat-capture accepts and
	# that streams to the manifest's relayd Service.
	mapfile -t argv < <("$py" "$checker" capture-argv "$manifest")
	out=$("$capture" "${argv[@]:1}" --dry-run 2>&1)
	rc=$?
	[ "${argv[0]:-}" = crosslat-capture ] && [ $rc = 0 ] &&
		grep -qx '+ lttng create crosslat-node-1 --set-url=net://crosslat-relayd.crosslat.svc:5342:5343' <<<"$out"
	rc=$?
	[ $rc = 0 ] || { echo "    ${argv[*]} --dry-run:"; echo "$out" | indent; }
	result $rc "k8s-capture-argv (${argv[*]:0:2} ...)"
fi

if ! command -v kubectl >/dev/null; then
	skip "k8s-kubectl (kubectl not installed)"
else
	# Offline, without a cluster: `label --local` maps every document's kind; `set env
	# --local` decodes the workloads into their Go types (a wrong field type fails); a
	# server-side or `apply --dry-run=client` check would need an API server.
	rc=0
	out=$(kubectl label --local -f "$manifest" crosslat-check=1 -o name 2>&1) || rc=1
	[ "$(grep -c . <<<"$out")" = "$(grep -c '^kind:' "$manifest")" ] || rc=1
	typed=$(kubectl set env --local -f "$manifest" CROSSLAT_CHECK=1 -o name 2>&1)
	grep -q 'unable to decode' <<<"$typed" && rc=1
	for w in daemonset.apps/crosslat-capture deployment.apps/crosslat-relayd; do
		grep -qx "$w" <<<"$typed" || rc=1
	done
	sed 's/hostPID: true/hostPID: "yes"/' "$manifest" >"$tmp/bad-type.yaml"
	bad=$(kubectl set env --local -f "$tmp/bad-type.yaml" CROSSLAT_CHECK=1 -o name 2>&1)
	grep -q 'unable to decode' <<<"$bad" || { echo "    hostPID: \"yes\" was decoded"; rc=1; }
	[ $rc = 0 ] || { echo "$out" | indent; echo "$typed" | indent; }
	result $rc "k8s-kubectl (offline decode; a bad field type rejected)"
fi

# 2. crosslat-capture --dry-run: the commands for a host where nothing runs yet.
# expect NAME ARGS... -- LINE...: `crosslat-capture ARGS --dry-run` exits 0 and prints
# each LINE (a whole line, literally).
expect() {
	local name=$1 rc=0 line out
	shift
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	out=$("$capture" "${args[@]}" --dry-run 2>&1) || rc=1
	for line in "$@"; do
		grep -qxF -- "$line" <<<"$out" || { echo "    missing: $line"; rc=1; }
	done
	[ $rc = 0 ] || { echo "    crosslat-capture ${args[*]} --dry-run:"; echo "$out" | indent; }
	result $rc "capture-$name"
}

expect relayd-host start --relayd relay.example --name h1 -- \
	'+ modprobe crosslat' '+ modprobe crosslat_rtt' '+ modprobe crosslat_span' '+ modprobe crosslat_pkt' \
	'+ lttng-sessiond --daemonize --pidfile=/var/lib/crosslat/lttng-sessiond.pid' \
	'+ modprobe lttng-probe-crosslat-pkt' \
	'+ lttng create h1 --set-url=net://relay.example' \
	"+ lttng enable-event -s h1 -k 'crosslat_span_*,crosslat_rtt_*,crosslat_pkt_*,crosslat_mark,sched_switch,sched_wakeup,sched_wakeup_new'" \
	'+ lttng add-context -s h1 -k -t net_ns' \
	"+ lttng enable-event -s h1 -u 'crosslat_ust:*'" \
	'+ lttng add-context -s h1 -u -t vtid -t vpid' \
	'+ lttng start h1'
expect relayd-ports start --relayd 10.1.2.3:6342:6343 --name h1 -- \
	'+ lttng create h1 --set-url=net://10.1.2.3:6342:6343'
expect relayd-ipv6-live start --relayd '[fd00::1]:5342' --live --name=h1 -- \
	"+ lttng create h1 --live '--set-url=net://[fd00::1]:5342'"
expect output start --output /srv/t1 --events req --pids 12,34 --name h1 -- \
	'+ modprobe crosslat_req pids=12,34' '+ modprobe lttng-probe-crosslat-req' \
	'+ lttng create h1 --output=/srv/t1' \
	"+ lttng enable-event -s h1 -k 'crosslat_req_*,crosslat_mark'" \
	'+ lttng add-context -s h1 -k -t tid'
expect output-default start --name h1 --events verdicts -- \
	'+ lttng create h1 --output=/var/lib/crosslat/traces/h1'
expect preset-all start --relayd r --events all --cgroups 4242 --name h1 -- \
	'+ modprobe crosslat_map' '+ modprobe crosslat_req cgroups=4242' '+ modprobe lttng-probe-crosslat-map' \
	"+ lttng enable-event -s h1 -k 'crosslat_req_*,crosslat_span_*,crosslat_rtt_*,crosslat_pkt_*,crosslat_map_*,crosslat_mark,sched_switch,sched_wakeup,sched_wakeup_new'" \
	'+ lttng add-context -s h1 -k -t tid -t net_ns' \
	"+ lttng enable-event -s h1 -u 'crosslat_ust:*'" \
	'+ lttng start h1' '+ echo 1 >/sys/module/crosslat_map/parameters/statedump'
expect modules-params start --modules rtt,metrics --param rtt.max_flows=1000 --name h1 -- \
	'+ modprobe crosslat_rtt max_flows=1000' '+ modprobe crosslat_metrics' '+ modprobe lttng-probe-crosslat-rtt'
mkdir -p "$tmp/kmod/kmod/engine" "$tmp/kmod/kmod/req" "$tmp/kmod/kmod/lttng"
touch "$tmp/kmod/kmod/engine/crosslat.ko" "$tmp/kmod/kmod/req/crosslat_req.ko" \
	"$tmp/kmod/kmod/lttng/lttng-probe-crosslat.ko" "$tmp/kmod/kmod/lttng/lttng-probe-crosslat-req.ko"
expect kmod-dir start --events req --pids 7 --kmod-dir "$tmp/kmod" --name h1 -- \
	"+ insmod $tmp/kmod/kmod/engine/crosslat.ko" "+ insmod $tmp/kmod/kmod/req/crosslat_req.ko pids=7" \
	"+ insmod $tmp/kmod/kmod/lttng/lttng-probe-crosslat-req.ko"
expect stop stop --name h1 -- '+ lttng stop h1' '+ lttng destroy h1'
expect stop-unload stop --name h1 --unload -- '+ lttng destroy h1' \
	"+ kill -TERM \$(cat /var/lib/crosslat/lttng-sessiond.pid)" '+ rmmod lttng_probe_crosslat' '+ rmmod crosslat'
expect run run --relayd r --name h1 -- '+ lttng start h1' '+ lttng destroy h1'

# Modules before the session daemon, probes after it (the daemon loads the LTTng tracer).
out=$("$capture" start --events all --name h1 --dry-run 2>/dev/null)
[ "$(grep -m1 '^+ modprobe' <<<"$out")" = '+ modprobe crosslat' ] &&
	awk '/^\+ modprobe crosslat_/ { t = NR } /^\+ lttng-sessiond / { s = NR }
		/^\+ modprobe lttng-probe-crosslat/ && !p { p = NR } /^\+ lttng create / { c = NR }
		END { exit !(t && t < s && s < p && p < c) }' <<<"$out"
rc=$?
[ $rc = 0 ] || echo "$out" | indent
result $rc "capture-load-order"

# Bad arguments: usage on stderr, exit 2.
bad=0 n=0
while IFS= read -r args; do
	n=$((n + 1))
	# shellcheck disable=SC2086 # one case a line, split into words
	"$capture" $args --dry-run >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 2 ] || [ -s "$tmp/out" ] || ! grep -q '^usage: crosslat-capture' "$tmp/err"; then
		echo "    crosslat-capture $args: exit $rc (want 2, usage on stderr)"
		bad=1
	fi
done <<'EOF'
bogus
start --bogus
start --relayd
start --relayd host:notaport
start --relayd host:1:2:3
start --relayd host:70000
start --relayd [fd00::1
start --live
start --relayd r --output /tmp/x
start --events spans
start --modules rtt,bogus
start --pids 12 --cgroups 3
start --pids 12,x --events req
start --pids 12 --events verdicts
start --param nope.x=1
start --param rtt
start --name bad/name
stop --relayd r
status --unload
EOF
"$capture" >/dev/null 2>&1
[ $? = 2 ] || { echo "    no command: not exit 2"; bad=1; }
result $bad "capture-bad-args ($((n + 1)) cases)"

bad=0
for c in "" start run stop status; do
	# shellcheck disable=SC2086 # no command, or one
	"$capture" $c --help | grep -q '^EXAMPLES' || { echo "    crosslat-capture $c --help"; bad=1; }
done
result $bad "capture-help (alone and after each command)"

# Without root or lttng it stops before touching the kernel, saying why.
mkdir -p "$tmp/bin"
for t in id hostname; do ln -sf "$(command -v $t)" "$tmp/bin/$t"; done
out=$(PATH=$tmp/bin /bin/bash "$capture" start --name h1 2>&1)
rc=$?
if [ "$(id -u)" = 0 ]; then want='install lttng-tools'; else want='needs root'; fi
[ $rc = 1 ] && grep -q "$want" <<<"$out"
rc=$?
[ $rc = 0 ] || echo "$out" | indent
result $rc "capture-preconditions ($want)"

if command -v shellcheck >/dev/null; then
	shellcheck -x "$capture" tests/static/kubernetes.sh 2>&1 | indent
	result "${PIPESTATUS[0]}" "capture-shellcheck"
else
	skip "capture-shellcheck (shellcheck not installed)"
fi

echo "kubernetes: $pass passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
