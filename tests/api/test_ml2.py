"""ML2: provider-attribute validation per type, segment reservation and release, MTUs,
provider updates, tenant network types with fall-back (docs/behaviour/ml2.md §2-4)."""

import random

import pytest

from api_helpers import Api, Resources, assert_error, invalid_input

PT, PN, SI = "provider:network_type", "provider:physical_network", "provider:segmentation_id"


def provider(net):
    return net[PT], net[PN], net[SI]


def rand_vlan():
    """A VLAN id outside the configured pool (100-199), unlikely to be in use."""
    return random.randint(300, 4094)


def rand_vni():
    return random.randint(100000, 16000000)


def rand_gre():
    return random.randint(1000, 4000000000)


PROVIDER_ERRORS = [
    ("physnet-without-type", {PN: "provider"}, "network_type required"),
    ("segid-without-type", {SI: 5}, "network_type required"),
    ("geneve-not-loaded", {PT: "geneve"}, "network_type value 'geneve' not supported"),
    ("unknown-type", {PT: "bogus"}, "network_type value 'bogus' not supported"),
    ("local-physnet", {PT: "local", PN: "provider"},
     "physical_network prohibited for local provider network"),
    ("local-segid", {PT: "local", SI: 5}, "segmentation_id prohibited for local provider network"),
    ("flat-no-physnet", {PT: "flat"}, "physical_network required for flat provider network"),
    ("flat-unknown-physnet", {PT: "flat", PN: "bogus"},
     "physical_network 'bogus' unknown for flat provider network"),
    ("flat-segid", {PT: "flat", PN: "provider", SI: 7},
     "segmentation_id prohibited for flat provider network"),
    ("vlan-unknown-physnet", {PT: "vlan", PN: "bogus", SI: 100},
     "physical_network 'bogus' unknown for VLAN provider network"),
    ("vlan-id-0", {PT: "vlan", PN: "provider", SI: 0},
     "segmentation_id out of range (1 through 4094)"),
    ("vlan-id-4095", {PT: "vlan", PN: "provider", SI: 4095},
     "segmentation_id out of range (1 through 4094)"),
    ("vlan-id-without-physnet", {PT: "vlan", SI: 150},
     "segmentation_id requires physical_network for VLAN provider network"),
    ("vxlan-physnet", {PT: "vxlan", PN: "provider"},
     "provider:physical_network specified for vxlan network"),
    ("gre-physnet", {PT: "gre", PN: "provider", SI: 5},
     "provider:physical_network specified for gre network"),
    ("segid-not-integer", {PT: "vlan", PN: "provider", SI: "abc"}, "'abc' is not an integer"),
]


@pytest.mark.parametrize("attrs,text", [r[1:] for r in PROVIDER_ERRORS],
                         ids=[r[0] for r in PROVIDER_ERRORS])
def test_provider_validation(res, attrs, text):
    resp = res.network(expect=None, **attrs)
    assert_error(resp, 400, "InvalidInput", invalid_input(text))


def test_segmentation_id_given_as_string_is_converted(res):
    vlan = rand_vlan()
    net = res.network(**{PT: "vlan", PN: "provider", SI: str(vlan)})
    assert provider(net) == ("vlan", "provider", vlan)


# --- segments of each type, MTUs (docs/behaviour/ml2.md §2, §4) ---

def test_default_tenant_network_is_local(res):
    net = res.network()
    assert provider(net) == ("local", None, None)
    assert net["mtu"] == 1500


def test_explicit_local(res):
    net = res.network(**{PT: "local"})
    assert provider(net) == ("local", None, None) and net["mtu"] == 1500


def test_vlan_from_pool(res):
    net = res.network(**{PT: "vlan", PN: "provider"})
    assert net[PT] == "vlan" and net[PN] == "provider"
    assert 100 <= net[SI] <= 199
    assert net["mtu"] == 1500


def test_vlan_type_only_picks_physnet_and_id(res):
    net = res.network(**{PT: "vlan"})
    assert net[PN] == "provider" and 100 <= net[SI] <= 199


def test_vlan_explicit_id_outside_pool(res):
    vlan = rand_vlan()
    net = res.network(**{PT: "vlan", PN: "provider", SI: vlan})
    assert provider(net) == ("vlan", "provider", vlan)


def test_vxlan_from_pool(res):
    net = res.network(**{PT: "vxlan"})
    assert net[PN] is None and 1000 <= net[SI] <= 1999
    assert net["mtu"] == 1450


def test_vxlan_explicit_id(res):
    vni = rand_vni()
    net = res.network(**{PT: "vxlan", SI: vni})
    assert provider(net) == ("vxlan", None, vni) and net["mtu"] == 1450


