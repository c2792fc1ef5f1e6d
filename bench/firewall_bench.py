"""Security group firewall benchmark: prints figures, asserts nothing.

Drives the linux-bridge agent's firewall (src/agent/firewall.h) through the test tool
fw-apply in a namespace of its own (root needed; the rules need no real taps):

  1. 1,000 ports programmed from scratch (one apply): seconds
  2. reading the kernel back and finding nothing to do (an agent restart) at 1,000 ports
  3. one more port, and one port removed, at 1,000 ports
  4. a rule change in a group used by 1 port, and by all 1,000 ports
  5. a member joining a remote group of 10 / 100 / 1,000 members (should be flat)
Each figure is the median of a few runs, as plan + apply wall time inside fw-apply.

    make release && /usr/bin/python3 bench/firewall_bench.py [--build build-release] [--ports N]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NET = "673540ec-ed00-4000-8000-000000000001"
DEFAULT = "9de54099-f667-453a-b54a-000000000001"
WEB = "1e5a0c2b-0000-4000-8000-000000000002"
ONE = "0be1e2d3-0000-4000-8000-000000000003"
REMOTE = "5a7e1e55-0000-4000-8000-000000000004"


def port(i, groups):
    pid = "%08x-aaaa-4bbb-8ccc-%012d" % (0x20000000 + i, i)
    return {"id": pid, "device": "tap" + pid[:11], "network_id": NET,
            "mac_address": "fa:16:3e:%02x:%02x:%02x" % (i >> 16 & 255, i >> 8 & 255, i & 255),
            "fixed_ips": ["10.%d.%d.%d" % (20 + (i >> 16), i >> 8 & 255, i & 255)],
            "security_groups": groups}


def rule(direction, ethertype="IPv4", **kw):
    return dict(direction=direction, ethertype=ethertype, **kw)


def make_model(n_ports, web_ports=80, one_extra=False, members=0, extra_port=False):
    ports = [port(i, [DEFAULT, WEB] + ([ONE] if i == 0 else [])) for i in range(n_ports)]
    if extra_port:
        ports.append(port(n_ports, [DEFAULT, WEB]))
    groups = {
        DEFAULT: {"rules": [rule("egress"), rule("egress", "IPv6"),
                            rule("ingress", remote_group_id=DEFAULT),
                            rule("ingress", "IPv6", remote_group_id=DEFAULT)]},
        WEB: {"rules": [rule("ingress", protocol="tcp", port_range_min=web_ports,
                             port_range_max=web_ports),
                        rule("ingress", protocol="icmp", remote_ip_prefix="192.0.2.0/24")]},
        ONE: {"rules": [rule("ingress", protocol="tcp", port_range_min=22, port_range_max=22,
                             remote_group_id=REMOTE)]
              + ([rule("ingress", protocol="udp", port_range_min=53, port_range_max=53)]
                 if one_extra else [])},
    }
    member_ips = {DEFAULT: {"IPv4": [p["fixed_ips"][0] for p in ports], "IPv6": []},
                  REMOTE: {"IPv4": ["10.200.%d.%d" % (k >> 8, k & 255) for k in range(members)],
                           "IPv6": []}}
    return {"ports": ports, "security_groups": groups, "sg_member_ips": member_ips}


class Fw:
    def __init__(self, binary, ns, tmp):
        self.tmp = tmp
        self.n = 0
        self.proc = subprocess.Popen([binary, ns], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def cmd(self, verb, model):
        self.n += 1
        path = Path(self.tmp) / ("m%d.json" % self.n)
        path.write_text(json.dumps(model))
        t0 = time.monotonic()
        self.proc.stdin.write("%s %s\n" % (verb, path))
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        answer["wall_ms"] = (time.monotonic() - t0) * 1e3
        if not answer.get("ok"):
            sys.exit("fw-apply failed: %s" % answer.get("error"))
        return answer

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def ms(a):
    """Plan + apply time of an answer (and the kernel read when there was one)."""
    return a["read_ms"] + a["plan_ms"] + a["apply_ms"]


def median(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--ports", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    binary = str(Path(args.build) / "tests/tools/fw-apply")
    ns = "nfwbench%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="neutrino-fw-bench.")
    n = args.ports
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        fw = Fw(binary, ns, tmp)
        base = make_model(n)
        a = fw.cmd("apply", base)
        print("%d ports from scratch: %.2f s (%d chains, plan %.0f ms, apply %.0f ms)"
              % (n, ms(a) / 1e3, a["chains_written"], a["plan_ms"], a["apply_ms"]))
        rs = [fw.cmd("resync", base) for _ in range(args.runs)]
        assert not any(r["changed"] for r in rs)
        print("restart at %d ports (read the kernel, nothing to do): %.0f ms (read %.0f ms)"
              % (n, median([ms(r) for r in rs]), median([r["read_ms"] for r in rs])))
        add, rem = [], []
        for _ in range(args.runs):
            add.append(ms(fw.cmd("apply", make_model(n, extra_port=True))))
            rem.append(ms(fw.cmd("apply", base)))
        print("one port added / removed at %d ports: %.1f / %.1f ms" % (n, median(add),
                                                                        median(rem)))
        one = [ms(fw.cmd("apply", make_model(n, one_extra=k % 2 == 0)))
               for k in range(args.runs)]
        fw.cmd("apply", base)
        allp = [ms(fw.cmd("apply", make_model(n, web_ports=81 + k))) for k in range(args.runs)]
        print("rule change, group of 1 port / of %d ports: %.1f / %.1f ms"
              % (n, median(one), median(allp)))
        for members in (10, 100, 1000):
            fw.cmd("apply", make_model(n, members=members))
            times = []
            for k in range(args.runs):
                a = fw.cmd("apply", make_model(n, members=members + 1 + k))
                assert a["chains_written"] == 0 and a["lines_changed"] == 0
                times.append(a["apply_ms"])
            plans = median([a["plan_ms"]])
            print("member joins a group of %4d: apply %.2f ms (plan of the %d-port model "
                  "%.1f ms)" % (members, median(times), n, plans))
        small = Fw(binary, ns, tmp)
        small.cmd("resync", make_model(10))
        for members in (10, 100, 1000):
            small.cmd("apply", make_model(10, members=members))
            times = [ms(small.cmd("apply", make_model(10, members=members + 1 + k)))
                     for k in range(args.runs)]
            print("member joins a group of %4d (10 ports): plan+apply %.2f ms"
                  % (members, median(times)))
        small.cmd("apply", {"ports": []})
        small.close()
        fw.close()
    finally:
        subprocess.run(["ip", "netns", "del", ns])


if __name__ == "__main__":
    main()
