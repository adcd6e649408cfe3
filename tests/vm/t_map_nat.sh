# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (the overlay testbed takes minutes under KASAN; LTTng is built for stock)
# crosslat_map's NAT mappings and pod attribution on the VXLAN overlay testbed, with an
# LTTng session recording crosslat_map_* meanwhile. Connections, each client started in its
# pod by a shell that writes its pid and then becomes socat:
#   olp11 -> VIP 10.96.0.10:80 (DNAT to olp21:8080 in host 1), 3 times, inside the cgroup
#     crosslat-nat;
#   olp12 -> VIP;  olp11 -> external 203.0.113.2:8080 (MASQUERADE out of host 1);
#   host 1 itself -> VIP (DNAT, then MASQUERADE into the overlay);
#   olp12 -> olp22:8080 directly (no NAT).
# Checked against `conntrack -L` in host 1: its NATed TCP entries and crosslat's NAT mappings
# of host 1 are the same set, original <-> reply tuple for tuple, translation for
# translation. Checked against the clients themselves: the pod of each NAT mapping and of
# each tunnel mapping of the same connections, in both hosts and both directions, is the
# client's (or server's) network namespace, the client's pid and comm, and the cgroup it
# ran in. The host half (t_map_nat.host) checks the same in the LTTng trace, and that a
# second session started after the connections gets every mapping from a statedump.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
probe=$(find "$KMOD_OUT" -name lttng-probe-crosslat-map.ko -print -quit)
[ -n "$probe" ] || fail "lttng-probe-crosslat-map.ko not built for $KREL (scripts/deps stock)"
cg=/sys/fs/cgroup/crosslat-nat
trap 'lttng destroy -a >/dev/null 2>&1; lttng_stop_daemon; overlay_down; unload_engine;
      rmdir "$cg" 2>/dev/null' EXIT
lttng_start_daemon sched
load_engine
insmod "$(ko crosslat_map)" || fail "insmod crosslat_map.ko failed"
insmod "$probe" || fail "insmod lttng-probe-crosslat-map.ko failed"
lttng create crosslat-map --output="$OUT/trace" >/dev/null
lttng enable-event -k 'crosslat_map_*' >/dev/null
lttng start >/dev/null

