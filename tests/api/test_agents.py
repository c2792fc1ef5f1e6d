"""Agents from the server's side: heartbeats create and refresh agent records,
/v2.0/agents (docs/behaviour/api.md §11), port binding by the linux-bridge mechanism
driver and port status driven by the agent (docs/behaviour/ml2.md §5, §6), and the
change feed agents long-poll.
The agents here are played by HTTP calls; tests/agent/ runs the real one."""

import threading
import time

import pytest
import requests

from api_helpers import TIMESTAMP_RE, UUID_RE, uname

pytestmark = pytest.mark.own_server

LB = "Linux bridge agent"


class FakeAgent:
    """Speaks the agent API like neutrino-linuxbridge-agent would."""

    def __init__(self, url, host, mappings=None, vxlan_ip=None, headers=None):
        self.url = url
        self.host = host
        self.mappings = mappings or {}
        self.vxlan_ip = vxlan_ip
        self.headers = headers or {}

    def call(self, method, path, **kw):
        return requests.request(method, self.url + "/agent/v1/" + path, timeout=90,
                                headers=self.headers, **kw)

    def report(self, start=False):
        conf = {"interface_mappings": self.mappings, "bridge_mappings": {}, "devices": 0,
                "extensions": []}
        if self.vxlan_ip:
            conf.update(tunneling_ip=self.vxlan_ip, tunnel_types=["vxlan"], l2_population=True)
        state = {"agent_type": LB, "binary": "neutron-linuxbridge-agent", "host": self.host,
                 "topic": "N/A", "configurations": conf}
        if start:
            state["start_flag"] = True
        r = self.call("POST", "report", json={"agent": state})
        assert r.status_code == 200, r.text
        return r.json()

    def details(self, *devices):
        r = self.call("POST", "devices", json={"host": self.host, "devices": list(devices)})
        assert r.status_code == 200, r.text
        return r.json()["devices"]

    def status(self, up=(), down=()):
        r = self.call("POST", "devices/status",
                      json={"host": self.host, "up": list(up), "down": list(down)})
        assert r.status_code == 200, r.text
        return r.json()

    def changes(self, after, wait=0):
        r = self.call("GET", "changes", params={"host": self.host, "after": after, "wait": wait})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-agents"), {
        "neutron.conf": {"DEFAULT": {"agent_down_time": "3"}}})
    s.start()
    yield s
    check_clean_exit(s, s.stop())


def agent_for(srv, **kw):
    return FakeAgent(srv.url, uname("host"), **kw)


def tap(port_id):
    return "tap" + port_id[:11]


def delete_network(api, net_id):
    """Deletes a network and its ports (ports of compute owners block the delete)."""
    for p in api.get("/v2.0/ports", params={"network_id": net_id}).json()["ports"]:
        api.delete("/v2.0/ports/" + p["id"])
    r = api.delete("/v2.0/networks/" + net_id)
    assert r.status_code in (204, 404), r.text


def make_port(api, net_id, **attrs):
    attrs["network_id"] = net_id
    return api.ok(api.post("/v2.0/ports", {"port": attrs}), 201)["port"]


@pytest.fixture
def net(api_srv):
    n = api_srv.ok(api_srv.post("/v2.0/networks", {"network": {"name": uname("an")}}), 201)
    yield n["network"]
    delete_network(api_srv, n["network"]["id"])


@pytest.fixture
def api_srv(srv):
    from api_helpers import Api
    return Api(srv.url)


# --- Agent records --------------------------------------------------------------------

