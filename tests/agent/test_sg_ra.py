"""Router advertisements and DHCPv6 replies through the agent's firewall, with real
packets: an instance may not act as a router (ICMPv6 type 134) or a DHCPv6 server (UDP
547 to 546) on its network, while the router's advertisements still reach every
instance with an IPv6 address (docs/behaviour/dataplane.md 7.3).  The senders are
python raw and UDP sockets in the instances' namespaces; a listener in another
namespace says what arrived.  Every packet carries a number of its own, so a stray
packet cannot be taken for the one sent."""

import random
import subprocess
import uuid

from lab import sh, wait_for
from test_sg_dataplane import Instances, active, delete

PY = "/usr/bin/python3"

# Sends router advertisements to ff02::1 from eth0's link-local address, hop limit 255
# (as a router must), the router lifetime 0 (no default route is made) and argv[1] as
# the reachable time, the mark the listener looks for; argv[2] of them, 0.1 s apart.
RA_SEND = """
import socket, struct, sys, time
ifindex = socket.if_nametoindex("eth0")
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, int(sys.argv[1]), 0)
for _ in range(int(sys.argv[2])):
    s.sendto(ra, ("ff02::1", 0, 0, ifindex))
    time.sleep(0.1)
"""

# Waits up to argv[2] seconds for a router advertisement whose reachable time is argv[1]
# and prints "got <source>" (or "none").
RA_LISTEN = """
import select, socket, struct, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
print("ready", flush=True)
deadline = time.monotonic() + float(sys.argv[2])
while True:
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([s], [], [], left)[0]:
        print("none", flush=True)
        break
    data, addr = s.recvfrom(2048)
    mark = struct.unpack("!I", data[8:12])[0] if len(data) >= 16 else None
    if data[0] == 134 and mark == int(sys.argv[1]):
        print("got", addr[0], flush=True)
        break
"""

# Sends argv[3] UDP datagrams "mark argv[2]" from port 547 to [argv[1]%eth0]:546, as a
# DHCPv6 server answers a client.
DHCP6_SEND = """
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 547))
for _ in range(int(sys.argv[3])):
    s.sendto(("mark " + sys.argv[2]).encode(), (sys.argv[1], 546, 0, socket.if_nametoindex("eth0")))
    time.sleep(0.1)
"""

# Waits up to argv[2] seconds on UDP port 546 for "mark argv[1]": "got" or "none".
DHCP6_LISTEN = """
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 546))
print("ready", flush=True)
deadline = time.monotonic() + float(sys.argv[2])
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        print("none", flush=True)
        break
    s.settimeout(left)
    try:
        data = s.recv(100)
    except OSError:
        continue
    if data == ("mark " + sys.argv[1]).encode():
        print("got", flush=True)
        break
"""


def uid():
    return uuid.uuid4().hex[:6]


def enable_ipv6(ns):
    """IPv6 on the namespace's eth0 (the lab turns it off), its link-local address usable
    at once (no duplicate address detection) and advertisements not acted upon."""
    for conf in ("default", "all", "eth0"):
        sh("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % conf,
           "net.ipv6.conf.%s.accept_ra=0" % conf, ns=ns)
    for conf in ("default", "all", "eth0"):
        sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % conf, ns=ns)
    wait_for(lambda: "scope link" in sh("ip", "-6", "addr", "show", "dev", "eth0", ns=ns).stdout,
             what="a link-local address in %s" % ns)


def link_local(ns):
    out = sh("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link", ns=ns).stdout
    return out.split()[3].split("/")[0]


def received(sender_ns, receiver_ns, send, listen, send_args, listen_args):
    """Starts 'listen' in the receiver, then runs 'send' in the sender: whether the
    listener saw the marked packet."""
    rx = subprocess.Popen(["ip", "netns", "exec", receiver_ns, PY, "-c", listen] + listen_args,
                          stdout=subprocess.PIPE, text=True)
    try:
        assert rx.stdout.readline().strip() == "ready"
        sh(PY, "-c", send, *send_args, ns=sender_ns, timeout=10)
        return rx.stdout.readline().startswith("got")
    finally:
        rx.kill()
        rx.wait()


def ra_arrives(sender_ns, receiver_ns, wait=1.5):
    mark = random.randrange(1, 1 << 31)
    return received(sender_ns, receiver_ns, RA_SEND, RA_LISTEN, [str(mark), "5"],
                    [str(mark), str(wait)])


def dhcp6_reply_arrives(sender_ns, receiver_ns, wait=1.5):
    mark = uid()
    return received(sender_ns, receiver_ns, DHCP6_SEND, DHCP6_LISTEN,
                    [link_local(receiver_ns), mark, "5"], [mark, str(wait)])


