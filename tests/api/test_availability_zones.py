"""Availability zones (docs/behaviour/agents.md "Availability zones", docs/behaviour/api.md
§11): the zone list made from the agents' reports, networks' and routers'
availability_zone_hints checked against the DHCP and L3 agents' zones (and [DEFAULT]
default_availability_zones when they ask for none), DHCP and router scheduling kept
within the hinted zones and, with the zone-aware drivers, spread over them.  Agents are
played by HTTP calls."""

import uuid

import pytest
import requests

from api_helpers import assert_error, uname
from test_agents import FakeAgent
from test_dhcp_scheduling import FakeDhcpAgent

pytestmark = pytest.mark.own_server

L3 = "L3 agent"
# Every network created without hints takes this zone; the fixture registers a DHCP
# agent in it (admin-down, so it serves nothing) once the first test has seen the
# zone refused while no agent reports it.
DEFAULT_ZONE = "az-default"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-az"), {
        "neutron.conf": {"DEFAULT": {
            "agent_down_time": "30", "dhcp_agents_per_network": "2",
            "max_l3_agents_per_router": "2",
            "default_availability_zones": " %s ," % DEFAULT_ZONE,
            "network_scheduler_driver":
                "neutron.scheduler.dhcp_agent_scheduler.AZAwareWeightScheduler",
            "router_scheduler_driver":
                "neutron.scheduler.l3_agent_scheduler.AZLeastRoutersScheduler"}}})
    s.start()
    yield s
    check_clean_exit(s, s.stop())


def api(srv, method, path, body=None, **kw):
    return requests.request(method, srv.url + path, json=body, timeout=30, **kw)


def member():
    return {"X-Project-Id": uname("p"), "X-Roles": "member"}


def dhcp_node(srv, zone, host=None, admin_up=True):
    """A host with a linux-bridge agent and a DHCP agent reporting 'zone'."""
    host = host or uname("node")
    FakeAgent(srv.url, host).report(start=True)
    dhcp = FakeDhcpAgent(srv.url, host, zone)
    dhcp.report(start=True)
    if not admin_up:
        set_admin_state(srv, dhcp.host, "DHCP agent", False)
    return dhcp


def l3_agent(srv, zone, host=None):
    """A host with a linux-bridge agent and an L3 agent reporting 'zone'."""
    host = host or uname("l3")
    FakeAgent(srv.url, host).report(start=True)
    state = {"agent_type": L3, "binary": "neutron-l3-agent", "host": host,
             "topic": "l3_agent", "availability_zone": zone, "start_flag": True,
             "configurations": {"agent_mode": "legacy", "routers": 0}}
    r = requests.post(srv.url + "/agent/v1/report", json={"agent": state}, timeout=30)
    assert r.status_code == 200, r.text
    return host


def agent_of(srv, host, agent_type):
    r = api(srv, "GET", "/v2.0/agents", params={"agent_type": agent_type, "host": host})
    [agent] = r.json()["agents"]
    return agent


def set_admin_state(srv, host, agent_type, up):
    r = api(srv, "PUT", "/v2.0/agents/" + agent_of(srv, host, agent_type)["id"],
            {"agent": {"admin_state_up": up}})
    assert r.status_code == 200, r.text


def zones(srv, **params):
    r = api(srv, "GET", "/v2.0/availability_zones", params=params)
    assert r.status_code == 200, r.text
    return r.json()["availability_zones"]


def create_network(srv, headers=None, **attrs):
    attrs.setdefault("name", uname("net"))
    return api(srv, "POST", "/v2.0/networks", {"network": attrs}, headers=headers)


