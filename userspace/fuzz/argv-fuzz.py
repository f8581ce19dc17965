#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz v6fix's command-line parsers by exec.

The objects' argument parsers are static, exit(2) on bad input and are
interleaved with the system calls they guard, so they cannot be fed to
libFuzzer in-process. Instead this driver runs the CLI (an ASan+UBSan build)
on a bounded number of argument vectors built from the CLI's own words,
values at their edges and random bytes, and checks the contract for each:

  - no sanitizer report and no signal; exit status 0, 1 or 2
  - exit 2 means bad input: exactly one line on stderr, starting "v6fix: ",
    and nothing on stdout (except for no object, or an object without a
    command: then the usage, as for `v6fix` alone)
  - it ends within a few seconds (except the long-running test helpers)

It runs everything in a private network and mount namespace, with its own
/run/netns, an overlay over /etc and a namespace "fz" for -n, so whatever a
generated command line manages to change, the host never sees it.

Usage: argv-fuzz.py [--cases N] [--seed S] V6FIX
The last line is a summary: "N cases: ..., 0 failures".
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

OBJECTS = ["softerr", "onlink", "label", "policy", "connect", "serve",
           "delayline", "version", "help", "s", "on", "la", "po", "co",
           "ver", "dns", "fwcheck", "fw", "clientprobe"]
WORDS = {
    "softerr": ["show", "set", "family", "inet", "inet6", "policy", "pass",
                "hard", "rfc1122", "bsd", "retries", "help"],
    "onlink": ["show", "on", "off", "dev", "lo", "fz0", "metric", "--force",
               "help"],
    "label": ["show", "add", "del", "flush", "reset", "prefix", "label",
              "dev", "lo", "--force", "help"],
    "policy": ["show", "set", "precedence", "label", "prefer", "ipv4",
               "ipv6", "reset", "explain", "--system", "localhost", "help"],
    "connect": ["--algo", "seq", "he", "--delay", "-4", "-6", "--timeout", "--count",
                "-j", "::1", "127.0.0.1", "localhost", "--transfer", "help"],
    "fwcheck": ["-4", "-6", "--dns", "--dns-name", "--dns-type", "TXT", "--prefix-len",
                "--prefix-len4", "--port", "--wait", "--nd-wait", "::1", "127.0.0.1",
                "help"],
    "serve": ["-4", "-6", "--exit-with", "help", "--design", "sockets", "processes",
              "mapped", "--v6only", "default", "--inetd"],
    "delayline": ["--queue", "--exit-with", "help"],
    "version": ["help"],
    "dns": ["probe", "--timeout", "--retries", "--parallel", "-f", "/dev/null",
            "/etc/hostname", "127.0.0.1", "[::1]:53", "127.0.0.1:5", "www.test",
            "help"],
}
VALUES = ["0", "1", "-1", "80", "65535", "65536", "127", "128", "255",
          "4294967294", "4294967295", "4294967296", "2147483647",
          "2147483648", "0x10", "0xffffffff", "1e3", "nan", "inf", "1.5s",
          "250ms", "10us", "-5ms", "0.0001", "", " ", "::/0", "::1/128",
          "2001:db8::/32", "2001:db8::1/32", "::ffff:0:0/96", "10.0.0.0/8",
          "10.0.0.1/8", "fe80::/10", "::/129", "::/-1", "1.2.3.4", "::",
          "zz::/8", "/32", "2001:db8::/", "%s%n%x", "a" * 300]
# Long-running objects: serve, delayline and connect may legitimately wait.
MAY_HANG = {"serve", "delayline", "connect", "co", "dns", "fwcheck", "fw", "clientprobe"}
SAN_MARKS = (b"ERROR: AddressSanitizer", b"runtime error:",
             b"ERROR: LeakSanitizer", b"SUMMARY: UndefinedBehaviorSanitizer")


