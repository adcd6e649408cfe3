# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based)
# vm: retry-once (a busy host makes the guest's timers fire late)
# Application latency (server think time): a request/response server that sleeps 30 ms
# before every answer, 40 requests over one connection, 5 ms netem delay on the path. The
# server's flow must show one app sample per request and an app latency that matches,
# within 10%, both the 30 ms sleep and the think time the server measured itself (averaged
# the same way, gain 1/8; the guest's timers oversleep a little); and an RTT near the 5 ms
# path that does not include the 30 ms.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
tool="$(dirname "$0")/tcp_tool.py"
trap netns_pair_del EXIT
load_rtt
netns_pair
ip netns exec $NS_B tc qdisc replace dev clb0 root netem delay 5ms

ip netns exec $NS_B /usr/bin/python3 "$tool" rr-server 7000 30 "$OUT/think.txt" &
server=$!
for i in $(seq 50); do
	ip netns exec $NS_B ss -ltn 'sport = :7000' | grep -q LISTEN && break
	sleep 0.2
done
ip netns exec $NS_A /usr/bin/python3 "$tool" rr-client $IP_B 7000 40 ||
	fail "request/response client failed"
wait $server || fail "request/response server failed"

json=$(flows_json ".lport == 7000 and .netns_inum == $(netns_inum $NS_B)")
echo "$json" >"$OUT/server-flow.json"
expect_eq "server flows" "$(echo "$json" | jq length)" 1
app=$(ns_to_ms "$(echo "$json" | jq '.[0].app_avg_ns')")
srtt=$(ns_to_ms "$(echo "$json" | jq '.[0].srtt_ns')")
samples=$(echo "$json" | jq '.[0].app_samples')
say "server: app avg ${app} ms (max $(ns_to_ms "$(echo "$json" | jq '.[0].app_max_ns')") ms)," \
	"${samples} samples, srtt ${srtt} ms"
expect_eq "app latency samples" "$samples" 40
# the server's own measurements, smoothed like crosslat's (first sample, then gain 1/8)
own=$(awk 'NR == 1 { a = $1 } NR > 1 { a += ($1 - a) / 8 } END { printf "%.3f", a }' \
	"$OUT/think.txt")
say "server's own think time: smoothed $own ms, mean" \
	"$(awk '{ s += $1 } END { printf "%.3f", s / NR }' "$OUT/think.txt") ms"
within_pct "app latency vs the server's own measurement" "$app" "$own" 10
within_pct "app latency vs the server's 30 ms sleep" "$app" 30 10
awk -v s="$srtt" 'BEGIN { exit !(s >= 5 && s < 10) }' ||
	fail "server srtt ${srtt} ms should be the ~5 ms path, without the 30 ms think time"
say "ok: server srtt ${srtt} ms excludes the think time"
# The client's RTT legitimately includes the 30 ms: its requests are acknowledged by the
# answers (ss -ti shows the same); the server's flow is where think time and RTT split.
