# SPDX-License-Identifier: GPL-2.0-only
# vm: retry-once (a busy host makes the guest's timers fire late)
# Layer tracing armed per flow (crosslat_rtt arm_ms, crosslatctl arm/disarm/armed).
#
#   cla (10.9.0.1) cla0 ==veth== clb0 (10.9.0.2) clb
#       (10.9.1.1) cla1 ==veth== clb1 (10.9.1.2)    cla1 egress: netem +DELAY_MS
#   10 clients, ports 45301..45310     10 servers, ports 5301..5310: a line in, a line out
#   (45310 -> 5310 over cla1, the others over cla0)
#
# Checked with ftrace (trace_clock mono, the clock of ktime_get_ns() and of the deadlines):
#  1. alert-armed: a 75 ms threshold in cla (netem 150 ms; debug kernel: 250 and 400 ms,
#     arm_ms 3000); only the 5310 connection crosses it (its flow
#     alerts once: alert_interval_ms is an hour). Every crosslat_rtt_layer_* event is of that
#     connection, in cla; socket, netfilter and device events all appear while it is armed
#     (socket and device ones once their probes are registered); the first comes within one
#     RTT-sample period of its flow's alert; none is later than the arming's end
#     (crosslat_rtt_layer_arm until_ns, arm_ms=1500) + 2 ms although the flow goes on; the
#     probes are unregistered and the set is empty once it expired.
#  2. manual: `crosslatctl arm FLOW --netns` arms one unalerted flow (events of that flow
#     only, in that namespace only, all three layers; `armed --json` lists it); `disarm`
#     stops them (none between a crosslat_mark put just after it and the next arming);
#     `arm --netns` arms every flow of a namespace (events of >= 5 flows, all in it).
#  3. control: invalid requests get EINVAL (crosslatctl and raw netlink); the cap
#     (max_armed=4) refuses the fifth entry with ENOSPC, counted in arm_refused.
#  4. LTTng (lttng-probe-crosslat-rtt) records socket, netfilter, device and arm events of the
#     armed flows (45303 over cla0, 45310 over cla1 and its netem), and of no other;
#     `crosslat-analyze layers` matches them into stages: 45310's qdisc stage (dev queue >
#     dev xmit, where netem holds its segments) is DELAY_MS within 10%, 45303's and the
#     other egress stages of both are under a tenth of it.
#  5. rmmod crosslat_rtt while a namespace is armed and traffic flows.
#  6. arm_netns=1: the 5310 connection's alert arms all of cla (one crosslat_rtt_layer_arm,
#     netns_only=1, reason 1): layer events of every connection in it, none elsewhere, none
#     after the arming's end.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
T=/sys/kernel/tracing
# Under KASAN (a debug kernel) python's answers and the probes' registration take longer:
# a larger delay and threshold keep the other flows under it, a longer arming and run.
case $(uname -r) in
*dbg*) DELAY_MS=400 THRESH_MS=250 ARM_MS=3000 RUN_S=9 ;;
*) DELAY_MS=150 THRESH_MS=75 ARM_MS=1500 RUN_S=4.5 ;;
esac
# ftrace as the scenarios after this one expect it.
saved_clock=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $T/trace_clock)
saved_kb=$(cat $T/buffer_size_kb) saved_on=$(cat $T/tracing_on)
cleanup() {
	echo 0 >$T/events/enable 2>/dev/null || true
	echo "$saved_clock" >$T/trace_clock 2>/dev/null || true
	echo "$saved_kb" >$T/buffer_size_kb 2>/dev/null || true
	echo "$saved_on" >$T/tracing_on 2>/dev/null || true
	echo >$T/trace 2>/dev/null || true
	lttng_stop_daemon
	netns_pair_del
}
trap cleanup EXIT
load_rtt alert_interval_ms=3600000 arm_ms=$ARM_MS max_armed=4 sample_every=1
netns_pair
ip link add cla1 netns $NS_A type veth peer name clb1 netns $NS_B
ip -n $NS_A addr add 10.9.1.1/24 dev cla1
ip -n $NS_B addr add 10.9.1.2/24 dev clb1
ip -n $NS_A link set cla1 up
ip -n $NS_B link set clb1 up
ip netns exec $NS_A tc qdisc replace dev cla1 root netem delay ${DELAY_MS}ms
# On the client side only: a server's RTT samples include the client's think time (its
# next request carries the ACK), which TCG stretches past any useful threshold.
"$CROSSLATCTL" threshold set ${THRESH_MS}ms --netns /run/netns/$NS_A
inum_a=$(netns_inum $NS_A) inum_b=$(netns_inum $NS_B)

