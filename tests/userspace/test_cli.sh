#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# crosslatctl's argument checks (exit 2) and its "module not loaded" answer (exit 1).
#
# TAP-style lines on stdout (see run.sh). Without the module (this host), `mark` and
# `stats` must fail with exit 1 and a hint to load it; with the module loaded those
# cases are skipped and `stats` must succeed instead.
set -e -u

here=$(cd "$(dirname "$0")" && pwd)
ctl=${CROSSLATCTL:-$(cd "$here/../.." && pwd)/build/userspace/crosslatctl}

failures=0
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok() { echo "ok - cli_$1"; }
skip() { echo "ok - cli_$1 # SKIP $2"; }
not_ok() {
	echo "not ok - cli_$1"
	echo "# $2" >&2
	sed 's/^/#   stdout: /' "$out" >&2
	sed 's/^/#   stderr: /' "$err" >&2
	failures=$((failures + 1))
}

# expect NAME STATUS PATTERN ARGS...: crosslatctl ARGS exits STATUS and prints PATTERN
# (grep -E, on stdout or stderr; empty matches anything).
expect() {
	local name=$1 want=$2 pattern=$3 rc=0
	shift 3
	LD_PRELOAD='' "$ctl" "$@" >"$out" 2>"$err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name" "crosslatctl $* exited $rc, expected $want"
	elif [ -n "$pattern" ] && ! cat "$out" "$err" | grep -q -E -- "$pattern"; then
		not_ok "$name" "crosslatctl $* did not print /$pattern/"
	else
		ok "$name"
	fi
}

label63=$(printf '%63s' '' | tr ' ' l)
label64=$(printf '%64s' '' | tr ' ' l)

if [ ! -x "$ctl" ]; then
	echo "not ok - cli_binary_present"
	echo "# $ctl not built" >&2
	exit 1
fi

# Help and usage errors.
expect help_option		0 'EXAMPLES'			--help
expect help_command		0 'crosslat_ust:mark'		help
expect help_exit_codes		0 'EXIT STATUS'			-h
expect no_command		2 'missing COMMAND'
expect unknown_command		2 "unknown command 'frob'"	frob
expect unknown_option		2 "unknown option '--frob'"	--frob stats
expect option_value		2 'takes no value'		stats --json=yes
expect stats_extra_arg		2 'usage: crosslatctl stats'	stats now
expect stats_no_ust_only	2 'not an option'		stats --ust-only
expect mark_no_id		2 'usage: crosslatctl mark'	mark
expect mark_extra_arg		2 'usage: crosslatctl mark'	mark 1 two three

# Bad IDs.
expect id_word			2 "invalid ID 'abc'"		mark abc
expect id_empty			2 "invalid ID ''"		mark ''
expect id_trailing_garbage	2 'invalid ID'			mark 12abc
expect id_fraction		2 'invalid ID'			mark 1.5
expect id_leading_space		2 'invalid ID'			mark ' 1'
expect id_plus			2 'invalid ID'			mark +1
expect id_negative		2 'IDs are unsigned'		mark -1
expect id_hex_empty		2 'invalid ID'			mark 0x
expect id_hex_bad_digit		2 'invalid ID'			mark 0x1g
expect id_hex_double_prefix	2 'invalid ID'			mark 0x0x10
expect id_dec_overflow		2 'out of range'		mark 18446744073709551616
expect id_hex_overflow		2 'out of range'		mark 0x10000000000000000

# Labels: CROSSLAT_MARK_LABEL_MAX (64) counts the NUL, so 63 bytes is the longest.
expect label_too_long		2 'LABEL is 64 bytes'		mark 1 "$label64"

# --ust-only works without the module when built with lttng-ust.
if [[ $("$ctl" --help) == *"lttng-ust enabled"* ]]; then
	expect ust_only			0 'kernel skipped, ust emitted'	mark --ust-only 7 "$label63"
	expect ust_only_json		0 '^\{"id":255,"label":"a\\"b","kernel":false,"ust":true\}$' \
					mark --json --ust-only 0xff 'a"b'
	expect ust_only_no_label	0 '^\{"id":0,"label":null,'	mark -u -j 0
else
	expect ust_only_not_built	2 'built without lttng-ust'	mark --ust-only 7
fi

# Runtime: the family is absent here, so valid requests end in exit 1 with a hint.
if LD_PRELOAD='' "$ctl" stats >/dev/null 2>&1; then
	expect stats_loaded		0 '^marks +[0-9]+$'		stats
	expect stats_loaded_json	0 '^\{"version":".*","stats":\{.*"marks":[0-9]+' stats --json
	for t in mark_not_loaded mark_max_id_not_loaded mark_hex_id_not_loaded \
		 stats_not_loaded stats_json_not_loaded; do
		skip "$t" "crosslat module is loaded"
	done
else
	expect mark_not_loaded		1 'crosslat module not loaded.*family "crosslat" not found' mark 1
	expect mark_max_id_not_loaded	1 'modprobe crosslat'		mark 18446744073709551615 "$label63"
	expect mark_hex_id_not_loaded	1 'insmod crosslat.ko'		mark 0xDEADbeef x
	expect stats_not_loaded		1 'crosslat module not loaded'	stats
	expect stats_json_not_loaded	1 'crosslat module not loaded'	stats --json
	if [ -s "$out" ]; then
		not_ok stats_json_not_loaded_quiet "stdout not empty on error"
	else
		ok stats_json_not_loaded_quiet
	fi
fi

[ "$failures" -eq 0 ]
