#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run TAP test binaries, show their output, end with one "LABEL: N passed, N failed" line.
#   tap-run.sh LABEL LOGDIR BINARY...
# A binary that crashes, exits non-zero without a failed point, or misses its plan counts
# as one more failure. Exits non-zero if anything failed.
label=$1
logdir=$2
shift 2
mkdir -p "$logdir" || exit 1

total_pass=0
total_fail=0
for bin in "$@"; do
	name=${bin##*/}
	log=$logdir/$name.log
	echo "# $name"
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	pass=$(grep -c '^ok ' "$log")
	fail=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | tail -n 1)
	if [ -z "$plan" ] || [ "$plan" -ne $((pass + fail)) ]; then
		echo "# $name: plan ${plan:-missing} but $((pass + fail)) test points ran"
		fail=$((fail + 1))
	elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		echo "# $name: exit status $rc without a failed test point"
		fail=$((fail + 1))
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done

echo "$label: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
