# SPDX-License-Identifier: GPL-2.0-only
# vm: retry-once (a busy host makes the guest's timers fire late)
# crosslat_span.ko against a test service that measures itself (tests/vm/span/span_app.c):
#  - (the app is linked -z now: a lazy PLT binding would add ~100 us to its first calls)
#  - a span doing nanosleep(50 ms), write+fsync, a 30 ms blocking recv is annotated with
#    those calls (durations within 5% of the app's, fd arguments right), on-CPU + blocked
#    + runqueue time = its duration, the user stack of its longest block names the app's
#    function, the kernel stack names the nanosleep path;
#    (on the debug kernel, whose KASAN and lockdep slow every call, all but the durations);
#  - with a CPU hog on the same CPU, its runqueue-wait total rises;
#  - a span under its threshold (global or per service) emits no event and is counted;
#  - threads outside spans leave the probes at their first check (span_hint_misses);
#  - a process cannot begin or end a span of another process's thread, every malformed
#    request is refused, the per-process and global limits hold, a thread that exits in its
#    span abandons it; parameters refuse bad values; the probes are registered only while
#    the device is open.
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
P=/sys/module/crosslat_span/parameters
APP=/tmp/span_app
CHECK="python3 $(dirname "$0")/span/check_annotate.py"
case $KREL in *-dbg-*) CHECK="$CHECK --no-timing" ;; esac

gcc -O1 -g -fno-omit-frame-pointer -Wl,-z,now -pthread -Wall -I"$CROSSLAT_TOP/kmod/include/uapi" \
	-o $APP "$(dirname "$0")/span/span_app.c" || fail "building span_app"

# fsync on tmpfs does nothing: the app's file lives on ext4 over a loop device.
modprobe -q loop 2>/dev/null || true
modprobe -q ext4 2>/dev/null || true
truncate -s 64M /tmp/span-ext4.img
mkfs.ext4 -q -F /tmp/span-ext4.img
mkdir -p /tmp/span-ext4
if mount -o loop /tmp/span-ext4.img /tmp/span-ext4 2>/dev/null; then
	export SPAN_APP_DIR=/tmp/span-ext4
else
	# the debug kernel has no ext4; its durations are not checked
	case $KREL in *-dbg-*) ;; *) fail "cannot mount ext4 over a loop device" ;; esac
fi

cleanup() {
	lttng_stop_daemon
	umount /tmp/span-ext4 2>/dev/null || true
	[ -e $T/events/crosslat_span/enable ] && echo 0 >$T/events/crosslat_span/enable
	[ -n "${hog:-}" ] && kill "$hog" 2>/dev/null
	rmmod crosslat_span 2>/dev/null || true
}
trap cleanup EXIT

load_engine
insmod "$(ko crosslat_span)" threshold_us=20000
expect_eq "probes registered before anyone opens the device" "$(proc_stat span_probes)" 0
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/crosslat_span/enable
echo 1 >$T/tracing_on

# 1. the annotation, against the app's own clock
$APP annotate >$OUT/annotate.json || fail "span_app annotate"
cp $T/trace $OUT/trace-annotate.txt
$CHECK $OUT/annotate.json $OUT/trace-annotate.txt $APP | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "annotation"
expect_eq "probes unregistered after the last user closed the device" "$(proc_stat span_probes)" 0

# 2. runqueue wait: 30 ms of CPU work inside the span, alone then beside a hog on its CPU
runq() {
	echo >$T/trace
	taskset -c 0 $APP annotate 30 >$OUT/runq.json || fail "span_app annotate 30"
	cp $T/trace $OUT/trace-runq.txt
	# durations not compared here: pinned to CPU 0, the app may wait for it between a
	# call's exit and its return to user space, time the app sees and the call does not
	$CHECK $OUT/runq.json $OUT/trace-runq.txt $APP --print-runq --no-timing >$OUT/runq.check ||
		{ cat $OUT/runq.check >&2; fail "annotation of the span with CPU work"; }
	awk '/^runq_ns/ { print $2 }' $OUT/runq.check
}
alone=$(runq)
taskset -c 0 nice -n -5 sh -c 'while :; do :; done' &
hog=$!
sleep 0.2
hogged=$(runq)
kill $hog
hog=
say "runqueue wait: alone ${alone} ns, beside a CPU hog ${hogged} ns"
[ "$hogged" -gt 5000000 ] && [ "$hogged" -gt $((alone * 3)) ] ||
	fail "the CPU hog did not raise the runqueue-wait total"
say "ok: the CPU hog raised the runqueue-wait total $((hogged / (alone > 0 ? alone : 1)))-fold"

# 3. under the threshold: no event, counted; a per-service threshold beats the global one
under0=$(proc_stat span_under_threshold)
echo 1000000 >$P/threshold_us
echo >$T/trace
$APP annotate >$OUT/under.json || fail "span_app annotate (threshold 1 s)"
cp $T/trace $OUT/trace-under.txt
$CHECK $OUT/under.json $OUT/trace-under.txt $APP --expect-none | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "span under the threshold"
expect_eq "span_under_threshold counted it" "$(proc_stat span_under_threshold)" $((under0 + 1))
$APP loop 1000 | grep -q "spans 1000 annotated 0" || fail "1000 short spans"
expect_eq "span_under_threshold after 1000 short spans" "$(proc_stat span_under_threshold)" \
	$((under0 + 1001))
