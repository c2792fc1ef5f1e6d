"""Subnets: attributes and defaults, CRUD through openstacksdk, updates, delete rules
(docs/behaviour/api.md §7, docs/behaviour/ipam.md §3-4).  Address-validation errors are in
test_ipam.py."""

import openstack.exceptions as osexc
import pytest

from api_helpers import TIMESTAMP_RE, UUID_RE, assert_error, rand_uuid, uname

SUBNET_KEYS = {
    "id", "name", "tenant_id", "project_id", "network_id", "ip_version", "subnetpool_id",
    "enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "gateway_ip", "cidr",
    "allocation_pools", "host_routes", "dns_nameservers", "description", "service_types",
    "tags", "created_at", "updated_at", "revision_number",
}
OPTIONAL_SUBNET_KEYS = {"segment_id", "dns_publish_fixed_ip"}


def check_subnet_shape(sub):
    keys = set(sub)
    assert SUBNET_KEYS <= keys, SUBNET_KEYS - keys
    assert keys - SUBNET_KEYS <= OPTIONAL_SUBNET_KEYS, keys - SUBNET_KEYS
    assert "shared" not in sub  # hidden attribute
    assert UUID_RE.match(sub["id"])
    assert sub["tenant_id"] == sub["project_id"]
    assert TIMESTAMP_RE.match(sub["created_at"]) and TIMESTAMP_RE.match(sub["updated_at"])


def test_create_answers_every_attribute(api, res):
    net = res.network()
    body = {"subnet": {"network_id": net["id"], "ip_version": 4, "cidr": "172.16.1.0/24",
                       "allocation_pools": [{"start": "172.16.1.2", "end": "172.16.1.100"}]}}
    resp = api.post("/v2.0/subnets", body)
    assert resp.status_code == 201
    sub = resp.json()["subnet"]
    res.track("subnets", sub["id"])
    check_subnet_shape(sub)
    expected = {
        "name": "", "network_id": net["id"], "ip_version": 4, "subnetpool_id": None,
        "enable_dhcp": True, "ipv6_ra_mode": None, "ipv6_address_mode": None,
        "gateway_ip": "172.16.1.1", "cidr": "172.16.1.0/24",
        "allocation_pools": [{"start": "172.16.1.2", "end": "172.16.1.100"}],
        "host_routes": [], "dns_nameservers": [], "description": "", "service_types": [],
        "tags": [], "revision_number": 0, "project_id": net["project_id"],
    }
    for k, v in expected.items():
        assert sub[k] == v, (k, sub[k])
    assert api.show("subnets", sub["id"]) == sub


def test_sdk_create_show_update_delete(conn, res, api):
    net = res.network()
    name = uname("sdksub")
    sub = conn.network.create_subnet(network_id=net["id"], ip_version=4,
                                     cidr="10.110.0.0/24", name=name,
                                     dns_nameservers=["8.8.8.8", "1.1.1.1"])
    res.track("subnets", sub.id)
    assert sub.name == name
    assert sub.cidr == "10.110.0.0/24"
    assert sub.gateway_ip == "10.110.0.1"
    assert sub.is_dhcp_enabled is True
    assert sub.allocation_pools == [{"start": "10.110.0.2", "end": "10.110.0.254"}]
    assert sub.dns_nameservers == ["8.8.8.8", "1.1.1.1"]
    assert sub.revision_number == 0

    got = conn.network.get_subnet(sub.id)
    assert got.network_id == net["id"]
    assert conn.network.find_subnet(name).id == sub.id

    upd = conn.network.update_subnet(sub, name=name + "-2", enable_dhcp=False,
                                     dns_nameservers=["9.9.9.9"])
    assert upd.name == name + "-2"
    assert upd.is_dhcp_enabled is False
    assert upd.dns_nameservers == ["9.9.9.9"]
    assert upd.revision_number == 1

    assert [s.id for s in conn.network.subnets(network_id=net["id"])] == [sub.id]

    conn.network.delete_subnet(sub, ignore_missing=False)
    with pytest.raises(osexc.ResourceNotFound):
        conn.network.get_subnet(sub.id)
    assert api.show("networks", net["id"])["subnets"] == []


def test_revision_rules(api, res):
    net = res.network()
    sub = res.subnet(net, "10.111.0.0/24")
    assert sub["revision_number"] == 0
    assert api.update("subnets", sub["id"], {"name": "a"})["revision_number"] == 1
    assert api.update("subnets", sub["id"], {"name": "a"})["revision_number"] == 2
    # Zed bumps a subnet's revision even for an empty PUT (only networks are spared),
    # so an empty PUT is only required to succeed and not to go backwards.
    resp = api.put("/v2.0/subnets/" + sub["id"], {"subnet": {}})
    assert resp.status_code == 200
    assert resp.json()["subnet"]["revision_number"] >= 2


