# SPDX-License-Identifier: GPL-2.0-only
# Helpers for guest-side scenarios (sourced by tests/vm/t_*.sh, inside the VM).
# A scenario exits 0 on pass, 1 on failure, SKIP (4) when it cannot run here.
set -euo pipefail

SKIP=4
CROSSLAT_TOP=${CROSSLAT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KREL=$(uname -r)
KMOD_OUT=$CROSSLAT_TOP/build/kmod/$KREL
CROSSLATCTL=$CROSSLAT_TOP/build/userspace/crosslatctl
# Where this scenario may write (shared with the host): set by tests/vm/guest-run.
OUT=${SCENARIO_OUT:-/tmp}

say() { printf '    %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit $SKIP; }

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	say "ok: $1 = $3"
}

ko() {
	local f
	f=$(find "$KMOD_OUT" -name "$1.ko" -print -quit 2>/dev/null)
	[ -n "$f" ] || fail "module $1.ko not built for $KREL (make modules)"
	echo "$f"
}

load_engine() {
	local k
	lsmod | grep -q '^crosslat ' && return 0
	k=$(ko crosslat)
	insmod "$k"
}

unload_engine() {
	if lsmod | grep -q '^lttng_probe_crosslat '; then rmmod lttng_probe_crosslat; fi
	if lsmod | grep -q '^crosslat '; then rmmod crosslat; fi
}

# Value of counter NAME in /proc/crosslat/stats.
proc_stat() {
	awk -v n="$1" '$1 == n { print $2 }' /proc/crosslat/stats
}

# LTTng session daemon private to this scenario; stopped by lttng_stop_daemon.
lttng_start_daemon() {
	export LTTNG_HOME=$OUT/lttng-home
	mkdir -p "$LTTNG_HOME"
	lttng-sessiond --daemonize --kmod-probes="${1:-sched}" \
		--pidfile="$LTTNG_HOME/sessiond.pid" >/dev/null 2>&1 ||
		fail "lttng-sessiond did not start"
	local i
	for i in $(seq 50); do
		lttng list -k >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	fail "lttng-sessiond never answered"
}

lttng_stop_daemon() {
	local pid i
	pid=$(cat "${LTTNG_HOME:-/nonexistent}/sessiond.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
}