def test_gre_from_pool_and_explicit(res):
    net = res.network(**{PT: "gre"})
    assert net[PN] is None and 1 <= net[SI] <= 100
    assert net["mtu"] == 1458
    gid = rand_gre()
    net = res.network(**{PT: "gre", SI: gid})
    assert provider(net) == ("gre", None, gid) and net["mtu"] == 1458


def test_flat_network_and_in_use(api, res):
    resp = res.network(expect=None, **{PT: "flat", PN: "provider"})
    if resp.status_code == 409:
        # Some other test run holds the only flat physnet: that is the conflict itself.
        pytest.skip("physnet 'provider' already has a flat network elsewhere")
    assert resp.status_code == 201
    net = resp.json()["network"]
    assert provider(net) == ("flat", "provider", None) and net["mtu"] == 1500
    resp = res.network(expect=None, **{PT: "flat", PN: "provider"})
    assert_error(resp, 409, "FlatNetworkInUse",
                 "Unable to create the flat network. Physical network provider is in use.")
    # Released on delete: the physnet can carry a flat network again.
    api.ok(api.delete("/v2.0/networks/" + net["id"]), 204)
    again = res.network(**{PT: "flat", PN: "provider"})
    assert again[PT] == "flat"


def test_vlan_id_in_use(api, res):
    vlan = rand_vlan()
    net = res.network(**{PT: "vlan", PN: "provider", SI: vlan})
    resp = res.network(expect=None, **{PT: "vlan", PN: "provider", SI: vlan})
    assert_error(resp, 409, "VlanIdInUse",
                 "Unable to create the network. The VLAN %d on physical network provider is in "
                 "use." % vlan)
    api.ok(api.delete("/v2.0/networks/" + net["id"]), 204)
    assert res.network(**{PT: "vlan", PN: "provider", SI: vlan})[SI] == vlan


def test_vlan_id_in_pool_in_use_and_released(api, res):
    net = res.network(**{PT: "vlan", PN: "provider"})
    vlan = net[SI]
    resp = res.network(expect=None, **{PT: "vlan", PN: "provider", SI: vlan})
    assert_error(resp, 409, "VlanIdInUse")
    api.ok(api.delete("/v2.0/networks/" + net["id"]), 204)
    assert res.network(**{PT: "vlan", PN: "provider", SI: vlan})[SI] == vlan


@pytest.mark.parametrize("ntype,pick", [("vxlan", rand_vni), ("gre", rand_gre)])
def test_tunnel_id_in_use(api, res, ntype, pick):
    tid = pick()
    net = res.network(**{PT: ntype, SI: tid})
    resp = res.network(expect=None, **{PT: ntype, SI: tid})
    assert_error(resp, 409, "TunnelIdInUse",
                 "Unable to create the network. The tunnel ID %d is in use." % tid)
    api.ok(api.delete("/v2.0/networks/" + net["id"]), 204)
    assert res.network(**{PT: ntype, SI: tid})[SI] == tid


def test_pool_id_released_on_delete(api, res):
    net = res.network(**{PT: "vxlan"})
    vni = net[SI]
    api.ok(api.delete("/v2.0/networks/" + net["id"]), 204)
    assert res.network(**{PT: "vxlan", SI: vni})[SI] == vni


@pytest.mark.neutrino_only
def test_vxlan_id_beyond_24_bits_refused(res):
    # Zed creates it (and the agent cannot wire it); neutrino refuses.
    resp = res.network(expect=None, **{PT: "vxlan", SI: 20000000})
    assert_error(resp, 400, "InvalidInput",
                 invalid_input("segmentation_id out of range (1 through 16777215)"))


# --- MTU (docs/behaviour/ml2.md §4) ---

@pytest.mark.parametrize("attrs,maximum", [
    ({}, 1500), ({PT: "vlan", PN: "provider"}, 1500), ({PT: "vxlan"}, 1450), ({PT: "gre"}, 1458),
], ids=["local", "vlan", "vxlan", "gre"])
def test_requested_mtu_too_big(res, attrs, maximum):
    resp = res.network(expect=None, mtu=maximum + 1, **attrs)
    assert_error(resp, 400, "InvalidInput",
                 invalid_input("Requested MTU is too big, maximum is %d" % maximum))
    assert res.network(mtu=maximum, **attrs)["mtu"] == maximum


def test_small_and_zero_mtu(res):
    assert res.network(mtu=1280)["mtu"] == 1280
    assert res.network(mtu=68)["mtu"] == 68
    assert res.network(mtu=0)["mtu"] == 1500
    assert res.network(mtu=0, **{PT: "vxlan"})["mtu"] == 1450


