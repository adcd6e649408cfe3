# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (timing-based; the overlay testbed and four Python apps crawl under KASAN)
# vm: retry-once (a busy host makes the guest's timers fire late)
# The microservice application (tests/vm/microsvc.sh) on the VXLAN testbed: wrk drives the
# frontend at about 30 requests/s for 5 s with no fault, then with each fault in turn, and
# every phase is checked against the apps' ground-truth logs (tests/vm/microsvc/truth.py):
#  - every request wrk completed has its frontend line, carrying the trace id wrk sent (and
#    its span id as parent); sent - completed <= the connections (in flight at the end)
#    + 1 (wrk calls the script's request() once to check it, and never sends that one);
#  - every trace is whole: one frontend, backend-a, backend-b and backend-c line, each
#    callee's parent span id = one call record of its caller, all 200; each callee's
#    handler interval inside its caller's call interval (one CLOCK_MONOTONIC);
# and each fault moves what it should, against the fault-free phase:
#  - netem delay D on both underlay ends: every call crosses the underlay twice, so each
#    call's overhead (latency less the callee's handler time) rises by 2D and is never
#    below 2D; backend-b's handler (which calls backend-c) and the frontend's call to
#    backend-b by 2D and 4D; the frontend's handler and wrk's latency by 4D (rises of
#    the 10th percentiles); the handlers of backend-a and backend-c (no call) barely move;
#  - netem loss: packets dropped, TCP retransmissions in the pods (nstat: more than
#    fault-free, at most two per drop), calls late by at least 200 ms (a lost request or
#    answer, one segment, waits for its loss probe or RTO): none fault-free, at least one,
#    at most one per dropped packet and per retransmission;
#  - CPU hogs (at nice -5: three times the app's weight) pinned with backend-a's app on
#    the last CPU, in host 2: backend-a's handler (5 ms of CPU work per request) stretches
#    at least twofold;
#  - slow handler (backend-c, N ms in a fraction F): F of backend-c's requests flagged
#    (binomial bounds), their handler N ms longer than the others', the same share of
#    handler times above N/2 measured without the flag, and backend-b's call to backend-c
#    crosses N at the same share.
. "$(dirname "$0")/lib.sh"
OL_NPODS=3
. "$(dirname "$0")/overlay.sh"
MS_WORK_US_backend_a=5000
. "$(dirname "$0")/microsvc.sh"

for t in nginx wrk stress-ng tc nstat taskset jq curl; do
	command -v $t >/dev/null || skip "$t not installed (scripts/deps)"
done
# the services' files (logs, ground truth, wrk's output) as one file over 9p, also on failure
# (a copy of the tree takes ~10 s)
cleanup() {
	ms_down
	if [ -d "$MS_DIR/load" ]; then
		tar -C "$MS_DIR" -czf "$OUT/microsvc.tar.gz" . 2>/dev/null || true
	fi
	overlay_down
}
trap cleanup EXIT

DUR=5s LOAD=30/s CONNS=$MS_LOAD_CONNS
DELAY=20 LOSS=5 HOGS=4 HOGS_NICE=-5 SLOW_SVC=backend-c SLOW_MS=50 SLOW_FRAC=0.3
# TCP_RTO_MIN: a lost request or answer (one segment) waits for its loss probe (2 srtt +
# 200 ms with one segment in flight) or its RTO (>= 200 ms)
LATE_MS=200
EDGES="frontend>backend-a frontend>backend-b backend-b>backend-c"

# j PHASE FILTER: a value of PHASE's summary
j() { jq -M -r "$2" "$OUT/$1.json"; }
# w PHASE FILTER: a value of wrk's figures for PHASE
w() { jq -M -r "$2" "$MS_DIR/load/$1.json"; }
# calc EXPR: awk arithmetic, 3 decimals
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# check WHAT COND_EXPR: an awk condition
check() {
	awk "BEGIN { exit !($2) }" || fail "$1"
	say "ok: $1"
}

