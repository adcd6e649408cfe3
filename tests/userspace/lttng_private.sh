# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the userspace tests that record lttng-ust events: a private lttng-sessiond.
#
# As root, lttng always uses the system-wide daemon in /var/run/lttng; so that nothing is
# shared with it, the daemon, the lttng client and the traced programs then run as nobody
# (uid 65534), whose daemon lives under $LTTNG_HOME. The daemon is stopped by its pid file.
#
#   lttng_private_init DIR   DIR (a fresh mktemp -d) becomes LTTNG_HOME; returns 1 with the
#                            reason in $lttng_private_why if the test cannot run as nobody
#   as_user CMD...           CMD in the private LTTng world, clean environment, time limit
#                            (the command is "${as_user_prefix[@]}" CMD...)
#   lttng_private_start      starts the daemon; returns 1 (log on stderr) if it cannot run
#   lttng_private_stop       stops the daemon and its consumers (call it on every exit)

lttng_private_home=
lttng_private_why=
lttng_private_timeout=${lttng_private_timeout:-60}
as_user_prefix=()

lttng_private_init() {
	local runas=()

	lttng_private_home=$1
	if [ "$(id -u)" -eq 0 ]; then
		if ! command -v setpriv >/dev/null; then
			lttng_private_why="setpriv missing (needed to keep clear of root's"
			lttng_private_why+=" global lttng-sessiond)"
			return 1
		fi
		runas=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
		chown 65534:65534 "$lttng_private_home"
	fi
	as_user_prefix=(timeout "$lttng_private_timeout" "${runas[@]}" env -i PATH="$PATH"
		HOME="$lttng_private_home" LTTNG_HOME="$lttng_private_home"
		LTTNG_UST_REGISTER_TIMEOUT=10000 LD_PRELOAD=)
}

as_user() {
	"${as_user_prefix[@]}" "$@"
}

lttng_private_start() {
	local log=$lttng_private_home/sessiond.log

	if ! as_user lttng-sessiond --daemonize --no-kernel >"$log" 2>&1 ||
	   [ ! -s "$lttng_private_home/.lttng/lttng-sessiond.pid" ]; then
		sed 's/^/# sessiond: /' "$log" >&2
		return 1
	fi
}

lttng_private_stop() {
	local pidfile=$lttng_private_home/.lttng/lttng-sessiond.pid pid

	[ -n "$lttng_private_home" ] || return 0
	if [ -s "$pidfile" ]; then
		pid=$(cat "$pidfile")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	# Consumer daemons left behind by a killed sessiond: only ours carry our LTTNG_HOME.
	grep -l -s -a -x -z "LTTNG_HOME=$lttng_private_home" /proc/[0-9]*/environ | cut -d/ -f3 |
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done
	return 0
}
