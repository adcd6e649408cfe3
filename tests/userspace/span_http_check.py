#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Client and checker of test_span_http.sh: HTTP requests to a server run under
libcrosslat-span-preload.so, then the spans it logged (CROSSLAT_SPAN_LOG) and traced
(crosslat_ust:span_begin/span_end, decoded by babeltrace2) checked against them.

  span_http_check.py requests PORT LOG   send the requests, check the spans in LOG
  span_http_check.py lttng LOG EVENTS    every span in LOG has its two events in EVENTS

TAP-style lines on stdout ("ok - span_http_<check>"), diagnostics on stderr; exit 1 on failure.
"""

import http.client
import json
import re
import secrets
import socket
import sys
import time

SERVICE = "e2e-http"
FAILURES = 0


def result(ok, name, why=""):
    global FAILURES
    print(("ok - " if ok else "not ok - ") + "span_http_" + name, flush=True)
    if not ok:
        FAILURES += 1
        if why:
            print("# " + why.replace("\n", "\n# "), file=sys.stderr)


def traceparent():
    """A fresh (trace id, parent span id, header value)."""
    trace, parent = secrets.token_hex(16), secrets.token_hex(8)
    return trace, parent, "00-%s-%s-01" % (trace, parent)


class Client:
    """Sends the requests and remembers what each should have logged."""

    def __init__(self, port):
        self.port = port
        self.expected = []  # dicts: name, trace, parent ("" when none was valid), status, group

    def expect(self, method, path, trace, parent, http_status, group):
        self.expected.append({"name": "%s %s" % (method, path.split("?")[0]), "trace": trace,
                              "parent": parent, "status": 2 if http_status >= 500 else 0,
                              "http_status": http_status, "group": group})

    def request(self, conn, method, path, tp=None, body=None, group="single"):
        headers = {"traceparent": tp[2]} if tp else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        self.expect(method, path, tp[0] if tp else "", tp[1] if tp else "", resp.status, group)

    def raw(self, pieces, count):
        """Sends @pieces over one connection (a pause between them), reads to the close."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            for i, piece in enumerate(pieces):
                if i:
                    time.sleep(0.05)
                s.sendall(piece.encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data.count(b"HTTP/1.") == count

    def run(self, separate):
        conn = lambda: http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        # Separate connections, each with its own traceparent; some 404.
        for i in range(separate):
            c = conn()
            path = "/f%d.txt" % (i % 5) if i % 4 else "/missing%d?x=%d" % (i, i)
            self.request(c, "GET", path, traceparent())
            c.close()
        # Keep-alive: three requests on one connection.
        c = conn()
        self.request(c, "GET", "/f5.txt", traceparent(), group="keepalive")
        self.request(c, "GET", "/f6.txt?q=1", traceparent(), group="keepalive")
        self.request(c, "HEAD", "/f7.txt", traceparent(), group="keepalive")
        c.close()
        # No traceparent, and an invalid one (uppercase hex): new traces.
        for _ in range(3):
            c = conn()
            self.request(c, "GET", "/f8.txt", group="fresh")
            c.close()
        c = conn()
        bad = "00-%s-%s-01" % (secrets.token_hex(16).upper(), secrets.token_hex(8))
        c.request("GET", "/f9.txt", headers={"traceparent": bad})
        c.getresponse().read()
        c.close()
        self.expect("GET", "/f9.txt", "", "", 200, "fresh")
        # http.server answers POST with 501: an OTLP error.
        c = conn()
        self.request(c, "POST", "/f0.txt", traceparent(), body=b"payload")
        c.close()
        # Pipelined: two requests in one write.
        tp1, tp2 = traceparent(), traceparent()
        ok = self.raw(["GET /f1.txt HTTP/1.1\r\nHost: t\r\ntraceparent: %s\r\n\r\n"
                       "GET /f2.txt HTTP/1.1\r\nHost: t\r\ntraceparent: %s\r\n"
                       "Connection: close\r\n\r\n" % (tp1[2], tp2[2])], 2)
        result(ok, "pipelined_responses")
        self.expect("GET", "/f1.txt", tp1[0], tp1[1], 200, "pipelined")
        self.expect("GET", "/f2.txt", tp2[0], tp2[1], 200, "pipelined")
        # A head split inside the traceparent field's name, over three writes.
        tp = traceparent()
        ok = self.raw(["GET /f3.txt HTTP/1.1\r\nHost: t\r\ntrace",
                       "parent: %s\r\nConnection: close\r\n" % tp[2], "\r\n"], 1)
        result(ok, "split_head_response")
        self.expect("GET", "/f3.txt", tp[0], tp[1], 200, "split")


def read_log(path, count, wait):
    """The log's spans, once it has @count of them (a span ends after its last write)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with open(path) as f:
                lines = f.readlines()
        except FileNotFoundError:
            lines = []
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.05)


def check_log(expected, spans):
    result(len(spans) == len(expected), "one_span_per_request",
           "%d spans logged for %d requests" % (len(spans), len(expected)))
    sent = {e["trace"] for e in expected if e["trace"]}
    pids = {s["pid"] for s in spans}
    result(len(pids) == 1, "one_process", "pids %s" % pids)
    result(all(s["service"] == SERVICE for s in spans), "service_from_env")
    result(all(re.fullmatch("[0-9a-f]{16}", s["span_id"]) and s["span_id"] != "0" * 16
               and s["end_ns"] >= s["start_ns"] > 0 for s in spans), "span_ids_and_times")
    result(len({s["span_id"] for s in spans}) == len(spans), "span_ids_unique")
    result(all(s["begin_kernel"] == 0 and s["end_kernel"] == 0 and s["annotated"] == 0
               for s in spans) or open_device(), "no_kernel_without_device")

    by_trace = {}
    for s in spans:
        by_trace.setdefault(s["trace_id"], []).append(s)
    bad = []
    for e in expected:
        if not e["trace"]:
            continue
        got = by_trace.get(e["trace"], [])
        if (len(got) != 1 or got[0]["parent_span_id"] != e["parent"] or
                got[0]["name"] != e["name"] or got[0]["status"] != e["status"]):
            bad.append("%s: wanted %s, got %s" % (e["name"], e, got))
    result(not bad, "traced_requests_match", "\n".join(bad))
    result(any(e["http_status"] == 404 for e in expected) and
           any(e["http_status"] == 501 and e["status"] == 2 for e in expected),
           "statuses_exercised")

    fresh = [s for s in spans if not s["parent_span_id"]]
    names = sorted(s["name"] for s in fresh)
    want = sorted(e["name"] for e in expected if not e["trace"])
    result(names == want and len({s["trace_id"] for s in fresh}) == len(fresh) and
           not any(s["trace_id"] in sent for s in fresh), "fresh_traces",
           "root spans %s, wanted %s" % (names, want))

    keep = sorted((by_trace[e["trace"]][0] for e in expected
                   if e["group"] == "keepalive" and len(by_trace.get(e["trace"], [])) == 1),
                  key=lambda s: s["start_ns"])
    result(len(keep) == 3 and len({s["tid"] for s in keep}) == 1 and
           all(a["end_ns"] <= b["start_ns"] for a, b in zip(keep, keep[1:])),
           "keepalive_sequential_same_thread", json.dumps(keep))
    pipe = sorted((by_trace[e["trace"]][0] for e in expected
                   if e["group"] == "pipelined" and len(by_trace.get(e["trace"], [])) == 1),
                  key=lambda s: s["start_ns"])
    result(len(pipe) == 2 and pipe[0]["name"] == "GET /f1.txt" and
           pipe[0]["end_ns"] <= pipe[1]["start_ns"], "pipelined_in_order", json.dumps(pipe))


def open_device():
    try:
        open("/dev/crosslat_span").close()
        return True
    except OSError:
        return False


def babeltrace_events(path):
    """crosslat_ust span events as dicts: event name, fields, and vtid if in the context."""
    events = []
    array = r"\[(?: \[\d+\] = 0x[0-9A-Fa-f]+,?)* \]"
    field = re.compile(r'(\w+) = (%s|"(?:[^"\\]|\\.)*"|-?\w+)' % array)
    with open(path) as f:
        for line in f:
            m = re.search(r"crosslat_ust:(span_begin|span_end): (.*)$", line)
            if not m:
                continue
            ev = {"event": m.group(1)}
            for name, value in field.findall(m.group(2)):
                if value.startswith("["):
                    ev[name] = "".join("%02x" % int(b, 16)
                                       for b in re.findall(r"\] = (0x[0-9a-fA-F]+)", value))
                elif value.startswith('"'):
                    ev[name] = value[1:-1]
                else:
                    ev[name] = int(value, 0)
            events.append(ev)
    return events


def check_lttng(spans, events):
    begins = {e["span_id"]: e for e in events if e["event"] == "span_begin"}
    ends = {e["span_id"]: e for e in events if e["event"] == "span_end"}
    result(len(spans) > 0 and len(begins) == len(spans) and len(ends) == len(spans) and
           len(events) == 2 * len(spans), "lttng_two_events_per_span",
           "%d spans, %d events (%d begin, %d end)" % (len(spans), len(events), len(begins),
                                                      len(ends)))
    bad = []
    for s in spans:
        b, e = begins.get(s["span_id"]), ends.get(s["span_id"])
        parent = s["parent_span_id"] or "0" * 16
        if (not b or b["trace_id"] != s["trace_id"] or b["parent_span_id"] != parent or
                b["name"] != s["name"] or b["service"] != s["service"] or
                b["kernel"] != s["begin_kernel"] or b.get("vtid", s["tid"]) != s["tid"]):
            bad.append("span_begin of %s: %s" % (s, b))
        if (not e or e["trace_id"] != s["trace_id"] or e["status"] != s["status"] or
                e["duration_ns"] != s["duration_ns"] or e["kernel"] != s["end_kernel"] or
                e["annotated"] != s["annotated"] or e["syscalls"] != s["syscalls"]):
            bad.append("span_end of %s: %s" % (s, e))
    result(not bad, "lttng_events_match_log", "\n".join(bad[:6]))
    result(all("vtid" in e for e in events), "lttng_vtid_context")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "requests":
        client = Client(int(sys.argv[2]))
        client.run(separate=20)
        check_log(client.expected, read_log(sys.argv[3], len(client.expected), wait=10))
    elif len(sys.argv) == 4 and sys.argv[1] == "lttng":
        with open(sys.argv[2]) as f:
            spans = [json.loads(line) for line in f]
        check_lttng(spans, babeltrace_events(sys.argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