# phase NAME: wrk against the frontend, then the ground truth of its traces in
# $OUT/NAME.json, checked for completeness
phase() {
	local name=$1 sent completed roots e n reused translated changed want how msg
	say "$(ms_load $DUR $LOAD "$name")"
	ms_truth summary --ids "$MS_DIR/load/$name.ids" --over $((SLOW_MS / 2)) --over $SLOW_MS \
		--over $LATE_MS >"$OUT/$name.json"
	sent=$(j "$name" .sent) completed=$(w "$name" .requests) roots=$(j "$name" .roots)
	expect_eq "$name: wrk errors" "$(w "$name" '[.errors[]] | add')" 0
	# ~100 at 30/s for 5 s, ~70 under delay or CPU contention; 19 seen with the 2-core host
	# at load average 5 (other guests): only a sign that the load ran
	[ "$completed" -ge 10 ] || fail "$name: only $completed requests"
	if [ "$completed" -gt "$roots" ] || [ "$roots" -gt "$sent" ] ||
		[ $((sent - completed)) -gt $((CONNS + 1)) ]; then
		fail "$name: wrk sent $sent trace ids, completed $completed requests; the frontend" \
			"logged $roots of those traces (want completed <= logged <= sent," \
			"sent - completed <= $CONNS in flight + wrk's check of the script)"
	fi
	[ "$(j "$name" .complete)" = "$roots" ] ||
		fail "$name: $(j "$name" .broken) broken traces:" \
			"$(j "$name" '.problems | join("; ")')"
	expect_eq "$name: trace shapes" "$(jq -M -c .shapes "$OUT/$name.json")" \
		"{\"backend-a,backend-b,backend-c,frontend\":$roots}"
	expect_eq "$name: callee handler outside its call interval" \
		"$(j "$name" .clock_errors)" 0
	say "ok: $name: wrk sent $sent trace ids, completed $completed requests; the frontend" \
		"logged $roots of those traces, each with its backend-a, backend-b and" \
		"backend-c lines chained by span ids"
	# the calls' own sockets against what the callee's sidecar saw: the same client
	# address and port (no SNAT in the overlay), the VIP translated; keep-alive
	for e in $EDGES; do
		read -r n reused translated changed <<<"$(j "$name" ".calls[\"$e\"] |
			\"\(.n) \(.reused) \(.translated) \(.source_changed)\"")"
		want=0
		[ "$e" = "frontend>backend-a" ] && [ "$MS_VIA_VIP" = 1 ] && want=$n
		if [ "$changed" != 0 ] || [ "$translated" != "$want" ]; then
			fail "$name: $e: of $n calls, $changed reached the callee from another" \
				"address or port, $translated at another address (want $want)"
		fi
		how="at the address called"
		[ "$want" = 0 ] || how="through the VIP (DNAT to another address)"
		msg="$name: $e: $n calls, $reused over a kept-alive connection (>= 80%); the"
		msg+=" callee's sidecar saw the caller's own address and port, and was reached"
		check "$msg $how, in all" "$reused >= 0.8 * $n"
	done
}

# p10 PHASE WHAT: 10th percentile of a service's handler times, or of a call's overhead or
# latency (ms): the fast requests, whose figures hold the least queueing for the CPU
p10() {
	case $2 in
	*'>'*:*) j "$1" ".calls[\"${2%:*}\"].${2#*:}.p10" ;;
	*) j "$1" ".services[\"$2\"].handler.p10" ;;
	esac
}

# rise WHAT WANT LO HI: WHAT's p10 rose from base to the fault's phase by WANT ms, within
# -LO% / +HI% of WANT
rise() {
	local b f d
	b=$(p10 base "$1") f=$(p10 "$PHASE" "$1")
	d=$(calc "$f - $b")
	check "$PHASE: $1 p10 $b -> $f ms: +$d, want +$2 (-$3% / +$4%)" \
		"$d >= $2 * (1 - $3 / 100) && $d <= $2 * (1 + $4 / 100)"
}

t0=$(date +%s.%N)
overlay_up vxlan
ms_up
say "vxlan testbed and services up in $(calc "$(date +%s.%N) - $t0") s"

r0=$(ms_nstat_pods TcpRetransSegs)
phase base
r1=$(ms_nstat_pods TcpRetransSegs)
base_retrans=$((r1 - r0))
say "base: $base_retrans TCP retransmissions in the pods"

