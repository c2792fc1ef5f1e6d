"""multi-provider: networks with several segments (docs/behaviour/ml2.md §7).  Creation
with "segments" and Zed's errors, what a network shows with one segment and with
several, updates, the release of every segment on delete, port binding to the first
segment the host's agent carries, and networks made before migration 21."""

import random
import uuid

import pytest

from api_helpers import Api, assert_error, invalid_input, uname
from schema_rewind import rewind
from test_agents import FakeAgent, delete_network, make_port, tap
from test_subnetpools import member

PT, PN, SI = "provider:network_type", "provider:physical_network", "provider:segmentation_id"


def seg(type_, physnet=None, segid=None):
    s = {PT: type_}
    if physnet is not None:
        s[PN] = physnet
    if segid is not None:
        s[SI] = segid
    return s


def shown(type_, physnet=None, segid=None):
    return {PT: type_, PN: physnet, SI: segid}


def rand_vni():
    """A VNI outside the configured pool (1000-1999), unlikely to be in use."""
    return random.randint(100000, 16000000)


def rand_vlan():
    """A VLAN id outside the configured pool (100-199)."""
    return random.randint(300, 4094)


def is_free(res, attrs):
    """Whether a network with provider attributes 'attrs' can be made now (and is
    deleted again at once)."""
    resp = res.network(expect=None, **attrs)
    if resp.status_code != 201:
        return False
    res.api.delete("/v2.0/networks/" + resp.json()["network"]["id"])
    res.created["networks"].remove(resp.json()["network"]["id"])
    return True


# --- Create, show, list ----------------------------------------------------------------

def test_several_segments_are_shown_as_segments(res, api):
    vni = rand_vni()
    net = res.network(segments=[seg("vxlan", segid=vni), seg("local")])
    assert net["segments"] == [shown("vxlan", None, vni), shown("local")]
    for attr in (PT, PN, SI):
        assert attr not in net
    assert net["mtu"] == 1450       # The largest both segments carry.
    got = api.show("networks", net["id"])
    assert got["segments"] == net["segments"] and PT not in got
    listed = api.list("networks", {"id": net["id"]})
    assert listed[0]["segments"] == net["segments"]
    only = api.ok(api.get("/v2.0/networks/" + net["id"],
                          params={"fields": ["segments", "name"]}), 200)["network"]
    assert only == {"name": net["name"], "segments": net["segments"]}
    none = api.ok(api.get("/v2.0/networks/" + net["id"], params={"fields": PT}), 200)
    assert none["network"] == {}


def test_one_segment_is_shown_as_provider_attributes(res, api):
    vni = rand_vni()
    net = res.network(segments=[seg("vxlan", segid=str(vni))])
    assert (net[PT], net[PN], net[SI]) == ("vxlan", None, vni)
    assert "segments" not in net
    only = api.ok(api.get("/v2.0/networks/" + net["id"], params={"fields": ["segments", "name"]}),
                  200)["network"]
    assert only == {"name": net["name"]}


def test_empty_segments_give_a_tenant_network(res):
    net = res.network(segments=[])
    assert (net[PT], net[PN], net[SI]) == ("local", None, None)


@pytest.mark.parametrize("segid", [0, None, ""], ids=["zero", "null", "empty"])
def test_a_false_segmentation_id_is_chosen_by_ml2(res, segid):
    net = res.network(segments=[{PT: "vxlan", SI: segid}, seg("local")])
    first = net["segments"][0]
    assert first[PT] == "vxlan" and 1000 <= first[SI] <= 1999


def test_segments_with_provider_attributes_are_refused(res):
    resp = res.network(expect=None, segments=[seg("local")], **{PT: "local"})
    assert_error(resp, 400, "SegmentsSetInConjunctionWithProviders",
                 "Segments and provider values cannot both be set.")


