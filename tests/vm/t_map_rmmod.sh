# SPDX-License-Identifier: GPL-2.0-only
# vm: debug-only (load/unload flips netfilter's static keys under traffic: see t_rtt_rmmod)
# Unload under overlay traffic: an iperf3 transfer from pod 1.1 to pod 2.1 over VXLAN runs
# while crosslat_map is loaded (every event on, a small table so GC evicts), dumped and
# unloaded 10 times in a row. On the debug kernel (KASAN, lockdep, kmemleak) the harness
# fails the run on any report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay.sh"

trap 'overlay_down; unload_engine' EXIT
load_engine
overlay_up vxlan
ol_pod 2 1 iperf3 -s -D -p 5201 --logfile "$OUT/iperf3-s.log"
sleep 1
ol_pod 1 1 iperf3 -c "$OL_POD21_IP" -p 5201 -t 600 -b 20M >"$OUT/iperf3.log" 2>&1 &
sleep 1
for i in $(seq 10); do
	insmod "$(ko crosslat_map)" max_entries=4 idle_timeout_ms=100
	echo 1 >/sys/kernel/tracing/events/crosslat_map/enable
	ol_tcp_get olp12 "$OL_POD22_IP" 9 >/dev/null	# one more flow: the table overflows
	sleep 0.3
	[ -x "$CROSSLATCTL" ] && "$CROSSLATCTL" map >/dev/null
	n=$(proc_stat map_packets)
	rmmod crosslat_map || fail "round $i: rmmod failed"
	[ "$n" -gt 0 ] || fail "round $i: no encapsulated packets seen while loaded"
done
say "ok: 10 load/dump/unload rounds under VXLAN traffic"
