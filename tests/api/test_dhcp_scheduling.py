"""DHCP agents from the server's side (docs/behaviour/agents.md §B.2-B.3,
docs/behaviour/api.md §11, docs/behaviour/ml2.md §6): scheduling of networks with DHCP
subnets, the dhcp_agent_scheduler extension, the DHCP port the server makes for an
agent, provisioning blocks, failover off dead agents, and the DHCP agent's change feed.
Agents are played by HTTP calls here; tests/agent/test_dhcp.py runs the real
neutrino-dhcp-agent with dnsmasq."""

import time
import uuid

import pytest
import requests

from api_helpers import assert_error, uname
from test_agents import FakeAgent

pytestmark = pytest.mark.own_server

DHCP = "DHCP agent"


class FakeDhcpAgent:
    """Speaks the DHCP agent's part of the agent API."""

    def __init__(self, url, host, az="nova"):
        self.url = url
        self.host = host
        self.az = az

    def call(self, method, path, **kw):
        return requests.request(method, self.url + "/agent/v1/" + path, timeout=90, **kw)

    def report(self, start=False):
        state = {"agent_type": DHCP, "binary": "neutron-dhcp-agent", "host": self.host,
                 "topic": "dhcp_agent", "availability_zone": self.az,
                 "configurations": {"dhcp_driver": "neutron.agent.linux.dhcp.Dnsmasq",
                                    "networks": 0, "subnets": 0, "ports": 0}}
        if start:
            state["start_flag"] = True
        r = self.call("POST", "report", json={"agent": state})
        assert r.status_code == 200, r.text
        return r.json()

    def sync(self):
        r = self.call("POST", "dhcp/sync", json={"host": self.host})
        assert r.status_code == 200, r.text
        return r.json()

    def network(self, net_id):
        r = self.call("POST", "dhcp/network", json={"host": self.host, "network_id": net_id})
        assert r.status_code == 200, r.text
        return r.json()

    def ports(self, net_id, ids):
        r = self.call("POST", "dhcp/ports",
                      json={"host": self.host, "network_id": net_id, "ids": ids})
        assert r.status_code == 200, r.text
        return r.json()["ports"]

    def ready(self, ids):
        r = self.call("POST", "dhcp/ready", json={"host": self.host, "ports": ids})
        assert r.status_code == 200, r.text
        return r.json()

    def changes(self, after, wait=0):
        r = self.call("GET", "changes", params={"host": self.host, "after": after,
                                                "wait": wait, "agent": "dhcp"})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-dhcp"), {
        "neutron.conf": {"DEFAULT": {"agent_down_time": "2",
                                     "dhcp_agents_per_network": "1"}}})
    s.start()
    yield s
    check_clean_exit(s, s.stop())


def api(srv, method, path, body=None, **kw):
    return requests.request(method, srv.url + path, json=body, timeout=30, **kw)


def node(srv, az="nova"):
    """A host with a linux-bridge agent (local networks) and a DHCP agent, both alive."""
    host = uname("node")
    lb = FakeAgent(srv.url, host)
    lb.report(start=True)
    dhcp = FakeDhcpAgent(srv.url, host, az)
    dhcp.report(start=True)
    return lb, dhcp


def dhcp_agent_id(srv, host):
    r = api(srv, "GET", "/v2.0/agents", params={"agent_type": DHCP, "host": host})
    [agent] = r.json()["agents"]
    return agent["id"]


def network_with_subnet(srv, cidr="172.16.1.0/24", **subnet):
    net = api(srv, "POST", "/v2.0/networks", {"network": {"name": uname("net")}}).json()["network"]
    body = {"network_id": net["id"], "cidr": cidr, "ip_version": 4}
    body.update(subnet)
    r = api(srv, "POST", "/v2.0/subnets", {"subnet": body})
    assert r.status_code == 201, r.text
    return net, r.json()["subnet"]