def test_heartbeat_creates_then_refreshes_the_record(srv, api_srv):
    a = agent_for(srv, mappings={"provider": "eth1"}, vxlan_ip="10.0.1.10")
    first = a.report(start=True)
    assert first["state"] == "new" and UUID_RE.match(first["agent_id"])
    assert a.report()["state"] == "alive"
    rec = api_srv.show("agents", first["agent_id"])
    assert rec["agent_type"] == LB and rec["binary"] == "neutron-linuxbridge-agent"
    assert rec["host"] == a.host and rec["topic"] == "N/A"
    assert rec["alive"] is True and rec["admin_state_up"] is True
    assert rec["availability_zone"] is None and rec["description"] is None
    assert rec["configurations"]["interface_mappings"] == {"provider": "eth1"}
    assert rec["configurations"]["tunnel_types"] == ["vxlan"]
    for k in ("created_at", "started_at", "heartbeat_timestamp"):
        assert len(rec[k]) == 19 and rec[k][10] == " ", rec[k]
    assert set(rec) == {"id", "agent_type", "binary", "topic", "host", "admin_state_up",
                        "alive", "created_at", "started_at", "heartbeat_timestamp",
                        "description", "availability_zone", "configurations",
                        "resources_synced"}
    # One record per (type, host).
    listed = api_srv.get("/v2.0/agents", params={"host": a.host}).json()["agents"]
    assert [x["id"] for x in listed] == [first["agent_id"]]


def test_dead_agent_is_not_alive_and_revives(srv, api_srv):
    a = agent_for(srv)
    aid = a.report(start=True)["agent_id"]
    time.sleep(3.2)
    assert api_srv.show("agents", aid)["alive"] is False
    dead = api_srv.get("/v2.0/agents", params={"alive": "false", "host": a.host}).json()
    assert [x["id"] for x in dead["agents"]] == [aid]
    assert a.report()["state"] == "revived"
    assert api_srv.show("agents", aid)["alive"] is True


def test_agent_list_filters_and_fields(srv, api_srv):
    a = agent_for(srv)
    aid = a.report(start=True)["agent_id"]
    r = api_srv.get("/v2.0/agents", params={"agent_type": LB, "host": a.host,
                                            "fields": ["id", "alive"]})
    assert r.json() == {"agents": [{"id": aid, "alive": True}]}
    assert api_srv.get("/v2.0/agents", params={"host": a.host, "agent_type": "DHCP agent"}
                       ).json() == {"agents": []}


def test_agent_update_and_delete(srv, api_srv):
    a = agent_for(srv)
    aid = a.report(start=True)["agent_id"]
    upd = api_srv.update("agents", aid, {"admin_state_up": False, "description": "off"})
    assert upd["admin_state_up"] is False and upd["description"] == "off"
    for body, kind in (({"host": "x"}, "HTTPBadRequest"), ({"foo": 1}, "HTTPBadRequest"),
                       ({"admin_state_up": "maybe"}, "InvalidInput")):
        r = api_srv.put("/v2.0/agents/" + aid, {"agent": body})
        assert r.status_code == 400, r.text
        assert r.json()["NeutronError"]["type"] == kind
    assert "Cannot update read-only attribute host" in api_srv.put(
        "/v2.0/agents/" + aid, {"agent": {"host": "x"}}).json()["NeutronError"]["message"]
    # The next heartbeat keeps the admin's settings.
    a.report()
    assert api_srv.show("agents", aid)["admin_state_up"] is False
    assert api_srv.delete("/v2.0/agents/" + aid).status_code == 204
    r = api_srv.get("/v2.0/agents/" + aid)
    assert r.status_code == 404
    assert r.json()["NeutronError"]["type"] == "AgentNotFound"
    # A running agent comes back with a new id.
    again = a.report()
    assert again["state"] == "new" and again["agent_id"] != aid


def test_agents_are_not_created_through_the_api(api_srv):
    r = api_srv.post("/v2.0/agents", {"agent": {"host": "x"}})
    assert r.status_code == 400


@pytest.mark.parametrize("body", [
    None, [], {"agent": {}}, {"agent": {"agent_type": "Open vSwitch agent", "host": "h",
                                        "binary": "b", "configurations": {}}},
    {"agent": {"agent_type": LB, "host": "", "binary": "b", "configurations": {}}},
    {"agent": {"agent_type": LB, "host": "h", "binary": "b", "configurations": []}},
    {"agent": {"agent_type": LB, "host": "h" * 300, "binary": "b", "configurations": {}}},
])
def test_bad_reports_are_400(srv, body):
    r = requests.post(srv.url + "/agent/v1/report", json=body, timeout=30)
    assert r.status_code == 400, r.text
    assert r.json()["NeutronError"]["type"] == "HTTPBadRequest"


