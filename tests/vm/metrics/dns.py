#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A DNS responder with an injected delay and a client that times its queries, for t_metrics.

  dns.py serve ADDR...            answers A queries on UDP port 53 of each ADDR: a name whose
                                  first label is dN (d20.test) N ms after the query reached
                                  the socket (its kernel timestamp: the responder's own
                                  wake-up and parsing are part of the delay, not added to
                                  it; the last 2 ms spun, not slept, so that a late timer
                                  does not add either), one starting with "drop" never, any
                                  other at once (192.0.2.1, TTL 0)
  dns.py query SERVER NAME COUNT [TIMEOUT_S]
                                  COUNT queries for NAME, one after the other, from one
                                  socket, with consecutive DNS ids from a random one; prints
                                  "sent N answered N mean_ms X": the wait the client saw
"""
import os
import select
import socket
import struct
import sys
import time

PORT = 53
# Linux's values where this Python does not name them; SCM_TIMESTAMPNS is SO_TIMESTAMPNS
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SPIN_S = 0.002


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def first_label(msg):
    """The first label of the question's name, or "" when the message is too short."""
    if len(msg) < 13:
        return ""
    n = msg[12]
    return msg[13:13 + n].decode(errors="replace")


def answer(query):
    """The answer to query: its header with QR, RD, RA, one question, one A record."""
    qid, flags = struct.unpack("!HH", query[:4])
    end = 12
    while end < len(query) and query[end]:
        end += 1 + query[end]
    question = query[12:end + 5]
    header = struct.pack("!HHHHHH", qid, 0x8180 | (flags & 0x0100), 1, 1, 0, 0)
    record = struct.pack("!HHHIH", 0xc00c, 1, 1, 0, 4) + socket.inet_aton("192.0.2.1")
    return header + question + record


def serve(addrs):
    socks = []
    for a in addrs:
        s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        s.bind((a, PORT))
        socks.append(s)
    print("serving", flush=True)
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            query, anc, _, peer = s.recvmsg(512, socket.CMSG_SPACE(16))
            arrived = time.time()
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    arrived = sec + nsec / 1e9
            label = first_label(query)
            if label.startswith("drop"):
                continue
            reply = answer(query)
            if label[:1] == "d" and label[1:].isdigit():
                due = arrived + int(label[1:]) / 1000
                if due - time.time() > SPIN_S:
                    time.sleep(due - time.time() - SPIN_S)
                while time.time() < due:
                    pass
            s.sendto(reply, peer)


def query(server, name, count, timeout):
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((server, PORT))
    question = encode_name(name) + struct.pack("!HH", 1, 1)
    answered, total = 0, 0.0
    base = struct.unpack("!H", os.urandom(2))[0]
    for i in range(count):
        qid = (base + i) & 0xffff
        msg = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question
        t0 = time.monotonic()
        s.send(msg)
        deadline = t0 + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            reply = s.recv(512)
            if len(reply) >= 4 and struct.unpack("!H", reply[:2])[0] == qid and reply[2] & 0x80:
                total += time.monotonic() - t0
                answered += 1
                break
    print("sent %d answered %d mean_ms %.3f"
          % (count, answered, total * 1000 / answered if answered else 0))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2:])
    elif sys.argv[1] == "query":
        query(sys.argv[2], sys.argv[3], int(sys.argv[4]),
              float(sys.argv[5]) if len(sys.argv) > 5 else 2.0)
    else:
        sys.exit(__doc__)
