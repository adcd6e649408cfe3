# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based; the overlay testbed and four Python apps crawl under KASAN)
# vm: retry-once (a busy host makes the guest's timers fire late)
# Verdicts on the microservice testbed (tests/vm/microsvc.sh, spans of libcrosslat-span in
# every app, scheduler events with net_ns: tests/vm/ms_trace.sh): one LTTng session per
# phase, wrk at 30 requests/s,
# first without a fault (the baseline), then with each fault in turn; crosslat-analyze
# verdicts --baseline judges each phase's slow requests, and
# tests/vm/microsvc/check_verdicts.py checks its verdicts against the apps' own logs.
. "$(dirname "$0")/lib.sh"
OL_NPODS=3
. "$(dirname "$0")/overlay.sh"
MS_WORK_US_backend_a=5000
# the frontend calls backend-a at its pod address (no DNAT: the span tree is the same
# either way; the VIP only adds a NAT mapping)
MS_VIA_VIP=0
. "$(dirname "$0")/microsvc.sh"
. "$(dirname "$0")/ms_trace.sh"

for t in nginx wrk stress-ng tc jq lttng babeltrace2 python3; do
	command -v $t >/dev/null || skip "$t not installed (scripts/deps)"
done
ANALYZE=$CROSSLAT_TOP/build/analyze/crosslat-analyze
[ -x "$ANALYZE" ] || fail "$ANALYZE not built (make analyze)"

cleanup() {
	ms_down
	ms_trace_teardown
	[ -d "$MS_DIR/load" ] && tar -C "$MS_DIR" -czf "$OUT/microsvc.tar.gz" . 2>/dev/null
	overlay_down
}
trap cleanup EXIT

DUR=${VERDICT_DUR:-8s} LOAD=30/s
# The delay: 40 ms on each underlay crossing (four on a request's critical path). With 20,
# a slower host (the base phase's p50 58 ms, p90 87 ms through TCG) put the delayed
# requests' median (+61..+71 ms) right at the slow threshold (median + 2 x (p90 - median)):
# 55 and 64 of 124 slow, against 118 of 120 in the next run.
DELAY=40 LOSS=5 HOGS=4 HOGS_NICE=-5 SLOW_SVC=backend-c SLOW_MS=100 SLOW_FRAC=0.3

ms_trace_setup
overlay_up vxlan
ms_trace_pkt
ms_up
ms_trace_warmup
say "testbed up; spans from $MS_SPANS"

say "$(ms_trace_phase base $DUR $LOAD)"
say "$(ms_trace_phase delay $DUR $LOAD "ms_fault_delay_on $DELAY" ms_fault_delay_off)"
say "$(ms_trace_phase loss $DUR $LOAD "ms_fault_loss_on $LOSS" ms_fault_loss_off)"
say "$(ms_trace_phase cpu $DUR $LOAD "ms_fault_cpu_on backend-a $HOGS $HOGS_NICE" ms_fault_cpu_off)"
say "$(ms_trace_phase slow $DUR $LOAD "ms_fault_slow_on $SLOW_SVC $SLOW_MS $SLOW_FRAC" \
	"ms_fault_slow_off $SLOW_SVC")"
ms_down

