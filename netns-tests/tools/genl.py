#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one raw generic netlink request to the v6fix family and print the
outcome, so tests can check the kernel's own validation (strict policies,
extack messages, permissions) without going through the CLI's checks.

Usage: genl.py CMD [TYPE:KIND:VALUE ...]
  CMD    command number (uapi enum v6fix_cmd)
  KIND   u8, u16, u32, u64 or str
Prints "ok" and the reply's attributes as TYPE=VALUE (u32 or string), or
"error ERRNO_NAME: EXTACK", followed by " [attribute TYPE]" when the kernel's
extack points at one of the request's attributes (NLMSGERR_ATTR_OFFS).
Exit status: 0, or the errno.

Usage: genl.py -
  One request per line of stdin (CMD [TYPE:KIND:VALUE ...]), all on one
  socket: prints "REQUEST -> ok" or "REQUEST -> error ERRNO_NAME" per line.
  Exit status 0 (the answers are the output).
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11


def align(n):
    return (n + 3) & ~3


def attr(t, payload):
    return struct.pack("=HH", 4 + len(payload), t) + payload + b"\0" * (align(len(payload)) - len(payload))


def attr_at(payload, off):
    """The type of the attribute of @payload that starts at byte @off, or None."""
    pos = 0
    while pos + 4 <= len(payload):
        ln, t = struct.unpack("=HH", payload[pos:pos + 4])
        if pos == off:
            return t & 0x3FFF
        if ln < 4:
            break
        pos += align(ln)
    return None


def attrs(buf):
    out = {}
    while len(buf) >= 4:
        ln, t = struct.unpack("=HH", buf[:4])
        if ln < 4 or ln > len(buf):
            raise ValueError("bad attribute")
        out[t & 0x3FFF] = buf[4:ln]
        buf = buf[align(ln):]
    return out


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 1

    def request(self, family, cmd, payload):
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        hdr = struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.s.send(hdr + body)
        replies = []
        while True:
            data = self.s.recv(65536)
            while data:
                ln, typ, flags, seq, _ = struct.unpack("=IHHII", data[:16])
                msg = data[16:ln]
                data = data[align(ln):]
                if typ == NLMSG_ERROR:
                    err = struct.unpack("=i", msg[:4])[0]
                    text = None
                    if flags & NLM_F_ACK_TLVS:
                        off = 4 + 16
                        if not flags & NLM_F_CAPPED:
                            off = 4 + align(struct.unpack("=I", msg[4:8])[0])
                        tlvs = attrs(msg[off:])
                        text = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                        if NLMSGERR_ATTR_OFFS in tlvs:
                            # From the request's nlmsghdr; its attributes follow
                            # the 16-byte header and the 4-byte genlmsghdr.
                            bad = struct.unpack("=I", tlvs[NLMSGERR_ATTR_OFFS][:4])[0]
                            t = attr_at(payload, bad - 20)
                            if t is not None:
                                text += " [attribute %d]" % t
                    return err, text, replies
                replies.append(attrs(msg[4:]))

    def family(self, name):
        err, text, rep = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                      attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            return None
        return struct.unpack("=H", rep[0][CTRL_ATTR_FAMILY_ID][:2])[0]


def payload_of(specs):
    payload = b""
    for spec in specs:
        t, kind, val = spec.split(":", 2)
        fmt = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}.get(kind)
        data = val.encode() + b"\0" if kind == "str" else struct.pack(fmt, int(val, 0))
        payload += attr(int(t), data)
    return payload


def batch(g, fam):
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        err, _, _ = g.request(fam, int(words[0]), payload_of(words[1:]))
        res = "error %s" % errno.errorcode.get(-err, str(-err)) if err else "ok"
        print("%s -> %s" % (" ".join(words), res), flush=True)
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    g = Genl()
    fam = g.family("v6fix")
    if fam is None:
        print("error ENOENT: family v6fix not registered")
        return errno.ENOENT
    if argv[1] == "-":
        return batch(g, fam)
    err, text, replies = g.request(fam, int(argv[1]), payload_of(argv[2:]))
    if err:
        print("error %s: %s" % (errno.errorcode.get(-err, str(-err)), text or ""))
        return -err
    print("ok")
    for r in replies:
        for t, v in sorted(r.items()):
            if len(v) == 4:
                print("%d=%d" % (t, struct.unpack("=I", v)[0]))
            else:
                print("%d=%s" % (t, v.rstrip(b"\0").decode(errors="replace")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
