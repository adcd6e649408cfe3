#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks the crosslat_req events of an ftrace text trace against req_app.py's report.

  check_req.py TRACE APP.json [--no-fork]   the app's events (see check_app)
  check_req.py TRACE --none PID...          no event of these processes
  check_req.py TRACE --count                events per kind, for the measurements
"""
import ipaddress
import json
import re
import sys
from collections import Counter

EV = re.compile(r"\s(crosslat_req_\w+): (.*)$")
M32 = 1 << 32


def parse(path):
    evs = []
    for line in open(path):
        m = EV.search(line)
        if not m:
            continue
        e = {"ev": m.group(1)[len("crosslat_req_"):]}
        for kv in m.group(2).split():
            k, v = kv.split("=", 1)
            e[k] = ipaddress.IPv6Address(v).packed if k in ("laddr", "raddr") else int(v)
        evs.append(e)
    return evs


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def ok(msg):
    print(f"ok: {msg}")


def v4(addr):
    return ipaddress.IPv4Address(addr).packed + bytes(12)


def tuple_of(e):
    return (e["family"], e["laddr"], e["lport"], e["raddr"], e["rport"])


def want_tuple(t):
    return (4, v4(t["laddr"]), t["lport"], v4(t["raddr"]), t["rport"])


def one(evs, what, **kv):
    got = [e for e in evs if all(e.get(k) == v for k, v in kv.items())]
    if len(got) != 1:
        fail(f"{what}: {len(got)} events matching {kv}, want 1")
    return got[0]


def ranges(evs):
    """[(offset from the first, bytes)] of send or recv events, in trace order."""
    base = evs[0]["seq"]
    return [((e["seq"] - base) % M32, e["bytes"]) for e in evs], base


def check_stream(what, sends, recvs, total):
    """The sender's ranges are contiguous and cover what the receiver's cover."""
    if not sends or not recvs:
        fail(f"{what}: {len(sends)} sends, {len(recvs)} receives")
    s, base = ranges(sends)
    if (recvs[0]["seq"] - base) % M32:
        fail(f"{what}: first receive seq {recvs[0]['seq']} != first send seq {base}")
    r = [((e["seq"] - base) % M32, e["bytes"]) for e in recvs]
    for name, rr in (("send", s), ("receive", r)):
        off = 0
        for o, n in rr:
            if o != off:
                fail(f"{what}: {name} at offset {o}, want {off} (not contiguous)")
            off += n
        if off != total:
            fail(f"{what}: {name} bytes sum to {off}, want {total}")
    starts = {o for o, _ in r}
    for o, n in s:
        if o not in starts:
            fail(f"{what}: no receive starts at the send of seq {(base + o) % M32}")
    ok(f"{what}: {len(s)} sends and {len(r)} receives, {total} bytes, seq {base}.."
       f"{(base + total) % M32} alike at both ends")


def check_app(evs, app, fork=True):
    pid, main, srv = app["pid"], app["tid_main"], app["tid_server"]
    mine = [e for e in evs if e.get("pid", e.get("parent_pid")) == pid]
    if not mine:
        fail(f"no event of process {pid}")
    for e in mine:
        if "netns" in e and e["netns"] != app["netns"]:
            fail(f"{e['ev']} with netns {e['netns']}, want {app['netns']}")
    ok(f"{len(mine)} events of process {pid}, all in netns {app['netns']}")
    cli, ser = want_tuple(app["client"]), want_tuple(app["server"])
    c = one(mine, "connect", ev="connect", tid=main)
    if tuple_of(c) != cli:
        fail(f"connect tuple {tuple_of(c)}, want {cli}")
    a = one(mine, "accept", ev="accept", tid=srv)
    if tuple_of(a) != ser:
        fail(f"accept tuple {tuple_of(a)}, want {ser}")
    ok(f"connect by tid {main} and accept by tid {srv} with the tuples getsockname gave")
    sock = [e for e in mine if e["ev"] in ("send", "recv")]
    for e in sock:
        want = cli if e["tid"] == main else ser if e["tid"] == srv else None
        if tuple_of(e) != want:
            fail(f"{e['ev']} by tid {e['tid']} with tuple {tuple_of(e)}")
    pick = lambda ev, tid: [e for e in sock if e["ev"] == ev and e["tid"] == tid]
    check_stream("requests", pick("send", main), pick("recv", srv), app["client_sent"])
    check_stream("responses", pick("send", srv), pick("recv", main), app["server_sent"])
    if app["client_recv"] != app["server_sent"] or app["server_recv"] != app["client_sent"]:
        fail("the app's own byte counts disagree")
    one(mine, "client close", ev="close", tid=main, lport=app["client"]["lport"])
    one(mine, "server close", ev="close", tid=srv, lport=app["server"]["lport"],
        rport=app["server"]["rport"])
    ok("close of both ends")
    if not fork:
        return
    one(mine, "fork of the server thread", ev="fork", parent_tid=main, parent_pid=pid,
        child_tid=srv, child_pid=pid, thread=1)
    one(mine, "exit of the server thread", ev="exit", tid=srv, pid=pid)
    ok(f"fork (thread=1) and exit of the server thread {srv}")


def main():
    evs = parse(sys.argv[1])
    if sys.argv[2] == "--count":
        for k, n in sorted(Counter(e["ev"] for e in evs).items()):
            print(k, n)
        return
    if sys.argv[2] == "--none":
        pids = {int(p) for p in sys.argv[3:]}
        bad = [e for e in evs if e.get("pid", e.get("parent_pid")) in pids]
        if bad:
            fail(f"{len(bad)} events of processes {sorted(pids)}, first {bad[0]}")
        ok(f"no event of processes {sorted(pids)} ({len(evs)} events in all)")
        return
    check_app(evs, json.load(open(sys.argv[2])), "--no-fork" not in sys.argv[3:])


if __name__ == "__main__":
    main()
