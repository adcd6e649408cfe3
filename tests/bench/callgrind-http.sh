#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Count instructions per message of the HTTP trace-context scanner with callgrind.
#   callgrind-http.sh OUTDIR REPLAYS
#
# Same method as callgrind-run.sh: http_ctx_replay builds its message (setup), then scans it
# REPLAYS times; it runs under callgrind with 0 and with REPLAYS replays per mode, and every
# figure is the difference of the two runs divided by REPLAYS, so setup cancels:
#   - feed: callgrind_annotate's inclusive count of crosslat_http_ctx_feed(), the scan;
#   - total: the program's whole instruction count per replay: init, feeds, result, loop;
#   - per byte: feed divided by the bytes scanned (up to the traceparent line's end, or the
#     header block's).
# Modes (see http_ctx_replay.c): block2k (2048-byte header block, traceparent last), minimal
# (traceparent first), nocontext (block2k without traceparent), segments (block2k in two
# chunks, an MSS of 1448).
set -eu
out=$1
replays=$2
bin=$out/http_ctx_replay

. "$(dirname "$0")/callgrind-lib.sh"

echo "# callgrind: 0 and $replays replays of $bin block2k|minimal|nocontext|segments"
for mode in block2k minimal nocontext segments; do
	cg_pair "$bin" "$mode"
	scanned=$(sed -n 's/^mode .* scanned \([0-9]*\).*/\1/p' "$out/http_ctx_replay.$mode.$replays.txt")
	t=$(cg_delta "http_ctx_replay.$mode")
	f=$(cg_delta "http_ctx_replay.$mode" crosslat_http_ctx_feed)
	awk -v m="$mode" -v r="$replays" -v b="$scanned" -v t="$t" -v f="$f" 'BEGIN {
		printf "http trace ctx %s: %.1f instructions/message in feed (%.2f per byte of %d scanned; total %.1f)\n",
			m, f / r, f / (r * b), b, t / r
	}'
done
