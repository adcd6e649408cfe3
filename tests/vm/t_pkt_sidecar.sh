# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (hop latencies compared within 10%: KASAN's slowdown is not the point here)
# vm: retry-once (a busy host makes the guest's timers fire late)
# crosslat_pkt on the microservice testbed (tests/vm/microsvc.sh: nginx sidecars in front of
# the apps, VXLAN between the hosts, wrk sending a fresh traceparent with each request, the
# apps propagating it): points at every service pod's port and at both NICs. Checked:
#  - every call between services that crosses the underlay (frontend -> backend-a and
#    -> backend-b from host 1, backend-b -> backend-c from host 2) makes one
#    crosslat_pkt_hop event at each host it crosses, with the call's trace and span ids as
#    the apps logged them (ground truth);
#  - per hop, crosslat's latency of a segment and that of tcpdump captures on the same two
#    interfaces (same segment: inner ports and sequence) differ by less than 100 us for
#    the median segment; the CDFs' quantiles (p10...p90) are printed side by side (see
#    pkt/check_sidecar.py on tcpdump's own share of the interval);
#  - a netem delay on backend-a's pod port shifts only the hop into backend-a: by tcpdump's
#    shift within 10% and by at least the injected delay (50 ms); every other hop's median
#    by less than 5 ms (a busy host moves medians by milliseconds).
. "$(dirname "$0")/lib.sh"
OL_NPODS=3
. "$(dirname "$0")/overlay.sh"
MS_VIA_VIP=0	# a DNAT between the two points changes the flow: not matched (see README)
. "$(dirname "$0")/microsvc.sh"

for t in nginx wrk tcpdump tshark tc jq; do
	command -v $t >/dev/null || skip "$t not installed (scripts/deps)"
done
T=/sys/kernel/tracing
DUR=${PKT_SIDECAR_DUR:-5s} LOAD=${PKT_SIDECAR_LOAD:-20/s} DELAY_MS=50
cleanup() {
	[ -e $T/events/crosslat_pkt/enable ] && echo 0 >$T/events/crosslat_pkt/enable
	ms_down
	overlay_down
	rmmod crosslat_pkt 2>/dev/null || true
}
trap cleanup EXIT
overlay_up vxlan >/dev/null
ms_up

ifidx() { ip -n "$1" -o link show dev "$2" | cut -d: -f1; }
inum() { stat -L -c %i "/run/netns/$1"; }
h1=$(inum $OL_H1) h2=$(inum $OL_H2)
# host 1: the frontend (veth11), backend-c (veth12); host 2: backend-a (veth21), backend-b
# (veth22); the NICs
points="vport:$h1:$(ifidx $OL_H1 veth11),vport:$h1:$(ifidx $OL_H1 veth12)"
points="$points,nic:$h1:$(ifidx $OL_H1 $OL_UL1),nic:$h2:$(ifidx $OL_H2 $OL_UL2)"
points="$points,vport:$h2:$(ifidx $OL_H2 veth21),vport:$h2:$(ifidx $OL_H2 veth22)"
load_engine
insmod "$(ko crosslat_pkt)" points="$points"

# hop NAME NS FROM_IF TO_IF CALLS...: one hop of HOPS_JSON
hops_json=$OUT/hops.json
hop() {
	local name=$1 ns=$2 from=$3 to=$4 netns
	shift 4
	netns=$(inum "$ns")
	jq -n -M --arg n "$name" --argjson ns "$netns" --argjson f "$(ifidx "$ns" "$from")" \
		--argjson t "$(ifidx "$ns" "$to")" --arg pf "$from" --arg pt "$to" \
		--argjson vf "$([[ $from == ul* ]] && echo true || echo false)" \
		--argjson vt "$([[ $to == ul* ]] && echo true || echo false)" \
		'{($n): {netns: $ns, from: $f, to: $t, pcap_from: $pf, pcap_to: $pt,
		  vxlan_from: $vf, vxlan_to: $vt, calls: $ARGS.positional}}' --args "$@"
}
{
	hop "host1 veth11->ul1" $OL_H1 veth11 $OL_UL1 "frontend>backend-a" "frontend>backend-b"
	hop "host2 ul2->veth21" $OL_H2 $OL_UL2 veth21 "frontend>backend-a"
	hop "host2 ul2->veth22" $OL_H2 $OL_UL2 veth22 "frontend>backend-b"
	hop "host2 veth22->ul2" $OL_H2 veth22 $OL_UL2 "backend-b>backend-c"
	hop "host1 ul1->veth12" $OL_H1 $OL_UL1 veth12 "backend-b>backend-c"
} | jq -s -M 'add' >$hops_json
CAPS="$OL_H1:veth11 $OL_H1:veth12 $OL_H1:$OL_UL1 $OL_H2:$OL_UL2 $OL_H2:veth21 $OL_H2:veth22"

# run PHASE: the load with the hop events and the captures of every point
run() {
	local phase=$1 c svc
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 16384 >$T/buffer_size_kb
	echo 1 >$T/events/crosslat_pkt/enable
	echo 1 >$T/tracing_on
	for c in $CAPS; do
		ol_capture_start "${c%%:*}" "${c#*:}" "$OUT/$phase-${c#*:}.pcap" tcp or udp
	done
	say "$(ms_load "$DUR" "$LOAD" "$phase")"
	for c in $CAPS; do ol_capture_stop "$OUT/$phase-${c#*:}.pcap"; done
	cp $T/trace "$OUT/$phase-trace.txt"
	echo 0 >$T/events/crosslat_pkt/enable
	cp "$MS_DIR/load/$phase.ids" "$OUT/$phase.ids"
	for svc in $MS_SERVICES; do cp "$MS_DIR/$svc/requests.jsonl" "$OUT/$phase-$svc.jsonl"; done
	say "$phase: $(grep '^pkt_' /proc/crosslat/stats | tr '\n' ' ')"
}

run plain
ol_h2 tc qdisc add dev veth21 root netem delay ${DELAY_MS}ms
run netem
ol_h2 tc qdisc del dev veth21 root

python3 "$(dirname "$0")/pkt/check_sidecar.py" "$OUT" "$hops_json" "host2 ul2->veth21" \
	$DELAY_MS | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "hops"
