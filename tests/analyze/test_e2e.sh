#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# crosslat-analyze end to end on real CTF traces, its answers checked against babeltrace2's
# own decode of the same trace. tests/data/traces/rtt-netem (the t_rtt_lttng VM scenario):
# events per name, time span, each flow's latest crosslat_rtt_flow_stats, the alerts in
# order. tests/data/traces/req-dags (t_reqdag): request DAGs against the apps' own logs.
# tests/data/traces/span-annotate (t_span): the spans table and detail against the
# crosslat_span_* events and the app's own account (app.json), the OTLP export checked by
# check_otlp.py. Then trace discovery in a session directory, errors, and (when valgrind
# is installed) no leak.
#
# TAP-style lines on stdout (see run); diagnostics on stderr.
# Environment: ANALYZE (the binary), ANALYZE_FIXTURE (another RTT trace),
# ANALYZE_SPAN_FIXTURE (another span trace with its app.json), CROSSLAT_VALGRIND=0 (skip the
# valgrind run).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${ANALYZE:-$top/build/analyze/crosslat-analyze}
fixture=${ANALYZE_FIXTURE:-$top/tests/data/traces/rtt-netem}
span_fixture=${ANALYZE_SPAN_FIXTURE:-$top/tests/data/traces/span-annotate}
req_fixture=$top/tests/data/traces/req-dags

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err

TAP_PREFIX=e2e_
# shellcheck source=tap.sh source-path=SCRIPTDIR
. "$here/tap.sh"
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

# ---- spans: tests/data/traces/span-annotate, one span above its threshold ---------------
# The reference: babeltrace2's decode as "NAME ts=NS k=v ...", ids as hex strings
# (trace_id=a0a1...), other arrays as hex numbers joined by ':' (ips=0xff..:0xff..), spaces
# of strings as '_'.
span_ok=1
if [ ! -f "$span_fixture/app.json" ] ||
   ! babeltrace2 --clock-seconds --no-delta "$span_fixture" >"$tmp/sbt.txt" 2>"$tmp/sbt.err"
then
	echo "not ok - e2e_span_fixture_decodes"
	echo "# no span trace with app.json at $span_fixture, or babeltrace2 failed" >&2
	span_ok=0
fi
perl -ne '
	next unless /^\[(\d+)\.(\d+)\] (?:\S+ )?(\S+): \{/;
	my ($s, $f, $n) = ($1, $2, $3);
	s{(\w+) = \[ ((?:\[\d+\] = \w+(?:, )?)*) \]}{
		my ($k, $body) = ($1, $2);
		my @v = $body =~ m{\] = (\w+)}g;
		$k =~ /_id$/ ? "$k = " . join("", map { sprintf("%02x", /^0x/i ? hex : $_) } @v)
			     : "$k = " . join(":", map { lc } @v)
	}ge;
	s/(\w+) = "([^"]*)"/my ($k, $v) = ($1, $2); $v =~ tr| |_|; "$k = $v"/ge;
	my @kv = /(\w+) = ([\w.\/:-]+)/g;
	my @pairs;
	push @pairs, shift(@kv) . "=" . shift(@kv) while @kv;
	print "$n ts=$s$f @pairs\n";
' "$tmp/sbt.txt" >"$tmp/sref.txt"
# Field K of line L.
kv() { echo "$2" | grep -oE " $1=[^ ]+" | head -n1 | cut -d= -f2; }
app() { jq -r ".$1" "$span_fixture/app.json"; }
annotate=$(grep '^crosslat_span_annotate ' "$tmp/sref.txt" | head -n1)

if [ $span_ok = 1 ] && run spans --json "$span_fixture" && [ ! -s "$err" ] &&
   [ "$(jq -s 'length == 1 and (.[0] | type) == "array"' "$out")" = true ]; then
	ok spans_json_one_document
	cp "$out" "$tmp/spans.json"
