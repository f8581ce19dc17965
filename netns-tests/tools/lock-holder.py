#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold a SYN-SENT socket's lock from userspace (netns-tests/vm-softerr-stall.sh).

  hold ADDR PORT GOFILE [MAX_SECONDS]
      A non-blocking connect() to ADDR:PORT (IPv4; a port that never
      answers, so the socket stays in SYN-SENT), then, in a thread,
      setsockopt(IP_OPTIONS) from a page registered with userfaultfd: the
      kernel copies the options with the socket locked (do_ip_setsockopt()
      takes sockopt_lock_sock() before ip_options_get()), and the copy
      waits for the fault, which is resolved once GOFILE exists (at most
      MAX_SECONDS, default 90, later). Prints
        sport PORT             once connecting
        held                   once the copy waits (the lock is held)
        released               when the page is filled
        end ERRNO MS           the attempt's end (SO_ERROR), MS after release
"""
import ctypes
import errno as errno_mod
import mmap
import os
import socket
import struct
import sys
import threading
import time

SYS_userfaultfd = 323          # x86-64
UFFD_API = 0xAA
UFFDIO_API = 0xC018AA3F        # _IOWR(0xAA, 0x3F, struct uffdio_api)
UFFDIO_REGISTER = 0xC020AA00   # _IOWR(0xAA, 0x00, struct uffdio_register)
UFFDIO_COPY = 0xC028AA03       # _IOWR(0xAA, 0x03, struct uffdio_copy)
UFFDIO_REGISTER_MODE_MISSING = 1
IP_OPTIONS = 4
PAGE = mmap.PAGESIZE

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
libc.setsockopt.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
                            ctypes.c_uint]


def check(ret, what):
    if ret < 0:
        e = ctypes.get_errno()
        sys.exit(f"lock-holder: {what}: {os.strerror(e)}")
    return ret


def errname(e):
    return errno_mod.errorcode.get(e, str(e)) if e else "OK"


def do_hold(addr, port, gofile, seconds):
    uffd = check(libc.syscall(SYS_userfaultfd, os.O_CLOEXEC), "userfaultfd")
    api = ctypes.create_string_buffer(struct.pack("QQQ", UFFD_API, 0, 0))
    check(libc.ioctl(uffd, UFFDIO_API, api), "UFFDIO_API")
    area = libc.mmap(None, PAGE, mmap.PROT_READ | mmap.PROT_WRITE,
                     mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, -1, 0)
    if area in (None, ctypes.c_void_p(-1).value):
        sys.exit("lock-holder: mmap failed")
    reg = ctypes.create_string_buffer(struct.pack("QQQQ", area, PAGE,
                                                  UFFDIO_REGISTER_MODE_MISSING, 0))
    check(libc.ioctl(uffd, UFFDIO_REGISTER, reg), "UFFDIO_REGISTER")

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((addr, port))
    except BlockingIOError:
        pass
    print(f"sport {s.getsockname()[1]}", flush=True)

    result = {}

    def setopt():
        # NOP, NOP, NOP, end of options: valid once the page is there.
        result["ret"] = libc.setsockopt(s.fileno(), socket.IPPROTO_IP, IP_OPTIONS,
                                        area, 4)
        result["errno"] = ctypes.get_errno()

    t = threading.Thread(target=setopt)
    t.start()
    # The fault message: the copy now waits, inside the socket lock.
    os.read(uffd, 32)
    print("held", flush=True)
    end = time.monotonic() + seconds
    while not os.path.exists(gofile) and time.monotonic() < end:
        time.sleep(0.05)

    src = ctypes.create_string_buffer(bytes([1, 1, 1, 0]) + bytes(PAGE - 4), PAGE)
    copy = ctypes.create_string_buffer(struct.pack("QQQQq", area, ctypes.addressof(src),
                                                   PAGE, 0, 0))
    check(libc.ioctl(uffd, UFFDIO_COPY, copy), "UFFDIO_COPY")
    t0 = time.monotonic()
    t.join()
    print("released", flush=True)
    if result["ret"] != 0:
        sys.exit(f"lock-holder: setsockopt: {os.strerror(result['errno'])}")

    # The attempt's end: the deferred abort, once the lock is free.
    info = 2
    while time.monotonic() - t0 < 20:
        info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
        if info != 2:       # TCP_SYN_SENT
            break
        time.sleep(0.01)
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    print(f"end {errname(err)} {(time.monotonic() - t0) * 1000:.0f}", flush=True)


def main():
    if len(sys.argv) not in (5, 6) or sys.argv[1] != "hold":
        sys.exit(__doc__)
    do_hold(sys.argv[2], int(sys.argv[3]), sys.argv[4],
            float(sys.argv[5]) if len(sys.argv) == 6 else 90)


if __name__ == "__main__":
    main()
