#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# crosslatctl's argument checks (exit 2) and its "module not loaded" answer (exit 1).
#
# TAP-style lines on stdout (see run.sh). Without the module (this host), `mark`, `stats`,
# `flows`, `threshold` and `map` must fail with exit 1 and a hint to load it; with the
# module loaded those cases are skipped and the read-only commands must succeed instead.
# Valid arguments of the flows, threshold and map commands are checked to get past
# argument checking: exit 1 without the module, never 2. `map`'s output (table, JSON,
# filters, de-duplication, errors) is checked against a fake family preloaded into
# crosslatctl, built here when cc and libmnl's headers are available.
set -e -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=${CROSSLATCTL:-$top/build/userspace/crosslatctl}

failures=0
out=$(mktemp)
err=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$tmp"' EXIT
# Set by fake_expect(): the library to preload into crosslatctl, and its scenario.
preload=''
fake_map=

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
	LD_PRELOAD=$preload CROSSLAT_FAKE_MAP=$fake_map "$ctl" "$@" >"$out" 2>"$err" || rc=$?
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

# map: help, usage errors and TUPLE syntax.
expect help_map			0 'map \[--json\] \[--inner TUPLE\] \[--outer TUPLE\] \[--netns NS\] \[--tunnel vxlan\|geneve\|ipip\|nat\] \[--limit N\]' --help
expect help_tuple_grammar	0 'TUPLE +\[PROTO/\]SRC>DST'	help
expect help_tuple_any		0 "'\*>10\.244\.2\.3:8080'"	help
expect help_map_examples	0 "map --outer '192\.168\.100\.1>192\.168\.100\.2:4789'" --help
expect help_map_json_schema	0 'vni \(null for ipip and nat\), inner and outer \(tuples\), pod,' --help
expect map_extra_arg		2 'usage: crosslatctl map'	map now
expect map_no_sort		2 'map: --sort is not an option' map --sort srtt
expect map_no_port		2 'map: --port is not an option' map --port 80
expect map_no_addr		2 'map: --addr is not an option' map --addr 10.0.0.0/8
expect flows_no_inner		2 'flows: --inner is not an option' flows --inner '>'
expect thresh_no_outer		2 'threshold: --outer is not an option' threshold list --outer '>'
expect stats_no_tunnel		2 'stats: --tunnel is not an option' stats --tunnel vxlan
expect map_tunnel_unknown	2 "unknown type 'gre' \(vxlan, geneve, ipip or nat\)" map --tunnel gre
expect map_tunnel_case		2 'unknown type'		map --tunnel VXLAN
expect map_tunnel_missing	2 "option '--tunnel' needs a value" map --tunnel
expect map_inner_missing	2 "option '--inner' needs a value" map --inner
expect map_inner_twice		2 "'--inner' given twice"	map --inner '>' --inner '*>*'
expect map_limit_zero		2 "invalid count '0'"		map --limit 0
expect map_netns_bad		2 'invalid inode number'	map --netns 0

# tuple_error NAME PATTERN TUPLE: --inner TUPLE is refused with exit 2 and PATTERN.
tuple_error() {
	expect "tuple_$1" 2 "--inner: invalid TUPLE '.*': (SRC: |DST: )?$2" map --inner "$3"
}
tuple_error empty		'it is empty'				''
tuple_error no_gt		"missing '>' between SRC and DST"	'10.0.0.1'
tuple_error unquoted_gt		"missing '>' between SRC and DST \(quote the TUPLE: the shell takes > for a redirection\)" \
								'tcp/10.244.1.2:40000'
