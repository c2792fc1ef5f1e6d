"""HA routers from the server's side (Neutron's l3-ha; docs/behaviour/api.md §14 and
§16): the admin-only ha attribute and its default, the per-project HA network hidden
from its project, HA ports and VRRP ids, scheduling to several L3 agents, the states
the agents report shown by /routers/{id}/l3-agents, conversion only while the router is
down, and the clean-up when the project's last HA router goes.  Agents are played by
HTTP calls, as in test_l3_scheduling.py."""

import ipaddress
import uuid

import pytest

from api_helpers import assert_error, uname
from test_l3_scheduling import FakeL3Agent, L3, api, agent_id, node, start

pytestmark = pytest.mark.own_server

HA_OWNER = "network:router_ha_interface"
HA_CIDR = "169.254.192.0/18"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = start(tmp_path_factory, agent_down_time="30")
    yield s
    check_clean_exit(s, s.stop())


def member(project):
    return {"X-Project-Id": project, "X-Roles": "member"}


class Lab:
    """A project of its own with HA routers; deletes them (interfaces first), then its
    networks, whatever happens."""

    def __init__(self, srv):
        self.srv = srv
        self.project = uuid.uuid4().hex
        self.routers, self.nets, self.interfaces = [], [], []

    def router(self, expect=201, **attrs):
        body = {"name": uname("ha"), "tenant_id": self.project}
        body.update(attrs)
        r = api(self.srv, "POST", "/v2.0/routers", {"router": body})
        assert r.status_code == expect, r.text
        if expect == 201:
            self.routers.append(r.json()["router"]["id"])
            return r.json()["router"]
        return r

    def subnet(self, cidr="10.%d.%d.0/24"):
        net = api(self.srv, "POST", "/v2.0/networks",
                  {"network": {"name": uname("n"), "tenant_id": self.project}}).json()["network"]
        self.nets.append(net["id"])
        cidr = cidr % (uuid.uuid4().int % 200, uuid.uuid4().int % 200) if "%" in cidr else cidr
        r = api(self.srv, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "cidr": cidr, "ip_version": 4, "tenant_id": self.project}})
        assert r.status_code == 201, r.text
        return r.json()["subnet"]

    def add_interface(self, router_id, subnet_id):
        r = api(self.srv, "PUT", "/v2.0/routers/%s/add_router_interface" % router_id,
                {"subnet_id": subnet_id})
        assert r.status_code == 200, r.text
        self.interfaces.append((router_id, subnet_id))

    def cleanup(self):
        for rid, sid in self.interfaces:
            api(self.srv, "PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
                {"subnet_id": sid})
        for rid in self.routers:
            api(self.srv, "DELETE", "/v2.0/routers/" + rid)
        for nid in self.nets:
            api(self.srv, "DELETE", "/v2.0/networks/" + nid)


@pytest.fixture
def lab(srv):
    # Earlier tests' agents are set down so each test picks among its own.
    for a in api(srv, "GET", "/v2.0/agents", params={"agent_type": L3}).json()["agents"]:
        api(srv, "PUT", "/v2.0/agents/" + a["id"], {"agent": {"admin_state_up": False}})
    t = Lab(srv)
    yield t
    t.cleanup()


def ha_networks(srv, project):
    name = "HA network tenant %s" % project
    return [n for n in api(srv, "GET", "/v2.0/networks").json()["networks"]
            if n["name"] == name]


def ha_ports(srv, router_id):
    return api(srv, "GET", "/v2.0/ports", params={"device_id": router_id,
                                                   "device_owner": HA_OWNER}).json()["ports"]


def l3_agents(srv, router_id):
    r = api(srv, "GET", "/v2.0/routers/%s/l3-agents" % router_id)
    assert r.status_code == 200, r.text
    return {a["host"]: a["ha_state"] for a in r.json()["agents"]}


def model_of(agent, router_id):
    [m] = [m for m in agent.routers() if m["id"] == router_id]
    return m


def test_extension_listed(srv):
    aliases = [e["alias"] for e in api(srv, "GET", "/v2.0/extensions").json()["extensions"]]
    assert "l3-ha" in aliases
    r = api(srv, "GET", "/v2.0/extensions/l3-ha").json()["extension"]
    assert (r["name"], r["description"]) == ("HA Router extension",
                                             "Adds HA capability to routers.")


