# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based)
# Retransmissions and Karn's rule: netem drops 2% of the sender's segments (10 ms delay).
# Retransmitted segments counted in the sender's namespace must match `nstat`
# TcpRetransSegs within 10%, and ACKs covering retransmitted data must have been skipped
# (karn_skipped > 0). Every RTT sample is traced (sample_every=1, with the ACK and the
# sequence space it covered) and the sender's segments are captured with tcpdump; the host
# half (t_rtt_loss.host) finds every retransmitted range in the capture with tshark and
# checks that no sample's ACK covered one.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
trap netns_pair_del EXIT
T=/sys/kernel/tracing
trap 'echo 0 >$T/events/crosslat_rtt/crosslat_rtt_sample/enable; netns_pair_del' EXIT
load_rtt sample_every=1
netns_pair
ip netns exec $NS_A tc qdisc replace dev cla0 root netem delay 10ms loss 2%
echo 16384 >$T/buffer_size_kb
echo >$T/trace
echo 1 >$T/events/crosslat_rtt/crosslat_rtt_sample/enable
# what leaves the sender (after netem: its drops never show, their retransmissions do)
ip netns exec $NS_A tcpdump -i cla0 -s 128 -U -w "$OUT/sender.pcap" 'tcp port 45200' \
	2>"$OUT/tcpdump.log" &
tcpdump=$!
sleep 2

retrans() {
	ip netns exec $NS_A nstat -az TcpRetransSegs | awk '$1 == "TcpRetransSegs" { print $2 }'
}
before=$(retrans)
ip netns exec $NS_B iperf3 -s -1 -D -p 5201 --logfile "$OUT/iperf3-s.log"
sleep 0.5
ip netns exec $NS_A iperf3 -c $IP_B -p 5201 -t 5 -b 20M --cport 45200 >"$OUT/iperf3.log" ||
	fail "iperf3 failed"
sleep 1
after=$(retrans)
kernel=$((after - before))
kill -INT $tcpdump
wait $tcpdump || true
echo 0 >$T/events/crosslat_rtt/crosslat_rtt_sample/enable
grep -E 'crosslat_rtt_sample: .*\]:45200 -> ' $T/trace >"$OUT/samples.txt" || true
say "$(wc -l <"$OUT/samples.txt") samples traced; $(grep -c . "$OUT/tcpdump.log") lines from tcpdump"

json=$(flows_json ".netns_inum == $(netns_inum $NS_A)")
echo "$json" >"$OUT/flows.json"
ours=$(echo "$json" | jq 'map(.retrans_segs) | add')
say "retransmitted segments: nstat $kernel, crosslat $ours"
[ "$kernel" -ge 20 ] || fail "only $kernel retransmissions: the loss did not bite"
within_pct "retransmissions vs nstat TcpRetransSegs" "$ours" "$kernel" 10

data=$(echo "$json" | jq -c 'map(select(.lport == 45200)) | .[0]')
karn=$(echo "$data" | jq .karn_skipped)
say "data flow: $(echo "$data" | jq .rtt_samples) samples," \
	"srtt $(ns_to_ms "$(echo "$data" | jq .srtt_ns)") ms, karn_skipped $karn"
[ "$karn" -gt 0 ] || fail "no ACK was skipped under Karn's rule"
expect_eq "traced samples = the flow's sample count" "$(wc -l <"$OUT/samples.txt")" \
	"$(echo "$data" | jq .rtt_samples)"