# ---- delay ----
PHASE=delay
ms_fault_delay_on $DELAY
phase delay
ms_fault_delay_off
# Each call crosses the underlay twice (request, answer: keep-alive, no handshake), each
# crossing delayed by DELAY: 2 DELAY per call, never less. Compared at the 10th percentile:
# the medians also hold queueing for the CPU, which shrinks under delay (wrk is closed-loop:
# fewer requests a second), -6% to +26% on 2D measured. The 10th percentiles rose by 2D
# -3% / +4% on a quiet host; with a debug-kernel guest running beside this one on the
# 2-core host, netem's timers fire late and they rose by up to +17% (+20% where two calls
# add up): -10% / +30%.
for e in $EDGES; do
	rise "$e:overhead" $((2 * DELAY)) 10 30
	min=$(j delay ".calls[\"$e\"].overhead.min")
	check "delay: $e overhead min $min ms >= 2 x $DELAY ms" "$min >= 2 * $DELAY"
done
# backend-b's handler holds its call to backend-c; the frontend's call to backend-b four
# crossings (frontend -> backend-b -> backend-c and back)
rise backend-b $((2 * DELAY)) 10 30
rise "frontend>backend-b:latency" $((4 * DELAY)) 10 30
# So do the frontend's handler and wrk's latency, which also hold the frontend pod's own
# work (its sidecar, two calls at once under the GIL): 12-20 ms at the fault-free 10th
# percentile, less at the lower rate under delay. Measured rises of 4D -17% to +20%:
# -25% / +30%, and never less than 4D.
rise frontend $((4 * DELAY)) 25 30
min=$(j delay '.services.frontend.handler.min')
check "delay: frontend handler min $min ms >= 4 x $DELAY ms" "$min >= 4 * $DELAY"
b=$(calc "$(w base .latency_us.p10) / 1000") f=$(calc "$(w delay .latency_us.p10) / 1000")
min=$(calc "$(w delay .latency_us.min) / 1000")
check "delay: wrk p10 $b -> $f ms: +$(calc "$f - $b"), want +$((4 * DELAY)) (-25% / +30%)" \
	"$f - $b >= 4 * $DELAY * 0.75 && $f - $b <= 4 * $DELAY * 1.3"
check "delay: wrk latency min $min ms >= 4 x $DELAY ms" "$min >= 4 * $DELAY"
# no crossing inside these handlers (measured within 0.4 ms)
for s in backend-a backend-c; do
	b=$(p10 base $s) f=$(p10 delay $s)
	check "delay: $s handler p10 $b -> $f ms: within 2 ms" "$f - $b <= 2 && $b - $f <= 2"
done

# ---- loss ----
PHASE=loss
# late PHASE: cross-host calls whose overhead is at least LATE_MS
late() { j "$1" "[.calls[].overhead.over[\"$LATE_MS\"]] | add"; }
r0=$(ms_nstat_pods TcpRetransSegs)
ms_fault_loss_on $LOSS
phase loss
drops=$(ms_fault_netem_drops)
ms_fault_loss_off
r1=$(ms_nstat_pods TcpRetransSegs)
retrans=$((r1 - r0)) late_loss=$(late loss) late_base=$(late base)
say "loss: netem dropped $drops packets, the pods retransmitted $retrans segments" \
	"($base_retrans without loss), $late_loss calls late by >= $LATE_MS ms ($late_base" \
	"without)"
[ "$drops" -gt 0 ] || fail "loss: netem dropped nothing"
expect_eq "base: calls late by >= $LATE_MS ms" "$late_base" 0
msg="loss: $late_loss late calls: at least one, at most one per drop ($drops) and per"
check "$msg retransmission ($retrans)" \
	"$late_loss >= 1 && $late_loss <= $drops && $late_loss <= $retrans"
# A dropped request or answer is retransmitted at least once; a dropped pure ACK usually not
# (the next segment acknowledges it): about half the underlay's packets here are pure ACKs
# (delayed ACKs: wrk waits between requests). Measured 0.6-1.3 retransmissions per drop
# (TLP probes can be spurious).
check "loss: retransmissions $retrans > fault-free $base_retrans, <= 2 x drops ($drops)" \
	"$retrans > $base_retrans && $retrans <= 2 * $drops + $base_retrans"

