#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""NTP-style measurement of the CLOCK_REALTIME offset between two hosts over UDP.

  serve ADDR PORT          answer every probe with this host's receive and send times,
                           until killed
  query ADDR PORT COUNT    send COUNT probes to a server, one after another; print as JSON
                           the sample with the smallest error bound:
                           {"offset_ns", "bound_ns", "rtt_ns", "samples", "sign"}
                           where offset_ns is this (client) host's clock minus the server's

Client sends t1 (its clock); server notes t2 on receipt, t3 on reply (its clock); client
notes t4. The server's clock minus the client's is ((t2 - t1) + (t3 - t4)) / 2 within
+/- ((t4 - t1) - (t3 - t2)) / 2, whatever the asymmetry of the path.
"""
import json
import socket
import struct
import sys
import time

PROBE = struct.Struct("!q")
REPLY = struct.Struct("!qqq")


def now():
    return time.clock_gettime_ns(time.CLOCK_REALTIME)


def serve(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(64)
        t2 = now()
        if len(data) != PROBE.size:
            continue
        (t1,) = PROBE.unpack(data)
        s.sendto(REPLY.pack(t1, t2, now()), peer)


def query(addr, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((addr, port))
    s.settimeout(1.0)
    best = None
    got = 0
    for _ in range(count):
        t1 = now()
        s.send(PROBE.pack(t1))
        try:
            data = s.recv(64)
        except socket.timeout:
            continue
        t4 = now()
        e1, t2, t3 = REPLY.unpack(data)
        if e1 != t1:
            continue
        got += 1
        server_minus_client = ((t2 - t1) + (t3 - t4)) // 2
        bound = ((t4 - t1) - (t3 - t2)) // 2
        if best is None or bound < best["bound_ns"]:
            best = {"offset_ns": -server_minus_client, "bound_ns": bound,
                    "rtt_ns": t4 - t1}
        time.sleep(0.02)
    if best is None:
        print("clock_offset: no answer from %s:%d" % (addr, port), file=sys.stderr)
        return 1
    best["samples"] = got
    best["sign"] = "client minus server"
    json.dump(best, sys.stdout)
    print()
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "serve":
        return serve(argv[2], int(argv[3]))
    if len(argv) == 5 and argv[1] == "query":
        return query(argv[2], int(argv[3]), int(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
