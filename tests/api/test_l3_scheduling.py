"""L3 agents from the server's side (docs/behaviour/api.md §16, docs/behaviour/agents.md
§D): L3 agents' heartbeats, router scheduling (least routers first, internal-only routers,
auto-scheduling on the agent's full sync, failover off dead agents), the
l3_agent_scheduler extension, router ports bound to the agent's host, floating IP
status, the L3 agent's change feed and its POST /agent/v1/l3/routers, whose answer is
read back through the L3 engine's own parser (build/tests/tools/l3-model-check).
Agents are played by HTTP calls, as they make them."""

import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from api_helpers import assert_error, uname
from test_agents import FakeAgent, tap

pytestmark = pytest.mark.own_server

L3 = "L3 agent"
ROUTER_ID_KEYS = {"id", "admin_state_up", "enable_snat", "gateway", "interfaces", "routes",
                  "floating_ips"}


def _model_check_binary():
    server = os.environ.get("NEUTRINO_SERVER")
    build = Path(server).resolve().parents[2] if server else \
        Path(__file__).resolve().parents[2] / "build"
    return build / "tests/tools/l3-model-check"


class FakeL3Agent:
    """Speaks the L3 agent's part of the agent API."""

    def __init__(self, url, host, **conf):
        self.url = url
        self.host = host
        self.conf = {"agent_mode": "legacy", "handle_internal_only_routers": True,
                     "routers": 0, "interfaces": 0, "floating_ips": 0,
                     "ex_gw_ports": 0}
        self.conf.update(conf)

    def call(self, method, path, **kw):
        return requests.request(method, self.url + "/agent/v1/" + path, timeout=60, **kw)

    def report(self, start=False):
        state = {"agent_type": L3, "binary": "neutron-l3-agent", "host": self.host,
                 "topic": "l3_agent", "configurations": self.conf}
        if start:
            state["start_flag"] = True
        r = self.call("POST", "report", json={"agent": state})
        assert r.status_code == 200, r.text
        return r.json()

    def routers(self, ids=None):
        body = {"host": self.host}
        if ids is not None:
            body["ids"] = ids
        r = self.call("POST", "l3/routers", json=body)
        assert r.status_code == 200, r.text
        return r.json()["routers"]

    def changes(self, after, audience="l3"):
        r = self.call("GET", "changes", params={"host": self.host, "after": after, "wait": 0,
                                                "agent": audience})
        assert r.status_code == 200, r.text
        return r.json()


def start(tmp_path_factory, **options):
    from conftest import NeutrinoServer
    conf = {"agent_down_time": "2"}
    conf.update(options)
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-l3"), {"neutron.conf": {"DEFAULT": conf}})
    s.start()
    return s


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = start(tmp_path_factory, agent_down_time="30")
    yield s
    check_clean_exit(s, s.stop())


def api(srv, method, path, body=None, **kw):
    return requests.request(method, srv.url + path, json=body, timeout=30, **kw)


