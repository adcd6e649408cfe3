# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (four Python apps on the overlay testbed crawl under KASAN)
# vm: retry-once (a busy host makes the guest's timers fire late)
# Request DAGs without instrumentation (crosslat_req.ko + crosslat-analyze dags) on the
# microservice testbed without sidecars: the frontend (a pool of 12 threads serving wrk's
# connections) calls backend-a and backend-b at once, each call on a thread started for it,
# over keep-alive connections shared by all its threads; backend-b calls backend-c the same
# way; the backends serve their connections from pools of threads. backend-c faults 64
# pages in 30% of its requests and moves to another CPU in 30%. wrk drives 8 connections;
# one LTTng session records crosslat_req_*, x86_exceptions_page_fault_user and
# sched_migrate_task with the tid context. tests/vm/microsvc/check_dags.py compares each
# frontend request's DAG (built without reading traceparent) with the apps' own logs.
. "$(dirname "$0")/lib.sh"
OL_NPODS=3
. "$(dirname "$0")/overlay.sh"
MS_VIA_VIP=0 MS_SIDECARS=0
MS_WORK_US_backend_a=0
MS_APP_ARGS_frontend="--workers 12 --fanout spawn --shared-conns"
MS_APP_ARGS_backend_a="--workers 24"
MS_APP_ARGS_backend_b="--workers 24 --shared-conns"
MS_APP_ARGS_backend_c="--workers 24 --fault-pages 64:0.3 --migrate 0.3"
. "$(dirname "$0")/microsvc.sh"

for t in wrk jq lttng babeltrace2 python3; do
	command -v $t >/dev/null || skip "$t not installed (scripts/deps)"
done
ANALYZE=$CROSSLAT_TOP/build/analyze/crosslat-analyze
[ -x "$ANALYZE" ] || fail "$ANALYZE not built (make analyze)"
CHECK=$MS_HERE/microsvc/check_dags.py
TRACE=$OUT/traces/reqdag
DUR=${REQDAG_DUR:-10s} CONNS=8

cleanup() {
	lttng destroy -a >/dev/null 2>&1 || true
	ms_down
	lttng_stop_daemon
	rmmod lttng_probe_crosslat_req crosslat_req 2>/dev/null || true
	[ -d "$MS_DIR/load" ] && tar -C "$MS_DIR" -czf "$OUT/microsvc.tar.gz" . 2>/dev/null
	overlay_down
}
trap cleanup EXIT

lttng_start_daemon sched,x86-exceptions
overlay_up vxlan
ms_up
pids=$(for s in $MS_SERVICES; do ms_app_pid "$s"; done | paste -sd,)
load_engine
insmod "$(ko crosslat_req)" pids="$pids" || fail "insmod crosslat_req pids=$pids"
insmod "$(ko lttng-probe-crosslat-req)" || fail "insmod lttng-probe-crosslat-req"
ms_load 3s 30/s warmup >/dev/null
say "testbed up, no sidecars; crosslat_req following pids $pids"

lttng create reqdag --output="$TRACE" >/dev/null
lttng enable-event -k 'crosslat_req_*' >/dev/null
lttng enable-event -k x86_exceptions_page_fault_user,sched_migrate_task >/dev/null ||
	fail "lttng cannot enable the page fault and migration events"
lttng add-context -k -t tid >/dev/null
lttng start >/dev/null
say "$(ms_load "$DUR" $CONNS dags)"
lttng stop >/dev/null
lttng destroy >/dev/null
ms_down
cat "$MS_DIR"/*/requests.jsonl >"$OUT/requests.jsonl"

t0=$(date +%s%N)
"$ANALYZE" dags --json "$TRACE" >"$OUT/dags.json" 2>"$OUT/dags.err" ||
	fail "crosslat-analyze dags failed: $(cat "$OUT/dags.err")"
t1=$(date +%s%N)
"$ANALYZE" dags --limit 3 "$TRACE" >"$OUT/dags.txt" || fail "crosslat-analyze dags (text) failed"
events=$("$ANALYZE" summary --json "$TRACE" | jq -r .events)
say "analysis: $events events in $(((t1 - t0) / 1000000)) ms"
sed 's/^/    /' "$OUT/dags.txt" | head -n 20

python3 "$CHECK" --dags "$OUT/dags.json" --truth "$OUT/requests.jsonl" \
	--fault-service backend-c >"$OUT/check.json" || fail "check_dags.py failed"
v() { jq -M -r "$1" "$OUT/check.json"; }
say "$(v .identical)/$(v .requests) frontend requests with a DAG identical to the apps' logs" \
	"($(v .without_dag) without a DAG, $(v .truth_incomplete) with an incomplete log;" \
	"$(v .dags) DAGs)"
[ "$(v .requests)" -ge 100 ] || fail "only $(v .requests) requests traced"
[ "$(v .truth_incomplete)" = 0 ] || fail "the apps' logs miss some callee's request"
ok=$(jq -M '.identical * 100 >= .requests * 99' "$OUT/check.json")
[ "$ok" = true ] || fail "under 99% identical; first differences: $(v -c .examples_wrong)"
say "ok: at least 99% of the requests have the DAG of the apps' own logs"

b() { v ".bucketed.$1 // 0"; }
say "backend-c: $(b requests) requests; faulted 64 pages: $(b faulted_ok)/$(b faulted) with" \
	">= 64 page faults in their state; the others: $(b clean_ok)/$(b clean) with fewer;" \
	"$(b minflt_ok)/$(b requests) with at least the thread's own minor faults;" \
	"moved CPU: $(b migrated_ok)/$(b migrated) with a sched_migrate_task"
[ "$(b without_state)" = 0 ] || fail "$(b without_state) backend-c requests without a state"
[ "$(b faulted)" -ge 10 ] || fail "too few requests faulted pages: $(b faulted)"
expect_eq "page faults in the state of the request that made them" "$(b faulted_ok)" "$(b faulted)"
expect_eq "no injected faults in another request's state" "$(b clean_ok)" "$(b clean)"
expect_eq "the thread's own minor faults within its state" "$(b minflt_ok)" "$(b requests)"
if [ "$(nproc)" -gt 1 ]; then
	[ "$(b migrated)" -ge 10 ] || fail "too few requests moved CPU: $(b migrated)"
	expect_eq "migrations in the state of the request that moved" "$(b migrated_ok)" "$(b migrated)"
fi
