# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (hop latencies compared within 10%: KASAN's slowdown is not the point here)
# vm: retry-once (a busy host makes the guest's timers fire late)
# crosslat_pkt on the VXLAN overlay testbed: pod 1.1 sends HTTP requests to a server in pod
# 2.1, each with 2.5 KiB of other headers before its traceparent. Points: host 1's pod port
# veth11 and NIC ul1, host 2's NIC ul2 and pod port veth21. Checked:
#  - every request makes two crosslat_pkt_hop events, veth11 -> ul1 in host 1 (sending) and
#    ul2 -> veth21 in host 2 (receiving), with the trace and span ids it was sent with;
#  - tcpdump on ul2 and veth21 is the oracle: per request, the receive hop's latency by
#    crosslat and by the captures' timestamps (same segment: inner ports and sequence)
#    have medians within 10% (or 50 us);
#  - a netem delay of 20 ms on veth21 (toward the pod) shifts the receive hop's median by
#    at least 20 ms and by tcpdump's shift within 10% (netem's timer fires late under TCG:
#    on a busy host the shift measured by both was 24-25 ms), the sending hop's by < 2 ms.
# Header blocks split over two segments are continued (the scanner's state is kept per
# flow and host under the next sequence), so every request is found.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay.sh"

T=/sys/kernel/tracing
N=${PKT_HOPS_N:-30}
cleanup() {
	[ -e $T/events/crosslat_pkt/enable ] && echo 0 >$T/events/crosslat_pkt/enable
	overlay_down
	rmmod crosslat_pkt 2>/dev/null || true
}
trap cleanup EXIT
overlay_up vxlan >/dev/null

ifidx() { ip -n "$1" -o link show dev "$2" | cut -d: -f1; }
inum() { stat -L -c %i "/run/netns/$1"; }
h1=$(inum $OL_H1) h2=$(inum $OL_H2)
points="vport:$h1:$(ifidx $OL_H1 veth11),nic:$h1:$(ifidx $OL_H1 $OL_UL1)"
points="$points,nic:$h2:$(ifidx $OL_H2 $OL_UL2),vport:$h2:$(ifidx $OL_H2 veth21)"

load_engine
insmod "$(ko crosslat_pkt)" points="$points"
expect_eq "points" "$(cat /sys/module/crosslat_pkt/parameters/points)" "$points"

mkdir -p /tmp/pkt-www
echo hello >/tmp/pkt-www/index.html
ol_pod 2 1 python3 -m http.server $OL_SVC_PORT --bind $OL_POD21_IP --directory /tmp/pkt-www \
	>$OUT/server.log 2>&1 &

# run PHASE: N requests from pod 1.1, hop events and captures of host 2 kept per phase
run() {
	local phase=$1
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 1 >$T/events/crosslat_pkt/enable
	echo 1 >$T/tracing_on
	ol_capture_start $OL_H2 $OL_UL2 $OUT/$phase-ul2.pcap tcp or udp
	ol_capture_start $OL_H2 veth21 $OUT/$phase-veth21.pcap tcp
	ol_pod 1 1 python3 - "$OL_POD21_IP" "$OL_SVC_PORT" "$N" >$OUT/$phase-sent.txt <<'PY' ||
import http.client, os, sys, time
ip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for _ in range(200):	# the server may still be starting
    try:
        http.client.HTTPConnection(ip, port, timeout=2).connect()
        break
    except OSError:
        time.sleep(0.1)
filler = {"x-filler-%02d" % i: "f" * 100 for i in range(25)}	# 2.6 KiB before it
for _ in range(n):
    trace, span = os.urandom(16).hex(), os.urandom(8).hex()
    c = http.client.HTTPConnection(ip, port, timeout=10)
    c.request("GET", "/index.html", headers={**filler, "traceparent": f"00-{trace}-{span}-01"})
    r = c.getresponse()
    r.read()
    c.close()
    print(trace, span, c.sock is None and "closed" or "open", flush=True)
    time.sleep(0.05)
PY
		fail "client ($phase)"
	ol_capture_stop $OUT/$phase-veth21.pcap
	ol_capture_stop $OUT/$phase-ul2.pcap
	cp $T/trace $OUT/$phase-trace.txt
	echo 0 >$T/events/crosslat_pkt/enable
	say "$phase: $(grep '^pkt_' /proc/crosslat/stats | tr '\n' ' ')"
}

run plain
ip netns exec $OL_H2 tc qdisc add dev veth21 root netem delay 20ms
run netem
ip netns exec $OL_H2 tc qdisc del dev veth21 root

python3 "$(dirname "$0")/pkt/check_hops.py" $OUT "$(ifidx $OL_H1 veth11)" \
	"$(ifidx $OL_H1 $OL_UL1)" "$(ifidx $OL_H2 $OL_UL2)" "$(ifidx $OL_H2 veth21)" "$h1" "$h2" |
	sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "hops"
say "counters: $(grep '^pkt_' /proc/crosslat/stats | tr '\n' ' ')"