tuple_error two_gt		"more than one '>'"			'10.0.0.1>10.0.0.2>10.0.0.3'
tuple_error proto_unknown	"unknown protocol 'foo'"		'foo/>'
tuple_error proto_case		"unknown protocol 'TCP'"		'TCP/>'
tuple_error proto_big		"unknown protocol '256'"		'256/>'
tuple_error proto_empty		"unknown protocol ''"			'/10.0.0.1>*'
tuple_error proto_negative	'unknown protocol'			'-1/>'
tuple_error prefix		'address prefixes \(ADDR/LEN\) are not supported' '10.0.0.0/8>*'
tuple_error proto_and_prefix	'address prefixes'			'tcp/10.0.0.0/8>*'
tuple_error prefix_dst		'address prefixes'			'*>10.244.0.0/16'
tuple_error prefix_v6		'address prefixes'			'fd00::/64>*'
tuple_error prefix_bracket	'address prefixes'			'[fd00::]/64:80>*'
tuple_error addr_short		"SRC: '10\.0\.0' is not an IPv4 or IPv6 address" '10.0.0>*'
tuple_error addr_octet		"DST: '10\.0\.0\.256' is not an IPv4"	'*>10.0.0.256'
tuple_error addr_word		"'pod-a' is not an IPv4 or IPv6 address" 'pod-a>pod-b'
tuple_error addr_space		"' 10\.0\.0\.1' is not an IPv4"		' 10.0.0.1>*'
tuple_error addr_tilde		"'~10\.0\.0\.2' is not an IPv4"		'10.0.0.1>~10.0.0.2'
tuple_error v6_bad		"'fd00::1::80' is not an IPv6 address \(with a port, put the address in brackets" \
								'fd00::1::80>*'
tuple_error v6_unclosed		"SRC '\[fd00::1' lacks the closing '\]'" '[fd00::1>*'
tuple_error v6_unclosed_dst	"DST '\[fd00::2:80' lacks"		'*>[fd00::2:80'
tuple_error v6_bracket_v4	"'10\.0\.0\.1' inside \[ \] is not an IPv6 address" '[10.0.0.1]:80>*'
tuple_error v6_bracket_any	"'\*' inside \[ \] is not an IPv6 address" '[*]:80>*'
tuple_error v6_after_bracket	"expected ':PORT' or nothing after '\]'" '[fd00::1]80>*'
tuple_error port_zero		"SRC: invalid port '0': expected 1-65535 or \*" '10.0.0.1:0>*'
tuple_error port_big		"DST: invalid port '65536'"		'*>10.0.0.2:65536'
tuple_error port_word		"invalid port 'http'"			'*>:http'
tuple_error port_empty		"invalid port ''"			'10.0.0.1:>*'
tuple_error port_negative	"invalid port '-1'"			'10.0.0.1:-1>*'
tuple_error port_v6_empty	"invalid port ''"			'[fd00::1]:>*'
tuple_error port_range		"invalid port '80-90'"			'*>:80-90'
tuple_error families		'SRC and DST addresses are of different families' '10.0.0.1>[fd00::1]:80'
tuple_error too_long		'SRC is too long'			"$(printf '1%.0s' {1..80})>*"
expect tuple_outer_named	2 "--outer: invalid TUPLE 'x'"	map --outer x
expect tuple_grammar_hint	2 "TUPLE is \[PROTO/\]SRC\[:PORT\]>DST\[:PORT\], e\.g\. 'tcp/10\.244\.1\.2:40000>10\.244\.2\.3:8080'" \
				map --inner '>>'

# metrics apply FILE: a wrong file is refused before anything is asked of the module.
printf '# comment\nweb runq,bogus\n' >"$tmp/bad-metric.conf"
printf 'web runq\n\n  web   faults  # again\n' >"$tmp/dup.conf"
printf 'web runq sample=0\n' >"$tmp/bad-sample.conf"
printf 'web runq sample=5 extra\n' >"$tmp/extra.conf"
printf 'web\n' >"$tmp/no-metric.conf"
printf 'crosslat-no-such-cgroup runq\n' >"$tmp/no-cgroup.conf"
expect metrics_apply_bad_metric	2 'bad-metric.conf:2: .runq,bogus.: expected metric names' metrics apply "$tmp/bad-metric.conf"
expect metrics_apply_dup	2 'dup.conf:3: web already configured on line 1' metrics apply "$tmp/dup.conf"
expect metrics_apply_bad_sample	2 'bad-sample.conf:1: .sample=0.: expected sample=N' metrics apply "$tmp/bad-sample.conf"
expect metrics_apply_extra	2 'extra.conf:1: expected PATH METRIC' metrics apply "$tmp/extra.conf"
expect metrics_apply_no_metric	2 'no-metric.conf:1: expected PATH METRIC' metrics apply "$tmp/no-metric.conf"
expect metrics_apply_no_cgroup	2 'no-cgroup.conf:1: crosslat-no-such-cgroup: not a cgroup v2 directory' metrics apply "$tmp/no-cgroup.conf"
expect metrics_apply_no_file	2 'no-such.conf: No such file' metrics apply "$tmp/no-such.conf"
expect metrics_apply_two_files	2 'takes one FILE'		metrics apply "$tmp/dup.conf" "$tmp/dup.conf"
expect metrics_apply_sample_opt	2 'takes one FILE'		metrics apply "$tmp/dup.conf" --sample 5
expect metrics_dry_run_alone	2 '--dry-run goes with apply'	metrics set web runq --dry-run