def network_with_subnet(srv, hints):
    r = create_network(srv, availability_zone_hints=hints)
    assert r.status_code == 201, r.text
    net = r.json()["network"]
    r = api(srv, "POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "172.18.0.0/24", "ip_version": 4}})
    assert r.status_code == 201, r.text
    return net


def hosts_of(srv, net_id):
    r = api(srv, "GET", "/v2.0/networks/%s/dhcp-agents" % net_id)
    assert r.status_code == 200, r.text
    return sorted(a["host"] for a in r.json()["agents"])


@pytest.fixture(scope="module")
def default_zone(srv):
    """Agents of both kinds in the default zone, set down: they serve nothing."""
    dhcp = dhcp_node(srv, DEFAULT_ZONE, admin_up=False)
    set_admin_state(srv, l3_agent(srv, DEFAULT_ZONE), L3, False)
    return dhcp


def test_default_zone_must_exist_then_is_kept_as_the_hint(srv):
    # Run first in the module: no agent reports the configured default zone yet.
    if any(z["name"] == DEFAULT_ZONE for z in zones(srv)):
        pytest.skip("the default zone is already registered")
    r = create_network(srv)
    assert_error(r, 404, "AvailabilityZoneNotFound",
                 "AvailabilityZone %s could not be found." % DEFAULT_ZONE)
    dhcp_node(srv, DEFAULT_ZONE, admin_up=False)
    r = create_network(srv)
    assert r.status_code == 201, r.text
    net = r.json()["network"]
    assert net["availability_zone_hints"] == [DEFAULT_ZONE]
    assert net["availability_zones"] == []
    api(srv, "DELETE", "/v2.0/networks/" + net["id"])
    # Routers: the zone must be an L3 agent's.
    r = api(srv, "POST", "/v2.0/routers", {"router": {"name": uname("r")}})
    assert_error(r, 404, "AvailabilityZoneNotFound",
                 "AvailabilityZone %s could not be found." % DEFAULT_ZONE)
    set_admin_state(srv, l3_agent(srv, DEFAULT_ZONE), L3, False)
    r = api(srv, "POST", "/v2.0/routers", {"router": {"name": uname("r")}})
    assert r.status_code == 201, r.text
    assert r.json()["router"]["availability_zone_hints"] == [DEFAULT_ZONE]
    api(srv, "DELETE", "/v2.0/routers/" + r.json()["router"]["id"])


def test_extensions_are_listed(srv):
    aliases = {e["alias"] for e in api(srv, "GET", "/v2.0/extensions").json()["extensions"]}
    assert {"availability_zone", "availability_zone_filter",
            "network_availability_zone", "router_availability_zone"} <= aliases


def test_zone_list_from_agents(srv, default_zone):
    net_zone, router_zone = uname("aznet"), uname("azrouter")
    up = dhcp_node(srv, net_zone)
    down = dhcp_node(srv, net_zone, admin_up=False)
    l3_host = l3_agent(srv, router_zone)
    listed = zones(srv)
    assert {"name": net_zone, "resource": "network", "state": "available"} in listed
    assert {"name": router_zone, "resource": "router", "state": "available"} in listed
    # The linux-bridge agents report no zone and give none.
    assert all(z["resource"] in ("network", "router") for z in listed)
    # A zone is available while one of its agents is admin-up.
    set_admin_state(srv, up.host, "DHCP agent", False)
    assert {"name": net_zone, "resource": "network", "state": "unavailable"} in zones(srv)
    set_admin_state(srv, down.host, "DHCP agent", True)
    assert {"name": net_zone, "resource": "network", "state": "available"} in zones(srv)
    set_admin_state(srv, l3_host, L3, False)

    # Filters: each key OR'ed over its values, keys AND'ed.
    assert zones(srv, name=router_zone) == [
        {"name": router_zone, "resource": "router", "state": "unavailable"}]
    assert zones(srv, name=router_zone, resource="network") == []
    assert zones(srv, name=[router_zone, net_zone], state="available") == [
        {"name": net_zone, "resource": "network", "state": "available"}]
    assert all(z["resource"] == "router" for z in zones(srv, resource="router"))
    # fields= selects nothing here, as in Zed.
    assert zones(srv, name=net_zone, fields="name") == [
        {"name": net_zone, "resource": "network", "state": "available"}]
    r = api(srv, "GET", "/v2.0/availability_zones", params={"zone": "x", "host": "y"})
    assert_error(r, 400, "HTTPBadRequest",
                 "['zone', 'host'] is invalid attribute for filtering")


def test_zone_list_is_for_admins_under_the_new_defaults(srv, default_zone):
    assert zones(srv)
    r = api(srv, "GET", "/v2.0/availability_zones", headers=member())
    assert r.status_code == 200, r.text
    assert r.json()["availability_zones"] == []


def test_network_hints_are_checked_and_sorted(srv, default_zone):
    za, zb = uname("za"), uname("zb")
    dhcp_node(srv, za)
    dhcp_node(srv, zb)
    l3_zone = uname("zl3")
    l3_agent(srv, l3_zone)
    r = create_network(srv, availability_zone_hints=[zb, za])
    assert r.status_code == 201, r.text
    net = r.json()["network"]
    assert net["availability_zone_hints"] == [za, zb]
    shown = api(srv, "GET", "/v2.0/networks/" + net["id"]).json()["network"]
    assert shown["availability_zone_hints"] == [za, zb]
    # Hints are set at creation only.
    r = api(srv, "PUT", "/v2.0/networks/" + net["id"],
            {"network": {"availability_zone_hints": [za]}})
    assert_error(r, 400, "HTTPBadRequest",
                 "Cannot update read-only attribute availability_zone_hints")
    api(srv, "DELETE", "/v2.0/networks/" + net["id"])
    # A zone only L3 agents report is no network zone.
    r = create_network(srv, availability_zone_hints=[za, l3_zone])
    assert_error(r, 404, "AvailabilityZoneNotFound",
                 "AvailabilityZone %s could not be found." % l3_zone)
    # Each zone once, and the list short enough for Neutron's column (255 characters of
    # JSON as Python writes it): 3 names of 81 fit (255), 3 of 82 do not.
    r = create_network(srv, availability_zone_hints=[za, zb, za])
    assert_error(r, 400, "HTTPBadRequest", "Invalid input for availability_zone_hints."
                 " Reason: Duplicate items in the list: '%s'." % za)
    for n in (81, 82):
        r = create_network(srv, availability_zone_hints=[c * n for c in "xyz"])
        if n == 81:
            assert_error(r, 404, "AvailabilityZoneNotFound")
        else:
            assert_error(r, 400, "InvalidInput", "Invalid input for operation: Too many"
                         " availability_zone_hints specified.")
    r = create_network(srv, availability_zone_hints=["no-such-zone"], headers=member())
    assert_error(r, 404, "AvailabilityZoneNotFound",
                 "AvailabilityZone no-such-zone could not be found.")


def test_dhcp_scheduling_stays_in_the_hinted_zone(srv, default_zone):
    za, zb = uname("za"), uname("zb")
    # The agent of zone B is the busier one: without the hint it would not be chosen.
    a = dhcp_node(srv, za, host="a-" + uname("h"))
    b = dhcp_node(srv, zb, host="b-" + uname("h"))
    busy = network_with_subnet(srv, [zb])
    assert hosts_of(srv, busy["id"]) == [b.host]
    net = network_with_subnet(srv, [zb])
    assert hosts_of(srv, net["id"]) == [b.host]
    shown = api(srv, "GET", "/v2.0/networks/" + net["id"]).json()["network"]
    assert shown["availability_zones"] == [zb]
    assert a.host not in hosts_of(srv, net["id"])
    for n in (busy, net):
        api(srv, "DELETE", "/v2.0/networks/" + n["id"])


def test_dhcp_scheduling_spreads_over_the_hinted_zones(srv, default_zone):
    za, zb = uname("za"), uname("zb")
    # Two idle agents in zone A whose hosts sort first, one in zone B: least-loaded
    # alone would take both of A's; two agents per network go to both zones.
    a1 = dhcp_node(srv, za, host="a1-" + uname("h"))
    a2 = dhcp_node(srv, za, host="a2-" + uname("h"))
    b = dhcp_node(srv, zb, host="zz-" + uname("h"))
    net = network_with_subnet(srv, [za, zb])
    hosts = hosts_of(srv, net["id"])
    assert len(hosts) == 2 and b.host in hosts, hosts
    assert set(hosts) & {a1.host, a2.host}
    shown = api(srv, "GET", "/v2.0/networks/" + net["id"]).json()["network"]
    assert shown["availability_zones"] == sorted([za, zb])
    api(srv, "DELETE", "/v2.0/networks/" + net["id"])


class Project:
    """Routers and networks of a project of its own, removed whatever happens."""

    def __init__(self, srv):
        self.srv = srv
        self.id = uuid.uuid4().hex
        self.routers, self.nets, self.interfaces = [], [], []

    def router(self, **attrs):
        body = {"name": uname("r"), "tenant_id": self.id}
        body.update(attrs)
        r = api(self.srv, "POST", "/v2.0/routers", {"router": body})
        assert r.status_code == 201, r.text
        self.routers.append(r.json()["router"]["id"])
        return r.json()["router"]

    def interface(self, router_id):
        net = api(self.srv, "POST", "/v2.0/networks", {"network": {
            "name": uname("n"), "tenant_id": self.id}}).json()["network"]
        self.nets.append(net["id"])
        r = api(self.srv, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "cidr": "10.9.0.0/24", "ip_version": 4,
            "tenant_id": self.id}})
        assert r.status_code == 201, r.text
        sid = r.json()["subnet"]["id"]
        r = api(self.srv, "PUT", "/v2.0/routers/%s/add_router_interface" % router_id,
                {"subnet_id": sid})
        assert r.status_code == 200, r.text
        self.interfaces.append((router_id, sid))

    def cleanup(self):
        for rid, sid in self.interfaces:
            api(self.srv, "PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
                {"subnet_id": sid})
        for rid in self.routers:
            api(self.srv, "DELETE", "/v2.0/routers/" + rid)
        for nid in self.nets:
            api(self.srv, "DELETE", "/v2.0/networks/" + nid)