else
	not_ok spans_json_one_document "spans --json: not one JSON array, or stderr not empty"
	echo '[]' >"$tmp/spans.json"
fi
nann=$(grep -c '^crosslat_span_annotate ' "$tmp/sref.txt")
check spans_one_per_annotate "spans: not one span per crosslat_span_annotate ($nann)" \
	test "$(jq length "$tmp/spans.json")" = "$nann"

# The span's figures: those of its crosslat_span_annotate.
fields="duration_ns threshold_ns oncpu_ns blocked_ns runq_ns preempt_ns blocks preemptions"
fields+=" wakeups syscalls syscall_ns syscalls_listed syscalls_unrecorded tid pid"
want="$(kv trace_id "$annotate")/$(kv span_id "$annotate")/$(kv parent_span_id "$annotate")"
want+="/$(kv service "$annotate")/$(kv name "$annotate" | tr _ ' ')"
for k in $fields; do want+="/$(kv "$k" "$annotate")"; done
got=$(jq -r '.[0] | "\(.trace_id)/\(.span_id)/\(.parent_span_id)/\(.service)/\(.name)"' \
	"$tmp/spans.json")
for k in $fields; do got+="/$(jq -r ".[0].$k" "$tmp/spans.json")"; done
check spans_vs_babeltrace "the span's figures differ from its annotate: want $want, got $got" \
	test "$want" = "$got"

# Its calls: the crosslat_span_syscall events, field by field.
grep '^crosslat_span_syscall ' "$tmp/sref.txt" | while read -r line; do
	echo "$(kv nr "$line") $(kv start_ns "$line") $(kv duration_ns "$line")" \
	     "$(kv offcpu_ns "$line") $(kv arg "$line") $(kv ret "$line")"
done | sort >"$tmp/want-calls"
jq -r '.[0].calls[] | "\(.nr) \(.mono_ns) \(.duration_ns) \(.offcpu_ns) \(.arg) \(.ret)"' \
	"$tmp/spans.json" | sort >"$tmp/got-calls"
check spans_calls_vs_babeltrace "the span's calls differ from its crosslat_span_syscall events" \
	diff "$tmp/want-calls" "$tmp/got-calls"
grep '^crosslat_span_stack ' "$tmp/sref.txt" | while read -r line; do
	echo "$(kv kernel "$line") $(kv syscall_nr "$line") $(kv blocked_ns "$line")" \
	     "$(kv ips "$line")"
done >"$tmp/want-stacks"
jq -r '.[0].stacks[] |
	"\(if .kernel then 1 else 0 end) \(.syscall_nr) \(.blocked_ns) \(.ips | join(":"))"' \
	"$tmp/spans.json" >"$tmp/got-stacks"
check spans_stacks_vs_babeltrace "the span's stacks differ from its crosslat_span_stack events" \
	diff "$tmp/want-stacks" "$tmp/got-stacks"

# The app's own account: ids, duration, call count; each timed call a little shorter than
# the app measured it around the call (at most 2 ms), on the app's descriptors.
# near NAME APP_NS KERNEL_NS: 0 <= APP_NS - KERNEL_NS <= 2 ms.
near() {
	if [ -n "$3" ] && [ "$3" != null ] && [ "$2" -ge "$3" ] && [ $(($2 - $3)) -le 2000000 ]
	then
		return 0
	fi
	echo "# $1: app $2 ns, kernel ${3:-none} ns" >&2
	return 1
}
# Field $2 of the span's longest call named $1 (selected by jq condition $3 too).
call() {
	jq -r ".[0].calls[] | select(.name == \"$1\" and (${3:-true})) | .$2" "$tmp/spans.json" |
		sort -n | tail -n1
}
bad=0
ids="trace_id span_id tid pid duration_ns threshold_ns syscalls"
want=$(for k in $ids; do app "$k"; done)
got=$(for k in $ids; do jq -r ".[0].$k" "$tmp/spans.json"; done)
[ "$want" = "$got" ] ||
	{ echo "# ids, duration, threshold or syscalls differ from app.json" >&2; bad=1; }