class Topology:
    """Makes networks, subnets, routers and floating IPs, and removes them afterwards."""

    def __init__(self, srv):
        self.srv = srv
        self.nets, self.routers, self.fips, self.interfaces = [], [], [], []

    def post(self, path, key, body):
        r = api(self.srv, "POST", path, {key: body})
        assert r.status_code == 201, r.text
        return r.json()[key]

    def network(self, cidr, external=False, gateway=None):
        net = self.post("/v2.0/networks", "network",
                        {"name": uname("net"), "router:external": external})
        self.nets.append(net["id"])
        body = {"network_id": net["id"], "cidr": cidr, "ip_version": 4}
        if gateway:
            body["gateway_ip"] = gateway
        sub = self.post("/v2.0/subnets", "subnet", body)
        return net, sub

    def router(self, ext_net=None):
        body = {"name": uname("r")}
        if ext_net:
            body["external_gateway_info"] = {"network_id": ext_net}
        rt = self.post("/v2.0/routers", "router", body)
        self.routers.append(rt["id"])
        return rt

    def add_interface(self, router_id, subnet_id):
        r = api(self.srv, "PUT", "/v2.0/routers/%s/add_router_interface" % router_id,
                {"subnet_id": subnet_id})
        assert r.status_code == 200, r.text
        self.interfaces.append((router_id, subnet_id))
        return r.json()

    def floatingip(self, ext_net, port_id=None):
        body = {"floating_network_id": ext_net}
        if port_id:
            body["port_id"] = port_id
        f = self.post("/v2.0/floatingips", "floatingip", body)
        self.fips.append(f["id"])
        return f

    def cleanup(self):
        for fid in self.fips:
            api(self.srv, "DELETE", "/v2.0/floatingips/" + fid)
        for rid, sid in self.interfaces:
            api(self.srv, "PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
                {"subnet_id": sid})
        for rid in self.routers:
            api(self.srv, "DELETE", "/v2.0/routers/" + rid)
        for nid in reversed(self.nets):
            for p in api(self.srv, "GET", "/v2.0/ports",
                         params={"network_id": nid}).json().get("ports", []):
                api(self.srv, "DELETE", "/v2.0/ports/" + p["id"])
            api(self.srv, "DELETE", "/v2.0/networks/" + nid)


@pytest.fixture
def topo(srv):
    """Stops every L3 agent registered so far from being chosen (each test makes its own,
    and the scheduler takes the least loaded alive one), and cleans up after the test."""
    for a in api(srv, "GET", "/v2.0/agents", params={"agent_type": L3}).json()["agents"]:
        api(srv, "PUT", "/v2.0/agents/" + a["id"], {"agent": {"admin_state_up": False}})
    t = Topology(srv)
    yield t
    t.cleanup()


def node(srv, **conf):
    """A host with a linux-bridge agent and an L3 agent, both alive."""
    host = uname("node")
    lb = FakeAgent(srv.url, host)
    lb.report(start=True)
    l3 = FakeL3Agent(srv.url, host, **conf)
    l3.report(start=True)
    return lb, l3


def agent_id(srv, host, agent_type=L3):
    r = api(srv, "GET", "/v2.0/agents", params={"agent_type": agent_type, "host": host})
    [agent] = r.json()["agents"]
    return agent["id"]


def hosts_of(srv, router_id):
    r = api(srv, "GET", "/v2.0/routers/%s/l3-agents" % router_id)
    assert r.status_code == 200, r.text
    return [a["host"] for a in r.json()["agents"]]


def router_ports(srv, router_id):
    return api(srv, "GET", "/v2.0/ports", params={"device_id": router_id}).json()["ports"]


def feed(agent, after):
    return [(c["kind"], c["id"]) for c in agent.changes(after)["changes"]]


def test_l3_agent_heartbeat_and_listing(srv):
    _, l3 = node(srv)
    r = api(srv, "GET", "/v2.0/agents", params={"agent_type": L3, "host": l3.host})
    [a] = r.json()["agents"]
    assert a["binary"] == "neutron-l3-agent"
    assert a["topic"] == "l3_agent"
    assert a["alive"] is True and a["admin_state_up"] is True
    assert a["configurations"]["agent_mode"] == "legacy"
    # Its feed exists, empty for a new agent.
    assert l3.changes(0)["changes"] == []
    assert "l3_agent_scheduler" in [e["alias"] for e in
                                    api(srv, "GET", "/v2.0/extensions").json()["extensions"]]


def test_least_routers_first(srv, topo):
    _, a = node(srv)
    _, b = node(srv)
    ext, _ = topo.network("203.0.113.0/24", external=True)
    first = topo.router(ext["id"])
    second = topo.router(ext["id"])
    [h1] = hosts_of(srv, first["id"])
    [h2] = hosts_of(srv, second["id"])
    assert {h1, h2} == {a.host, b.host}
    # A third goes to either (both host one); a fourth to the other one.
    third = topo.router(ext["id"])
    fourth = topo.router(ext["id"])
    [h3] = hosts_of(srv, third["id"])
    [h4] = hosts_of(srv, fourth["id"])
    assert {h3, h4} == {a.host, b.host}
    for host, agent in ((a.host, a), (b.host, b)):
        r = api(srv, "GET", "/v2.0/agents/%s/l3-routers" % agent_id(srv, host))
        assert r.status_code == 200, r.text
        assert len(r.json()["routers"]) == 2


