# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based; the debug kernel's single-threaded TCG distorts RTTs)
# vm: retry-once (a busy host makes the guest's timers fire late)
# RTT against an injected delay and against the kernel's own estimate: two namespaces over
# veth, an iperf3 flow at a low rate in one-segment writes (no bursts queueing behind each
# other), delayed ACKs off on the receiver (route quickack) so an ACK measures the path.
# First without delay (the base RTT of TCP through this guest's stack), then with netem
# delay on the receiver's egress: 20 ms over IPv4, 10 ms over IPv6. (At 5 ms, netem's
# timer firing 0.1-0.7 ms late under TCG is already 2-14% of the RTT: ss and crosslat both
# see it, and agree, but delay + base within 10% becomes a coin toss.)
# Ten snapshots per flow, each `ss -ti` of the sender's socket next to crosslat's flow:
# the medians of srtt must agree within 10%, crosslat's must be delay + base within 10%,
# and the lifetime minimums (ss minrtt, crosslat rtt_min) must agree within 10%. Both
# ends' flows are seen, each with its own namespace's inode number.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
trap netns_pair_del EXIT
load_rtt
netns_pair
inum_a=$(netns_inum $NS_A)
inum_b=$(netns_inum $NS_B)
ip -n $NS_B route replace 10.9.0.0/24 dev clb0 quickack 1
# the connected IPv6 route has metric 256: replace that one, not add a second
ip -n $NS_B -6 route replace fd09::/64 dev clb0 metric 256 quickack 1

SNAPS=10
OBSERVE="taskset -c 1 nice -n 19"
[ "$(nproc)" -ge 2 ] || skip "needs two vCPUs to keep observers off the flow's CPU"
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure DELAY_MS DST CPORT: prints "median ss rtt, median crosslat srtt" in ms
measure() {
	local delay=$1 dst=$2 cport=$3 i ss_rtt json
	if [ "$delay" = 0 ]; then
		ip netns exec $NS_B tc qdisc del dev clb0 root 2>/dev/null || true
	else
		ip netns exec $NS_B tc qdisc replace dev clb0 root netem delay "${delay}ms"
	fi
	# the flow on CPU 0 (its softirqs and netem's timer follow it), the observers on CPU 1
	# at low priority, so starting them does not delay the packets they measure
	ip netns exec $NS_B taskset -c 0 iperf3 -s -1 -D -p 5201 --logfile "$OUT/iperf3-s-$cport.log"
	sleep 0.5
	# long enough for the snapshots however slow the guest is; stopped after them
	ip netns exec $NS_A taskset -c 0 iperf3 -c "$dst" -p 5201 -t 120 -b 4M -l 1400 --cport "$cport" \
		>"$OUT/iperf3-c-$cport.log" 2>&1 &
	local client=$!
	sleep 2
	# ss and crosslatctl in alternating order, so drift between the two reads cancels
	for i in $(seq $SNAPS); do
		if [ $((i % 2)) = 1 ]; then
			$OBSERVE ip netns exec $NS_A ss -tin "sport = :$cport" >"$OUT/ss-$cport-$i.txt"
			$OBSERVE "$CROSSLATCTL" flows --json --port "$cport" >"$OUT/flows-$cport-$i.json"
		else
			$OBSERVE "$CROSSLATCTL" flows --json --port "$cport" >"$OUT/flows-$cport-$i.json"
			$OBSERVE ip netns exec $NS_A ss -tin "sport = :$cport" >"$OUT/ss-$cport-$i.txt"
		fi
		sleep 0.2
	done
	kill -0 $client 2>/dev/null || fail "iperf3 client ended early: $(tail -n 3 "$OUT/iperf3-c-$cport.log")"
	kill $client
	wait $client 2>/dev/null || true
	: >"$OUT/snap-$cport.txt"
	for i in $(seq $SNAPS); do
		ss_rtt=$(grep -oE ' rtt:[0-9.]+' "$OUT/ss-$cport-$i.txt" | head -n1 | cut -d: -f2)
		json=$(jq -c 'map(select(.lport == '"$cport"'))' "$OUT/flows-$cport-$i.json")
		echo "${ss_rtt:-nan} $(ns_to_ms "$(echo "$json" | jq '.[0].srtt_ns // 0')")" \
			>>"$OUT/snap-$cport.txt"
	done
	# lifetime minimums: ss's minrtt and crosslat's rtt_min, from the last snapshot
	ss_min=$(grep -oE ' minrtt:[0-9.]+' "$OUT/ss-$cport-$SNAPS.txt" | head -n1 | cut -d: -f2)
	grep -q nan "$OUT/snap-$cport.txt" && fail "ss showed no rtt for port $cport"
	expect_eq "flows on client port $cport" "$(echo "$json" | jq length)" 1
	expect_eq "netns of the sender's flow" "$(echo "$json" | jq '.[0].netns_inum')" "$inum_a"
	expect_eq "receiver's flow in $NS_B" "$(jq "map(select(.rport == $cport and
		.netns_inum == $inum_b)) | length" "$OUT/flows-$cport-$SNAPS.json")" 1
	echo "$(cut -d' ' -f1 "$OUT/snap-$cport.txt" | median)" \
		"$(cut -d' ' -f2 "$OUT/snap-$cport.txt" | median)" "${ss_min:-nan}" \
		"$(ns_to_ms "$(echo "$json" | jq '.[0].rtt_min_ns // 0')")"
}

check() {
	local delay=$1 base=$2 ss srtt ss_min min
	read -r ss srtt ss_min min
	say "delay $delay ms: crosslat srtt $srtt ms, ss rtt $ss ms (medians of $SNAPS);" \
		"min $min ms, ss minrtt $ss_min ms; base $base ms"
	within_pct "srtt vs ss -ti rtt ($delay ms)" "$srtt" "$ss" 10
	within_pct "srtt vs netem delay + base ($delay ms)" "$srtt" \
		"$(awk -v d="$delay" -v b="$base" 'BEGIN { print d + b }')" 10
	within_pct "min RTT vs ss -ti minrtt ($delay ms)" "$min" "$ss_min" 10
}

base4=$(measure 0 $IP_B 45000 | cut -d' ' -f2)
measure 20 $IP_B 45020 | check 20 "$base4"
base6=$(measure 0 $IP6_B 45600 | cut -d' ' -f2)
measure 10 $IP6_B 45610 | check 10 "$base6"
expect_eq "family of the IPv6 flow" \
	"$(jq -r 'map(select(.lport == 45610)) | .[0].family' "$OUT/flows-45610-$SNAPS.json")" ipv6
[ "$(proc_stat rtt_parse_errors)" = 0 ] || fail "parse errors: $(proc_stat rtt_parse_errors)"