# --- Binding and status ---------------------------------------------------------------

def test_port_binds_to_a_host_with_an_alive_agent(srv, api_srv, net):
    a = agent_for(srv)
    a.report(start=True)
    port = make_port(api_srv, net["id"], **{"binding:host_id": a.host,
                                            "device_owner": "compute:nova"})
    assert port["binding:vif_type"] == "bridge"
    assert port["binding:vif_details"] == {"connectivity": "l2", "port_filter": True}
    assert port["status"] == "DOWN"
    # The agent sees the tap: details, BUILD.
    [d] = a.details(tap(port["id"]))
    assert d["port_id"] == port["id"] and d["network_id"] == net["id"]
    assert d["mac_address"] == port["mac_address"] and d["network_type"] == "local"
    assert d["segmentation_id"] is None and d["physical_network"] is None and d["mtu"] == 1500
    assert d["device_owner"] == "compute:nova" and d["admin_state_up"] is True
    assert api_srv.show("ports", port["id"])["status"] == "BUILD"
    # Device up: ACTIVE; down: DOWN.
    out = a.status(up=[tap(port["id"])])
    assert out["up"] == [{"device": tap(port["id"]), "exists": True, "status": "ACTIVE"}]
    shown = api_srv.show("ports", port["id"])
    assert shown["status"] == "ACTIVE" and shown["revision_number"] > port["revision_number"]
    a.status(down=[tap(port["id"])])
    assert api_srv.show("ports", port["id"])["status"] == "DOWN"


@pytest.mark.parametrize("case", ["no-agent", "gre", "unmapped-flat", "vxlan-off", "vnic"])
def test_binding_failures(srv, api_srv, case):
    a = agent_for(srv, mappings={"provider": "eth1"})
    a.report(start=True)
    net_attrs = {"name": uname("bf")}
    port_attrs = {"binding:host_id": a.host}
    if case == "no-agent":
        port_attrs["binding:host_id"] = "nowhere-" + uname()
    elif case == "gre":
        net_attrs["provider:network_type"] = "gre"
    elif case == "unmapped-flat":
        net_attrs.update({"provider:network_type": "flat",
                          "provider:physical_network": "provider"})
        a.mappings = {}
        a.report()
    elif case == "vxlan-off":
        net_attrs["provider:network_type"] = "vxlan"
    elif case == "vnic":
        port_attrs["binding:vnic_type"] = "direct"
    n = api_srv.ok(api_srv.post("/v2.0/networks", {"network": net_attrs}), 201)["network"]
    try:
        port = make_port(api_srv, n["id"], **port_attrs)
        assert port["binding:vif_type"] == "binding_failed"
        assert port["binding:vif_details"] == {}
        assert port["status"] == "DOWN"
        [d] = a.details(tap(port["id"]))
        assert "mac_address" not in d
        assert api_srv.show("ports", port["id"])["status"] == "DOWN"
    finally:
        delete_network(api_srv, n["id"])


def test_flat_vlan_vxlan_bind_with_the_right_agent(srv, api_srv):
    a = agent_for(srv, mappings={"provider": "eth1"}, vxlan_ip="10.0.1.11")
    a.report(start=True)
    for attrs in ({"provider:network_type": "flat", "provider:physical_network": "provider"},
                  {"provider:network_type": "vlan", "provider:physical_network": "provider"},
                  {"provider:network_type": "vxlan"}):
        n = api_srv.ok(api_srv.post("/v2.0/networks", {"network": dict(attrs, name=uname())}),
                       201)["network"]
        try:
            port = make_port(api_srv, n["id"], **{"binding:host_id": a.host})
            assert port["binding:vif_type"] == "bridge", attrs
            [d] = a.details(tap(port["id"]))
            assert d["network_type"] == attrs["provider:network_type"]
            assert d["mtu"] == (1450 if d["network_type"] == "vxlan" else 1500)
        finally:
            delete_network(api_srv, n["id"])