def test_router_without_gateway_or_interface_waits(srv, topo):
    node(srv)
    rt = topo.router()
    assert hosts_of(srv, rt["id"]) == []


def test_internal_only_routers(srv, topo):
    _, gw_only = node(srv, handle_internal_only_routers=False)
    ext, _ = topo.network("198.51.100.0/24", external=True)
    _, inner = topo.network("10.31.0.0/24")
    rt = topo.router()
    topo.add_interface(rt["id"], inner["id"])
    assert hosts_of(srv, rt["id"]) == []          # The only agent takes gateways only.
    r = api(srv, "PUT", "/v2.0/routers/" + rt["id"],
            {"router": {"external_gateway_info": {"network_id": ext["id"]}}})
    assert r.status_code == 200, r.text
    assert hosts_of(srv, rt["id"]) == [gw_only.host]


def test_ports_follow_the_binding_and_go_active(srv, topo):
    lb, l3 = node(srv)
    ext, _ = topo.network("192.0.2.0/24", external=True)
    _, inner = topo.network("10.32.0.0/24")
    rt = topo.router(ext["id"])
    topo.add_interface(rt["id"], inner["id"])
    assert hosts_of(srv, rt["id"]) == [l3.host]
    ports = router_ports(srv, rt["id"])
    assert sorted(p["device_owner"] for p in ports) == ["network:router_gateway",
                                                         "network:router_interface"]
    for p in ports:
        assert p["binding:host_id"] == l3.host
        assert p["binding:vif_type"] == "bridge"
    # The linux-bridge agent plugs the taps the L3 agent made: ACTIVE.
    devices = [tap(p["id"]) for p in ports]
    details = lb.details(*devices)
    assert all(d.get("port_id") for d in details), details
    lb.status(up=devices)
    for p in router_ports(srv, rt["id"]):
        assert p["status"] == "ACTIVE", p
    # Taken off the agent by hand: unbound, and the agent is told.
    seq = l3.changes(0)["seq"]
    r = api(srv, "DELETE", "/v2.0/agents/%s/l3-routers/%s" % (agent_id(srv, l3.host), rt["id"]))
    assert r.status_code == 204, r.text
    for p in router_ports(srv, rt["id"]):
        assert p["binding:host_id"] == ""
        assert p["binding:vif_type"] == "unbound"
    assert ("router_delete", rt["id"]) in feed(l3, seq)
    assert l3.routers(ids=[rt["id"]]) == []
    # Unhosted, it goes back to the agent on its next full sync (router_auto_schedule).
    assert [x["id"] for x in l3.routers()] == [rt["id"]]
    assert {p["binding:host_id"] for p in router_ports(srv, rt["id"])} == {l3.host}


