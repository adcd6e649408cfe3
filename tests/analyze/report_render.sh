#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `crosslat-analyze report` rendered by a real browser: the HTML of the span-annotate fixture
# (one request, no slow one: "no culprit", the CDF alone) and of rtt-netem (no request at
# all) is loaded by headless Chromium, which takes a screenshot, checked by check_png.py
# (not blank, the CDF's stroke drawn), and dumps its DOM, checked for the verdict and the
# charts. With ANALYZE_REPORT_TRACES=DIR (the microservice testbed's phases as t_verdicts
# records them: DIR/base, DIR/cpu), the same on a run whose culprit is backend-a's CPU, with
# its four charts (the requests' CDF, the slow requests' bars, the hops' CDFs of crosslat_pkt
# and the flows' RTT over time of crosslat_rtt).
#
# TAP-style lines on stdout (see run); diagnostics on stderr. Skips (exit 4) when no
# Chromium is installed (Debian: chromium-headless-shell). Needs Pillow (python3-pil).
# Environment: ANALYZE (the binary), ANALYZE_SPAN_FIXTURE, ANALYZE_FIXTURE (other traces),
# ANALYZE_REPORT_TRACES (above), CHROMIUM (the browser to use).
# shellcheck disable=SC2317 # its functions run through check()
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${ANALYZE:-$top/build/analyze/crosslat-analyze}
span_fixture=${ANALYZE_SPAN_FIXTURE:-$top/tests/data/traces/span-annotate}
rtt_fixture=${ANALYZE_FIXTURE:-$top/tests/data/traces/rtt-netem}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
err=$tmp/err
TAP_PREFIX=render_
# shellcheck source=tap.sh source-path=SCRIPTDIR
. "$here/tap.sh"

chrome=${CHROMIUM:-}
if [ -z "$chrome" ]; then
	for c in chromium-headless-shell chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null; then
			chrome=$c
			break
		fi
	done
fi
if [ -z "$chrome" ]; then
	skip all "no Chromium installed (chromium-headless-shell)"
	exit 4
fi
if [ ! -x "$bin" ]; then
	echo "not ok - render_binary_present"
	echo "# $bin not built (make -C analyze)" >&2
	exit 1
fi
# The first python3 with Pillow: a pyenv or venv python3 first on PATH may lack it.
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import PIL' 2>/dev/null; then
		py=$p
		break
	fi
done

# shellcheck disable=SC2054 # the comma is the size's own
chrome_args=(--disable-gpu --hide-scrollbars --window-size=1200,2000
	     --user-data-dir="$tmp/profile" --no-first-run)
# The sandbox refuses to run as root.
[ "$(id -u)" = 0 ] && chrome_args+=(--no-sandbox)
# The full browser needs to be told; chromium-headless-shell is headless only.
case $(basename "$chrome") in
chromium-headless-shell) ;;
*) chrome_args+=(--headless) ;;
esac

# render NAME: $tmp/NAME.html into $tmp/NAME.png (screenshot) and $tmp/NAME.dom (the DOM).
render() {
	timeout 120 "$chrome" "${chrome_args[@]}" --screenshot="$tmp/$1.png" \
		"file://$tmp/$1.html" >/dev/null 2>"$err" && [ -s "$tmp/$1.png" ] &&
		timeout 120 "$chrome" "${chrome_args[@]}" --dump-dom "file://$tmp/$1.html" \
			>"$tmp/$1.dom" 2>"$err" && [ -s "$tmp/$1.dom" ]
}
# png_ok NAME ARGS...: the screenshot is not blank (check_png.py ARGS).
png_ok() {
	local name=$1
	shift
	if [ ! -s "$tmp/$name.png" ]; then
		echo "# no screenshot $tmp/$name.png" >"$err"
		return 1
	fi
	if [ -z "$py" ]; then
		echo "# no python3 with Pillow (Debian: python3-pil)" >"$err"
		return 1
	fi
	"$py" "$here/check_png.py" "$tmp/$name.png" "$@" 2>"$err"
}
# count FILE STRING: the occurrences of STRING in FILE.
count() { grep -o -F -- "$2" "$1" | wc -l; }

# ---- no slow request: the span-annotate fixture, its own baseline
if "$bin" report -o "$tmp/span.html" --baseline "$span_fixture" "$span_fixture" 2>"$err"; then
	ok report_written
else
	not_ok report_written "report on $span_fixture failed"
fi
# The verdict, one chart (no slow request: no bars) with both CDFs, the axis drawn.
span_dom_ok() {
	render span &&
		grep -q -F '<p class="verdict none">no culprit</p>' "$tmp/span.dom" &&
		[ "$(count "$tmp/span.dom" "<svg ")" = 1 ] &&
		[ "$(count "$tmp/span.dom" "<polyline ")" = 2 ] &&
		grep -q -F "request latency (ms)" "$tmp/span.dom"
}
check dom_no_culprit "Chromium's DOM of the span-annotate report: no 'no culprit' verdict or no CDF" \
	span_dom_ok
# The judged CDF's stroke (#c0392b): 2 px wide over the plot's height.
check screenshot_not_blank "the span-annotate report's screenshot is blank or lacks the CDF" \
	png_ok span --colour c0392b:200

# ---- no request at all
empty_ok() {
	"$bin" report -o "$tmp/empty.html" "$rtt_fixture" 2>"$err" && render empty &&
		grep -q -F "no request in the traces" "$tmp/empty.dom" &&
		grep -q -F "no culprit" "$tmp/empty.dom" && png_ok empty
}
check empty_report "the report of a trace without spans: no 'no request' CDF, or no verdict" \
	empty_ok

# ---- usage: the HTML goes to a file
"$bin" report "$span_fixture" >"$tmp/out" 2>"$err"
rc=$?
if [ $rc = 2 ] && grep -q -F -- "-o FILE is required" "$err"; then
	ok needs_output
else
	not_ok needs_output "report without -o: want status 2 and '-o FILE is required' (status $rc)"
fi

# ---- a run with a culprit, when its traces are at hand (too large for the repository)
cpu_dom_ok() {
	render cpu &&
		grep -q -F '<p class="verdict culprit">receiver host: backend-a (CPU contention),' \
			"$tmp/cpu.dom" &&
		[ "$(count "$tmp/cpu.dom" "<svg ")" = 4 ] &&
		grep -q -F '<h2>Latency per hop</h2>' "$tmp/cpu.dom" &&
		grep -q -F '<h2>RTT over time</h2>' "$tmp/cpu.dom"
}
d=${ANALYZE_REPORT_TRACES:-}
if [ -z "$d" ]; then
	skip culprit "ANALYZE_REPORT_TRACES not set (t_verdicts' traces: DIR/base, DIR/cpu)"
elif ! "$bin" report -o "$tmp/cpu.html" --baseline "$d/base" "$d/cpu" 2>"$err"; then
	not_ok culprit "report on $d/cpu failed"
else
	check culprit "the report of $d/cpu: the DOM does not name backend-a's CPU, or lacks a chart" \
		cpu_dom_ok
	# both CDFs' strokes and the bars' three domain colours
	check culprit_not_blank "the report of $d/cpu: screenshot blank or charts missing" \
		png_ok cpu --colour c0392b:1000 --colour 3b6ea5:200 --colour f0a03c:200
fi
exit 0