# Servers: one thread per port, each connection answers every line with a line.
ip netns exec $NS_B python3 - >"$OUT/servers.log" 2>&1 <<'PY' &
import socket, threading
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()
def echo(c):
    f = c.makefile("rb")
    for line in f:
        c.sendall(b"a" * 200 + b"\n")
for p in range(5301, 5311):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
PY
for i in $(seq 100); do
	[ "$(ip netns exec $NS_B ss -Hltn 'sport >= :5301 and sport <= :5310' | wc -l)" = 10 ] && break
	sleep 0.1
done

# clients SECONDS: 10 connections from ports 45301..45310, a request every 20 ms each, for
# SECONDS or until $OUT/stop exists.
clients() {
	rm -f "$OUT/stop"
	ip netns exec $NS_A python3 - "$1" "$OUT/stop" <<'PY'
import os, socket, sys, threading, time
def run(i, end):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    net = "10.9.1." if i == 10 else "10.9.0."
    s.bind((net + "1", 45300 + i))
    s.connect((net + "2", 5300 + i))
    f = s.makefile("rb")
    while time.monotonic() < end and not os.path.exists(sys.argv[2]):
        s.sendall(b"q" * 100 + b"\n")
        f.readline()
        time.sleep(0.02)
    s.close()
end = time.monotonic() + float(sys.argv[1])
ts = [threading.Thread(target=run, args=(i, end)) for i in range(1, 11)]
for t in ts: t.start()
for t in ts: t.join()
PY
}

trace_on() {
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo mono >$T/trace_clock
	echo 4096 >$T/buffer_size_kb
	echo 1 >$T/events/crosslat_rtt/enable
	echo 1 >$T/events/crosslat/crosslat_mark/enable
	echo 1 >$T/tracing_on
}
trace_off() {
	echo 0 >$T/tracing_on
	echo 0 >$T/events/crosslat_rtt/enable
	cp $T/trace "$OUT/$1.trace"
}

# ---- 1. armed by the alert ----
trace_on
clients "$RUN_S" || fail "clients failed"
sleep 0.3	# the arming work runs once more at the expiry
trace_off alert

python3 - "$OUT/alert.trace" "$inum_a" "$inum_b" "$ARM_MS" >"$OUT/alert.txt" <<'PY' || fail "alert phase: $(tail -n 3 "$OUT/alert.txt")"
import re, statistics, sys
path, inum_a, inum_b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
arm_s = int(sys.argv[4]) / 1e3
rx = re.compile(r"\s(\d+\.\d+): (crosslat_\w+): netns=(\d+)(?: netns_only=\d+)? "
                r"\[([^\]]*)\]:(\d+) -> \[([^\]]*)\]:(\d+)(.*)")
ev = []
for line in open(path):
    m = rx.search(line)
    if m:
        rest = dict(kv.split("=", 1) for kv in m.group(8).split() if "=" in kv)
        ev.append((float(m.group(1)), m.group(2), int(m.group(3)), int(m.group(5)),
                   int(m.group(7)), rest))
def conn(e):
    return tuple(sorted((e[3], e[4])))
bad = 0
def check(what, ok):
    global bad
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    bad += not ok
alerts = [e for e in ev if e[1] == "crosslat_rtt_alert"]
arms = [e for e in ev if e[1] == "crosslat_rtt_layer_arm"]
layers = [e for e in ev if e[1].startswith("crosslat_rtt_layer_") and e[1] != "crosslat_rtt_layer_arm"]
delayed = (5310, 45310)
check("alerts only of the delayed connection (%d)" % len(alerts),
      alerts and all(conn(e) == delayed for e in alerts))