# judged PHASE: the checker's figures of crosslat-analyze's verdicts on PHASE
judged() {
	"$ANALYZE" verdicts --baseline "$MS_TRACES/base" "$MS_TRACES/$1" >"$OUT/verdicts-$1.txt" ||
		fail "$1: crosslat-analyze verdicts failed"
	"$ANALYZE" verdicts --json --baseline "$MS_TRACES/base" "$MS_TRACES/$1" \
		>"$OUT/verdicts-$1.json" || fail "$1: crosslat-analyze verdicts --json failed"
	"$CHECK" --phase "$1" --verdicts "$OUT/verdicts-$1.json" --truth "$OUT/requests.jsonl" \
		>"$OUT/check-$1.json" || fail "$1: check_verdicts.py failed"
}
# v PHASE FILTER: a value of the checker's figures
v() { jq -M -r "$2" "$OUT/check-$1.json"; }
CHECK=$MS_HERE/microsvc/check_verdicts.py
cat "$MS_DIR"/*/requests.jsonl >"$OUT/requests.jsonl"

# Without a fault (judged against itself): a few requests above the threshold, no culprit
# named for the run.
judged base
say "base: $(v base .requests) requests, $(v base .slow) slow; run culprits: $(v base '.culprits | join(", ")')"
expect_eq "base: the run's culprits" "$(v base '.culprits | length')" 0

# Each fault: the share of slow requests whose verdict names what was injected in that very
# request (check_verdicts.py), and enough of them slow to say so. The target is 95%.
# Measured with a compiler and a test guest running beside this one (its vCPUs slow down,
# every pod waits for a CPU now and then): delay 129/129, loss 39/39, CPU contention 62/63,
# slow handler 49/51 (the two others were the busy guest's own). Without crosslat_pkt's
# hops the callee's queueing before its handler (a Python app's threads waiting for its
# lock while one of them waits for the CPU) was the network's: CPU contention 52/63.
# Held to 95% (delay, loss) and 90% (CPU, slow: the most sensitive to the host's load).
declare -A want=([delay]=95 [loss]=95 [cpu]=90 [slow]=90)
for p in delay loss cpu slow; do
	judged $p
	read -r n slow right share <<<"$(v $p '"\(.requests) \(.slow) \(.right) \(.share)"')"
	say "$p: $n requests, $slow slow, $right right ($share); run culprits:" \
		"$(v $p '.culprits | join(", ")')"
	[ "$slow" -ge 3 ] || fail "$p: only $slow slow requests"
	awk -v r="$right" -v n="$slow" -v w="${want[$p]}" 'BEGIN { exit !(r >= w / 100 * n) }' ||
		fail "$p: $right of $slow slow requests judged right, want ${want[$p]}%:" \
			"$(v $p '[.wrong[] | "\(.trace_id): \(.why)"] | join("; ")')"
done
# crosslat-analyze hops: netem delays what leaves by either NIC, so each pod-port -> NIC hop
# of the delay phase (requests and responses) is DELAY later at its median than in the
# base phase (-10% / +30%: netem's timers fire late under TCG), each NIC -> pod-port hop
# within 2 ms
for p in base delay; do
	"$ANALYZE" hops --json "$MS_TRACES/$p" >"$OUT/hops-$p.json" || fail "$p: hops failed"
done
hops=$(jq -r '.[] | "\(.netns_inum) \(.from_role)#\(.from_ifindex) \(.to_role)#\(.to_ifindex) \(.segment) \(.events) \(.p50_ns)"' \
	"$OUT/hops-base.json")
[ -n "$hops" ] || fail "base: no crosslat_pkt_hop"
nhops=0
while read -r ns from to seg n b50; do
	d50=$(jq -r --arg ns "$ns" --arg f "$from" --arg t "$to" --arg s "$seg" '.[] |
		select("\(.netns_inum)" == $ns and "\(.from_role)#\(.from_ifindex)" == $f and
		"\(.to_role)#\(.to_ifindex)" == $t and .segment == $s) | .p50_ns' "$OUT/hops-delay.json")
	[ -n "$d50" ] || continue	# a hop the delayed phase did not see (a few segments)
	shift_ms=$(awk -v a="$b50" -v b="$d50" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
	case $from in
	vport*) lo=$(awk -v d=$DELAY 'BEGIN { print d * 0.9 }') hi=$(awk -v d=$DELAY 'BEGIN { print d * 1.3 }') ;;
	*) lo=-2 hi=2 ;;
	esac
	awk -v s="$shift_ms" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(s >= lo && s <= hi) }' ||
		fail "hops: $ns $from -> $to ($seg): median moved by $shift_ms ms, want [$lo, $hi]"
	say "ok: hop $ns $from -> $to ($seg, $n segments): median +$shift_ms ms under delay"
	nhops=$((nhops + 1))
done <<<"$hops"
[ $nhops -ge 4 ] || fail "hops: only $nhops hops in both phases"

# every delayed request crosses the underlay four times on its critical path
read -r n slow <<<"$(v delay '"\(.requests) \(.slow)"')"
[ "$slow" -ge $((n * 9 / 10)) ] || fail "delay: only $slow of $n requests slow"
