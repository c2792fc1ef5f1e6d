"""What the security group firewall costs a bridged packet: prints figures, asserts nothing.

Two instances on one node of the agents' lab (tests/agent), both ports on one network,
the real server and linux-bridge agent programming the firewall.  For each setting

  (a) no port security on either port (port_security_enabled false, no groups)
  (b) both ports in the project's default group
  (c) both ports in a group of 100 TCP port rules (ports 5001-5100) + ICMP, plus the
      group's own egress rules; the traffic goes to the last of those ports

it prints the echo round trip from one instance to the other (a raw-socket prober:
1,000 requests, one per millisecond, each waiting for its reply) and the TCP throughput
of one connection (python sockets, 3 runs of 3 s, median), the new TCP connections per
second one client opens and closes for 3 s (the SYN of each walks the rules; an
established connection's packets stop at the conntrack rule), and the number of iptables
rules on the node (a check that the setting took).

Runs in the namespace lab (root needed), with the release build:
    NEUTRINO_SERVER=build-release/src/server/neutrino-server /usr/bin/python3 bench/forwarding_bench.py
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
import lab as conftest  # noqa: E402

PINGS = 1000
TCP_PORT = 5100
TCP_RUNS = 3
TCP_SECONDS = 3.0
CONNECT_SECONDS = 3.0

# Echo requests from a raw socket, one per millisecond, each waiting (up to 1 s) for its
# reply; prints one round trip in microseconds per line ("lost" for none).
PINGER = r"""
import os, select, socket, struct, sys, time

def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

dst, count = sys.argv[1], int(sys.argv[2])
ident = os.getpid() & 0xffff
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
payload = b"\0" * 56
out = []
for seq in range(1, count + 1):
    head = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    pkt = struct.pack("!BBHHH", 8, 0, checksum(head), ident, seq) + payload
    t0 = time.perf_counter()
    sock.sendto(pkt, (dst, 0))
    rtt = None
    while rtt is None:
        left = 1.0 - (time.perf_counter() - t0)
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            break
        r = sock.recv(2048)
        ihl = (r[0] & 15) * 4
        if r[ihl] == 0 and struct.unpack("!HH", r[ihl + 4:ihl + 8]) == (ident, seq):
            rtt = time.perf_counter() - t0
    out.append("lost" if rtt is None else "%.1f" % (rtt * 1e6))
    pause = 0.001 - (time.perf_counter() - t0)
    if pause > 0:
        time.sleep(pause)
print("\n".join(out))
"""

# Receiver: accepts one connection per run, counts bytes until EOF, prints
# "<bytes> <seconds from first byte to EOF>".
SINK = r"""
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(1)
print("ready", flush=True)
for _ in range(int(sys.argv[2])):
    c, _ = s.accept()
    buf = bytearray(1 << 20)
    n, t0 = 0, None
    while True:
        k = c.recv_into(buf)
        if not k:
            break
        if t0 is None:
            t0 = time.perf_counter()
        n += k
    print(n, time.perf_counter() - t0, flush=True)
    c.close()
"""

# Accepts and closes connections until killed.
ACCEPTOR = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(512)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""

# Opens and closes connections, one after another, for the given seconds; prints how many.
CONNECTOR = r"""
import socket, struct, sys, time
n, end = 0, time.perf_counter() + float(sys.argv[3])
while time.perf_counter() < end:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    n += 1
print(n)
"""

# Sender: one connection, writes 256 KiB blocks for the given seconds.
SOURCE = r"""
import socket, sys, time
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
block = b"x" * (256 * 1024)
end = time.perf_counter() + float(sys.argv[3])
while time.perf_counter() < end:
    c.sendall(block)
