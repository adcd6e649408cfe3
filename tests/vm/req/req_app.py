#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Test program of t_req: request/response exchanges over TCP on loopback that report
what they did (tuples, threads, bytes), for check_req.py to compare with the trace.

  req_app.py conn --port P --go FILE --out JSON [--requests N] [--fork]
      waits for FILE to exist, then: a server thread (created and joined) accepts one
      connection and answers N requests of the main thread's client, keep-alive; with
      --fork, a child process then does the same on port P+1 (JSON.child)
  req_app.py loop --port P --seconds S [--requests N]
      connections of N requests each, one after another, for S seconds (at least one);
      prints "connections C requests R seconds T"
"""
import argparse
import json
import os
import socket
import sys
import threading
import time


def req_len(i):
    return 100 + 37 * (i % 20)


def resp_len(i):
    return 300 + 53 * (i % 15)


def read_exact(s, n):
    got = 0
    while got < n:
        b = s.recv(n - got)
        if not b:
            raise EOFError("peer closed")
        got += len(b)
    return got


def tup(s):
    la, lp = s.getsockname()[:2]
    ra, rp = s.getpeername()[:2]
    return {"laddr": la, "lport": lp, "raddr": ra, "rport": rp}


def exchange(port, nreq):
    """One connection of nreq requests, client in this thread, server in a new one."""
    res = {"tid_main": threading.get_native_id()}
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", port))
    lst.listen(1)

    def server():
        res["tid_server"] = threading.get_native_id()
        c, _ = lst.accept()
        res["server"] = tup(c)
        rcvd = sent = 0
        for i in range(nreq):
            rcvd += read_exact(c, req_len(i))
            c.sendall(b"r" * resp_len(i))
            sent += resp_len(i)
        if c.recv(1):
            raise RuntimeError("unexpected data")
        c.close()
        res["server_recv"], res["server_sent"] = rcvd, sent

    t = threading.Thread(target=server)
    t.start()
    cl = socket.create_connection(("127.0.0.1", port))
    res["client"] = tup(cl)
    sent = rcvd = 0
    for i in range(nreq):
        cl.sendall(b"q" * req_len(i))
        sent += req_len(i)
        rcvd += read_exact(cl, resp_len(i))
    cl.close()
    t.join()
    lst.close()
    res["client_sent"], res["client_recv"] = sent, rcvd
    res["pid"] = os.getpid()
    res["netns"] = os.stat("/proc/self/ns/net").st_ino
    res["requests"] = nreq
    return res


def conn(a):
    while not os.path.exists(a.go):
        time.sleep(0.02)
    res = exchange(a.port, a.requests)
    with open(a.out, "w") as f:
        json.dump(res, f)
    if a.fork:
        child = os.fork()
        if child == 0:
            r = exchange(a.port + 1, a.requests)
            with open(a.out + ".child", "w") as f:
                json.dump(r, f)
            os._exit(0)
        _, st = os.waitpid(child, 0)
        if st:
            sys.exit("child failed")


def loop(a):
    t0 = time.monotonic()
    n = 0
    while not n or time.monotonic() < t0 + a.seconds:
        exchange(a.port, a.requests)
        n += 1
    print(f"connections {n} requests {n * a.requests} seconds {time.monotonic() - t0:.3f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["conn", "loop"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--go")
    p.add_argument("--out")
    p.add_argument("--requests", type=int, default=5)
    p.add_argument("--fork", action="store_true")
    p.add_argument("--seconds", type=float, default=5)
    a = p.parse_args()
    conn(a) if a.mode == "conn" else loop(a)


if __name__ == "__main__":
    main()