check("one alert, in cla", len(alerts) == 1 and alerts[0][2] == inum_a)
check("one arming, by the alert (reason 1)",
      len(arms) == 1 and all(e[5].get("reason") == "1" for e in arms))
others = [e for e in layers if conn(e) != delayed or e[2] != inum_a]
check("layer events of other connections: %d" % len(others), not others)
kinds = {}
for e in layers:
    kinds[e[1]] = kinds.get(e[1], 0) + 1
print("layer events: %s" % kinds)
check("socket, netfilter and device layers present",
      all(kinds.get("crosslat_rtt_layer_" + k, 0) > 0 for k in ("sock", "nf", "dev")))
points = sorted({int(e[5]["point"]) for e in layers})
print("points seen: %s" % points)
check("every point seen (send, recv, nf out/in, dev queue/xmit/recv)", points == list(range(1, 8)))
for a in alerts:
    ns = a[2]
    samples = [e[0] for e in ev if e[1] == "crosslat_rtt_sample" and e[2] == ns and conn(e) == delayed]
    period = statistics.median([b - x for x, b in zip(samples, samples[1:])])
    mine = [e for e in layers if e[2] == ns]
    first = min(e[0] for e in mine)
    arm = [e for e in arms if e[2] == ns][0]
    until = int(arm[5]["until"]) / 1e9
    last = max(e[0] for e in mine)
    after = [e for e in mine if e[0] > until + 0.002]
    later_samples = [t for t in samples if t > until + 0.1]
    firsts = {k: "%.1f" % ((min(e[0] for e in mine if e[1] == k) - a[0]) * 1e3)
              for k in ("crosslat_rtt_layer_sock", "crosslat_rtt_layer_nf", "crosslat_rtt_layer_dev")
              if any(e[1] == k for e in mine)}
    print("netns %d: %d layer events, RTT-sample period %.1f ms, first event %.3f ms after "
          "the alert (per layer, ms: %s), last %.1f ms before the end of the arming, "
          "%d events after it, %d RTT samples of the flow after it" % (
              ns, len(mine), period * 1e3, (first - a[0]) * 1e3, firsts,
              (until - last) * 1e3, len(after), len(later_samples)))
    check("netns %d: first layer event within one RTT-sample period of the alert" % ns,
          0 <= first - a[0] <= period)
    # socket and device probes start once registered (text patching: slow under TCG)
    check("netns %d: every layer starts while armed" % ns,
          len(firsts) == 3 and all(float(v) / 1e3 < until - a[0] for v in firsts.values()))
    # the deadline counts from the packet that made the alert, the event comes after it
    check("netns %d: arming ends arm_ms after the alert" % ns,
          0 <= a[0] - (until - arm_s) < 0.05)
    check("netns %d: no layer event after the arming ended" % ns, not after)
    check("netns %d: the flow went on after it (samples)" % ns, len(later_samples) > 5)
sys.exit(1 if bad else 0)
PY
sed 's/^/    /' "$OUT/alert.txt" >&2
expect_eq "probes unregistered after expiry" "$(proc_stat arm_probes)" 0
expect_eq "nothing armed after expiry" "$(proc_stat arm_active)" 0
expect_eq "armings expired" "$(proc_stat arm_expired)" 1
expect_eq "armed list empty" "$("$CROSSLATCTL" armed --json | jq length)" 0

# ---- 2. armed by hand ----
"$CROSSLATCTL" threshold flush	# the 5310 connection alerts no more
trace_on
clients 120 &
cpid=$!
sleep 0.8
flow="10.9.0.1:45303>10.9.0.2:5303"
"$CROSSLATCTL" arm "$flow" --netns /run/netns/$NS_A --ms 60000 || fail "arm $flow"
"$CROSSLATCTL" armed --json >"$OUT/armed.json"
expect_eq "armed list: the flow, by hand" \
	"$(jq -c '[.[] | [.netns_inum, .laddr, .lport, .rport, .reason]]' "$OUT/armed.json")" \
	"[[$inum_a,\"10.9.0.1\",45303,5303,\"manual\"]]"