class DualStack:
    """A network with an IPv4 subnet (the lab's instances get their static address from
    it) and an IPv6 SLAAC subnet (every port gets an address from it, which is what
    lets router advertisements in); deleted at the end."""

    def __init__(self, lab, n):
        self.lab = lab
        r = lab.api("POST", "/v2.0/networks", {"network": {"name": "ra-" + uid()}})
        assert r.status_code == 201, r.text
        self.net = r.json()["network"]
        # (SLAAC modes need enable_dhcp, as in Neutron; the lab runs no DHCP agent.)
        for attrs in ({"ip_version": 4, "cidr": "172.16.%d.0/24" % n, "enable_dhcp": False},
                      {"ip_version": 6, "cidr": "2001:db8:%d::/64" % n, "enable_dhcp": True,
                       "ipv6_ra_mode": "slaac", "ipv6_address_mode": "slaac"}):
            attrs["network_id"] = self.net["id"]
            r = lab.api("POST", "/v2.0/subnets", {"subnet": attrs})
            assert r.status_code == 201, r.text

    def close(self):
        delete(self.lab, "/v2.0/networks/" + self.net["id"])


def ipv6_instance(vms, node, net, **attrs):
    inst = vms.add(node, net, **attrs)
    assert any(":" in ip["ip_address"] for ip in inst["port"]["fixed_ips"]), inst["port"]
    active(vms.lab, inst)
    enable_ipv6(inst["ns"])
    return inst


def test_an_instance_cannot_advertise_itself_as_a_router(lab):
    """b (port security, an IPv6 address, so router advertisements may reach it) never
    hears a's advertisement while a's port is filtered; once a's port security is off,
    the same advertisement reaches b: the packet was valid, only a's port dropped it."""
    stack = DualStack(lab, 61)
    vms = Instances(lab)
    try:
        a = ipv6_instance(vms, "n1", stack.net)
        b = ipv6_instance(vms, "n1", stack.net)
        assert not ra_arrives(a["ns"], b["ns"])
        r = lab.api("PUT", "/v2.0/ports/" + a["port"]["id"],
                    {"port": {"security_groups": [], "port_security_enabled": False}})
        assert r.status_code == 200, r.text
        wait_for(lambda: ra_arrives(a["ns"], b["ns"], wait=0.8), timeout=15,
                 what="a's advertisement reaching b without a's port security")
    finally:
        vms.close()
        stack.close()


def test_an_instance_cannot_answer_as_a_dhcpv6_server(lab):
    """A DHCPv6 server's reply (UDP 547 to 546, to the client's link-local address) from
    a filtered port is dropped; the same datagram from a port without port security
    reaches the filtered client."""
    stack = DualStack(lab, 62)
    vms = Instances(lab)
    try:
        a = ipv6_instance(vms, "n1", stack.net)
        b = ipv6_instance(vms, "n1", stack.net)
        assert not dhcp6_reply_arrives(a["ns"], b["ns"])
        r = lab.api("PUT", "/v2.0/ports/" + a["port"]["id"],
                    {"port": {"security_groups": [], "port_security_enabled": False}})
        assert r.status_code == 200, r.text
        wait_for(lambda: dhcp6_reply_arrives(a["ns"], b["ns"], wait=0.8), timeout=15,
                 what="a's DHCPv6 reply reaching b without a's port security")
    finally:
        vms.close()
        stack.close()


def test_the_routers_advertisements_reach_filtered_instances(lab):
    """A namespace plugged straight into the network's bridge stands for the router (no
    port, so nothing filters what it sends), and an instance without port security for
    another sender the agent does not filter: the filtered instance b hears both, though
    no rule of its groups lets their addresses in."""
    stack = DualStack(lab, 63)
    vms = Instances(lab)
    tap = "rtr" + uid()
    router_ns = None
    try:
        b = ipv6_instance(vms, "n1", stack.net)
        open_vm = ipv6_instance(vms, "n1", stack.net, port_security_enabled=False,
                                security_groups=[])
        router_ns = lab.lab("lab", "plug", "n1", tap, "r-" + tap, "--mac",
                            "fa:16:3e:%02x:%02x:%02x" % tuple(random.randrange(256)
                                                              for _ in range(3))).stdout.strip()
        lab.namespaces.append(router_ns)
        bridge = "brq" + stack.net["id"][:11]
        sh("ip", "link", "set", tap, "master", bridge, "up", ns=lab.node_ns("n1"))
        enable_ipv6(router_ns)
        assert ra_arrives(router_ns, b["ns"])
        assert ra_arrives(open_vm["ns"], b["ns"])
    finally:
        if router_ns:
            lab.lab("lab", "namespace", "delete", router_ns, check=False)
            lab.namespaces.remove(router_ns)
        vms.close()
        stack.close()
