# SPDX-License-Identifier: GPL-2.0-only
# vm: debug-only (every load/unload flips netfilter's static keys under heavy traffic: on
# multi-threaded TCG that text_poke_bp() livelocks qemu, see scripts/vm-run; the debug guest
# runs single-threaded TCG, and is where KASAN, lockdep and kmemleak look)
# Unload under traffic: an iperf3 transfer and a connection churn run while crosslat_rtt is
# loaded, dumped and unloaded 20 times in a row. On the debug kernel (KASAN, lockdep,
# kmemleak) the harness fails the run on any report.
. "$(dirname "$0")/lib.sh"

tool="$(dirname "$0")/tcp_tool.py"
trap netns_pair_del EXIT
netns_pair
load_engine
ip netns exec $NS_B iperf3 -s -D -p 5201 --logfile "$OUT/iperf3-s.log"
ip netns exec $NS_B /usr/bin/python3 "$tool" churn-server 7200 &
sleep 1
ip netns exec $NS_A iperf3 -c $IP_B -p 5201 -t 600 -b 50M >"$OUT/iperf3.log" 2>&1 &
ip netns exec $NS_A /usr/bin/python3 "$tool" churn-client $IP_B 7200 1000000 &
churn=$!
sleep 1
for i in $(seq 20); do
	insmod "$(ko crosslat_rtt)" max_flows=256 stats_interval_ms=100 sample_every=1
	# every event on, so unload also races their emitters
	echo 1 >/sys/kernel/tracing/events/crosslat_rtt/enable
	sleep 0.3
	[ -x "$CROSSLATCTL" ] && "$CROSSLATCTL" flows >/dev/null
	n=$(proc_stat rtt_packets)
	rmmod crosslat_rtt || fail "round $i: rmmod failed"
	[ "$n" -gt 0 ] || fail "round $i: no packets seen while loaded"
done
kill -0 $churn || fail "the connection churn died"
say "ok: 20 load/dump/unload rounds under traffic"