def test_ha_is_admins_to_set_and_to_see(srv, lab):
    r = api(srv, "POST", "/v2.0/routers", {"router": {"name": uname("r"), "ha": True}},
            headers=member(lab.project))
    assert_error(r, 403, "PolicyNotAuthorized",
                 "(rule:create_router and rule:create_router:ha) is disallowed by policy")
    rt = lab.router(ha=True)
    assert rt["ha"] is True and rt["status"] == "ACTIVE"
    seen = api(srv, "GET", "/v2.0/routers/" + rt["id"], headers=member(lab.project))
    assert seen.status_code == 200 and "ha" not in seen.json()["router"]
    assert lab.router()["ha"] is False      # [DEFAULT] l3_ha = false


def test_ha_network_belongs_to_no_project_and_goes_with_the_last_router(srv, lab):
    a = lab.router(ha=True)
    [net] = ha_networks(srv, lab.project)
    assert (net["project_id"], net["tenant_id"], net["shared"]) == ("", "", False)
    [sub] = api(srv, "GET", "/v2.0/subnets", params={"network_id": net["id"]}).json()["subnets"]
    assert (sub["name"], sub["cidr"], sub["enable_dhcp"], sub["gateway_ip"],
            sub["project_id"]) == ("HA subnet tenant %s" % lab.project, HA_CIDR, False, None, "")
    # Hidden from the project, as Neutron hides it.
    mine = api(srv, "GET", "/v2.0/networks", headers=member(lab.project)).json()["networks"]
    assert net["id"] not in [n["id"] for n in mine]
    assert api(srv, "GET", "/v2.0/networks/" + net["id"],
               headers=member(lab.project)).status_code == 404
    b = lab.router(ha=True)
    assert [n["id"] for n in ha_networks(srv, lab.project)] == [net["id"]]
    assert api(srv, "DELETE", "/v2.0/routers/" + a["id"]).status_code == 204
    assert [n["id"] for n in ha_networks(srv, lab.project)] == [net["id"]]
    assert api(srv, "DELETE", "/v2.0/routers/" + b["id"]).status_code == 204
    assert ha_networks(srv, lab.project) == []


def test_scheduled_to_max_agents_with_ha_ports_and_one_vr_id(srv, lab):
    agents = [node(srv)[1] for _ in range(4)]
    rt = lab.router(ha=True)
    lab.add_interface(rt["id"], lab.subnet()["id"])
    states = l3_agents(srv, rt["id"])
    assert len(states) == 3 and set(states.values()) == {"standby"}   # max_l3_agents_per_router
    ports = ha_ports(srv, rt["id"])
    assert sorted(p["binding:host_id"] for p in ports) == sorted(states)
    [net] = ha_networks(srv, lab.project)
    for p in ports:
        assert (p["name"], p["project_id"], p["network_id"], p["admin_state_up"]) == (
            "HA port tenant %s" % lab.project, "", net["id"], True)
        ip = p["fixed_ips"][0]["ip_address"]
        assert ipaddress.ip_address(ip) in ipaddress.ip_network(HA_CIDR)
    hosting = [a for a in agents if a.host in states]
    models = [model_of(a, rt["id"]) for a in hosting]
    vr_ids = {m["ha"]["vr_id"] for m in models}
    assert len(vr_ids) == 1 and 1 <= vr_ids.pop() <= 254
    for a, m in zip(hosting, models):
        [mine] = [p for p in ports if p["binding:host_id"] == a.host]
        assert m["ha"]["port"]["port_id"] == mine["id"]
        assert m["ha"]["port"]["fixed_ips"][0]["cidr"] == HA_CIDR
        assert m["ha"]["state"] == "standby"
    # The fourth agent hosts nothing of it.
    [spare] = [a for a in agents if a.host not in states]
    assert rt["id"] not in [m["id"] for m in spare.routers()]


def test_vr_ids_differ_within_a_project(srv, lab):
    a = node(srv)[1]
    ids = []
    for _ in range(3):
        rt = lab.router(ha=True)
        ids.append(model_of(a, rt["id"])["ha"]["vr_id"])
    assert len(set(ids)) == 3


