"""Routing in the lab, as the tutorial's routing chapter does it, with real packets
through the whole stack: neutrino-server, the linux-bridge agents of n1 and n2, and
neutrino-l3-agent in n1's node init (n1 plays the tutorial's controller: the network
node).  The outside world is the lab's own: the external network ext-net
(lab.ext_net(): flat on physical network "external", n1's eth2) and the host "outside"
at 10.10.10.1, the external subnet's gateway.

test_l3_agent.py already shows a vxlan instance leaving through SNAT and a floating IP
reaching it; here, what it does not: an instance on a *local* network on the network
node, with its address and default route by DHCP, leaving through a router whose
interface took the subnet's gateway address (the tutorial's first_local_net); a
floating IP's disassociation cutting a ping the outside host is running; and a deleted
router leaving nothing on the network node (namespace, taps, iptables rules, bridges
of deleted networks).  Needs root."""

import re
import subprocess
import threading
import time
import uuid

import pytest

from lab import EXT_GW, running_lab, sh, udp_source_seen, wait_for

pytestmark = pytest.mark.own_server


def api_ok(lab, method, path, body=None):
    r = lab.api(method, path, body)
    assert r.status_code in (200, 201, 204), "%s %s: %s %s" % (method, path, r.status_code,
                                                               r.text)
    return r.json() if r.text else None


def unique(what):
    return "%s-%s" % (what, uuid.uuid4().hex[:6])


def routers_on_n1(lab):
    return [n for n in lab.node_netns_list("n1") if n.startswith("qrouter-")]


def gateway_ip(lab, router_id):
    router = api_ok(lab, "GET", "/v2.0/routers/" + router_id)["router"]
    return router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]


def router_ports(lab, router_id):
    return api_ok(lab, "GET", "/v2.0/ports?device_id=" + router_id)["ports"]


def diagnostics(lab, router_id=None):
    out = ["--- L3 agent log (tail):\n" + lab.l3_agent_log("n1")[-3000:],
           "--- n1 agent log (tail):\n" + lab.agent_log("n1")[-2000:]]
    if router_id:
        ns = "qrouter-" + router_id
        for cmd in (("ip", "-n", ns, "-br", "addr"), ("ip", "-n", ns, "route"),
                    ("ip", "netns", "exec", ns, "iptables-save", "-t", "nat")):
            out.append("--- %s:\n%s" % (" ".join(cmd),
                                          lab.in_node("n1", *cmd, check=False).stdout))
    return "\n".join(out)


def icmp_group(lab):
    """A security group of its own (not default, so no other port's rules change) that
    lets ICMP in; a new group lets everything out."""
    sg = api_ok(lab, "POST", "/v2.0/security-groups",
                {"security_group": {"name": unique("icmp")}})["security_group"]
    api_ok(lab, "POST", "/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress", "ethertype": "IPv4",
        "protocol": "icmp"}})
    return sg


def routed_instance(lab, name, cidr, gw):
    """A vxlan network with subnet 'cidr' (gateway 'gw', no DHCP), a router with its
    gateway on ext-net and an interface on it, and an instance on n2 (ICMP admitted)
    whose default route is the router.  The instance's port ACTIVE."""
    net = lab.create("network", name=unique(name), **{"provider:network_type": "vxlan"})
    sub = lab.create("subnet", network_id=net["id"], cidr=cidr, ip_version=4, gateway_ip=gw,
                     enable_dhcp=False)
    router = lab.create("router", name=unique(name),
                        external_gateway_info={"network_id": lab.ext_net()["net"]["id"]})
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": sub["id"]})
    vm = lab.instance(name, "n2", net, security_groups=[icmp_group(lab)["id"]])
    sh("ip", "route", "add", "default", "via", gw, ns=vm["ns"])
    wait_for(lambda: lab.port_status(vm["port"]["id"]) == "ACTIVE", timeout=20,
             what="the instance's port ACTIVE")
    return {"net": net, "sub": sub, "router": router, "vm": vm}


def floating_ip(lab, port_id):
    return api_ok(lab, "POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": lab.ext_net()["net"]["id"], "port_id": port_id}})["floatingip"]


def outside_pings(lab, address):
    return sh("busybox", "ping", "-c", "1", "-W", "1", address, ns=lab.outside,
              check=False).returncode == 0


class RunningPing:
    """busybox ping from a namespace, five a second, with the time of each reply."""

    def __init__(self, ns, address, seconds=30):
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, "stdbuf", "-oL", "busybox",
                                   "ping", "-i", "0.2", "-w", str(seconds), address],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.replies = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.p.stdout:
            if "bytes from" in line:
                self.replies.append(time.monotonic())

    def quiet_for(self, seconds):
        """True once no reply came for 'seconds' (or none ever did)."""
        last = self.replies[-1] if self.replies else 0
        return time.monotonic() - last > seconds

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(5)
        self.reader.join(5)


def node_links(lab, node="n1"):
    return set(lab.links(node))


BUILTIN_CHAIN = re.compile(r"^:(INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) ")


def node_iptables(lab, node="n1"):
    """The rules and chains of our own in iptables-save of the node's namespace (its
    tables, the built-in chains and the counters left out: a table shows up once
    anything has used it)."""
    text = sh("iptables-save", ns=lab.node_ns(node)).stdout
    return sorted(re.sub(r"\[\d+:\d+\]", "", line) for line in text.splitlines()
                  if line.startswith("-A ") or
                  (line.startswith(":") and not BUILTIN_CHAIN.match(line)))


