"""The L3 agent with the whole stack: prints figures, asserts nothing.

In a fresh namespace lab of tests/agent (root needed; run it with the release build),
with the real server, a linux-bridge agent on n1 (the network node) and on n2 (the
compute node), and neutrino-l3-agent on n1:

  (a) a floating IP associated (PUT /v2.0/floatingips/<id> with a port) -> the first
      echo reply from an "outside" host through it: p50/p90/max over --samples
      associations, each a new floating IP (so the outside host learns its address
      as it would: from the agent's gratuitous ARP); measured once with one router
      hosted and again with --routers more;
  (b) --routers routers (100), each with a gateway on the external network, an
      interface on a tenant network of its own and a floating IP of an instance
      there, made while the agent is stopped: seconds from the agent's start to every
      floating IP answering from outside;
  (c) the agent restarted (SIGTERM, then started again) with them in place, while
      echo streams go through floating IPs at --pps: requests sent and replies got;
  (d) the agent's VmRSS and VmHWM with them, after (b) and after (c).

The external network is flat on physnet1 (198.18.0.0/22, gateway 198.18.0.1, held by
an outside namespace on the lab's physnet1 switch).  The instances of (b) are one
namespace on n2 with one interface per tenant network (each a port's MAC and address,
with a routing table of its own so that answers leave by the interface they came in
through); the instance of (a) is a lab instance on n2.  A prober in the outside
namespace sends ICMP echo requests from a raw socket (every 10 ms per address waiting
for its first reply, or a steady stream) and notes replies with time.monotonic(), the
same clock as the bench's.  Every name carries the lab's per-run prefix, and the lab is
taken down at the end, even after a failure.

    make release && NEUTRINO_SERVER=$PWD/build-release/src/server/neutrino-server \\
        /usr/bin/python3 bench/l3_agent_bench.py [--routers 100] [--samples 20] \\
        [--pps 100] [--keep-log FILE]
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
import lab as agentlab  # noqa: E402

PY = "/usr/bin/python3"
EXT_CIDR, EXT_GW = "198.18.0.0/22", "198.18.0.1"
EXT_POOL = {"start": "198.18.0.10", "end": "198.18.3.250"}
A_CIDR, A_GW = "10.199.0.0/24", "10.199.0.1"

# Commands on stdin, one JSON line answered for each (times are time.monotonic()):
#   first TIMEOUT IP[,IP...]  echo requests to each address every 10 ms until it answers;
#                             prints "probing" once the first round is sent, then
#                             {"IP": time of its first reply or null}
#   stream PPS IP[,IP...]     a steady stream to each address at PPS until a line "stop",
#                             then waits 0.5 s for the last replies and prints
#                             {"IP": [sent, received]}
PROBER = r"""
import json, os, select, socket, struct, sys, time

def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

ident = os.getpid() & 0xffff
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
seq = 0

def send(dst):
    global seq
    seq = (seq + 1) & 0xffff
    head = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    try:
        sock.sendto(struct.pack("!BBHHH", 8, 0, checksum(head), ident, seq), (dst, 0))
    except OSError:
        pass                    # (no neighbour yet: counted as sent, as ping does)

def replies(wait, seen):
    while select.select([sock], [], [], wait)[0]:
        pkt, peer = sock.recvfrom(2048)
        ihl = (pkt[0] & 15) * 4
        if pkt[ihl] == 0 and struct.unpack("!H", pkt[ihl + 4:ihl + 6])[0] == ident:
            seen(peer[0], time.monotonic())
        wait = 0

def first(timeout, targets):
    got = {t: None for t in targets}
    def seen(ip, t):
        if ip in got and got[ip] is None:
            got[ip] = t
    end = time.monotonic() + timeout
    told = False
    while time.monotonic() < end and any(v is None for v in got.values()):
        for t in targets:
            if got[t] is None:
                send(t)
        if not told:
            print("probing", flush=True)
            told = True
        replies(0.01, seen)
    print(json.dumps(got), flush=True)

def stream(pps, targets):
    counts = {t: [0, 0] for t in targets}
    def seen(ip, t):
        if ip in counts:
            counts[ip][1] += 1
    step = 1.0 / pps
    nxt = time.monotonic()
    print("streaming", flush=True)
    while True:
        if select.select([sys.stdin], [], [], 0)[0]:
            sys.stdin.readline()
            break
        now = time.monotonic()
        if now >= nxt:
            for t in targets:
                send(t)
                counts[t][0] += 1
            nxt += step
        replies(max(0.0, min(nxt - time.monotonic(), 0.005)), seen)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        replies(0.05, seen)
    print(json.dumps(counts), flush=True)

for line in iter(sys.stdin.readline, ""):
    verb, arg, targets = line.split()
    if verb == "first":
        first(float(arg), targets.split(","))
    elif verb == "stream":
        stream(float(arg), targets.split(","))
