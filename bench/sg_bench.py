"""Security groups end to end: prints figures, asserts nothing.

  API rule create (ICMP from an instance's address) -> the first echo reply that rule lets
  through, and API rule delete -> the last reply before they stop (the connection is
  tracked: only the agent deleting it stops them), over 30 changes each: p50 / p99 / max.

A prober in the sending instance sends one ICMP echo request every millisecond (raw
socket) and notes when replies come, so the figure includes the server's transaction,
the change feed's long-poll, the agent's fetch of the groups, the firewall's restore and
conntrack deletion, with a millisecond's resolution.

Runs in the namespace lab of tests/agent (root needed), with the release build:
    NEUTRINO_SERVER=build-release/src/server/neutrino-server /usr/bin/python3 bench/sg_bench.py
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
import lab as conftest  # noqa: E402

SAMPLES = 30

# Reads "open" or "close" lines; "open": sends until the first reply, prints its time;
# "close": sends until 300 ms pass with no reply, prints the last reply's time
# (time.monotonic(), the same clock in every process).
PROBER = r"""
import os, select, socket, struct, sys, time

def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

dst = sys.argv[1]
ident = os.getpid() & 0xffff
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
seq = 0

def send():
    global seq
    seq = (seq + 1) & 0xffff
    head = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    sock.sendto(struct.pack("!BBHHH", 8, 0, checksum(head), ident, seq), (dst, 0))

def replies(wait):
    got = None
    while select.select([sock], [], [], wait)[0]:
        pkt = sock.recv(2048)
        ihl = (pkt[0] & 15) * 4
        if pkt[ihl] == 0 and struct.unpack("!H", pkt[ihl + 4:ihl + 6])[0] == ident:
            got = time.monotonic()
        wait = 0
    return got

for line in sys.stdin:
    if line.strip() == "open":
        while True:
            send()
            t = replies(0.001)
            if t:
                break
    else:
        last = time.monotonic()
        while time.monotonic() - last < 0.3:
            send()
            t = replies(0.001)
            if t:
                last = t
        t = last
    print("%.6f" % t, flush=True)
"""


def figures(name, ms):
    ms.sort()
    print("%-44s p50 %6.1f  p99 %6.1f  max %6.1f ms  (%d changes)"
          % (name, statistics.median(ms), ms[max(0, int(len(ms) * 0.99) - 1)], ms[-1], len(ms)))


def main():
    lab = conftest.Lab(tempfile.mkdtemp(prefix="neutrino-sg-bench."))
    try:
        lab.build()
        lab.start_server()
        lab.start_agent("n1")
        net = lab.network("10.60.0.0/24")
        group = lab.api("POST", "/v2.0/security-groups",
                        {"security_group": {"name": "bench-other"}}).json()["security_group"]
        default = lab.api("GET", "/v2.0/security-groups",
                          params={"name": "default"}).json()["security_groups"][0]
        a = lab.instance("a", "n1", net)
        c = lab.instance("c", "n1", net, security_groups=[group["id"]])
        for inst in (a, c):
            conftest.wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE")
        prober = subprocess.Popen(["ip", "netns", "exec", c["ns"], sys.executable, "-c", PROBER,
                                   a["ip"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        opened, closed = [], []
        rule = {"security_group_rule": {"security_group_id": default["id"],
                                        "direction": "ingress", "protocol": "icmp",
                                        "remote_ip_prefix": c["ip"] + "/32"}}
        for _ in range(SAMPLES):
            prober.stdin.write("open\n")
            prober.stdin.flush()
            t0 = time.monotonic()
            r = lab.api("POST", "/v2.0/security-group-rules", rule)
            assert r.status_code == 201, r.text
            opened.append((float(prober.stdout.readline()) - t0) * 1000)
            prober.stdin.write("close\n")
            prober.stdin.flush()
            t0 = time.monotonic()
            lab.api("DELETE", "/v2.0/security-group-rules/"
                    + r.json()["security_group_rule"]["id"])
            closed.append(max(0.0, (float(prober.stdout.readline()) - t0) * 1000))
        prober.kill()
        prober.wait()
        figures("API rule create -> first packet it allows", opened)
        figures("API rule delete -> last packet it allowed", closed)
    finally:
        problems = lab.cleanup()
        if problems:
            print("cleanup problems:", problems)


if __name__ == "__main__":
    main()