sleep 0.5
"$CROSSLATCTL" disarm "$flow" --netns /run/netns/$NS_A || fail "disarm $flow"
"$CROSSLATCTL" mark 1 disarmed
sleep 0.4
"$CROSSLATCTL" mark 2 arming-netns
"$CROSSLATCTL" arm --netns /run/netns/$NS_B --ms 1000 || fail "arm --netns"
sleep 1
touch "$OUT/stop"
wait $cpid || fail "clients failed"
trace_off manual
python3 - "$OUT/manual.trace" "$inum_a" "$inum_b" >"$OUT/manual.txt" <<'PY' || fail "manual phase: $(tail -n 3 "$OUT/manual.txt")"
import re, sys
path, inum_a, inum_b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rx = re.compile(r"\s(\d+\.\d+): (crosslat_rtt_layer_(?:sock|nf|dev)): netns=(\d+) "
                r"\[[^\]]*\]:(\d+) -> \[[^\]]*\]:(\d+)")
marks = {}
ev = []
for line in open(path):
    m = re.search(r"\s(\d+\.\d+): crosslat_mark: id=(\d+)", line)
    if m:
        marks[int(m.group(2))] = float(m.group(1))
    m = rx.search(line)
    if m:
        ev.append((float(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4)),
                   int(m.group(5))))
bad = 0
def check(what, ok):
    global bad
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    bad += not ok
if 1 not in marks or 2 not in marks:
    print("FAIL: marks missing: %s" % marks)
    sys.exit(1)
flow = [e for e in ev if e[0] < marks[1]]
check("by hand: %d events, all of 45303>5303 in cla" % len(flow),
      flow and all(e[2] == inum_a and (e[3], e[4]) == (45303, 5303) for e in flow))
check("by hand: all three layers", {e[1] for e in flow} == {
    "crosslat_rtt_layer_sock", "crosslat_rtt_layer_nf", "crosslat_rtt_layer_dev"})
late = [e for e in ev if marks[1] < e[0] < marks[2]]
check("no event after the disarm (%d)" % len(late), not late)
ns = [e for e in ev if e[0] > marks[2]]
conns = {e[3] for e in ns}
check("namespace armed: events of %d flows, all in clb" % len(conns),
      len(conns) >= 5 and all(e[2] == inum_b for e in ns))
sys.exit(1 if bad else 0)
PY
sed 's/^/    /' "$OUT/manual.txt" >&2

# ---- 3. control ----
"$CROSSLATCTL" disarm --all
bad_input() {	# WHAT ARGS...: crosslatctl must fail with the kernel's EINVAL
	local out
	if out=$("$CROSSLATCTL" "${@:2}" 2>&1); then fail "$1: accepted"; fi
	echo "$out" | grep -q "Invalid argument" || fail "$1: $out"
	say "ok: $1 refused: ${out#*: }"
}
bad_input "--ms 0" arm "$flow" --ms 0
bad_input "--ms over an hour" arm "$flow" --ms 3600001
bad_input "port 0" arm "10.9.0.1:0>10.9.0.2:5303"
bad_input "netns 0" arm --netns 0
/usr/bin/python3 "$(dirname "$0")/nl_raw.py" armrefusals >"$OUT/refusals.txt" ||
	fail "raw refusals: $(grep 'not ok' "$OUT/refusals.txt" | head -n 3)"
say "ok: raw netlink refusals ($(grep -c '^ok' "$OUT/refusals.txt") checks)"
for p in 1 2 3 4; do
	"$CROSSLATCTL" arm "10.9.9.$p:1>10.9.9.9:2" --ms 60000 || fail "arm entry $p of 4"