def test_dead_agent_fails_binding_then_binds_when_back(srv, api_srv, net):
    a = agent_for(srv)
    a.report(start=True)
    time.sleep(3.2)
    port = make_port(api_srv, net["id"], **{"binding:host_id": a.host})
    assert port["binding:vif_type"] == "binding_failed"
    a.report()
    [d] = a.details(tap(port["id"]))          # the agent asks: binding is retried
    assert d["port_id"] == port["id"] and "mac_address" in d
    shown = api_srv.show("ports", port["id"])
    assert shown["binding:vif_type"] == "bridge" and shown["status"] == "BUILD"


def test_rebinding_to_another_host(srv, api_srv, net):
    a, b = agent_for(srv), agent_for(srv)
    a.report(start=True)
    b.report(start=True)
    port = make_port(api_srv, net["id"], **{"binding:host_id": a.host})
    a.details(tap(port["id"]))
    a.status(up=[tap(port["id"])])
    assert api_srv.show("ports", port["id"])["status"] == "ACTIVE"
    moved = api_srv.update("ports", port["id"], {"binding:host_id": b.host})
    assert moved["status"] == "DOWN" and moved["binding:vif_type"] == "bridge"
    # The old host's agent no longer drives the port.
    assert a.details(tap(port["id"])) == [{"device": tap(port["id"])}]
    assert a.status(up=[tap(port["id"])])["up"][0]["exists"] is False
    assert api_srv.show("ports", port["id"])["status"] == "DOWN"


def test_unknown_and_foreign_devices(srv, net, api_srv):
    a = agent_for(srv)
    a.report(start=True)
    compute = make_port(api_srv, net["id"], **{"binding:host_id": "elsewhere",
                                               "device_owner": "compute:nova"})
    out = a.details("tap00000000-00", "eth0", tap(compute["id"]))
    assert out == [{"device": "tap00000000-00"}, {"device": "eth0"},
                   {"device": tap(compute["id"]), "no_active_binding": True}]


def test_admin_down_port_stays_down(srv, api_srv, net):
    a = agent_for(srv)
    a.report(start=True)
    port = make_port(api_srv, net["id"], admin_state_up=False,
                     **{"binding:host_id": a.host})
    [d] = a.details(tap(port["id"]))
    assert d["admin_state_up"] is False
    a.status(up=[tap(port["id"])])
    assert api_srv.show("ports", port["id"])["status"] == "DOWN"


# --- Change feed ----------------------------------------------------------------------

def test_change_feed_and_long_poll(srv, api_srv, net):
    a = agent_for(srv)
    start = a.report(start=True)["seq"]
    port = make_port(api_srv, net["id"], **{"binding:host_id": a.host})
    got = a.changes(start)
    kinds = [(c["kind"], c["id"]) for c in got["changes"]]
    assert ("port_update", port["id"]) in kinds
    seq = got["seq"]
    # Nothing new: a long-poll waits, and wakes as soon as a change commits.
    box = {}

    def poll():
        t0 = time.monotonic()
        box["answer"] = a.changes(seq, wait=20)
        box["took"] = time.monotonic() - t0

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    assert "answer" not in box
    api_srv.update("ports", port["id"], {"name": "renamed"})
    t.join(30)
    assert box["took"] < 5
    assert [(c["kind"], c["id"]) for c in box["answer"]["changes"]] == [
        ("port_update", port["id"])]
    # Timeout with nothing: an empty answer after about the wait.
    t0 = time.monotonic()
    empty = a.changes(box["answer"]["seq"], wait=1)
    assert empty["changes"] == [] and 0.9 < time.monotonic() - t0 < 5
    # Network deleted: every agent hears of it.
    delete_network(api_srv, net["id"])
    got = a.changes(empty["seq"])
    assert ("network_delete", net["id"]) in [(c["kind"], c["id"]) for c in got["changes"]]


