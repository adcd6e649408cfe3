# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# TAP-style result lines of the tests/analyze scripts (format in run), sourced by them:
# ok NAME, skip NAME WHY, not_ok NAME WHY (then the heads of the files $out and $err, when
# set and not empty, on stderr), check NAME WHY CMD... Test points are named
# $TAP_PREFIX NAME, e.g. e2e_summary.

ok() { echo "ok - ${TAP_PREFIX:-}$1"; }
skip() { echo "ok - ${TAP_PREFIX:-}$1 # SKIP $2"; }
not_ok() {
	echo "not ok - ${TAP_PREFIX:-}$1"
	echo "# $2" >&2
	[ -n "${out:-}" ] && [ -s "$out" ] && head -n 20 "$out" | sed 's/^/#   stdout: /' >&2
	[ -n "${err:-}" ] && [ -s "$err" ] && head -n 20 "$err" | sed 's/^/#   stderr: /' >&2
	return 0
}
# check NAME WHY CMD...: ok when CMD succeeds.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi
}