def test_a_segment_given_twice_is_refused(res):
    vni = rand_vni()
    resp = res.network(expect=None, segments=[seg("vxlan", segid=vni), seg("vxlan", segid=vni)])
    assert_error(resp, 400, "SegmentsContainDuplicateEntry", "Duplicate segment entry in request.")
    assert is_free(res, {PT: "vxlan", SI: vni})


def test_two_segments_on_one_physnet_are_refused(res):
    """Zed keeps one segment per (network, type, physnet): two VLANs on one physnet
    clash once both are reserved, whatever their ids (partial ones are not duplicates
    in the request)."""
    resp = res.network(expect=None, segments=[seg("vlan", "provider"), seg("vlan", "provider")])
    assert_error(resp, 409, "NeutronDbObjectDuplicateEntry",
                 "Failed to create a duplicate NetworkSegment: for attribute(s) ['network_id',"
                 " 'network_type', 'physical_network'] with value(s) None")


def test_partial_failure_allocates_nothing(res):
    vni, vlan = rand_vni(), rand_vlan()
    flat = res.network(**{PT: "flat", PN: "provider"})
    resp = res.network(expect=None, segments=[seg("vxlan", segid=vni),
                                              seg("vlan", "provider", vlan),
                                              seg("flat", "provider")])
    assert_error(resp, 409, "FlatNetworkInUse",
                 "Unable to create the flat network. Physical network provider is in use.")
    assert is_free(res, {PT: "vxlan", SI: vni})
    assert is_free(res, {PT: "vlan", PN: "provider", SI: vlan})
    assert res.api.show("networks", flat["id"])[PT] == "flat"


def test_a_segment_in_use_is_refused(res):
    vni = rand_vni()
    res.network(**{PT: "vxlan", SI: vni})
    resp = res.network(expect=None, segments=[seg("local"), seg("vxlan", segid=vni)])
    assert_error(resp, 409, "TunnelIdInUse",
                 "Unable to create the network. The tunnel ID %d is in use." % vni)


SEGMENT_ERRORS = [
    ("unknown-type", [seg("local"), seg("bogus")], 400, "InvalidInput",
     invalid_input("network_type value 'bogus' not supported")),
    ("no-type", [{PN: "provider"}], 400, "InvalidInput", invalid_input("network_type required")),
    ("flat-no-physnet", [seg("local"), seg("flat")], 400, "InvalidInput",
     invalid_input("physical_network required for flat provider network")),
    ("unknown-key", [{PT: "local", "foo": 1}], 400, "HTTPBadRequest",
     "Unrecognized attribute(s) 'foo'"),
    ("segid-not-integer", [{PT: "vxlan", SI: "x"}], 400, "InvalidInput",
     invalid_input("'x' is not an integer")),
]


@pytest.mark.parametrize("segments,status,type_,message", [r[1:] for r in SEGMENT_ERRORS],
                         ids=[r[0] for r in SEGMENT_ERRORS])
def test_segment_errors(res, segments, status, type_, message):
    assert_error(res.network(expect=None, segments=segments), status, type_, message)


@pytest.mark.neutrino_only
@pytest.mark.parametrize("value,reason", [
    ("abc", "'abc' is not a list"), (None, "'None' is not a list"),
    ([1], "'1' is not a dictionary")], ids=["string", "null", "not-a-dict"])
def test_segments_not_a_list_of_dicts(res, value, reason):
    """Zed answers these with a 500; neutrino says what is wrong."""
    assert_error(res.network(expect=None, segments=value), 400, "HTTPBadRequest",
                 "Invalid input for segments. Reason: %s." % reason)


@pytest.mark.neutrino_only
def test_only_admins_give_segments(api):
    me = member(uuid.uuid4().hex)
    resp = api.post("/v2.0/networks", {"network": {"name": uname(), "segments": [seg("local")]}},
                    headers=me)
    assert_error(resp, 403, "PolicyNotAuthorized", "(rule:create_network and "
                 "rule:create_network:segments) is disallowed by policy")