@pytest.fixture
def project(srv, default_zone):
    p = Project(srv)
    yield p
    p.cleanup()


def l3_hosts(srv, router_id):
    r = api(srv, "GET", "/v2.0/routers/%s/l3-agents" % router_id)
    assert r.status_code == 200, r.text
    return sorted(a["host"] for a in r.json()["agents"])


def test_router_hints_are_checked_and_sorted(srv, project):
    za, zb = uname("za"), uname("zb")
    l3_agent(srv, za)
    l3_agent(srv, zb)
    net_zone = uname("zn")
    dhcp_node(srv, net_zone)
    router = project.router(availability_zone_hints=[zb, za])
    assert router["availability_zone_hints"] == [za, zb]
    assert router["availability_zones"] == []
    shown = api(srv, "GET", "/v2.0/routers/" + router["id"],
                headers={"X-Project-Id": project.id, "X-Roles": "member"}).json()["router"]
    assert shown["availability_zone_hints"] == [za, zb]
    r = api(srv, "PUT", "/v2.0/routers/" + router["id"],
            {"router": {"availability_zone_hints": [za]}})
    assert_error(r, 400, "HTTPBadRequest",
                 "Cannot update read-only attribute availability_zone_hints")
    # A zone only DHCP agents report is no router zone.
    r = api(srv, "POST", "/v2.0/routers", {"router": {
        "name": uname("r"), "availability_zone_hints": [net_zone]}})
    assert_error(r, 404, "AvailabilityZoneNotFound",
                 "AvailabilityZone %s could not be found." % net_zone)
    r = api(srv, "POST", "/v2.0/routers", {"router": {
        "name": uname("r"), "availability_zone_hints": "x"}})
    assert_error(r, 400, "HTTPBadRequest")


