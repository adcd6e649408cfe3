#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of tests/vm-pair/run, for both guests (CROSSLAT_PAIR_ROLE a or b, set up by
# scripts/vm-pair), rendezvous through files in $CROSSLAT_PAIR_DIR:
#
#   guest A  crosslat-a  192.168.200.1        guest B  crosslat-b  192.168.200.2
#   +------------------------------+          +-------------------------------------+
#   | lttng-relayd  :5342 :5343 <-------------- session "pair-b" (net://192.168.200.1) |
#   | session "pair-a" (local)     |   link   | ping, ping under netem delay 20 ms  |
#   | clock_offset.py serve :5399 <------------ clock_offset.py query (50 probes)    |
#   | tcp_tool.py rr-server :5400 <------------ tcp_tool.py rr-client (200 requests) |
#   | tcp_tool.py rr-server :5401 <------------ the same under netem delay 20 ms on B |
#   | tcp_tool.py rr-server :5402 <------------ tcp_tool.py rr-relay :5403 <- rr-client |
#   |                              |          |  (100 requests; the client not traced) |
#   +------------------------------+          +-------------------------------------+
#
# A: relayd and its own session up, servers up, "a-ready"; waits for "b-done"; stops.
# B: waits for "a-ready"; ping.json, clock-offset.json; its session streams to A's relayd
#    while the request/response traffic runs; "b-done".
# A's session records sched_switch, net_dev_queue, netif_receive_skb and crosslat_req_*; B's
# is scripts/crosslat-capture's (preset req: crosslat_req_*). In each, crosslat_req follows
# the script and all it starts (a cgroup): the TCP bytes written on one guest and read on
# the other, that crosslat-analyze align puts the two clocks on one with.
# Traces: A's own in $CROSSLAT_RESULTS/trace (A's results), B's in A's
# $CROSSLAT_RESULTS/relayd/crosslat-b/.
SCENARIO_OUT=$CROSSLAT_RESULTS
. "$(dirname "$0")/../vm/lib.sh"
# shellcheck source=tests/vm-pair/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(cd "$(dirname "$0")" && pwd)
tcp_tool=$dir/../vm/tcp_tool.py
capture=$dir/../../scripts/crosslat-capture
nic=$CROSSLAT_PAIR_NIC
EVENTS=sched_switch,net_dev_queue,netif_receive_skb
PORT_CLOCK=5399 PORT_RR=5400 PORT_RR_NETEM=5401 PORT_RR_DAG=5402 PORT_RELAY=5403
# request/response exchanges before the netem phase (tests/bench/align-speed asks for more)
REQUESTS=${CROSSLAT_PAIR_REQUESTS:-200}
CGROUP=/sys/fs/cgroup/crosslat-pair

# record NAME LTTNG-CREATE-ARGS...: a kernel session recording $EVENTS, started.
record() {
	local name=$1
	shift
	lttng create "$name" "$@" >/dev/null || fail "lttng create $name $*"
	lttng enable-event -k -s "$name" "$EVENTS" >/dev/null || fail "enable-event in $name"
	lttng enable-event -k -s "$name" 'crosslat_req_*' >/dev/null ||
		fail "enable-event crosslat_req_* in $name"
	lttng start "$name" >/dev/null || fail "lttng start $name"
	say "ok: session $name recording ($*)"
}

# req_setup: this script and all it starts in a cgroup; crosslat_req following it, its
# LTTng probe (after the session daemon: it loads the tracer the probe needs).
req_setup() {
	mkdir -p $CGROUP
	echo $$ >$CGROUP/cgroup.procs
	load_engine
	insmod "$(ko crosslat_req)" cgroups="$(stat -c %i $CGROUP)" || fail "insmod crosslat_req"
	lttng_start_daemon sched,net
	insmod "$(ko lttng-probe-crosslat-req)" || fail "insmod lttng-probe-crosslat-req"
}

finish() {
	lttng stop "$1" >/dev/null || fail "lttng stop $1"
	lttng destroy "$1" >/dev/null || fail "lttng destroy $1"
}

# ping_rtt: "min avg max" of 10 pings to the peer, in ms.
ping_rtt() {
	{ ping -q -n -c 10 -i 0.2 "$CROSSLAT_PAIR_PEER" || true; } |
		sed -n 's|^rtt min/avg/max/mdev = \([^/]*\)/\([^/]*\)/\([^/]*\)/.*|\1 \2 \3|p'
}