def test_reported_states_and_the_ports_follow_the_active_agent(srv, lab):
    one, two = node(srv)[1], node(srv)[1]
    rt = lab.router(ha=True)
    lab.add_interface(rt["id"], lab.subnet()["id"])
    assert l3_agents(srv, rt["id"]) == {one.host: "standby", two.host: "standby"}
    r = two.call("POST", "l3/ha-states", json={"host": two.host, "states": {rt["id"]: "active"}})
    assert r.status_code == 200, r.text
    assert l3_agents(srv, rt["id"]) == {one.host: "standby", two.host: "active"}
    assert model_of(two, rt["id"])["ha"]["state"] == "active"
    [qr] = api(srv, "GET", "/v2.0/ports", params={
        "device_id": rt["id"], "device_owner": "network:router_interface"}).json()["ports"]
    assert qr["binding:host_id"] == two.host
    # Failover: the other side takes over.
    for agent, state in ((two, "standby"), (one, "active")):
        r = agent.call("POST", "l3/ha-states", json={"host": agent.host,
                                                     "states": {rt["id"]: state}})
        assert r.status_code == 200, r.text
    assert l3_agents(srv, rt["id"]) == {one.host: "active", two.host: "standby"}
    [qr] = api(srv, "GET", "/v2.0/ports", params={"id": qr["id"]}).json()["ports"]
    assert qr["binding:host_id"] == one.host
    # A router the host does not host is ignored; bad bodies are refused.
    r = one.call("POST", "l3/ha-states", json={"host": one.host,
                                               "states": {str(uuid.uuid4()): "active"}})
    assert r.status_code == 200, r.text
    for bad in ({"host": one.host, "states": {rt["id"]: "master"}},
                {"host": one.host, "states": [rt["id"]]}, {"states": {}}):
        assert_error(one.call("POST", "l3/ha-states", json=bad), 400, "HTTPBadRequest")


def test_legacy_routers_show_a_null_ha_state(srv, lab):
    _, l3 = node(srv)
    sub = lab.subnet()
    rt = lab.router()
    lab.add_interface(rt["id"], sub["id"])
    assert l3_agents(srv, rt["id"]) == {l3.host: None}


def test_changing_ha_needs_the_router_down_and_cleans_up(srv, lab):
    one, two = node(srv)[1], node(srv)[1]
    rt = lab.router(ha=True)
    lab.add_interface(rt["id"], lab.subnet()["id"])
    assert len(ha_ports(srv, rt["id"])) == 2
    r = api(srv, "PUT", "/v2.0/routers/" + rt["id"], {"router": {"ha": False}})
    assert_error(r, 400, "BadRequest", "Bad router request: Cannot change HA attribute of"
                 " active routers. Please set router admin_state_up to False prior to upgrade.")
    r = api(srv, "PUT", "/v2.0/routers/" + rt["id"], {"router": {"ha": False},
                                                        "admin_state_up": False})
    assert r.status_code == 400     # admin_state_up outside "router" is not read
    r = api(srv, "PUT", "/v2.0/routers/" + rt["id"],
            {"router": {"ha": False, "admin_state_up": False}})
    assert r.status_code == 200, r.text
    assert r.json()["router"]["ha"] is False
    assert ha_ports(srv, rt["id"]) == [] and ha_networks(srv, lab.project) == []
    assert list(l3_agents(srv, rt["id"]).values()) == [None]
    r = api(srv, "PUT", "/v2.0/routers/" + rt["id"], {"router": {"ha": True}})
    assert r.status_code == 200, r.text
    assert r.json()["router"]["ha"] is True
    assert len(ha_ports(srv, rt["id"])) == 2 and len(ha_networks(srv, lab.project)) == 1
    assert set(l3_agents(srv, rt["id"]).values()) == {"standby"}
    # A member may not change it at all.
    r = api(srv, "PUT", "/v2.0/routers/" + rt["id"], {"router": {"ha": False}},
            headers=member(lab.project))
    assert_error(r, 403, "PolicyNotAuthorized",
                 "(rule:update_router and rule:update_router:ha) is disallowed by policy")


def test_admin_adds_another_agent_to_an_ha_router(srv, lab):
    one = node(srv)[1]
    rt = lab.router(ha=True)
    two = node(srv)[1]
    assert list(l3_agents(srv, rt["id"])) == [one.host]
    r = api(srv, "POST", "/v2.0/agents/%s/l3-routers" % agent_id(srv, two.host),
            {"router_id": rt["id"]})
    assert r.status_code == 201, r.text
    assert sorted(l3_agents(srv, rt["id"])) == sorted([one.host, two.host])
    assert sorted(p["binding:host_id"] for p in ha_ports(srv, rt["id"])) == sorted(
        [one.host, two.host])
    r = api(srv, "DELETE", "/v2.0/agents/%s/l3-routers/%s" % (agent_id(srv, one.host), rt["id"]))
    assert r.status_code == 204, r.text
    assert [p["binding:host_id"] for p in ha_ports(srv, rt["id"])] == [two.host]


