#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Raw CROSSLAT_CMD_METRICS_SET requests crosslatctl would never send, for t_metrics.

  nl_metrics.py refusals CGROUP_ID  every malformed request gets EINVAL (an unknown cgroup
                                    ENOENT) with an extack message; the configuration of
                                    CGROUP_ID (which must have one) is unchanged
  nl_metrics.py unpriv CGROUP_ID    (as an unprivileged user) SET gets EPERM, GET works
Prints one "ok"/"not ok" line per check; exits 1 if any failed.
"""
import errno
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nl_raw  # noqa: E402
from nl_raw import attr, nest, u8, u16, u32, u64, check, expect, Genl, E  # noqa: E402

E.update(nl_raw.uapi_enums(os.path.join(os.path.dirname(nl_raw.UAPI), "crosslat_metrics.h")))
SET, GET = "CROSSLAT_CMD_METRICS_SET", "CROSSLAT_CMD_METRICS_GET"


def M(name, payload):
    return attr(E["CROSSLAT_METRICS_A_" + name], payload)


def metrics(*attrs):
    return nest(E["CROSSLAT_A_METRICS"], *attrs)


def configs(g):
    err, msgs, _ = g.crosslat(GET, dump=True)
    if err:
        raise OSError(-err, "METRICS_GET failed")
    out = {}
    for m in msgs:
        for t, p in nl_raw.parse_attrs(m[4:]):
            if t != E["CROSSLAT_A_METRICS"]:
                continue
            a = dict(nl_raw.parse_attrs(p))
            out[int.from_bytes(a[E["CROSSLAT_METRICS_A_CGROUP_ID"]], "little")] = (
                a[E["CROSSLAT_METRICS_A_MASK"]], a[E["CROSSLAT_METRICS_A_SAMPLE_EVERY"]])
    return out


def refusals(cg):
    g = Genl()
    before = configs(g)
    check("the cgroup has a configuration", cg in before)
    runq = 1 << E["CROSSLAT_METRIC_RUNQ"]
    all_ = (1 << E["__CROSSLAT_METRIC_MAX"]) - 1
    cases = [
        ("SET without CROSSLAT_A_METRICS", b""),
        ("SET without CGROUP_ID", metrics(M("MASK", u32(runq)))),
        ("SET without MASK", metrics(M("CGROUP_ID", u64(cg)))),
        ("MASK with an unknown metric", metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(all_ + 1)))),
        ("MASK bit 31", metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(1 << 31)))),
        ("SAMPLE_EVERY 0", metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(runq)),
                                   M("SAMPLE_EVERY", u32(0)))),
        ("SAMPLE_EVERY 1000001", metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(runq)),
                                         M("SAMPLE_EVERY", u32(1000001)))),
        ("CGROUP_ID as 4 bytes", metrics(M("CGROUP_ID", u32(cg & 0xffffffff)),
                                         M("MASK", u32(runq)))),
        ("MASK as 2 bytes", metrics(M("CGROUP_ID", u64(cg)), attr(E["CROSSLAT_METRICS_A_MASK"],
                                                                   u16(runq)))),
        ("a HIST in a SET", metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(runq)),
                                    M("HIST", u8(0)))),
        ("EVENTS in a SET", metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(runq)),
                                    M("EVENTS", u64(0)))),
        ("CROSSLAT_A_METRICS not nested", attr(E["CROSSLAT_A_METRICS"], u64(cg))),
    ]
    for name, payload in cases:
        expect(g, name, SET, payload, errno.EINVAL)
    expect(g, "a cgroup id no cgroup has", SET,
           metrics(M("CGROUP_ID", u64(0x7fffffff00000001)), M("MASK", u32(runq))), errno.ENOENT)
    check("configuration unchanged", configs(g) == before)
    return 0


def unpriv(cg):
    g = Genl()
    err, _, _ = g.crosslat(SET, metrics(M("CGROUP_ID", u64(cg)), M("MASK", u32(0))))
    check("unprivileged SET refused with EPERM", -err == errno.EPERM, "errno %d" % -err)
    check("unprivileged GET works, the configuration is still there", cg in configs(g))


if __name__ == "__main__":
    {"refusals": refusals, "unpriv": unpriv}[sys.argv[1]](int(sys.argv[2]))
    sys.exit(1 if nl_raw.failed else 0)
