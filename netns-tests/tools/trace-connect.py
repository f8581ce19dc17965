#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Time an unmodified client's TCP connects from its system calls.

  trace-connect.py RUNS TIMEOUT -- COMMAND [ARGS...]

runs COMMAND RUNS times (each "{run}" in ARGS becomes the run's number)
under `strace -ttt -T -e trace=socket,connect` and prints one JSON line per
run in the shape of `v6fix connect -j`: every TCP connect() as an attempt
(family, address, start_ms and end_ms from the first one, result "ok" or
the errno name), the winner, total_ms from the first attempt's start to
the winner's end (or to the last attempt's end when none connected), and
the client's exit status. For clients that connect with blocking
connect() calls one after another, as wget and OpenSSH do without a
connect timeout: a non-blocking connect (EINPROGRESS) ends the attempt
list with result "EINPROGRESS" (its end is not a system call). A run that
outlives TIMEOUT seconds is killed ("timeout": true).

Only SOCK_STREAM sockets of AF_INET/AF_INET6 count: glibc's getaddrinfo()
connect()s UDP sockets to sort its answers (RFC 6724 source addresses),
and those are no connection attempts.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SOCKET = re.compile(r'^(\d+\.\d+) socket\((AF_INET6?), (SOCK_\w+)[^)]*\) = (\d+)')
CONNECT = re.compile(r'^(\d+\.\d+) connect\((\d+), \{sa_family=(AF_INET6?), (.*)\}, \d+\) = '
                     r'(0|-1 (\w+))[^<]*<(\d+\.\d+)>')
ADDR6 = re.compile(r'inet_pton\(AF_INET6, "([^"]+)"')
ADDR4 = re.compile(r'inet_addr\("([^"]+)"\)')


def parse(path):
    stream, attempts = {}, []
    t0 = None
    with open(path) as f:
        for line in f:
            m = SOCKET.match(line)
            if m:
                stream[m.group(4)] = m.group(3) == "SOCK_STREAM"
                continue
            m = CONNECT.match(line)
            if not m or not stream.get(m.group(2)):
                continue
            start = float(m.group(1))
            if t0 is None:
                t0 = start
            addr = (ADDR6 if m.group(3) == "AF_INET6" else ADDR4).search(m.group(4))
            attempts.append({
                "family": "inet6" if m.group(3) == "AF_INET6" else "inet",
                "address": addr.group(1) if addr else None,
                "start_ms": round((start - t0) * 1000, 1),
                "end_ms": round((start + float(m.group(7)) - t0) * 1000, 1),
                "result": "ok" if m.group(5) == "0" else m.group(6),
            })
            if m.group(6) == "EINPROGRESS":
                break
    return attempts


def one(cmd, timeout):
    with tempfile.NamedTemporaryFile(prefix="trace-connect.") as tmp:
        argv = ["strace", "-qq", "-ttt", "-T", "-e", "trace=socket,connect", "-o", tmp.name] + cmd
        rc, timed_out = None, False
        try:
            rc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            timed_out = True
        attempts = parse(tmp.name)
    won = [a for a in attempts if a["result"] == "ok"]
    r = {"attempts": attempts,
         "winner": {"family": won[0]["family"], "address": won[0]["address"]} if won else None,
         "total_ms": (won[0] if won else attempts[-1])["end_ms"] if attempts else None,
         "exit": rc}
    if timed_out:
        r["timeout"] = True
    return r


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        sys.exit(2)
    runs, timeout, cmd = int(sys.argv[1]), float(sys.argv[2]), sys.argv[4:]
    for run in range(1, runs + 1):
        r = one([a.replace("{run}", str(run)) for a in cmd], timeout)
        print(json.dumps(r, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    main()
