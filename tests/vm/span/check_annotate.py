#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks crosslat_span's annotation of one `span_app annotate` span against the app's own
measurements. Reads the app's JSON line, the ftrace text of the crosslat_span events, the
binary (nm -S for function sizes) and /proc/kallsyms.

Usage: check_annotate.py APP_JSON TRACE_TXT BINARY [--expect-none] [--print-runq] [--no-timing]
(--no-timing: a debug kernel; every check but the durations)
Prints "ok: ..." lines; exits 1 on the first failure.
"""
import bisect
import json
import re
import subprocess
import sys

NR = {"write": 1, "nanosleep": 35, "recvfrom": 45, "fsync": 74, "clock_nanosleep": 230}


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def ok(msg):
    print(f"ok: {msg}")


def events(trace, span_hex):
    """(name, fields) of the span's events, in trace order."""
    out = []
    for line in open(trace):
        m = re.search(r"(crosslat_span_\w+): (.*)$", line)
        if not m:
            continue
        name, rest = m.groups()
        fields = dict(re.findall(r"(\w+)=(\{[^}]*\}|\S+)", rest))
        if fields.get("span") == span_hex:
            out.append((name, fields))
    return out


def within(got, want, rel, abs_ns):
    return abs(got - want) <= rel * want + abs_ns


def kallsyms():
    syms = []
    for line in open("/proc/kallsyms"):
        addr, _, name = line.split()[:3]
        a = int(addr, 16)
        if a:
            syms.append((a, name))
    syms.sort()
    return syms


def ksym(syms, ip):
    i = bisect.bisect_right(syms, (ip, "\xff")) - 1
    return syms[i][1] if i >= 0 else "?"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    app = json.loads(open(args[0]).read())
    trace, binary = args[1], args[2]
    expect_none = "--expect-none" in sys.argv
    timing = "--no-timing" not in sys.argv
    evs = events(trace, app["span_id"])
    ann = [f for n, f in evs if n == "crosslat_span_annotate"]
    if expect_none:
        if evs or app["annotated"]:
            fail(f"span under its threshold annotated: {len(evs)} events, ioctl {app['annotated']}")
        ok(f"span of {app['duration_ns'] / 1e6:.1f} ms under its {app['threshold_ns'] / 1e6:.0f} ms "
           "threshold: no events, ioctl says not annotated")
        return
    if len(ann) != 1 or not app["annotated"]:
        fail(f"{len(ann)} crosslat_span_annotate events for the span (ioctl annotated={app['annotated']})")
    a = {k: int(v) if v.isdigit() else v for k, v in ann[0].items()}
    dur = a["dur"]
    if timing and (not within(dur, app["app_ns"], 0.05, 0) or dur > app["app_ns"]):
        fail(f"duration {dur} vs the app's {app['app_ns']} around begin/end")
    parts = a["oncpu"] + a["blocked"] + a["runq"]
    if abs(parts - dur) > 0.01 * dur:
        fail(f"oncpu+blocked+runq {parts} != duration {dur}")
    ok(f"annotated: {dur / 1e6:.2f} ms (app {app['app_ns'] / 1e6:.2f}), on-CPU {a['oncpu'] / 1e6:.2f} + "
       f"blocked {a['blocked'] / 1e6:.2f} + runqueue {a['runq'] / 1e6:.2f} ms = the duration")

    if "--print-runq" in sys.argv:
        # the span with CPU work: its spin loop's calls (clock_gettime, without a vDSO
        # clock here) crowd the listed ones; only its totals matter
        print(f"runq_ns {a['runq']}")
        return

    calls = [f for n, f in evs if n == "crosslat_span_syscall"]
    by_nr = {}
    for c in calls:
        by_nr.setdefault(int(c["nr"]), []).append(c)

    # The app times a call from outside: entry, exit and its clock reads are in its figure.
    slack = 2 * app["call_overhead_ns"]

    def check(label, nrs, want_ns, arg=None, rel=0.05, abs_ns=slack):
        cands = [c for nr in nrs for c in by_nr.get(nr, [])
                 if arg is None or int(c["arg"]) == arg]
        if not cands:
            fail(f"{label}: not listed (calls listed: {sorted(by_nr)})")
        best = min(cands, key=lambda c: abs(int(c["dur"]) - want_ns))
        got = int(best["dur"])
        if timing and not within(got, want_ns, rel, abs_ns):
            fail(f"{label}: {got} ns vs the app's {want_ns} ns")
        ok(f"{label}: {got / 1e6:.3f} ms vs the app's {want_ns / 1e6:.3f} ms "
           f"(5% or {abs_ns / 1e3:.0f} us, twice a null call)")

    check("nanosleep(50 ms)", [NR["nanosleep"], NR["clock_nanosleep"]], app["sleep_ns"])
    check(f"write(fd {app['fd']})", [NR["write"]], app["write_ns"], arg=app["fd"])
    check(f"fsync(fd {app['fd']})", [NR["fsync"]], app["fsync_ns"], arg=app["fd"])
    check(f"recv(fd {app['sock']}), blocked 30 ms", [NR["recvfrom"]], app["recv_ns"], arg=app["sock"])

    stacks = {int(f["kernel"]): f for n, f in evs if n == "crosslat_span_stack"}
    if 0 not in stacks or 1 not in stacks:
        fail(f"stacks of the longest block: got kernel={sorted(stacks)}")
    user_ips = [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", stacks[0]["ips"])]
    sizes = {}
    for line in subprocess.run(["nm", "-S", binary], capture_output=True, text=True).stdout.splitlines():
        p = line.split()
        if len(p) == 4 and p[3] in app["fn"]:
            sizes[p[3]] = int(p[1], 16)
    named = [fn for fn, start in app["fn"].items()
             if any(start <= ip < start + sizes.get(fn, 0) for ip in user_ips)]
    # The longest block is the 50 ms sleep, unless a slow guest made the 30 ms recv longer.
    nr = int(stacks[0]["syscall"])
    want_fn, want_k = {NR["nanosleep"]: ("step_sleep", "nanosleep"),
                       NR["clock_nanosleep"]: ("step_sleep", "nanosleep"),
                       NR["recvfrom"]: ("step_recv", "recv")}.get(nr, (None, None))
    if want_fn is None:
        fail(f"longest block in syscall {nr}, neither the sleep nor the recv")
    if want_fn not in named:
        fail(f"user stack {stacks[0]['ips']} names {named}, not {want_fn}")
    blocked = int(stacks[0]["blocked"])
    ok(f"longest block ({blocked / 1e6:.1f} ms, syscall {nr}): user stack names "
       f"{' <- '.join(named)}")
    syms = kallsyms()
    kips = [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", stacks[1]["ips"])]
    knames = [ksym(syms, ip) for ip in kips]
    if not any(want_k in n for n in knames):
        fail(f"kernel stack {knames} has no {want_k} function")
    ok("kernel stack: " + " <- ".join(n for n in knames if n != "?")[:200])


if __name__ == "__main__":
    main()