def test_l3_ha_default_and_agents_per_router(tmp_path_factory):
    from conftest import EXTERNAL_URL, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = start(tmp_path_factory, l3_ha="true", max_l3_agents_per_router="0",
              l3_ha_net_cidr="169.254.0.0/24")
    t = Lab(s)
    try:
        agents = [node(s)[1] for _ in range(4)]
        rt = t.router()
        assert rt["ha"] is True
        assert len(l3_agents(s, rt["id"])) == 4
        [net] = ha_networks(s, t.project)
        [sub] = api(s, "GET", "/v2.0/subnets", params={"network_id": net["id"]}).json()["subnets"]
        assert sub["cidr"] == "169.254.0.0/24"
        assert model_of(agents[0], rt["id"])["ha"]["vr_id"] >= 1
    finally:
        t.cleanup()
        check_clean_exit(s, s.stop())


def test_every_side_gets_the_details_of_the_routers_ports(srv, lab):
    """As Neutron's: the linux-bridge agent of each side plugs the HA router's taps,
    though the ports are bound to the active side only, and the details leave the
    binding alone; a legacy router's ports go to its host only."""
    (lb1, one), (lb2, two), (lb3, _) = node(srv), node(srv), node(srv)
    rt = lab.router(ha=True)
    sub = lab.subnet()
    lab.add_interface(rt["id"], sub["id"])
    assert sorted(l3_agents(srv, rt["id"])) == sorted([one.host, two.host, lb3.host])
    r = two.call("POST", "l3/ha-states", json={"host": two.host, "states": {rt["id"]: "active"}})
    assert r.status_code == 200, r.text
    [qr] = api(srv, "GET", "/v2.0/ports", params={
        "device_id": rt["id"], "device_owner": "network:router_interface"}).json()["ports"]
    tap = "tap" + qr["id"][:11]
    [d] = lb1.details(tap)
    assert (d["port_id"], d["network_id"], d["mac_address"]) == (qr["id"], qr["network_id"],
                                                                  qr["mac_address"])
    [qr2] = api(srv, "GET", "/v2.0/ports", params={"id": qr["id"]}).json()["ports"]
    assert qr2["binding:host_id"] == two.host
    # A legacy router's port goes to its host only.
    legacy = lab.router()
    lab.add_interface(legacy["id"], lab.subnet()["id"])
    [lq] = api(srv, "GET", "/v2.0/ports", params={
        "device_id": legacy["id"], "device_owner": "network:router_interface"}).json()["ports"]
    others = [lb for lb in (lb1, lb2, lb3) if lb.host != lq["binding:host_id"]]
    for lb in others:
        assert lb.details("tap" + lq["id"][:11]) == [{"device": "tap" + lq["id"][:11]}]


@pytest.mark.parametrize("option, value, message", [
    ("l3_ha_net_cidr", "169.254.192.1/18",
     "The HA Network CIDR specified in the configuration file isn't valid; 169.254.192.1/18."),
    ("l3_ha_net_cidr", "169.254.192.0",
     "The HA Network CIDR specified in the configuration file isn't valid; 169.254.192.0."),
    ("max_l3_agents_per_router", "-1",
     "max_l3_agents_per_router -1 config parameter is not valid as it cannot be negative."
     " It must be 1 or greater. Alternatively, it can be 0 to mean unlimited."),
])
def test_bad_ha_options_refuse_to_start(tmp_path, option, value, message):
    import subprocess
    from conftest import EXTERNAL_URL, NeutrinoServer, server_binary
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    srv = NeutrinoServer(tmp_path, {"neutron.conf": {"DEFAULT": {option: value}}})
    cmd = [str(server_binary())]
    for f in srv.config_files:
        cmd += ["--config-file", str(f)]
    p = subprocess.run(cmd, capture_output=True, timeout=30, text=True)
    assert p.returncode != 0
    assert message in p.stderr, p.stderr


def test_ha_networks_are_held_to_no_projects_quota(tmp_path_factory):
    """The HA networks belong to no project, so no quota counts them: with a network
    and subnet quota of one, three projects still get their HA routers (as in Zed,
    where the server makes them past the API's quota checks)."""
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-ha-quota"), {"neutron.conf": {
        "DEFAULT": {"agent_down_time": "30", "l3_ha": "true"},
        "quotas": {"quota_network": "1", "quota_subnet": "1"}}})
    s.start()
    labs = [Lab(s) for _ in range(3)]
    try:
        node(s)
        node(s)
        for t in labs:
            assert t.router()["ha"] is True
            assert len(ha_networks(s, t.project)) == 1
    finally:
        for t in labs:
            t.cleanup()
        check_clean_exit(s, s.stop())
