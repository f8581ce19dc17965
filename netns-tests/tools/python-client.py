#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A real Python client for the fallback matrix, as applications use it.

  python-client.py create_connection HOST PORT RUNS TIMEOUT
      socket.create_connection(): getaddrinfo() order, one blocking connect
      after another (Lib/socket.py), no Happy Eyeballs.
  python-client.py asyncio HOST PORT RUNS TIMEOUT DELAY
      asyncio.open_connection(happy_eyeballs_delay=DELAY s): the staggered
      race of Lib/asyncio/base_events.py (interleave 1 when a delay is given).

One JSON line per run, in the shape of `v6fix connect -j` without the
attempts (which Python does not report): the family and address that won,
total_ms from the call to connected (or to giving up, winner null).
"""
import asyncio
import json
import socket
import sys
import time


def result(peer, t0):
    ms = round((time.monotonic() - t0) * 1000, 1)
    if peer is None:
        return {"attempts": [], "winner": None, "total_ms": ms}
    fam = "inet6" if ":" in peer[0] else "inet"
    return {"attempts": [], "winner": {"family": fam, "address": peer[0]}, "total_ms": ms}


def one_sync(host, port, timeout):
    t0 = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        return result(None, t0)
    peer = s.getpeername()
    s.close()
    return result(peer, t0)


async def one_async(host, port, timeout, delay):
    t0 = time.monotonic()
    try:
        _, w = await asyncio.wait_for(
            asyncio.open_connection(host, port, happy_eyeballs_delay=delay), timeout)
    except (OSError, asyncio.TimeoutError):
        return result(None, t0)
    peer = w.get_extra_info("peername")
    w.close()
    return result(peer, t0)


def main():
    mode, host, port, runs, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4]), float(sys.argv[5])
    for _ in range(runs):
        if mode == "create_connection":
            r = one_sync(host, port, timeout)
        else:
            r = asyncio.run(one_async(host, port, timeout, float(sys.argv[6])))
        print(json.dumps(r, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
