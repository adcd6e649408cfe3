#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# crosslatctl's argument checks (exit 2) and its "module not loaded" answer (exit 1).
#
# TAP-style lines on stdout (see run.sh). Without the module (this host), `mark`, `stats`,
# `flows` and `threshold` must fail with exit 1 and a hint to load it; with the module
# loaded those cases are skipped and the read-only commands must succeed instead. Valid
# arguments of the flows and threshold commands are checked to get past argument
# checking: exit 1 without the module, never 2.
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

# Help documents the new commands and the flows JSON schema.
expect help_flows		0 'flows \[--json\] \[--netns NS\]'	--help
expect help_threshold_forms	0 'threshold set DURATION'	help
expect help_json_schema		0 'thresh_ns \(null without a threshold\), alerts, closed' --help

# flows: usage errors.
expect flows_extra_arg		2 'usage: crosslatctl flows'	flows now
expect flows_no_ust_only	2 'flows: --ust-only is not an option' flows --ust-only
expect flows_no_prefix		2 'flows: --prefix is not an option' flows --prefix 10.0.0.0/8
expect flows_sort_unknown	2 "unknown sort key 'bogus'"	flows --sort bogus
expect flows_sort_case		2 'unknown sort key'		flows --sort SRTT
expect flows_sort_missing	2 "option '--sort' needs a value" flows --sort
expect flows_limit_zero		2 "invalid count '0'"		flows --limit 0
expect flows_limit_word		2 'invalid count'		flows --limit ten
expect flows_limit_negative	2 'invalid count'		flows --limit -1
expect flows_limit_overflow	2 'invalid count'		flows --limit 4294967296
expect flows_port_zero		2 "invalid port '0'"		flows --port 0
expect flows_port_big		2 "invalid port '65536'"	flows --port 65536
expect flows_port_word		2 'invalid port'		flows --port http
expect flows_port_twice		2 "'--port' given twice"	flows --port 80 --port 443
expect flows_addr_bad		2 "invalid address in 'bogus'"	flows --addr bogus
expect flows_addr_empty		2 'invalid address'		flows --addr /8
expect flows_addr_v4_len	2 'expected 0-32'		flows --addr 10.0.0.1/33
expect flows_addr_v6_len	2 'expected 0-128'		flows --addr fd00::1/129
expect flows_addr_len_empty	2 'invalid prefix length'	flows --addr 10.0.0.1/
expect flows_addr_len_word	2 'invalid prefix length'	flows --addr 10.0.0.1/x
expect flows_netns_zero		2 "invalid inode number '0'"	flows --netns 0
expect flows_netns_big		2 'invalid inode number'	flows --netns 4294967296
expect flows_netns_missing	2 "cannot open '/nonexistent/ns'" flows --netns /nonexistent/ns
expect flows_netns_not_ns	2 'is not a namespace file'	flows --netns /dev/null
expect flows_netns_missing_value 2 "option '--netns' needs a value" flows --netns
if [ -e /proc/self/ns/mnt ]; then
	expect flows_netns_not_net	2 'not a network namespace'	flows --netns /proc/self/ns/mnt
else
	skip flows_netns_not_net "no /proc/self/ns/mnt"
fi
expect stats_no_sort		2 'stats: --sort is not an option' stats --sort srtt
expect mark_no_port		2 'mark: --port is not an option' mark --port 80 1

# threshold: usage errors.
expect thresh_no_action		2 'missing action'		threshold
expect thresh_unknown_action	2 "unknown action 'add'"	threshold add 20ms
expect thresh_set_no_duration	2 'missing DURATION'		threshold set
expect thresh_set_extra_arg	2 'usage: crosslatctl threshold set' threshold set 20ms 30ms
expect thresh_del_arg		2 'usage: crosslatctl threshold del' threshold del 20ms
expect thresh_flush_arg		2 'usage: crosslatctl threshold flush' threshold flush all
expect thresh_list_arg		2 'usage: crosslatctl threshold list' threshold list all
expect thresh_set_json		2 'threshold set: --json is not an option' threshold set --json 20ms
expect thresh_flush_port	2 'threshold flush: --port is not an option' threshold flush --port 80
expect thresh_list_netns	2 'threshold list: --netns is not an option' threshold list --netns 1
expect thresh_set_addr		2 'threshold: --addr is not an option' threshold set 20ms --addr 10.0.0.0/8
expect thresh_set_sort		2 'threshold: --sort is not an option' threshold set 20ms --sort srtt
expect dur_no_unit		2 "DURATION '20' needs a unit"	threshold set 20
expect dur_bad_unit		2 "invalid DURATION '20xs'"	threshold set 20xs
expect dur_upper_unit		2 'invalid DURATION'		threshold set 20MS
expect dur_word			2 'invalid DURATION'		threshold set fast
expect dur_unit_only		2 'invalid DURATION'		threshold set ms
expect dur_dot_no_digits	2 'invalid DURATION'		threshold set 1.ms
expect dur_space		2 'invalid DURATION'		threshold set '20 ms'
expect dur_negative		2 'durations positive'		threshold set -5ms
expect dur_zero			2 'out of range'		threshold set 0ms
expect dur_zero_fraction	2 'out of range'		threshold set 0.0s
expect dur_too_long		2 'out of range'		threshold set 3601s
expect dur_too_long_ns		2 'out of range'		threshold set 3600000000001ns
expect dur_huge			2 'out of range'		threshold set 99999999999999999999999s
expect dur_sub_ns		2 'not a whole number of nanoseconds' threshold set 1.5ns
expect dur_sub_ns_deep		2 'not a whole number'		threshold set 0.0000000001s
expect prefix_host_bits		2 'did you mean 10.1.0.0/16\?'	threshold set 20ms --prefix 10.1.2.3/16
expect prefix_host_bits_v6	2 'did you mean fd00::/8\?'	threshold set 20ms --prefix fd00::1/8
expect prefix_host_bits_del	2 'did you mean 192.168.0.0/23\?' threshold del --prefix 192.168.1.0/23
expect prefix_bad_len		2 'expected 0-32'		threshold set 20ms --prefix 10.0.0.0/40
expect prefix_bad_addr		2 'invalid address'		threshold set 20ms --prefix 10.0.0/8
expect thresh_port_zero		2 "invalid port '0'"		threshold set 20ms --port 0
expect thresh_netns_bad		2 'invalid inode number'	threshold del --netns 12x

