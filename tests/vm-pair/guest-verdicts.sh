#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the cluster verdicts of tests/vm-pair/run, for both guests: a frontend pod on
# A (10.244.1.2:8080) calling a backend pod on B (10.244.2.2:8080) over a VXLAN overlay
# (tests/vm-pair/lib.sh pod_up) on the guests' link, both tests/vm/microsvc/app.py with
# libcrosslat-span, wrk on A at 30 requests/s. Each guest captures with
# scripts/crosslat-capture (preset all, trackers span, req and map: every span annotated,
# crosslat_req following the apps' cgroup for the clocks' alignment, crosslat_map naming the
# pods of the overlay's flows, its statedump giving each session the keep-alive
# connections' mappings) one session per phase into $CROSSLAT_PAIR_DIR/traces/PHASE/ROLE:
#   base   no fault
#   delay  netem delay 50 ms on B's NIC (the backend's answers cross the link 50 ms later)
#   loss   netem loss 10% on B's NIC (at 5% the requests slowed by a retransmission, 5-14
#          of ~160 in 9 runs, were as many as those slowed by the emulator's scheduling on
#          the 2-core host, 2-10 with runqueue delay beside the backend, and the run's
#          first culprit went either way)
#   cpu    4 CPU hogs at nice -5 beside the backend on B's CPU 1 (the backend pinned there)
# A drives the phases; B starts its session and its fault before A records, and stops after.
# Truth for the host side, in $CROSSLAT_PAIR_DIR: pod-ROLE (the pod's netns inode and
# address), PHASE-conns (A: the frontend pod's connections to the backend pod during the
# phase's load, their local ports).
SCENARIO_OUT=$CROSSLAT_RESULTS
. "$(dirname "$0")/../vm/lib.sh"
# shellcheck source=tests/vm-pair/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(cd "$(dirname "$0")" && pwd)
capture=$dir/../../scripts/crosslat-capture
app=$dir/../vm/microsvc/app.py
lua=$dir/../vm/microsvc/traceparent.lua
spans=$CROSSLAT_TOP/build/ust/libcrosslat-span.so
traces=$sync_dir/traces
CGROUP=/sys/fs/cgroup/crosslat-apps
PORT=8080 DUR=${CROSSLAT_PAIR_PHASE_S:-8} RATE=30 CONNS=4
PHASES="base delay loss cpu"
[ -f "$spans" ] || fail "$spans not built (make ust)"
command -v wrk >/dev/null || skip "wrk not installed"

# cap ARGS...: crosslat-capture, its output indented; fails the scenario on an error.
cap() {
	"$capture" "$@" 2>&1 | indent
	[ "${PIPESTATUS[0]}" = 0 ] || fail "crosslat-capture $*"
}

# session PHASE: this guest's session of PHASE, started
session() {
	mkdir -p "$traces/$1"
	cap start --kmod-dir "$KMOD_OUT" --events all --modules span,req,map \
		--param span.threshold_us=0 --cgroups "$(stat -c %i $CGROUP)" \
		--output "$traces/$1/$CROSSLAT_PAIR_ROLE" --name "v-$1"
}

# app_start NAME ARGS...: a microsvc app in the apps' cgroup and the pod, until it listens
app_start() {
	local name=$1
	shift
	# the cgroup first: ip netns exec mounts a sysfs of the namespace, without cgroups
	(echo $BASHPID >$CGROUP/cgroup.procs &&
		exec ip netns exec pod /usr/bin/python3 "$app" --name "$name" \
			--log "$OUT/$name.jsonl" --listen "$POD_IP:$PORT" --spans "$spans" "$@") \
		>"$OUT/$name.log" 2>&1 &
	for _ in $(seq 100); do
		ip netns exec pod ss -Hltn "src $POD_IP:$PORT" | grep -q . && return 0
		sleep 0.1
	done
	fail "$name does not listen: $(tail -n 3 "$OUT/$name.log")"
}

# load SECONDS NAME: wrk at $RATE requests/s (think time per connection) against the frontend
load() {
	MS_WRK_IDS=$OUT/$2.ids MS_WRK_OUT=$OUT/$2.json MS_WRK_THINK_MS=$((CONNS * 1000 / RATE)) \
		wrk -t 1 -c $CONNS -d "$1s" --timeout 10s -s "$lua" \
		"http://$POD_IP:$PORT/" >"$OUT/$2.txt" 2>&1 || fail "wrk ($2)"
	say "$2: $(jq -r '"\(.requests) requests, p50 \(.latency_us.p50 / 1000) ms, p99 \(.latency_us.p99 / 1000) ms"' "$OUT/$2.json")"
}

# conns PHASE: the frontend pod's connections to the backend pod while the load runs (ss
# every half second), their local ports into $sync_dir/PHASE-conns
conns() {
	for _ in $(seq $((DUR * 2))); do
		ip netns exec pod ss -Htn state established "dst $PEER_POD_IP:$PORT"
		sleep 0.5
	done | awk '{ n = split($3, a, ":"); print a[n] }' | sort -un >"$sync_dir/$1-conns"
}

mkdir -p $CGROUP
pod_up
echo "$(ip netns exec pod stat -L -c %i /proc/self/ns/net) $POD_IP" >"$sync_dir/pod-$CROSSLAT_PAIR_ROLE"
# the modules and the session daemon first: the apps register with it as they start
session warmup

side_a() {
	local p
	await b-up 120
	app_start frontend --call "backend=http://$PEER_POD_IP:$PORT/"
	load 3 warmup
	cap stop --name v-warmup
	for p in $PHASES; do
		touch "$sync_dir/$p-start"
		await "$p-ready" 60
		session "$p"
		conns "$p" &
		load "$DUR" "$p"
		wait $!
		cap stop --name "v-$p"
		touch "$sync_dir/$p-done"
		await "$p-stopped" 60
	done
}

side_b() {
	local p hogs=()
	# the backend's CPU time per request (5 ms), on CPU 1 (the CPU hogs' in the cpu phase)
	app_start backend --work-us 5000
	taskset -a -p -c 1 "$(pgrep -f -- '--name backend')" >/dev/null || fail "taskset"
	touch "$sync_dir/b-up"
	cap stop --name v-warmup
	for p in $PHASES; do
		await "$p-start" 120
		session "$p"
		case $p in
		delay) tc qdisc add dev "$CROSSLAT_PAIR_NIC" root netem delay 50ms || fail "netem" ;;
		loss) tc qdisc add dev "$CROSSLAT_PAIR_NIC" root netem loss 10% || fail "netem" ;;
		cpu)
			for _ in 1 2 3 4; do
				nice -n -5 taskset -c 1 sh -c 'while :; do :; done' &
				hogs+=($!)
			done ;;
		esac
		touch "$sync_dir/$p-ready"
		await "$p-done" $((DUR + 60))
		case $p in
		delay | loss) tc qdisc del dev "$CROSSLAT_PAIR_NIC" root ;;
		cpu) kill "${hogs[@]}" ;;
		esac
		cap stop --name "v-$p"
		touch "$sync_dir/$p-stopped"
	done
}

case ${CROSSLAT_PAIR_ROLE:-} in
a) side_a ;;
b) side_b ;;
*) fail "CROSSLAT_PAIR_ROLE must be a or b" ;;
esac
pkill -f "$app" || true
say "ok: phases $PHASES recorded in $traces"
