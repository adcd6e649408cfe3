#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs the userspace tests and prints one summary line "userspace: N passed, N failed, N skipped".
# With --ust, only those of ust/ (libcrosslat-span), summed up as "ust: ..." (make -C ust check).
#
# Each test program prints TAP-style lines on stdout ("ok - name", "not ok - name",
# "ok - name # SKIP why") and diagnostics on stderr, and exits 0 (pass or partly skipped),
# 4 (all skipped) or anything else (failed). A program that fails without a "not ok" line
# (a crash, a sanitizer abort) counts as one failure.
#
# Environment: UNIT (unit test binary), CROSSLATCTL (built crosslatctl), WITH_UST (0: no
# lttng-ust, the ust tests are skipped), UST_O (ust/'s build directory, with `make -C ust
# tests` done); `make -C userspace check` sets them all.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export CROSSLATCTL=${CROSSLATCTL:-$top/build/userspace/crosslatctl}
unit=${UNIT:-$top/build/userspace/tests/test_nl_crosslat}
ust_o=${UST_O:-$top/build/ust}
export UST_O=$ust_o
label=userspace
[ "${1:-}" = --ust ] && label=ust

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run NAME CMD...: runs CMD, echoes and counts its result lines.
run() {
	local name=$1 rc s f p
	shift
	"$@" | tee "$log"
	rc=${PIPESTATUS[0]}
	s=$(grep -c -E '^ok .*# SKIP' "$log")
	p=$(( $(grep -c '^ok ' "$log") - s ))
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	elif [ $((p + s + f)) -eq 0 ]; then
		echo "not ok - $name reported no result"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# memcheck NAME CMD...: one result, CMD's run under valgrind's memcheck (its output is CMD's).
memcheck() {
	local name=$1
	shift
	if ! command -v valgrind >/dev/null; then
		echo "ok - $name # SKIP valgrind not installed"
		return 4
	fi
	if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		"$@" >/dev/null 2>"$log.memcheck"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		sed 's/^/# /' "$log.memcheck" | tail -n 40 >&2
	fi
	rm -f "$log.memcheck"
}

# The ust library's exports: the provider's events, the span API, the preload's wrappers.
ust_exports() {
	local lib sym missing=0

	for lib in libcrosslat-ust.so:lttng_ust_tracepoint_crosslat_ust___mark \
		   libcrosslat-ust.so:lttng_ust_tracepoint_crosslat_ust___span_begin \
		   libcrosslat-ust.so:lttng_ust_tracepoint_crosslat_ust___span_end \
		   libcrosslat-span.so:crosslat_span_begin libcrosslat-span.so:crosslat_span_end \
		   libcrosslat-span.so:crosslat_traceparent_parse \
		   libcrosslat-span-preload.so:recv libcrosslat-span-preload.so:accept4 \
		   libcrosslat-span-preload.so:sendfile libcrosslat-span-preload.so:__read_chk; do
		sym=${lib#*:}
		lib=${lib%%:*}
		if nm -D --defined-only "$ust_o/$lib" 2>/dev/null | grep -q " $sym\$"; then
			echo "ok - ust_exports_${lib%.so}_$sym"
		else
			echo "not ok - ust_exports_${lib%.so}_$sym"
			missing=1
		fi
	done
	# Nothing else of the span libraries' internals is visible.
	if nm -D --defined-only "$ust_o/libcrosslat-span.so" | grep -v ' crosslat_' | grep -q .; then
		echo "not ok - ust_exports_span_api_only"
		missing=1
	else
		echo "ok - ust_exports_span_api_only"
	fi
	return $missing
}

if [ "$label" = userspace ]; then
	run test_nl_crosslat "$unit"
	run test_cli.sh "$here/test_cli.sh"
	run test_ust_mark.sh "$here/test_ust_mark.sh"
fi
if [ "${WITH_UST:-1}" = 1 ]; then
	run ust_exports ust_exports
	run test_span_frame "$ust_o/tests/test_span_frame"
	run test_span_frame_memcheck memcheck test_span_frame_memcheck \
		"$ust_o/tests/test_span_frame-vg"
	run test_span_api "$ust_o/tests/test_span_api"
	run test_span_api_memcheck memcheck test_span_api_memcheck "$ust_o/tests/test_span_api"
	run test_span_preload env LD_PRELOAD="$ust_o/libcrosslat-span-preload.so" \
		"$ust_o/tests/test_span_preload"
	run test_span_http.sh "$here/test_span_http.sh"
else
	echo "ok - ust_span # SKIP built without lttng-ust (WITH_UST=0)"
	skipped=$((skipped + 1))
fi

echo "$label: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
