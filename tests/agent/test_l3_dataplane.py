"""The L3 agent's engine on a real kernel, with real packets.

A node namespace holds two bridges, one for a tenant network (10.10.0.0/24) and one
for an external network (203.0.113.0/24).  An instance namespace (10.10.0.11) and a
"hop" namespace (10.10.0.12, holding 192.168.50.1 behind it) sit on the tenant bridge,
an "outside" host (203.0.113.1, the external network's gateway) on the external one,
each through a veth.  The engine of src/l3agent/l3.h is driven through
build/tests/tools/l3-apply: it makes the router's namespace and veths, and the test
plugs the taps into the bridges as the linux-bridge agent would.  Every name carries
this run's prefix (the routers' namespaces too: <prefix>-qrouter-<id>) and everything
is removed at the end, even after a failure; nothing is added to the root namespace.
Needs root."""

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"


def _build_dir():
    server = os.environ.get("NEUTRINO_SERVER")
    return Path(server).parents[2] if server else REPO / "build"


L3_APPLY = Path(os.environ.get("NEUTRINO_L3_APPLY") or _build_dir() / "tests/tools/l3-apply")
TOOLS = ["iptables-save", "iptables-restore", "conntrack"]

PREFIX = "nl3%d" % os.getpid()
NODE = PREFIX + "-node"
VM = PREFIX + "-vm"
HOP = PREFIX + "-hop"
OUT = PREFIX + "-out"
ROUTER_NS_PREFIX = PREFIX + "-qrouter-"

INT_NET = "1a7e0000-0000-4000-8000-000000000001"
EXT_NET = "e7e70000-0000-4000-8000-000000000002"
INT_BRIDGE = "brq" + INT_NET[:11]
EXT_BRIDGE = "brq" + EXT_NET[:11]
ROUTER = "08d688e5-2663-4f69-a526-758108c5a142"
ROUTER_NS = ROUTER_NS_PREFIX + ROUTER
GW_PORT = "a3ca8528-5700-4000-8000-000000000011"
IF_PORT = "dbdeed35-cb00-4000-8000-000000000012"
GW_MAC = "fa:16:3e:83:ce:80"
IF_MAC = "fa:16:3e:29:62:42"
GW_IP = "203.0.113.83"
FIP = "203.0.113.62"
FIP_ID = "f1f1f1f1-0000-4000-8000-000000000013"
VM_IP = "10.10.0.11"
HOP_IP = "10.10.0.12"
OUT_IP = "203.0.113.1"
BEHIND_HOP = "192.168.50.1"


def sh(*args, check=True, timeout=10, **kw):
    return subprocess.run(args, check=check, timeout=timeout, capture_output=True, text=True,
                          **kw)


def in_ns(ns, *args, **kw):
    return sh("ip", "netns", "exec", ns, *args, **kw)


def ping(ns, dst):
    return in_ns(ns, "busybox", "ping", "-c", "1", "-W", "1", dst, check=False).returncode == 0


def router(snat=True, fips=(), routes=(), gateway=True, admin_state_up=True):
    r = {"id": ROUTER, "admin_state_up": admin_state_up, "enable_snat": snat,
         "gateway": None,
         "interfaces": [{"port_id": IF_PORT, "mac_address": IF_MAC, "mtu": 1500,
                         "fixed_ips": [{"ip_address": "10.10.0.1", "prefixlen": 24,
                                        "subnet_id": "5b000000-0000-4000-8000-000000000001",
                                        "cidr": "10.10.0.0/24"}]}],
         "routes": [{"destination": d, "nexthop": n} for d, n in routes],
         "floating_ips": [{"id": FIP_ID, "floating_ip_address": FIP,
                           "fixed_ip_address": fixed, "port_id": IF_PORT}
                          for fixed in fips]}
    if gateway:
        r["gateway"] = {"port_id": GW_PORT, "mac_address": GW_MAC, "mtu": 1500,
                        "fixed_ips": [{"ip_address": GW_IP, "prefixlen": 24,
                                       "subnet_id": "5b000000-0000-4000-8000-000000000002"}],
                        "gateway_ips": [OUT_IP], "extra_subnets": []}
    return {"routers": [r]}