overlay_up vxlan
ol_serve 8080 olp21 olp22 olext
mkdir -p "$cg"
inum_of() { ip netns exec "$1" stat -L -c %i /proc/self/ns/net; }
# client NAME NS CGROUP IP PORT: connect from NS (NS "-": host 1) in CGROUP ("" for none);
# "NAME NS_INUM PID CLIENT_PORT SERVER_NS" into $OUT/clients.
client() {
	local name=$1 ns=$2 cgroup=$3 ip=$4 port=$5 where line pidf=$OUT/$1.pid
	where=$ns
	[ "$ns" = - ] && where=$OL_H1
	# ip netns exec mounts a sysfs of the namespace, without /sys/fs/cgroup: join the cgroup
	# before entering the namespace.
	# shellcheck disable=SC2016
	line=$(sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs"; shift
		exec ip netns exec "$1" sh -c '\''echo $$ >"$1"
			exec socat -T 10 - "TCP4:$2:$3,connect-timeout=10"'\'' sh "$2" "$3" "$4"' \
		sh "$cgroup" "$where" "$pidf" "$ip" "$port" </dev/null) || true
	# the server's line: "<ns> <peer ip> <peer port> <local ip> <local port>"
	[ -n "$line" ] || fail "$name: no answer from $ip:$port"
	echo "$name $(inum_of "$where") $(cat "$pidf") ${line%% *}" >>"$OUT/clients"
}
: >"$OUT/clients"
for i in 1 2 3; do
	client "vip$i" olp11 "$cg" "$OL_VIP" "$OL_VIP_PORT"
done
client vip_p12 olp12 "" "$OL_VIP" "$OL_VIP_PORT"
client snat olp11 "$cg" "$OL_EXT_IP" 8080
client host_vip - "" "$OL_VIP" "$OL_VIP_PORT"
client direct olp12 "" 10.244.2.12 8080
sleep 0.3
"$CROSSLATCTL" map --json >"$OUT/map.json" || fail "crosslatctl map failed"
"$CROSSLATCTL" map --tunnel nat >"$OUT/map-nat.txt"
"$CROSSLATCTL" map --outer "udp/$OL_UL1_IP>$OL_UL2_IP:$OL_VXLAN_PORT" >"$OUT/map-outer.txt"
"$CROSSLATCTL" stats >"$OUT/stats"
ol_h1 conntrack -L -p tcp >"$OUT/conntrack-h1.txt" 2>/dev/null ||
	fail "conntrack -L failed in host 1"
for ns in olh1 olh2 olp11 olp12 olp21 olp22; do
	echo "$ns $(inum_of "$ns")"
done >"$OUT/netns"
stat -c %i "$cg" >"$OUT/cgroup_id"
# A session started now sees no new mapping; a statedump gives it all the table holds
# (compared with map.json, dumped above, in the host half). Bad writes are refused.
sd=/sys/module/crosslat_map/parameters/statedump
for bad in 0 junk ''; do
	if echo "$bad" >"$sd" 2>/dev/null; then fail "statedump accepted '$bad'"; fi
done
lttng create crosslat-map-late --output="$OUT/trace-statedump" >/dev/null
lttng enable-event -k -s crosslat-map-late crosslat_map_add >/dev/null
lttng start crosslat-map-late >/dev/null
echo 1 >"$sd" || fail "statedump write failed"
lttng stop crosslat-map-late >/dev/null
lttng destroy crosslat-map-late >/dev/null
# unloading emits crosslat_map_del for every mapping still in the table
rmmod crosslat_map || fail "rmmod crosslat_map failed"
lttng stop crosslat-map >/dev/null
lttng destroy crosslat-map >/dev/null

/usr/bin/python3 - "$OUT" <<'PY' || fail "mappings disagree (above)"
import json
import re
import sys

out = sys.argv[1]
maps = json.load(open(f"{out}/map.json"))
inum = dict(line.split() for line in open(f"{out}/netns"))
inum = {k: int(v) for k, v in inum.items()}
cg_id = int(open(f"{out}/cgroup_id").read())
bad = []

def tup(t):
    return (t["proto"], t["saddr"], t["sport"], t["daddr"], t["dport"])

# conntrack -L: "tcp 6 117 TIME_WAIT src=A dst=B sport=P dport=Q src=C dst=D sport=R dport=S ..."
ct = {}
for line in open(f"{out}/conntrack-h1.txt"):
    kv = re.findall(r"(src|dst|sport|dport)=(\S+)", line)
    if len(kv) < 8:
        continue
    o = dict(kv[:4]); r = dict(kv[4:8])
    orig = ("tcp", o["src"], int(o["sport"]), o["dst"], int(o["dport"]))
    reply = ("tcp", r["src"], int(r["sport"]), r["dst"], int(r["dport"]))
    if reply != (orig[0], orig[3], orig[4], orig[1], orig[2]):      # translated
        nat = set()
        if (reply[1], reply[2]) != (orig[3], orig[4]):
            nat.add("dnat")
        if (reply[3], reply[4]) != (orig[1], orig[2]):
            nat.add("snat")
        ct[orig] = (reply, "+".join(sorted(nat, key=lambda n: n != "snat")))
nat = {tup(m["inner"]): m for m in maps
       if m["dir"] == "nat" and m["netns_inum"] == inum["olh1"] and m["inner"]["proto"] == "tcp"}
if not ct:
    bad.append("conntrack -L shows no NATed connection")
for orig, (reply, kind) in ct.items():
    m = nat.get(orig)
    if not m:
        bad.append(f"conntrack {orig} -> {reply}: no NAT mapping")
    elif tup(m["outer"]) != reply or m["nat"] != kind:
        bad.append(f"conntrack {orig} -> {reply} {kind}: mapping says {tup(m['outer'])} {m['nat']}")
for orig in nat:
    if orig not in ct:
        bad.append(f"NAT mapping {orig} not in conntrack -L")
print(f"    conntrack -L in host 1: {len(ct)} NATed connections; crosslat: {len(nat)} NAT mappings")

def pod_ok(m, what, ns, pid=None, comm=None, cgroup=None):
    p = m.get("pod")
    if p is None:
        bad.append(f"{what}: no pod")
        return
    if p["netns_inum"] != inum[ns]:
        bad.append(f"{what}: pod netns {p['netns_inum']}, expected {ns} {inum[ns]}")
    if pid is not None and (p["pid"] != pid or p["comm"] != comm):
        bad.append(f"{what}: pod process {p['pid']} {p['comm']}, expected {pid} {comm}")
    if cgroup is not None and (p["cgroup_id"] != cgroup or p["cgroup"] != "/crosslat-nat"):
        bad.append(f"{what}: pod cgroup {p['cgroup_id']} {p['cgroup']}, expected {cgroup}")

def find(ns, d, inner):
    for m in maps:
        if m["netns_inum"] == inum[ns] and m["dir"] == d and tup(m["inner"]) == inner:
            return m
    bad.append(f"no {d} mapping in {ns} for {inner}")
    return None

checked = 0
for line in open(f"{out}/clients"):
    name, ns_inum, pid, server = line.split()
    ns = next((k for k, v in inum.items() if v == int(ns_inum)), None)
    pid = int(pid)
    cgroup = cg_id if name.startswith(("vip", "snat")) and name != "vip_p12" else None
    # the connection: the NAT mapping (if NATed) whose pod is this client
    ms = [m for m in nat.values() if m["pod"] and m["pod"]["pid"] == pid]
    if name == "direct":
        ms = []
    elif len(ms) != 1:
        bad.append(f"{name}: {len(ms)} NAT mappings with pid {pid}")
        continue
    else:
        pod_ok(ms[0], f"{name} NAT", ns, pid, "socat", cgroup)
        checked += 1
    if name == "snat":
        continue           # leaves through ex1, no tunnel
    if name == "direct":
        cands = [m for m in maps if m["dir"] == "encap" and m["netns_inum"] == inum["olh1"]
                 and m["inner"]["daddr"] == "10.244.2.12" and m["pod"] and m["pod"]["pid"] == pid]
        if len(cands) != 1:
            bad.append(f"direct: {len(cands)} encap mappings with the client's pid")
            continue
        inner = tup(cands[0]["inner"])
        srv_ns = "olp22"
    else:
        reply = tup(ms[0]["outer"])          # backend -> NATed client
        inner = (reply[0], reply[3], reply[4], reply[1], reply[2])
        srv_ns = "olp21"
    back = (inner[0], inner[3], inner[4], inner[1], inner[2])
    # host 1 sends inner and receives back; host 2 receives inner and sends back
    for host, d, t, pns, ppid in (("olh1", "encap", inner, ns, pid), ("olh1", "decap", back, ns, pid),
                                  ("olh2", "decap", inner, srv_ns, None),
                                  ("olh2", "encap", back, srv_ns, None)):
        m = find(host, d, t)
        if m:
            pod_ok(m, f"{name} {host} {d}", pns, ppid, "socat" if ppid else None,
                   cgroup if ppid else None)
            checked += 1
tcp_tunnel = [m for m in maps if m["dir"] in ("encap", "decap") and m["inner"]["proto"] == "tcp"]
unknown = [m for m in tcp_tunnel if m["pod"] is None]
if unknown:
    bad.append(f"{len(unknown)} of {len(tcp_tunnel)} TCP tunnel mappings without their pod")
for b in bad:
    print("    FAIL:", b)
print(f"    {checked} mappings checked against their clients' namespaces, pids and cgroup;"
      f" {len(tcp_tunnel)} TCP tunnel mappings, all with their pod")
sys.exit(1 if bad else 0)
PY
grep -q "socat\[" "$OUT/map-outer.txt" || fail "map --outer shows no pod: $(cat "$OUT/map-outer.txt")"
grep -qE ' nat +dnat +- +tcp/10\.244\.1\.11:[0-9]+>10\.96\.0\.10:80 +tcp/10\.244\.2\.11:8080>10\.244\.1\.11:' \
	"$OUT/map-nat.txt" || fail "map --tunnel nat: no VIP row: $(cat "$OUT/map-nat.txt")"
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$OUT/stats"; }
[ "$(stat_of map_nat_packets)" -gt 0 ] || fail "map_nat_packets is 0"
[ "$(stat_of map_pods_resolved)" -gt 0 ] || fail "map_pods_resolved is 0"
[ "$(stat_of map_endpoint_drops)" = 0 ] || fail "map_endpoint_drops $(stat_of map_endpoint_drops)"
say "ok: NAT mappings = conntrack -L; pods named for every NAT and TCP tunnel mapping"