def test_provider_filters_match_any_one_segment(res, api):
    """ML2 lists a network when one of its segments matches every provider filter."""
    vni, vlan = rand_vni(), rand_vlan()
    net = res.network(segments=[seg("vxlan", segid=vni), seg("vlan", "provider", vlan)])

    def found(**filters):
        filters["name"] = net["name"]
        return [n["id"] for n in api.list("networks", filters)] == [net["id"]]

    assert found(**{PT: "vxlan"}) and found(**{PT: "vlan"})
    assert found(**{PT: "vlan", PN: "provider", SI: vlan})
    assert found(**{PT: "vxlan", SI: vni}) and found(**{SI: vlan})
    assert found(**{PT: ["flat", "vlan"]})
    assert not found(**{PT: "vxlan", SI: vlan})     # Not both on one segment.
    assert not found(**{PT: "vlan", SI: vni})
    assert not found(**{PT: "flat"})


def test_segments_cannot_filter(api):
    resp = api.get("/v2.0/networks", params={"segments": "x"})
    assert_error(resp, 400, "HTTPBadRequest", "['segments'] is invalid attribute for filtering")


def test_extension_is_listed(api):
    ext = api.ok(api.get("/v2.0/extensions/multi-provider"), 200)["extension"]
    assert ext == {"name": "Multi Provider Network", "alias": "multi-provider",
                   "description": "Expose mapping of virtual networks to multiple physical"
                                  " networks",
                   "updated": "2013-06-27T10:00:00-00:00", "links": []}


# --- Update and delete -----------------------------------------------------------------

def test_updating_segments_changes_nothing(res, api):
    """Zed accepts "segments" on update and ignores it (no new revision either)."""
    vni = rand_vni()
    net = res.network(segments=[seg("vxlan", segid=vni), seg("local")])
    got = api.update("networks", net["id"], {"segments": [seg("local")]})
    assert got["segments"] == net["segments"]
    assert got["revision_number"] == net["revision_number"]
    renamed = api.update("networks", net["id"], {"name": uname()})
    assert renamed["segments"] == net["segments"]
    one = res.network(segments=[seg("local")])
    got = api.update("networks", one["id"], {"segments": [seg("vxlan")]})
    assert got[PT] == "local" and "segments" not in got


def test_provider_update_needs_a_single_segment(res, api):
    net = res.network(segments=[seg("vlan", "provider", rand_vlan()), seg("local")])
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {SI: rand_vlan()}})
    assert_error(resp, 400, "InvalidInput", invalid_input(
        "Provider network attributes can be updated only in provider networks with a"
        " single segment."))
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {"mtu": 1500}})
    assert resp.status_code == 200, resp.text


def test_mtu_is_bounded_by_every_segment(res, api):
    net = res.network(segments=[seg("local"), seg("vxlan", segid=rand_vni())])
    assert net["mtu"] == 1450
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {"mtu": 1500}})
    assert_error(resp, 400, "InvalidInput", invalid_input("Requested MTU is too big, maximum"
                                                          " is 1450"))


def test_delete_frees_every_segment(res, api):
    vni, vlan = rand_vni(), rand_vlan()
    net = res.network(segments=[seg("vxlan", segid=vni), seg("vlan", "provider", vlan),
                                seg("flat", "provider")])
    assert not is_free(res, {PT: "vxlan", SI: vni})
    assert not is_free(res, {PT: "flat", PN: "provider"})
    api.ok(api.delete("/v2.0/networks/" + net["id"]), 204)
    res.created["networks"].remove(net["id"])
    assert is_free(res, {PT: "vxlan", SI: vni})
    assert is_free(res, {PT: "vlan", PN: "provider", SI: vlan})
    assert is_free(res, {PT: "flat", PN: "provider"})


# --- Binding (a server of its own, with agents played by HTTP calls) -------------------