def test_dns_nameservers_keep_order_and_are_replaced(api, res):
    net = res.network()
    sub = res.subnet(net, "10.112.0.0/24",
                     dns_nameservers=["10.0.0.9", "1.1.1.1", "8.8.8.8", "10.0.0.3"])
    assert sub["dns_nameservers"] == ["10.0.0.9", "1.1.1.1", "8.8.8.8", "10.0.0.3"]
    upd = api.update("subnets", sub["id"], {"dns_nameservers": ["8.8.4.4", "8.8.8.8"]})
    assert upd["dns_nameservers"] == ["8.8.4.4", "8.8.8.8"]
    upd = api.update("subnets", sub["id"], {"dns_nameservers": []})
    assert upd["dns_nameservers"] == []
    upd = api.update("subnets", sub["id"], {"dns_nameservers": ["8.8.8.8"]})
    upd = api.update("subnets", sub["id"], {"dns_nameservers": None})
    assert upd["dns_nameservers"] == []


def test_host_routes_are_stored_and_replaced(api, res):
    net = res.network()
    routes = [{"destination": "192.168.50.0/24", "nexthop": "10.113.0.254"},
              {"destination": "0.0.0.0/0", "nexthop": "10.113.0.1"}]
    sub = res.subnet(net, "10.113.0.0/24", host_routes=routes)
    key = lambda r: (r["destination"], r["nexthop"])  # noqa: E731
    assert sorted(sub["host_routes"], key=key) == sorted(routes, key=key)
    assert sorted(api.show("subnets", sub["id"])["host_routes"], key=key) == sorted(routes,
                                                                                    key=key)
    new = [{"destination": "172.30.0.0/16", "nexthop": "10.113.0.7"}]
    assert api.update("subnets", sub["id"], {"host_routes": new})["host_routes"] == new
    assert api.update("subnets", sub["id"], {"host_routes": None})["host_routes"] == []


def test_update_name_description_gateway_and_pools(api, res):
    net = res.network()
    sub = res.subnet(net, "10.114.0.0/24")
    upd = api.update("subnets", sub["id"], {"name": "n", "description": "d",
                                            "gateway_ip": "10.114.0.254",
                                            "allocation_pools": [{"start": "10.114.0.10",
                                                                  "end": "10.114.0.20"}]})
    assert upd["name"] == "n" and upd["description"] == "d"
    assert upd["gateway_ip"] == "10.114.0.254"
    assert upd["allocation_pools"] == [{"start": "10.114.0.10", "end": "10.114.0.20"}]
    assert api.show("subnets", sub["id"]) == upd


def test_gateway_null_on_update_removes_it(api, res):
    net = res.network()
    sub = res.subnet(net, "10.115.0.0/24")
    upd = api.update("subnets", sub["id"], {"gateway_ip": None})
    assert upd["gateway_ip"] is None
    # Pools are not changed by removing the gateway.
    assert upd["allocation_pools"] == [{"start": "10.115.0.2", "end": "10.115.0.254"}]


def test_disable_then_enable_dhcp(api, res):
    net = res.network()
    sub = res.subnet(net, "10.116.0.0/24")
    assert api.update("subnets", sub["id"], {"enable_dhcp": False})["enable_dhcp"] is False
    assert api.update("subnets", sub["id"], {"enable_dhcp": "true"})["enable_dhcp"] is True


@pytest.mark.parametrize("attr,value", [
    ("cidr", "10.117.1.0/24"), ("ip_version", 6), ("network_id", rand_uuid()),
    ("ipv6_ra_mode", "slaac"), ("ipv6_address_mode", "slaac"), ("subnetpool_id", None),
    ("id", rand_uuid()), ("project_id", "other"), ("tenant_id", "other"),
])
def test_read_only_attributes_on_update(api, res, attr, value):
    net = res.network()
    sub = res.subnet(net, "10.117.0.0/24")
    resp = api.put("/v2.0/subnets/" + sub["id"], {"subnet": {attr: value}})
    # project_id is turned into tenant_id before the check, so the message names tenant_id.
    shown = "tenant_id" if attr == "project_id" else attr
    assert_error(resp, 400, "HTTPBadRequest", "Cannot update read-only attribute %s" % shown)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("sid", ["3f0e2b9c-2222-4333-8444-955566667777", "nope"])
def test_unknown_subnet_is_404(api, method, sid):
    if method == "PUT":
        resp = api.put("/v2.0/subnets/" + sid, {"subnet": {"name": "x"}})
    else:
        resp = api.request(method, "/v2.0/subnets/" + sid)
    assert_error(resp, 404, "SubnetNotFound", "Subnet %s could not be found." % sid)