near clock_nanosleep "$(app sleep_ns)" "$(call clock_nanosleep duration_ns)" || bad=1
near recvfrom "$(app recv_ns)" "$(call recvfrom duration_ns)" || bad=1
near fsync "$(app fsync_ns)" "$(call fsync duration_ns)" || bad=1
near write "$(app write_ns)" "$(call write duration_ns ".fd == $(app fd)")" || bad=1
[ "$(call fsync fd)/$(call recvfrom fd)" = "$(app fd)/$(app sock)" ] ||
	{ echo "# fsync/recvfrom fds $(call fsync fd)/$(call recvfrom fd) != app's" >&2; bad=1; }
[ "$(jq -r '.[0].top_blocking.name' "$tmp/spans.json")" = clock_nanosleep ] ||
	{ echo "# the top blocking call is not the nanosleep" >&2; bad=1; }
check spans_vs_app "the span differs from the app's account (app.json)" test $bad = 0

# Unix time: the trace clock's offset (metadata) plus the kernel's CLOCK_MONOTONIC start;
# the span ended before its annotate event was recorded, shortly (10 ms).
sdir=$(find "$span_fixture" -name metadata -printf '%h\n' | head -n1)
offset=$(babeltrace2 --output-format=ctf-metadata "$sdir" 2>/dev/null |
	grep -oE '^\s*offset = [0-9]+;' | head -n1 | grep -oE '[0-9]+')
start=$(json_int start_ns "$tmp/spans.json" | head -n1)
end=$(json_int end_ns "$tmp/spans.json" | head -n1)
ann_ts=$(kv ts "$annotate")
if [ -n "$offset" ] && [ -n "$start" ] && [ -n "$end" ] && [ -n "$ann_ts" ] &&
   [ "$start" = $((offset + $(kv start_ns "$annotate"))) ] &&
   [ "$end" -le "$ann_ts" ] && [ $((ann_ts - end)) -lt 10000000 ] &&
   [ "$(jq -r '.[0].clock' "$tmp/spans.json")" = unix ]; then
	ok spans_unix_time
else
	not_ok spans_unix_time "start $start != offset $offset + start_ns, or end $end late"
fi

head="SERVICE +NAME +TRACE_ID +SPAN_ID +DUR_MS +THRESH_MS +ONCPU_MS +BLOCKED_MS +RUNQ_MS"
head+=" +PREEMPT_MS +SYSCALLS +TOP_BLOCKING"
row="$(kv service "$annotate") +GET /work +$(app trace_id) +$(app span_id) +90\.450 +20\.000"
row+=" +4\.018 +85\.797 +0\.634 +0\.420 +12 +clock_nanosleep 50\.448"
if run spans "$span_fixture" && [ ! -s "$err" ] && [ "$(wc -l <"$out")" = 2 ] &&
   head -n1 "$out" | grep -qE "^$head\$" && grep -qE "^$row\$" "$out"; then
	ok spans_text
else
	not_ok spans_text "spans: not the header and the span's row"
fi
kips=$(grep '^crosslat_span_stack .* kernel=1 ' "$tmp/sref.txt" | grep -oE 'ips=[^ ]+' |
	cut -d= -f2)
nkips=$(echo "$kips" | tr ':' '\n' | grep -c 0x)
ip0=${kips%%:*}
if run spans --detail "$span_fixture" && [ ! -s "$err" ] &&
   grep -qE '^ +\+0\.000  span begins$' "$out" && grep -qE '^ +\+90\.450  span ends$' "$out" &&
   grep -qE '^ +\+[0-9.]+ +clock_nanosleep\(0\) += 0 +50\.507  off-CPU 50\.448$' "$out" &&
   grep -qE "^ +\+[0-9.]+ +write\(fd $(app fd)\) += 65536 " "$out" &&
   grep -qE "^ +\+[0-9.]+ +fsync\(fd $(app fd)\) += 0 " "$out" &&
   grep -qE "^ +\+[0-9.]+ +recvfrom\(fd $(app sock)\) += 1 +32\.654  off-CPU 31\.097$" "$out" &&
   [ "$(sed -n '/^  kernel stack/,/^  user stack/p' "$out" |
	grep -cE '^    0xffffffff[0-9a-f]{8}$')" = "$nkips" ] &&
   grep -q '^  user stack of the longest block (clock_nanosleep' "$out"; then
	ok spans_detail