# Runtime: the family is absent here, so valid requests end in exit 1 with a hint.
if LD_PRELOAD='' "$ctl" stats >/dev/null 2>&1; then
	expect stats_loaded		0 '^marks +[0-9]+$'		stats
	expect stats_loaded_json	0 '^\{"version":".*","stats":\{.*"marks":[0-9]+' stats --json
	for t in mark_not_loaded mark_max_id_not_loaded mark_hex_id_not_loaded \
		 stats_not_loaded stats_json_not_loaded stats_json_not_loaded_quiet \
		 flows_not_loaded flows_json_not_loaded_quiet map_not_loaded \
		 map_json_not_loaded_quiet; do
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
	if LD_PRELOAD='' "$ctl" map >/dev/null 2>&1; then
		expect map_loaded		0 '^ *NETNS +DIR +TUNNEL +VNI +INNER +OUTER' map --limit 5
		expect map_loaded_json		0 '^\['			map --json
	else
		expect map_mod_not_loaded	1 'map: crosslat_map module not loaded' map --json
		expect map_mod_not_loaded_hint	1 'modprobe crosslat_map'	map
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
	expect map_not_loaded		1 'crosslat module not loaded'	map
	expect map_not_loaded_hint	1 'modprobe -a crosslat crosslat_map' map
	expect map_json_not_loaded	1 'crosslat module not loaded'	map --json
	if [ -s "$out" ]; then
		not_ok map_json_not_loaded_quiet "stdout not empty on error"
	else
		ok map_json_not_loaded_quiet
	fi
	# Every TUPLE form the help shows gets past argument checking.
	i=0
	for t in '>' '*>*' 'tcp/>' '*/*>*' '6/>' '255/>' 'icmpv6/>' 'sctp/>' 'gre/>' 'ipip/>' \
		 'ipv6/>' 'tcp/10.244.1.2:40000>10.244.2.3:8080' '192.168.100.1>192.168.100.2:4789' \
		 '[fd00::1]:80>[fd00::2]:5000' '*>10.244.2.3:8080' '>10.244.2.3:8080' \
		 '10.244.1.2>' 'udp/>:4789' '*:40000>*:*' 'fd00::1>fd00::2' '::1>::' \
		 '[fd00::1]>[fd00::2]' '[::ffff:10.0.0.1]:1>*' '10.0.0.1:65535>10.0.0.2:1'; do
		i=$((i + 1))
		expect "map_tuple_${i}_not_loaded" 1 'not loaded'	map --inner "$t"
	done
	expect map_filters_not_loaded	1 'not loaded'	map --json --inner 'tcp/>10.0.0.2:80' \
					--outer 'udp/>:4789' --netns 4026531840 --tunnel vxlan --limit 5
	for t in vxlan geneve ipip nat; do
		expect "map_tunnel_${t}_not_loaded" 1 'not loaded'	map --tunnel "$t"
	done
fi

