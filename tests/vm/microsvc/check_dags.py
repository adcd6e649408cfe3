#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks `crosslat-analyze dags --json` against the microservice apps' own logs.

  check_dags.py --dags DAGS.json --truth REQUESTS.jsonl [--fault-service SVC]

The truth (tests/vm/microsvc/app.py's log lines of every service): which service and
thread handled each request and made each call. A frontend request's tree is its handler
(service, tid); under it, per call, the callee's request tree, below a node (service, tid of
the calling thread) when the call ran on a thread of its own (a fork); the callee is the
request whose parent_span_id is the call's span id (traceparent is read here, never by the
analyzer). A DAG's tree is the same shape from its states: (service of the state's pid, tid)
and its children.

A DAG belongs to the frontend request handled by its entry state's thread within the
state's interval. Every frontend request inside the traced window is counted; it is right
when its DAG's tree is identical to the truth's.

Bucketed events (--fault-service, the app run with --fault-pages and --migrate): each of its
requests is matched to the state of its thread holding its interval; one that faulted N pages
on purpose must have at least N x86_exceptions_page_fault_user there, one that did not must
have fewer than N (the pages did not land in another request's state); every state must have
at least the thread's own count of minor faults (getrusage) in the request; one that moved
CPU on purpose must have a sched_migrate_task.

Prints one JSON object of figures.
"""
import argparse
import bisect
import collections
import json
import sys

FAULT_EV = "x86_exceptions_page_fault_user"
MIGRATE_EV = "sched_migrate_task"


def load_truth(path):
    recs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                recs.append(json.loads(line))
    return recs


def truth_tree(rec, callee_of):
    """(service, tid, children) of a truth request, or None when a callee is missing."""
    children = []
    for c in rec.get("calls", []):
        callee = callee_of.get((c["service"], c["span_id"]))
        if callee is None:
            return None
        sub = truth_tree(callee, callee_of)
        if sub is None:
            return None
        if c["tid"] != rec["tid"]:
            sub = (rec["service"], c["tid"], (sub,))
        children.append(sub)
    return (rec["service"], rec["tid"], tuple(sorted(children)))


def dag_tree(states, i, kids, service_of):
    s = states[i]
    return (service_of.get(s["pid"], "pid %d" % s["pid"]), s["tid"],
            tuple(sorted(dag_tree(states, k, kids, service_of) for k in kids[i])))


class Intervals:
    """States per tid, to find the one holding an interval."""

    def __init__(self):
        self.by_tid = collections.defaultdict(list)

    def add(self, state, dag):
        if state["mono_start_ns"] is not None:
            self.by_tid[state["tid"]].append((state["mono_start_ns"], state["mono_end_ns"],
                                              state, dag))

    def sort(self):
        for v in self.by_tid.values():
            v.sort(key=lambda x: x[0])

    def holding(self, tid, start, end):
        v = self.by_tid.get(tid, [])
        i = bisect.bisect_right(v, start, key=lambda x: x[0]) - 1
        while i >= 0:
            s0, s1, state, dag = v[i]
            if s0 <= start and end <= s1:
                return state, dag
            if s1 < start:
                return None, None
            i -= 1
        return None, None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dags", required=True)
    p.add_argument("--truth", required=True)
    p.add_argument("--entry", default="frontend")
    p.add_argument("--fault-service")
    args = p.parse_args()

    with open(args.dags) as f:
        dags = json.load(f)
    truth = load_truth(args.truth)
    service_of = {r["pid"]: r["service"] for r in truth}
    callee_of = {(r["service"], r["parent_span_id"]): r for r in truth if r["parent_span_id"]}

    states = Intervals()
    lo = hi = None
    for d in dags:
        for s in d["states"]:
            if s["kind"] in ("entry", "call"):
                states.add(s, d)
            if s["mono_start_ns"] is not None:
                lo = s["mono_start_ns"] if lo is None else min(lo, s["mono_start_ns"])
                hi = s["mono_end_ns"] if hi is None else max(hi, s["mono_end_ns"])
    states.sort()
    if lo is None:
        print(json.dumps({"error": "no DAG with a CLOCK_MONOTONIC time"}))
        return 1

    out = collections.OrderedDict()
    roots = [r for r in truth if r["service"] == args.entry and lo <= r["start_ns"] and
             r["end_ns"] <= hi]
    out["requests"] = len(roots)
    out["dags"] = len(dags)
    out["dags_from_entry"] = sum(1 for d in dags
                                 if service_of.get(d["states"][0]["pid"]) == args.entry)
    right, no_dag, no_truth, wrong = 0, 0, 0, []
    for r in roots:
        want = truth_tree(r, callee_of)
        if want is None:
            no_truth += 1
            continue
        state, dag = states.holding(r["tid"], r["start_ns"], r["end_ns"])
        if dag is None or state["kind"] != "entry":
            no_dag += 1
            if len(wrong) < 5:
                wrong.append({"trace_id": r["trace_id"], "want": want, "got": None})
            continue
        idx = {s["state"]: k for k, s in enumerate(dag["states"])}
        kids = collections.defaultdict(list)
        for k, s in enumerate(dag["states"]):
            if s["parent"] >= 0:
                kids[idx[s["parent"]]].append(k)
        got = dag_tree(dag["states"], 0, kids, service_of)
        if got == want:
            right += 1
        elif len(wrong) < 5:
            wrong.append({"trace_id": r["trace_id"], "want": want, "got": got})
    judged = len(roots) - no_truth
    out["truth_incomplete"] = no_truth
    out["without_dag"] = no_dag
    out["identical"] = right
    out["accuracy"] = right / judged if judged else 0.0
    out["examples_wrong"] = wrong

    if args.fault_service:
        f = collections.Counter()
        for r in truth:
            if r["service"] != args.fault_service or not (lo <= r["start_ns"] and
                                                          r["end_ns"] <= hi):
                continue
            state, _ = states.holding(r["tid"], r["start_ns"], r["end_ns"])
            f["requests"] += 1
            if state is None:
                f["without_state"] += 1
                continue
            faults = state["events"].get(FAULT_EV, 0)
            if r.get("pages"):
                f["faulted"] += 1
                f["faulted_ok"] += faults >= r["pages"]
            else:
                f["clean"] += 1
                f["clean_ok"] += faults < (r.get("pages_injected") or 64)
            f["minflt_ok"] += faults >= r.get("minflt", 0)
            if r.get("migrated"):
                f["migrated"] += 1
                f["migrated_ok"] += state["events"].get(MIGRATE_EV, 0) >= 1
        out["bucketed"] = dict(f)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