else
	not_ok spans_detail "spans --detail: timeline or stacks unexpected"
fi
cp "$out" "$tmp/detail.txt"
# By span id and by trace id: the same detail.
if run spans --span "$(app span_id)" "$span_fixture" && cmp -s "$out" "$tmp/detail.txt" &&
   run spans --span "$(app trace_id)" "$span_fixture" && cmp -s "$out" "$tmp/detail.txt"; then
	ok spans_by_id
else
	not_ok spans_by_id "spans --span ID: not the span's detail"
fi
# Symbols from a kallsyms copy: made up here around two of the stack's addresses.
printf '%x T crosslat_test_fn\n%x t crosslat_test_mod_fn\t[crosslat_test]\n' \
	$((ip0 - 0x21)) $((ip0 + 0x1000)) >"$tmp/kallsyms"
if run spans --detail --kallsyms "$tmp/kallsyms" "$span_fixture" &&
   grep -qE "^    $ip0  crosslat_test_fn\+0x21$" "$out"; then
	ok spans_kallsyms
else
	not_ok spans_kallsyms "spans --kallsyms: the innermost address is not crosslat_test_fn+0x21"
fi
bad=0
for key in duration blocked runq oncpu time; do
	run spans --json --sort $key "$span_fixture" && [ "$(jq length "$out")" = "$nann" ] || bad=1
done
check spans_sort_keys "spans --sort KEY failed for a valid key" test $bad = 0

# ---- otlp ---------------------------------------------------------------------------------
if command -v python3 >/dev/null; then
	nsc=$(grep -c '^crosslat_span_syscall ' "$tmp/sref.txt")
	nst=$(grep -c '^crosslat_span_stack ' "$tmp/sref.txt")
	if run otlp -o "$tmp/otlp.json" "$span_fixture" &&
	   grep -q "1 spans, $nsc system call spans, $nst stacks in 1 lines" "$err" &&
	   python3 "$here/check_otlp.py" "$tmp/otlp.json" >"$tmp/otlp.check" 2>"$err" &&
	   grep -qx "lines=1 spans=$((nann + nsc)) syscalls=$nsc events=$nst external_parents=1" \
		"$tmp/otlp.check"; then
		ok otlp_schema
	else
		cat "$tmp/otlp.check" >>"$err" 2>/dev/null
		not_ok otlp_schema "otlp: check_otlp.py, or not 1 span, $nsc calls, $nst stacks"
	fi
	# The span as exported: ids, kind, times, parent, figures, the calls' fds.
	py=$(python3 - "$tmp/otlp.json" <<'PY'
import json, sys
req = json.loads(open(sys.argv[1]).readline())
rs = req["resourceSpans"][0]
res = {a["key"]: a["value"]["stringValue"] for a in rs["resource"]["attributes"]}
spans = rs["scopeSpans"][0]["spans"]
top = [s for s in spans if "parentSpanId" not in s or not s["name"].islower()][0]
attrs = {a["key"]: list(a["value"].values())[0] for a in top["attributes"]}
fds = sorted({int(a["value"]["intValue"]) for s in spans for a in s["attributes"]
              if a["key"] == "crosslat.syscall.fd"})
print(res["service.name"], res.get("host.name"), top["traceId"], top["spanId"],
      top["parentSpanId"], top["name"].replace(" ", "_"), top["kind"],
      top["startTimeUnixNano"], top["endTimeUnixNano"], attrs["thread.id"],
      attrs["crosslat.blocked_ns"], attrs["crosslat.annotated"], top["status"]["code"],
      ",".join(map(str, fds)), len(top["events"]))
PY
)
	want="$(kv service "$annotate") $(jq -r '.[0].hostname' "$tmp/spans.json") $(app trace_id)"
	want+=" $(app span_id) $(kv parent_span_id "$annotate") GET_/work 2 $start $end"
	want+=" $(app tid) $(kv blocked_ns "$annotate") True $(kv status "$annotate")"
	want+=" $(jq -r '[.[0].calls[].fd | select(. != null)] | unique | map(tostring) |
		join(",")' "$tmp/spans.json") $nst"
	check otlp_span "otlp: the span as exported: want '$want', got '$py'" test "$want" = "$py"
	if run otlp "$span_fixture" && cmp -s "$out" "$tmp/otlp.json" && [ ! -s "$err" ]; then
		ok otlp_stdout
	else
		not_ok otlp_stdout "otlp without -o: not the same lines on stdout, or stderr"
	fi