def random_token(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return "".join(chr(rng.randrange(1, 256)) for _ in range(rng.randrange(1, 20)))
    if kind == 1:
        return rng.choice(VALUES) + rng.choice(["", "x", "0", "/", ":", "."])
    if kind == 2:
        return "-" + rng.choice("njVhx-") + rng.choice(["", "netns", "json", "="])
    return rng.choice(sum(WORDS.values(), []))[: rng.randrange(1, 8)]


def make_argv(rng):
    argv = []
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        argv += rng.choice([["-j"], ["-n", "fz"], ["-n", "nonexist"], ["-n"],
                            ["--netns=fz"], ["-x"], ["-n", "../x"],
                            ["--json"]])
    obj = rng.choice(OBJECTS)
    if rng.random() < 0.05:
        obj = random_token(rng)
    argv.append(obj)
    full = next((o for o in WORDS if o.startswith(obj)), None)
    words = WORDS.get(full, ["help"])
    for _ in range(rng.randrange(0, 7)):
        r = rng.random()
        if r < 0.5:
            argv.append(rng.choice(words))
        elif r < 0.85:
            argv.append(rng.choice(VALUES))
        else:
            argv.append(random_token(rng))
    # Never let a generated command detach or linger: no --daemon.
    return [a.replace("\0", "") for a in argv if "daemon" not in a], obj


def bare_usage(argv, obj):
    """No object, or an object with no command: the usage, as `v6fix` alone."""
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        i += 2 if argv[i] in ("-n", "--netns") else 1
    rest = argv[i:]
    return len(rest) == 0 or (len(rest) == 1 and rest[0] in OBJECTS)


def isolate():
    """Re-run this script in fresh network and mount namespaces."""
    if os.environ.get("V6FIX_ARGV_FUZZ_ISOLATED") == "1":
        tmp = tempfile.mkdtemp(prefix="v6fix-argv-fuzz-")
        for d in ("upper", "work"):
            os.mkdir(os.path.join(tmp, d))
        script = (
            "set -e; mount --make-rprivate /; "
            "mount -t tmpfs tmpfs /run/netns 2>/dev/null || "
            "{ mkdir -p /run/netns; mount -t tmpfs tmpfs /run/netns; }; "
            f"mount -t overlay overlay -o lowerdir=/etc,upperdir={tmp}/upper,"
            f"workdir={tmp}/work /etc; "
            "ip netns add fz; ip link set lo up; "
            "ip -n fz link set lo up")
        subprocess.run(["sh", "-c", script], check=True)
        return tmp
    env = dict(os.environ, V6FIX_ARGV_FUZZ_ISOLATED="1")
    cmd = ["unshare", "--net", "--mount", "--propagation", "private",
           sys.executable] + sys.argv
    os.execvpe("unshare", cmd, env)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("v6fix")
    args = ap.parse_args()
    v6fix = os.path.abspath(args.v6fix)
    if not os.access(v6fix, os.X_OK):
        print(f"argv-fuzz: {v6fix} is not built")
        print("0 cases: 1 failures")
        return 1
    isolate()
    rng = random.Random(args.seed)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    counts = {0: 0, 1: 0, 2: 0, "timeout": 0}
    failures = 0
    for i in range(args.cases):
        argv, obj = make_argv(rng)
        try:
            p = subprocess.run([v6fix] + argv, capture_output=True, env=env,
                               timeout=3, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            counts["timeout"] += 1
            if obj not in MAY_HANG:
                failures += 1
                print(f"FAIL {argv!r}: still running after 3 s")
            continue
        why = None
        if any(m in p.stderr for m in SAN_MARKS):
            why = "sanitizer report:\n" + p.stderr.decode(errors="replace")
        elif p.returncode not in (0, 1, 2):
            why = f"exit status {p.returncode}"
        elif p.returncode == 2 and not bare_usage(argv, obj):
            lines = p.stderr.split(b"\n")
            if lines[-1] == b"":
                lines.pop()
            if (len(lines) != 1 or not lines[0].startswith(b"v6fix: ")
                    or p.stdout):
                why = f"exit 2 with {len(lines)} stderr lines, {len(p.stdout)} stdout bytes: {lines[:3]}"
        if why:
            failures += 1
            print(f"FAIL {argv!r}: {why}")
        else:
            counts[p.returncode] += 1
    print(f"{args.cases} cases: {counts[0]} exit 0, {counts[1]} exit 1, "
          f"{counts[2]} exit 2, {counts['timeout']} timeouts, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
