#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `crosslatctl mark` emits crosslat_ust:mark: record it in a private LTTng session, read it back.
#
#   lttng-sessiond (LTTNG_HOME=$tmp) <--registers-- crosslatctl mark (lttng-ust, same LTTNG_HOME)
#        | UST channel, event crosslat_ust:mark
#        v
#   $tmp/trace --> babeltrace2 --> exactly one event per mark, right id and label
#
# The daemon, the lttng client and crosslatctl run as nobody when root (lttng_private.sh).
# TAP-style lines on stdout (see run.sh); exit 4 when skipped.
set -e -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
ctl=${CROSSLATCTL:-$(cd "$here/../.." && pwd)/build/userspace/crosslatctl}
ksft_skip=4

skip_all() {
	echo "ok - ust_mark # SKIP $*"
	exit "$ksft_skip"
}

for tool in lttng-sessiond lttng babeltrace2 timeout; do
	command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
[ -x "$ctl" ] || { echo "not ok - ust_mark_binary_present"; exit 1; }
[[ $("$ctl" --help) == *"lttng-ust enabled"* ]] || skip_all "crosslatctl built with WITH_UST=0"

. "$here/lttng_private.sh"
tmp=$(mktemp -d)
cleanup() {
	set +e
	lttng_private_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
lttng_private_init "$tmp" || skip_all "$lttng_private_why"
# A private copy, so the unprivileged user can run it wherever the build tree is.
install -m 0755 "$ctl" "$tmp/crosslatctl"
lttng_private_start || skip_all "lttng-sessiond --daemonize cannot run here"

failures=0
ok() { echo "ok - ust_mark_$1"; }
not_ok() {
	echo "not ok - ust_mark_$1"
	echo "# $2" >&2
	failures=$((failures + 1))
}

as_user lttng create crosslat-ust-test --output="$tmp/trace" >/dev/null
as_user lttng enable-event --userspace crosslat_ust:mark >/dev/null
as_user lttng start >/dev/null

# 1: --ust-only records the event and succeeds.
rc=0
as_user "$tmp/crosslatctl" mark --ust-only 0x1234abcd ust-only-label >/dev/null || rc=$?
[ "$rc" -eq 0 ] || not_ok ust_only_exit "mark --ust-only exited $rc"
# 2: without the module (or without CAP_NET_ADMIN) the kernel part fails, after the UST event.
rc=0
as_user "$tmp/crosslatctl" mark 4242 kernel-fails >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || not_ok kernel_fails_exit "mark without the module exited $rc, expected 1"
# 3: no label: an empty string field.
rc=0
as_user "$tmp/crosslatctl" mark -u 18446744073709551615 >/dev/null || rc=$?
[ "$rc" -eq 0 ] || not_ok no_label_exit "mark -u without LABEL exited $rc"

as_user lttng stop >/dev/null
as_user lttng destroy >/dev/null
timeout 60 babeltrace2 "$tmp/trace" >"$tmp/events.txt" 2>"$tmp/babeltrace.log" || {
	sed 's/^/# babeltrace2: /' "$tmp/babeltrace.log" >&2
	not_ok read_trace "babeltrace2 could not read $tmp/trace"
}

# expect_event NAME FIELDS: exactly one crosslat_ust:mark event carries FIELDS.
expect_event() {
	local n

	n=$(grep -F "crosslat_ust:mark: " "$tmp/events.txt" | grep -c -F "{ $2 }" || true)
	if [ "$n" -eq 1 ]; then
		ok "$1"
	else
		not_ok "$1" "$n events with { $2 }; the trace has:"
		sed 's/^/#   /' "$tmp/events.txt" >&2
	fi
}

expect_event ust_only 'id = 305441741, label = "ust-only-label"'
expect_event before_kernel_failure 'id = 4242, label = "kernel-fails"'
expect_event no_label 'id = 18446744073709551615, label = ""'
n=$(grep -c -F "crosslat_ust:mark: " "$tmp/events.txt" || true)
if [ "$n" -eq 3 ]; then
	ok event_count
else
	not_ok event_count "$n crosslat_ust:mark events, expected 3"
fi

[ "$failures" -eq 0 ]
