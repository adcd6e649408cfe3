#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# crosslat-analyze end to end on a real CTF trace (tests/data/traces/rtt-netem, recorded by
# the t_rtt_lttng VM scenario), its answers checked against babeltrace2's own decode of the
# same trace: events per name, time span, each flow's latest crosslat_rtt_flow_stats, the
# alerts in order; then trace discovery in a session directory, errors, and (when valgrind
# is installed) no leak.
#
# TAP-style lines on stdout (see run); diagnostics on stderr.
# Environment: ANALYZE (the binary), ANALYZE_FIXTURE (another trace), CROSSLAT_VALGRIND=0
# (skip the valgrind run).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${ANALYZE:-$top/build/analyze/crosslat-analyze}
fixture=${ANALYZE_FIXTURE:-$top/tests/data/traces/rtt-netem}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err

ok() { echo "ok - e2e_$1"; }
skip() { echo "ok - e2e_$1 # SKIP $2"; }
not_ok() {
	echo "not ok - e2e_$1"
	echo "# $2" >&2
	[ -s "$out" ] && head -n 20 "$out" | sed 's/^/#   stdout: /' >&2
	[ -s "$err" ] && head -n 20 "$err" | sed 's/^/#   stderr: /' >&2
	return 0
}
# check NAME WHY CMD...: ok when CMD succeeds.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi
}
# run ARGS...: crosslat-analyze ARGS into $out and $err; returns its status.
run() { "$bin" "$@" >"$out" 2>"$err"; }

if [ ! -x "$bin" ]; then
	echo "not ok - e2e_binary_present"
	echo "# $bin not built (make -C analyze)" >&2
	exit 1
fi
for tool in babeltrace2 jq perl; do
	if ! command -v $tool >/dev/null; then
		skip all "$tool not installed"
		exit 4
	fi
done
if [ ! -f "$fixture/kernel/metadata" ] && [ ! -f "$fixture/metadata" ]; then
	echo "not ok - e2e_fixture_present"
	echo "# no CTF trace at $fixture" >&2
	exit 1
fi

# ---- the reference: babeltrace2's decode, one event per line as "NAME ts=NS k=v ..." with
# arrays of bytes as dotted bytes (laddr=0.0.0.0.0.0.0.0.0.0.255.255.10.9.0.1).
babeltrace2 --clock-seconds --no-delta "$fixture" >"$tmp/bt.txt" 2>"$tmp/bt.err" || {
	echo "not ok - e2e_babeltrace2_decodes"
	sed 's/^/# /' "$tmp/bt.err" >&2
	exit 1
}
perl -ne '
	next unless /^\[(\d+)\.(\d+)\] (?:\S+ )?(\S+): \{/;
	my ($s, $f, $n) = ($1, $2, $3);
	s/(\w+) = \[ ((?:\[\d+\] = \d+(?:, )?)*) \]/"$1 = " . join(".", ($2 =~ m{\] = (\d+)}g))/ge;
	my @kv = /(\w+) = ([\w.]+)/g;
	my @pairs;
	push @pairs, shift(@kv) . "=" . shift(@kv) while @kv;
	print "$n ts=$s$f @pairs\n";
' "$tmp/bt.txt" >"$tmp/ref.txt"
# A flow's key in both worlds: cookie/laddr:lport/raddr:rport with dotted IPv4.
refkey() {
	perl -ne '
		my %h = /(\w+)=(\S+)/g;
		my ($l, $r) = map { my @b = split /\./; join(".", @b[12..15]) } @h{qw(laddr raddr)};
		print "$h{netns_cookie}/$l:$h{lport}/$r:$h{rport}\n";
	'
}
# Field K of each line on stdin.
field() { grep -oE " $1=[0-9]+" | cut -d= -f2; }

nref=$(wc -l <"$tmp/ref.txt")
[ "$nref" -gt 0 ] || { echo "not ok - e2e_fixture_has_events"; exit 1; }

# ---- summary ----------------------------------------------------------------------------
if run summary --json "$fixture" && [ "$(jq -s length "$out")" = 1 ]; then
	ok summary_json_one_document
	cp "$out" "$tmp/summary.json"
else
	not_ok summary_json_one_document "summary --json is not one JSON document"
	echo '{}' >"$tmp/summary.json"
fi

