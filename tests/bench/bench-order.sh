# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the guest halves of the paired benchmarks.
# bench_order ROUND N: the slots 0..N-1 of round ROUND in a balanced order (a Williams
# design): over rounds, each mode runs in each slot and after each other mode equally often,
# so a drift in time or the one before it costs no mode more than another.
bench_order() {
	local r=$1 n=$2 i j
	for ((i = 0; i < n; i++)); do
		if ((i % 2 == 0)); then j=$(((r + i / 2) % n)); else j=$(((r + n - (i + 1) / 2) % n)); fi
		echo "$j"
	done
}