def test_feed_survives_a_server_restart(start_server):
    srv = start_server()
    from api_helpers import Api
    api = Api(srv.url)
    a = FakeAgent(srv.url, uname("host"))
    a.report(start=True)
    n = api.ok(api.post("/v2.0/networks", {"network": {"name": "r"}}), 201)["network"]
    port = make_port(api, n["id"], **{"binding:host_id": a.host})
    srv.kill9()
    srv.start()
    got = a.changes(0)
    assert ("port_update", port["id"]) in [(c["kind"], c["id"]) for c in got["changes"]]
    assert a.changes(got["seq"] + 1000)["resync"] is True


def test_sync_lists_bound_ports_and_networks(srv, api_srv, net):
    a = agent_for(srv)
    a.report(start=True)
    port = make_port(api_srv, net["id"], **{"binding:host_id": a.host})
    r = a.call("GET", "sync", params={"host": a.host})
    assert r.status_code == 200
    body = r.json()
    assert [p["port_id"] for p in body["ports"]] == [port["id"]]
    assert body["ports"][0]["device"] == tap(port["id"])
    assert net["id"] in body["networks"]


def test_l2pop_lists_remote_active_ports(srv, api_srv):
    a = agent_for(srv, vxlan_ip="10.0.9.1")
    b = agent_for(srv, vxlan_ip="10.0.9.2")
    a.report(start=True)
    b.report(start=True)
    n = api_srv.ok(api_srv.post("/v2.0/networks", {"network": {
        "name": uname(), "provider:network_type": "vxlan"}}), 201)["network"]
    try:
        pa = make_port(api_srv, n["id"], **{"binding:host_id": a.host})
        pb = make_port(api_srv, n["id"], **{"binding:host_id": b.host})
        for ag, p in ((a, pa), (b, pb)):
            ag.details(tap(p["id"]))
            ag.status(up=[tap(p["id"])])
        r = a.call("GET", "l2pop", params={"host": a.host, "network_id": n["id"]}).json()
        assert r["network_type"] == "vxlan"
        assert r["vteps"] == {"10.0.9.2": [[pb["mac_address"], ""]]}
        r = b.call("GET", "l2pop", params={"host": b.host, "network_id": n["id"]}).json()
        assert list(r["vteps"]) == ["10.0.9.1"]
    finally:
        delete_network(api_srv, n["id"])


# --- Who may call ---------------------------------------------------------------------

def test_agent_api_needs_an_agent_credential(ks_server):
    for user, code in (("none", 401), ("demo", 403), ("rdr", 403), ("admin", 200),
                       ("neutrino-agent", 200)):
        headers = {} if user == "none" else {"X-Auth-Token": ks_server.token(user)}
        r = requests.get(ks_server.url + "/agent/v1/sync", params={"host": "h"},
                         headers=headers, timeout=30)
        assert r.status_code == code, (user, r.text)
    for user in ("demo", "neutrino-agent"):
        r = requests.get(ks_server.url + "/v2.0/agents", timeout=30,
                         headers={"X-Auth-Token": ks_server.token(user)})
        assert r.json() == {"agents": []}


# --- Security groups ------------------------------------------------------------------

def make_group(api, **attrs):
    attrs.setdefault("name", uname("sg"))
    return api.ok(api.post("/v2.0/security-groups", {"security_group": attrs}),
                  201)["security_group"]


def make_rule(api, group_id, **attrs):
    attrs["security_group_id"] = group_id
    return api.ok(api.post("/v2.0/security-group-rules", {"security_group_rule": attrs}),
                  201)["security_group_rule"]


def sg_changes(agent, after):
    got = agent.changes(after)
    return got["seq"], [(c["kind"], c["id"]) for c in got["changes"]
                        if c["kind"].startswith("sg_")]


