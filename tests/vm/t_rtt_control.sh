# SPDX-License-Identifier: GPL-2.0-only
# Bad control input changes nothing: raw genetlink requests crosslatctl would never send
# (missing, unknown, mis-sized and out-of-range attributes, inconsistent prefixes) get
# EINVAL (ERANGE outside a policy range, ENOENT for a missing rule) with an extack message
# and leave the rules as they were; unprivileged writers get EPERM; without crosslat_rtt its commands get EOPNOTSUPP; module parameters
# refuse out-of-range values.
. "$(dirname "$0")/lib.sh"

raw="/usr/bin/python3 $(dirname "$0")/nl_raw.py"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

load_engine
$raw noext | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "commands without crosslat_rtt"

load_rtt
invalid0=$(proc_stat nl_invalid)
$raw refusals | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "kernel validation of threshold requests"
[ "$(proc_stat nl_invalid)" -gt "$invalid0" ] || fail "refusals not counted in nl_invalid"
say "ok: nl_invalid $invalid0 -> $(proc_stat nl_invalid)"
nobody $raw unpriv | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "unprivileged requests"

P=/sys/module/crosslat_rtt/parameters
for bad in "stats_interval_ms 50" "stats_interval_ms 3600001" "alert_interval_ms -1" \
	"sample_every 1000001" "sample_every abc"; do
	set -- $bad
	before=$(cat $P/$1)
	if echo "$2" >$P/$1 2>/dev/null; then fail "$1 accepted $2"; fi
	expect_eq "$1 after writing $2" "$(cat $P/$1)" "$before"
done
echo 0 >$P/stats_interval_ms || fail "stats_interval_ms refused 0 (off)"
echo 250 >$P/stats_interval_ms || fail "stats_interval_ms refused 250"
expect_eq "max_flows mode (read-only at run time)" "$(stat -c %a $P/max_flows)" 444
rmmod crosslat_rtt
for bad in max_flows=0 max_flows=4194305 idle_timeout_ms=0; do
	if insmod "$(ko crosslat_rtt)" $bad 2>/dev/null; then fail "insmod accepted $bad"; fi
	say "ok: insmod refused $bad"
done