NO_ROUTERS = {"routers": []}

# Prints "ready", then the source address of each UDP datagram it gets.
UDP_REPORTER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(100)
    print(peer[0], flush=True)
"""

UDP_SEND = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"x", (sys.argv[1], int(sys.argv[2])))
"""

# Accepts connections; prints each peer's address, then echoes.
TCP_ECHO = """
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(4); print("ready", flush=True)
def serve(c):
    while True:
        d = c.recv(100)
        if not d:
            break
        c.sendall(d)
while True:
    c, peer = s.accept(); print(peer[0], flush=True)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""

# Connects, echoes once, then once more for each line on stdin; prints "ok" or
# "timeout" for each exchange.
CONVERSE = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5)
def once():
    try:
        s.sendall(b"x"); print("ok" if s.recv(10) == b"x" else "bad", flush=True)
    except OSError:
        print("timeout", flush=True)
once()
for _ in sys.stdin:
    once()
"""


def readline(proc, timeout=3.0):
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().strip() if ready else None


class Server:
    """A script running in a namespace, stopped when the block ends."""

    def __init__(self, ns, script, *args):
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, PY, "-c", script, *args],
                                     stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
        assert readline(self.proc) == "ready"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


def source_seen_outside(port):
    """The source address the outside host sees on UDP sent by the instance, or None."""
    with Server(OUT, UDP_REPORTER, str(port)) as srv:
        in_ns(VM, PY, "-c", UDP_SEND, OUT_IP, str(port))
        return readline(srv.proc, 2.0)


# l3-apply runs in a mount namespace of its own where the conntrack program is /bin/false:
# the engine ends a floating IP's connections over ctnetlink, never by running
# `conntrack` (the test itself lists them with it).  Mounts keep their propagation, so
# the routers' namespaces it mounts under /run/netns are seen here; the mount holding
# the program is made private first, so the bind mount over it stays in there.
WITHOUT_CONNTRACK = ["unshare", "--mount", "--propagation", "unchanged", "sh", "-c",
                     "if [ -e /usr/sbin/conntrack ]; then"
                     " m=$(findmnt -n -o TARGET -T /usr/sbin/conntrack)"
                     ' && mount --make-private "$m"'
                     " && mount --bind /bin/false /usr/sbin/conntrack || exit 1; fi;"
                     ' exec "$0" "$@"']


