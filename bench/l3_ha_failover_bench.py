"""HA router failover benchmark: prints figures, asserts nothing.

Builds the namespace lab of tests/agent (root needed) with L3 agents on n1 and n2, an
HA router (gateway on the external flat network, an interface on a vxlan network) and
an instance on n2 pinging the outside host every 50 ms.  Then, round after round, the
active side fails -- its keepalived stopped with SIGTERM (a graceful stop: keepalived
sends a priority-0 advert and the backup takes over at once; a SIGKILL of keepalived's
parent is the same, its VRRP child leaves gracefully), or its HA link cut ("ha-down":
the ha- device's tap set down on the active node, as a lost HA network: the backup
waits for the master-down interval, 3 x advert_int plus skew) -- and it prints, from
the failure:
  - VIP:     the other side holds the router's primary VIP (keepalived's decision),
  - server:  the server's l3-agents shows the other side active (the agent's check
             every 500 ms and its report),
  - traffic: the first ping answered through the new side, and how many pings were
             lost.
The agent starts the stopped keepalived again (as a backup) before the next round.

    make && /usr/bin/python3 bench/l3_ha_failover_bench.py [--rounds 5] [--advert-int 1]
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "agent"))
import lab as labmod  # noqa: E402

EXT_CIDR, EXT_GW = "203.0.113.0/24", "203.0.113.1"
INT_CIDR, INT_GW = "10.77.0.0/24", "10.77.0.1"


def api_ok(lab, method, path, body=None):
    r = lab.api(method, path, body)
    assert r.status_code in (200, 201, 204), "%s %s: %s" % (method, path, r.text)
    return r.json() if r.text else None


def states(lab, rid):
    agents = api_ok(lab, "GET", "/v2.0/routers/%s/l3-agents" % rid)["agents"]
    return {a["host"]: a["ha_state"] for a in agents}


def node_of(lab, host):
    return [n for n in ("n1", "n2") if lab.host(n) == host][0]


def active(lab, rid):
    s = states(lab, rid)
    if sorted(s.values()) != ["active", "standby"]:
        return None
    return node_of(lab, [h for h, v in s.items() if v == "active"][0])


def keepalived_pid(lab, node, rid):
    path = lab.run_dir / node / "ha_confs" / rid / "keepalived.pid"
    try:
        return lab.node_pid(node, int(path.read_text().strip()))
    except (OSError, ValueError):
        return None


def has_vip(lab, node, rid):
    out = lab.in_node(node, "ip", "-n", "qrouter-" + rid, "-4", "-o", "addr", "show",
                      check=False).stdout
    return any(" 169.254.0." in line or " 169.254.1." in line for line in out.splitlines()
               if " ha-" in line)


def ha_tap(lab, node, rid):
    """The tap (node side) of the router's ha- device on 'node'."""
    out = lab.in_node(node, "ip", "-n", "qrouter-" + rid, "-o", "link", "show",
                      check=False).stdout
    name = [w for line in out.splitlines() for w in line.split() if w.startswith("ha-")][0]
    return "tap" + name.split("@")[0][3:].rstrip(":")


