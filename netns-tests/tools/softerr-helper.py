#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Test helper of the soft-error tests (netns-tests/vm-softerr*.sh).

  connect [--hops N] [--bind PORT] [--timeout S] [--mark M] [--ready FILE] [--go FILE]
          LABEL,ADDR,PORT[,HOPS] ...
      One blocking connect() per target, all at once (one thread each);
      --ready: FILE is created once the process is up; --go: the connects
      wait for FILE to exist;
      HOPS (or --hops): the SYN's hop limit / TTL.
      Prints per target: LABEL ERRNO MS T0_NS T1_NS SPORT
      ERRNO is OK or the symbolic name; T0/T1 are CLOCK_MONOTONIC ns
      around connect(); SPORT the local port.
  hold ADDR,PORT GOFILE
      Connect, print "connected SPORT", wait for GOFILE to exist, then
      exchange a line with the echo server: prints "alive" or "dead ERRNO".
  listen PORT
      Echo server (IPv6 socket, dual-stack) until killed.
  sink PORT | blast ADDR PORT SECONDS
      Bulk TCP for throughput: sink prints "BYTES SECONDS" at EOF.
  spoof --iface IF [--readyfile F] JOB...
      Watch IF (AF_PACKET) for SYNs; for each JOB, when the SYN to its port
      comes, send ICMP errors quoting it. JOB is KEY=VALUE,...: fam=4|6,
      dport=P [type=T code=C] [delay=S] [wrong=N] (wrong sequence number)
      [nosock=N] (a port nobody uses) [fuzz=N] (malformed quotes, wrong
      sequence numbers) [right=1] (the ISN itself) [badsum=1] (IPv4: a
      broken checksum) [to=ADDR] (send the errors to ADDR, e.g. a
      broadcast address, instead of the SYN's source) [pad=N] (N bytes
      more quoted: past the link MTU the error leaves in fragments).
      F is created once IF is watched. Prints per job:
      FAM/DPORT isn ISN sport SPORT sent N.
"""
import os
import random
import select
import socket
import struct
import sys
import threading
import time
import errno as errno_mod

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD


def errname(e):
    # Linux's ENOTSUP is EOPNOTSUPP; the kernel and v6fix call it the latter.
    if e == errno_mod.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno_mod.errorcode.get(e, str(e))


def do_connect(args):
    hops = None
    bind = 0
    timeout = None
    mark = None
    go = None
    ready = None
    targets = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--hops":
            hops = int(args[i + 1])
            i += 2
            continue
        if a == "--bind":
            bind = int(args[i + 1])
            i += 2
            continue
        if a == "--timeout":
            timeout = float(args[i + 1])
            i += 2
            continue
        if a == "--mark":
            mark = int(args[i + 1], 0)
            i += 2
            continue
        if a == "--go":
            go = args[i + 1]
            i += 2
            continue
        if a == "--ready":
            ready = args[i + 1]
            i += 2
            continue
        f = a.split(",")
        targets.append((f[0], f[1], int(f[2]), int(f[3]) if len(f) > 3 else hops))
        i += 1

    results = {}
    # Started early (a process start is dear under TCG: seconds, tens of
    # them in a starved rt guest), connect on a signal.
    if ready:
        open(ready, "w").close()
    while go and not os.path.exists(go):
        time.sleep(0.01)

    def one(label, addr, port, hops):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        if hops is not None:
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
            else:
                s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, hops)
        if mark is not None:
            # SO_MARK: what v6fix's mark scopes match (needs CAP_NET_ADMIN).
            s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_MARK", 36), mark)
        if bind:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", bind))
        if timeout:
            s.settimeout(timeout)
        sport = 0
        t0 = time.monotonic_ns()
        try:
            s.connect((addr, port))
            err = "OK"
        except OSError as e:
            # socket.timeout (our --timeout) has no errno; the kernel's
            # ETIMEDOUT is an OSError too (TimeoutError).
            err = errname(e.errno) if e.errno else "TIMEOUT"
        t1 = time.monotonic_ns()
        try:
            sport = s.getsockname()[1]
        except OSError:
            pass
        s.close()
        results[label] = (err, (t1 - t0) / 1e6, t0, t1, sport)

    threads = [threading.Thread(target=one, args=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for label, _, _, _ in targets:
        err, ms, t0, t1, sport = results[label]
        print(f"{label} {err} {ms:.1f} {t0} {t1} {sport}", flush=True)


def do_hold(args):
    addr, port = args[0].split(",")
    gofile = args[1]
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((addr, int(port)))
    print(f"connected {s.getsockname()[1]}", flush=True)
    end = time.monotonic() + 20
    while not os.path.exists(gofile) and time.monotonic() < end:
        time.sleep(0.02)
    try:
        s.sendall(b"ping\n")
        data = s.recv(16)
        print("alive" if data == b"ping\n" else f"dead got {data!r}", flush=True)
    except OSError as e:
        print(f"dead {errname(e.errno)}", flush=True)


def do_listen(args):
    port = int(args[0])
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", port))
    ls.listen(64)

    def serve(c):
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
        except OSError:
            pass
        c.close()

    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def do_sink(args):
    """sink PORT: accept one connection, read until EOF; print
    "BYTES SECONDS" (first byte to EOF)."""
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", int(args[0])))
    ls.listen(1)
    c, _ = ls.accept()
    buf = bytearray(1 << 20)
    n = c.recv_into(buf)
    t0 = time.monotonic()
    total = n
    while n:
        n = c.recv_into(buf)
        total += n
    print(f"{total} {time.monotonic() - t0:.3f}", flush=True)


def do_blast(args):
    """blast ADDR PORT SECONDS: send as fast as possible, then close."""
    addr, port, secs = args[0], int(args[1]), float(args[2])
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.connect((addr, port))
    chunk = bytes(1 << 20)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        s.sendall(chunk)
    s.close()


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip6_quote(src, dst, sport, dport, seq):
    """An IPv6 header and the first 20 bytes of a SYN, as a router quotes it."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    ip6 = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), socket.IPPROTO_TCP, 63,
                      socket.inet_pton(socket.AF_INET6, src),
                      socket.inet_pton(socket.AF_INET6, dst))
    return ip6 + tcp