class L3Apply:
    """One l3-apply process working on the node."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.n = 0
        self.proc = subprocess.Popen(WITHOUT_CONNTRACK + [str(L3_APPLY), NODE, ROUTER_NS_PREFIX],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def cmd(self, verb, model, only=()):
        self.n += 1
        path = self.tmp / ("model%d.json" % self.n)
        path.write_text(json.dumps(model))
        self.proc.stdin.write("%s %s %s\n" % (verb, path, ",".join(only)))
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert answer["ok"], answer
        return answer

    def apply(self, model, only=()):
        """Applies (to the routers in 'only', if given), then plugs the router's taps as
        the linux-bridge agent would."""
        answer = self.cmd("apply", model, only)
        links = sh("ip", "-n", NODE, "-o", "link", "show").stdout
        for tap, bridge in (("tap" + GW_PORT[:11], EXT_BRIDGE), ("tap" + IF_PORT[:11], INT_BRIDGE)):
            if tap + "@" in links:
                sh("ip", "-n", NODE, "link", "set", tap, "master", bridge)
        return answer

    def close(self):
        self.proc.stdin.close()
        assert self.proc.wait(timeout=10) == 0      # (a sanitizer's leak report fails)


def add_host(ns, bridge, peer, ip, gateway):
    sh("ip", "netns", "add", ns)
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "-n", NODE, "link", "add", peer, "type", "veth", "peer", "name", "eth0",
       "netns", ns)
    sh("ip", "-n", NODE, "link", "set", peer, "master", bridge, "up")
    in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    sh("ip", "-n", ns, "link", "set", "eth0", "up")
    sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0")
    if gateway:
        sh("ip", "-n", ns, "route", "add", "default", "via", gateway)


def remove_namespaces():
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for ns in [line.split()[0] for line in listed.splitlines() if line.startswith(PREFIX + "-")]:
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                              text=True).stdout.split()
        for pid in pids:
            subprocess.run(["kill", "-9", pid], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces)")
    missing = [t for t in TOOLS if not shutil.which(t, path="/usr/sbin:/usr/bin:/sbin")]
    if missing:
        pytest.skip("missing %s (scripts/install-deps.sh installs them)" % ", ".join(missing))
    if not L3_APPLY.exists():
        pytest.fail("l3-apply not found at %s (build it, or set NEUTRINO_L3_APPLY)" % L3_APPLY)
    try:
        sh("ip", "netns", "add", NODE)
        sh("ip", "-n", NODE, "link", "set", "lo", "up")
        for bridge in (INT_BRIDGE, EXT_BRIDGE):
            sh("ip", "-n", NODE, "link", "add", bridge, "type", "bridge", "stp_state", "0",
               "forward_delay", "0")
            sh("ip", "-n", NODE, "link", "set", bridge, "up")
        add_host(VM, INT_BRIDGE, "vmport", VM_IP, "10.10.0.1")
        add_host(HOP, INT_BRIDGE, "hopport", HOP_IP, "10.10.0.1")
        sh("ip", "-n", HOP, "addr", "add", BEHIND_HOP + "/32", "dev", "lo")
        in_ns(HOP, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        add_host(OUT, EXT_BRIDGE, "outport", OUT_IP, None)
        # Let the outside host learn addresses from gratuitous ARP.
        in_ns(OUT, "sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1")
        yield tmp_path_factory.mktemp("l3")
    finally:
        remove_namespaces()
        left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert PREFIX + "-" not in left


@pytest.fixture
def l3(lab):
    """An l3-apply process; the node's routers are removed afterwards."""
    tool = L3Apply(lab)
    yield tool
    tool.cmd("apply", NO_ROUTERS)
    tool.close()


SYSCTLS = {"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1",
           "net.ipv4.conf.all.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2"}


def sysctls(ns=None):
    args = ["sysctl", "-n"] + list(SYSCTLS)
    out = in_ns(ns, *args).stdout if ns else sh(*args).stdout
    return dict(zip(SYSCTLS, out.split()))


def test_router_namespace_is_laid_out_as_neutrons(l3):
    root_before = sysctls()
    l3.apply(router(fips=[VM_IP], routes=[("192.168.50.0/24", HOP_IP)]))
    assert sysctls(ROUTER_NS) == SYSCTLS
    assert sysctls() == root_before
    addrs = in_ns(ROUTER_NS, "ip", "-o", "addr", "show").stdout
    qg, qr = "qg-" + GW_PORT[:11], "qr-" + IF_PORT[:11]
    assert "%s    inet %s/24" % (qg, GW_IP) in addrs
    assert "%s    inet %s/32" % (qg, FIP) in addrs
    assert "%s    inet 10.10.0.1/24" % qr in addrs
    links = in_ns(ROUTER_NS, "ip", "-o", "link", "show").stdout
    assert GW_MAC in links and IF_MAC in links
    routes = in_ns(ROUTER_NS, "ip", "route", "show", "proto", "static").stdout
    assert "default via %s dev %s" % (OUT_IP, qg) in routes
    assert "192.168.50.0/24 via %s dev %s" % (HOP_IP, qr) in routes
    node_links = sh("ip", "-n", NODE, "-o", "link", "show").stdout
    assert "tap" + GW_PORT[:11] in node_links and "tap" + IF_PORT[:11] in node_links
    # Nothing in the root namespace.
    assert "tap" + GW_PORT[:11] not in sh("ip", "-o", "link", "show").stdout


def test_second_apply_changes_nothing(l3):
    model = router(fips=[VM_IP], routes=[("192.168.50.0/24", HOP_IP)])
    first = l3.apply(model)
    assert first["changed"]
    again = l3.cmd("apply", model)
    assert not again["changed"] and again["actions"] == 0, again
    assert l3.cmd("plan", model)["empty"]