# ---- CPU contention ----
PHASE=cpu
ms_fault_cpu_on backend-a $HOGS $HOGS_NICE
# affinity PID...: the CPUs these processes' threads may run on (taskset -c's lists)
affinity() {
	local pid
	for pid in "$@"; do
		for t in /proc/"$pid"/task/*; do taskset -c -p "${t##*/}"; done
	done | awk '{ print $NF }' | sort -u | paste -sd' ' -
}
app=$(affinity "$(ms_app_pid backend-a)")
hogs=$(affinity $(pgrep -P "$MS_STRESS_PID"))
expect_eq "cpu: CPUs of backend-a's app threads and of the hogs" "$app, $hogs" \
	"$(($(nproc) - 1)), $(($(nproc) - 1))"
phase cpu
ms_fault_cpu_off
# backend-a's handler burns 5 ms of its own CPU time per request; against hogs with three
# times its weight on its CPU it gets that CPU far less often: its median measured 3-6 x
# slower (not its 10th percentile: a request that comes after a long sleep runs at once,
# CFS credits the sleeper)
b=$(j base '.services["backend-a"].handler.p50')
f=$(j cpu '.services["backend-a"].handler.p50')
check "cpu: backend-a handler p50 $b -> $f ms: at least 2 x" "$f >= 2 * $b"

# ---- slow handler ----
PHASE=slow
ms_fault_slow_on $SLOW_SVC $SLOW_MS $SLOW_FRAC
phase slow
ms_fault_slow_off $SLOW_SVC
n=$(j slow ".services[\"$SLOW_SVC\"].n") k=$(j slow ".services[\"$SLOW_SVC\"].slowed")
# 4 standard deviations of a binomial(n, F)
sd=$(calc "sqrt($n * $SLOW_FRAC * (1 - $SLOW_FRAC))")
check "slow: $k of $n $SLOW_SVC requests slowed, want $(calc "$n * $SLOW_FRAC") +- 4 x $sd" \
	"$k >= $n * $SLOW_FRAC - 4 * $sd && $k <= $n * $SLOW_FRAC + 4 * $sd"
s=$(j slow ".services[\"$SLOW_SVC\"].slowed_handler.p50")
o=$(j slow ".services[\"$SLOW_SVC\"].other_handler.p50")
# time.sleep() oversleeps by the timer slack and a wakeup (measured +0.3 to +0.8 ms under
# TCG); the rest of either median is the handler's own time, which varies (-1%)
check "slow: $SLOW_SVC handler p50 slowed $s ms, others $o ms: +$SLOW_MS ms (-1% / +10%)" \
	"$s - $o >= $SLOW_MS * 0.99 && $s - $o <= $SLOW_MS * 1.1"
# over PHASE WHAT MS: how many handler times of a service, or latencies of a call, >= MS
over() {
	case $2 in
	*'>'*) j "$1" ".calls[\"$2\"].latency.over[\"$3\"]" ;;
	*) j "$1" ".services[\"$2\"].handler.over[\"$3\"]" ;;
	esac
}
above=$(over slow $SLOW_SVC $((SLOW_MS / 2))) b=$(over base $SLOW_SVC $((SLOW_MS / 2)))
msg="slow: $above $SLOW_SVC handler times >= $((SLOW_MS / 2)) ms ($b without the"
check "$msg fault), $k slowed" "$above >= $k && $above - $k <= $b + 2"
calls=$(over slow "backend-b>$SLOW_SVC" $SLOW_MS)
b=$(over base "backend-b>$SLOW_SVC" $SLOW_MS)
msg="slow: $calls backend-b calls to $SLOW_SVC took >= $SLOW_MS ms ($b without the"
# besides the slowed ones, a call may queue behind one at the sidecar or the app (31 such
# calls for 27 slowed, 1 without the fault, once on a slower host): a quarter more allowed
check "$msg fault), $k slowed" "$calls >= $k && $calls - $k <= $b + 2 + ($k + 3) / 4"

pids=$(cat "$MS_DIR"/*/app.pid "$MS_DIR"/*/nginx.pid | paste -sd, -)
ms_down
left=$(ps -o pid= -p "$pids" || true)
[ -z "$left" ] || fail "ms_down left processes: $left"
say "ok: ms_down stopped the apps and sidecars ($pids)"
say "total $(calc "$(date +%s.%N) - $t0") s"
