"""neutrino-dhcp-agent with dnsmasq in the namespace lab (agents.md §B, the issue's
tests): instances get exactly their port's address and options by DHCP (busybox
udhcpc, as cirros), DHCP disabled means no lease, a changed address is the next
lease, a killed dnsmasq comes back, two agents serve one network and one survives the
other, a deleted network leaves nothing behind, a restarted agent adopts its dnsmasq,
and an instance on the compute node of a local network gets no lease."""

import signal
import time
import uuid

import pytest

from dhcp_lab import DhcpNodes
from lab import sh, wait_for

pytestmark = pytest.mark.own_server


@pytest.fixture(scope="module")
def dhcp(lab):
    d = DhcpNodes(lab)
    try:
        d.start("n1")
        yield d
    finally:
        problems = d.cleanup()
        for node in ("n1", "n2"):
            text = d.log(node)
            for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
                if mark in text:
                    problems.append("sanitizer report in DHCP agent %s log" % node)
        assert not problems, problems


def dhcp_network(lab, cidr, net_attrs=None, **subnet):
    net = lab.create("network", name="dnet-" + uuid.uuid4().hex[:6], **(net_attrs or {}))
    sub = lab.create("subnet", network_id=net["id"], cidr=cidr, ip_version=4, **subnet)
    return net, sub


def dhcp_ports(lab, net_id):
    r = lab.api("GET", "/v2.0/ports", params={"network_id": net_id,
                                              "device_owner": "network:dhcp"})
    return r.json()["ports"]


def wait_dhcp_port(lab, net_id, count=1):
    def ready():
        ports = dhcp_ports(lab, net_id)
        return ports if len(ports) == count and all(p["status"] == "ACTIVE" for p in ports) \
            else None
    return wait_for(ready, timeout=20, what="DHCP port(s) of %s ACTIVE" % net_id)


def test_instances_get_their_port_address_and_options(lab, dhcp):
    net, sub = dhcp_network(lab, "172.16.1.0/24", dns_nameservers=["192.0.2.53"],
                            host_routes=[{"destination": "10.99.0.0/16",
                                          "nexthop": "172.16.1.254"}])
    [dport] = wait_dhcp_port(lab, net["id"])
    # The DHCP port, as Neutron makes it (agents.md §B.3).
    assert dport["fixed_ips"] == [{"subnet_id": sub["id"], "ip_address": "172.16.1.2"}]
    assert dport["binding:host_id"] == lab.host("n1")
    assert dport["device_id"] == "dhcp%s-%s" % (
        uuid.uuid5(uuid.NAMESPACE_DNS, lab.host("n1").split(".")[0]), net["id"])
    bridge = "brq" + net["id"][:11]
    assert lab.bridge_members("n1", bridge) == ["tap" + dport["id"][:11]]
    assert dhcp.qdhcp_namespaces("n1") == ["qdhcp-" + net["id"]] or \
        "qdhcp-" + net["id"] in dhcp.qdhcp_namespaces("n1")
    agents = lab.api("GET", "/v2.0/networks/%s/dhcp-agents" % net["id"]).json()["agents"]
    assert [a["host"] for a in agents] == [lab.host("n1")]
    assert lab.api("GET", "/v2.0/networks/" + net["id"]).json()["network"][
        "availability_zones"] == ["nova"]

    vm1 = dhcp.instance("vm1", "n1", net)
    vm2 = dhcp.instance("vm2", "n1", net)
    l1 = dhcp.lease("vm1")
    l2 = dhcp.lease("vm2")
    assert l1 and l2, dhcp.dnsmasq_log("n1", net["id"])[-2000:]
    assert l1["ip"] == vm1["port"]["fixed_ips"][0]["ip_address"] == "172.16.1.3"
    assert l2["ip"] == vm2["port"]["fixed_ips"][0]["ip_address"] == "172.16.1.4"
    assert l1["mask"] == "24"
    assert l1["router"] == "172.16.1.1"
    assert l1["dns"] == "192.0.2.53"
    assert l1["mtu"] == "1500"
    assert l1["lease"] == "86400"
    assert l1["serverid"] == "172.16.1.2"
    # Option 121: the host route, then the default route through the gateway.
    assert l1["staticroutes"].split() == ["10.99.0.0/16", "172.16.1.254", "0.0.0.0/0",
                                          "172.16.1.1"]
    assert lab.ping("vm2", "172.16.1.3")
    for inst in (vm1, vm2):
        wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE",
                 what="instance port ACTIVE")


def test_dhcp_disabled_gives_no_lease(lab, dhcp):
    net, _ = dhcp_network(lab, "172.16.2.0/24", enable_dhcp=False)
    dhcp.instance("nodhcp", "n1", net)
    assert dhcp.lease("nodhcp", tries=3) is None
    assert dhcp_ports(lab, net["id"]) == []
    assert lab.api("GET", "/v2.0/networks/%s/dhcp-agents" % net["id"]).json()["agents"] == []


def test_changed_fixed_ip_is_the_next_lease(lab, dhcp):
    net, sub = dhcp_network(lab, "172.16.3.0/24")
    wait_dhcp_port(lab, net["id"])
    inst = dhcp.instance("moved", "n1", net)
    assert dhcp.lease("moved")["ip"] == "172.16.3.3"
    r = lab.api("PUT", "/v2.0/ports/" + inst["port"]["id"], {"port": {"fixed_ips": [
        {"subnet_id": sub["id"], "ip_address": "172.16.3.50"}]}})
    assert r.status_code == 200, r.text
    lease = wait_for(lambda: (dhcp.lease("moved", tries=2) or {}).get("ip") == "172.16.3.50",
                     timeout=20, what="lease of the new address")
    assert lease
    # The freed address goes to a new port, and dnsmasq gives it at once (the old
    # lease was released).
    other = dhcp.instance("reuse", "n1", net)
    assert other["port"]["fixed_ips"][0]["ip_address"] == "172.16.3.3"
    assert dhcp.lease("reuse")["ip"] == "172.16.3.3"