def test_instance_reaches_outside_through_snat(l3):
    l3.apply(router(snat=True))
    assert source_seen_outside(7001) == GW_IP
    assert ping(VM, OUT_IP)


def test_snat_off_leaves_the_source_alone(l3):
    l3.apply(router(snat=True))
    assert source_seen_outside(7002) == GW_IP
    answer = l3.apply(router(snat=False))
    assert answer["kinds"] == {"rules": 1}, answer      # one restore, nothing else
    assert source_seen_outside(7003) == VM_IP
    nat = in_ns(ROUTER_NS, "iptables-save", "-t", "nat").stdout
    assert "-j SNAT --to-source %s" % GW_IP in nat      # the DNAT return rule stays
    assert "-o qg-%s -j SNAT" % GW_PORT[:11] not in nat


def test_floating_ip_reaches_the_instance_and_is_its_source(l3):
    l3.apply(router(snat=True))
    with Server(VM, TCP_ECHO, "8080") as srv:
        r = in_ns(OUT, PY, "-c", CONVERSE, FIP, "8080", check=False, input="")
        assert r.returncode != 0 or "ok" not in r.stdout     # no floating IP yet
        l3.apply(router(snat=True, fips=[VM_IP]))
        r = in_ns(OUT, PY, "-c", CONVERSE, FIP, "8080", input="")
        assert r.stdout.split() == ["ok"]
        assert readline(srv.proc) == OUT_IP                  # DNAT only: the peer is kept
    assert source_seen_outside(7004) == FIP                  # outbound: SNAT to the FIP


def test_gratuitous_arp_announces_a_new_floating_ip(l3):
    l3.apply(router(snat=True))
    sh("ip", "-n", OUT, "neigh", "flush", "dev", "eth0")
    l3.apply(router(snat=True, fips=[VM_IP]))
    deadline = time.monotonic() + 3
    neigh = ""
    while time.monotonic() < deadline and GW_MAC not in neigh:
        neigh = sh("ip", "-n", OUT, "neigh", "show", FIP).stdout
        time.sleep(0.1)
    assert GW_MAC in neigh, neigh


def test_gratuitous_arp_is_sent_again_two_seconds_later(l3):
    """The later rounds go out from a thread that keeps the first round's socket (and
    closes it off the apply's path): the outside host, having forgotten the first
    round, learns the address again from the second."""
    l3.apply(router(snat=True))
    l3.apply(router(snat=True, fips=[VM_IP]))
    sh("ip", "-n", OUT, "neigh", "flush", "dev", "eth0")
    assert GW_MAC not in sh("ip", "-n", OUT, "neigh", "show", FIP).stdout
    deadline = time.monotonic() + 4
    neigh = ""
    while time.monotonic() < deadline and GW_MAC not in neigh:
        neigh = sh("ip", "-n", OUT, "neigh", "show", FIP).stdout
        time.sleep(0.1)
    assert GW_MAC in neigh, neigh