done
out=$("$CROSSLATCTL" arm "10.9.9.5:1>10.9.9.9:2" 2>&1) && fail "a fifth entry was accepted"
echo "$out" | grep -q "No space left" || fail "fifth entry: $out"
expect_eq "arm_refused" "$(proc_stat arm_refused)" 1
expect_eq "armed list at the cap" "$("$CROSSLATCTL" armed --json | jq length)" 4
"$CROSSLATCTL" disarm --all

# ---- 4. LTTng records the layer events (lttng-probe-crosslat-rtt) ----
probe=$(find "$KMOD_OUT" -name lttng-probe-crosslat-rtt.ko -print -quit)
if [ -n "$probe" ] && command -v lttng-sessiond >/dev/null; then
	lttng_start_daemon sched
	insmod "$probe"
	lttng list -k | grep -q crosslat_rtt_layer_dev || fail "LTTng does not list crosslat_rtt_layer_dev"
	lttng create crosslat-arm --output="$OUT/lttng" >/dev/null
	lttng enable-event -k 'crosslat_rtt_layer_*' >/dev/null
	lttng start >/dev/null
	"$CROSSLATCTL" arm "$flow" --netns /run/netns/$NS_A --ms 60000 || fail "arm for LTTng"
	"$CROSSLATCTL" arm "10.9.1.1:45310>10.9.1.2:5310" --netns /run/netns/$NS_A --ms 60000 ||
		fail "arm 45310 for LTTng"
	clients 3
	"$CROSSLATCTL" disarm --all
	lttng stop >/dev/null
	lttng destroy >/dev/null
	rmmod lttng_probe_crosslat_rtt
	lttng_stop_daemon
	babeltrace2 "$OUT/lttng" >"$OUT/lttng.txt" || fail "babeltrace2 could not read the trace"
	for e in sock nf dev arm; do
		n=$(grep -c "crosslat_rtt_layer_$e:" "$OUT/lttng.txt" || true)
		[ "$n" -gt 0 ] || fail "LTTng: no crosslat_rtt_layer_$e"
	done
	other=$(grep 'crosslat_rtt_layer_' "$OUT/lttng.txt" | grep -v 'layer_arm:' |
		grep -Evc 'lport = 453(03|10),' || true)
	expect_eq "LTTng: layer events of other flows" "$other" 0
	say "ok: LTTng recorded $(grep -c 'crosslat_rtt_layer_' "$OUT/lttng.txt") layer events of $flow and 45310"
	ANALYZE=$CROSSLAT_TOP/build/analyze/crosslat-analyze
	[ -x "$ANALYZE" ] || fail "$ANALYZE not built (make analyze)"
	"$ANALYZE" layers "$OUT/lttng" >"$OUT/layers.txt" 2>&1 || fail "crosslat-analyze layers: $(cat "$OUT/layers.txt")"
	sed 's/^/      /' "$OUT/layers.txt" >&2
	"$ANALYZE" layers --json "$OUT/lttng" >"$OUT/layers.json" || fail "crosslat-analyze layers --json"
	# stage_ns PORT STAGE FIELD: the flow's figure (ns), or -1 without the stage
	stage_ns() {
		jq -r --arg p ":$1" --arg s "$2" --arg f "$3" '[.flows[] | select(.local | endswith($p))
			| .stages[] | select(.stage == $s) | .[$f]] | first // -1' "$OUT/layers.json"
	}
	q10=$(stage_ns 45310 qdisc p50_ns) n10=$(stage_ns 45310 qdisc segments)
	[ "$n10" -ge 3 ] || fail "layers: $n10 qdisc segments of 45310"
	within_pct "layers: 45310's qdisc stage median, ns" "$q10" $((DELAY_MS * 1000000)) 10
	for c in 45303:qdisc 45303:send 45303:out 45310:send 45310:out; do
		v=$(stage_ns "${c%:*}" "${c#*:}" p50_ns)
		[ "$v" -ge 0 ] && [ "$v" -lt $((DELAY_MS * 100000)) ] ||
			fail "layers: $c stage median $v ns, not under a tenth of ${DELAY_MS} ms"
	done
	say "ok: layers: 45310's qdisc stage median $(ns_to_ms "$q10") ms over $n10 segments (netem ${DELAY_MS} ms); 45303's $(ns_to_ms "$(stage_ns 45303 qdisc p50_ns)") ms; send, out stages under a tenth"
