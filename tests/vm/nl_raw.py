#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Raw generic netlink requests to the "crosslat" family, to check the kernel's validation
with messages crosslatctl would never send. Enum values come from the uapi header, so the
checks follow it.

  nl_raw.py refusals   send malformed / out-of-range / unknown-attribute threshold requests;
                       each must fail with the expected errno (EINVAL, ERANGE for a
                       value outside its policy range, ENOENT) and leave the rules unchanged
  nl_raw.py unpriv     (run as an unprivileged user) writes get EPERM, reads work
  nl_raw.py noext      (crosslat_rtt not loaded) its commands get EOPNOTSUPP
  nl_raw.py mapwait SPORT
                       dump crosslat_map's mappings in a loop until one whose inner source
                       port is SPORT shows up; print the ms from its first packet (the
                       mapping's FIRST_NS, CLOCK_MONOTONIC like ktime_get_ns()) to the end
                       of the dump that returned it (exits 1 after 10 s without it)
Prints one "ok"/"not ok" line per check; exits 1 if any failed.
"""
import errno
import os
import re
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, "..", "..", "kmod", "include", "uapi", "linux", "crosslat.h")

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED = 0x8000
AF_INET, AF_INET6 = 2, 10


def uapi_enums(path=UAPI):
    """Every enumerator of the header's enums, by name."""
    text = open(path).read()
    values = {}
    for body in re.findall(r"enum\s+\w+\s*\{(.*?)\}", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        n = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, val = item.partition("=")
            if val.strip():
                n = int(val.strip(), 0)
            values[name.strip()] = n
            n += 1
    return values


E = uapi_enums()
E.update(uapi_enums(os.path.join(os.path.dirname(UAPI), "crosslat_arm.h")))


def attr(atype, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, atype) + payload + b"\0" * ((4 - length % 4) % 4)


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b"".join(attrs))


def u8(v):
    return struct.pack("=B", v)


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def u64(v):
    return struct.pack("=Q", v)


def parse_attrs(buf):
    out = []
    while len(buf) >= 4:
        length, atype = struct.unpack_from("=HH", buf)
        if length < 4:
            break
        out.append((atype & 0x3FFF, buf[4:length]))
        buf = buf[(length + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.seq = 1
        err, msgs, _ = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                    attr(CTRL_ATTR_FAMILY_NAME, b"crosslat\0"), version=1)
        if err:
            raise OSError(-err, "crosslat family not found")
        self.family = next(struct.unpack("=H", p[:2])[0] for t, p in parse_attrs(msgs[0][4:])
                           if t == CTRL_ATTR_FAMILY_ID)

    def request(self, mtype, cmd, payload=b"", dump=False, version=1):
        """Returns (errno as a negative number or 0, [genl payloads], extack message)."""
        self.seq += 1
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        body = struct.pack("=BBH", cmd, version, 0) + payload
        self.sock.send(struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq, 0) + body)
        msgs = []
        while True:
            data = self.sock.recv(65536)
            while len(data) >= 16:
                length, typ, flags, seq, _ = struct.unpack_from("=IHHII", data)
                msg, data = data[16:length], data[(length + 3) & ~3:]
                if seq != self.seq:
                    continue
                if typ == NLMSG_DONE:
                    return 0, msgs, None
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from("=i", msg)[0]
                    ext = None
                    if flags & NLM_F_ACK_TLVS:
                        # the request's header follows the error; with NLM_F_CAPPED (0x100)
                        # only the header, else the whole request
                        olen = 16 if flags & 0x100 else struct.unpack_from("=I", msg, 4)[0]
                        for t, p in parse_attrs(msg[4 + ((olen + 3) & ~3):]):
                            if t == NLMSGERR_ATTR_MSG:
                                ext = p.rstrip(b"\0").decode()
                    if err or not dump:
                        return err, msgs, ext
                    continue
                msgs.append(msg)

    def crosslat(self, cmd, payload=b"", dump=False):
        return self.request(self.family, E[cmd], payload, dump)

    def rules(self):
        err, msgs, _ = self.crosslat("CROSSLAT_CMD_THRESH_GET", dump=True)
        if err:
            raise OSError(-err, "THRESH_GET failed")
        return sorted(m[4:] for m in msgs)


def thresh(*attrs):
    return nest(E["CROSSLAT_A_THRESH"], *attrs)


def T(name, payload):
    return attr(E["CROSSLAT_THRESH_A_" + name], payload)


failed = 0


def check(name, ok, detail=""):
    global failed
    print("%s - %s%s" % ("ok" if ok else "not ok", name, (": " + detail) if detail else ""))
    if not ok:
        failed += 1


def expect(g, name, cmd, payload, want_errno, want_ext=True):
    err, _, ext = g.crosslat(cmd, payload)
    got = -err
    ok = got == want_errno and (not want_ext or bool(ext))
    check(name, ok, "errno %s (%s), extack %r" % (errno.errorcode.get(got, got),
                                                   os.strerror(got) if got else "ok", ext))


def refusals():
    g = Genl()
    ns = 1000 * 1000
    err, _, _ = g.crosslat("CROSSLAT_CMD_THRESH_SET", thresh(T("RTT_NS", u64(50 * ns))))
    check("a valid global rule is accepted", err == 0, "errno %d" % -err)
    err, _, _ = g.crosslat("CROSSLAT_CMD_THRESH_SET", thresh(
        T("FAMILY", u8(AF_INET)), T("PREFIX", bytes([10, 9, 0, 0])), T("PREFIX_LEN", u8(16)),
        T("PORT", u16(5201)), T("RTT_NS", u64(5 * ns))))
    check("a valid prefix+port rule is accepted", err == 0, "errno %d" % -err)
    before = g.rules()
    check("two rules listed", len(before) == 2, "%d" % len(before))

    SET, DEL = "CROSSLAT_CMD_THRESH_SET", "CROSSLAT_CMD_THRESH_DEL"
    v4 = (T("FAMILY", u8(AF_INET)), T("PREFIX_LEN", u8(24)))
    cases = [
        ("SET without a rule", SET, b"", errno.EINVAL),
        ("SET without RTT_NS", SET, thresh(T("PORT", u16(80))), errno.EINVAL),
        ("RTT_NS 0", SET, thresh(T("RTT_NS", u64(0))), errno.ERANGE),
        ("RTT_NS over an hour", SET, thresh(T("RTT_NS", u64(3600 * 10**9 + 1))), errno.ERANGE),
        ("RTT_NS as 4 bytes", SET, thresh(T("RTT_NS", u32(5))), errno.EINVAL),
        ("unknown nested attribute", SET,
         thresh(T("RTT_NS", u64(ns)), attr(60, u32(1))), errno.EINVAL),
        ("unknown top-level attribute", SET,
         thresh(T("RTT_NS", u64(ns))) + attr(60, u32(1)), errno.EINVAL),
        ("family 99", SET, thresh(T("FAMILY", u8(99)), T("PREFIX", bytes(4)),
                                  T("PREFIX_LEN", u8(8)), T("RTT_NS", u64(ns))), errno.EINVAL),
        ("IPv4 family with a 16-byte prefix", SET,
         thresh(*v4, T("PREFIX", bytes(16)), T("RTT_NS", u64(ns))), errno.EINVAL),
        ("prefix with host bits", SET,
         thresh(*v4, T("PREFIX", bytes([10, 9, 0, 1])), T("RTT_NS", u64(ns))), errno.EINVAL),
        ("IPv4 prefix length 33", SET,
         thresh(T("FAMILY", u8(AF_INET)), T("PREFIX_LEN", u8(33)), T("PREFIX", bytes(4)),
                T("RTT_NS", u64(ns))), errno.EINVAL),
        ("prefix length 129", SET,
         thresh(T("FAMILY", u8(AF_INET6)), T("PREFIX_LEN", u8(129)), T("PREFIX", bytes(16)),
                T("RTT_NS", u64(ns))), errno.ERANGE),
        ("prefix without a family", SET,
         thresh(T("PREFIX", bytes(4)), T("PREFIX_LEN", u8(8)), T("RTT_NS", u64(ns))),
         errno.EINVAL),
        ("port 0", SET, thresh(T("PORT", u16(0)), T("RTT_NS", u64(ns))), errno.ERANGE),
        ("netns 0", SET, thresh(T("NETNS_INUM", u32(0)), T("RTT_NS", u64(ns))), errno.ERANGE),
        ("FLUSH with a rule", DEL,
         thresh(T("PORT", u16(80))) + attr(E["CROSSLAT_A_FLUSH"], b""), errno.EINVAL),
        ("DEL of a rule that does not exist", DEL, thresh(T("PORT", u16(81))), errno.ENOENT),
        ("truncated attribute header", SET, b"\x08\x00", errno.EINVAL),
    ]
    for name, cmd, payload, want in cases:
        # the core's own policy checks do not always set a message; ours do
        expect(g, name, cmd, payload, want, want_ext=name not in (
            "RTT_NS as 4 bytes", "unknown top-level attribute", "truncated attribute header"))
    check("rules unchanged after the refusals", g.rules() == before)


def armrefusals():
    """Layer tracing's ARM and DISARM: every invalid request gets EINVAL, nothing is armed."""
    g = Genl()

    def A(name, payload):
        return attr(E["CROSSLAT_ARM_A_" + name], payload)

    def arm(*attrs):
        return nest(E["CROSSLAT_A_ARM"], *attrs)

    flow = (A("FAMILY", u8(AF_INET)), A("LADDR", bytes([10, 9, 0, 1])),
            A("RADDR", bytes([10, 9, 0, 2])), A("LPORT", u16(45301)), A("RPORT", u16(5301)))
    ARM, DISARM = "CROSSLAT_CMD_ARM", "CROSSLAT_CMD_DISARM"
    cases = [
        ("ARM without a selector", ARM, b""),
        ("ARM with an empty selector", ARM, arm()),
        ("flow without RPORT", ARM, arm(*flow[:4])),
        ("family 99", ARM, arm(A("FAMILY", u8(99)), *flow[1:])),
        ("IPv4 family with a 16-byte address", ARM, arm(flow[0], A("LADDR", bytes(16)),
                                                         *flow[2:])),
        ("IPv6 family with 4-byte addresses", ARM, arm(A("FAMILY", u8(AF_INET6)), *flow[1:])),
        ("port 0", ARM, arm(*flow[:4], A("RPORT", u16(0)))),
        ("netns 0", ARM, arm(A("NETNS_INUM", u32(0)))),
        ("MS 0", ARM, arm(*flow, A("MS", u32(0)))),
        ("MS over an hour", ARM, arm(*flow, A("MS", u32(3600001)))),
        ("MS as 8 bytes", ARM, arm(*flow, A("MS", u64(100)))),
        ("unknown nested attribute", ARM, arm(*flow, attr(60, u32(1)))),
        ("DISARM with MS", DISARM, arm(*flow, A("MS", u32(100)))),
        ("FLUSH with a selector", DISARM, arm(*flow) + attr(E["CROSSLAT_A_FLUSH"], b"")),
        ("truncated attribute header", ARM, b"\x08\x00"),
    ]
    for name, cmd, payload in cases:
        expect(g, name, cmd, payload, errno.EINVAL, want_ext=name not in (
            "MS as 8 bytes", "truncated attribute header", "unknown nested attribute"))
    err, _, _ = g.crosslat(DISARM, arm(*flow))
    check("DISARM of what is not armed gets ENOENT", -err == errno.ENOENT, "errno %d" % -err)
    err, msgs, _ = g.crosslat("CROSSLAT_CMD_ARM_GET", dump=True)
    check("nothing armed after the refusals", err == 0 and not msgs, "%d entries" % len(msgs))


def unpriv():
    g = Genl()
    ns = 1000 * 1000
    before = g.rules()
    for cmd, payload in (("CROSSLAT_CMD_THRESH_SET", thresh(T("RTT_NS", u64(ns)))),
                         ("CROSSLAT_CMD_THRESH_DEL", attr(E["CROSSLAT_A_FLUSH"], b"")),
                         ("CROSSLAT_CMD_MARK", attr(E["CROSSLAT_A_MARK_ID"], u64(1)))):
        err, _, _ = g.crosslat(cmd, payload)
        check("unprivileged %s refused with EPERM" % cmd, -err == errno.EPERM, "errno %d" % -err)
    check("rules unchanged", g.rules() == before)
    err, msgs, _ = g.crosslat("CROSSLAT_CMD_FLOW_GET", dump=True)
    check("unprivileged FLOW_GET dump works", err == 0, "errno %d, %d flows" % (-err, len(msgs)))


def noext():
    g = Genl()
    for cmd, dump in (("CROSSLAT_CMD_FLOW_GET", True), ("CROSSLAT_CMD_THRESH_GET", True),
                      ("CROSSLAT_CMD_THRESH_SET", False)):
        err, _, ext = g.crosslat(cmd, thresh() if not dump else b"", dump=dump)
        check("%s without crosslat_rtt gets EOPNOTSUPP" % cmd, -err == errno.EOPNOTSUPP,
              "errno %d, extack %r" % (-err, ext))


def mapwait():
    sport = int(sys.argv[2])
    g = Genl()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        err, msgs, _ = g.crosslat("CROSSLAT_CMD_MAP_GET", dump=True)
        end = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        if err:
            sys.exit("MAP_GET failed: errno %d" % -err)
        for msg in msgs:
            for t, p in parse_attrs(msg[4:]):
                if t != E["CROSSLAT_A_MAP"]:
                    continue
                m = dict(parse_attrs(p))
                inner = dict(parse_attrs(m[E["CROSSLAT_MAP_A_INNER"]]))
                port = inner.get(E["CROSSLAT_TUPLE_A_SPORT"])
                if port and struct.unpack("=H", port[:2])[0] == sport:
                    first = struct.unpack("=Q", m[E["CROSSLAT_MAP_A_FIRST_NS"]][:8])[0]
                    print("%.1f" % ((end - first) / 1e6))
                    return
    sys.exit("no mapping with inner source port %d after 10 s" % sport)


if __name__ == "__main__":
    {"refusals": refusals, "armrefusals": armrefusals, "unpriv": unpriv, "noext": noext, "mapwait": mapwait}.get(
        sys.argv[1] if len(sys.argv) > 1 else "", lambda: sys.exit(__doc__))()
    sys.exit(1 if failed else 0)