def hosts_of(srv, net_id):
    r = api(srv, "GET", "/v2.0/networks/%s/dhcp-agents" % net_id)
    assert r.status_code == 200, r.text
    return sorted(a["host"] for a in r.json()["agents"])


def expected_device_id(host, net_id):
    return "dhcp%s-%s" % (uuid.uuid5(uuid.NAMESPACE_DNS, host.split(".")[0]), net_id)


@pytest.fixture
def fresh(srv):
    """Stops every DHCP agent registered so far from being chosen: each test makes its
    own, and the scheduler takes the least loaded alive one."""
    for a in api(srv, "GET", "/v2.0/agents", params={"agent_type": DHCP}).json()["agents"]:
        api(srv, "PUT", "/v2.0/agents/" + a["id"], {"agent": {"admin_state_up": False}})
    return srv


def test_extension_is_listed(srv):
    aliases = [e["alias"] for e in api(srv, "GET", "/v2.0/extensions").json()["extensions"]]
    assert "dhcp_agent_scheduler" in aliases


def test_subnet_schedules_network_and_agent_gets_its_port(fresh):
    srv = fresh
    lb, dhcp = node(srv)
    before = dhcp.sync()["seq"]
    net, subnet = network_with_subnet(srv)
    assert hosts_of(srv, net["id"]) == [dhcp.host]
    agent_id = dhcp_agent_id(srv, dhcp.host)
    nets = api(srv, "GET", "/v2.0/agents/%s/dhcp-networks" % agent_id).json()["networks"]
    assert [n["id"] for n in nets] == [net["id"]]
    # The network shows where it is served.
    shown = api(srv, "GET", "/v2.0/networks/" + net["id"]).json()["network"]
    assert shown["availability_zones"] == ["nova"]
    # The agent hears of it on its own feed...
    kinds = {(c["kind"], c["network_id"]) for c in dhcp.changes(before)["changes"]}
    assert ("dhcp_network", net["id"]) in kinds
    # ...and the linux-bridge agent on that host does not.
    lb_kinds = [c["kind"] for c in lb.changes(before)["changes"]]
    assert "dhcp_network" not in lb_kinds
    assert net["id"] in dhcp.sync()["networks"]

    info = dhcp.network(net["id"])
    assert info["hosted"] and info["serve"]
    port = info["dhcp_port"]
    assert port["device_owner"] == "network:dhcp"
    assert port["device_id"] == expected_device_id(dhcp.host, net["id"])
    assert port["binding_host_id"] == dhcp.host
    assert port["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "172.16.1.2"}]
    assert info["subnets"][0]["gateway_ip"] == "172.16.1.1"
    assert info["network"]["mtu"] == 1500
    # Asking again reuses the port.
    assert dhcp.network(net["id"])["dhcp_port"]["id"] == port["id"]
    shown = api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]
    assert shown["binding:vif_type"] == "bridge"


def test_network_without_dhcp_subnet_is_not_scheduled(fresh):
    srv = fresh
    node(srv)
    net, _ = network_with_subnet(srv, enable_dhcp=False)
    assert hosts_of(srv, net["id"]) == []
    # Enabling DHCP schedules it.
    subnet_id = api(srv, "GET", "/v2.0/networks/" + net["id"]).json()["network"]["subnets"][0]
    r = api(srv, "PUT", "/v2.0/subnets/" + subnet_id, {"subnet": {"enable_dhcp": True}})
    assert r.status_code == 200, r.text
    assert len(hosts_of(srv, net["id"])) == 1


def test_dhcp_disabled_releases_port(fresh):
    srv = fresh
    _, dhcp = node(srv)
    net, subnet = network_with_subnet(srv)
    port = dhcp.network(net["id"])["dhcp_port"]
    api(srv, "PUT", "/v2.0/subnets/" + subnet["id"], {"subnet": {"enable_dhcp": False}})
    info = dhcp.network(net["id"])
    assert info["hosted"] and not info["serve"]
    assert api(srv, "GET", "/v2.0/ports/" + port["id"]).status_code == 404


