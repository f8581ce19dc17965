#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What a soft error leaves behind, beyond the connect() it answers
(netns-tests/vm-softerr-stock.sh).

  observe LABEL,ADDR,PORT[,recverr] ...
      One blocking connect() per target, all at once (one thread each),
      while a raw ICMP and a raw ICMPv6 socket listen. "recverr": the TCP
      socket sets IP_RECVERR / IPV6_RECVERR first. After each connect()
      returns, its error queue is read (MSG_ERRQUEUE, which works with or
      without IP_RECVERR). Prints per target:
        LABEL ERRNO MS errq=ERRNO:TYPE:CODE,... raw=N
      (errq=- when the queue is empty; raw: the ICMP errors the raw
      sockets saw that quote this connection's source port), then one line
        snmp NAME=DELTA ...
      with the namespace's ICMP/ICMPv6 counters and TcpExt's ICMP ones
      that moved (/proc/net/snmp, snmp6, netstat; nstat's names).

  poll LABEL,ADDR,PORT[,recverr] ...
      A non-blocking connect() per target, all at once, then what an
      event loop sees: every 50 ms getsockopt(SO_ERROR) and the TCP state
      (TCP_INFO), until the state leaves SYN-SENT (10 s at most). Prints
      per target:
        LABEL STATE MS so_error=MS:ERRNO@STATE,...
      STATE the final one (ESTABLISHED, CLOSE); each non-zero SO_ERROR
      with the state the socket was in right after reading it.
"""
import errno as errno_mod
import os
import select
import socket
import struct
import sys
import threading
import time

IP_RECVERR = 11
IPV6_RECVERR = 25
MSG_ERRQUEUE = 0x2000

# The counters compared: every ICMP/ICMPv6 one, and TcpExt's about ICMP.
TCPEXT = ("LockDroppedIcmps", "OutOfWindowIcmps", "TCPMinTTLDrop")


def errname(e):
    if e == errno_mod.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno_mod.errorcode.get(e, str(e))


def counters():
    """nstat-style NAME -> value for Icmp*, IcmpMsg*, Icmp6* and TcpExt's
    ICMP counters of this namespace."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        with open(path) as f:
            lines = f.read().splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            proto, names = head.split(":", 1)
            _, values = vals.split(":", 1)
            for n, v in zip(names.split(), values.split()):
                if proto in ("Icmp", "IcmpMsg") or (proto == "TcpExt" and n in TCPEXT):
                    out[proto + n] = int(v)
    with open("/proc/net/snmp6") as f:
        for line in f:
            n, v = line.split()
            if n.startswith("Icmp6"):
                out[n] = int(v)
    return out


def quoted_sport(fam, pkt):
    """The quoted TCP source port of an ICMP error as a raw socket reads
    it (IPv4: with the IP header; ICMPv6: from the ICMPv6 header), or None."""
    try:
        if fam == 4:
            ihl = (pkt[0] & 15) * 4
            icmp = pkt[ihl:]
            if icmp[0] not in (3, 11, 12):
                return None
            inner = icmp[8:]
            if inner[9] != socket.IPPROTO_TCP:
                return None
            return struct.unpack("!H", inner[(inner[0] & 15) * 4:][:2])[0]
        if pkt[0] not in (1, 3, 4):
            return None
        inner = pkt[8:]
        if inner[6] != socket.IPPROTO_TCP:
            return None
        return struct.unpack("!H", inner[40:42])[0]
    except (IndexError, struct.error):
        return None


def read_errqueue(s):
    out = []
    while True:
        try:
            _, anc, _, _ = s.recvmsg(512, 512, MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except BlockingIOError:
            break
        except OSError:
            break
        for level, typ, data in anc:
            if (level, typ) in ((socket.IPPROTO_IP, IP_RECVERR),
                                (socket.IPPROTO_IPV6, IPV6_RECVERR)):
                ee_errno, origin, etype, ecode = struct.unpack("=IBBB", data[:7])
                out.append(f"{errname(ee_errno)}:{etype}:{ecode}")
    return out


def do_observe(args):
    targets = []
    for a in args:
        f = a.split(",")
        targets.append((f[0], f[1], int(f[2]), "recverr" in f[3:]))

    raw = {4: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
           6: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)}
    for r in raw.values():
        r.setblocking(False)
    before = counters()
    results = {}

    def one(label, addr, port, recverr):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        if recverr:
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
            else:
                s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        t0 = time.monotonic()
        try:
            # Blocking, no timeout: Python's timeouts poll(), and a queued
            # error makes poll() return before the attempt has ended.
            s.connect((addr, port))
            err = "OK"
        except OSError as e:
            err = errname(e.errno)
        ms = (time.monotonic() - t0) * 1000
        try:
            sport = s.getsockname()[1]
        except OSError:
            sport = 0
        results[label] = (err, ms, read_errqueue(s), sport)
        s.close()

    threads = [threading.Thread(target=one, args=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Whatever the raw sockets got meanwhile (the kernel queued it long ago).
    seen = {}
    for fam, r in raw.items():
        while True:
            rd, _, _ = select.select([r], [], [], 0.2)
            if not rd:
                break
            pkt = r.recv(65536)
            sp = quoted_sport(fam, pkt)
            if sp is not None:
                seen[(fam, sp)] = seen.get((fam, sp), 0) + 1
    after = counters()

    for label, addr, _, _ in targets:
        err, ms, errq, sport = results[label]
        fam = 6 if ":" in addr else 4
        print(f"{label} {err} {ms:.1f} errq={','.join(errq) or '-'} "
              f"raw={seen.get((fam, sport), 0)}", flush=True)
    moved = [f"{k}={after[k] - before.get(k, 0)}" for k in sorted(after)
             if after[k] != before.get(k, 0)]
    print("snmp " + " ".join(moved), flush=True)


TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 7: "CLOSE"}


def tcp_state(s):
    info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    return TCP_STATES.get(info[0], str(info[0]))


def do_poll(args):
    socks = []
    for a in args:
        f = a.split(",")
        label, addr, port = f[0], f[1], int(f[2])
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        if "recverr" in f[3:]:
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
            else:
                s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        s.setblocking(False)
        socks.append([label, s, [], None, None])
    t0 = time.monotonic()
    for e in socks:
        try:
            e[1].connect((args[socks.index(e)].split(",")[1],
                          int(args[socks.index(e)].split(",")[2])))
        except BlockingIOError:
            pass
    while any(e[3] is None for e in socks) and time.monotonic() - t0 < 10:
        time.sleep(0.05)
        ms = (time.monotonic() - t0) * 1000
        for e in socks:
            if e[3] is not None:
                continue
            err = e[1].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            st = tcp_state(e[1])
            if err:
                e[2].append(f"{ms:.0f}:{errname(err)}@{st}")
            if st != "SYN_SENT":
                e[3], e[4] = st, ms
    for label, s, events, st, ms in socks:
        print(f"{label} {st or 'SYN_SENT'} {ms or 0:.0f} "
              f"so_error={','.join(events) or '-'}", flush=True)
        s.close()


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("observe", "poll"):
        sys.exit(__doc__)
    {"observe": do_observe, "poll": do_poll}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