# map against a fake "crosslat" family: a preloaded library stands in for the kernel's
# netlink socket (socket, bind, getsockname, setsockopt, send) and answers MAP_GET with
# six mappings (five tunnel ones, one NAT; three with their pod), one of them twice (the second copy older, in another datagram), or, by
# CROSSLAT_FAKE_MAP: eopnotsupp (crosslat_map not loaded), bad (a VXLAN mapping without
# its VNI), intr (every dump flagged inconsistent). Other commands get EOPNOTSUPP.
fake_so=$tmp/fake_genl.so
fake_tests="map_fake_table map_fake_rows map_fake_aligned map_fake_order map_fake_row
	map_fake_last_seen map_fake_json map_fake_json_valid map_fake_json_keys
	map_fake_json_tuple_keys map_fake_json_values map_fake_dedupe map_fake_filters
	map_fake_round_trip map_fake_not_loaded map_fake_not_loaded_json_quiet
	map_fake_bad_reply map_fake_intr flows_fake_rtt_not_loaded"
read -ra mnl_flags <<<"$(pkg-config --cflags --libs libmnl 2>/dev/null || echo -lmnl)"
if ! command -v cc >/dev/null ||
   ! echo '#include <libmnl/libmnl.h>' | cc -E -x c - >/dev/null 2>&1; then
	skip map_fake_build "no cc or no libmnl headers"
	for t in $fake_tests; do
		skip "$t" "no cc or no libmnl headers"
	done
elif ! cc -shared -fPIC -Wall -Werror -o "$fake_so" "$here/fake_genl.c" \
	-I"$top/kmod/include/uapi" "${mnl_flags[@]}" -ldl 2>"$err"
then
	: >"$out"
	not_ok map_fake_build "the fake netlink family does not build"
	for t in $fake_tests; do
		skip "$t" "the fake netlink family does not build"
	done
