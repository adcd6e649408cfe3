#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs the userspace tests and prints one summary line "userspace: N passed, N failed, N skipped".
#
# Each test program prints TAP-style lines on stdout ("ok - name", "not ok - name",
# "ok - name # SKIP why") and diagnostics on stderr, and exits 0 (pass or partly skipped),
# 4 (all skipped) or anything else (failed). A program that fails without a "not ok" line
# (a crash, a sanitizer abort) counts as one failure.
#
# Environment: UNIT (unit test binary), CROSSLATCTL (built crosslatctl); `make -C
# userspace check` sets both.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export CROSSLATCTL=${CROSSLATCTL:-$top/build/userspace/crosslatctl}
unit=${UNIT:-$top/build/userspace/tests/test_nl_crosslat}

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

run test_nl_crosslat "$unit"
run test_cli.sh "$here/test_cli.sh"
run test_ust_mark.sh "$here/test_ust_mark.sh"

echo "userspace: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