def test_port_waits_for_both_agents(fresh):
    srv = fresh
    lb, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    dhcp.network(net["id"])
    port = api(srv, "POST", "/v2.0/ports", {"port": {
        "network_id": net["id"], "device_owner": "compute:nova", "device_id": uname("vm"),
        "binding:host_id": lb.host}}).json()["port"]
    dev = "tap" + port["id"][:11]
    lb.details(dev)
    lb.status(up=[dev])
    status = api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"]
    assert status == "BUILD"            # The DHCP agent has not confirmed it yet.
    assert dhcp.ready([port["id"]])["ready"] == 1
    status = api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"]
    assert status == "ACTIVE"


def test_dhcp_ready_first_then_device_up(fresh):
    srv = fresh
    lb, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    dhcp.network(net["id"])
    port = api(srv, "POST", "/v2.0/ports", {"port": {
        "network_id": net["id"], "device_owner": "compute:nova", "device_id": uname("vm"),
        "binding:host_id": lb.host}}).json()["port"]
    dhcp.ready([port["id"]])
    assert api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"] == "DOWN"
    dev = "tap" + port["id"][:11]
    lb.details(dev)
    lb.status(up=[dev])
    assert api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"] == "ACTIVE"


def test_dhcp_ready_does_not_activate_unwired_ports(fresh):
    srv = fresh
    lb, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    port = dhcp.network(net["id"])["dhcp_port"]
    dhcp.ready([port["id"]])
    assert api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"] == "DOWN"