echo "other:1000,span-app:20000" >$P/service_threshold_us
expect_eq "service_threshold_us" "$(cat $P/service_threshold_us)" "other:1000,span-app:20000"
$APP annotate >$OUT/service.json || fail "span_app annotate (service threshold)"
expect_eq "a span of span-app held to its service's 20 ms" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["threshold_ns"], d["annotated"])' $OUT/service.json)" \
	"20000000 1"
echo "" >$P/service_threshold_us
echo 20000 >$P/threshold_us

# 4. threads outside spans leave at the first check: a syscall-heavy process beside spans
miss0=$(proc_stat span_hint_misses)
sys0=$(proc_stat span_syscalls)
$APP hold 8 3000 >$OUT/hold.txt &
holder=$!
sleep 0.5
dd if=/dev/zero of=/dev/null bs=1 count=200000 2>/dev/null
wait $holder || fail "span_app hold"
misses=$(($(proc_stat span_hint_misses) - miss0))
say "400000 system calls outside spans (dd) beside 8 open spans: $misses went past the first check"
[ "$misses" -lt 4000 ] || fail "threads outside spans got past the first check $misses times"
say "ok: $(($(proc_stat span_syscalls) - sys0)) calls accounted inside the 8 spans"

# 5. refusals, permissions, limits, exits
$APP refusals | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "refusals"
echo 4 >$P/max_spans_per_process
expect_eq "8 threads under max_spans_per_process=4" "$($APP limit 8)" "opened 4, EDQUOT 4, other 0"
# entries stay between a thread's spans; idle ones of live threads are reclaimed for others
expect_eq "4 idle threads, then 4 in a span, under max_spans_per_process=4" \
	"$($APP reclaim 4)" "idle 4 (0 failed), then opened 4, EDQUOT 0, other 0"
echo 256 >$P/max_spans_per_process
echo 6 >$P/max_spans
refused0=$(proc_stat span_refused)
expect_eq "8 threads under max_spans=6" "$($APP limit 8)" "opened 6, EDQUOT 0, other 2"
expect_eq "span_refused" "$(proc_stat span_refused)" $((refused0 + 2))
echo 1 >$P/max_spans
expect_eq "1000 spans of one thread under max_spans=1 (its entry reused)" \
	"$($APP loop 1000)" "spans 1000 annotated 0"
echo 4096 >$P/max_spans
ab0=$(proc_stat span_abandoned)
$APP exit || fail "span_app exit"
expect_eq "a thread exiting in its span abandons it" "$(proc_stat span_abandoned)" $((ab0 + 1))
expect_eq "span_active" "$(proc_stat span_active)" 0
for bad in "service_threshold_us nocolon" "service_threshold_us :5" "service_threshold_us a:x" \
	"service_threshold_us $(printf 'x%.0s' $(seq 40)):5" "syscalls 9999" "syscalls abc"; do
	set -- $bad
	before=$(cat $P/$1)
	if echo "$2" >$P/$1 2>/dev/null; then fail "$1 accepted $2"; fi
	expect_eq "$1 after writing $2" "$(cat $P/$1)" "$before"
done
echo "1,35,230" >$P/syscalls
expect_eq "syscalls" "$(cat $P/syscalls)" "1,35,230"
echo all >$P/syscalls
expect_eq "probes registered at the end" "$(proc_stat span_probes)" 0

# 6. the same annotation through LTTng (lttng-probe-crosslat-span.ko), decoded by babeltrace2
echo 20000 >$P/threshold_us
lttng_start_daemon sched
insmod "$(ko lttng-probe-crosslat-span)"
lttng create crosslat-span --output="$OUT/trace" >/dev/null
lttng enable-event -k 'crosslat_span_*' >/dev/null
lttng start >/dev/null
$APP annotate >$OUT/lttng.json || fail "span_app annotate (LTTng)"
lttng stop >/dev/null
lttng destroy >/dev/null
babeltrace2 "$OUT/trace" >$OUT/lttng.txt
lttng_stop_daemon
listed=$(grep -o 'syscalls_listed = [0-9]*' $OUT/lttng.txt | awk '{ print $3 }')
expect_eq "LTTng: crosslat_span_annotate events" "$(grep -c 'crosslat_span_annotate:' $OUT/lttng.txt)" 1
expect_eq "LTTng: crosslat_span_syscall events (syscalls_listed)" \
	"$(grep -c 'crosslat_span_syscall:' $OUT/lttng.txt)" "$listed"
expect_eq "LTTng: crosslat_span_stack events" "$(grep -c 'crosslat_span_stack:' $OUT/lttng.txt)" 2
grep -q 'name = "GET /work", service = "span-app"' $OUT/lttng.txt || fail "LTTng: span name/service"
say "ok: LTTng recorded the annotation (trace in $OUT/trace)"
rmmod lttng_probe_crosslat_span
rmmod crosslat_span
say "ok: unloaded"
