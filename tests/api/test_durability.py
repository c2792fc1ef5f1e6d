"""Durability: an acknowledged write survives kill -9 and restarts (own servers)."""

from api_helpers import Api, Resources, assert_error

PT, PN, SI = "provider:network_type", "provider:physical_network", "provider:segmentation_id"
N_PORTS = 25


def connect(srv):
    api = Api(srv.url)
    return api, Resources(api)


def test_ports_survive_kill_9(start_server):
    srv = start_server()
    api, res = connect(srv)
    net = res.network()
    sub = res.subnet(net, "10.180.0.0/24")
    ports = [res.port(net, device_owner="compute:nova") for _ in range(N_PORTS)]
    srv.kill9()  # right after the last 201

    again = start_server(state_dir=srv.state)
    api2, res2 = connect(again)
    found = {p["id"]: p for p in api2.list("ports", {"network_id": net["id"]})}
    assert len(found) == N_PORTS
    for p in ports:
        assert found[p["id"]]["fixed_ips"] == p["fixed_ips"]
        assert found[p["id"]]["mac_address"] == p["mac_address"]
    assert api2.show("subnets", sub["id"])["allocation_pools"] == sub["allocation_pools"]
    # Addresses are still held: asking for one of them conflicts.
    taken = ports[0]["fixed_ips"][0]["ip_address"]
    resp = res2.port(net, expect=None, fixed_ips=[{"ip_address": taken}])
    assert_error(resp, 409, "IpAddressAlreadyAllocated")
    # A new port gets an address no one has.
    new = res2.port(net)
    assert new["fixed_ips"][0]["ip_address"] not in {
        p["fixed_ips"][0]["ip_address"] for p in ports}


def test_updates_and_deletes_survive_kill_9(start_server):
    srv = start_server()
    api, res = connect(srv)
    net = res.network()
    res.subnet(net, "10.181.0.0/24")
    keep = res.port(net)
    gone = res.port(net)
    upd = api.update("networks", net["id"], {"name": "renamed", "mtu": 1400})
    api.ok(api.put("/v2.0/networks/%s/tags/blue" % net["id"]), 201)
    api.ok(api.delete("/v2.0/ports/" + gone["id"]), 204)
    srv.kill9()

    again = start_server(state_dir=srv.state)
    api2, _ = connect(again)
    after = api2.show("networks", net["id"])
    assert after["name"] == "renamed" and after["mtu"] == 1400
    assert after["tags"] == ["blue"]
    assert after["revision_number"] >= upd["revision_number"]
    assert [p["id"] for p in api2.list("ports", {"network_id": net["id"]})] == [keep["id"]]


def test_segments_stay_allocated_across_restart(start_server):
    overrides = {"ml2_conf.ini": {"ml2": {"tenant_network_types": "vlan"},
                                  "ml2_type_vlan": {"network_vlan_ranges": "provider:100:101"}}}
    srv = start_server(overrides)
    api, res = connect(srv)
    a = res.network()
    b = res.network(**{PT: "vlan", PN: "provider", SI: 3333})
    flat = res.network(**{PT: "flat", PN: "provider"})
    srv.stop()

    again = start_server(overrides, state_dir=srv.state)
    api2, res2 = connect(again)
    c = res2.network()
    assert {a[SI], c[SI]} == {100, 101}
    assert_error(res2.network(expect=None), 503, "NoNetworkAvailable")
    assert_error(res2.network(expect=None, **{PT: "vlan", PN: "provider", SI: 3333}), 409,
                 "VlanIdInUse")
    assert_error(res2.network(expect=None, **{PT: "flat", PN: "provider"}), 409,
                 "FlatNetworkInUse")
    assert b and flat


def test_restart_with_smaller_vlan_range_keeps_allocated_ids(start_server):
    wide = {"ml2_conf.ini": {"ml2": {"tenant_network_types": "vlan"},
                             "ml2_type_vlan": {"network_vlan_ranges": "provider:100:102"}}}
    srv = start_server(wide)
    api, res = connect(srv)
    nets = [res.network() for _ in range(3)]
    by_id = {n[SI]: n for n in nets}
    srv.stop()

    narrow = {"ml2_conf.ini": {"ml2": {"tenant_network_types": "vlan"},
                               "ml2_type_vlan": {"network_vlan_ranges": "provider:100:100"}}}
    again = start_server(narrow, state_dir=srv.state)
    api2, res2 = connect(again)
    assert api2.show("networks", by_id[102]["id"])[SI] == 102
    # 102 is outside the new range: once released it is forgotten, yet it can be
    # requested explicitly.
    api2.ok(api2.delete("/v2.0/networks/" + by_id[102]["id"]), 204)
    assert_error(res2.network(expect=None), 503, "NoNetworkAvailable")
    assert res2.network(**{PT: "vlan", PN: "provider", SI: 102})[SI] == 102
    # 100 is inside: released, it is handed out again.
    api2.ok(api2.delete("/v2.0/networks/" + by_id[100]["id"]), 204)
    assert res2.network()[SI] == 100