def test_router_is_scheduled_in_its_zone(srv, project):
    za, zb = uname("za"), uname("zb")
    # Zone A's agent hosts nothing and its host sorts first: only the hint keeps the
    # router off it.
    l3_agent(srv, za, host="a-" + uname("h"))
    b_host = l3_agent(srv, zb, host="zz-" + uname("h"))
    busy = project.router(availability_zone_hints=[zb])
    project.interface(busy["id"])
    router = project.router(availability_zone_hints=[zb])
    project.interface(router["id"])
    assert l3_hosts(srv, router["id"]) == [b_host]
    shown = api(srv, "GET", "/v2.0/routers/" + router["id"]).json()["router"]
    assert shown["availability_zones"] == [zb]


def test_ha_router_is_spread_over_its_zones(srv, project):
    za, zb = uname("za"), uname("zb")
    # Two idle agents in zone A whose hosts sort first, one in zone B that already hosts
    # a router: the fewest-routers order alone would take both of A's.
    a1 = l3_agent(srv, za, host="a1-" + uname("h"))
    a2 = l3_agent(srv, za, host="a2-" + uname("h"))
    b = l3_agent(srv, zb, host="zz-" + uname("h"))
    busy = project.router(availability_zone_hints=[zb])
    project.interface(busy["id"])
    assert l3_hosts(srv, busy["id"]) == [b]
    router = project.router(ha=True, availability_zone_hints=[za, zb])
    hosts = l3_hosts(srv, router["id"])
    assert len(hosts) == 2 and b in hosts and set(hosts) & {a1, a2}, hosts
    shown = api(srv, "GET", "/v2.0/routers/" + router["id"]).json()["router"]
    assert shown["availability_zones"] == sorted([za, zb])