awk '{ print $1 }' "$tmp/ref.txt" | sort | uniq -c |
	jq -R -s -S 'split("\n") | map(select(length > 0) | capture(" *(?<n>[0-9]+) (?<k>.+)")) |
		map({(.k): (.n | tonumber)}) | add // {}' >"$tmp/want-names.json"
jq -S '.events_by_name' "$tmp/summary.json" >"$tmp/got-names.json"
check summary_events_per_name "events per name differ from babeltrace2's" \
	diff "$tmp/want-names.json" "$tmp/got-names.json"

total=$(jq '.events' "$tmp/summary.json")
per_trace=$(jq '[.traces[].events] | add' "$tmp/summary.json")
check summary_event_total "events $total (per trace $per_trace) != babeltrace2's $nref" \
	test "$total:$per_trace" = "$nref:$nref"

# Trace times are beyond 2^53: compare the digits, not jq's doubles.
json_int() { grep -oE "\"$1\":[0-9]+" "$2" | cut -d: -f2; }
first=$(head -n1 "$tmp/ref.txt" | awk '{ print $2 }' | cut -d= -f2)
last=$(tail -n1 "$tmp/ref.txt" | awk '{ print $2 }' | cut -d= -f2)
got=$(json_int first_ns "$tmp/summary.json"):$(json_int last_ns "$tmp/summary.json")
check summary_time_span "first:last event time $got differ from babeltrace2's $first:$last" \
	test "$got" = "$first:$last"

discarded=$(grep -oE 'discarded [0-9]+ event' "$tmp/bt.err" |
	awk '{ n += $2 } END { print n + 0 }')
check summary_discarded "discarded events differ from babeltrace2's warnings ($discarded)" \
	test "$(jq '[.traces[].discarded_events] | add' "$tmp/summary.json")" = "$discarded"

if run summary "$fixture" && [ ! -s "$err" ] && grep -q "^events  $nref\$" "$out" &&
	grep -qE '^ +[0-9]+  crosslat_rtt_flow_stats$' "$out"; then
	ok summary_text
else
	not_ok summary_text "summary text: exit, stderr or content unexpected"
fi

# ---- flows ------------------------------------------------------------------------------
run flows --json "$fixture" && cp "$out" "$tmp/flows.json" || echo '[]' >"$tmp/flows.json"
check flows_json_one_document "flows --json is not one JSON array" \
	test "$(jq -s 'length == 1 and (.[0] | type) == "array"' "$tmp/flows.json")" = true

grep -E '^crosslat_rtt_(flow_stats|alert) ' "$tmp/ref.txt" | refkey | sort -u >"$tmp/want-keys"
jq -r '.[] | "\(.netns_cookie)/\(.laddr):\(.lport)/\(.raddr):\(.rport)"' "$tmp/flows.json" |
	sort >"$tmp/got-keys"
check flows_one_per_flow "the flows differ from babeltrace2's distinct flow tuples" \
	diff "$tmp/want-keys" "$tmp/got-keys"

nstats=$(grep -c '^crosslat_rtt_flow_stats ' "$tmp/ref.txt")
nalerts=$(grep -c '^crosslat_rtt_alert ' "$tmp/ref.txt")
got=$(jq -r '"\([.[].stats_events] | add // 0)/\([.[].alert_events] | add // 0)"' "$tmp/flows.json")
check flows_event_counts "stats_events/alert_events sums $got differ from $nstats/$nalerts" \
	test "$got" = "$nstats/$nalerts"

# The data flow of the scenario (iperf3 --cport 45400): the figures of its last flow_stats.
fields="bytes_out bytes_in srtt_ns rtt_min_ns rtt_max_ns rtt_samples retrans_segs thresh_ns"
last45400=$(grep '^crosslat_rtt_flow_stats ' "$tmp/ref.txt" | grep ' lport=45400 ' | tail -n1)
want=$(for k in $fields; do echo "$k=$(echo "$last45400" | field "$k")"; done)
got=$(for k in $fields; do
	echo "$k=$(jq ".[] | select(.lport == 45400) | .$k" "$tmp/flows.json")"
done)
if [ -n "$last45400" ] && [ "$want" = "$got" ]; then
	ok flows_lport_45400_last_stats
else
	not_ok flows_lport_45400_last_stats "want $(echo "$want" | tr '\n' ' '), got $got"
