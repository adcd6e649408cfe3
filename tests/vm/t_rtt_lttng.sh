# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based)
# LTTng records the RTT monitor: a kernel session with 'crosslat_rtt_*' enabled, a 5 ms
# threshold under a 20 ms netem delay, an iperf3 flow, then crosslat_rtt unloaded while the
# session still records (every remaining flow's final crosslat_rtt_flow_stats). The host
# half (t_rtt_lttng.host) decodes the trace with babeltrace2 and checks the events.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
probe=$(find "$KMOD_OUT" -name lttng-probe-crosslat-rtt.ko -print -quit)
[ -n "$probe" ] || fail "lttng-probe-crosslat-rtt.ko not built for $KREL (scripts/deps stock)"
trap 'lttng_stop_daemon; netns_pair_del' EXIT
lttng_start_daemon sched
load_rtt stats_interval_ms=500
insmod "$probe"
lttng list -k | grep -q crosslat_rtt_alert || fail "LTTng does not list crosslat_rtt_alert"
netns_pair
ip netns exec $NS_B tc qdisc replace dev clb0 root netem delay 20ms
"$CROSSLATCTL" threshold set 5ms

lttng create crosslat-rtt --output="$OUT/trace" >/dev/null
lttng enable-event -k 'crosslat_rtt_*' >/dev/null
lttng start >/dev/null
ip netns exec $NS_B iperf3 -s -1 -D -p 5201 --logfile "$OUT/iperf3-s.log"
sleep 0.5
ip netns exec $NS_A iperf3 -c $IP_B -p 5201 -t 3 -b 4M --cport 45400 -J >"$OUT/iperf3.json" ||
	fail "iperf3 failed"
sleep 0.5
"$CROSSLATCTL" flows --json >"$OUT/flows.json"
rmmod crosslat_rtt
lttng stop >/dev/null
lttng destroy >/dev/null
babeltrace2 "$OUT/trace" >"$OUT/guest-decoded.txt" 2>&1 || true
say "trace written to $OUT/trace"
