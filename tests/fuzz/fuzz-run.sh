#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run libFuzzer targets for a time budget each; end with one "fuzz: N passed, N failed" line.
#   fuzz-run.sh SECONDS OUTDIR TARGET...
# OUTDIR holds seeds/<name> (read only), corpus/<name> (grows), artifacts/<name>/ (crashes)
# and log/<name>.log. A target passes if it ran its budget without a crash or leak.
secs=$1
out=$2
shift 2

pass=0
fail=0
for bin in "$@"; do
	name=${bin##*/}
	name=${name#fuzz_}
	corpus=$out/corpus/$name
	artifacts=$out/artifacts/$name
	log=$out/log/fuzz_$name.log
	mkdir -p "$corpus" "$artifacts" "$out/log" || exit 1
	echo "# fuzz_$name: ${secs}s"
	if "$bin" -max_total_time="$secs" -timeout=10 -max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" "$out/seeds/$name" >"$log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$log" |
			sed "s/^/#   /"
		echo "ok - fuzz_$name"
		pass=$((pass + 1))
	else
		tail -n 40 "$log" | sed 's/^/#   /'
		echo "not ok - fuzz_$name (log $log, artifacts in $artifacts)"
		fail=$((fail + 1))
	fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