def test_security_group_changes_on_the_feed(srv, api_srv, net):
    """A group's changes reach the hosts whose bound ports use it, directly or through a
    rule naming it as remote group; an agent with no such port hears nothing."""
    a, bystander = agent_for(srv), agent_for(srv)
    seq = a.report(start=True)["seq"]
    other_seq = bystander.report(start=True)["seq"]
    api_srv.ok(api_srv.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "10.77.0.0/24", "ip_version": 4}}), 201)
    g1, g2, watcher = make_group(api_srv), make_group(api_srv), make_group(api_srv)
    for g in (g1, g2):
        make_rule(api_srv, watcher["id"], direction="ingress", remote_group_id=g["id"])
    observer = make_port(api_srv, net["id"], security_groups=[watcher["id"]],
                         **{"binding:host_id": a.host})
    seq, kinds = sg_changes(a, seq)
    port = make_port(api_srv, net["id"], security_groups=[g1["id"]])
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_members", g1["id"])]
    rule = make_rule(api_srv, g1["id"], direction="ingress", protocol="tcp")
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", g1["id"])]
    api_srv.ok(api_srv.delete("/v2.0/security-group-rules/" + rule["id"]), 204)
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", g1["id"])]
    # A rename moves no address; new pairs or groups do (the old group and the new).
    api_srv.update("ports", port["id"], {"name": "renamed"})
    seq, kinds = sg_changes(a, seq)
    assert kinds == []
    api_srv.update("ports", port["id"], {"allowed_address_pairs": [
        {"ip_address": "10.9.9.0/24"}]})
    seq, kinds = sg_changes(a, seq)
    assert set(kinds) == {("sg_members", g1["id"])}
    api_srv.update("ports", port["id"], {"security_groups": [g2["id"]]})
    seq, kinds = sg_changes(a, seq)
    assert set(kinds) == {("sg_members", g1["id"]), ("sg_members", g2["id"])}
    api_srv.ok(api_srv.delete("/v2.0/ports/" + port["id"]), 204)
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_members", g2["id"])]
    api_srv.ok(api_srv.put("/v2.0/security-groups/" + g1["id"],
                           {"security_group": {"stateful": False}}), 200)
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", g1["id"])]
    # Deleting a group takes the watcher's rules naming it: its host is told.
    for g in (g1, g2):
        api_srv.ok(api_srv.delete("/v2.0/security-groups/" + g["id"]), 204)
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", g1["id"]), ("sg_rules", g2["id"])]
    # The watcher's own rules: its host hears of them.
    make_rule(api_srv, watcher["id"], direction="egress", protocol="udp")
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", watcher["id"])]
    assert sg_changes(bystander, other_seq)[1] == []
    api_srv.ok(api_srv.delete("/v2.0/ports/" + observer["id"]), 204)
    api_srv.ok(api_srv.delete("/v2.0/security-groups/" + watcher["id"]), 204)