def test_feed_follows_what_the_agent_must_do(srv, topo):
    lb, l3 = node(srv)
    seq = l3.changes(0)["seq"]
    ext, ext_sub = topo.network("100.64.10.0/24", external=True)
    net, inner = topo.network("10.33.0.0/24")
    rt = topo.router(ext["id"])
    assert ("router_update", rt["id"]) in feed(l3, seq)      # Scheduled to it.
    # Not in the linux-bridge agents' feed.
    assert all(c["kind"] != "router_update" for c in lb.changes(seq)["changes"])

    def moved(action):
        before = l3.changes(0)["seq"]
        action()
        return ("router_update", rt["id"]) in feed(l3, before)

    assert moved(lambda: topo.add_interface(rt["id"], inner["id"]))
    assert moved(lambda: api(srv, "PUT", "/v2.0/routers/" + rt["id"],
                             {"router": {"routes": [{"destination": "10.99.0.0/16",
                                                     "nexthop": "10.33.0.50"}]}}))
    assert moved(lambda: api(srv, "PUT", "/v2.0/routers/" + rt["id"],
                             {"router": {"admin_state_up": False}}))
    assert moved(lambda: api(srv, "PUT", "/v2.0/routers/" + rt["id"],
                             {"router": {"admin_state_up": True}}))
    vm = api(srv, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    fip = {}
    assert moved(lambda: fip.update(topo.floatingip(ext["id"], vm["id"])))
    assert moved(lambda: api(srv, "PUT", "/v2.0/floatingips/" + fip["id"],
                             {"floatingip": {"port_id": None}}))
    assert moved(lambda: api(srv, "PUT", "/v2.0/floatingips/" + fip["id"],
                             {"floatingip": {"port_id": vm["id"]}}))
    assert moved(lambda: api(srv, "DELETE", "/v2.0/ports/" + vm["id"]))
    assert moved(lambda: api(srv, "PUT", "/v2.0/subnets/" + ext_sub["id"],
                             {"subnet": {"gateway_ip": None}}).status_code == 200)
    assert moved(lambda: api(srv, "PUT", "/v2.0/routers/" + rt["id"],
                             {"router": {"routes": []}}))
    before = l3.changes(0)["seq"]
    api(srv, "PUT", "/v2.0/routers/%s/remove_router_interface" % rt["id"],
        {"subnet_id": inner["id"]})
    topo.interfaces.clear()
    assert ("router_update", rt["id"]) in feed(l3, before)
    before = l3.changes(0)["seq"]
    api(srv, "DELETE", "/v2.0/floatingips/" + fip["id"])
    r = api(srv, "DELETE", "/v2.0/routers/" + rt["id"])
    assert r.status_code == 204, r.text
    assert ("router_delete", rt["id"]) in feed(l3, before)


def test_rpc_answer_in_the_model_shape(srv, topo):
    lb, l3 = node(srv)
    ext, ext_sub = topo.network("100.64.20.0/24", external=True)
    # A second external subnet: reached on-link through the gateway port.
    extra = topo.post("/v2.0/subnets", "subnet", {"network_id": ext["id"], "ip_version": 4,
                                                  "cidr": "100.64.21.0/24"})
    net, inner = topo.network("10.34.0.0/24")
    rt = topo.router(ext["id"])
    topo.add_interface(rt["id"], inner["id"])
    api(srv, "PUT", "/v2.0/routers/" + rt["id"],
        {"router": {"routes": [{"destination": "10.98.0.0/16", "nexthop": "10.34.0.9"}]}})
    vm = api(srv, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    fip = topo.floatingip(ext["id"], vm["id"])
    topo.floatingip(ext["id"])                      # Not associated: not sent.
    down = topo.router(ext["id"])                   # Administratively down: not sent.
    api(srv, "PUT", "/v2.0/routers/" + down["id"], {"router": {"admin_state_up": False}})
    assert hosts_of(srv, down["id"]) == [l3.host]

    routers = l3.routers()
    assert [x["id"] for x in routers] == [rt["id"]]
    [m] = routers
    assert set(m) == ROUTER_ID_KEYS
    gw_port = [p for p in router_ports(srv, rt["id"])
               if p["device_owner"] == "network:router_gateway"][0]
    assert m["gateway"]["port_id"] == gw_port["id"]
    assert m["gateway"]["mac_address"] == gw_port["mac_address"]
    assert m["gateway"]["mtu"] == ext["mtu"]
    assert m["gateway"]["fixed_ips"][0]["prefixlen"] == 24
    assert m["gateway"]["gateway_ips"] == [ext_sub["gateway_ip"]]
    assert m["gateway"]["extra_subnets"] == [extra["cidr"]]
    [itf] = m["interfaces"]
    assert itf["fixed_ips"] == [{"ip_address": "10.34.0.1", "prefixlen": 24,
                                 "subnet_id": inner["id"], "cidr": "10.34.0.0/24"}]
    assert m["routes"] == [{"destination": "10.98.0.0/16", "nexthop": "10.34.0.9"}]
    assert m["floating_ips"] == [{"id": fip["id"],
                                  "floating_ip_address": fip["floating_ip_address"],
                                  "fixed_ip_address": vm["fixed_ips"][0]["ip_address"],
                                  "port_id": vm["id"]}]
    # Asked by id: only what the host hosts and is up.
    other = str(uuid.uuid4())
    assert [x["id"] for x in l3.routers([rt["id"], down["id"], other])] == [rt["id"]]
    # Another host's agent is answered nothing of it.
    _, stranger = node(srv)
    assert stranger.routers([rt["id"]]) == []

    # The engine's own parser reads the answer as meant.
    tool = _model_check_binary()
    if not tool.exists():
        pytest.fail("l3-model-check not found at %s (build it)" % tool)
    out = subprocess.run([str(tool)], input=json.dumps({"routers": routers}), text=True,
                         capture_output=True, timeout=10, check=True).stdout
    parsed = json.loads(out)
    assert parsed["ok"], parsed
    [p] = parsed["routers"]
    assert p["gateway"]["fixed_ips"] == [m["gateway"]["fixed_ips"][0]["ip_address"] + "/24"]
    assert p["gateway"]["gateway_ips"] == [ext_sub["gateway_ip"]]
    assert p["gateway"]["extra_subnets"] == ["100.64.21.0/24"]
    assert p["interfaces"] == [{"port_id": itf["port_id"], "mtu": net["mtu"],
                                "fixed_ips": ["10.34.0.1/24"]}]
    assert p["routes"] == ["10.98.0.0/16 via 10.34.0.9"]
    assert p["floating_ips"][0]["floating"] == fip["floating_ip_address"]


def test_floating_ip_status_follows_the_agent(srv, topo):
    node(srv)
    ext, _ = topo.network("100.64.30.0/24", external=True)
    net, inner = topo.network("10.35.0.0/24")
    vm = api(srv, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    # No agent can take the router yet: its floating IP stays DOWN.
    for a in api(srv, "GET", "/v2.0/agents", params={"agent_type": L3}).json()["agents"]:
        api(srv, "PUT", "/v2.0/agents/" + a["id"], {"agent": {"admin_state_up": False}})
    rt = topo.router(ext["id"])
    topo.add_interface(rt["id"], inner["id"])
    fip = topo.floatingip(ext["id"], vm["id"])
    assert fip["status"] == "DOWN"
    assert hosts_of(srv, rt["id"]) == []
    _, l3 = node(srv)
    # The agent's full sync takes the unhosted router (router_auto_schedule).
    assert [x["id"] for x in l3.routers()] == [rt["id"]]
    assert hosts_of(srv, rt["id"]) == [l3.host]
    r = api(srv, "GET", "/v2.0/floatingips/" + fip["id"])
    assert r.json()["floatingip"]["status"] == "ACTIVE"
    # Disassociated: DOWN.
    r = api(srv, "PUT", "/v2.0/floatingips/" + fip["id"], {"floatingip": {"port_id": None}})
    assert r.json()["floatingip"]["status"] == "DOWN"
    r = api(srv, "PUT", "/v2.0/floatingips/" + fip["id"], {"floatingip": {"port_id": vm["id"]}})
    assert r.json()["floatingip"]["status"] == "ACTIVE"
    # Off the agent: DOWN.
    api(srv, "DELETE", "/v2.0/agents/%s/l3-routers/%s" % (agent_id(srv, l3.host), rt["id"]))
    r = api(srv, "GET", "/v2.0/floatingips/" + fip["id"])
    assert r.json()["floatingip"]["status"] == "DOWN"
    api(srv, "DELETE", "/v2.0/ports/" + vm["id"])


def test_scheduler_api_and_errors(srv, topo):
    lb, a = node(srv)
    _, b = node(srv)
    ext, _ = topo.network("100.64.40.0/24", external=True)
    rt = topo.router(ext["id"])
    [first] = hosts_of(srv, rt["id"])
    other = b if first == a.host else a
    first_id, other_id = agent_id(srv, first), agent_id(srv, other.host)
    # Hosted elsewhere: 409.
    assert_error(api(srv, "POST", "/v2.0/agents/%s/l3-routers" % other_id,
                     {"router_id": rt["id"]}),
                 409, "RouterHostedByL3Agent",
                 "The router %s has been already hosted by the L3 Agent %s." % (rt["id"],
                                                                                first_id))
    # Already hosted by that same agent: nothing to do.
    r = api(srv, "POST", "/v2.0/agents/%s/l3-routers" % first_id, {"router_id": rt["id"]})
    assert r.status_code == 201, r.text
    # Moved by hand: off one, onto the other, which is told.
    seq = other.changes(0)["seq"]
    assert api(srv, "DELETE", "/v2.0/agents/%s/l3-routers/%s"
               % (first_id, rt["id"])).status_code == 204
    assert hosts_of(srv, rt["id"]) == []
    r = api(srv, "POST", "/v2.0/agents/%s/l3-routers" % other_id, {"router_id": rt["id"]})
    assert r.status_code == 201, r.text
    assert r.json() is None
    assert hosts_of(srv, rt["id"]) == [other.host]
    assert ("router_update", rt["id"]) in feed(other, seq)
    r = api(srv, "GET", "/v2.0/agents/%s/l3-routers" % other_id)
    assert [x["id"] for x in r.json()["routers"]] == [rt["id"]]
    # Not an L3 agent, or a disabled one: InvalidL3Agent.
    lb_id = agent_id(srv, lb.host, "Linux bridge agent")
    api(srv, "DELETE", "/v2.0/agents/%s/l3-routers/%s" % (other_id, rt["id"]))
    assert_error(api(srv, "POST", "/v2.0/agents/%s/l3-routers" % lb_id,
                     {"router_id": rt["id"]}),
                 404, "InvalidL3Agent", "Agent %s is not a L3 Agent or has been disabled" % lb_id)
    api(srv, "PUT", "/v2.0/agents/" + other_id, {"agent": {"admin_state_up": False}})
    assert_error(api(srv, "POST", "/v2.0/agents/%s/l3-routers" % other_id,
                     {"router_id": rt["id"]}),
                 404, "InvalidL3Agent",
                 "Agent %s is not a L3 Agent or has been disabled" % other_id)
    missing = str(uuid.uuid4())
    assert_error(api(srv, "POST", "/v2.0/agents/%s/l3-routers" % first_id,
                     {"router_id": missing}),
                 404, "RouterNotFound", "Router %s could not be found" % missing)
    assert_error(api(srv, "DELETE", "/v2.0/agents/%s/l3-routers/%s" % (first_id, missing)),
                 404, "RouterNotFound", "Router %s could not be found" % missing)
    assert_error(api(srv, "GET", "/v2.0/agents/%s/l3-routers" % missing),
                 404, "AgentNotFound", "Agent %s could not be found." % missing)
    assert_error(api(srv, "POST", "/v2.0/agents/%s/l3-routers" % missing,
                     {"router_id": rt["id"]}),
                 404, "AgentNotFound", "Agent %s could not be found." % missing)
    assert_error(api(srv, "GET", "/v2.0/routers/%s/l3-agents" % missing),
                 404, "RouterNotFound", "Router %s could not be found" % missing)
    r = api(srv, "POST", "/v2.0/agents/%s/l3-routers" % first_id, {"bogus": 1})
    assert r.status_code == 400
    # Admin only: members see none of it.
    member = {"X-Project-Id": uname("p"), "X-Roles": "member"}
    for method, path, body in [
            ("GET", "/v2.0/routers/%s/l3-agents" % rt["id"], None),
            ("GET", "/v2.0/agents/%s/l3-routers" % first_id, None),
            ("POST", "/v2.0/agents/%s/l3-routers" % first_id, {"router_id": rt["id"]}),
            ("DELETE", "/v2.0/agents/%s/l3-routers/%s" % (first_id, rt["id"]), None)]:
        r = api(srv, method, path, body, headers=member)
        assert r.status_code == 404, (method, path, r.text)


def test_full_answer_carries_the_feed_position(srv, topo):
    lb, l3 = node(srv)
    _, inner = topo.network("10.37.0.0/24")
    # Unhosted until the agent's full sync takes it; the answer's position is past the
    # router_update that scheduling wrote, so the agent does not read it again.
    for a in api(srv, "GET", "/v2.0/agents", params={"agent_type": L3}).json()["agents"]:
        api(srv, "PUT", "/v2.0/agents/" + a["id"], {"agent": {"admin_state_up": False}})
    rt = topo.router()
    topo.add_interface(rt["id"], inner["id"])
    before = l3.changes(0)["seq"]
    api(srv, "PUT", "/v2.0/agents/" + agent_id(srv, l3.host), {"agent": {"admin_state_up": True}})
    r = l3.call("POST", "l3/routers", json={"host": l3.host})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["id"] for x in body["routers"]] == [rt["id"]]
    assert body["seq"] > before
    assert ("router_update", rt["id"]) in feed(l3, before)
    assert l3.changes(body["seq"])["changes"] == []
    # Asked by id: no position.
    r = l3.call("POST", "l3/routers", json={"host": l3.host, "ids": [rt["id"]]})
    assert "seq" not in r.json()


def test_agent_call_validates_its_body(srv):
    for body in [{}, {"host": ""}, {"host": "h", "ids": "x"}, {"host": "h", "ids": [1]}]:
        r = requests.post(srv.url + "/agent/v1/l3/routers", json=body, timeout=10)
        assert r.status_code == 400, (body, r.text)
    r = requests.post(srv.url + "/agent/v1/l3/routers", json={"host": uname("nobody")},
                      timeout=10)
    assert r.status_code == 200 and r.json()["routers"] == []
    r = requests.get(srv.url + "/agent/v1/changes", params={"host": "h", "agent": "l3"},
                     timeout=10)
    assert r.status_code == 200


def test_auto_schedule_can_be_off(tmp_path_factory):
    from conftest import EXTERNAL_URL, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = start(tmp_path_factory, agent_down_time="30", router_auto_schedule="false")
    t = Topology(s)
    try:
        _, inner = t.network("10.36.0.0/24")
        rt = t.router()
        t.add_interface(rt["id"], inner["id"])      # No agent yet: unhosted.
        _, l3 = node(s)
        assert l3.routers() == []
        assert hosts_of(s, rt["id"]) == []
        # A change schedules it, as Neutron's notifications do.
        api(s, "PUT", "/v2.0/routers/" + rt["id"], {"router": {"name": uname("r")}})
        assert hosts_of(s, rt["id"]) == [l3.host]
        assert [x["id"] for x in l3.routers()] == [rt["id"]]
    finally:
        t.cleanup()
        check_clean_exit(s, s.stop())


@pytest.mark.parametrize("failover", [True, False])
def test_failover_off_a_dead_agent(tmp_path_factory, failover):
    """With agent_down_time 2, an agent is dead after 4 s of silence; the housekeeping
    timer (every second) moves its routers when allow_automatic_l3agent_failover."""
    from conftest import EXTERNAL_URL, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = start(tmp_path_factory, allow_automatic_l3agent_failover=str(failover).lower())
    t = Topology(s)
    try:
        lb_a, a = node(s)
        ext, _ = t.network("100.64.50.0/24", external=True)
        rt = t.router(ext["id"])
        assert hosts_of(s, rt["id"]) == [a.host]
        lb_b, b = node(s)
        seq_a, seq_b = a.changes(0)["seq"], b.changes(0)["seq"]
        deadline = time.monotonic() + (10 if failover else 7)
        hosts = [a.host]
        while time.monotonic() < deadline:
            b.report()
            lb_b.report()
            hosts = hosts_of(s, rt["id"])
            if hosts != [a.host]:
                break
            time.sleep(0.5)
        if failover:
            assert hosts == [b.host]
            assert ("router_delete", rt["id"]) in feed(a, seq_a)
            assert ("router_update", rt["id"]) in feed(b, seq_b)
            gw = router_ports(s, rt["id"])[0]
            assert gw["binding:host_id"] == b.host
        else:
            assert hosts == [a.host]
    finally:
        t.cleanup()
        check_clean_exit(s, s.stop())
