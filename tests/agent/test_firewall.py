"""The linux-bridge agent's security group firewall on a real kernel.

A node namespace holds a bridge (brq<network[:11]>, bridge netfilter on) and three taps
whose peers are the eth0 of three instance namespaces; the firewall of
src/agent/firewall.h is driven through build/tests/tools/fw-apply inside the node, and
real packets between the instances (busybox ping, TCP through python sockets) show what
passes.  Every name carries this run's prefix and everything is removed at the end,
even after a failure; nothing runs in the root namespace's firewall.  Needs root."""

import json
import os
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


FW_APPLY = Path(os.environ.get("NEUTRINO_FW_APPLY") or _build_dir() / "tests/tools/fw-apply")
TOOLS = ["iptables-save", "iptables-restore", "ip6tables-restore", "ebtables-restore", "ipset",
         "conntrack"]

PREFIX = "nfw%d" % os.getpid()
NODE = PREFIX + "-node"
NET = "673540ec-ed00-4000-8000-000000000001"
BRIDGE = "brq" + NET[:11]
DEFAULT = "9de54099-f667-453a-b54a-000000000001"
WEB = "1e5a0c2b-0000-4000-8000-000000000002"
OPEN = "0be1e2d3-0000-4000-8000-000000000003"
STATELESS = "5a7e1e55-0000-4000-8000-000000000004"


class Vm:
    def __init__(self, n):
        self.name = "vm%d" % n
        self.ns = "%s-vm%d" % (PREFIX, n)
        self.port = "%08x-aaaa-4bbb-8ccc-%012d" % (0x10000000 + n, n)
        self.tap = "tap" + self.port[:11]
        self.mac = "fa:16:3e:00:00:%02x" % n
        self.ip = "10.10.0.%d" % (10 + n)


VMS = [Vm(1), Vm(2), Vm(3)]


def sh(*args, check=True, timeout=10, **kw):
    return subprocess.run(args, check=check, timeout=timeout, capture_output=True, text=True,
                          **kw)


def in_ns(ns, *args, **kw):
    return sh("ip", "netns", "exec", ns, *args, **kw)


def ping(src, dst_ip, source=None):
    """One ping with a one-second wait: True if answered."""
    args = ["busybox", "ping", "-c", "1", "-W", "1"]
    if source:
        args += ["-I", source]
    return in_ns(src.ns, *args, dst_ip, check=False).returncode == 0


def tcp_connects(src, dst, port):
    """Whether a TCP connection from src to dst:port is accepted (listener started here)."""
    server = subprocess.Popen(["ip", "netns", "exec", dst.ns, PY, "-c", ACCEPT_ONCE, str(port)],
                              stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()            # "ready"
        r = in_ns(src.ns, PY, "-c", CONNECT, dst.ip, str(port), check=False)
        return r.returncode == 0
    finally:
        server.kill()
        server.wait()


ACCEPT_ONCE = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); print("ready", flush=True)
c, _ = s.accept()
while True:
    d = c.recv(100)
    if not d:
        break
    c.sendall(d)
"""

CONNECT = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5)
s.sendall(b"x"); assert s.recv(10) == b"x"
"""

# Connects, echoes once, then echoes once more for each line read from stdin; prints
# "ok" or "timeout" for each exchange.
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


# fw-apply runs in a mount namespace of its own where the conntrack program is /bin/false:
# the firewall ends connections over ctnetlink, never by running `conntrack`.
WITHOUT_CONNTRACK = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                     "if [ -e /usr/sbin/conntrack ]; then"
                     " mount --bind /bin/false /usr/sbin/conntrack || exit 1; fi;"
                     ' exec "$0" "$@"']


