#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Count instructions per packet of crosslat_encap_parse() with callgrind.
#   callgrind-encap.sh OUTDIR REPLAYS
#
# Same method as callgrind-run.sh: encap_replay builds its packets (setup), then parses them
# REPLAYS times; it runs under callgrind with 0 and with REPLAYS replays per mode, and every
# figure is the difference of the two runs divided by REPLAYS x packets, so setup cancels:
#   - parse: callgrind_annotate's inclusive count of crosslat_encap_parse(), i.e. the outer
#     and inner crosslat_pkt_parse() calls and the tunnel header in between;
#   - of which pkt_parse: the inclusive count of crosslat_pkt_parse() (two calls per
#     encapsulated packet, one per plain packet);
#   - total: the program's whole instruction count, replay loop included.
# Modes: vxlan (IPv4/UDP/VXLAN/Ethernet/IPv4/TCP), ipip (IPv4/IPv4/TCP) and plain (IPv4/TCP,
# the cost of a packet that is not encapsulated).
set -eu
out=$1
replays=$2
bin=$out/encap_replay

. "$(dirname "$0")/callgrind-lib.sh"

echo "# callgrind: 0 and $replays replays of $bin vxlan|ipip|plain"
for mode in vxlan ipip plain; do
	cg_pair "$bin" "$mode"
	pkts=$(sed -n 's/^mode [a-z]* packets \([0-9]*\).*/\1/p' "$out/encap_replay.$mode.$replays.txt")
	t=$(cg_delta "encap_replay.$mode")
	e=$(cg_delta "encap_replay.$mode" crosslat_encap_parse)
	p=$(cg_delta "encap_replay.$mode" crosslat_pkt_parse)
	awk -v m="$mode" -v r="$replays" -v n="$pkts" -v t="$t" -v e="$e" -v p="$p" 'BEGIN {
		printf "encap parse %s: %.1f instructions/packet (of which pkt_parse %.1f; total %.1f)\n",
			m, e / (r * n), p / (r * n), t / (r * n)
	}'
done
