#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks t_pkt_hops.sh's phases: crosslat_pkt_hop events (ftrace text) against the requests
the client sent and against tcpdump captures of host 2's ul2 and veth21.

Usage: check_hops.py OUT IF_VETH11 IF_UL1 IF_UL2 IF_VETH21 NETNS_H1 NETNS_H2
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hoplib import capture, hops  # noqa: E402

out, veth11, ul1, ul2, veth21, h1, h2 = sys.argv[1:8]
bad = 0


def fail(msg):
    global bad
    print(f"FAIL: {msg}")
    bad += 1


med = {}
for phase in ("plain", "netem"):
    sent = [l.split()[:2] for l in open(f"{out}/{phase}-sent.txt")]
    hs = hops(f"{out}/{phase}-trace.txt")
    send = {h["trace"]: h for h in hs if (h["netns"], h["frm"], h["to"]) == (h1, veth11, ul1)}
    recv = {h["trace"]: h for h in hs if (h["netns"], h["frm"], h["to"]) == (h2, ul2, veth21)}
    found = sum(1 for t, s in sent if t in send and send[t]["span"] == s and t in recv
                and recv[t]["span"] == s)
    if found != len(sent):
        fail(f"{phase}: {found}/{len(sent)} requests with both hops and their ids ({len(hs)} hops)")
    print(f"ok: {phase}: {found}/{len(sent)} requests (traceparent after 2.6 KiB of headers) "
          "found at both hops with their trace and span ids")
    c_ul2 = capture(f"{out}/{phase}-ul2.pcap", True)
    c_veth = capture(f"{out}/{phase}-veth21.pcap", False)
    ours, oracle = [], []
    for h in recv.values():
        k = (h["sport"], h["dport"], h["seq"])
        if k in c_ul2 and k in c_veth:
            ours.append(h["lat"])
            oracle.append(c_veth[k] - c_ul2[k])
    if len(ours) < 0.9 * len(recv):
        fail(f"{phase}: only {len(ours)}/{len(recv)} receive hops found in both captures")
        continue
    m_ours, m_oracle = statistics.median(ours), statistics.median(oracle)
    if abs(m_ours - m_oracle) > max(0.1 * m_oracle, 50000):
        fail(f"{phase}: receive hop median {m_ours / 1e3:.0f} us vs tcpdump's {m_oracle / 1e3:.0f} us")
    print(f"ok: {phase}: receive hop ul2 -> veth21 median {m_ours / 1e3:.1f} us, tcpdump's "
          f"{m_oracle / 1e3:.1f} us ({len(ours)} requests); sending hop veth11 -> ul1 median "
          f"{statistics.median(h['lat'] for h in send.values()) / 1e3:.1f} us")
    med[phase] = (statistics.median(h["lat"] for h in send.values()), m_ours, m_oracle)

if len(med) == 2:
    shift_recv = med["netem"][1] - med["plain"][1]
    shift_send = med["netem"][0] - med["plain"][0]
    shift_oracle = med["netem"][2] - med["plain"][2]
    # netem never delivers early; under qemu's TCG its 20 ms timer fires late (the guest's
    # timers lag when the host is busy): the oracle for the shift is tcpdump's, which
    # sees the same late timer
    if shift_recv < 20e6 or abs(shift_recv - shift_oracle) > 0.1 * shift_oracle or \
            abs(shift_send) > 2e6:
        fail(f"netem 20 ms on veth21: receive hop shifted {shift_recv / 1e6:.2f} ms "
             f"(tcpdump: {shift_oracle / 1e6:.2f} ms), sending hop {shift_send / 1e6:.2f} ms")
    else:
        print(f"ok: netem 20 ms on veth21 shifted the receive hop by {shift_recv / 1e6:.2f} ms "
              f"(tcpdump: {shift_oracle / 1e6:.2f} ms; {shift_recv / 20e6 - 1:+.0%} of the "
              f"injected 20 ms), the sending hop by {shift_send / 1e6:.3f} ms")
sys.exit(1 if bad else 0)