"""


def api_ok(lab, method, path, body=None):
    r = lab.api(method, path, body)
    if r.status_code not in (200, 201, 204):
        raise RuntimeError("%s %s: %s %s" % (method, path, r.status_code, r.text))
    return r.json() if r.text else None


def proc_kb(pid, field):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


class Prober:
    def __init__(self, ns):
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, PY, "-c", PROBER],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def line(self):
        text = self.p.stdout.readline()
        if not text:
            raise RuntimeError("the prober ended")
        return text.strip()

    def stop(self):
        self.p.kill()
        self.p.wait()


def outside_host(lab):
    """A namespace on the physnet1 switch holding the external subnet's gateway."""
    ns = lab.ns("bout")
    peer = "bo-" + uuid.uuid4().hex[:8]
    agentlab.sh("ip", "link", "add", "eth0", "type", "veth", "peer", "name", peer, "netns",
                lab.switch, ns=ns)
    agentlab.sh("ip", "link", "set", peer, "master", "physnet1", "up", ns=lab.switch)
    agentlab.sh("ip", "addr", "add", EXT_GW + "/22", "dev", "eth0", ns=ns)
    agentlab.sh("ip", "link", "set", "eth0", "up", ns=ns)
    # Learn floating IPs from the agent's gratuitous ARP, as a real gateway router may.
    agentlab.sh("sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1", ns=ns)
    agentlab.sh("sysctl", "-qw", "net.ipv4.neigh.eth0.gc_stale_time=3600", ns=ns)
    return ns


def icmp_group(lab):
    sg = api_ok(lab, "POST", "/v2.0/security-groups", {"security_group": {
        "name": "l3b-" + uuid.uuid4().hex[:6]}})["security_group"]
    api_ok(lab, "POST", "/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress", "ethertype": "IPv4",
        "protocol": "icmp"}})
    return sg


def router_with_interface(lab, ext, subnet, name):
    router = api_ok(lab, "POST", "/v2.0/routers", {"router": {
        "name": name, "external_gateway_info": {"network_id": ext["id"]}}})["router"]
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": subnet["id"]})
    return router


def router_addrs(lab, router_id):
    return lab.in_node("n1", "ip", "-n", "qrouter-" + router_id, "-o", "-4", "addr",
                       check=False).stdout


def wait_active(lab, port_ids, timeout=120):
    want = set(port_ids)
    agentlab.wait_for(lambda: want <= {p["id"] for p in lab.api("GET", "/v2.0/ports", params={
        "status": "ACTIVE", "fields": "id"}).json()["ports"]}, timeout=timeout, step=0.2,
        what="%d ports ACTIVE" % len(want))


# --- (a) -----------------------------------------------------------------------------
def associations(lab, prober, ext, port_id, router_id, samples):
    """Per sample: ms from the association's answer (and from its request) to the first
    echo reply through the new floating IP."""
    from_return, from_call = [], []
    for _ in range(samples):
        fip = api_ok(lab, "POST", "/v2.0/floatingips", {"floatingip": {
            "floating_network_id": ext["id"]}})["floatingip"]
        addr = fip["floating_ip_address"]
        try:
            prober.send("first 10 %s" % addr)
            assert prober.line() == "probing"
            t_call = time.monotonic()
            api_ok(lab, "PUT", "/v2.0/floatingips/" + fip["id"],
                   {"floatingip": {"port_id": port_id}})
            t_ret = time.monotonic()
            got = json.loads(prober.line())[addr]
            if got is None:
                print("  %s: no reply in 10 s" % addr, flush=True)
                continue
            from_return.append((got - t_ret) * 1000)
            from_call.append((got - t_call) * 1000)
        finally:
            api_ok(lab, "DELETE", "/v2.0/floatingips/" + fip["id"])
            agentlab.wait_for(lambda: addr + "/32" not in router_addrs(lab, router_id),
                              timeout=10, step=0.05, what="%s removed" % addr)
    return from_return, from_call


def print_associations(label, from_return, from_call, samples):
    if not from_return:
        print("(a) %s: no sample answered" % label)
        return
    print("(a) %s: FIP associated -> first echo reply from outside, %d/%d samples: "
          "p50 %.1f ms, p90 %.1f ms, max %.1f ms (from the API's answer; from its request: "
          "p50 %.1f, max %.1f)   (goal p50 <= 100 ms)"
          % (label, len(from_return), samples, statistics.median(from_return),
             pct(from_return, 90), max(from_return), statistics.median(from_call),
             max(from_call)), flush=True)


