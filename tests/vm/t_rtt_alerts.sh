# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based)
# Thresholds and alerts: a global rule (100 ms), a port rule (5201: 5 ms) and a namespace
# rule (clb: 50 ms) set with crosslatctl; netem adds 20 ms. Each flow must carry the
# threshold of its most specific rule; only the flows whose srtt exceeds theirs alert, at
# most once per alert_interval_ms (1 s); ftrace's crosslat_rtt_alert events, the flows'
# alert counts and the rtt_alerts counter agree.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
T=/sys/kernel/tracing
trap 'echo 0 >$T/events/crosslat_rtt/enable; netns_pair_del' EXIT
load_rtt alert_interval_ms=1000
netns_pair
ip netns exec $NS_B tc qdisc replace dev clb0 root netem delay 20ms
"$CROSSLATCTL" threshold set 100ms
"$CROSSLATCTL" threshold set 5ms --port 5201
"$CROSSLATCTL" threshold set 50ms --netns /run/netns/$NS_B
"$CROSSLATCTL" threshold list --json >"$OUT/rules.json"
expect_eq "rules" "$(jq length "$OUT/rules.json")" 3

echo >$T/trace
echo 1 >$T/events/crosslat_rtt/crosslat_rtt_alert/enable
ip netns exec $NS_B iperf3 -s -1 -D -p 5201 --logfile "$OUT/iperf3-s.log"
sleep 0.5
ip netns exec $NS_A iperf3 -c $IP_B -p 5201 -t 4 -b 4M --cport 45300 >"$OUT/iperf3.log" ||
	fail "iperf3 failed"
echo 0 >$T/events/crosslat_rtt/crosslat_rtt_alert/enable
cp $T/trace "$OUT/trace.txt"

flows=$(flows_json 'true')
echo "$flows" >"$OUT/flows.json"
inum_b=$(netns_inum $NS_B)
client=$(echo "$flows" | jq -c "map(select(.lport == 45300)) | .[0]")
server=$(echo "$flows" | jq -c "map(select(.rport == 45300)) | .[0]")
expect_eq "client data flow threshold (port rule)" "$(echo "$client" | jq .thresh_ns)" 5000000
expect_eq "server data flow threshold (netns rule)" "$(echo "$server" | jq .thresh_ns)" 50000000
say "client srtt $(ns_to_ms "$(echo "$client" | jq .srtt_ns)") ms," \
	"$(echo "$client" | jq .alerts) alerts; server $(echo "$server" | jq .alerts) alerts"

a=$(echo "$client" | jq .alerts)
[ "$a" -ge 2 ] && [ "$a" -le 5 ] ||
	fail "client flow: $a alerts over a 4 s flow above its threshold (1 per second)"
expect_eq "server flow alerts (20 ms < 50 ms)" "$(echo "$server" | jq .alerts)" 0
events=$(grep -c 'crosslat_rtt_alert:' "$OUT/trace.txt")
expect_eq "ftrace alert events = sum of the flows' alerts" "$events" \
	"$(echo "$flows" | jq 'map(.alerts) | add')"
expect_eq "rtt_alerts counter" "$(proc_stat rtt_alerts)" "$events"
ev=$(grep -c "crosslat_rtt_alert: netns=$(netns_inum $NS_A) \[::ffff:$IP_A\]:45300 -> \[::ffff:$IP_B\]:5201 .*thresh=5000000" \
	"$OUT/trace.txt")
expect_eq "alert events of the client data flow" "$ev" "$a"

"$CROSSLATCTL" threshold del --port 5201
"$CROSSLATCTL" threshold flush
expect_eq "rules after flush" "$("$CROSSLATCTL" threshold list --json | jq length)" 0