def test_mtu_update(api, res):
    net = res.network(**{PT: "vxlan"})
    assert api.update("networks", net["id"], {"mtu": 1400})["mtu"] == 1400
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {"mtu": 1500}})
    assert_error(resp, 400, "InvalidInput",
                 invalid_input("Requested MTU is too big, maximum is 1450"))
    assert api.show("networks", net["id"])["mtu"] == 1400


def test_mtu_must_be_an_integer(res):
    resp = res.network(expect=None, mtu="big")
    assert resp.status_code == 400


# --- provider updates (docs/behaviour/ml2.md §3.4) ---

def test_update_vlan_segmentation_id(api, res):
    old, new = rand_vlan(), rand_vlan()
    while new == old:
        new = rand_vlan()
    net = res.network(**{PT: "vlan", PN: "provider", SI: old})
    upd = api.update("networks", net["id"], {SI: new})
    assert provider(upd) == ("vlan", "provider", new)
    # The old id is free, the new one taken.
    assert res.network(**{PT: "vlan", PN: "provider", SI: old})[SI] == old
    resp = res.network(expect=None, **{PT: "vlan", PN: "provider", SI: new})
    assert_error(resp, 409, "VlanIdInUse")


def test_update_vlan_segmentation_id_to_used_one(api, res):
    a = res.network(**{PT: "vlan", PN: "provider", SI: rand_vlan()})
    b = res.network(**{PT: "vlan", PN: "provider"})
    resp = api.put("/v2.0/networks/" + b["id"], {"network": {SI: a[SI]}})
    assert_error(resp, 409, "VlanIdInUse")
    assert api.show("networks", b["id"])[SI] == b[SI]


def test_update_segmentation_id_out_of_range(api, res):
    net = res.network(**{PT: "vlan", PN: "provider"})
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {SI: 5000}})
    assert_error(resp, 400, "InvalidInput",
                 invalid_input("segmentation_id out of range (1 through 4094)"))


def test_update_segmentation_id_of_tunnel_refused(api, res):
    net = res.network(**{PT: "vxlan"})
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {SI: rand_vni()}})
    # Zed's text already ends with a period, so the message ends with two.
    assert_error(resp, 400, "InvalidInput",
                 invalid_input("Only VLAN type networks can be updated."))


UNSUPPORTED_PREFIX = ("Invalid input for operation: Plugin does not support updating the "
                      "following provider network attributes: ")


def unsupported_attrs(err):
    assert err["message"].startswith(UNSUPPORTED_PREFIX), err
    assert err["message"].endswith("."), err
    return set(err["message"][len(UNSUPPORTED_PREFIX):-1].split(", "))


@pytest.mark.parametrize("change", [{PT: "vxlan"}, {PN: "other"}, {PT: "flat", PN: "provider"}],
                         ids=["type", "physnet", "both"])
def test_update_type_or_physnet_refused(api, res, change):
    # Zed names both attributes whenever either differs (the order may vary).
    net = res.network(**{PT: "vlan", PN: "provider"})
    resp = api.put("/v2.0/networks/" + net["id"], {"network": change})
    listed = unsupported_attrs(assert_error(resp, 400, "InvalidInput"))
    differing = {k for k, v in change.items() if net[k] != v}
    assert differing <= listed <= {PT, PN}
    assert provider(api.show("networks", net["id"])) == provider(net)


def test_update_local_to_vlan_refused(api, res):
    net = res.network()
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {PT: "vlan", PN: "provider"}})
    assert unsupported_attrs(assert_error(resp, 400, "InvalidInput")) == {PT, PN}


def test_update_with_same_provider_values(api, res):
    net = res.network(**{PT: "vlan", PN: "provider"})
    # Only type and physnet: Zed re-reserves a given segmentation_id even when it is the
    # current one (and answers VlanIdInUse).
    upd = api.update("networks", net["id"], {PT: "vlan", PN: "provider", "name": "same"})
    assert provider(upd) == provider(net) and upd["name"] == "same"


# --- servers with other ML2 settings (own server) ---

def ml2(tenant_types=None, vlan_ranges=None, vni_ranges=None, flat=None, extra=None):
    conf = {"ml2": {}, "ml2_type_vlan": {}, "ml2_type_vxlan": {}, "ml2_type_flat": {}}
    if tenant_types is not None:
        conf["ml2"]["tenant_network_types"] = tenant_types
    if vlan_ranges is not None:
        conf["ml2_type_vlan"]["network_vlan_ranges"] = vlan_ranges
    if vni_ranges is not None:
        conf["ml2_type_vxlan"]["vni_ranges"] = vni_ranges
    if flat is not None:
        conf["ml2_type_flat"]["flat_networks"] = flat
    for sec, keys in (extra or {}).items():
        conf.setdefault(sec, {}).update(keys)
    return {"ml2_conf.ini": conf}


