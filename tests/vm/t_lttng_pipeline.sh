# SPDX-License-Identifier: GPL-2.0-only
# LTTng pipeline: crosslat.ko + lttng-probe-crosslat.ko, a kernel session recording
# 'crosslat_*', three marks fired; the trace lands in the shared results directory and
# t_lttng_pipeline.host decodes it with babeltrace2 on the host.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
probe=$(find "$KMOD_OUT" -name lttng-probe-crosslat.ko -print -quit)
[ -n "$probe" ] || fail "lttng-probe-crosslat.ko not built for $KREL (scripts/deps stock)"
modinfo -F filename lttng-tracer >/dev/null 2>&1 ||
	fail "lttng-modules not installed for $KREL (scripts/deps)"

trap lttng_stop_daemon EXIT
lttng_start_daemon sched
load_engine
insmod "$probe"

lttng list -k | grep -q crosslat_mark || fail "LTTng does not list crosslat_mark"
lttng create crosslat-pipeline --output="$OUT/trace" >/dev/null
lttng enable-event -k 'crosslat_*' >/dev/null
lttng start >/dev/null
"$CROSSLATCTL" mark 42 hello
"$CROSSLATCTL" mark 43 "two words"
"$CROSSLATCTL" mark 18446744073709551615 max
lttng stop >/dev/null
lttng destroy >/dev/null
say "trace written to $OUT/trace"
# Keep the decoded view from the guest's own babeltrace2 too, for a human to read.
babeltrace2 "$OUT/trace" >"$OUT/guest-decoded.txt" 2>&1 || true