side_a() {
	local relayd pids=()
	mkdir -p "$OUT/relayd"
	lttng-relayd -o "$OUT/relayd" -C "tcp://$CROSSLAT_PAIR_ADDR:5342" \
		-D "tcp://$CROSSLAT_PAIR_ADDR:5343" -L tcp://127.0.0.1:5344 >"$OUT/relayd.log" 2>&1 &
	relayd=$!
	req_setup
	record pair-a --output="$OUT/trace"
	"$dir/clock_offset.py" serve "$CROSSLAT_PAIR_ADDR" $PORT_CLOCK &
	pids+=($!)
	"$tcp_tool" rr-server $PORT_RR 0 &
	pids+=($!)
	"$tcp_tool" rr-server $PORT_RR_NETEM 0 &
	pids+=($!)
	"$tcp_tool" rr-server $PORT_RR_DAG 0 &
	pids+=($!)
	for _ in $(seq 50); do
		ss -Hltn 'sport = :5342' | grep -q . && break
		sleep 0.2
	done
	kill -0 $relayd 2>/dev/null || fail "lttng-relayd died: $(cat "$OUT/relayd.log")"
	touch "$sync_dir/a-ready"
	say "ok: relayd on $CROSSLAT_PAIR_ADDR:5342/5343, servers up"
	await b-done $((150 + REQUESTS / 500))
	finish pair-a
	kill "${pids[@]}" 2>/dev/null || true
	# B destroyed its session (its consumer flushed to us): let relayd close the streams.
	kill -INT $relayd
	wait $relayd || true
	lttng_stop_daemon
	say "ok: B's trace in $(find "$OUT/relayd" -name metadata -printf '%h\n' | head -n 1)"
}

side_b() {
	local base netem
	await a-ready 120
	# The first exchange also resolves the peer's MAC.
	ping -q -c 2 -W 5 "$CROSSLAT_PAIR_PEER" >/dev/null || fail "no ping across the link"
	base=$(ping_rtt)
	[ -n "$base" ] || fail "ping across the link"
	tc qdisc add dev "$nic" root netem delay 20ms || fail "tc netem"
	netem=$(ping_rtt)
	tc qdisc del dev "$nic" root
	[ -n "$netem" ] || fail "ping under netem"
	# shellcheck disable=SC2086 # "min avg max" twice
	set -- $base $netem
	printf '{"rtt_ms": {"min": %s, "avg": %s, "max": %s}, "netem_20ms_rtt_ms": {"min": %s, "avg": %s, "max": %s}}\n' \
		"$@" >"$OUT/ping.json"
	say "ok: ping RTT min/avg/max $1/$2/$3 ms; with netem delay 20 ms on $nic $4/$5/$6 ms"
	# The minimum: the TCG guests' scheduling noise only ever adds to a round trip.
	awk -v b="$1" -v n="$4" 'BEGIN { d = n - b; exit !(d >= 18 && d <= 35) }' ||
		fail "netem's 20 ms did not show in the minimum RTT ($1 -> $4 ms)"

	"$dir/clock_offset.py" query "$CROSSLAT_PAIR_PEER" $PORT_CLOCK 50 >"$OUT/ntp.json" ||
		fail "clock offset measurement"
	jq -c '. + {offset_is: "CLOCK_REALTIME of crosslat-b minus crosslat-a"}' "$OUT/ntp.json" \
		>"$OUT/clock-offset.json"
	say "ok: realtime offset B - A: $(jq -r '"\(.offset_ns) ns +/- \(.bound_ns) ns (\(.samples) samples)"' "$OUT/clock-offset.json")"

	# B's capture is the one a host runs (scripts/crosslat-capture, preset req): the engine
	# and crosslat_req for this script's cgroup, a session daemon, the session streamed
	mkdir -p $CGROUP
	echo $$ >$CGROUP/cgroup.procs
	"$capture" start --kmod-dir "$KMOD_OUT" --relayd "$CROSSLAT_PAIR_PEER" --events req \
		--cgroups "$(stat -c %i $CGROUP)" --name pair-b 2>&1 | indent
	[ "${PIPESTATUS[0]}" = 0 ] || fail "crosslat-capture start"
	"$tcp_tool" rr-client "$CROSSLAT_PAIR_PEER" $PORT_RR "$REQUESTS" ||
		fail "request/response traffic"
	# then B's requests to A's second server wait 20 ms more on B's NIC (A's answers do not)
	tc qdisc add dev "$nic" root netem delay 20ms || fail "tc netem"
	"$tcp_tool" rr-client "$CROSSLAT_PAIR_PEER" $PORT_RR_NETEM 100 ||
		fail "request/response traffic under netem"
	tc qdisc del dev "$nic" root
	# requests across both hosts: a client outside the traced cgroup -> a relay on B -> A
	"$tcp_tool" rr-relay $PORT_RELAY "$CROSSLAT_PAIR_PEER" $PORT_RR_DAG &
	relay=$!
	for _ in $(seq 50); do
		ss -Hltn "sport = :$PORT_RELAY" | grep -q . && break
		sleep 0.1
	done
	(echo $BASHPID >/sys/fs/cgroup/cgroup.procs &&
		exec "$tcp_tool" rr-client 127.0.0.1 $PORT_RELAY 100) || fail "requests through the relay"
	wait $relay || fail "rr-relay"
	"$capture" stop --name pair-b --unload 2>&1 | indent
	[ "${PIPESTATUS[0]}" = 0 ] || fail "crosslat-capture stop"
	say "ok: $REQUESTS requests to A, 100 under netem delay 20 ms on B, 100 through a relay on B, traced; B's session streamed to A's relayd"
	touch "$sync_dir/b-done"
}

case ${CROSSLAT_PAIR_ROLE:-} in
a) side_a ;;
b) side_b ;;
*) fail "CROSSLAT_PAIR_ROLE must be a or b" ;;
esac