def ip4_quote(src, dst, sport, dport, seq, ttl=63):
    tcp = struct.pack("!HHII", sport, dport, seq, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 20, 0, 0x4000, ttl,
                     socket.IPPROTO_TCP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + tcp


def icmp6_msg(typ, code, quote):
    # The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket.
    return struct.pack("!BBHI", typ, code, 0, 0) + quote


def icmp4_msg(typ, code, quote, badsum=False):
    msg = struct.pack("!BBHI", typ, code, 0, 0) + quote
    c = csum(msg)
    if badsum:
        c ^= 0x5555
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def sniff_syn(iface, family, dport):
    """An AF_PACKET socket on iface, to read SYNs from."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    return s


def read_any_syn(s, wanted, timeout=0.2):
    """The next incoming SYN whose (family, dport) is in wanted, or None:
    (family, src, dst, sport, dport, seq)."""
    r, _, _ = select.select([s], [], [], timeout)
    if not r:
        return None
    frame, addr = s.recvfrom(65536)
    if addr[2] == socket.PACKET_OUTGOING:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    p = frame[14:]
    if etype == ETH_P_IPV6 and len(p) >= 60 and p[6] == socket.IPPROTO_TCP:
        fam = 6
        src = socket.inet_ntop(socket.AF_INET6, p[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, p[24:40])
        t = p[40:]
    elif etype == ETH_P_IP and len(p) >= 40 and p[9] == socket.IPPROTO_TCP:
        fam = 4
        ihl = (p[0] & 15) * 4
        src = socket.inet_ntoa(p[12:16])
        dst = socket.inet_ntoa(p[16:20])
        t = p[ihl:]
    else:
        return None
    if len(t) < 14:
        return None
    sport, dport, seq = struct.unpack("!HHI", t[:8])
    flags = t[13]
    if (fam, dport) in wanted and flags & 0x02 and not flags & 0x10:
        return fam, src, dst, sport, dport, seq
    return None


def malformed(rnd, family, base):
    """One malformed variant of the quote @base (IP header + TCP header)."""
    kind = rnd.randrange(6)
    q = bytearray(base)
    if kind == 0:                       # truncated anywhere
        q = q[:rnd.randrange(0, len(q))]
    elif kind == 1:                     # random bytes
        q = bytearray(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 80)))
    elif kind == 2 and family == 6:     # a chain of extension headers, cut
        ext = b""
        for _ in range(rnd.randrange(1, 8)):
            ext += bytes([0, 0]) + bytes(6)      # next: hop-by-hop, length 0
        q = (bytearray(base[:6]) + bytes([0]) + base[7:40] + ext +
             bytes([6]) + bytes(rnd.randrange(0, 10)))
    elif kind == 3 and family == 6:     # a non-first fragment of the segment
        frag = struct.pack("!BBHI", socket.IPPROTO_TCP, 0, (8 << 3) | 1, 7)
        q = bytearray(base[:6]) + bytes([44]) + base[7:40] + frag + base[40:]
    elif kind == 3:                     # IPv4: non-first fragment or bad IHL
        q[6:8] = struct.pack("!H", 0x2000 | 8)
        if rnd.random() < 0.5:
            q[0] = 0x43
    elif kind == 4:                     # bit flips
        for _ in range(4):
            j = rnd.randrange(0, len(q))
            q[j] ^= 1 << rnd.randrange(8)
    else:                               # a random length field
        j = 4 if family == 6 else 2
        q[j:j + 2] = struct.pack("!H", rnd.getrandbits(16))
    return bytes(q)


def do_spoof(args):
    iface = None
    ready = None
    jobs = []
    i = 0
    while i < len(args):
        if args[i] == "--iface":
            iface = args[i + 1]
            i += 2
        elif args[i] == "--readyfile":
            ready = args[i + 1]
            i += 2
        else:
            job = dict(kv.split("=") for kv in args[i].split(","))
            job["fam"] = int(job["fam"])
            job["dport"] = int(job["dport"])
            jobs.append(job)
            i += 1
    s = sniff_syn(iface, 0, 0)
    if ready:
        open(ready, "w").close()
    tx = {6: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6),
          4: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)}
    tx[4].setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    rnd = random.Random(5927)
    pending = list(jobs)
    # A bound for a test that sends no SYN, not a timing: a debug kernel's
    # guest starved by other guests took more than 30 s from this forger's
    # readiness to the clients' SYNs (vm-softerr-codes.sh, 2026-12-02).
    end = time.monotonic() + 300
    while pending and time.monotonic() < end:
        syn = read_any_syn(s, {(j["fam"], j["dport"]) for j in pending})
        if not syn:
            continue
        fam, src, dst, sport, dport, isn = syn
        job = next(j for j in pending if (j["fam"], j["dport"]) == (fam, dport))
        pending.remove(job)
        threading.Thread(target=spoof_job, args=(job, tx[fam], rnd, src, dst, sport, isn)).start()
    for t in threading.enumerate():
        if t is not threading.current_thread():
            t.join()
    if pending:
        sys.exit(f"spoof: no SYN for {pending}")


def spoof_job(job, tx, rnd, src, dst, sport, isn):
    fam, dport = job["fam"], job["dport"]
    typ = int(job.get("type", 1 if fam == 6 else 3))
    code = int(job.get("code", 0))
    time.sleep(float(job.get("delay", 0)))

    to = job.get("to", src)
    pad = bytes(int(job.get("pad", 0)))

    def quote(sp, seq):
        if fam == 6:
            return ip6_quote(src, dst, sp, dport, seq & 0xFFFFFFFF) + pad
        return ip4_quote(src, dst, sp, dport, seq & 0xFFFFFFFF) + pad

    def send(q, t=typ, c=code, badsum=False):
        if fam == 6:
            tx.sendto(icmp6_msg(t, c, q), (to, 0))
        else:
            tx.sendto(icmp4_msg(t, c, q, badsum), (to, 0))

    n = 0
    for k in range(int(job.get("wrong", 0))):
        # Near misses and far ones: ISN + 1 (which the stack's own window
        # check accepts), ISN - 1, random.
        seq = [isn + 1, isn - 1, rnd.getrandbits(32)][k % 3]
        if seq & 0xFFFFFFFF == isn:
            seq ^= 1
        send(quote(sport, seq))
        n += 1
    for k in range(int(job.get("nosock", 0))):
        send(quote(sport ^ 0x4000, isn))
        n += 1
    for k in range(int(job.get("fuzz", 0))):
        wrong = (isn + 1 + rnd.getrandbits(31)) & 0xFFFFFFFF
        soft = rnd.choice([0, 2, 3] if fam == 6 else [0, 1, 5])
        send(malformed(rnd, fam, quote(sport, wrong)), c=soft)
        n += 1
    if job.get("right"):
        send(quote(sport, isn), badsum=bool(job.get("badsum")))
        n += 1
    print(f"{fam}/{dport} isn {isn} sport {sport} sent {n}", flush=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"connect": do_connect, "hold": do_hold, "listen": do_listen,
     "spoof": do_spoof, "sink": do_sink, "blast": do_blast}[cmd](args)


if __name__ == "__main__":
    main()