def test_required_attributes(api, res):
    net = res.network()
    resp = api.post("/v2.0/subnets", {"subnet": {"ip_version": 4, "cidr": "10.0.0.0/24"}})
    assert_error(resp, 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'network_id' not specified")
    resp = api.post("/v2.0/subnets", {"subnet": {"network_id": net["id"], "cidr": "10.0.0.0/24"}})
    assert_error(resp, 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'ip_version' not specified")


def test_unknown_network(api):
    nid = rand_uuid()
    resp = api.post("/v2.0/subnets", {"subnet": {"network_id": nid, "ip_version": 4,
                                                 "cidr": "10.0.0.0/24"}})
    assert_error(resp, 404, "NetworkNotFound", "Network %s could not be found." % nid)


def test_network_id_must_be_a_uuid(api):
    resp = api.post("/v2.0/subnets", {"subnet": {"network_id": "abc", "ip_version": 4,
                                                 "cidr": "10.0.0.0/24"}})
    assert_error(resp, 400, "HTTPBadRequest",
                 "Invalid input for network_id. Reason: 'abc' is not a valid UUID.")


# --- delete rules (docs/behaviour/ipam.md §4) ---

def test_subnet_in_use(api, res):
    net = res.network()
    sub = res.subnet(net, "10.118.0.0/24")
    port = res.port(net)
    resp = api.delete("/v2.0/subnets/" + sub["id"])
    assert_error(resp, 409, "SubnetInUse",
                 "Unable to complete operation on subnet %s: One or more ports have an IP "
                 "allocation from this subnet." % sub["id"])
    api.ok(api.delete("/v2.0/ports/" + port["id"]), 204)
    assert api.delete("/v2.0/subnets/" + sub["id"]).status_code == 204


def test_port_moved_off_subnet_no_longer_blocks(api, res):
    net = res.network()
    sub = res.subnet(net, "10.119.0.0/24")
    port = res.port(net)
    api.update("ports", port["id"], {"fixed_ips": []})
    assert api.delete("/v2.0/subnets/" + sub["id"]).status_code == 204


def test_dhcp_port_does_not_block_subnet_delete(api, res):
    net = res.network()
    s1 = res.subnet(net, "10.120.0.0/24")
    s2 = res.subnet(net, "10.120.1.0/24")
    dhcp = res.port(net, device_owner="network:dhcp",
                    fixed_ips=[{"subnet_id": s1["id"]}, {"subnet_id": s2["id"]}])
    assert {f["subnet_id"] for f in dhcp["fixed_ips"]} == {s1["id"], s2["id"]}
    assert api.delete("/v2.0/subnets/" + s1["id"]).status_code == 204
    # The DHCP port stays, with only its address on the other subnet.
    after = api.show("ports", dhcp["id"])
    assert [f["subnet_id"] for f in after["fixed_ips"]] == [s2["id"]]


def test_subnet_delete_frees_its_cidr_for_the_network(api, res):
    net = res.network()
    sub = res.subnet(net, "10.121.0.0/24")
    assert api.delete("/v2.0/subnets/" + sub["id"]).status_code == 204
    again = res.subnet(net, "10.121.0.0/25")
    assert again["cidr"] == "10.121.0.0/25"


def test_subnet_project_follows_requester(res):
    net = res.network(project_id="owner-" + uname())
    sub = res.subnet(net, "10.122.0.0/24")
    # The noauth requester is an admin of its own project: the subnet is the requester's.
    assert sub["project_id"] != net["project_id"]
    other = res.network()
    assert sub["project_id"] == other["project_id"]


def test_subnet_with_explicit_project(res):
    net = res.network()
    sub = res.subnet(net, "10.123.0.0/24", project_id="pj-" + uname())
    assert sub["project_id"].startswith("pj-") and sub["tenant_id"] == sub["project_id"]


@pytest.mark.parametrize("mode", ["slaac", "dhcpv6-stateless"])
def test_auto_address_subnet_deleted_from_under_its_ports(api, res, mode):
    # Ports hold EUI-64 addresses of a SLAAC/DHCPv6-stateless subnet without asking for
    # them; Zed deletes such a subnet anyway and the ports lose those addresses.
    net = res.network()
    v4 = res.subnet(net, "10.120.0.0/24")
    v6 = res.subnet(net, "2001:db8:120::/64", ipv6_ra_mode=mode, ipv6_address_mode=mode)
    port = res.port(net)
    assert {ip["subnet_id"] for ip in port["fixed_ips"]} == {v4["id"], v6["id"]}
    api.ok(api.delete("/v2.0/subnets/" + v6["id"]), 204)
    after = api.show("ports", port["id"])
    assert [ip["subnet_id"] for ip in after["fixed_ips"]] == [v4["id"]]
    assert after["revision_number"] > port["revision_number"]
    assert api.get("/v2.0/subnets/" + v6["id"]).status_code == 404
