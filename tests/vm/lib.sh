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

# Modules crosslat loads, dependents first: the order to unload them in.
CROSSLAT_MODULES="lttng_probe_crosslat_req crosslat_req crosslat_metrics lttng_probe_crosslat_pkt crosslat_pkt lttng_probe_crosslat_span crosslat_span lttng_probe_crosslat_map lttng_probe_crosslat_rtt lttng_probe_crosslat crosslat_map crosslat_rtt crosslat"

unload_engine() {
	local m
	for m in $CROSSLAT_MODULES; do
		if lsmod | grep -q "^$m "; then rmmod "$m"; fi
	done
}

# load_rtt [PARAM=VALUE...]: the engine, then crosslat_rtt.ko with fresh state.
load_rtt() {
	load_engine
	if lsmod | grep -q '^crosslat_rtt '; then rmmod crosslat_rtt; fi
	insmod "$(ko crosslat_rtt)" "$@"
}

# ---- two namespaces over a veth pair ----
# netns_pair: namespaces cla (10.9.0.1, fd09::1, veth cla0) and clb (10.9.0.2, fd09::2,
# veth clb0), loopback up; removed by netns_pair_del (scenarios trap it on EXIT).
NS_A=cla NS_B=clb IP_A=10.9.0.1 IP_B=10.9.0.2 IP6_A=fd09::1 IP6_B=fd09::2
netns_pair() {
	netns_pair_del
	ip netns add $NS_A
	ip netns add $NS_B
	ip link add cla0 netns $NS_A type veth peer name clb0 netns $NS_B
	ip -n $NS_A addr add $IP_A/24 dev cla0
	ip -n $NS_B addr add $IP_B/24 dev clb0
	ip -n $NS_A addr add $IP6_A/64 dev cla0 nodad
	ip -n $NS_B addr add $IP6_B/64 dev clb0 nodad
	ip -n $NS_A link set lo up
	ip -n $NS_B link set lo up
	ip -n $NS_A link set cla0 up
	ip -n $NS_B link set clb0 up
}

netns_pair_del() {
	local ns
	for ns in $NS_A $NS_B; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns pids "$ns" | xargs -r kill 2>/dev/null || true
		ip netns del "$ns"
	done
}

# Inode number of namespace NAME's network namespace (what crosslat reports as netns_inum).
netns_inum() {
	stat -L -c %i "/run/netns/$1"
}

# flows_json [JQ-FILTER]: crosslatctl flows --json, narrowed by a jq select() expression.
flows_json() {
	"$CROSSLATCTL" flows --json | jq -c "map(select(${1:-true}))"
}

# within_pct WHAT GOT WANT PCT: |GOT - WANT| <= PCT% of WANT (numbers may be fractional).
within_pct() {
	awk -v g="$2" -v w="$3" -v p="$4" 'BEGIN { d = g - w; if (d < 0) d = -d;
		exit !(w != 0 && d <= w * p / 100) }' ||
		fail "$1: got $2, want $3 within $4%"
	say "ok: $1 = $2 (want $3 within $4%)"
}

# ns_to_ms NS: nanoseconds as milliseconds with 3 decimals.
ns_to_ms() {
	awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e6 }'
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
