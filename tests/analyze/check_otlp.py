#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Checks a file of OTLP/JSON trace requests as the OpenTelemetry Collector's file exporter
# writes them (one {"resourceSpans": [...]} object per line) against the structure of the
# OTLP/JSON encoding (opentelemetry-proto trace/v1, JSON mapping): required fields and
# types, hex ids of the right length, times as decimal strings, attribute values; then the
# links crosslat-analyze makes: every system call span (attribute crosslat.syscall.nr) has a
# parent span in the file and lies within its interval, +- TOL_NS.
#
#   check_otlp.py FILE     prints "lines=N spans=N syscalls=N events=N external_parents=N"
#                          and exits 0, or prints the problems on stderr and exits 1

import json
import re
import sys

TOL_NS = 5000
HEX = re.compile(r"^[0-9a-f]+$")
UINT = re.compile(r"^(0|[1-9][0-9]*)$")
INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
VALUE_KINDS = {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue",
               "kvlistValue", "bytesValue"}
EPOCH_2000_NS = 946684800 * 10**9

problems = []


def bad(where, what):
    problems.append(f"{where}: {what}")


def check_id(where, v, nbytes, required=True):
    if v is None:
        if required:
            bad(where, "missing")
        return
    if not isinstance(v, str) or len(v) != 2 * nbytes or not HEX.match(v):
        bad(where, f"not {2 * nbytes} lower-case hex digits: {v!r}")
    elif set(v) == {"0"}:
        bad(where, "all zero")


def check_time(where, v):
    if not isinstance(v, str) or not UINT.match(v):
        bad(where, f"not a decimal string of nanoseconds: {v!r}")
        return None
    return int(v)


def check_attrs(where, attrs):
    """The attributes as a dict; problems recorded."""
    out = {}
    if attrs is None:
        return out
    if not isinstance(attrs, list):
        bad(where, "attributes not a list")
        return out
    for i, a in enumerate(attrs):
        w = f"{where}.attributes[{i}]"
        if not isinstance(a, dict) or not isinstance(a.get("key"), str) or not a["key"]:
            bad(w, "no key")
            continue
        v = a.get("value")
        if not isinstance(v, dict) or len(v) != 1 or next(iter(v)) not in VALUE_KINDS:
            bad(w, f"value is not one AnyValue: {v!r}")
            continue
        kind, val = next(iter(v.items()))
        if kind == "intValue" and not (isinstance(val, str) and INT.match(val)):
            bad(w, f"intValue not a decimal string: {val!r}")
        elif kind == "boolValue" and not isinstance(val, bool):
            bad(w, f"boolValue not a boolean: {val!r}")
        elif kind == "stringValue" and not isinstance(val, str):
            bad(w, f"stringValue not a string: {val!r}")
        if a["key"] in out:
            bad(w, f"key {a['key']} repeated")
        out[a["key"]] = int(val) if kind == "intValue" and isinstance(val, str) and \
            INT.match(val) else val
    return out


def check_span(where, s, spans):
    if not isinstance(s, dict):
        bad(where, "span not an object")
        return
    check_id(f"{where}.traceId", s.get("traceId"), 16)
    check_id(f"{where}.spanId", s.get("spanId"), 8)
    check_id(f"{where}.parentSpanId", s.get("parentSpanId"), 8, required=False)
    if not isinstance(s.get("name"), str) or not s["name"]:
        bad(where, "no name")
    if not isinstance(s.get("kind"), int) or not 0 <= s["kind"] <= 5:
        bad(where, f"kind not a SpanKind: {s.get('kind')!r}")
    start = check_time(f"{where}.startTimeUnixNano", s.get("startTimeUnixNano"))
    end = check_time(f"{where}.endTimeUnixNano", s.get("endTimeUnixNano"))
    if start is not None and end is not None and end < start:
        bad(where, f"ends before it starts ({end} < {start})")
    attrs = check_attrs(where, s.get("attributes"))
    if start is not None and "crosslat.clock" not in attrs and start < EPOCH_2000_NS:
        bad(where, f"start {start} is not Unix time and no crosslat.clock says so")
    for i, e in enumerate(s.get("events") or []):
        w = f"{where}.events[{i}]"
        if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not e["name"]:
            bad(w, "no name")
            continue
        check_time(f"{w}.timeUnixNano", e.get("timeUnixNano"))
        check_attrs(w, e.get("attributes"))
    st = s.get("status")
    if st is not None and (not isinstance(st, dict) or
                           not isinstance(st.get("code", 0), int) or
                           not 0 <= st.get("code", 0) <= 2):
        bad(where, f"status not a Status: {st!r}")
    key = (s.get("traceId"), s.get("spanId"))
    if key in spans:
        bad(where, f"span {key} repeated")
    spans[key] = (where, s, start, end, attrs)


def main():
    if len(sys.argv) != 2:
        print("usage: check_otlp.py FILE", file=sys.stderr)
        return 2
    spans = {}
    lines = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            lines += 1
            try:
                req = json.loads(line)
            except ValueError as e:
                bad(f"line {n}", f"not JSON: {e}")
                continue
            if not isinstance(req, dict) or set(req) != {"resourceSpans"} or \
                    not isinstance(req["resourceSpans"], list) or not req["resourceSpans"]:
                bad(f"line {n}", "not one object with a non-empty resourceSpans list")
                continue
            for r, rs in enumerate(req["resourceSpans"]):
                w = f"line {n}.resourceSpans[{r}]"
                res = rs.get("resource") if isinstance(rs, dict) else None
                if not isinstance(res, dict):
                    bad(w, "no resource")
                    continue
                if not isinstance(check_attrs(f"{w}.resource", res.get("attributes"))
                                  .get("service.name"), str):
                    bad(w, "no service.name")
                for c, ss in enumerate(rs.get("scopeSpans") or []):
                    wc = f"{w}.scopeSpans[{c}]"
                    if not isinstance(ss.get("scope"), dict) or \
                            ss["scope"].get("name") != "crosslat":
                        bad(wc, "scope name is not crosslat")
                    if not isinstance(ss.get("spans"), list) or not ss["spans"]:
                        bad(wc, "no spans")
                        continue
                    for i, s in enumerate(ss["spans"]):
                        check_span(f"{wc}.spans[{i}]", s, spans)
    syscalls = events = external = 0
    for (trace, _), (where, s, start, end, attrs) in spans.items():
        events += len(s.get("events") or [])
        parent = s.get("parentSpanId")
        p = spans.get((trace, parent)) if parent else None
        if "crosslat.syscall.nr" not in attrs:
            external += parent is not None and p is None
            continue
        syscalls += 1
        if p is None:
            bad(where, f"system call span without its parent {parent} in the file")
        elif None not in (start, end, p[2], p[3]) and \
                (start < p[2] - TOL_NS or end > p[3] + TOL_NS):
            bad(where, f"[{start}, {end}] not within its parent's [{p[2]}, {p[3]}]")
    for p in problems[:30]:
        print(p, file=sys.stderr)
    if len(problems) > 30:
        print(f"... and {len(problems) - 30} more", file=sys.stderr)
    print(f"lines={lines} spans={len(spans)} syscalls={syscalls} events={events} "
          f"external_parents={external}")
    return 1 if problems or not lines else 0


if __name__ == "__main__":
    sys.exit(main())