class FwApply:
    """One fw-apply process in the node: it keeps the state between commands, as the
    agent keeps it between changes."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.n = 0
        self.proc = subprocess.Popen(WITHOUT_CONNTRACK + [str(FW_APPLY), NODE],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def cmd(self, verb, model):
        self.n += 1
        path = self.tmp / ("model%d.json" % self.n)
        path.write_text(json.dumps(model))
        self.proc.stdin.write("%s %s\n" % (verb, path))
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert answer["ok"], answer
        return answer

    def close(self):
        self.proc.stdin.close()
        assert self.proc.wait(timeout=10) == 0      # (a sanitizer's leak report fails)


def port(vm, groups, port_security=True, pairs=()):
    return {"id": vm.port, "device": vm.tap, "network_id": NET, "mac_address": vm.mac,
            "fixed_ips": [vm.ip], "allowed_address_pairs": list(pairs),
            "port_security_enabled": port_security, "security_groups": groups}


def rule(direction, ethertype="IPv4", **kw):
    return dict(direction=direction, ethertype=ethertype, **kw)


def model(ports, groups, members=None):
    return {"ports": ports, "security_groups": groups, "sg_member_ips": members or {}}


def default_group():
    """Neutron's default group: all egress, ingress from the group's own members."""
    return {"stateful": True, "rules": [
        rule("egress"), rule("egress", "IPv6"),
        rule("ingress", remote_group_id=DEFAULT),
        rule("ingress", "IPv6", remote_group_id=DEFAULT)]}


def base_model(extra_rules=(), members=(VMS[0], VMS[1])):
    """vm1 in default + web, vm2 in default, vm3 in open (egress only)."""
    return model(
        [port(VMS[0], [DEFAULT, WEB]), port(VMS[1], [DEFAULT]), port(VMS[2], [OPEN])],
        {DEFAULT: default_group(),
         WEB: {"rules": [rule("ingress", protocol="tcp", port_range_min=80,
                              port_range_max=80, remote_ip_prefix="0.0.0.0/0")]
               + list(extra_rules)},
         OPEN: {"rules": [rule("egress")]}},
        {DEFAULT: {"IPv4": [vm.ip for vm in members], "IPv6": []}})


def ours(text):
    return [line for line in text.splitlines() if "neutrino-fw" in line]


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces)")
    missing = [t for t in TOOLS if not shutil.which(t, path="/usr/sbin:/usr/bin:/sbin")]
    if missing:
        pytest.skip("missing %s (scripts/install-deps.sh installs them)" % ", ".join(missing))
    if not FW_APPLY.exists():
        pytest.fail("fw-apply not found at %s (build it, or set NEUTRINO_FW_APPLY)" % FW_APPLY)
    made = []
    try:
        for ns in [NODE] + [vm.ns for vm in VMS]:
            sh("ip", "netns", "add", ns)
            made.append(ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        r = in_ns(NODE, "sysctl", "-w", "net.bridge.bridge-nf-call-iptables=1",
                  "net.bridge.bridge-nf-call-ip6tables=1", check=False)
        if r.returncode:
            pytest.skip("no bridge netfilter here: %s" % r.stderr.strip())
        sh("ip", "-n", NODE, "link", "add", BRIDGE, "type", "bridge", "stp_state", "0",
           "forward_delay", "0")
        sh("ip", "-n", NODE, "link", "set", BRIDGE, "up")
        for vm in VMS:
            sh("ip", "-n", NODE, "link", "add", vm.tap, "type", "veth", "peer", "name", "eth0",
               "netns", vm.ns)
            sh("ip", "-n", NODE, "link", "set", vm.tap, "master", BRIDGE, "up")
            in_ns(vm.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            sh("ip", "-n", vm.ns, "link", "set", "eth0", "address", vm.mac, "up")
            sh("ip", "-n", vm.ns, "addr", "add", vm.ip + "/24", "dev", "eth0")
        yield tmp_path_factory.mktemp("fw")
    finally:
        for ns in reversed(made):
            subprocess.run(["ip", "netns", "pids", ns], capture_output=True)
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                                  text=True).stdout.split()
            for pid in pids:
                subprocess.run(["kill", "-9", pid], capture_output=True)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert PREFIX + "-" not in left


@pytest.fixture
def fw(node):
    """A firewall process in the node; the node's rules are removed afterwards."""
    f = FwApply(node)
    yield f
    f.cmd("apply", model([], {}))
    f.close()


def test_rules_decide_what_reaches_a_port(fw):
    fw.cmd("apply", base_model())
    vm1, vm2, vm3 = VMS
    assert ping(vm2, vm1.ip)                # ingress from the default group's members
    assert not ping(vm3, vm1.ip)            # vm3 is not a member
    assert tcp_connects(vm3, vm1, 80)       # web: tcp 80 from anywhere
    assert not tcp_connects(vm3, vm1, 81)
    assert ping(vm1, vm3.ip) is False       # vm3's group has no ingress rule
    assert ping(vm1, vm2.ip)
    # The node keeps connections per network in the network's own zone.
    zone = in_ns(NODE, "conntrack", "-L", "-w", "4097", check=False)
    assert "src=%s dst=%s" % (vm1.ip, vm2.ip) in zone.stdout, zone


