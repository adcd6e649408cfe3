#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""TCP workloads for the RTT scenarios, run inside the guest's namespaces.

  rr-server PORT DELAY_MS [LOG]
                               answer every request line after DELAY_MS (one connection);
                               LOG gets the think time of every answer, in ms, as this
                               process measured it (from the request read to the answer
                               written)
  rr-client HOST PORT COUNT    send COUNT request lines over one connection, await each answer
  rr-relay PORT HOST UPORT     pass every request line of one connection on to HOST:UPORT
                               (one connection) and its answer back
  churn-server PORT            accept and close connections until killed
  churn-client HOST PORT COUNT open and close COUNT connections, one after another
Request lines are 100 bytes + newline, answers 300 bytes + newline. Prints nothing unless
something fails (exit 1).
"""
import socket
import sys
import time

REQ = b"q" * 100 + b"\n"
ANS = b"a" * 300 + b"\n"


def listen(port):
    family = socket.AF_INET6
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(128)
    return s


def read_line(conn, buf):
    while b"\n" not in buf:
        chunk = conn.recv(4096)
        if not chunk:
            return None, buf
        buf += chunk
    line, _, rest = buf.partition(b"\n")
    return line, rest


def rr_server(port, delay_ms, log=None):
    s = listen(port)
    conn, _ = s.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    think = []
    while True:
        line, buf = read_line(conn, buf)
        if line is None:
            break
        t0 = time.monotonic()
        time.sleep(delay_ms / 1000.0)
        think.append((time.monotonic() - t0) * 1000.0)
        conn.sendall(ANS)
    conn.close()
    if log:
        with open(log, "w") as f:
            f.writelines("%.3f\n" % t for t in think)


def rr_client(host, port, count):
    conn = socket.create_connection((host, port))
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    for _ in range(count):
        conn.sendall(REQ)
        line, buf = read_line(conn, buf)
        if line is None:
            sys.exit("rr-client: server closed early")
    conn.close()


def rr_relay(port, host, uport):
    s = listen(port)
    conn, _ = s.accept()
    up = socket.create_connection((host, uport))
    for c in (conn, up):
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = ubuf = b""
    while True:
        line, buf = read_line(conn, buf)
        if line is None:
            break
        up.sendall(line + b"\n")
        answer, ubuf = read_line(up, ubuf)
        if answer is None:
            sys.exit("rr-relay: upstream closed early")
        conn.sendall(answer + b"\n")
    up.close()


def churn_server(port):
    s = listen(port)
    while True:
        conn, _ = s.accept()
        conn.close()


def churn_client(host, port, count):
    for _ in range(count):
        conn = socket.create_connection((host, port))
        conn.close()


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "rr-server" and len(argv) in (4, 5):
        rr_server(int(argv[2]), float(argv[3]), argv[4] if len(argv) == 5 else None)
    elif cmd == "rr-client" and len(argv) == 5:
        rr_client(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "rr-relay" and len(argv) == 5:
        rr_relay(int(argv[2]), argv[3], int(argv[4]))
    elif cmd == "churn-server" and len(argv) == 3:
        churn_server(int(argv[2]))
    elif cmd == "churn-client" and len(argv) == 5:
        churn_client(argv[2], int(argv[3]), int(argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