def own(start_server, overrides):
    """Starts a server with 'overrides'; returns it, its Api and a Resources tracker."""
    srv = start_server(overrides)
    api = Api(srv.url)
    return srv, api, Resources(api)


def test_fall_back_from_vlan_to_local(start_server):
    srv, api, res = own(start_server, ml2("vlan,local", "provider:100:101"))
    nets = [res.network() for _ in range(4)]
    assert sorted(n[SI] for n in nets[:2]) == [100, 101]
    assert [n[PT] for n in nets] == ["vlan", "vlan", "local", "local"]
    assert all(n[PN] == "provider" for n in nets[:2])
    # Freeing a VLAN makes the next network a VLAN network again.
    api.ok(api.delete("/v2.0/networks/" + nets[0]["id"]), 204)
    again = res.network()
    assert (again[PT], again[SI]) == ("vlan", nets[0][SI])
    assert not res.cleanup()


def test_no_network_available(start_server):
    srv, api, res = own(start_server, ml2("vlan", "provider:100:101"))
    res.network(), res.network()
    resp = res.network(expect=None)
    assert_error(resp, 503, "NoNetworkAvailable",
                 "Unable to create the network. No tenant network is available for allocation.")
    # Same for an admin asking for a VLAN from the exhausted pool.
    resp = res.network(expect=None, **{PT: "vlan", PN: "provider"})
    assert_error(resp, 503, "NoNetworkAvailable")
    # An explicit id outside the pool still works.
    assert res.network(**{PT: "vlan", PN: "provider", SI: 3000})[SI] == 3000
    assert not res.cleanup()


def test_vxlan_tenant_networks(start_server):
    srv, api, res = own(start_server, ml2("vxlan,vlan", "provider:100:100", "1000:1001"))
    nets = [res.network() for _ in range(3)]
    assert [(n[PT], n["mtu"]) for n in nets] == [("vxlan", 1450), ("vxlan", 1450),
                                                  ("vlan", 1500)]
    assert sorted(n[SI] for n in nets[:2]) == [1000, 1001]
    assert_error(res.network(expect=None), 503, "NoNetworkAvailable")
    assert_error(res.network(expect=None, **{PT: "vxlan"}), 503, "NoNetworkAvailable")
    assert not res.cleanup()


def test_flat_disabled(start_server):
    srv, api, res = own(start_server, ml2(flat=""))
    resp = res.network(expect=None, **{PT: "flat", PN: "provider"})
    assert_error(resp, 400, "InvalidInput", invalid_input("Flat provider networks are disabled"))


def test_flat_any_physnet(start_server):
    srv, api, res = own(start_server, ml2(flat="*"))
    a = res.network(**{PT: "flat", PN: "anything"})
    b = res.network(**{PT: "flat", PN: "other"})
    assert (a[PN], b[PN]) == ("anything", "other")
    assert_error(res.network(expect=None, **{PT: "flat", PN: "other"}), 409, "FlatNetworkInUse")
    assert not res.cleanup()


def test_vlan_physnet_without_range(start_server):
    srv, api, res = own(start_server, ml2("vlan", "physonly"))
    net = res.network()
    assert net[PN] == "physonly" and 1 <= net[SI] <= 4094
    assert not res.cleanup()


def test_mtus_follow_global_physnet_mtu(start_server):
    srv, api, res = own(start_server, {"neutron.conf": {"DEFAULT": {
        "global_physnet_mtu": "9000"}}})
    assert res.network()["mtu"] == 9000
    assert res.network(**{PT: "vlan", PN: "provider"})["mtu"] == 9000
    assert res.network(**{PT: "vxlan"})["mtu"] == 8950
    assert res.network(**{PT: "gre"})["mtu"] == 8958
    assert_error(res.network(expect=None, mtu=9001), 400, "InvalidInput",
                 invalid_input("Requested MTU is too big, maximum is 9000"))
    assert not res.cleanup()


def test_path_mtu_limits_tunnels(start_server):
    srv, api, res = own(start_server, ml2(extra={"ml2": {"path_mtu": "1400"}}))
    assert res.network(**{PT: "vxlan"})["mtu"] == 1350
    assert res.network(**{PT: "gre"})["mtu"] == 1358
    assert res.network()["mtu"] == 1500
    assert not res.cleanup()
