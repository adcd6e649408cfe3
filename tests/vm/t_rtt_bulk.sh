# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (a bulk transfer; slow under KASAN)
# A bulk iperf3 transfer with GSO and GRO on: RTT samples are produced; both ends count the
# payload bytes iperf3 sent within 1% (and exactly the same number: veth loses nothing),
# and count wire segments, not super-packets (at least one per MSS of payload).
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
trap netns_pair_del EXIT
load_rtt
netns_pair
for end in "$NS_A cla0" "$NS_B clb0"; do
	set -- $end
	ip netns exec "$1" ethtool -K "$2" gso on tso on gro on >/dev/null 2>&1 ||
		fail "ethtool -K $2"
done

ip netns exec $NS_B iperf3 -s -1 -D -p 5201 --logfile "$OUT/iperf3-s.log"
sleep 0.5
ip netns exec $NS_A iperf3 -c $IP_B -p 5201 -t 3 --cport 45100 -J >"$OUT/iperf3.json" ||
	fail "iperf3 failed"
sleep 0.5
sent=$(jq '.end.sum_sent.bytes' "$OUT/iperf3.json")
snd=$(flows_json ".lport == 45100 and .netns_inum == $(netns_inum $NS_A)")
rcv=$(flows_json ".rport == 45100 and .netns_inum == $(netns_inum $NS_B)")
echo "$snd $rcv" >"$OUT/flows.json"
# iperf3's "sent" is what it wrote into the socket; its "received" stops at the end of
# the measured interval, before the last segments arrive, so both ends compare with "sent".
say "iperf3: sent $sent bytes;" \
	"crosslat: out $(echo "$snd" | jq '.[0].bytes_out') in $(echo "$rcv" | jq '.[0].bytes_in')"
within_pct "sender bytes_out vs iperf3 sent" "$(echo "$snd" | jq '.[0].bytes_out')" "$sent" 1
within_pct "receiver bytes_in vs iperf3 sent" "$(echo "$rcv" | jq '.[0].bytes_in')" "$sent" 1
expect_eq "receiver bytes_in = sender bytes_out" "$(echo "$rcv" | jq '.[0].bytes_in')" \
	"$(echo "$snd" | jq '.[0].bytes_out')"
samples=$(echo "$snd" | jq '.[0].rtt_samples')
[ "$samples" -gt 0 ] || fail "no RTT samples on the bulk flow"
say "ok: $samples RTT samples, srtt $(ns_to_ms "$(echo "$snd" | jq '.[0].srtt_ns')") ms"
# GSO/GRO super-packets count as the wire segments they carry (MSS 1448 on this veth).
segs=$(echo "$snd" | jq '.[0].pkts_out') min=$(echo "$snd" | jq '.[0].bytes_out / 1448 | floor')
[ "$segs" -ge "$min" ] || fail "sender counted $segs packets for $min MSS of payload"
say "ok: sender counted $segs segments (payload needs at least $min)"
segs=$(echo "$rcv" | jq '.[0].pkts_in') min=$(echo "$rcv" | jq '.[0].bytes_in / 1448 | floor')
[ "$segs" -ge "$min" ] || fail "receiver counted $segs packets for $min MSS of payload"
say "ok: receiver counted $segs segments (payload needs at least $min)"