# --- (b) -----------------------------------------------------------------------------
def many_routers(lab, ext, sg, n):
    """n tenant networks, each with a router (gateway + interface) and an instance port
    on n2 with a floating IP.  Returns the ports and the floating IPs' addresses."""
    ports, fips, routers = [], [], []
    for i in range(n):
        net = api_ok(lab, "POST", "/v2.0/networks", {"network": {
            "name": "l3b-%d" % i, "provider:network_type": "vxlan"}})["network"]
        sub = api_ok(lab, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "cidr": "10.200.%d.0/24" % i, "ip_version": 4,
            "gateway_ip": "10.200.%d.1" % i, "enable_dhcp": False}})["subnet"]
        routers.append(router_with_interface(lab, ext, sub, "l3b-%d" % i))
        port = api_ok(lab, "POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "device_owner": "compute:nova",
            "device_id": str(uuid.uuid4()), "binding:host_id": lab.host("n2"),
            "security_groups": [sg["id"]],
            "fixed_ips": [{"subnet_id": sub["id"], "ip_address": "10.200.%d.10" % i}]}})["port"]
        ports.append(port)
        fip = api_ok(lab, "POST", "/v2.0/floatingips", {"floatingip": {
            "floating_network_id": ext["id"], "port_id": port["id"]}})["floatingip"]
        fips.append(fip["floating_ip_address"])
    return routers, ports, fips


def instances_namespace(lab, ports):
    """One namespace on n2 with an interface per port (its MAC and address), and a
    routing table per interface so that answers leave where their request came in."""
    ns = lab.ns("bvms")
    node = lab.node_ns("n2")
    agentlab.sh("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0",
                "net.ipv4.conf.default.rp_filter=0", ns=ns)
    links = "".join("link add tap%s netns %s type veth peer name v%d address %s netns %s\n"
                    % (p["id"][:11], node, i, p["mac_address"], ns)
                    for i, p in enumerate(ports))
    subprocess.run(["ip", "-batch", "-"], input=links, text=True, check=True)
    inside = []
    for i, p in enumerate(ports):
        ip = p["fixed_ips"][0]["ip_address"]
        inside += ["addr add %s/24 dev v%d" % (ip, i), "link set v%d up" % i,
                   "rule add from %s table %d" % (ip, 1000 + i),
                   "route add default via 10.200.%d.1 dev v%d table %d" % (i, i, 1000 + i)]
    subprocess.run(["ip", "-n", ns, "-batch", "-"], input="\n".join(inside) + "\n",
                   text=True, check=True)
    taps = "".join("link set tap%s up\n" % p["id"][:11] for p in ports)
    subprocess.run(["ip", "-n", node, "-batch", "-"], input=taps, text=True, check=True)
    return ns


def router_ports_plugged(lab, prober, n):
    """While the prober waits: when the API first showed 'n' router ports (gateways and
    interfaces) ACTIVE, which the linux-bridge agent reports once it plugged their taps
    (time.monotonic()), or None if the prober answered first."""
    import select
    while not select.select([prober.p.stdout], [], [], 0.02)[0]:
        active = 0
        for owner in ("network:router_gateway", "network:router_interface"):
            active += len(lab.api("GET", "/v2.0/ports", params={
                "device_owner": owner, "status": "ACTIVE", "fields": "id"}).json()["ports"])
        if active >= n:
            return time.monotonic()
    return None