def test_port_changes_reach_the_dhcp_agent(fresh):
    srv = fresh
    _, dhcp = node(srv)
    net, subnet = network_with_subnet(srv)
    dhcp.network(net["id"])
    seq = dhcp.changes(0)["seq"]
    port = api(srv, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    r = api(srv, "PUT", "/v2.0/ports/" + port["id"], {"port": {"fixed_ips": [
        {"subnet_id": subnet["id"], "ip_address": "172.16.1.77"}]}})
    assert r.status_code == 200, r.text
    api(srv, "DELETE", "/v2.0/ports/" + port["id"])
    heard = [c for c in dhcp.changes(seq)["changes"] if c["kind"] == "dhcp_port"]
    assert [c["id"] for c in heard] == [port["id"]] * 3
    assert dhcp.ports(net["id"], [port["id"]]) == []


def test_ports_lookup_returns_current_state(fresh):
    srv = fresh
    _, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    port = api(srv, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    [got] = dhcp.ports(net["id"], [port["id"], str(uuid.uuid4())])
    assert got["mac_address"] == port["mac_address"]
    assert got["fixed_ips"] == port["fixed_ips"]
    # A port of another network is not returned for this one.
    other, _ = network_with_subnet(srv, cidr="10.9.0.0/24")
    assert dhcp.ports(other["id"], [port["id"]]) == []


def test_extra_dhcp_opts_reach_the_dhcp_agent(fresh):
    """A change of a port's extra DHCP options is a port change for the DHCP agents, and
    the port's details carry the options as the API shows them (agents.md §B.6)."""
    srv = fresh
    _, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    port = api(srv, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    dhcp.network(net["id"])
    seq = dhcp.changes(0)["seq"]
    opts = [{"opt_name": "tftp-server", "opt_value": "192.0.2.9"}]
    r = api(srv, "PUT", "/v2.0/ports/" + port["id"], {"port": {"extra_dhcp_opts": opts}})
    assert r.status_code == 200, r.text
    heard = [c for c in dhcp.changes(seq)["changes"] if c["kind"] == "dhcp_port"]
    assert [c["id"] for c in heard] == [port["id"]]
    [got] = dhcp.ports(net["id"], [port["id"]])
    assert got["extra_dhcp_opts"] == [dict(opts[0], ip_version=4)]
    served = {p["id"]: p for p in dhcp.network(net["id"])["ports"]}
    assert served[port["id"]]["extra_dhcp_opts"] == got["extra_dhcp_opts"]


def test_admin_remove_and_add_keeps_the_address(fresh):
    srv = fresh
    _, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    agent_id = dhcp_agent_id(srv, dhcp.host)
    port = dhcp.network(net["id"])["dhcp_port"]
    r = api(srv, "DELETE", "/v2.0/agents/%s/dhcp-networks/%s" % (agent_id, net["id"]))
    assert r.status_code == 204, r.text
    assert_error(api(srv, "DELETE", "/v2.0/agents/%s/dhcp-networks/%s" % (agent_id, net["id"])),
                 409, "NetworkNotHostedByDhcpAgent",
                 "The network %s is not hosted by the DHCP Agent %s." % (net["id"], agent_id))
    kept = api(srv, "GET", "/v2.0/ports/" + port["id"]).json()["port"]
    assert kept["device_id"] == "reserved_dhcp_port"
    assert not dhcp.network(net["id"])["hosted"]
    r = api(srv, "POST", "/v2.0/agents/%s/dhcp-networks" % agent_id, {"network_id": net["id"]})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json" and r.json() is None
    assert_error(api(srv, "POST", "/v2.0/agents/%s/dhcp-networks" % agent_id,
                     {"network_id": net["id"]}),
                 409, "NetworkHostedByDHCPAgent",
                 "The network %s has been already hosted by the DHCP Agent %s."
                 % (net["id"], agent_id))
    again = dhcp.network(net["id"])["dhcp_port"]
    assert again["id"] == port["id"]
    assert again["fixed_ips"] == port["fixed_ips"]
    assert again["device_id"] == expected_device_id(dhcp.host, net["id"])


def test_scheduler_errors(fresh):
    srv = fresh
    lb, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    lb_id = api(srv, "GET", "/v2.0/agents", params={"agent_type": "Linux bridge agent",
                                                     "host": lb.host}).json()["agents"][0]["id"]
    assert_error(api(srv, "POST", "/v2.0/agents/%s/dhcp-networks" % lb_id,
                     {"network_id": net["id"]}),
                 404, "InvalidDHCPAgent",
                 "Agent %s is not a valid DHCP Agent or has been disabled." % lb_id)
    agent_id = dhcp_agent_id(srv, dhcp.host)
    missing = str(uuid.uuid4())
    assert_error(api(srv, "POST", "/v2.0/agents/%s/dhcp-networks" % agent_id,
                     {"network_id": missing}),
                 404, "NetworkNotFound", "Network %s could not be found." % missing)
    assert_error(api(srv, "GET", "/v2.0/networks/%s/dhcp-agents" % missing),
                 404, "NetworkNotFound", "Network %s could not be found." % missing)
    assert_error(api(srv, "GET", "/v2.0/agents/%s/dhcp-networks" % missing),
                 404, "AgentNotFound", "Agent %s could not be found." % missing)
    r = api(srv, "POST", "/v2.0/agents/%s/dhcp-networks" % agent_id, {"bogus": 1})
    assert r.status_code == 400
    # Members see none of it.
    member = {"X-Project-Id": uname("p"), "X-Roles": "member"}
    r = api(srv, "GET", "/v2.0/networks/%s/dhcp-agents" % net["id"], headers=member)
    assert r.status_code == 404
    r = api(srv, "POST", "/v2.0/agents/%s/dhcp-networks" % agent_id,
            {"network_id": net["id"]}, headers=member)
    assert r.status_code == 404


def test_agent_api_validates_bodies(srv):
    for path, body in [("dhcp/sync", {}), ("dhcp/network", {"host": "h"}),
                       ("dhcp/ports", {"host": "h", "network_id": "x", "ids": "no"}),
                       ("dhcp/ready", {"host": "h", "ports": [1]}),
                       ("dhcp/ready", {"host": "h"})]:
        r = requests.post(srv.url + "/agent/v1/" + path, json=body, timeout=10)
        assert r.status_code in (400, 404), (path, r.text)
    r = requests.post(srv.url + "/agent/v1/dhcp/sync", data="{", timeout=10)
    assert r.status_code == 400
    r = requests.post(srv.url + "/agent/v1/dhcp/sync", json={"host": uname("nobody")},
                      timeout=10)
    assert r.status_code == 404


def test_two_agents_per_network_and_failover(srv, tmp_path_factory):
    from conftest import NeutrinoServer, check_clean_exit
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-dhcp2"), {
        "neutron.conf": {"DEFAULT": {"agent_down_time": "1", "dhcp_agents_per_network": "2"}}})
    s.start()
    try:
        nodes = [node(s) for _ in range(3)]
        net, _ = network_with_subnet(s)
        hosting = hosts_of(s, net["id"])
        assert len(hosting) == 2
        ports = {}
        for _, d in nodes:
            if d.host in hosting:
                ports[d.host] = d.network(net["id"])["dhcp_port"]
        addrs = sorted(p["fixed_ips"][0]["ip_address"] for p in ports.values())
        assert addrs == ["172.16.1.2", "172.16.1.3"]
        # One hosting agent goes silent; the others keep reporting.  The network leaves
        # the dead agent on one report and reaches the third on a report of its own,
        # which may come later (on a slow machine the third may itself count as down
        # for a moment), so wait for both.
        dead = hosting[0]
        deadline = time.time() + 10
        now = hosting
        while time.time() < deadline and (dead in now or len(now) < 2):
            for lb, d in nodes:
                if d.host != dead:
                    lb.report()
                    d.report()
            time.sleep(0.3)
            now = hosts_of(s, net["id"])
        assert dead not in now and len(now) == 2
        # The dead agent's port waits, reserved, and the new agent takes it over.
        new = [h for h in now if h not in hosting][0]
        reserved = api(s, "GET", "/v2.0/ports/" + ports[dead]["id"]).json()["port"]
        assert reserved["device_id"] == "reserved_dhcp_port"
        taker = [d for _, d in nodes if d.host == new][0]
        took = taker.network(net["id"])["dhcp_port"]
        assert took["id"] == ports[dead]["id"]
        assert took["binding_host_id"] == new
    finally:
        check_clean_exit(s, s.stop())


def test_failover_needs_no_report_and_a_report_brings_the_network_back(fresh):
    """Failover runs on the server's own timer: the network leaves an agent silent for
    twice agent_down_time though no agent reports at all, and the agent going down is
    logged.  The agent reporting again is what schedules it back (networks short of
    agents go to an agent that reports)."""
    srv = fresh
    lb, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    assert hosts_of(srv, net["id"]) == [dhcp.host]
    deadline = time.time() + 15
    while time.time() < deadline and hosts_of(srv, net["id"]):
        time.sleep(0.3)
    assert hosts_of(srv, net["id"]) == []
    log = srv.log_path.read_text(errors="replace")
    assert ("moving network %s off the DHCP agent on %s" % (net["id"], dhcp.host)) in log
    assert ("agent DHCP agent on host %s is down" % dhcp.host) in log
    lb.report()
    dhcp.report()
    assert hosts_of(srv, net["id"]) == [dhcp.host]


def test_network_update_reaches_hosting_agent(fresh):
    srv = fresh
    _, dhcp = node(srv)
    net, _ = network_with_subnet(srv)
    seq = dhcp.changes(0)["seq"]
    r = api(srv, "PUT", "/v2.0/networks/" + net["id"], {"network": {"admin_state_up": False}})
    assert r.status_code == 200, r.text
    kinds = [(c["kind"], c["id"]) for c in dhcp.changes(seq)["changes"]]
    assert ("dhcp_network", net["id"]) in kinds
    # An admin-down network is not served: the agent's port goes.
    info = dhcp.network(net["id"])
    assert info["hosted"] and not info["serve"]