def test_killed_dnsmasq_is_restarted(lab, dhcp):
    net, _ = dhcp_network(lab, "172.16.4.0/24")
    wait_dhcp_port(lab, net["id"])
    [pid] = wait_for(lambda: dhcp.dnsmasq_pids("n1", net["id"]), what="dnsmasq")
    import os
    os.kill(pid, signal.SIGKILL)
    new = wait_for(lambda: [p for p in dhcp.dnsmasq_pids("n1", net["id"]) if p != pid],
                   timeout=5, what="a new dnsmasq")
    assert len(new) == 1
    dhcp.instance("afterkill", "n1", net)
    assert dhcp.lease("afterkill")["ip"] == "172.16.4.3"


def test_network_deleted_leaves_nothing(lab, dhcp):
    net, _ = dhcp_network(lab, "172.16.5.0/24")
    wait_dhcp_port(lab, net["id"])
    wait_for(lambda: dhcp.dnsmasq_pids("n1", net["id"]), what="dnsmasq")
    assert lab.api("DELETE", "/v2.0/networks/" + net["id"]).status_code == 204
    wait_for(lambda: not dhcp.dnsmasq_pids("n1", net["id"]), what="dnsmasq stopped")
    wait_for(lambda: "qdhcp-" + net["id"] not in dhcp.qdhcp_namespaces("n1"),
             what="namespace removed")
    wait_for(lambda: not dhcp.conf_dir("n1", net["id"]).exists(), what="files removed")
    wait_for(lambda: "brq" + net["id"][:11] not in lab.links("n1"), what="bridge removed")


def test_dhcp_disabled_later_stops_serving(lab, dhcp):
    net, sub = dhcp_network(lab, "172.16.6.0/24")
    [dport] = wait_dhcp_port(lab, net["id"])
    r = lab.api("PUT", "/v2.0/subnets/" + sub["id"], {"subnet": {"enable_dhcp": False}})
    assert r.status_code == 200, r.text
    wait_for(lambda: not dhcp.dnsmasq_pids("n1", net["id"]), what="dnsmasq stopped")
    wait_for(lambda: "qdhcp-" + net["id"] not in dhcp.qdhcp_namespaces("n1"),
             what="namespace removed")
    assert lab.api("GET", "/v2.0/ports/" + dport["id"]).status_code == 404


def test_restarted_agent_adopts_dnsmasq(lab, dhcp):
    net, _ = dhcp_network(lab, "172.16.7.0/24")
    wait_dhcp_port(lab, net["id"])
    [pid] = wait_for(lambda: dhcp.dnsmasq_pids("n1", net["id"]), what="dnsmasq")
    assert dhcp.stop("n1") == 0
    # dnsmasq keeps serving while the agent is away...
    assert dhcp.dnsmasq_pids("n1", net["id"]) == [pid]
    port = lab.create("port", network_id=net["id"])     # ...and this waits for the agent.
    dhcp.start("n1")
    wait_for(lambda: port["mac_address"] in
             (dhcp.conf_dir("n1", net["id"]) / "host").read_text(), what="host entry")
    assert dhcp.dnsmasq_pids("n1", net["id"]) == [pid]
    assert "adopted dnsmasq" in dhcp.log("n1")
    dhcp.instance("adopted", "n1", net)
    assert dhcp.lease("adopted")["ip"] == "172.16.7.4"


def test_compute_node_local_network_gets_no_lease(lab, dhcp):
    """The tutorial's question (§6): a local network's DHCP server is on the
    controller; an instance scheduled on the compute node is on another bridge."""
    net, _ = dhcp_network(lab, "172.16.8.0/24")
    wait_dhcp_port(lab, net["id"])
    dhcp.instance("oncompute", "n2", net)
    assert dhcp.lease("oncompute", tries=3) is None


def test_two_dhcp_agents_serve_and_one_survives(lab, dhcp):
    dhcp.start("n2")
    net, _ = dhcp_network(lab, "172.16.9.0/24", net_attrs={"provider:network_type": "vxlan",
                                                              "provider:segmentation_id": 1009})
    [first] = wait_dhcp_port(lab, net["id"])
    n2_agent = dhcp.record("n2")
    r = lab.api("POST", "/v2.0/agents/%s/dhcp-networks" % n2_agent["id"],
                {"network_id": net["id"]})
    if r.status_code == 409:     # The scheduler picked n2 first: add n1 instead.
        r = lab.api("POST", "/v2.0/agents/%s/dhcp-networks" % dhcp.record("n1")["id"],
                    {"network_id": net["id"]})
    assert r.status_code == 201, r.text
    ports = wait_dhcp_port(lab, net["id"], count=2)
    assert sorted(p["fixed_ips"][0]["ip_address"] for p in ports) == ["172.16.9.2",
                                                                      "172.16.9.3"]
    assert sorted(p["binding:host_id"] for p in ports) == sorted([lab.host("n1"),
                                                                  lab.host("n2")])
    dhcp.instance("both", "n1", net)
    lease = dhcp.lease("both")
    assert lease["ip"] == "172.16.9.4"
    # One node's DHCP dies (agent and dnsmasq): the other keeps serving.
    dhcp.kill_node("n2")
    dhcp.instance("survivor", "n1", net)
    lease = dhcp.lease("survivor")
    assert lease and lease["ip"] == "172.16.9.5"
    assert lease["serverid"] in ("172.16.9.2", "172.16.9.3")
