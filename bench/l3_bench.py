"""The L3 engine's cost at scale: N routers on one node (each a gateway port, an
internal port, two floating IPs and an extra route), driven through l3-apply in a
private node namespace.  Prints the time to build them all, a second apply that
changes nothing, one router's floating IPs moved (a whole apply, then one limited to
that router), and the removal of all.
Nothing asserts; the figures are for people to read.  Needs root.

    /usr/bin/python3 bench/l3_bench.py [-n 50] [BUILD_DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PREFIX = "nl3b%d" % os.getpid()
NODE = PREFIX + "-node"


def router(i, fip_shift=0):
    rid = "%08x-0000-4000-8000-%012x" % (0x1000 + i, i)
    gw = "%08x-0000-4000-8000-%012x" % (0x2000 + i, i)
    port = "%08x-0000-4000-8000-%012x" % (0x3000 + i, i)
    net = 10 + i // 250, i % 250
    return {
        "id": rid, "enable_snat": True,
        "gateway": {"port_id": gw, "mac_address": "fa:16:3e:01:%02x:%02x" % (i // 256, i % 256),
                    "mtu": 1500,
                    "fixed_ips": [{"ip_address": "100.64.%d.%d" % (i // 250, i % 250 + 2),
                                   "prefixlen": 16}],
                    "gateway_ips": ["100.64.255.254"], "extra_subnets": []},
        "interfaces": [{"port_id": port,
                        "mac_address": "fa:16:3e:02:%02x:%02x" % (i // 256, i % 256),
                        "mtu": 1450,
                        "fixed_ips": [{"ip_address": "10.%d.%d.1" % net, "prefixlen": 24}]}],
        "routes": [{"destination": "192.168.0.0/24", "nexthop": "10.%d.%d.9" % net}],
        "floating_ips": [{"id": "%08x-0000-4000-8000-%012x" % (0x4000 + i * 2 + k, i),
                          "floating_ip_address": "100.65.%d.%d" % (i // 120, (i % 120) * 2 + k),
                          "fixed_ip_address": "10.%d.%d.%d" % (net + (10 + k + fip_shift,)),
                          "port_id": port} for k in range(2)],
    }


class Tool:
    def __init__(self, exe, tmp):
        self.tmp, self.n = tmp, 0
        self.proc = subprocess.Popen([exe, NODE, PREFIX + "-qrouter-"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def apply(self, model, only=()):
        self.n += 1
        path = Path(self.tmp) / ("m%d.json" % self.n)
        path.write_text(json.dumps(model))
        t0 = time.monotonic()
        self.proc.stdin.write("apply %s %s\n" % (path, ",".join(only)))
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        answer["wall_ms"] = (time.monotonic() - t0) * 1e3
        if not answer["ok"]:
            sys.exit("apply failed: %s" % answer["error"])
        return answer


def show(what, a):
    print("%-34s %8.1f ms  (read %.1f, plan %.1f, apply %.1f; %d actions)"
          % (what, a["wall_ms"], a["read_ms"], a["plan_ms"], a["apply_ms"], a["actions"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("build", nargs="?", default=str(REPO / "build"))
    args = ap.parse_args()
    exe = str(Path(args.build) / "tests/tools/l3-apply")
    subprocess.run(["ip", "netns", "add", NODE], check=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tool = Tool(exe, tmp)
            routers = [router(i) for i in range(args.n)]
            print("%d routers, each: gateway + 1 interface + 2 floating IPs + 1 route" % args.n)
            show("build all", tool.apply({"routers": routers}))
            show("same model again (no change)", tool.apply({"routers": routers}))
            moved = list(routers)
            moved[args.n // 2] = router(args.n // 2, fip_shift=5)
            show("one router's floating IPs moved", tool.apply({"routers": moved}))
            back = router(args.n // 2)
            show("moved back, apply of that router", tool.apply({"routers": [back]},
                                                                only=[back["id"]]))
            show("remove all", tool.apply({"routers": []}))
            tool.proc.stdin.close()
            tool.proc.wait()
    finally:
        out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith(PREFIX + "-"):
                subprocess.run(["ip", "netns", "del", line.split()[0]])


if __name__ == "__main__":
    main()
