"""What one client address can make neutrino-server hold: prints figures, asserts nothing.

  1. 1,000 connections from 127.0.0.1, each sending 234 KB (then 60 KB, just within
     the default max_header_size) of headers that never end: the server's RSS growth
     (VmRSS), and how many connections it still holds without an answer; with the
     default options, and with max_connections_per_client = 0 (only the header budget
     at work)
  2. 4,500 idle connections from 127.0.0.1, then one request from 127.0.0.2 (another
     client): its status and time (10 s at most)

Run it on the build to measure (default ./build), or on an older binary to compare:
    /usr/bin/python3 bench/conn_memory_bench.py
    NEUTRINO_SERVER=/path/to/old/neutrino-server /usr/bin/python3 bench/conn_memory_bench.py
Needs about 6,000 open files (ulimit -n).
"""

import os
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "api"))
from conftest import NeutrinoServer  # noqa: E402

HEADER_BYTES = (234 * 1024, 60 * 1024)     # The report's size; just within 64 KB.


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def settle(pid, quiet_s=1.0, limit_s=30.0):
    """Waits until the server's RSS stops moving; returns it."""
    last, since = rss_kib(pid), time.monotonic()
    deadline = time.monotonic() + limit_s
    while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
        time.sleep(0.2)
        now = rss_kib(pid)
        if abs(now - last) > 256:
            last, since = now, time.monotonic()
    return rss_kib(pid)


def still_open(sock):
    """True if the server holds 'sock' without an answer: nothing to read, no end of
    stream (an answer, the 431, comes just before the server closes)."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def unfinished_headers(overrides, header_bytes, n=1000):
    srv = NeutrinoServer(tempfile.mkdtemp(prefix="neutrino-connbench."), overrides)
    srv.start()
    socks = []
    try:
        pid = srv.proc.pid
        before = settle(pid)
        line = b"X-Filler: " + b"f" * 1000 + b"\r\n"
        payload = (b"GET /v2.0/networks HTTP/1.1\r\nHost: bench\r\n"
                   + line * (header_bytes // len(line)))
        for _ in range(n):
            try:
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=2)
            except OSError:
                continue
            socks.append(s)
            try:
                s.sendall(payload)
            except OSError:
                pass
        after = settle(pid)
        held = sum(1 for s in socks if still_open(s))
        return before, after, held
    finally:
        for s in socks:
            s.close()
        srv.stop()


def idle_crowd(n=4500):
    srv = NeutrinoServer(tempfile.mkdtemp(prefix="neutrino-connbench."))
    srv.start()
    socks = []
    try:
        for _ in range(n):
            try:
                socks.append(socket.create_connection(("127.0.0.1", srv.port), timeout=2))
            except OSError:
                break
        time.sleep(1.0)
        start = time.monotonic()
        try:
            other = socket.create_connection(("127.0.0.1", srv.port), timeout=10,
                                             source_address=("127.0.0.2", 0))
            other.settimeout(10)
            other.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            first = other.recv(4096).split(b"\r\n")[0].decode() or "closed"
            other.close()
        except OSError as e:
            first = "failed: %s" % e
        return len(socks), first, time.monotonic() - start
    finally:
        for s in socks:
            s.close()
        srv.stop()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    binary = os.environ.get("NEUTRINO_SERVER", "build/src/server/neutrino-server")
    print("server: %s" % binary)
    for size in HEADER_BYTES:
        for label, overrides in (
                ("default options", None),
                ("max_connections_per_client = 0",
                 {"neutron.conf": {"DEFAULT": {"max_connections_per_client": "0"}}})):
            before, after, held = unfinished_headers(overrides, size)
            print("1,000 x %3d KB unfinished headers, %-31s RSS %6.1f -> %6.1f MB"
                  " (+%.1f MB), connections held: %d"
                  % (size // 1024, label + ":", before / 1024, after / 1024,
                     (after - before) / 1024, held))
    opened, status, seconds = idle_crowd()
    print("%d idle connections from 127.0.0.1; a request from 127.0.0.2: %s in %.2f s"
          % (opened, status, seconds))


if __name__ == "__main__":
    main()