@pytest.fixture(scope="module")
def l3lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("l3lab")) as lab:
        lab.start_l3_agent("n1")
        yield lab


def test_a_local_network_on_the_network_node_leaves_through_the_router(l3lab):
    """The tutorial's first_local_net: local (never leaves n1), DHCP on, gateway left
    to the subnet (the first address), which the router's interface then takes; the
    instance's default route comes by DHCP and the outside host sees the router's
    gateway address."""
    lab = l3lab
    lab.start_dhcp_agent("n1")
    net = lab.create("network", name=unique("local"), **{"provider:network_type": "local"})
    sub = lab.create("subnet", network_id=net["id"], cidr="172.16.1.0/24", ip_version=4,
                     allocation_pools=[{"start": "172.16.1.2", "end": "172.16.1.100"}])
    assert sub["gateway_ip"] == "172.16.1.1"
    router = lab.create("router", name=unique("local"),
                        external_gateway_info={"network_id": lab.ext_net()["net"]["id"]})
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": sub["id"]})
    iface = [p for p in router_ports(lab, router["id"])
             if p["device_owner"] == "network:router_interface"]
    assert [ip["ip_address"] for ip in iface[0]["fixed_ips"]] == ["172.16.1.1"]

    vm = lab.instance("lvm", "n1", net, dhcp=True)
    lease = lab.dhcp_client(vm)
    assert lease and lease["router"] == "172.16.1.1", vm.get("udhcpc")
    try:
        wait_for(lambda: lab.ping("lvm", EXT_GW), timeout=15,
                 what="the local instance pinging the outside host")
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(lab, router["id"])))
    assert udp_source_seen(lab.outside, vm["ns"], EXT_GW, 40011) == \
        gateway_ip(lab, router["id"])


def test_disassociating_a_floating_ip_cuts_the_outside_hosts_running_ping(l3lab):
    lab = l3lab
    topo = routed_instance(lab, "fvm", "10.78.0.0/24", "10.78.0.1")
    fip = floating_ip(lab, topo["vm"]["port"]["id"])
    address = fip["floating_ip_address"]
    try:
        wait_for(lambda: outside_pings(lab, address), timeout=15,
                 what="the outside host reaching the floating IP")
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(lab, topo["router"]["id"])))
    ping = RunningPing(lab.outside, address)
    try:
        wait_for(lambda: len(ping.replies) >= 3, timeout=10, what="a few replies")
        api_ok(lab, "PUT", "/v2.0/floatingips/" + fip["id"],
               {"floatingip": {"port_id": None}})
        cut = time.monotonic()
        wait_for(lambda: ping.quiet_for(1.5), timeout=10,
                 what="the replies stopping after the disassociation")
        assert ping.p.poll() is None, "the ping ended: it was not cut but over"
        late = [t - cut for t in ping.replies if t > cut]
        # The agent needs its moment; what matters is that the replies end.
        assert not late or max(late) < 5, late
    finally:
        ping.stop()
    assert api_ok(lab, "GET", "/v2.0/floatingips/" + fip["id"])["floatingip"]["port_id"] \
        is None
    assert not outside_pings(lab, address)


def test_deleting_a_router_leaves_nothing_on_the_network_node(l3lab):
    lab = l3lab
    ext_id = lab.ext_net()["net"]["id"]
    links_before, rules_before = node_links(lab), node_iptables(lab)
    topo = routed_instance(lab, "dvm", "10.79.0.0/24", "10.79.0.1")
    rid = topo["router"]["id"]
    fip = floating_ip(lab, topo["vm"]["port"]["id"])
    try:
        wait_for(lambda: outside_pings(lab, fip["floating_ip_address"]), timeout=15,
                 what="the router built (the floating IP reached)")
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(lab, rid)))
    ports = [p["id"] for p in router_ports(lab, rid)]
    assert len(ports) == 2                      # gateway and interface
    taps = {"tap" + p[:11] for p in ports}
    assert taps <= node_links(lab), node_links(lab)
    assert "neutrino-l3" in lab.in_node("n1", "ip", "netns", "exec", "qrouter-" + rid,
                                        "iptables-save", "-t", "nat").stdout

    api_ok(lab, "DELETE", "/v2.0/floatingips/" + fip["id"])
    api_ok(lab, "PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
           {"subnet_id": topo["sub"]["id"]})
    api_ok(lab, "DELETE", "/v2.0/routers/" + rid)
    wait_for(lambda: "qrouter-" + rid not in routers_on_n1(lab), timeout=15,
             what="qrouter-%s gone" % rid)
    left = {name for name in node_links(lab) if any(p[:11] in name for p in ports)}
    assert not left, left
    rules = "\n".join(node_iptables(lab))
    assert "neutrino-l3" not in rules
    assert not [p for p in ports if p[:10] in rules]

    # With the instance and its network gone too, n1 is as it was, but for ext-net's
    # bridge (kept while ext-net exists, as Neutron's agent keeps a network's bridge).
    lab.remove_instance("dvm")
    api_ok(lab, "DELETE", "/v2.0/ports/" + topo["vm"]["port"]["id"])
    api_ok(lab, "DELETE", "/v2.0/networks/" + topo["net"]["id"])
    wait_for(lambda: node_links(lab) - links_before <= {"brq" + ext_id[:11]}, timeout=10,
             what="n1's links as before: %s" % (node_links(lab) - links_before))
    assert node_iptables(lab) == rules_before
