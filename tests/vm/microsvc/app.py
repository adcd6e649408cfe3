#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""One service of the microservice testbed (tests/vm/microsvc.sh): an HTTP/1.1 app server.

  app.py --name NAME --log FILE [--listen IP:PORT] [--call SERVICE=URL]... [--parallel]
         [--fanout pool|spawn] [--workers N] [--shared-conns] [--work-us N]
         [--fault-file FILE] [--fault-pages N:FRACTION] [--migrate FRACTION]
         [--spans LIBCROSSLAT_SPAN_SO]

For every request: reads the W3C traceparent header (a new trace when it is absent or
malformed), calls each downstream service (--call, in order, or all at once with
--parallel) over a keep-alive connection of its own thread, with the same trace id and a new
span id in traceparent, spends --work-us of its own thread's CPU time, sleeps when the slow
fault says so, then answers 200 with a small JSON body (502 when a call failed).

Threads: by default a thread per client connection, and --parallel calls on a pool of threads
that live on (--fanout pool); --workers N serves connections from a fixed pool of N threads
(each serves one connection until it closes), --fanout spawn makes each parallel call on a
thread started for it, --shared-conns keeps one pool of idle keep-alive connections per
downstream that any thread takes from (instead of one connection per calling thread).

Kernel-visible work: --fault-pages N:FRACTION touches N fresh pages (an anonymous mapping,
one write each: N minor page faults) in that fraction of requests; --migrate FRACTION moves
the handler thread to another CPU (sched_setaffinity) and back in that fraction.