fi

# Every flow: bytes_out and srtt_ns of its last flow_stats (each stats line with its key).
bad=0
grep '^crosslat_rtt_flow_stats ' "$tmp/ref.txt" >"$tmp/ref-stats"
refkey <"$tmp/ref-stats" >"$tmp/ref-stats-keys"
paste -d' ' "$tmp/ref-stats" "$tmp/ref-stats-keys" >"$tmp/ref-stats-keyed"
while read -r key; do
	line=$(awk -v k="$key" '$NF == k' "$tmp/ref-stats-keyed" | tail -n1)
	[ -n "$line" ] || continue
	w="$(echo "$line" | field bytes_out)/$(echo "$line" | field srtt_ns)"
	g=$(jq -r --arg k "$key" '.[] |
		select("\(.netns_cookie)/\(.laddr):\(.lport)/\(.raddr):\(.rport)" == $k) |
		"\(.bytes_out)/\(.srtt_ns)"' "$tmp/flows.json")
	[ "$w" = "$g" ] || { echo "# flow $key: want $w, got $g" >&2; bad=1; }
done <"$tmp/want-keys"
check flows_each_last_stats "a flow's bytes_out/srtt_ns differ from its last flow_stats" \
	test $bad = 0

check flows_sorted_srtt "default order is not by srtt_ns, largest first" \
	test "$(jq '[.[].srtt_ns] | . == (sort | reverse)' "$tmp/flows.json")" = true
run flows --json --sort bytes "$fixture"
check flows_sorted_bytes "--sort bytes is not by bytes_out + bytes_in, largest first" \
	test "$(jq '[.[] | .bytes_out + .bytes_in] | . == (sort | reverse)' "$out")" = true
run flows --json --sort time "$fixture"
check flows_sorted_time "--sort time is not by first event, oldest first" \
	test "$(jq '[.[].event_first_ns] | . == sort' "$out")" = true
run flows --json --limit 2 "$fixture"
check flows_limit_json "--limit 2 did not give 2 flows" test "$(jq length "$out")" = 2
if run flows --limit 2 "$fixture" && [ "$(wc -l <"$out")" = 3 ] && [ ! -s "$err" ] &&
	head -n1 "$out" | grep -q '^ *NETNS  LOCAL  *REMOTE  *SRTT_MS'; then
	ok flows_text
else
	not_ok flows_text "flows --limit 2: not a header and 2 rows"
fi

# ---- alerts -----------------------------------------------------------------------------
run alerts --json "$fixture" && cp "$out" "$tmp/alerts.json" || echo '[]' >"$tmp/alerts.json"
grep '^crosslat_rtt_alert ' "$tmp/ref.txt" | perl -ne '
	my %h = /(\w+)=(\S+)/g;
	print "$h{lport} $h{rport} $h{srtt_ns} $h{rtt_ns} $h{thresh_ns}\n"' >"$tmp/want-alerts"
jq -r '.[] | "\(.lport) \(.rport) \(.srtt_ns) \(.rtt_ns) \(.thresh_ns)"' "$tmp/alerts.json" \
	>"$tmp/got-alerts"
check alerts_vs_babeltrace "the alerts (in order) differ from babeltrace2's" \
	diff "$tmp/want-alerts" "$tmp/got-alerts"
check alerts_srtt_above_threshold "an alert without srtt_ns > thresh_ns" \
	test "$(jq 'length > 0 and all(.[]; .srtt_ns > .thresh_ns)' "$tmp/alerts.json")" = true
grep '^crosslat_rtt_alert ' "$tmp/ref.txt" | awk '{ print $2 }' | cut -d= -f2 >"$tmp/want-ts"
grep -oE '"time_ns":[0-9]+' "$tmp/alerts.json" | cut -d: -f2 >"$tmp/got-ts"
check alerts_times "alert times differ from babeltrace2's" diff "$tmp/want-ts" "$tmp/got-ts"
if run alerts --limit 1 "$fixture" && [ "$(wc -l <"$out")" = 2 ] && [ ! -s "$err" ]; then
	ok alerts_text
else
	not_ok alerts_text "alerts --limit 1: not a header and 1 row"
fi

# ---- map (the fixture has no crosslat_map events) ----------------------------------------
nmap=$(grep -cE '^crosslat_map_(add|del) ' "$tmp/ref.txt")
if run map --json "$fixture" && [ "$(jq length "$out")" = "$nmap" ] &&
	run map "$fixture" && [ "$(wc -l <"$out")" = $((nmap + 1)) ]; then
	ok map_matches_babeltrace
else
	not_ok map_matches_babeltrace "map: not $nmap mappings"
fi

# ---- discovery: an LTTng output directory holding two hosts' traces ---------------------
mkdir -p "$tmp/session/host-a" "$tmp/session/host-b/ust"
cp -r "$fixture"/. "$tmp/session/host-a/"
cp -r "$fixture"/. "$tmp/session/host-b/"
if run summary --json "$tmp/session" && [ "$(jq '.traces | length' "$out")" = 2 ] &&
	[ "$(jq '.events' "$out")" = $((2 * nref)) ]; then
	ok discovery_session_dir
else
	not_ok discovery_session_dir "a directory of two traces: not 2 traces, $((2 * nref)) events"
fi
nflows=$(wc -l <"$tmp/want-keys")
if run flows --json "$tmp/session" && [ "$(jq length "$out")" = $((2 * nflows)) ] &&
	[ "$(jq '[.[].trace] | unique | length' "$out")" = 2 ] &&
	run flows "$tmp/session" && head -n1 "$out" | grep -q '^HOST '; then
	ok discovery_flows_per_trace
else
	not_ok discovery_flows_per_trace "the same flows in two traces must be two rows each"
fi
kdir=$(find "$tmp/session/host-a" -name metadata -printf '%h\n' | head -n1)
if run summary --json "$tmp/session" "$kdir" "$kdir/metadata" &&
	[ "$(jq '.traces | length' "$out")" = 2 ]; then
	ok discovery_no_duplicates
else
	not_ok discovery_no_duplicates "a trace named twice was read twice"
fi

# ---- errors -----------------------------------------------------------------------------
mkdir -p "$tmp/empty" "$tmp/bad"
echo 'not CTF' >"$tmp/bad/metadata"
echo 'xx' >"$tmp/bad/stream_0"
bad=0
# expect STATUS PATTERN ARGS...: crosslat-analyze ARGS exits STATUS, prints PATTERN (grep -E).
expect() {
	local want=$1 pattern=$2 rc=0
	shift 2
	run "$@" || rc=$?
	if [ $rc != "$want" ] || ! cat "$out" "$err" | grep -qE -- "$pattern"; then
		echo "# crosslat-analyze $*: exit $rc (want $want), /$pattern/ expected" >&2
		bad=1
	fi
}
expect 1 'No such file' summary "$tmp/nonexistent"
expect 1 'no CTF trace' flows "$tmp/empty"
expect 1 'cannot read the CTF trace' flows "$tmp/bad"
expect 2 "unknown command 'bogus'" bogus "$fixture"
expect 2 'not an option of this command' alerts --sort srtt "$fixture"
expect 2 'whole number' flows --limit x "$fixture"
expect 2 'unknown KEY' flows --sort nope "$fixture"
expect 2 'missing TRACE' flows
expect 0 EXAMPLES --help
check errors_exit_status "exit statuses or messages of bad invocations" test $bad = 0

# ---- valgrind: nothing definitely lost, no invalid access -------------------------------
if [ "${CROSSLAT_VALGRIND:-1}" = 0 ]; then
	skip valgrind "CROSSLAT_VALGRIND=0"
elif ! command -v valgrind >/dev/null; then
	skip valgrind "valgrind not installed"
else
	vg=0
	for cmd in "summary --json" "flows --json" "alerts" "map"; do
		# shellcheck disable=SC2086
		valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
			--log-file="$tmp/vg.log" "$bin" $cmd "$tmp/session" >"$out" 2>"$err"
		rc=$?
		if [ $rc != 0 ] || ! grep -qE 'definitely lost: 0 bytes|no leaks are' "$tmp/vg.log"
		then
			echo "# valgrind $cmd: exit $rc" >&2
			grep -E 'definitely|Invalid|uninitialised|ERROR SUMMARY' "$tmp/vg.log" |
				sed 's/^/#   /' >&2
			vg=1
		fi
	done
	check valgrind "valgrind found a definite leak or a memory error" test $vg = 0
fi