def test_address_groups_reach_the_agents(srv, api_srv, net):
    """A rule naming an address group: the group's CIDRs come with the rules, under its
    id by family (as a remote group's members), and a change of its addresses reaches
    the hosts of the groups whose rules name it, as those groups' rule change."""
    a, bystander = agent_for(srv), agent_for(srv)
    seq = a.report(start=True)["seq"]
    other_seq = bystander.report(start=True)["seq"]
    api_srv.ok(api_srv.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "10.79.0.0/24", "ip_version": 4}}), 201)
    ag = api_srv.ok(api_srv.post("/v2.0/address-groups", {"address_group": {
        "name": "agents-ag", "addresses": ["10.20.0.0/16", "2001:db8::/64"]}}),
        201)["address_group"]
    g = make_group(api_srv)
    make_rule(api_srv, g["id"], direction="ingress", remote_address_group_id=ag["id"])
    port = make_port(api_srv, net["id"], security_groups=[g["id"]],
                     **{"binding:host_id": a.host})
    seq, kinds = sg_changes(a, seq)
    body = a.call("POST", "security-groups", json={"host": a.host, "ids": [g["id"]]}).json()
    assert body["sg_member_ips"] == {ag["id"]: {"IPv4": ["10.20.0.0/16"],
                                                "IPv6": ["2001:db8::/64"]}}
    api_srv.ok(api_srv.put("/v2.0/address-groups/%s/add_addresses" % ag["id"],
                           {"addresses": ["192.0.2.9"]}), 200)
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", g["id"])]
    body = a.call("POST", "security-groups", json={"host": a.host, "ids": [g["id"]]}).json()
    assert body["sg_member_ips"][ag["id"]]["IPv4"] == ["10.20.0.0/16", "192.0.2.9/32"]
    api_srv.ok(api_srv.put("/v2.0/address-groups/%s/remove_addresses" % ag["id"],
                           {"addresses": ["10.20.0.0/16"]}), 200)
    seq, kinds = sg_changes(a, seq)
    assert kinds == [("sg_rules", g["id"])]
    # A rename changes no address: nobody is told.
    api_srv.ok(api_srv.put("/v2.0/address-groups/" + ag["id"],
                           {"address_group": {"name": "renamed"}}), 200)
    assert sg_changes(a, seq)[1] == []
    assert sg_changes(bystander, other_seq)[1] == []
    api_srv.ok(api_srv.delete("/v2.0/ports/" + port["id"]), 204)
    api_srv.ok(api_srv.delete("/v2.0/security-groups/" + g["id"]), 204)
    api_srv.ok(api_srv.delete("/v2.0/address-groups/" + ag["id"]), 204)


def test_a_shared_address_group_reaches_the_agents_of_another_project(srv, api_srv, net):
    """Project b's rule naming project a's group, shared with b by an RBAC policy: the
    group's addresses come with b's rules, and a's changes of them reach b's hosts."""
    a_hdr = {"X-Project-Id": uname("pa"), "X-Roles": "member"}
    b_proj = uname("pb")
    b_hdr = {"X-Project-Id": b_proj, "X-Roles": "member"}
    agent = agent_for(srv)
    seq = agent.report(start=True)["seq"]
    api_srv.ok(api_srv.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "10.81.0.0/24", "ip_version": 4}}), 201)
    ag = api_srv.ok(api_srv.post("/v2.0/address-groups", {"address_group": {
        "name": "shared-ag", "addresses": ["10.30.0.0/16"]}}, headers=a_hdr),
        201)["address_group"]
    policy = api_srv.ok(api_srv.post("/v2.0/rbac-policies", {"rbac_policy": {
        "object_type": "address_group", "object_id": ag["id"], "action": "access_as_shared",
        "target_tenant": b_proj}}, headers=a_hdr), 201)["rbac_policy"]
    g = api_srv.ok(api_srv.post("/v2.0/security-groups", {"security_group": {
        "name": uname("sg")}}, headers=b_hdr), 201)["security_group"]
    try:
        api_srv.ok(api_srv.post("/v2.0/security-group-rules", {"security_group_rule": {
            "security_group_id": g["id"], "direction": "ingress",
            "remote_address_group_id": ag["id"]}}, headers=b_hdr), 201)
        port = make_port(api_srv, net["id"], tenant_id=b_proj, security_groups=[g["id"]],
                         **{"binding:host_id": agent.host})
        seq, _ = sg_changes(agent, seq)
        body = agent.call("POST", "security-groups",
                          json={"host": agent.host, "ids": [g["id"]]}).json()
        assert body["sg_member_ips"] == {ag["id"]: {"IPv4": ["10.30.0.0/16"], "IPv6": []}}
        api_srv.ok(api_srv.put("/v2.0/address-groups/%s/add_addresses" % ag["id"],
                               {"addresses": ["10.31.0.0/16"]}, headers=a_hdr), 200)
        assert sg_changes(agent, seq)[1] == [("sg_rules", g["id"])]
        api_srv.ok(api_srv.delete("/v2.0/ports/" + port["id"]), 204)
    finally:
        api_srv.delete("/v2.0/security-groups/" + g["id"])
        api_srv.delete("/v2.0/rbac-policies/" + policy["id"])
        api_srv.delete("/v2.0/address-groups/" + ag["id"])