else
	ok map_fake_build
	# fake SCENARIO ARGS...: crosslatctl ARGS against the fake family; status in $rc.
	fake() {
		local scenario=$1
		shift
		rc=0
		LD_PRELOAD=$fake_so CROSSLAT_FAKE_MAP=$scenario "$ctl" "$@" >"$out" 2>"$err" || rc=$?
	}
	# fake_expect SCENARIO NAME STATUS PATTERN ARGS...: expect against the fake family.
	fake_expect() {
		local preload=$fake_so fake_map=$1
		shift
		expect "$@"
	}
	# check NAME WHY CMD...: ok if CMD succeeds.
	check() {
		local name=$1 why=$2
		shift 2
		if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi
	}
	rows() { tail -n +2 "$out" | wc -l; }
	# json_is FILTER: jq FILTER on $out is true.
	json_is() { jq -e "$1" "$out" >/dev/null; }

	fake_expect data map_fake_table 0 \
		'^ +NETNS  DIR    TUNNEL  VNI  INNER +OUTER +POD +PACKETS +BYTES +AGE +LAST_SEEN$' map
	check map_fake_rows "6 mappings expected (one of 7 entries repeats)" [ "$(rows)" -eq 6 ]
	check map_fake_aligned "rows of unequal widths" \
		[ "$(awk '{ print length }' "$out" | sort -u | wc -l)" -eq 1 ]
	check map_fake_order "most recently seen first" \
		grep -qE '^ *4026531840 +encap +geneve +7 +udp/\[fd00::1\]:5353>\[fd00::2\]:53 ' \
		<(sed -n 2p "$out")
	fake_expect data map_fake_row 0 \
		'^ *4026531840  encap  ipip +-  icmp/10\.244\.1\.2>10\.244\.3\.4 +ipip/192\.168\.100\.1>192\.168\.100\.3 +- +100 +8\.4MB +[0-9a-z]+ +2m0[0-9]s ago$' \
		map
	fake_expect data map_fake_last_seen 0 \
		'^ *4026532000  decap  ipip +-  tcp/\[fd00::1\]:80>\[fd00::2\]:5000  ipv6/192\.168\.100\.3>192\.168\.100\.1 +- +7 +1\.2kB +[0-9a-z.]+ +1\.[5-9]s ago$' \
		map --netns 4026532000

	fake data map --json
	check map_fake_json "map --json exited $rc" [ "$rc" -eq 0 ]
	if command -v python3 >/dev/null; then
		check map_fake_json_valid "not valid JSON" python3 -m json.tool "$out" /dev/null
	elif command -v jq >/dev/null; then
		check map_fake_json_valid "not valid JSON" jq empty "$out"
	else
		skip map_fake_json_valid "neither python3 nor jq"
	fi
	if command -v jq >/dev/null; then
		check map_fake_json_keys "keys differ" json_is \
			'map(keys_unsorted) | unique == [["netns_inum","netns_cookie","dir","tunnel","nat","vni","inner","outer","pod","first_ns","last_ns","packets","bytes"]]'
		check map_fake_json_tuple_keys "tuple keys differ" json_is \
			'[.[] | .inner, .outer | keys_unsorted] | unique == [["family","proto","saddr","sport","daddr","dport"]]'
		check map_fake_json_values "values differ" json_is '
			length == 6 and all(.[]; .first_ns <= .last_ns) and
			(.[] | select(.tunnel == "ipip" and .dir == "encap") |
			 .vni == null and .netns_cookie == 1 and .packets == 100 and .bytes == 8400000 and
			 .inner == {family: "ipv4", proto: "icmp", saddr: "10.244.1.2", sport: null,
				    daddr: "10.244.3.4", dport: null} and
			 .outer == {family: "ipv4", proto: "ipip", saddr: "192.168.100.1", sport: null,
				    daddr: "192.168.100.3", dport: null}) and
			(.[] | select(.tunnel == "geneve") | .vni == 7 and .inner.family == "ipv6" and
			 .inner.proto == "udp" and .inner.saddr == "fd00::1" and
			 .outer.daddr == "2001:db8::2" and .outer.dport == 6081) and
			(.[] | select(.tunnel == "ipip" and .dir == "decap") | .outer.proto == "ipv6" and
			 .inner.proto == "tcp" and .netns_inum == 4026532000 and .pod == null) and
			(.[] | select(.dir == "nat") | .tunnel == null and .nat == "dnat" and
			 .vni == null and .inner.daddr == "10.96.0.10" and .inner.dport == 80 and
			 .outer.saddr == "10.244.2.3" and .outer.sport == 8080 and
			 .pod == {netns_inum: 4026532100, netns_cookie: 100, cgroup_id: 987654321,
				  cgroup: null, pid: 813, comm: "wget"}) and
			(.[] | select(.tunnel == "vxlan" and .dir == "encap") | .pod.pid == 812 and
			 .pod.comm == "curl" and .nat == null) and
			(.[] | select(.tunnel == "vxlan" and .dir == "decap") | .pod.pid == null and
			 .pod.comm == null and .pod.netns_inum == 4026532100)'
		check map_fake_dedupe "the newer copy of the repeated mapping expected" json_is \
			'[.[] | select(.inner.sport == 40000)] | length == 1 and .[0].packets == 10 and
			 .[0].outer.sport == 51234 and .[0].dir == "encap"'

		# filter_count EXPECTED ARGS...: map --json ARGS lists EXPECTED mappings.
		filter_failures=0
		filter_count() {
			local want=$1 got
			shift
			fake data map --json "$@"
			got=$(jq length "$out" 2>/dev/null || echo "exit $rc")
			if [ "$got" != "$want" ]; then
				echo "# map --json $*: $got mappings, expected $want" >&2
				filter_failures=$((filter_failures + 1))
			fi
		}
		filter_count 1 --outer '192.168.100.1>192.168.100.2:4789'
		filter_count 1 --outer 'udp/192.168.100.1:51234>192.168.100.2:4789'
		filter_count 0 --outer 'udp/192.168.100.1:50000>192.168.100.2:4789'	# older copy
		filter_count 2 --outer 'udp/>:4789'
		filter_count 1 --outer 'ipv6/>' --tunnel ipip	# IPv6 in IPv4
		filter_count 1 --outer 'ipip/>'
		filter_count 1 --outer '4/192.168.100.1>192.168.100.3'
		filter_count 1 --outer '[2001:db8::1]:12345>[2001:db8::2]:6081'
		filter_count 1 --outer '2001:db8::1>*'
		filter_count 1 --inner '*>10.244.2.3:8080'
		filter_count 1 --inner '>10.244.2.3:8080'
		filter_count 1 --inner 'tcp/10.244.1.2:40000>10.244.2.3:8080'
		filter_count 0 --inner 'udp/10.244.1.2:40000>10.244.2.3:8080'
		filter_count 0 --inner '10.244.2.3:8080>10.244.1.2:40000' --tunnel ipip
		filter_count 4 --inner 'tcp/>'
		filter_count 4 --inner '6/*>*'
		filter_count 1 --inner '17/>'
		filter_count 1 --inner '*:40000>*'
		filter_count 1 --inner ':8080>'
		filter_count 0 --inner 'icmp/*:1>*'		# no ports: never matches a port
		filter_count 1 --inner 'icmp/>'
		filter_count 2 --inner 'fd00::1>fd00::2'
		filter_count 1 --inner '[fd00::1]:80>[fd00::2]:5000'
		filter_count 1 --inner '[fd00::1]:*>[fd00::2]:5000'
		filter_count 0 --inner '[fd00::2]:5000>[fd00::1]:80'	# the other direction
		filter_count 6 --inner '>'
		filter_count 6 --inner '*/*>*' --outer '*>*'
		filter_count 2 --tunnel vxlan
		filter_count 1 --tunnel geneve
		filter_count 2 --tunnel ipip
		filter_count 1 --tunnel nat
		filter_count 1 --inner '>10.96.0.10:80'			# which backend serves the VIP
		filter_count 1 --outer 'tcp/10.244.2.3:8080>*'
		filter_count 1 --netns 4026532000
		filter_count 5 --netns 'net:[4026531840]'
		filter_count 0 --netns 1
		filter_count 2 --limit 2
		filter_count 1 --inner '10.244.1.2>*' --tunnel vxlan --limit 1
		fake data map --json --limit 3
		json_is 'length == 3 and .[0].last_ns >= .[1].last_ns and .[1].last_ns >= .[2].last_ns' ||
			{ echo "# map --json --limit 3: not the 3 most recent, in order" >&2
			  filter_failures=$((filter_failures + 1)); }
		fake data map --json --tunnel vxlan --inner 'udp/>'
		[ "$(cat "$out")" = "[]" ] ||
			{ echo "# no mapping: expected []" >&2; filter_failures=$((filter_failures + 1)); }
		check map_fake_filters "$filter_failures filter checks failed" [ "$filter_failures" -eq 0 ]
	else
		for t in map_fake_json_keys map_fake_json_tuple_keys map_fake_json_values \
			 map_fake_dedupe map_fake_filters; do
			skip "$t" "no jq"
		done
	fi

	# Every tuple map prints, given back to --inner or --outer, finds its mapping.
	round_failures=0
	fake data map
	while read -r _ _ _ _ inner outer _; do
		for f in "--inner=$inner" "--outer=$outer"; do
			n=$(LD_PRELOAD=$fake_so "$ctl" map "$f" | tail -n +2 | wc -l)
			if [ "$n" -ne 1 ]; then
				echo "# map $f: $n rows, expected 1" >&2
				round_failures=$((round_failures + 1))
			fi
		done
	done < <(tail -n +2 "$out")
	check map_fake_round_trip "$round_failures printed tuples did not parse back" \
		[ "$round_failures" -eq 0 ]

	fake_expect eopnotsupp map_fake_not_loaded 1 \
		'^crosslatctl: map: crosslat_map module not loaded \(the kernel answered: Operation not supported\)' \
		map --json
	if [ -s "$out" ]; then
		not_ok map_fake_not_loaded_json_quiet "stdout not empty on error"
	else
		ok map_fake_not_loaded_json_quiet
	fi
	fake_expect bad map_fake_bad_reply 1 'map: unexpected reply from the kernel' map
	fake_expect intr map_fake_intr 1 'map: the kernel.s table kept changing during the dump' map
	fake_expect data flows_fake_rtt_not_loaded 1 'flows: crosslat_rtt module not loaded' flows
fi

[ "$failures" -eq 0 ]