else
	say "LTTng probe or lttng-tools missing: LTTng part not run"
fi

# ---- 5. rmmod while armed, under traffic ----
"$CROSSLATCTL" arm --netns /run/netns/$NS_A --ms 60000
"$CROSSLATCTL" arm --netns /run/netns/$NS_B --ms 60000
clients 120 &
cpid=$!
sleep 1
expect_eq "probes registered" "$(proc_stat arm_probes)" 1
ev=$(proc_stat arm_events)
[ "$ev" -gt 0 ] || fail "no layer events while both namespaces are armed"
rmmod crosslat_rtt || fail "rmmod crosslat_rtt while armed"
say "ok: rmmod while armed under traffic ($ev layer events before it)"
sleep 0.5
touch "$OUT/stop"
wait $cpid || true

# ---- 6. arm_netns=1: an alert arms its flow's whole namespace ----
load_rtt alert_interval_ms=3600000 arm_ms=$ARM_MS max_armed=4 sample_every=1 arm_netns=1
"$CROSSLATCTL" threshold set ${THRESH_MS}ms --netns /run/netns/$NS_A
trace_on
clients "$RUN_S" || fail "clients failed (arm_netns=1)"
sleep 0.3
trace_off netns
python3 - "$OUT/netns.trace" "$inum_a" >"$OUT/netns.txt" <<'PY' || fail "arm_netns=1: $(tail -n 3 "$OUT/netns.txt")"
import re, sys
path, inum_a = sys.argv[1], int(sys.argv[2])
rx = re.compile(r"\s(\d+\.\d+): (crosslat_\w+): netns=(\d+)(?: netns_only=(\d+))? "
                r"\[([^\]]*)\]:(\d+) -> \[([^\]]*)\]:(\d+)(.*)")
ev = []
for line in open(path):
    m = rx.search(line)
    if m:
        rest = dict(kv.split("=", 1) for kv in m.group(9).split() if "=" in kv)
        ev.append((float(m.group(1)), m.group(2), int(m.group(3)), m.group(4),
                   tuple(sorted((int(m.group(6)), int(m.group(8))))), rest))
bad = 0
def check(what, ok):
    global bad
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    bad += not ok
alerts = [e for e in ev if e[1] == "crosslat_rtt_alert"]
arms = [e for e in ev if e[1] == "crosslat_rtt_layer_arm"]
layers = [e for e in ev if e[1].startswith("crosslat_rtt_layer_") and e not in arms]
check("one alert, of the delayed connection in cla (%d)" % len(alerts),
      len(alerts) == 1 and alerts[0][4] == (5310, 45310) and alerts[0][2] == inum_a)
check("one arming: the namespace (netns_only=1), by the alert (reason 1)",
      len(arms) == 1 and arms[0][3] == "1" and arms[0][5].get("reason") == "1" and
      arms[0][2] == inum_a)
conns = {e[4] for e in layers}
print("layer events: %d, of %d connections: %s" % (len(layers), len(conns), sorted(conns)))
check("layer events of several connections (>= 5)", len(conns) >= 5)
check("all of them in cla", all(e[2] == inum_a for e in layers))
if arms and alerts:
    until = int(arms[0][5]["until"]) / 1e9
    after = [e for e in layers if e[0] > until + 0.002]
    check("first layer event after the alert, none after the arming ended (%d)" % len(after),
          layers and min(e[0] for e in layers) >= alerts[0][0] and not after)
sys.exit(1 if bad else 0)
PY
sed 's/^/    /' "$OUT/netns.txt" >&2
expect_eq "arm_netns=1: nothing armed after expiry" "$(proc_stat arm_active)" 0