def rich_model():
    """Every form a rule, a port and a group can take, so that reading the kernel back
    is checked against each of them."""
    m = base_model([
        rule("ingress", protocol="icmp", port_range_min=8, port_range_max=0,
             remote_ip_prefix="198.51.100.0/24"),
        rule("ingress", protocol="icmp", port_range_min=3),
        rule("ingress", protocol="udp", port_range_min=5000, port_range_max=5010),
        rule("egress", protocol="tcp", port_range_min=443, port_range_max=443,
             remote_ip_prefix="192.0.2.7"),
        rule("ingress", protocol="sctp", port_range_min=7, port_range_max=9),
        rule("ingress", protocol="dccp", port_range_min=7, port_range_max=7),
        rule("ingress", protocol="udplite", port_range_min=5, port_range_max=6),
        rule("ingress", protocol="gre"), rule("ingress", protocol="112"),
        rule("ingress", protocol="esp"), rule("ingress", protocol=41),
        rule("ingress", "IPv6", protocol="ipv6-icmp", port_range_min=128, port_range_max=0),
        rule("ingress", "IPv6", protocol="icmp", port_range_min=1),
        rule("ingress", "IPv6", protocol="tcp", remote_ip_prefix="2001:db8::/64"),
        rule("egress", "IPv6", protocol="udp", port_range_min=53, port_range_max=53,
             remote_group_id=WEB),
    ])
    m["ports"][0]["fixed_ips"].append("2001:db8::11")
    m["ports"][1]["allowed_address_pairs"] = [
        {"ip_address": "10.10.0.100"}, {"ip_address": "10.20.0.0/24",
                                        "mac_address": "fa:16:3e:00:00:aa"},
        {"ip_address": "2001:db8:1::/64"}]
    m["ports"][2] = port(VMS[2], [STATELESS])
    m["security_groups"][STATELESS] = {"stateful": False, "rules": [
        rule("ingress", protocol="icmp"), rule("egress", "IPv6")]}
    m["sg_member_ips"][WEB] = {"IPv4": [], "IPv6": ["2001:db8::11", "2001:db8:1::/64"]}
    return m


def test_applying_again_changes_nothing(fw, node):
    fw.cmd("apply", rich_model())
    plan = fw.cmd("plan", rich_model())
    assert plan["empty"], plan
    # A new process (the agent restarted) reads the kernel and finds nothing to do.
    other = FwApply(node)
    try:
        answer = other.cmd("resync", rich_model())
        assert answer["read_kernel"] and not answer["changed"], answer
    finally:
        other.close()


def test_a_port_cannot_send_from_addresses_or_macs_not_its_own(fw):
    vm1, vm2, _ = VMS
    open_ingress = [rule("ingress", protocol="icmp", remote_ip_prefix="10.10.0.0/24")]
    fw.cmd("apply", base_model(open_ingress))
    assert ping(vm2, vm1.ip)
    in_ns(vm2.ns, "ip", "addr", "add", "10.10.0.50/24", "dev", "eth0")
    try:
        assert not ping(vm2, vm1.ip, source="10.10.0.50")
        # Until the address is an allowed address pair of the port.
        m = base_model(open_ingress)
        m["ports"][1]["allowed_address_pairs"] = [{"ip_address": "10.10.0.50"}]
        fw.cmd("apply", m)
        assert ping(vm2, vm1.ip, source="10.10.0.50")
    finally:
        in_ns(vm2.ns, "ip", "addr", "del", "10.10.0.50/24", "dev", "eth0")
    fw.cmd("apply", base_model(open_ingress))
    sh("ip", "-n", vm2.ns, "link", "set", "eth0", "address", "fa:16:3e:00:00:99")
    try:
        in_ns(vm2.ns, "ip", "neigh", "flush", "all")
        in_ns(vm1.ns, "ip", "neigh", "flush", "all")
        assert not ping(vm2, vm1.ip)
    finally:
        sh("ip", "-n", vm2.ns, "link", "set", "eth0", "address", vm2.mac)
    in_ns(vm1.ns, "ip", "neigh", "flush", "all")
    assert ping(vm2, vm1.ip)