def test_default_schedulers_neither_spread_nor_place_routers_by_zone(tmp_path_factory):
    """Zed's default drivers: the DHCP weight scheduler keeps to the hinted zones but
    takes the least loaded agents; LeastRoutersScheduler ignores router hints."""
    from conftest import NeutrinoServer, check_clean_exit
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-az-default"), {
        "neutron.conf": {"DEFAULT": {"agent_down_time": "30",
                                     "dhcp_agents_per_network": "2"}}})
    s.start()
    try:
        za, zb = uname("za"), uname("zb")
        a1 = dhcp_node(s, za, host="a1-" + uname("h"))
        a2 = dhcp_node(s, za, host="a2-" + uname("h"))
        dhcp_node(s, zb, host="zz-" + uname("h"))
        net = network_with_subnet(s, [za, zb])
        assert hosts_of(s, net["id"]) == sorted([a1.host, a2.host])
        a_host = l3_agent(s, za, host="a-" + uname("h"))
        l3_agent(s, zb, host="zz-" + uname("h"))
        p = Project(s)
        try:
            router = p.router(availability_zone_hints=[zb])
            p.interface(router["id"])
            assert l3_hosts(s, router["id"]) == [a_host]
        finally:
            p.cleanup()
        api(s, "DELETE", "/v2.0/networks/" + net["id"])
    finally:
        check_clean_exit(s, s.stop())


def test_routers_made_before_router_zones_have_none(start_server):
    """Migration 16 gives routers made before it empty hints; new ones keep theirs."""
    from schema_rewind import rewind
    s = start_server()
    old = api(s, "POST", "/v2.0/routers", {"router": {"name": uname("old")}}).json()["router"]
    s.stop()
    rewind(s, 15)
    again = start_server(state_dir=s.state)
    shown = api(again, "GET", "/v2.0/routers/" + old["id"]).json()["router"]
    assert shown["availability_zone_hints"] == [] and shown["availability_zones"] == []
    zone = uname("z")
    l3_agent(again, zone)
    r = api(again, "POST", "/v2.0/routers", {"router": {"name": uname("new"),
                                                        "availability_zone_hints": [zone]}})
    assert r.status_code == 201, r.text
    shown = api(again, "GET", "/v2.0/routers/" + r.json()["router"]["id"]).json()["router"]
    assert shown["availability_zone_hints"] == [zone]
    for rid in (old["id"], shown["id"]):
        api(again, "DELETE", "/v2.0/routers/" + rid)


def test_zone_list_is_for_everyone_under_zeds_defaults(start_server):
    s = start_server({"neutron.conf": {"oslo_policy": {"enforce_new_defaults": "false"}}})
    zone = uname("z")
    dhcp_node(s, zone)
    r = api(s, "GET", "/v2.0/availability_zones", headers=member())
    assert r.status_code == 200, r.text
    assert r.json()["availability_zones"] == [
        {"name": zone, "resource": "network", "state": "available"}]