@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-multiprov"))
    s.start()
    yield s
    check_clean_exit(s, s.stop())


@pytest.fixture
def api_srv(srv):
    return Api(srv.url)


@pytest.fixture
def two_segment_net(api_srv):
    vni = rand_vni()
    n = api_srv.ok(api_srv.post("/v2.0/networks", {"network": {
        "name": uname("mp"), "segments": [seg("vxlan", segid=vni),
                                          seg("flat", "provider")]}}), 201)["network"]
    yield n, vni
    delete_network(api_srv, n["id"])


@pytest.mark.own_server
@pytest.mark.parametrize("mappings,vxlan,bound", [
    ({"provider": "eth1"}, False, ("flat", "provider", None)),
    ({}, True, ("vxlan", None, "vni")),
    ({"provider": "eth1"}, True, ("vxlan", None, "vni")),
], ids=["flat-only", "vxlan-only", "both-first-wins"])
def test_binding_picks_the_first_segment_the_host_carries(srv, api_srv, two_segment_net,
                                                          mappings, vxlan, bound):
    net, vni = two_segment_net
    agent = FakeAgent(srv.url, uname("host"), mappings=mappings,
                      vxlan_ip="10.0.7.%d" % random.randint(2, 250) if vxlan else None)
    agent.report(start=True)
    port = make_port(api_srv, net["id"], **{"binding:host_id": agent.host})
    assert port["binding:vif_type"] == "bridge"
    [d] = agent.details(tap(port["id"]))
    want = tuple(vni if v == "vni" else v for v in bound)
    assert (d["network_type"], d["physical_network"], d["segmentation_id"]) == want
    assert d["mtu"] == 1450


@pytest.mark.own_server
def test_binding_fails_when_no_segment_fits_then_binds_later(srv, api_srv, two_segment_net):
    net, _ = two_segment_net
    agent = FakeAgent(srv.url, uname("host"), mappings={"other": "eth9"})
    agent.report(start=True)
    port = make_port(api_srv, net["id"], **{"binding:host_id": agent.host})
    assert port["binding:vif_type"] == "binding_failed"
    # The host's agent now maps the flat segment's physnet: the next update binds.
    agent.mappings = {"provider": "eth1"}
    agent.report()
    port = api_srv.update("ports", port["id"], {"name": uname()})
    assert port["binding:vif_type"] == "bridge"
    [d] = agent.details(tap(port["id"]))
    assert (d["network_type"], d["physical_network"]) == ("flat", "provider")


@pytest.mark.own_server
def test_rebinding_to_another_host_changes_the_segment(srv, api_srv, two_segment_net):
    net, vni = two_segment_net
    flat = FakeAgent(srv.url, uname("host"), mappings={"provider": "eth1"})
    tunnel = FakeAgent(srv.url, uname("host"), vxlan_ip="10.0.8.2")
    flat.report(start=True)
    tunnel.report(start=True)
    port = make_port(api_srv, net["id"], **{"binding:host_id": flat.host})
    assert flat.details(tap(port["id"]))[0]["network_type"] == "flat"
    api_srv.update("ports", port["id"], {"binding:host_id": tunnel.host})
    [d] = tunnel.details(tap(port["id"]))
    assert (d["network_type"], d["segmentation_id"]) == ("vxlan", vni)
    l2pop = tunnel.call("GET", "l2pop", params={"host": tunnel.host,
                                                 "network_id": net["id"]}).json()
    assert (l2pop["network_type"], l2pop["segmentation_id"]) == ("vxlan", vni)