def syncs(lab):
    return lab.l3_agent_log("n1").count("synchronised")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--routers", type=int, default=100)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--pps", type=float, default=100)
    ap.add_argument("--keep-log", help="copy the L3 agent's log here at the end")
    args = ap.parse_args()

    lab = agentlab.Lab(tempfile.mkdtemp(prefix="neutrino-l3-bench."))
    prober = None
    try:
        lab.build()
        lab.start_server()
        lab.start_agent("n1")
        lab.start_agent("n2")
        lab.start_l3_agent("n1")
        out = outside_host(lab)
        prober = Prober(out)
        ext = api_ok(lab, "POST", "/v2.0/networks", {"network": {
            "name": "l3b-ext", "router:external": True, "provider:network_type": "flat",
            "provider:physical_network": "physnet1"}})["network"]
        api_ok(lab, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": ext["id"], "cidr": EXT_CIDR, "ip_version": 4, "gateway_ip": EXT_GW,
            "enable_dhcp": False, "allocation_pools": [EXT_POOL]}})
        sg = icmp_group(lab)

        # (a) one router, one instance on n2.
        net = lab.network(A_CIDR, **{"provider:network_type": "vxlan"})
        sub = lab.api("GET", "/v2.0/subnets", params={"network_id": net["id"]}).json()
        ra = router_with_interface(lab, ext, sub["subnets"][0], "l3b-a")
        vm = lab.instance("l3ba", "n2", net, security_groups=[sg["id"]])
        agentlab.sh("ip", "route", "add", "default", "via", A_GW, ns=vm["ns"])
        wait_active(lab, [vm["port"]["id"]])
        gw = ra["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]
        agentlab.wait_for(lambda: gw in router_addrs(lab, ra["id"]), timeout=20,
                          what="router a built")
        ret, call = associations(lab, prober, ext, vm["port"]["id"], ra["id"], args.samples)
        print_associations("1 router", ret, call, args.samples)

        # (b) the agent stopped, n routers made, the agent started.
        lab.stop_l3_agent("n1")
        t = time.monotonic()
        routers, ports, fips = many_routers(lab, ext, sg, args.routers)
        print("    %d routers, networks, ports and floating IPs made through the API in "
              "%.1f s" % (args.routers, time.monotonic() - t), flush=True)
        instances_namespace(lab, ports)
        wait_active(lab, [p["id"] for p in ports])
        before = syncs(lab)
        prober.send("first 60 %s" % ",".join(fips))
        assert prober.line() == "probing"
        t0 = time.monotonic()
        pid = lab.start_l3_agent("n1", wait=False)
        plugged = router_ports_plugged(lab, prober, 2 * (args.routers + 1))
        got = json.loads(prober.line())
        agentlab.wait_for(lambda: syncs(lab) > before, timeout=60, what="the agent's sync")
        answered = [v - t0 for v in got.values() if v is not None]
        if len(answered) == len(fips):
            print("(b) agent start -> all %d floating IPs answering from outside: %.2f s "
                  "(first %.2f s, median %.2f s)   (goal <= 5 s)"
                  % (len(fips), max(answered), min(answered), statistics.median(answered)))
            print("    agent start -> every router port ACTIVE (its tap plugged by n1's "
                  "linux-bridge agent): %s" % ("%.2f s" % (plugged - t0) if plugged else "?"))
        else:
            print("(b) agent start -> only %d of %d floating IPs answered in 60 s"
                  % (len(answered), len(fips)))
        applied = re.findall(r"applied (\d+) steps in (\d+) ms \(read (\d+) ms\)",
                             lab.l3_agent_log("n1").rsplit("neutrino-l3-agent on host", 1)[1])
        print("    the agent's applies after its start (steps, ms, read ms): %s"
              % ", ".join("/".join(a) for a in applied), flush=True)

        # (d) memory with them.
        time.sleep(1)
        print("(d) L3 agent with %d routers: VmRSS %.1f MB, VmHWM %.1f MB (RssAnon %.1f MB, "
              "RssFile %.1f MB)   (goal < 15 MB)"
              % (args.routers + 1, proc_kb(pid, "VmRSS") / 1024, proc_kb(pid, "VmHWM") / 1024,
                 proc_kb(pid, "RssAnon") / 1024, proc_kb(pid, "RssFile") / 1024), flush=True)

        # (a) again, with them all hosted.
        ret, call = associations(lab, prober, ext, vm["port"]["id"], ra["id"], args.samples)
        print_associations("%d routers" % (args.routers + 1), ret, call, args.samples)

        # (c) a restart under steady streams.
        streams = [fips[0], fips[-1]]
        before = syncs(lab)
        prober.send("stream %g %s" % (args.pps, ",".join(streams)))
        assert prober.line() == "streaming"
        time.sleep(1)
        t = time.monotonic()
        rc = lab.stop_l3_agent("n1")
        stopped = time.monotonic() - t
        t = time.monotonic()
        pid = lab.start_l3_agent("n1", wait=False)
        agentlab.wait_for(lambda: syncs(lab) > before, timeout=60, what="the agent's sync")
        synced = time.monotonic() - t
        time.sleep(2)
        prober.send("stop")
        counts = json.loads(prober.line())
        restarted = lab.l3_agent_log("n1").rsplit("neutrino-l3-agent on host", 1)[1]
        for ip in streams:
            sent, received = counts[ip]
            print("(c) restart (stop exit %s in %.2f s, start -> synchronised %.2f s) under "
                  "%g pps to %s: sent %d, received %d, lost %d   (goal 0 lost)"
                  % (rc, stopped, synced, args.pps, ip, sent, received, sent - received))
        print("    steps applied by the restarted agent: %s"
              % (", ".join(re.findall(r"applied \d+ steps", restarted)) or "none"))
        time.sleep(1)
        print("(d) after the restart: VmRSS %.1f MB, VmHWM %.1f MB   (goal < 15 MB)"
              % (proc_kb(pid, "VmRSS") / 1024, proc_kb(pid, "VmHWM") / 1024), flush=True)
    finally:
        if prober:
            prober.stop()
        if args.keep_log:
            Path(args.keep_log).write_text(lab.l3_agent_log("n1"))
        problems = lab.cleanup()
        if problems:
            print("cleanup problems:", problems)


if __name__ == "__main__":
    main()