def test_arp_claiming_another_address_is_dropped(fw):
    vm1, vm2, _ = VMS
    fw.cmd("apply", base_model())
    in_ns(vm1.ns, "ip", "neigh", "flush", "all")
    # An ARP request makes its target learn the sender's address and MAC, so vm2 asking
    # for vm1 in the name of an address that is not its own would poison vm1's table.
    in_ns(vm2.ns, "ip", "addr", "add", "10.10.0.60/24", "dev", "eth0")
    try:
        lie = in_ns(vm2.ns, "busybox", "arping", "-c", "1", "-w", "1", "-I", "eth0", "-s",
                    "10.10.0.60", vm1.ip, check=False)
        truth = in_ns(vm2.ns, "busybox", "arping", "-c", "1", "-w", "1", "-I", "eth0", "-s",
                      vm2.ip, vm1.ip, check=False)
        neigh = in_ns(vm1.ns, "ip", "neigh", "show").stdout
        assert "10.10.0.60" not in neigh and "Received 0 response" in lie.stdout, (neigh, lie)
        assert vm2.ip in neigh and "Received 1 response" in truth.stdout, (neigh, truth)
    finally:
        in_ns(vm2.ns, "ip", "addr", "del", "10.10.0.60/24", "dev", "eth0")


def test_remote_group_membership_is_one_set_change(fw):
    vm1, _, vm3 = VMS
    fw.cmd("apply", base_model())
    assert not ping(vm3, vm1.ip)
    answer = fw.cmd("apply", base_model(members=VMS))
    assert answer["chains_written"] == 0 and answer["lines_changed"] == 0, answer
    assert ping(vm3, vm1.ip)
    answer = fw.cmd("apply", base_model())
    assert answer["chains_written"] == 0, answer
    assert not ping(vm3, vm1.ip)