def test_security_groups_for_an_agent(srv, api_srv, net):
    """Rules of the asked groups, and members of their remote groups by family."""
    a = agent_for(srv)
    a.report(start=True)
    for cidr, version in (("10.78.0.0/24", 4), ("fd00:78::/64", 6)):
        api_srv.ok(api_srv.post("/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "cidr": cidr, "ip_version": version}}), 201)
    remote, g = make_group(api_srv), make_group(api_srv, stateful=False)
    rule = make_rule(api_srv, g["id"], direction="ingress", protocol="tcp", port_range_min=22,
                     port_range_max=22, remote_group_id=remote["id"])
    member = make_port(api_srv, net["id"], security_groups=[remote["id"]],
                       allowed_address_pairs=[{"ip_address": "10.9.9.0/24"}])
    missing = "00000000-0000-4000-8000-000000000000"
    r = a.call("POST", "security-groups", json={"host": a.host, "ids": [g["id"], missing]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body["security_groups"]) == [g["id"]]
    got = body["security_groups"][g["id"]]
    assert got["stateful"] is False
    shown = [x for x in got["rules"] if x["id"] == rule["id"]]
    assert shown and shown[0]["remote_group_id"] == remote["id"]
    assert shown[0]["port_range_min"] == 22 and shown[0]["protocol"] == "tcp"
    fixed = {ip["ip_address"] for ip in member["fixed_ips"]}
    members = body["sg_member_ips"]
    assert list(members) == [remote["id"]]
    assert set(members[remote["id"]]["IPv4"]) == {ip for ip in fixed if ":" not in ip} | {
        "10.9.9.0/24"}
    assert set(members[remote["id"]]["IPv6"]) == {ip for ip in fixed if ":" in ip}
    assert len(members[remote["id"]]["IPv6"]) == 1
    api_srv.ok(api_srv.delete("/v2.0/ports/" + member["id"]), 204)
    for grp in (g, remote):
        api_srv.ok(api_srv.delete("/v2.0/security-groups/" + grp["id"]), 204)


@pytest.mark.parametrize("body", [
    {"ids": []},
    {"host": "h"},
    {"host": "h", "ids": "x"},
    {"host": "h", "ids": [1]},
    {"host": "h", "ids": ["x" * 100]},
])
def test_bad_security_group_calls_are_400(srv, body):
    r = requests.post(srv.url + "/agent/v1/security-groups", json=body, timeout=30)
    assert r.status_code == 400, r.text
    assert r.json()["NeutronError"]["type"] == "HTTPBadRequest"


def test_slaac_subnet_gives_members_an_address_and_tells_their_agents(srv, api_srv, net):
    a = agent_for(srv)
    seq = a.report(start=True)["seq"]
    g = make_group(api_srv)
    make_rule(api_srv, g["id"], direction="ingress", remote_group_id=g["id"])
    port = make_port(api_srv, net["id"], security_groups=[g["id"]],
                     **{"binding:host_id": a.host})
    seq = a.changes(seq)["seq"]
    api_srv.ok(api_srv.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "fd00:79::/64", "ip_version": 6,
        "ipv6_address_mode": "slaac", "ipv6_ra_mode": "slaac"}}), 201)
    kinds = [(c["kind"], c["id"]) for c in a.changes(seq)["changes"]]
    assert ("port_update", port["id"]) in kinds
    assert ("sg_members", g["id"]) in kinds
    api_srv.ok(api_srv.delete("/v2.0/ports/" + port["id"]), 204)
    api_srv.ok(api_srv.delete("/v2.0/security-groups/" + g["id"]), 204)