else
	skip otlp_schema "python3 not installed"
fi

# The same span trace twice on one host (two copies): two spans, each with its own calls.
mkdir -p "$tmp/span-session/a" "$tmp/span-session/b"
cp -r "$span_fixture"/. "$tmp/span-session/a/"
cp -r "$span_fixture"/. "$tmp/span-session/b/"
if run spans --json "$tmp/span-session" && [ "$(jq length "$out")" = $((2 * nann)) ] &&
   [ "$(jq '[.[].calls | length] | unique' -c "$out")" = "[$(wc -l <"$tmp/want-calls")]" ] &&
   grep -q 'repeated one seen before' "$err"; then
	ok spans_trace_twice
else
	not_ok spans_trace_twice "a span trace read twice: not two spans with their calls each"
fi

# Errors of the span options.
bad=0
expect 2 'unknown KEY.*duration, blocked, runq, oncpu, time' spans --sort srtt "$span_fixture"
expect 2 'span id \(16 hex digits\)' spans --span 12345 "$span_fixture"
expect 1 'no span 0000000000000001' spans --span 0000000000000001 "$span_fixture"
expect 2 'not an option of this command' otlp --json "$span_fixture"
expect 2 'not an option of this command' flows --all "$fixture"
expect 1 'kallsyms' spans --kallsyms "$tmp/nonexistent" "$span_fixture"
expect 1 'Is a directory|No such file' otlp -o "$tmp" "$span_fixture"
check spans_errors "exit statuses or messages of bad span invocations" test $bad = 0

# ---- verdicts ---------------------------------------------------------------------------
# The fixture's traces hold one span each (its parent not traced): one request per trace
# id, judged against themselves.
nroots=-1
run spans --all --json "$span_fixture" && nroots=$(jq '[.[].trace_id] | unique | length' "$out")
if run verdicts --json "$span_fixture" && [ "$(jq .requests "$out")" = "$nroots" ] &&
	[ "$(jq '.culprits | length' "$out")" = 0 ] && run verdicts "$span_fixture" &&
	grep -q '^verdict: no culprit' "$out"; then
	ok verdicts_fixture
else
	not_ok verdicts_fixture "verdicts: not one request per root span ($nroots), or a culprit"