def test_disassociating_a_floating_ip_ends_its_connections(l3):
    l3.apply(router(snat=True, fips=[VM_IP]))
    with Server(VM, TCP_ECHO, "8081"):
        conv = subprocess.Popen(["ip", "netns", "exec", OUT, PY, "-c", CONVERSE, FIP, "8081"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert readline(conv) == "ok"
            listed = in_ns(ROUTER_NS, "conntrack", "-L", "-d", FIP, check=False).stdout
            assert "dport=8081" in listed
            # The instance's own flow out, translated from the floating IP.
            in_ns(VM, PY, "-c", UDP_SEND, OUT_IP, "7009")
            listed = in_ns(ROUTER_NS, "conntrack", "-L", "-q", FIP, check=False).stdout
            assert "dport=7009" in listed
            answer = l3.apply(router(snat=True))
            assert answer["kinds"].get("ct-delete") == 1, answer
            listed = in_ns(ROUTER_NS, "conntrack", "-L", "-d", FIP, check=False).stdout
            assert "dport=8081" not in listed
            listed = in_ns(ROUTER_NS, "conntrack", "-L", "-q", FIP, check=False).stdout
            assert "dport=7009" not in listed
            conv.stdin.write("again\n")
            conv.stdin.flush()
            assert readline(conv, 4) == "timeout"
        finally:
            conv.kill()
            conv.wait()


def test_extra_route_is_followed(l3):
    l3.apply(router(snat=True))
    assert not ping(VM, BEHIND_HOP)
    l3.apply(router(snat=True, routes=[("192.168.50.0/24", HOP_IP)]))
    assert ping(VM, BEHIND_HOP)
    l3.apply(router(snat=True))
    assert "192.168.50.0/24" not in in_ns(ROUTER_NS, "ip", "route").stdout


def test_removing_the_router_removes_namespace_and_taps(l3):
    l3.apply(router(fips=[VM_IP]))
    assert ROUTER_NS in sh("ip", "netns", "list").stdout
    answer = l3.apply(NO_ROUTERS)
    assert answer["kinds"].get("ns-del") == 1
    assert ROUTER_NS not in sh("ip", "netns", "list").stdout
    node_links = sh("ip", "-n", NODE, "-o", "link", "show").stdout
    assert "tap" + GW_PORT[:11] not in node_links and "tap" + IF_PORT[:11] not in node_links


def test_router_down_is_removed_and_up_again_rebuilt(l3):
    l3.apply(router(admin_state_up=False))
    assert ROUTER_NS not in sh("ip", "netns", "list").stdout
    l3.apply(router())
    assert source_seen_outside(7005) == GW_IP


def test_rules_of_others_are_left_alone(l3):
    l3.apply(router(snat=True))
    in_ns(ROUTER_NS, "iptables", "-t", "nat", "-A", "POSTROUTING", "-d", "198.18.0.1",
          "-j", "ACCEPT")
    in_ns(ROUTER_NS, "ip", "route", "add", "198.18.0.0/24", "via", OUT_IP)
    answer = l3.apply(router(snat=False))
    assert answer["kinds"] == {"rules": 1}, answer
    assert "-d 198.18.0.1/32 -j ACCEPT" in in_ns(ROUTER_NS, "iptables-save", "-t", "nat").stdout
    assert "198.18.0.0/24" in in_ns(ROUTER_NS, "ip", "route").stdout
    assert not l3.cmd("apply", router(snat=False))["changed"]


def test_bad_model_is_refused_with_its_reason(l3):
    path = l3.tmp / "bad.json"
    path.write_text(json.dumps({"routers": [{"id": ROUTER, "interfaces": [
        {"port_id": IF_PORT, "mac_address": "nonsense", "fixed_ips": []}]}]}))
    l3.proc.stdin.write("apply %s\n" % path)
    l3.proc.stdin.flush()
    answer = json.loads(l3.proc.stdout.readline())
    assert not answer["ok"] and "mac_address" in answer["error"], answer


def test_floating_ip_is_reached_from_its_own_network_through_the_router(l3):
    l3.apply(router(snat=False, fips=[VM_IP]))
    with Server(VM, TCP_ECHO, "8082") as srv:
        r = in_ns(HOP, PY, "-c", CONVERSE, FIP, "8082", input="")
        assert r.stdout.split() == ["ok"]
        # Translated to the gateway address on the way in, so the answer goes back
        # through the router to be untranslated (even with SNAT off).
        assert readline(srv.proc) == GW_IP
        # The instance itself reaching its floating IP leaves as the floating IP.
        r = in_ns(VM, PY, "-c", CONVERSE, FIP, "8082", input="")
        assert r.stdout.split() == ["ok"]
        assert readline(srv.proc) == FIP


def test_an_apply_limited_to_some_routers_leaves_the_others(l3):
    other = "0e0e0e0e-0000-4000-8000-000000000020"
    other_router = {"id": other, "gateway": None, "routes": [], "floating_ips": [],
                    "interfaces": [{"port_id": "0e0e0e0e-0000-4000-8000-000000000021",
                                    "mac_address": "fa:16:3e:00:00:21", "fixed_ips": [
                                        {"ip_address": "10.20.0.1", "prefixlen": 24}]}]}
    both = {"routers": router()["routers"] + [other_router]}
    l3.apply(both)
    namespaces = sh("ip", "netns", "list").stdout
    assert ROUTER_NS in namespaces and ROUTER_NS_PREFIX + other in namespaces
    # Only ROUTER is looked at: the other router is kept though the model lacks it.
    answer = l3.apply(router(snat=False), only=[ROUTER])
    assert answer["kinds"] == {"rules": 1}, answer
    assert ROUTER_NS_PREFIX + other in sh("ip", "netns", "list").stdout
    answer = l3.apply(NO_ROUTERS, only=[other])
    assert answer["kinds"] == {"link-del": 1, "ns-del": 1}, answer
    namespaces = sh("ip", "netns", "list").stdout
    assert ROUTER_NS in namespaces and ROUTER_NS_PREFIX + other not in namespaces


def test_changed_mac_and_mtu_are_mended_in_place(l3):
    l3.apply(router())
    qr = "qr-" + IF_PORT[:11]
    model = router()
    model["routers"][0]["interfaces"][0]["mac_address"] = "fa:16:3e:29:62:43"
    model["routers"][0]["interfaces"][0]["mtu"] = 1400
    answer = l3.apply(model)
    assert answer["kinds"] == {"link-set": 1, "tap-set": 1}, answer
    link = in_ns(ROUTER_NS, "ip", "-o", "link", "show", qr).stdout
    assert "fa:16:3e:29:62:43" in link and "mtu 1400" in link
    tap = sh("ip", "-n", NODE, "-o", "link", "show", "tap" + IF_PORT[:11]).stdout
    assert "mtu 1400" in tap
    assert "10.10.0.1/24" in in_ns(ROUTER_NS, "ip", "-o", "addr", "show", qr).stdout
    # Someone else's change is undone too.
    in_ns(ROUTER_NS, "ip", "link", "set", qr, "down")
    assert l3.apply(model)["kinds"] == {"link-set": 1}
    assert "<BROADCAST,MULTICAST,UP" in in_ns(ROUTER_NS, "ip", "-o", "link", "show", qr).stdout


def test_clearing_the_gateway_removes_qg_and_its_nat(l3):
    l3.apply(router(fips=[VM_IP]))
    answer = l3.apply(router(gateway=False))
    assert answer["kinds"].get("link-del") == 1 and answer["kinds"].get("rules") == 1, answer
    qg = "qg-" + GW_PORT[:11]
    assert qg not in in_ns(ROUTER_NS, "ip", "-o", "link", "show").stdout
    assert "tap" + GW_PORT[:11] not in sh("ip", "-n", NODE, "-o", "link", "show").stdout
    nat = in_ns(ROUTER_NS, "iptables-save", "-t", "nat").stdout
    assert "SNAT" not in nat and "DNAT" not in nat and "-j neutrino-l3-snat" in nat
    assert "default" not in in_ns(ROUTER_NS, "ip", "route").stdout
    assert not ping(VM, OUT_IP)
    assert not l3.cmd("apply", router(gateway=False))["changed"]


def test_a_namespace_that_cannot_be_entered_is_reported_and_the_others_done(l3):
    l3.apply(NO_ROUTERS)
    broken = ROUTER_NS_PREFIX + "b0b0b0b0-0000-4000-8000-000000000030"
    path = Path("/run/netns") / broken
    path.write_text("")                     # a name with no namespace behind it
    try:
        model_path = l3.tmp / "broken.json"
        model_path.write_text(json.dumps(router()))
        l3.proc.stdin.write("apply %s\n" % model_path)
        l3.proc.stdin.flush()
        answer = json.loads(l3.proc.stdout.readline())
        assert not answer["ok"] and broken in answer["error"], answer
        # The router that could be done was.
        assert ROUTER_NS in sh("ip", "netns", "list").stdout
    finally:
        path.unlink()
    assert not l3.cmd("apply", router())["changed"]