c.close()
"""


def in_ns(ns, code, *args, **kw):
    return ["ip", "netns", "exec", ns, sys.executable, "-c", code] + [str(a) for a in args]


def rtt_figures(src, dst_ip):
    p = subprocess.run(in_ns(src["ns"], PINGER, dst_ip, PINGS), capture_output=True, text=True,
                       timeout=PINGS * 1.1 + 30, check=True)
    lines = p.stdout.split()
    us = sorted(float(x) for x in lines if x != "lost")
    lost = len(lines) - len(us)
    if not us:
        return "no replies"
    return ("p50 %5.0f  p99 %5.0f  mean %5.0f us  (%d lost)"
            % (statistics.median(us), us[max(0, int(len(us) * 0.99) - 1)],
               statistics.mean(us), lost))


def throughput(src, dst):
    sink = subprocess.Popen(in_ns(dst["ns"], SINK, TCP_PORT, TCP_RUNS), stdout=subprocess.PIPE,
                            text=True)
    try:
        assert sink.stdout.readline().strip() == "ready"
        rates = []
        for _ in range(TCP_RUNS):
            subprocess.run(in_ns(src["ns"], SOURCE, dst["ip"], TCP_PORT, TCP_SECONDS),
                           check=True, timeout=TCP_SECONDS + 30)
            n, secs = sink.stdout.readline().split()
            rates.append(int(n) * 8 / float(secs) / 1e9)
        sink.wait(timeout=10)
        return statistics.median(rates), rates
    finally:
        if sink.poll() is None:
            sink.kill()
            sink.wait()


def connection_rate(src, dst):
    """New TCP connections per second: each one's SYN walks the group's rules, where an
    established connection's packets stop at the conntrack rule."""
    acceptor = subprocess.Popen(in_ns(dst["ns"], ACCEPTOR, TCP_PORT), stdout=subprocess.PIPE,
                                text=True)
    try:
        assert acceptor.stdout.readline().strip() == "ready"
        p = subprocess.run(in_ns(src["ns"], CONNECTOR, dst["ip"], TCP_PORT, CONNECT_SECONDS),
                           capture_output=True, text=True, check=True,
                           timeout=CONNECT_SECONDS + 30)
        return int(p.stdout) / CONNECT_SECONDS
    finally:
        acceptor.kill()
        acceptor.wait()


def rule_lines(lab):
    """The number of iptables rules on the node (all tables): the group rules live in
    chains of their own that do not name the taps."""
    save = conftest.sh("iptables-save", ns=lab.node_ns("n1")).stdout
    return sum(1 for line in save.splitlines() if line.startswith("-A "))


def set_ports(lab, insts, **attrs):
    for inst in insts:
        r = lab.api("PUT", "/v2.0/ports/" + inst["port"]["id"], {"port": attrs})
        assert r.status_code == 200, r.text


def settle(lab, expect_lines):
    """Waits until the agent has (un)programmed the ports: expect_lines(n) is true."""
    conftest.wait_for(lambda: expect_lines(rule_lines(lab)), timeout=20,
                      what="the firewall of the two ports")
    time.sleep(0.5)
    return rule_lines(lab)


def measure(name, lab, a, b, lines):
    print("%-34s echo RTT: %s" % (name, rtt_figures(a, b["ip"])), flush=True)
    median, runs = throughput(a, b)
    print("%-34s TCP: %.2f Gbit/s  (runs %s)  iptables rules on the node: %d"
          % ("", median, " ".join("%.2f" % r for r in runs), lines), flush=True)
    rate = connection_rate(a, b)
    print("%-34s new TCP connections: %.0f/s" % ("", rate), flush=True)
    return median, rate


def main():
    lab = conftest.Lab(tempfile.mkdtemp(prefix="neutrino-fwd-bench."))
    try:
        lab.build()
        lab.start_server()
        lab.start_agent("n1")
        net = lab.network("10.61.0.0/24")
        a = lab.instance("a", "n1", net)
        b = lab.instance("b", "n1", net)
        insts = (a, b)
        for inst in insts:
            conftest.wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE")
        group = lab.api("POST", "/v2.0/security-groups",
                        {"security_group": {"name": "bench-100"}}).json()["security_group"]
        rules = [{"security_group_id": group["id"], "direction": "ingress", "protocol": "tcp",
                  "port_range_min": p, "port_range_max": p} for p in range(5001, 5101)]
        rules.append({"security_group_id": group["id"], "direction": "ingress",
                      "protocol": "icmp"})
        r = lab.api("POST", "/v2.0/security-group-rules", {"security_group_rules": rules})
        assert r.status_code == 201, r.text

        default_lines = settle(lab, lambda n: n > 0)
        tput, rate = {}, {}
        tput["b"], rate["b"] = measure("(b) default group", lab, a, b, default_lines)

        set_ports(lab, insts, security_groups=[group["id"]])
        lines = settle(lab, lambda n: n >= default_lines + 100)
        tput["c"], rate["c"] = measure("(c) 100 TCP rules + ICMP", lab, a, b, lines)

        set_ports(lab, insts, security_groups=[], port_security_enabled=False)
        lines = settle(lab, lambda n: n < default_lines)
        tput["a"], rate["a"] = measure("(a) no port security", lab, a, b, lines)

        print("TCP throughput, 100 rules vs none: %+.0f%%   vs default group: %+.0f%%   "
              "(goal: no more than 20%% slower)"
              % ((tput["c"] / tput["a"] - 1) * 100, (tput["c"] / tput["b"] - 1) * 100))
        print("new TCP connections/s, 100 rules vs none: %+.0f%%   vs default group: %+.0f%%"
              % ((rate["c"] / rate["a"] - 1) * 100, (rate["c"] / rate["b"] - 1) * 100))
    finally:
        problems = lab.cleanup()
        if problems:
            print("cleanup problems:", problems)


if __name__ == "__main__":
    main()