class Pinger:
    """Pings the outside from the instance every 50 ms; keeps (time, answered)."""

    def __init__(self, ns):
        self.ns, self.samples, self.stop = ns, [], False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            t = time.monotonic()
            ok = subprocess.run(["ip", "netns", "exec", self.ns, "busybox", "ping", "-c", "1",
                                 "-W", "1", EXT_GW], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
            self.samples.append((t, ok))
            time.sleep(max(0.0, 0.05 - (time.monotonic() - t)))

    def first_ok_after(self, t0):
        for t, ok in list(self.samples):
            if t >= t0 and ok:
                return t
        return None

    def lost_after(self, t0, until):
        return sum(1 for t, ok in list(self.samples) if t0 <= t <= until and not ok)


def wait(pred, timeout, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return time.monotonic()
        time.sleep(step)
    return None


def build(lab, advert_int):
    lab.build()
    lab.start_server(extra={"neutron.conf": {"DEFAULT": {"l3_ha_network_type": "vxlan"}}},
                     agent_down_time=30)
    for node in ("n1", "n2"):
        lab.start_agent(node)
        lab.start_l3_agent(node, ha_vrrp_advert_int=advert_int)
    ext = lab.create("network", name="ext-" + uuid.uuid4().hex[:6], **{
        "router:external": True, "provider:network_type": "flat",
        "provider:physical_network": "physnet1"})
    lab.create("subnet", network_id=ext["id"], cidr=EXT_CIDR, ip_version=4,
               gateway_ip=EXT_GW, enable_dhcp=False,
               allocation_pools=[{"start": "203.0.113.10", "end": "203.0.113.99"}])
    net = lab.create("network", name="int-" + uuid.uuid4().hex[:6],
                     **{"provider:network_type": "vxlan"})
    sub = lab.create("subnet", network_id=net["id"], cidr=INT_CIDR, ip_version=4,
                     gateway_ip=INT_GW, enable_dhcp=False)
    router = lab.create("router", name="ha-bench", ha=True,
                        external_gateway_info={"network_id": ext["id"]})
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": sub["id"]})
    out = lab.ns("out")
    peer = "out-" + uuid.uuid4().hex[:6]
    labmod.sh("ip", "link", "add", "eth0", "type", "veth", "peer", "name", peer, "netns",
              lab.switch, ns=out)
    labmod.sh("ip", "link", "set", peer, "master", "physnet1", "up", ns=lab.switch)
    labmod.sh("ip", "addr", "add", EXT_GW + "/24", "dev", "eth0", ns=out)
    labmod.sh("ip", "link", "set", "eth0", "up", ns=out)
    sg = api_ok(lab, "POST", "/v2.0/security-groups", {"security_group": {
        "name": "bench-" + uuid.uuid4().hex[:6]}})["security_group"]
    vm = lab.instance("benchvm", "n2", net, security_groups=[sg["id"]])
    labmod.sh("ip", "route", "add", "default", "via", INT_GW, ns=vm["ns"])
    return router["id"], vm


def fmt(samples):
    got = [s for s in samples if s is not None]
    if not got:
        return "no samples"
    return "p50 %6.0f  max %6.0f  (n=%d%s)" % (
        statistics.median(got), max(got), len(got),
        ", %d timed out" % (len(samples) - len(got)) if len(got) < len(samples) else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--advert-int", type=int, default=2)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (network namespaces)")
    lab = labmod.Lab(Path(tempfile.mkdtemp(prefix="neutrino-l3ha-bench.")))
    pinger = None
    try:
        rid, vm = build(lab, args.advert_int)
        if not wait(lambda: active(lab, rid), 30):
            sys.exit("no side became active: %s" % states(lab, rid))
        pinger = Pinger(vm["ns"])
        if not wait(lambda: pinger.first_ok_after(0), 30):
            sys.exit("the instance never reached the outside")
        print("advert_int %d s, %d rounds per failure; ms from the failure" %
              (args.advert_int, args.rounds))
        for how in ("SIGTERM", "ha-down"):
            vip, server, traffic, lost = [], [], [], []
            for _ in range(args.rounds):
                first = active(lab, rid)
                other = "n2" if first == "n1" else "n1"
                pid = keepalived_pid(lab, first, rid)
                tap = ha_tap(lab, first, rid)
                t0 = time.monotonic()
                if how == "SIGTERM":
                    os.kill(pid, signal.SIGTERM)
                else:
                    labmod.sh("ip", "link", "set", tap, "down", ns=lab.node_ns(first))
                t_vip = wait(lambda: has_vip(lab, other, rid), 30)
                t_srv = wait(lambda: active(lab, rid) == other, 30)
                t_ok = wait(lambda: pinger.first_ok_after(t0 + 0.001), 30)
                vip.append(t_vip and (t_vip - t0) * 1000)
                server.append(t_srv and (t_srv - t0) * 1000)
                traffic.append(t_ok and (t_ok - t0) * 1000)
                lost.append(pinger.lost_after(t0, t_ok or time.monotonic()))
                if how == "SIGTERM":
                    # The agent starts the stopped keepalived again (a backup).
                    wait(lambda: keepalived_pid(lab, first, rid) not in (None, pid), 15)
                else:
                    labmod.sh("ip", "link", "set", tap, "up", ns=lab.node_ns(first))
                time.sleep(3 * args.advert_int)
            name = how
            print("%s  VIP on the other side:     %s" % (name, fmt(vip)))
            print("%s  server shows it active:    %s" % (name, fmt(server)))
            print("%s  first ping through it:     %s" % (name, fmt(traffic)))
            print("%s  pings lost (each waits 1 s): %s" % (name, lost))
    finally:
        if pinger:
            pinger.stop = True
        problems = lab.cleanup()
        if problems:
            print("cleanup problems:", problems)


if __name__ == "__main__":
    main()