# Runtime: the family is absent here, so valid requests end in exit 1 with a hint.
if LD_PRELOAD='' "$ctl" stats >/dev/null 2>&1; then
	expect stats_loaded		0 '^marks +[0-9]+$'		stats
	expect stats_loaded_json	0 '^\{"version":".*","stats":\{.*"marks":[0-9]+' stats --json
	for t in mark_not_loaded mark_max_id_not_loaded mark_hex_id_not_loaded \
		 stats_not_loaded stats_json_not_loaded stats_json_not_loaded_quiet \
		 flows_not_loaded flows_json_not_loaded_quiet; do
		skip "$t" "crosslat module is loaded"
	done
	# Read-only requests only: this may run on a real host.
	if LD_PRELOAD='' "$ctl" flows >/dev/null 2>&1; then
		expect flows_loaded		0 '^ *NETNS +LOCAL +REMOTE'	flows --sort age --limit 5
		expect flows_loaded_json	0 '^\['			flows --json
		expect thresh_list_loaded	0 'REMOTE_PREFIX'		threshold list
		skip flows_rtt_not_loaded "crosslat_rtt is loaded"
	else
		expect flows_rtt_not_loaded	1 'crosslat_rtt module not loaded' flows
		expect thresh_list_rtt_not_loaded 1 'modprobe crosslat_rtt'	threshold list --json
	fi
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
	expect flows_not_loaded		1 'crosslat module not loaded'	flows
	expect flows_not_loaded_hint	1 'modprobe -a crosslat crosslat_rtt' flows
	expect flows_json_not_loaded	1 'crosslat module not loaded'	flows --json
	if [ -s "$out" ]; then
		not_ok flows_json_not_loaded_quiet "stdout not empty on error"
	else
		ok flows_json_not_loaded_quiet
	fi
	# Every valid option value gets past argument checking.
	for key in srtt rtt_max app bytes retrans age throughput; do
		expect "flows_sort_${key}_not_loaded" 1 'not loaded'	flows --sort "$key"
	done
	expect flows_filters_not_loaded	1 'not loaded'	flows --json --netns 4026531840 \
					--addr 10.0.0.0/8 --port 443 --sort retrans --limit 5
	expect flows_addr_host_bits_ok	1 'not loaded'	flows --addr 10.1.2.3/16
	expect flows_addr_v6_not_loaded	1 'not loaded'	flows --addr fd00::/8 --port 65535
	expect flows_netns_net_form	1 'not loaded'	flows --netns 'net:[4026531840]'
	if [ -e /proc/self/ns/net ]; then
		expect flows_netns_file_not_loaded 1 'not loaded' flows --netns /proc/self/ns/net
	else
		skip flows_netns_file_not_loaded "no /proc/self/ns/net"
	fi
	for d in 20ms 1.5ms 500us 2s 1ns 3600s .5ms 0.000001ms 1.000000001s; do
		expect "thresh_set_${d}_not_loaded" 1 'not loaded'	threshold set "$d"
	done
	expect thresh_set_selector_not_loaded 1 'not loaded' \
					threshold set 1.5ms --netns 4026531840 --prefix 10.1.0.0/16 --port 5432
	expect thresh_set_prefix0_not_loaded 1 'not loaded'	threshold set 1s --prefix 0.0.0.0/0
	expect thresh_set_host_not_loaded 1 'not loaded'	threshold set 1s --prefix 2001:db8::1
	expect thresh_del_not_loaded	1 'not loaded'		threshold del --port 5432
	expect thresh_del_global_not_loaded 1 'not loaded'	threshold del
	expect thresh_flush_not_loaded	1 'not loaded'		threshold flush
	expect thresh_list_not_loaded	1 'not loaded'		threshold list --json
fi

[ "$failures" -eq 0 ]
