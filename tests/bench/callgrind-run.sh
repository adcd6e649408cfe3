#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Count instructions per packet of crosslat_pkt_parse() + the RTT tracker with callgrind.
#   callgrind-run.sh OUTDIR REPLAYS
#
# Method: rtt_replay builds one flow's packets (setup), then replays them REPLAYS times. It
# runs under callgrind twice, with 0 replays and with REPLAYS, and every count below is the
# difference of the two runs divided by REPLAYS x packets, so setup (building packets, libc
# start-up, valgrind's own preamble) cancels out:
#   - total: the programs' total instruction counts (Ir), i.e. everything a replay executes,
#     including the replay loop itself;
#   - parse / track: callgrind_annotate's inclusive counts of crosslat_pkt_parse() and of
#     crosslat_rtt_on_egress() + crosslat_rtt_on_ingress(), i.e. those functions and all
#     they call; egress and ingress are also given per call of each.
# Instruction counts are deterministic, unlike timings, so the numbers compare across runs
# and machines of the same architecture and compiler.
set -eu
out=$1
replays=$2
bin=$out/rtt_replay

. "$(dirname "$0")/callgrind-lib.sh"

run() {
	cg_run "rtt_replay.$1" "$bin" "$1"
}
# arm: the same replays with layer tracing's armed check of an unarmed flow after each packet
run_arm() {
	cg_run "rtt_replay.arm.$1" "$bin" "$1" arm
}

echo "# callgrind: 0 and $replays replays of $bin"
run 0
run "$replays"
run_arm 0
run_arm "$replays"
sed 's/^/# /' "$out/rtt_replay.$replays.txt"

read -r pkts egress ingress <<EOF
$(sed -n 's/^packets \([0-9]*\) egress \([0-9]*\) ingress \([0-9]*\).*/\1 \2 \3/p' \
	"$out/rtt_replay.$replays.txt")
EOF
size=$(sed -n 's/^sizeof(struct crosslat_rtt_flow) //p' "$out/rtt_replay.$replays.txt")

t0=$(cg_total rtt_replay.0) tn=$(cg_total "rtt_replay.$replays")
a0=$(cg_total rtt_replay.arm.0) an=$(cg_total "rtt_replay.arm.$replays")
p0=$(cg_incl rtt_replay.0 crosslat_pkt_parse) pn=$(cg_incl "rtt_replay.$replays" crosslat_pkt_parse)
e0=$(cg_incl rtt_replay.0 crosslat_rtt_on_egress)
en=$(cg_incl "rtt_replay.$replays" crosslat_rtt_on_egress)
i0=$(cg_incl rtt_replay.0 crosslat_rtt_on_ingress)
in=$(cg_incl "rtt_replay.$replays" crosslat_rtt_on_ingress)

awk -v r="$replays" -v n="$pkts" -v ne="$egress" -v ni="$ingress" -v size="$size" \
	-v t="$((tn - t0))" -v p="$((pn - p0))" -v e="$((en - e0))" -v i="$((in - i0))" \
	-v a="$((an - a0))" 'BEGIN {
	printf "rtt fast path: %.1f instructions/packet (parse %.1f + track %.1f)\n",
		t / (r * n), p / (r * n), (e + i) / (r * n)
	printf "  egress record %.1f instructions/call (%d packets), ingress match %.1f (%d)\n",
		e / (r * ne), ne, i / (r * ni), ni
	printf "  sizeof(struct crosslat_rtt_flow) = %d bytes\n", size
	printf "layer tracing, unarmed flow: RTT path alone %.1f, RTT path + armed check %.1f instructions/packet (+%.1f; target <= 20)\n",
		t / (r * n), a / (r * n), (a - t) / (r * n)
}'
