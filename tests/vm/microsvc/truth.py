#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Read the microservice testbed's ground truth (the apps' JSON-line logs, see app.py).

  truth.py summary [--ids FILE]... [--over MS]... LOG...
      one JSON object: the request DAGs joined by trace id and span ids, checked, with
      per-service handler times and per-call latencies (milliseconds); --over MS counts
      the values of at least MS in each
  truth.py values [--ids FILE]... --service NAME [--call CALLEE] [--what W] LOG...
      one number a line (ms): NAME's handler times (end - start), or with --call its call
      latencies to CALLEE (--what latency) or those less CALLEE's own handler time
      (--what overhead: the network, both sidecars and TCP); --what sleep / work give the
      injected sleep and CPU work of NAME's requests

--ids FILE: the trace ids (and span ids) wrk sent, "TRACE [SPAN]" a line (ms_load's ids
file): only those traces count, and the summary says which of them no root request logged.
Without --ids every trace in the logs counts, its root being the request whose parent span
is no call of the trace (a client's, or none).

summary's object:
  sent           trace ids in the --ids files (null without)
  roots          traces whose root request (parent span = the span id wrk sent) was logged
  missing        sent trace ids no root request logged (first 5 in missing_ids)
  complete       traces whose every logged request hangs off the root by its parent span id
                 (= a call record of its caller, same service), every call record of which
                 found its callee, all with status 200, exactly once
  broken         roots - complete; problems: the first 10 reasons
  shapes         {"svc,svc,...": number of traces with that set of services}
  clock_errors   calls whose callee's handler interval is not inside the call's interval
                 (same CLOCK_MONOTONIC everywhere: must be 0)
  services       {name: {n, handler: STATS, slowed, slowed_handler, other_handler,
                  sleep_ms: the injected sleep, when any}}
  calls          {"caller>callee": {n, latency: STATS, overhead: STATS, errors (status not
                  200), retried (stale keep-alive connections replaced), reused (calls over
                  a kept-alive connection), translated (the callee's sidecar was reached at
                  another address than the caller's socket's peer: a VIP's DNAT),
                  source_changed (the callee's sidecar saw another client address and
                  port than the caller's socket's: SNAT)}}
STATS = {n, mean, min, p10, p50, p90, p99, max, over: {"MS": how many >= MS}} in
milliseconds (over with --over only).
"""
import argparse
import collections
import json
import sys


def load(paths):
    recs = []
    for path in paths:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    recs.append(json.loads(line))
                except ValueError:
                    sys.exit("%s:%d: not JSON: %.80s" % (path, n, line))
    return recs


def load_ids(paths):
    """{trace_id: span_id or None}, in order."""
    ids = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                w = line.split()
                if w:
                    ids[w[0]] = w[1] if len(w) > 1 else None
    return ids


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    k = (len(sorted_vals) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


def stats(vals, over=()):
    v = sorted(vals)
    r = {"n": len(v)}
    if v:
        r.update({"mean": sum(v) / len(v), "min": v[0], "max": v[-1]})
        for p in (10, 50, 90, 99):
            r["p%d" % p] = pct(v, p)
    r = {k: (round(x, 3) if isinstance(x, float) else x) for k, x in r.items()}
    if over:
        r["over"] = {"%g" % t: sum(1 for x in v if x >= t) for t in over}
    return r


def ms(ns):
    return ns / 1e6


class Traces:
    def __init__(self, recs, ids):
        self.ids = ids
        self.by_trace = collections.defaultdict(list)
        for r in recs:
            if ids is None or r["trace_id"] in ids:
                self.by_trace[r["trace_id"]].append(r)

    def root(self, trace, recs):
        """The trace's entry requests: the one whose parent span is the id wrk sent, or
        without that, those whose parent span is no call of the trace."""
        want = None if self.ids is None else self.ids.get(trace)
        if want is not None:
            return [r for r in recs if r["parent_span_id"] == want]
        spans = {c["span_id"] for r in recs for c in r["calls"]}
        return [r for r in recs if r["parent_span_id"] not in spans]

    def check(self, trace, recs):
        """None if the trace is a complete, well-formed tree, else the first problem."""
        roots = self.root(trace, recs)
        if len(roots) != 1:
            return "%s: %d root requests" % (trace, len(roots))
        calls = {}
        for r in recs:
            if r["status"] != 200:
                return "%s: %s answered %s" % (trace, r["service"], r["status"])
            for c in r["calls"]:
                if c["span_id"] in calls:
                    return "%s: span id %s sent twice" % (trace, c["span_id"])
                calls[c["span_id"]] = (r, c)
        seen = set()
        for r in recs:
            if r is roots[0]:
                continue
            caller = calls.get(r["parent_span_id"])
            if caller is None:
                return "%s: %s's parent span %s is no call of this trace" % (
                    trace, r["service"], r["parent_span_id"])
            if caller[1]["service"] != r["service"]:
                return "%s: %s called %s, but %s answered" % (
                    trace, caller[0]["service"], caller[1]["service"], r["service"])
            if r["parent_span_id"] in seen:
                return "%s: call %s answered twice" % (trace, r["parent_span_id"])
            seen.add(r["parent_span_id"])
        lost = set(calls) - seen
        if lost:
            r, c = calls[sorted(lost)[0]]
            return "%s: %s's call to %s (span %s) reached no logged request" % (
                trace, r["service"], c["service"], c["span_id"])
        return None

    def summary(self, over=()):
        out = {"sent": None if self.ids is None else len(self.ids)}
        if self.ids is None:
            keys = list(self.by_trace)
        else:
            keys = [t for t in self.ids if t in self.by_trace]
        roots = [t for t in keys if len(self.root(t, self.by_trace[t])) >= 1]
        out["roots"] = len(roots)
        if self.ids is not None:
            rootset = set(roots)
            missing = [t for t in self.ids if t not in rootset]
            out["missing"] = len(missing)
            out["missing_ids"] = missing[:5]
        problems = []
        complete = 0
        shapes = collections.Counter()
        for t in roots:
            recs = self.by_trace[t]
            shapes[",".join(sorted(r["service"] for r in recs))] += 1
            why = self.check(t, recs)
            if why is None:
                complete += 1
            elif len(problems) < 10:
                problems.append(why)
        out["complete"] = complete
        out["broken"] = len(roots) - complete
        out["problems"] = problems
        out["shapes"] = dict(shapes)
        out["clock_errors"] = 0
        handler = collections.defaultdict(list)
        slowed = collections.defaultdict(list)
        other = collections.defaultdict(list)
        sleeps = collections.defaultdict(list)
        calls = collections.defaultdict(lambda: {"latency": [], "overhead": [], "errors": 0,
                                                 "retried": 0, "reused": 0, "translated": 0,
                                                 "source_changed": 0})
        for t in roots:
            recs = self.by_trace[t]
            by_parent = {r["parent_span_id"]: r for r in recs}
            for r in recs:
                h = ms(r["end_ns"] - r["start_ns"])
                handler[r["service"]].append(h)
                if r.get("sleep_ns"):
                    slowed[r["service"]].append(h)
                    sleeps[r["service"]].append(ms(r["sleep_ns"]))
                else:
                    other[r["service"]].append(h)
                for c in r["calls"]:
                    e = calls[r["service"] + ">" + c["service"]]
                    e["latency"].append(ms(c["latency_ns"]))
                    e["errors"] += c["status"] != 200
                    e["retried"] += bool(c.get("retried"))
                    e["reused"] += bool(c.get("reused"))
                    callee = by_parent.get(c["span_id"])
                    if callee is None:
                        continue
                    e["translated"] += c.get("peer") != callee.get("local")
                    e["source_changed"] += c.get("local") != callee.get("peer")
                    e["overhead"].append(ms(c["latency_ns"] - (callee["end_ns"] -
                                                               callee["start_ns"])))
                    if callee["start_ns"] < c["start_ns"] or callee["end_ns"] > c["end_ns"]:
                        out["clock_errors"] += 1
        out["services"] = {}
        for s in sorted(handler):
            d = {"n": len(handler[s]), "handler": stats(handler[s], over),
                 "slowed": len(slowed[s]), "slowed_handler": stats(slowed[s], over),
                 "other_handler": stats(other[s], over)}
            if sleeps[s]:
                d["sleep_ms"] = stats(sleeps[s])
            out["services"][s] = d
        out["calls"] = {}
        for k, v in sorted(calls.items()):
            d = {"n": len(v["latency"]), "latency": stats(v["latency"], over),
                 "overhead": stats(v["overhead"], over)}
            d.update((f, v[f]) for f in ("errors", "retried", "reused", "translated",
                                         "source_changed"))
            out["calls"][k] = d
        return out

    def values(self, service, callee, what):
        for t, recs in self.by_trace.items():
            by_parent = {r["parent_span_id"]: r for r in recs}
            for r in recs:
                if r["service"] != service:
                    continue
                if callee is None:
                    v = {"handler": r["end_ns"] - r["start_ns"],
                         "sleep": r.get("sleep_ns", 0),
                         "work": r.get("work_ns", 0)}.get(what)
                    if v is None:
                        sys.exit("--what %s needs --call" % what)
                    yield ms(v)
                    continue
                for c in r["calls"]:
                    if c["service"] != callee:
                        continue
                    if what == "latency":
                        yield ms(c["latency_ns"])
                    elif what == "overhead":
                        d = by_parent.get(c["span_id"])
                        if d is not None:
                            yield ms(c["latency_ns"] - (d["end_ns"] - d["start_ns"]))
                    else:
                        sys.exit("--what with --call: latency or overhead")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("summary")
    s.add_argument("--ids", action="append")
    s.add_argument("--over", action="append", type=float, default=[], metavar="MS")
    s.add_argument("logs", nargs="+")
    v = sub.add_parser("values")
    v.add_argument("--ids", action="append")
    v.add_argument("--service", required=True)
    v.add_argument("--call")
    v.add_argument("--what", default=None,
                   choices=["handler", "sleep", "work", "latency", "overhead"])
    v.add_argument("logs", nargs="+")
    a = p.parse_args()
    ids = load_ids(a.ids) if a.ids else None
    t = Traces(load(a.logs), ids)
    if a.cmd == "summary":
        json.dump(t.summary(a.over), sys.stdout, sort_keys=True)
        print()
    else:
        what = a.what or ("latency" if a.call else "handler")
        for x in t.values(a.service, a.call, what):
            print("%.3f" % x)


if __name__ == "__main__":
    main()
