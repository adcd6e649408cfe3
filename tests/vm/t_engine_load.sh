# SPDX-License-Identifier: GPL-2.0-only
# crosslat.ko loads, exposes /proc/crosslat/stats and the "crosslat" genetlink family, and
# unloads cleanly, repeatedly (the harness fails the boot on any splat).
. "$(dirname "$0")/lib.sh"

engine=$(ko crosslat)
for round in 1 2 3; do
	insmod "$engine"
	[ -r /proc/crosslat/stats ] || fail "round $round: no /proc/crosslat/stats"
	expect_eq "round $round: marks counter" "$(proc_stat marks)" 0
	grep -q "^version " /proc/crosslat/stats || fail "no version line"
	# The family is registered: the generic netlink controller lists it.
	if [ -x "$CROSSLATCTL" ]; then
		"$CROSSLATCTL" stats >/dev/null || fail "round $round: crosslatctl stats failed"
	fi
	rmmod crosslat
	[ ! -e /proc/crosslat ] || fail "round $round: /proc/crosslat left behind"
done
say "3 load/unload rounds clean"