Ground truth: one JSON line per request in --log, written once the answer is sent:
  service, trace_id, span_id (this request's), parent_span_id (the caller's, "" for a new
  trace), pid, tid (native), start_ns / end_ns (CLOCK_MONOTONIC, from the request parsed to
  the answer about to be written, so the caller's call interval holds them), status,
  error (only when the answer could not be written: the client left), sleep_ns (injected
  by the slow fault), work_ns (CPU time spent for --work-us), path, peer / local (the
  pod-level connection as the nginx sidecar saw it: X-Crosslat-Peer / X-Crosslat-Local),
  calls: [{service, url, span_id (sent as traceparent's parent-id, so the callee logs it
  as its parent_span_id), tid, start_ns, end_ns, latency_ns, status, local, peer (this
  socket's addresses), reused (a keep-alive connection), retried (a stale keep-alive
  connection was replaced), error (when status is 0)}], pages (faulted on purpose),
  minflt (the handler thread's minor faults from start_ns to end_ns, getrusage), migrated
  (moved to another CPU on purpose: 1), run_delay_ns (the handler thread's wait for a CPU,
  /proc/thread-self/schedstat, from the end of its previous request, or its start, to
  end_ns: the wake-up to read this request included).

Spans (--spans, the path of libcrosslat-span.so): each request is a span of the library,
named "GET PATH" (from the parsed request to the answer written), and each call a span
"call SERVICE" on the calling thread, a child of the request's span (its span id is the
traceparent's parent-id sent); the ids logged are the library's. The kernel
(crosslat_span.ko) tracks the request's span on the handler thread and a call's span on
its thread (--parallel then makes every call on a pool thread; a call made on the handler
thread itself, inside the request's span, would be traced by lttng-ust only: the kernel
keeps one span per thread).

Slow fault: the file --fault-file, when present, holds "SLEEP_MS FRACTION": that fraction of
requests (chosen at random) sleeps SLEEP_MS in the handler. Without the file, the
environment's MS_SLOW_MS and MS_SLOW_FRACTION (default 0) apply. The file is re-read when
its inode, size or mtime change, so write it by rename.
"""
import argparse
import concurrent.futures
import ctypes
import http.client
import http.server
import json
import mmap
import os
import queue
import random
import re
import resource
import socket
import sys
import threading
import time
import urllib.parse

TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def new_id(nbytes):
    while True:
        v = os.urandom(nbytes).hex()
        if v.strip("0"):
            return v


def parse_traceparent(value):
    """(trace_id, parent_span_id, flags) of a valid header, or None."""
    m = TRACEPARENT.match((value or "").strip().lower())
    if not m or m.group(1) == "ff" or not m.group(2).strip("0") or not m.group(3).strip("0"):
        return None
    return m.group(2), m.group(3), m.group(4)


class CSpan(ctypes.Structure):
    """struct crosslat_span of ust/crosslat_span.h."""
    _fields_ = [("trace_id", ctypes.c_uint8 * 16), ("span_id", ctypes.c_uint8 * 8),
                ("parent_span_id", ctypes.c_uint8 * 8), ("name", ctypes.c_char * 32),
                ("service", ctypes.c_char * 32), ("start_ns", ctypes.c_uint64),
                ("end_ns", ctypes.c_uint64), ("duration_ns", ctypes.c_uint64),
                ("tid", ctypes.c_int32), ("begin_kernel", ctypes.c_int32),
                ("end_kernel", ctypes.c_int32), ("syscalls", ctypes.c_uint32),
                ("annotated", ctypes.c_uint8), ("status", ctypes.c_uint8),
                ("reserved", ctypes.c_uint16), ("state", ctypes.c_uint32)]


class Spans:
    """libcrosslat-span through ctypes; without a library, ids of our own and no spans."""

    def __init__(self, path, service):
        self.lib = ctypes.CDLL(path) if path else None
        self.service = service.encode()
        if self.lib:
            self.lib.crosslat_span_begin.argtypes = [
                ctypes.POINTER(CSpan), ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                ctypes.c_char_p]
            self.lib.crosslat_span_end.argtypes = [ctypes.POINTER(CSpan), ctypes.c_int]

    def begin(self, trace_id, parent_span_id, name):
        """(handle, span_id hex): a span of the library, or (None, an id of our own)."""
        if not self.lib:
            return None, new_id(8)
        s = CSpan()
        rc = self.lib.crosslat_span_begin(
            ctypes.byref(s), bytes.fromhex(trace_id),
            bytes.fromhex(parent_span_id) if parent_span_id else None, name.encode(),
            self.service)
        if rc:
            raise OSError(-rc, "crosslat_span_begin")
        return s, bytes(s.span_id).hex()

    def end(self, s, status):
        if s is not None:
            self.lib.crosslat_span_end(ctypes.byref(s), 2 if status >= 500 or not status else 0)


def addr(pair):
    return "%s:%d" % (pair[0], pair[1])


class Fault:
    """The slow-handler fault: (sleep_ns, fraction), from the control file or environment."""

    def __init__(self, path):
        self.path = path
        self.key = None
        self.lock = threading.Lock()
        self.value = self.parse(os.environ.get("MS_SLOW_MS", "0"),
                                os.environ.get("MS_SLOW_FRACTION", "0"))
        self.default = self.value

    @staticmethod
    def parse(ms, fraction):
        try:
            return int(float(ms) * 1e6), min(max(float(fraction), 0.0), 1.0)
        except ValueError:
            return 0, 0.0

    def current(self):
        if not self.path:
            return self.value
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            with self.lock:
                self.key, self.value = None, self.default
            return self.value
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        with self.lock:
            if key != self.key:
                try:
                    with open(self.path) as f:
                        words = f.read().split()
                    self.value = self.parse(*(words + ["0", "0"])[:2])
                except OSError:
                    self.value = self.default
                self.key = key
            return self.value


class Downstream:
    """A downstream service; one keep-alive connection per calling thread."""

    def __init__(self, service, url, shared=False):
        u = urllib.parse.urlsplit(url)
        if u.scheme != "http" or not u.hostname:
            raise ValueError("bad --call URL %r" % url)
        self.service, self.url = service, url
        self.host, self.port = u.hostname, u.port or 80
        self.path = (u.path or "/") + ("?" + u.query if u.query else "")
        self.local = threading.local()
        self.idle = [] if shared else None
        self.idle_lock = threading.Lock()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None and self.idle:
            with self.idle_lock:
                conn = self.idle.pop() if self.idle else None
            self.local.conn = conn
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.crosslat_used = False
            self.local.conn = conn
        return conn

    def drop(self):
        conn = getattr(self.local, "conn", None)
        self.local.conn = None
        if conn is not None:
            conn.close()

    def release(self):
        """With shared connections, the calling thread's goes back to the idle pool."""
        conn = getattr(self.local, "conn", None)
        if self.idle is not None and conn is not None:
            self.local.conn = None
            with self.idle_lock:
                self.idle.append(conn)

    def call(self, spans, trace_id, parent_span_id, flags):
        span, span_id = spans.begin(trace_id, parent_span_id, "call " + self.service)
        rec = {"service": self.service, "url": self.url, "span_id": span_id,
               "tid": threading.get_native_id(), "retried": False}
        rec["start_ns"] = time.monotonic_ns()
        headers = {"traceparent": "00-%s-%s-%s" % (trace_id, span_id, flags)}
        for attempt in (0, 1):
            try:
                conn = self.connection()
                rec["reused"] = conn.crosslat_used
                rec["local"] = addr(conn.sock.getsockname())
                rec["peer"] = addr(conn.sock.getpeername())
                conn.request("GET", self.path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.crosslat_used = True
                rec["status"] = resp.status
                if resp.will_close:
                    self.drop()
                break
            except (ConnectionError, http.client.RemoteDisconnected,
                    http.client.CannotSendRequest, http.client.BadStatusLine) as e:
                # a keep-alive connection the server closed meanwhile: once more, anew
                stale = rec.get("reused", False) and attempt == 0
                self.drop()
                if stale:
                    rec["retried"] = True
                    continue
                rec["status"], rec["error"] = 0, "%s: %s" % (type(e).__name__, e)
                break
            except OSError as e:
                self.drop()
                rec["status"], rec["error"] = 0, "%s: %s" % (type(e).__name__, e)
                break
        rec["end_ns"] = time.monotonic_ns()
        rec["latency_ns"] = rec["end_ns"] - rec["start_ns"]
        self.release()
        spans.end(span, rec["status"])
        return rec


def spawn_calls(calls, *args):
    """Each call on a thread started for it (a kernel-visible fork of the request)."""
    out = [None] * len(calls)

    def run(i, d):
        out[i] = d.call(*args)

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def fault_pages(n):
    """n minor page faults: one write to each page of a fresh anonymous mapping."""
    m = mmap.mmap(-1, n * mmap.PAGESIZE)
    for i in range(n):
        m[i * mmap.PAGESIZE] = 1
    m.close()


def current_cpu():
    with open("/proc/thread-self/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[36])


def migrate():
    """Moves this thread to another CPU and lets it go back; 1 when it moved."""
    allowed = os.sched_getaffinity(0)
    others = sorted(allowed - {current_cpu()})
    if not others:
        return 0
    os.sched_setaffinity(0, {others[0]})
    moved = current_cpu() == others[0]
    os.sched_setaffinity(0, allowed)
    return int(moved)


_run_delay = threading.local()


def run_delay_since_last():
    """This thread's runqueue wait (schedstat run_delay, ns) since its previous call."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            now = int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    last = getattr(_run_delay, "ns", None)
    _run_delay.ns = now
    return None if last is None else now - last


def burn(cpu_ns):
    """Spend cpu_ns of this thread's CPU time (CPU contention stretches it in wall time)."""
    if cpu_ns <= 0:
        return 0
    t0 = time.thread_time_ns()
    x = 0
    while time.thread_time_ns() - t0 < cpu_ns:
        for i in range(200):
            x += i * i
    return time.thread_time_ns() - t0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "crosslat-microsvc"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def do_GET(self):
        app = self.server.app
        start = time.monotonic_ns()
        parent = parse_traceparent(self.headers.get("traceparent"))
        if parent:
            trace_id, parent_span_id, flags = parent
        else:
            trace_id, parent_span_id, flags = new_id(16), "", "01"
        span, span_id = app.spans.begin(trace_id, parent_span_id, "GET " + self.path)
        rec = {"service": app.name, "trace_id": trace_id, "span_id": span_id,
               "parent_span_id": parent_span_id, "pid": app.pid,
               "tid": threading.get_native_id(), "start_ns": start,
               "path": self.path,
               "peer": self.headers.get("X-Crosslat-Peer", addr(self.client_address)),
               "local": self.headers.get("X-Crosslat-Local",
                                         addr(self.server.server_address))}
        minflt0 = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        if getattr(_run_delay, "ns", None) is None:
            run_delay_since_last()      # a new thread: from its first request's start
        if app.parallel and len(app.calls) > 1 and app.fanout == "spawn":
            calls = spawn_calls(app.calls, app.spans, trace_id, span_id, flags)
        elif app.parallel and len(app.calls) > 1:
            # with spans, every call on a pool thread, outside the request's span, so
            # that the kernel tracks each call's thread too
            first = 0 if app.spans.lib else 1
            futs = [app.pool.submit(d.call, app.spans, trace_id, span_id, flags)
                    for d in app.calls[first:]]
            calls = ([app.calls[0].call(app.spans, trace_id, span_id, flags)]
                     if first else []) + [f.result() for f in futs]
        else:
            calls = [d.call(app.spans, trace_id, span_id, flags) for d in app.calls]
        rec["work_ns"] = burn(app.work_ns)
        rec["pages"] = 0
        if app.pages and random.random() < app.pages_fraction:
            fault_pages(app.pages)
            rec["pages"] = app.pages
        rec["migrated"] = 0
        if app.migrate and random.random() < app.migrate:
            rec["migrated"] = migrate()
        sleep_ns, fraction = app.fault.current()
        rec["sleep_ns"] = 0
        if sleep_ns and fraction and random.random() < fraction:
            rec["sleep_ns"] = sleep_ns
            time.sleep(sleep_ns / 1e9)
        status = 200 if all(c["status"] == 200 for c in calls) else 502
        body = json.dumps({"service": app.name, "trace_id": trace_id, "span_id": span_id,
                           "status": status}).encode() + b"\n"
        head = ("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % (status, "OK" if status == 200 else
                                                "Bad Gateway", len(body))).encode()
        # end before the write: the caller may see the answer before write() returns
        rec["minflt"] = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - minflt0
        rec["run_delay_ns"] = run_delay_since_last()
        rec["end_ns"] = time.monotonic_ns()
        rec["status"] = status
        rec["calls"] = calls
        try:
            # one write: no Nagle wait for the body behind the headers
            self.wfile.write(head + body)
        except OSError as e:
            # the client left (wrk stopping): the request was still served
            rec["error"] = "%s: %s" % (type(e).__name__, e)
            self.close_connection = True
        # the span holds the answer's write (and any wait for a CPU before it)
        app.spans.end(span, status)
        app.log(rec)


class App:
    def __init__(self, args):
        self.name = args.name
        self.pid = os.getpid()
        self.parallel = args.parallel
        self.fanout = args.fanout
        self.pages, self.pages_fraction = args.fault_pages
        self.migrate = args.migrate
        self.work_ns = args.work_us * 1000
        self.fault = Fault(args.fault_file)
        self.spans = Spans(args.spans, args.name)
        self.calls = []
        for spec in args.call:
            service, sep, url = spec.partition("=")
            if not sep:
                raise SystemExit("--call wants SERVICE=URL, not %r" % spec)
            self.calls.append(Downstream(service, url, args.shared_conns))
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=32)
        self.out = open(args.log, "a", buffering=1)
        self.lock = threading.Lock()

    def log(self, rec):
        line = json.dumps(rec, separators=(",", ":")) + "\n"
        with self.lock:
            self.out.write(line)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # a client closing its keep-alive connection (wrk stopping) is no error
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class PoolServer(Server):
    """Connections served by a fixed pool of threads, each until its connection closes."""

    def start_workers(self, n):
        self.conns = queue.Queue()
        for _ in range(n):
            threading.Thread(target=self.worker, daemon=True).start()

    def worker(self):
        while True:
            request, client_address = self.conns.get()
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def process_request(self, request, client_address):
        self.conns.put((request, client_address))


def pages_spec(s):
    n, _, fraction = s.partition(":")
    return int(n), float(fraction or 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--name", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--listen", default="127.0.0.1:8080")
    p.add_argument("--call", action="append", default=[], metavar="SERVICE=URL")
    p.add_argument("--parallel", action="store_true")
    p.add_argument("--fanout", choices=("pool", "spawn"), default="pool")
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--shared-conns", action="store_true")
    p.add_argument("--fault-pages", type=pages_spec, default=(0, 0.0), metavar="N:FRACTION")
    p.add_argument("--migrate", type=float, default=0.0, metavar="FRACTION")
    p.add_argument("--work-us", type=int, default=0)
    p.add_argument("--fault-file")
    p.add_argument("--spans", metavar="LIBCROSSLAT_SPAN_SO")
    args = p.parse_args()
    host, _, port = args.listen.rpartition(":")
    app = App(args)
    server = (PoolServer if args.workers else Server)((host, int(port)), Handler)
    server.app = app
    if args.workers:
        server.start_workers(args.workers)
    print("%s listening on %s" % (app.name, args.listen), file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