fi
# Bad input: a clear error or a partial result with a warning, never a crash.
bad=0
expect 2 'milliseconds above 0' verdicts --slow-ms x "$span_fixture"
expect 2 'milliseconds above 0' verdicts --slow-ms 0 "$span_fixture"
expect 1 'No such file' verdicts --baseline "$tmp/nonexistent" "$span_fixture"
expect 1 'cannot read the CTF trace' verdicts --baseline "$tmp/bad" "$span_fixture"
expect 1 'cannot read the CTF trace' verdicts "$tmp/bad"
expect 2 'not an option of this command' verdicts --all "$span_fixture"
# truncated_copy SRC DST: a copy of trace SRC with each data stream cut in half
truncated_copy() {
	mkdir -p "$2"
	cp -r "$1"/. "$2/"
	for f in $(find "$2" -type f ! -name metadata ! -name '*.idx'); do
		truncate -s $(($(stat -c %s "$f") / 2)) "$f"
	done
}
# survives_truncated CMD TRACE: CMD on TRACE (truncated) succeeds or fails with a message
survives_truncated() {
	local rc=0
	run "$1" "$2" || rc=$?
	if [ $rc -gt 1 ] || { [ $rc = 1 ] && [ ! -s "$err" ]; }; then
		echo "# $1 on a truncated trace: exit $rc, stderr: $(head -c 200 "$err")" >&2
		bad=1
	fi
}
truncated_copy "$span_fixture" "$tmp/truncated"
survives_truncated verdicts "$tmp/truncated"
check verdicts_errors "exit statuses or messages of bad verdicts invocations" test $bad = 0

# ---- dags --------------------------------------------------------------------------------
# tests/data/traces/req-dags: a 0.4 s window of t_reqdag's session, the apps' own logs beside
# it; every frontend request inside the window must get the DAG of the logs.
got=
if run dags --json "$req_fixture"; then
	got=$(/usr/bin/python3 "$top/tests/vm/microsvc/check_dags.py" --dags "$out" \
		--truth "$req_fixture/requests.jsonl" --fault-service backend-c 2>&1)
fi
if [ -n "$got" ] && [ "$(echo "$got" | jq '.requests >= 20 and .identical == .requests and
	.bucketed.faulted_ok == .bucketed.faulted and .bucketed.clean_ok == .bucketed.clean')" = true ]
then
	ok dags_vs_app_logs
else
	not_ok dags_vs_app_logs "dags: not every request's DAG is the apps' own: $(echo "$got" | head -c 400)"
fi
if run dags --limit 2 "$req_fixture" && [ "$(grep -c '^request ' "$out")" = 2 ] &&
	grep -qE '^[0-9]+ requests \(2 shown\), [0-9]+ states \(entry' "$out" &&
	run dags --limit 2 --json "$req_fixture" && [ "$(jq length "$out")" = 2 ]; then
	ok dags_views
else
	not_ok dags_views "dags --limit 2 (text, JSON) did not show 2 requests and the summary"
fi
bad=0
expect 2 'not an option of this command' dags --baseline "$req_fixture" "$req_fixture"
expect 1 'cannot read the CTF trace' dags "$tmp/bad"
# no crosslat_req event at all: no request, no error
if ! run dags --json "$fixture" || [ "$(jq length "$out")" != 0 ]; then
	echo "# dags on a trace without crosslat_req events: not an empty array" >&2
	bad=1
fi
truncated_copy "$req_fixture/kernel" "$tmp/req-truncated"
survives_truncated dags "$tmp/req-truncated"
check dags_errors "exit statuses or messages of bad dags invocations" test $bad = 0

# ---- valgrind: nothing definitely lost, no invalid access -------------------------------
if [ "${CROSSLAT_VALGRIND:-1}" = 0 ]; then
	skip valgrind "CROSSLAT_VALGRIND=0"
elif ! command -v valgrind >/dev/null; then
	skip valgrind "valgrind not installed"
else
	vg=0
	for cmd in "summary --json" "flows --json" "alerts" "map" "spans --all --json" \
		"spans --detail" "otlp -o $tmp/vg-otlp.json" "verdicts --json" "dags --json"; do
		where=$tmp/session
		case $cmd in spans*|otlp*|verdicts*) where=$tmp/span-session ;; dags*) where=$req_fixture ;; esac
		# shellcheck disable=SC2086
		valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
			--log-file="$tmp/vg.log" "$bin" $cmd "$where" >"$out" 2>"$err"
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