def test_removing_a_rule_ends_its_established_connections(fw):
    vm1, _, vm3 = VMS
    tcp_5000 = [rule("ingress", protocol="tcp", port_range_min=5000, port_range_max=5000)]
    fw.cmd("apply", base_model(tcp_5000))
    server = subprocess.Popen(["ip", "netns", "exec", vm1.ns, PY, "-c", ACCEPT_ONCE, "5000"],
                              stdout=subprocess.PIPE, text=True)
    client = None
    try:
        assert server.stdout.readline().strip() == "ready"
        client = subprocess.Popen(["ip", "netns", "exec", vm3.ns, PY, "-c", CONVERSE, vm1.ip,
                                   "5000"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        assert client.stdout.readline().strip() == "ok"
        client.stdin.write("\n")
        client.stdin.flush()
        assert client.stdout.readline().strip() == "ok"     # established, still allowed
        answer = fw.cmd("apply", base_model())
        assert answer["ct_deletes"] >= 1 and answer["ct_deleted"] >= 1, answer
        client.stdin.write("\n")
        client.stdin.flush()
        assert client.stdout.readline().strip() == "timeout"
    finally:
        for p in (client, server):
            if p:
                p.kill()
                p.wait()


def test_removing_a_member_ends_its_established_connections(fw):
    vm1, _, vm3 = VMS
    fw.cmd("apply", base_model(members=VMS))
    server = subprocess.Popen(["ip", "netns", "exec", vm1.ns, PY, "-c", ACCEPT_ONCE, "5001"],
                              stdout=subprocess.PIPE, text=True)
    client = None
    try:
        assert server.stdout.readline().strip() == "ready"
        client = subprocess.Popen(["ip", "netns", "exec", vm3.ns, PY, "-c", CONVERSE, vm1.ip,
                                   "5001"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        assert client.stdout.readline().strip() == "ok"
        answer = fw.cmd("apply", base_model())
        assert answer["ct_deletes"] >= 1 and answer["ct_deleted"] >= 1, answer
        client.stdin.write("\n")
        client.stdin.flush()
        assert client.stdout.readline().strip() == "timeout"
    finally:
        for p in (client, server):
            if p:
                p.kill()
                p.wait()


ACCEPT_ONCE_V6 = ACCEPT_ONCE.replace("socket.socket()", "socket.socket(socket.AF_INET6)") \
    .replace('"0.0.0.0"', '"::"')


def test_removing_an_ipv6_rule_ends_its_established_connections(fw):
    """An IPv6 TCP connection allowed by an IPv6 rule ends with the rule (its conntrack
    entry, of family IPv6 in the network's zone, is deleted)."""
    vm1, _, vm3 = VMS
    ips = {vm1: "2001:db8::11", vm3: "2001:db8::13"}
    tcp_5004 = [rule("ingress", "IPv6", protocol="tcp", port_range_min=5004,
                     port_range_max=5004)]
    server = client = None

    def v6_model(extra):
        m = base_model(extra)
        for p in m["ports"]:
            for vm, ip in ips.items():
                if p["id"] == vm.port:
                    p["fixed_ips"].append(ip)
        m["security_groups"][OPEN]["rules"].append(rule("egress", "IPv6"))
        return m

    try:
        for vm, ip in ips.items():
            in_ns(vm.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0")
            in_ns(vm.ns, "ip", "addr", "add", ip + "/64", "dev", "eth0", "nodad")
        fw.cmd("apply", v6_model(tcp_5004))
        server = subprocess.Popen(["ip", "netns", "exec", vm1.ns, PY, "-c", ACCEPT_ONCE_V6,
                                   "5004"], stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        client = subprocess.Popen(["ip", "netns", "exec", vm3.ns, PY, "-c", CONVERSE, ips[vm1],
                                   "5004"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        assert client.stdout.readline().strip() == "ok"
        entries = in_ns(NODE, "conntrack", "-L", "-f", "ipv6", "-p", "tcp", "--dport", "5004",
                        check=False).stdout
        assert "zone=4097" in entries, entries
        answer = fw.cmd("apply", v6_model(()))
        assert answer["ct_deletes"] >= 1 and answer["ct_deleted"] >= 1, answer
        client.stdin.write("\n")
        client.stdin.flush()
        assert client.stdout.readline().strip() == "timeout"
    finally:
        for p in (client, server):
            if p:
                p.kill()
                p.wait()
        for vm in ips:
            in_ns(vm.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")


def test_hundreds_of_connections_end_in_one_apply(fw):
    """300 UDP connections to vm1's port 53 (made directly in the node's table), more
    than one batch of deletions: all end with the rule that allowed them, in one apply,
    and the node's other connections (another protocol, another port's address, another
    network's zone) stay."""
    vm1, vm2, vm3 = VMS
    udp_53 = [rule("ingress", protocol="udp", port_range_min=53, port_range_max=53)]
    fw.cmd("apply", base_model(udp_53))
    lines = ["-I -s %s -d %s -p udp --sport %d --dport 53 -t 120 -w 4097"
             % (vm3.ip, vm1.ip, 10000 + i) for i in range(300)]
    kept = ["-I -s %s -d %s -p tcp --sport 40000 --dport 80 --state ESTABLISHED -t 120 -w 4097"
            % (vm3.ip, vm1.ip),
            "-I -s %s -d %s -p udp --sport 10000 --dport 53 -t 120 -w 4097" % (vm3.ip, vm2.ip),
            "-I -s %s -d %s -p udp --sport 10000 --dport 53 -t 120 -w 4098" % (vm3.ip, vm1.ip)]
    mine = ("-p", "udp", "-d", vm1.ip, "-w", "4097")
    survivors = [("-p", "tcp", "-d", vm1.ip, "--sport", "40000", "-w", "4097"),
                 ("-p", "udp", "-d", vm2.ip, "--sport", "10000", "-w", "4097"),
                 ("-p", "udp", "-d", vm1.ip, "--sport", "10000", "-w", "4098")]
    try:
        earlier = count_connections(*mine)     # (UDP of earlier tests, gone all the same)
        in_ns(NODE, "conntrack", "-R", "-", input="\n".join(lines + kept) + "\n")
        assert count_connections(*mine) == earlier + 300
        answer = fw.cmd("apply", base_model())
        assert answer["ct_deleted"] == earlier + 300, answer
        assert count_connections(*mine) == 0
        assert [count_connections(*f) for f in survivors] == [1, 1, 1]
    finally:
        for f in [mine] + survivors:
            in_ns(NODE, "conntrack", "-D", *f, check=False)


def count_connections(*filters):
    listing = in_ns(NODE, "conntrack", "-L", *filters, check=False).stdout
    return sum(1 for line in listing.splitlines() if "src=" in line)


UDP_RECEIVE = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.settimeout(1.5); print("ready", flush=True)
try:
    print(s.recvfrom(100)[0].decode(), flush=True)
except OSError:
    print("timeout", flush=True)
"""

UDP_SEND = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2]))); s.sendto(b"hello", (sys.argv[3], int(sys.argv[4])))
"""


def udp_arrives(src, sport, dst, dport):
    rx = subprocess.Popen(["ip", "netns", "exec", dst.ns, PY, "-c", UDP_RECEIVE, str(dport)],
                          stdout=subprocess.PIPE, text=True)
    try:
        assert rx.stdout.readline().strip() == "ready"
        in_ns(src.ns, PY, "-c", UDP_SEND, src.ip, str(sport), dst.ip, str(dport))
        return rx.stdout.readline().strip() == "hello"
    finally:
        rx.kill()
        rx.wait()


def test_a_port_cannot_answer_as_a_dhcp_server(fw):
    vm1, vm2, _ = VMS
    fw.cmd("apply", base_model())
    assert udp_arrives(vm2, 1067, vm1, 68)      # vm2 is in vm1's default group
    assert not udp_arrives(vm2, 67, vm1, 68)    # but a DHCP server's reply from it is not


def test_stateless_group_needs_both_directions(fw):
    vm1, vm2, _ = VMS
    both = {"stateful": False, "rules": [rule("ingress", protocol="icmp"),
                                         rule("egress", protocol="icmp")]}
    m = base_model()
    m["ports"][0]["security_groups"] = [STATELESS]
    m["security_groups"][STATELESS] = both
    fw.cmd("apply", m)
    raw = in_ns(NODE, "iptables-save", "-t", "raw").stdout
    assert "--physdev-in %s -j CT --notrack" % vm1.tap in raw
    assert ping(vm2, vm1.ip)
    m["security_groups"][STATELESS] = {"stateful": False,
                                       "rules": [rule("ingress", protocol="icmp")]}
    fw.cmd("apply", m)
    assert not ping(vm2, vm1.ip)            # the reply is not a tracked connection's


def test_port_without_port_security_passes_everything(fw):
    vm1, _, vm3 = VMS
    m = base_model()
    m["ports"][2] = port(vm3, [], port_security=False)
    fw.cmd("apply", m)
    assert ping(vm1, vm3.ip)
    in_ns(vm3.ns, "ip", "addr", "add", "10.10.0.70/24", "dev", "eth0")
    try:
        assert tcp_connects(vm3, vm1, 80)
    finally:
        in_ns(vm3.ns, "ip", "addr", "del", "10.10.0.70/24", "dev", "eth0")


def test_only_its_own_rules_are_touched_and_all_go_with_the_last_port(fw):
    foreign = [
        ("iptables", "-N", "other-chain"), ("iptables", "-A", "FORWARD", "-j", "other-chain"),
        ("iptables", "-t", "raw", "-A", "PREROUTING", "-s", "192.0.2.1", "-j", "ACCEPT"),
        ("ip6tables", "-A", "INPUT", "-s", "2001:db8::1", "-j", "ACCEPT"),
        ("ebtables", "-t", "nat", "-N", "other-eb"),
        ("ipset", "create", "other-set", "hash:ip"),
    ]
    for cmd in foreign:
        in_ns(NODE, *cmd)
    try:
        def snapshot():
            return {"v4": in_ns(NODE, "iptables-save").stdout,
                    "v6": in_ns(NODE, "ip6tables-save").stdout,
                    "eb": in_ns(NODE, "ebtables-save").stdout,
                    "sets": in_ns(NODE, "ipset", "list", "-n").stdout}

        fw.cmd("apply", base_model())
        during = snapshot()
        assert ours(during["v4"]) and ours(during["eb"]) and "neutrino-fw" in during["sets"]
        assert "-A FORWARD -j other-chain" in during["v4"]
        fw.cmd("apply", model([], {}))
        after = snapshot()
        for text in after.values():
            assert "neutrino-fw" not in text
        assert "-A FORWARD -j other-chain" in after["v4"]
        assert "-s 192.0.2.1/32 -j ACCEPT" in after["v4"]
        assert "2001:db8::1/128" in after["v6"]
        assert "other-eb" in after["eb"]
        assert "other-set" in after["sets"]
    finally:
        in_ns(NODE, "iptables", "-D", "FORWARD", "-j", "other-chain", check=False)
        in_ns(NODE, "iptables", "-X", "other-chain", check=False)
        in_ns(NODE, "iptables", "-t", "raw", "-D", "PREROUTING", "-s", "192.0.2.1", "-j",
              "ACCEPT", check=False)
        in_ns(NODE, "ip6tables", "-D", "INPUT", "-s", "2001:db8::1", "-j", "ACCEPT",
              check=False)
        in_ns(NODE, "ebtables", "-t", "nat", "-X", "other-eb", check=False)
        in_ns(NODE, "ipset", "destroy", "other-set", check=False)


def test_ipv6_members_and_sources(fw):
    """IPv6 between two ports (neighbour discovery included): the default group's rules let
    members in, a non-member's address is refused, and an address the port does not
    own cannot be a source."""
    vm1, vm2, _ = VMS
    ips = {vm1: "2001:db8::11", vm2: "2001:db8::12"}
    try:
        for vm, ip in ips.items():
            in_ns(vm.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0")
            in_ns(vm.ns, "ip", "addr", "add", ip + "/64", "dev", "eth0", "nodad")
        m = base_model()
        for p, vm in zip(m["ports"], (vm1, vm2)):
            p["fixed_ips"].append(ips[vm])
        m["sg_member_ips"][DEFAULT]["IPv6"] = [ips[vm1], ips[vm2]]
        fw.cmd("apply", m)
        # Read back as written (router advertisements let in included).
        assert fw.cmd("plan", m)["empty"]
        assert in_ns(vm2.ns, "busybox", "ping6", "-c", "1", "-W", "2", ips[vm1],
                     check=False).returncode == 0
        m["sg_member_ips"][DEFAULT]["IPv6"] = [ips[vm1]]
        fw.cmd("apply", m)
        assert in_ns(vm2.ns, "busybox", "ping6", "-c", "1", "-W", "1", ips[vm1],
                     check=False).returncode != 0
        m["sg_member_ips"][DEFAULT]["IPv6"] = [ips[vm1], ips[vm2], "2001:db8::99"]
        fw.cmd("apply", m)
        in_ns(vm2.ns, "ip", "addr", "add", "2001:db8::99/64", "dev", "eth0", "nodad")
        assert in_ns(vm2.ns, "busybox", "ping6", "-c", "1", "-W", "1", "-I", "2001:db8::99",
                     ips[vm1], check=False).returncode != 0
    finally:
        for vm in ips:
            in_ns(vm.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")


def test_no_window_while_a_port_changes(fw):
    """Rewriting vm1's chains many times over while vm3 (not allowed) pings it: not one
    answer gets through, while vm2's pings (allowed) all do."""
    vm1, vm2, vm3 = VMS
    fw.cmd("apply", base_model())
    flood = subprocess.Popen(["ip", "netns", "exec", vm3.ns, "busybox", "ping", "-i", "0.01",
                              "-w", "3", vm1.ip], stdout=subprocess.PIPE, text=True)
    allowed = subprocess.Popen(["ip", "netns", "exec", vm2.ns, "busybox", "ping", "-i", "0.02",
                                "-c", "100", "-W", "2", vm1.ip], stdout=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 2.5
        n = 0
        while time.monotonic() < deadline:
            port_range = 1000 + n % 50
            fw.cmd("apply", base_model([rule("ingress", protocol="udp",
                                             port_range_min=port_range,
                                             port_range_max=port_range)]))
            n += 1
        out, _ = flood.communicate(timeout=10)
        assert " 0 packets received" in out or "0 received" in out, out
        out2, _ = allowed.communicate(timeout=10)
        assert " 0% packet loss" in out2, out2
        assert n >= 5
    finally:
        for p in (flood, allowed):
            if p.poll() is None:
                p.kill()
                p.wait()
