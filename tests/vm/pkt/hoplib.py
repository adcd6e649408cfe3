# SPDX-License-Identifier: GPL-2.0-only
"""Shared by the crosslat_pkt checkers: crosslat_pkt_hop events from ftrace text, segment
timestamps from tcpdump captures (read with tshark), quantiles."""
import re
import subprocess

HOP = re.compile(r"crosslat_pkt_hop: netns=(\d+) if (\d+)\(\d\) -> if (\d+)\(\d\) "
                 r"\[([^\]]+)\]:(\d+) -> \[([^\]]+)\]:(\d+) seq=(\d+) len=(\d+) latency=(\d+) "
                 r"trace=(\w+) span=(\w+) resp=(\d)")


def hops(path):
    """The hop events of an ftrace text file, as dicts."""
    res = []
    for line in open(path):
        m = HOP.search(line)
        if m:
            g = m.groups()
            res.append(dict(netns=g[0], frm=g[1], to=g[2], src=g[3], sport=int(g[4]),
                            dst=g[5], dport=int(g[6]), seq=int(g[7]), len=int(g[8]),
                            lat=int(g[9]), trace=g[10], span=g[11], resp=int(g[12])))
    return res


def capture(pcap, vxlan):
    """{(sport, dport, seq): first timestamp in ns} of the TCP segments with payload (the
    inner ones inside VXLAN)."""
    flt = "vxlan && tcp.len > 0" if vxlan else "tcp.len > 0"
    r = subprocess.run(["tshark", "-r", pcap, "-Y", flt, "-T", "fields", "-E", "separator=/t",
                        "-e", "frame.time_epoch", "-e", "tcp.srcport", "-e", "tcp.dstport",
                        "-e", "tcp.seq_raw"], capture_output=True, text=True, check=True)
    seen = {}
    for line in r.stdout.splitlines():
        t, sp, dp, seq = line.split("\t")[:4]
        # inside VXLAN tshark lists the inner TCP header's fields last
        key = (int(sp.split(",")[-1]), int(dp.split(",")[-1]), int(seq.split(",")[-1]))
        seen.setdefault(key, round(float(t) * 1e9))
    return seen


def quantile(vals, q):
    """The q-quantile (0..1) of vals, by linear interpolation."""
    s = sorted(vals)
    if not s:
        return float("nan")
    x = q * (len(s) - 1)
    i = int(x)
    return s[i] if i + 1 >= len(s) else s[i] + (s[i + 1] - s[i]) * (x - i)
