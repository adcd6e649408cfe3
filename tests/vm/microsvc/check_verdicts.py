#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks crosslat-analyze verdicts of one phase against the apps' own logs.

  check_verdicts.py --phase base|delay|loss|cpu|slow --verdicts FILE.json --truth FILE.jsonl
                    [--late-ms 150] [--cpu-service backend-a] [--slow-service backend-c]

Prints one JSON object: requests, slow, named, right, share (right / slow), culprits (the run's,
"DOMAIN:KIND:SERVICE>PEER"), wrong (up to 10 slow requests judged wrongly, with why). A slow
request's verdict is right when it names what the phase injected, in that very request:
  delay  the network (every call crosses the delayed underlay);
  loss   the network, and the call it names (caller -> callee) took at least --late-ms more
         than its callee's handler in the apps' logs (a lost segment waited for its
         retransmission);
  cpu    the receiver host, and the culprit is --cpu-service (the service pinned with the
         hogs), or the CPU contention or queueing (kind runq, recv) of another service whose
         handler thread did wait for a CPU in this request (its wake-up to read it
         included), at least half the culprit's time above its baseline (its log's
         run_delay_ns: the hogs' CPU is every pod's now and then);
  slow   the receiver host, --slow-service, and that service slept in this request (its log
         line has sleep_ns > 0), or the request queued in front of it (culprit kind recv:
         from the request at its pod to its handler, behind the sleeping requests).
  base   (no fault) any: the phase is judged on the run's culprits only (none is right).
"""
import argparse
import collections
import json


def load_truth(path):
    by_trace = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rec = json.loads(line)
                by_trace[rec["trace_id"]].append(rec)
    return by_trace


def late_edges(recs, late_ns):
    """{(caller, callee)} of the trace's calls that took late_ns more than their callee."""
    by_parent = {r["parent_span_id"]: r for r in recs if r.get("parent_span_id")}
    late = set()
    for r in recs:
        for c in r.get("calls", []):
            callee = by_parent.get(c["span_id"])
            if callee is None:
                continue
            overhead = c["latency_ns"] - (callee["end_ns"] - callee["start_ns"])
            if overhead >= late_ns:
                late.add((r["service"], c["service"]))
    return late


def judge(phase, req, recs, args):
    """None when right, else why not."""
    c = req.get("culprit") or {}
    dom = req["domain"]
    if phase == "delay":
        return None if dom == "network" else "domain %s" % dom
    if phase == "loss":
        if dom != "network":
            return "domain %s" % dom
        late = late_edges(recs, args.late_ms * 1e6)
        edge = (c.get("service"), c.get("peer"))
        return None if edge in late else "named %s>%s, late calls %s" % (
            edge[0], edge[1], sorted("%s>%s" % e for e in late) or "none")
    if phase == "cpu":
        if dom != "receiver host":
            return "%s %s" % (dom, c.get("service"))
        if c.get("service") == args.cpu_service:
            return None
        waited = sum(r.get("run_delay_ns") or 0 for r in recs
                     if r["service"] == c.get("service"))
        excess = (c.get("ns") or 0) - (c.get("base_ns") or 0)
        if c.get("kind") in ("runq", "recv") and excess > 0 and waited >= excess / 2:
            return None
        return "%s %s (%s, %.1f ms above its baseline; its handler waited %.1f ms)" % (
            dom, c.get("service"), c.get("kind"), excess / 1e6, waited / 1e6)
    if phase == "slow":
        if dom != "receiver host" or c.get("service") != args.slow_service:
            return "%s %s" % (dom, c.get("service"))
        slept = [r for r in recs if r["service"] == args.slow_service and r.get("sleep_ns")]
        # a request queued in front of the sleeping service (its sidecar's connections
        # to the app busy with sleeping requests) is slowed by the fault too
        if slept or c.get("kind") == "recv":
            return None
        return "%s did not sleep in this request (%s)" % (args.slow_service, c.get("kind"))
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--phase", required=True, choices=["base", "delay", "loss", "cpu", "slow"])
    p.add_argument("--verdicts", required=True)
    p.add_argument("--truth", required=True)
    p.add_argument("--late-ms", type=float, default=150)
    p.add_argument("--cpu-service", default="backend-a")
    p.add_argument("--slow-service", default="backend-c")
    args = p.parse_args()
    with open(args.verdicts) as f:
        v = json.load(f)
    truth = load_truth(args.truth)
    right, wrong = 0, []
    for req in v["slow_requests"]:
        recs = truth.get(req["trace_id"], [])
        why = "no log line for this trace" if not recs else judge(args.phase, req, recs, args)
        if why is None:
            right += 1
        else:
            wrong.append({"trace_id": req["trace_id"], "latency_ms": req["latency_ns"] / 1e6,
                          "why": why})
    culprits = ["%s:%s:%s>%s" % (g["domain"], g["kind"], g.get("service"), g.get("peer"))
                for g in v["culprits"]]
    slow = len(v["slow_requests"])
    print(json.dumps({"phase": args.phase, "requests": v["requests"], "slow": slow,
                      "named": v["named"], "right": right,
                      "share": right / slow if slow else None, "culprits": culprits,
                      "wrong": wrong[:10]}))


if __name__ == "__main__":
    main()
