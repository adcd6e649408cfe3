# SPDX-License-Identifier: GPL-2.0-only
# Malformed encapsulated packets reach crosslat_map's hooks and are ignored and counted.
# Plain UDP datagrams to the VXLAN and GENEVE ports between two namespaces (the kernel
# builds the outer IP/UDP headers; the payload is a crafted tunnel header and inner frame),
# each seen twice: at the sender's LOCAL_OUT and the receiver's LOCAL_IN:
#   4 malformed (tunnel header cut short, VXLAN I flag clear, inner frame cut short, GENEVE
#   version 1): map_parse_errors must grow by exactly 8;
#   1 ARP frame inside VXLAN: not an error, no mapping;
#   1 VXLAN in VXLAN: mapped to the middle layer, map_nested grows by 2;
#   1 well-formed VXLAN TCP segment: one mapping each way (encap at A, decap at B).
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
trap 'netns_pair_del; unload_engine' EXIT
load_engine
insmod "$(ko crosslat_map)" || fail "insmod crosslat_map.ko failed"
netns_pair

stat_of() { "$CROSSLATCTL" stats | awk -v k="$1" '$1 == k { print $2 }'; }
err0=$(stat_of map_parse_errors) nest0=$(stat_of map_nested) n0=$(stat_of map_entries)

ip netns exec $NS_A /usr/bin/python3 - "$IP_B" <<'PY'
import socket
import struct
import sys

dst = sys.argv[1]
eth = lambda etype: b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!H", etype)
def ipv4(proto, payload, src="10.244.1.11", dst="10.244.2.11"):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                       socket.inet_aton(src), socket.inet_aton(dst)) + payload
tcp = struct.pack("!HHIIBBHHH", 40000, 8080, 1, 0, 0x50, 0x02, 65535, 0, 0)
vxlan = lambda vni, flags=0x08: struct.pack("!BxxxI", flags, vni << 8)
good_inner = eth(0x0800) + ipv4(6, tcp)
udp_in = struct.pack("!HHHH", 5555, 4789, 8 + 8 + len(good_inner), 0) + vxlan(7) + good_inner
cases = [
    (4789, b"\x08\x00\x00"),                                # tunnel header cut short
    (4789, vxlan(42, flags=0x00) + good_inner),             # I flag clear
    (4789, vxlan(42) + good_inner[:10]),                    # inner Ethernet cut short
    (6081, struct.pack("!BBHI", 0x40, 0, 0x6558, 42 << 8) + good_inner),  # GENEVE version 1
    (4789, vxlan(42) + eth(0x0806) + bytes(28)),            # ARP: fine, no mapping
    (4789, vxlan(42) + eth(0x0800) + ipv4(17, udp_in)),     # VXLAN in VXLAN
    (4789, vxlan(42) + good_inner),                         # well-formed
]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port, payload in cases:
    s.sendto(payload, (dst, port))
PY
sleep 0.5
err=$(($(stat_of map_parse_errors) - err0)) nest=$(($(stat_of map_nested) - nest0))
n=$(($(stat_of map_entries) - n0))
say "map_parse_errors +$err (want 8), map_nested +$nest (want 2), map_entries +$n (want 4)"
[ "$err" = 8 ] || fail "map_parse_errors grew by $err"
[ "$nest" = 2 ] || fail "map_nested grew by $nest"
# the nested packet and the good one, each at A (encap) and at B (decap)
[ "$n" = 4 ] || fail "map_entries grew by $n: $("$CROSSLATCTL" map 2>&1)"
"$CROSSLATCTL" map --json >"$OUT/map.json" || fail "crosslatctl map failed"
/usr/bin/python3 - "$OUT/map.json" <<'PY' || fail "mappings are not what was sent"
import json
import sys

maps = json.load(open(sys.argv[1]))
good = [m for m in maps if m["inner"]["proto"] == "tcp" and m["inner"]["dport"] == 8080]
dirs = sorted(m["dir"] for m in good)
print("    good TCP segment mapped: %s, vni %s" % (dirs, [m.get("vni") for m in good]))
assert dirs == ["decap", "encap"], dirs
assert all(m["vni"] == 42 and m["outer"]["dport"] == 4789 for m in good)
nested = [m for m in maps if m["inner"]["proto"] == "udp" and m["inner"]["dport"] == 4789]
print("    nested: middle layer %s" % [(m["inner"]["saddr"], m["inner"]["daddr"]) for m in nested])
assert len(nested) == 2
PY
say "ok: malformed tunnel packets ignored and counted, good ones mapped"