@pytest.mark.own_server
def test_l2pop_lists_only_ports_bound_to_the_tunnel_segment(srv, api_srv):
    """A host whose port is bound to the flat segment carries no vxlan device for the
    network, so the other hosts must not be told to send its traffic to that host."""
    vni = rand_vni()
    net = api_srv.ok(api_srv.post("/v2.0/networks", {"network": {
        "name": uname("mp"), "segments": [seg("flat", "provider"),
                                          seg("vxlan", segid=vni)]}}), 201)["network"]
    try:
        on_flat = FakeAgent(srv.url, uname("host"), mappings={"provider": "eth1"},
                            vxlan_ip="10.0.10.1")
        on_vxlan = FakeAgent(srv.url, uname("host"), vxlan_ip="10.0.10.2")
        asking = FakeAgent(srv.url, uname("host"), vxlan_ip="10.0.10.3")
        ports = {}
        for agent in (on_flat, on_vxlan, asking):
            agent.report(start=True)
            port = make_port(api_srv, net["id"], **{"binding:host_id": agent.host})
            [d] = agent.details(tap(port["id"]))
            assert d["network_type"] == ("flat" if agent is on_flat else "vxlan")
            agent.status(up=[tap(port["id"])])
            ports[agent.host] = port
        r = asking.call("GET", "l2pop", params={"host": asking.host,
                                                "network_id": net["id"]}).json()
        assert (r["network_type"], r["segmentation_id"]) == ("vxlan", vni)
        assert r["vteps"] == {"10.0.10.2": [[ports[on_vxlan.host]["mac_address"], ""]]}
    finally:
        delete_network(api_srv, net["id"])


@pytest.mark.own_server
def test_dhcp_port_binds_to_the_segment_its_host_carries(srv, api_srv, two_segment_net):
    from test_dhcp_scheduling import FakeDhcpAgent
    net, _ = two_segment_net
    host = uname("node")
    lb = FakeAgent(srv.url, host, mappings={"provider": "eth1"})
    lb.report(start=True)
    dhcp = FakeDhcpAgent(srv.url, host)
    dhcp.report(start=True)
    api_srv.ok(api_srv.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "172.16.9.0/24", "ip_version": 4}}), 201)
    info = dhcp.network(net["id"])
    assert info["hosted"] and info["network"]["network_type"] == "flat"
    port = info["dhcp_port"]
    assert api_srv.show("ports", port["id"])["binding:vif_type"] == "bridge"
    [d] = lb.details(tap(port["id"]))
    assert (d["network_type"], d["physical_network"]) == ("flat", "provider")


# --- Migration 21 ----------------------------------------------------------------------

@pytest.mark.own_server
def test_networks_made_before_migration_22_keep_working(start_server):
    srv = start_server()
    api = Api(srv.url)
    vni = rand_vni()
    net = api.ok(api.post("/v2.0/networks", {"network": {"name": uname("old"), PT: "vxlan",
                                                         SI: vni}}), 201)["network"]
    agent = FakeAgent(srv.url, uname("host"), vxlan_ip="10.0.6.2")
    agent.report(start=True)
    port = make_port(api, net["id"], **{"binding:host_id": agent.host})
    srv.stop()
    rewind(srv, 20)
    again = start_server(state_dir=srv.state)
    api = Api(again.url)
    got = api.show("networks", net["id"])
    assert (got[PT], got[PN], got[SI]) == ("vxlan", None, vni) and "segments" not in got
    agent = FakeAgent(again.url, agent.host, vxlan_ip="10.0.6.2")
    agent.report()
    [d] = agent.details(tap(port["id"]))
    assert (d["network_type"], d["segmentation_id"]) == ("vxlan", vni)
    multi = api.ok(api.post("/v2.0/networks", {"network": {
        "name": uname("new"), "segments": [seg("local"), seg("flat", "provider")]}}),
        201)["network"]
    assert multi["segments"][1] == shown("flat", "provider")
    delete_network(api, net["id"])
    delete_network(api, multi["id"])
    resp = api.post("/v2.0/networks", {"network": {"name": uname(), PT: "vxlan", SI: vni}})
    api.ok(resp, 201)
    delete_network(api, resp.json()["network"]["id"])
