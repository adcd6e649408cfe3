# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (5000 connections take too long under KASAN)
# Bounded table: max_flows=1000 and 5000 short connections (10000 flows: both ends are
# tracked). The table never holds more than 1000 flows, refusals and evictions are counted,
# kernel memory stays bounded, nothing crashes. Prints the kernel memory per tracked flow.
. "$(dirname "$0")/lib.sh"

tool="$(dirname "$0")/tcp_tool.py"
trap netns_pair_del EXIT
netns_pair
sunreclaim() { awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo; }
load_engine
mem0=$(sunreclaim)
load_rtt max_flows=1000
mem1=$(sunreclaim)

ip netns exec $NS_B /usr/bin/python3 "$tool" churn-server 7100 &
sleep 1
ip netns exec $NS_A /usr/bin/python3 "$tool" churn-client $IP_B 7100 5000 &
client=$!
peak=0 peak_mem=$mem1
while kill -0 $client 2>/dev/null; do
	n=$(proc_stat rtt_flows)
	[ "$n" -gt "$peak" ] && peak=$n
	m=$(sunreclaim)
	[ "$m" -gt "$peak_mem" ] && peak_mem=$m
	sleep 0.2
done
wait $client || fail "churn client failed"
cp /proc/crosslat/stats "$OUT/stats.txt"
say "peak rtt_flows $peak; created $(proc_stat rtt_flows_created)," \
	"full_drops $(proc_stat rtt_full_drops), evicted_lru $(proc_stat rtt_evicted_lru)," \
	"evicted_idle $(proc_stat rtt_evicted_idle)"
[ "$peak" -le 1000 ] || fail "table held $peak flows, cap 1000"
[ "$(proc_stat rtt_flows)" -le 1000 ] || fail "table holds $(proc_stat rtt_flows) flows"
[ $(($(proc_stat rtt_full_drops) + $(proc_stat rtt_evicted_lru))) -gt 0 ] ||
	fail "10000 flows through a 1000-entry table without a drop or an eviction"
[ "$(proc_stat rtt_flows_created)" -ge 1000 ] || fail "fewer than 1000 flows created"
# Memory: bounded by the cap, not by the number of connections. The slab also holds the
# 5000 connections' own sockets (TIME_WAIT), so this bound is loose; the entry cache below
# is the exact figure.
grow=$((peak_mem - mem1))
say "unreclaimable slab: +$((mem1 - mem0)) KiB at load, +$grow KiB at peak over the load"
[ "$grow" -lt 8192 ] || fail "slab grew by $grow KiB for at most 1000 flows"
# Kernel memory per tracked flow: one object of the table's own cache (exact size; the
# cache may be merged with another of the same size, /sys/kernel/slab shows it either way)
# plus one hash bucket pointer (rhashtable keeps at most ~2 buckets per entry).
S=/sys/kernel/slab/crosslat_flow_rtt
[ -e $S ] || fail "no slab cache crosslat_flow_rtt"
obj=$(cat $S/object_size) per_slab=$(cat $S/objs_per_slab) order=$(cat $S/order)
per_flow=$(( (4096 << order) / per_slab ))
say "kernel memory per flow: $per_flow bytes ($obj-byte entry, $per_slab per order-$order slab)" \
	"+ 8-16 bytes of hash buckets"
[ "$per_flow" -lt 1024 ] || fail "an entry costs $per_flow bytes"
