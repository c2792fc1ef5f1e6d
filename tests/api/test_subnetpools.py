"""Subnet pools (docs/behaviour/ipam.md §10): the pool's attributes as Zed shows them
(prefix lengths as text, except in the answer to an update), merged prefixes, the
checks of prefixes and prefix lengths, one default pool per IP version, add_prefixes
and remove_prefixes, and subnets cut from a pool: Zed's choice of the first free
prefix, a CIDR or gateway asked for, the default pool, the per-project quota, the
rules for pools on one network, and concurrent creates that never overlap.

Every exchange was checked against the real Zed; run against it with
NEUTRINO_TEST_URL (bodies name tenant_id, as Zed's noauth needs).  Tests that act as
a project through noauth headers are neutrino-only."""

import concurrent.futures
import ipaddress
import uuid

import pytest

from api_helpers import TIMESTAMP_RE, UUID_RE, assert_error, bad_attr, invalid_input, uname

neutrino_only = pytest.mark.neutrino_only

SP = "/v2.0/subnetpools"
POOL_KEYS = {"id", "name", "tenant_id", "project_id", "default_prefixlen", "min_prefixlen",
             "max_prefixlen", "is_default", "shared", "prefixes", "ip_version",
             "default_quota", "address_scope_id", "description", "tags", "created_at",
             "updated_at", "revision_number"}
# Zed answers an update without the attributes that are neither set nor given.
UPDATE_KEYS = POOL_KEYS - {"default_quota", "address_scope_id"}
MISSING = "de8f4e5c-cc8c-4d87-97e1-26f8bcc7eb0e"


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-Roles": roles}


class Pools:
    """Creates subnet pools for one project and deletes them, with the subnets cut from
    them, when the test ends (before res deletes the networks)."""

    def __init__(self, api):
        self.api = api
        self.project = "sp-" + uuid.uuid4().hex[:12]
        self.ids = []

    def create(self, expect=201, headers=None, **attrs):
        attrs.setdefault("name", uname("pool"))
        if headers is None:
            attrs.setdefault("tenant_id", self.project)
        r = self.api.post(SP, {"subnetpool": attrs}, headers=headers)
        if r.status_code == 201:
            self.ids.append(r.json()["subnetpool"]["id"])
        return r if expect is None else self.api.ok(r, expect)["subnetpool"]

    def update(self, pid, attrs, expect=200, headers=None):
        r = self.api.put("%s/%s" % (SP, pid), {"subnetpool": attrs}, headers=headers)
        return r if expect is None else self.api.ok(r, expect)["subnetpool"]

    def action(self, pid, name, body, expect=200):
        r = self.api.put("%s/%s/%s" % (SP, pid, name), body)
        return r if expect is None else self.api.ok(r, expect)["prefixes"]

    def show(self, pid):
        return self.api.ok(self.api.get("%s/%s" % (SP, pid)), 200)["subnetpool"]

    def cleanup(self):
        for pid in reversed(self.ids):
            for s in self.api.get("/v2.0/subnets", params={"subnetpool_id": pid}).json().get(
                    "subnets", []):
                self.api.delete("/v2.0/subnets/" + s["id"])
            self.api.delete("%s/%s" % (SP, pid))


@pytest.fixture
def pools(api, res):
    p = Pools(api)
    yield p
    p.cleanup()


@pytest.fixture
def net(res, pools):
    return res.network(tenant_id=pools.project)


def subnet(res, pools, network, expect=201, **attrs):
    attrs.setdefault("tenant_id", pools.project)
    attrs.setdefault("ip_version", 4)
    return res.subnet(network, expect=expect, **attrs)


# --- The pool ----------------------------------------------------------------------------

def test_create_merges_prefixes_and_shows_lengths_as_text(pools):
    p = pools.create(prefixes=["10.0.0.0/24", "10.0.1.0/24", "10.0.3.0/24"],
                     default_prefixlen=26)
    assert set(p) == POOL_KEYS
    assert UUID_RE.match(p["id"]) and TIMESTAMP_RE.match(p["created_at"])
    assert p["prefixes"] == ["10.0.0.0/23", "10.0.3.0/24"]
    assert (p["default_prefixlen"], p["min_prefixlen"], p["max_prefixlen"]) == ("26", "8", "32")
    assert p["ip_version"] == 4 and p["tenant_id"] == p["project_id"] == pools.project
    assert (p["is_default"], p["shared"], p["default_quota"], p["address_scope_id"]) == (
        False, False, None, None)
    assert (p["description"], p["tags"], p["revision_number"]) == ("", [], 0)
    assert pools.show(p["id"]) == p


def test_ipv6_pool_defaults_and_host_bits(pools):
    p = pools.create(prefixes=["2001:db8::/32", "2001:db8:1::/48"], default_quota=5)
    assert p["prefixes"] == ["2001:db8::/32"]
    assert (p["ip_version"], p["default_prefixlen"], p["min_prefixlen"],
            p["max_prefixlen"], p["default_quota"]) == (6, "64", "64", "128", 5)
    assert pools.create(prefixes=["10.0.0.1/8"])["prefixes"] == ["10.0.0.0/8"]


@pytest.mark.parametrize("attrs, status, type_, message", [
    ({"prefixes": []}, 400, "EmptySubnetPoolPrefixList", "Empty subnet pool prefix list."),
    ({"prefixes": ["10.0.0.0/8", "fd00::/8"]}, 400, "PrefixVersionMismatch",
     "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."),
    ({"prefixes": ["10.0.0.0/8"], "min_prefixlen": 30, "max_prefixlen": 20}, 400,
     "IllegalSubnetPoolPrefixBounds", "Illegal prefix bounds: min_prefixlen=30, max_prefixlen=20."),
    ({"prefixes": ["10.0.0.0/8"], "max_prefixlen": 40}, 400, "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: max_prefixlen=40, ip_version_max=32."),
    ({"prefixes": ["10.0.0.0/8"], "default_prefixlen": 4}, 400,
     "IllegalSubnetPoolPrefixBounds", "Illegal prefix bounds: default_prefixlen=4, min_prefixlen=8."),
    ({"prefixes": ["10.0.0.0/8"], "default_prefixlen": 30, "max_prefixlen": 28}, 400,
     "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: default_prefixlen=30, max_prefixlen=28."),
    ({"prefixes": ["bad"]}, 400, "HTTPBadRequest",
     bad_attr("prefixes", "'bad' is not a valid IP subnet")),
    ({"prefixes": ["10.0.0.1"]}, 400, "HTTPBadRequest",
     bad_attr("prefixes", "'10.0.0.1' isn't a recognized IP subnet cidr, '10.0.0.1/32' is "
              "recommended")),
    ({"prefixes": "10.0.0.0/8"}, 400, "HTTPBadRequest",
     bad_attr("prefixes", "'10.0.0.0/8' is not a list")),
    ({"prefixes": ["10.0.0.0/8", "10.0.0.0/8"]}, 400, "HTTPBadRequest",
     bad_attr("prefixes", "Duplicate items in the list: '10.0.0.0/8'")),
    ({"prefixes": ["10.0.0.0/8"], "name": ""}, 400, "HTTPBadRequest",
     bad_attr("name", "'' Blank strings are not permitted")),
    ({"prefixes": ["10.0.0.0/8"], "name": "  "}, 400, "HTTPBadRequest",
     bad_attr("name", "'  ' Blank strings are not permitted")),
    ({"prefixes": ["10.0.0.0/8"], "default_prefixlen": 5000}, 400,
     "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: default_prefixlen=5000, max_prefixlen=32."),
    ({"prefixes": ["10.0.0.0/8"], "min_prefixlen": 99999999999}, 400,
     "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: min_prefixlen=99999999999, max_prefixlen=32."),
    ({"prefixes": ["10.0.0.0/8"], "min_prefixlen": -1}, 400, "HTTPBadRequest",
     bad_attr("min_prefixlen", "'-1' should be non-negative")),
    ({"prefixes": ["10.0.0.0/8"], "ip_version": 4}, 400, "HTTPBadRequest",
     "Attribute 'ip_version' not allowed in POST"),
    ({"prefixes": ["10.0.0.0/8"], "default_quota": "a"}, 400, "InvalidInput",
     invalid_input("'a' is not an integer")),
    ({"prefixes": ["10.0.0.0/8"], "address_scope_id": "x"}, 400, "HTTPBadRequest",
     bad_attr("address_scope_id", "'x' is not a valid UUID")),
    ({"prefixes": ["10.0.0.0/8"], "address_scope_id": MISSING}, 404, "AddressScopeNotFound",
     "Address scope %s could not be found." % MISSING),
])
def test_create_refusals(pools, attrs, status, type_, message):
    assert_error(pools.create(expect=None, **attrs), status, type_, message)


def test_name_and_prefixes_are_required(pools):
    r = pools.api.post(SP, {"subnetpool": {"tenant_id": pools.project,
                                           "prefixes": ["10.0.0.0/8"]}})
    assert_error(r, 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'name' not specified")


def test_update_answers_in_zeds_other_shape(pools):
    p = pools.create(prefixes=["10.0.0.0/24"], default_prefixlen=24)
    u = pools.update(p["id"], {"name": "b", "min_prefixlen": 12})
    assert set(u) == UPDATE_KEYS
    assert (u["name"], u["min_prefixlen"], u["default_prefixlen"], u["max_prefixlen"]) == (
        "b", 12, 24, 32)
    assert u["revision_number"] == 1
    u = pools.update(p["id"], {"default_quota": 5, "description": "d"})
    assert set(u) == UPDATE_KEYS | {"default_quota"} and u["default_quota"] == 5
    assert pools.update(p["id"], {"address_scope_id": None})["address_scope_id"] is None
    shown = pools.show(p["id"])
    assert (shown["min_prefixlen"], shown["default_quota"], shown["description"]) == (
        "12", 5, "d")
    # Every update is a new revision in Zed, even one that changes nothing.
    assert shown["revision_number"] == 3


@pytest.mark.parametrize("attrs, type_, message", [
    ({"default_prefixlen": 4}, "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: default_prefixlen=4, min_prefixlen=8."),
    ({"ip_version": 6}, "HTTPBadRequest", "Cannot update read-only attribute ip_version"),
    ({"shared": True}, "HTTPBadRequest", "Cannot update read-only attribute shared"),
    ({"prefixes": []}, "IllegalSubnetPoolPrefixUpdate",
     "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes."),
    ({"prefixes": ["10.0.0.0/25"]}, "IllegalSubnetPoolPrefixUpdate",
     "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes."),
    ({"prefixes": ["10.0.0.0/16", "fd00::/8"]}, "PrefixVersionMismatch",
     "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."),
])
def test_update_refusals(pools, attrs, type_, message):
    p = pools.create(prefixes=["10.0.0.0/24"])
    assert_error(pools.update(p["id"], attrs, expect=None), 400, type_, message)


def test_update_may_widen_prefixes(pools):
    p = pools.create(prefixes=["10.0.0.0/24"])
    assert pools.update(p["id"], {"prefixes": ["10.0.0.0/16", "10.3.0.0/16"]})["prefixes"] == [
        "10.0.0.0/16", "10.3.0.0/16"]


def test_missing_pool(pools):
    path = "%s/%s" % (SP, MISSING)
    message = "Subnet pool %s could not be found." % MISSING
    for r in (pools.api.get(path), pools.api.delete(path),
              pools.api.put(path, {"subnetpool": {"name": "x"}}),
              pools.api.put(path + "/add_prefixes", {"prefixes": ["10.0.0.0/8"]})):
        assert_error(r, 404, "SubnetPoolNotFound", message)


def test_add_and_remove_prefixes(pools):
    p = pools.create(prefixes=["10.10.0.0/16"])
    assert pools.action(p["id"], "add_prefixes",
                        {"prefixes": ["10.11.0.0/16", "10.12.0.0/16"]}) == [
        "10.10.0.0/15", "10.12.0.0/16"]
    assert pools.show(p["id"])["revision_number"] == 1
    assert pools.action(p["id"], "remove_prefixes", {"prefixes": ["10.12.0.0/16"]}) == [
        "10.10.0.0/15"]
    # Removing what the pool lacks is no change; Zed's remove never bumps the revision.
    assert pools.action(p["id"], "remove_prefixes", {"prefixes": ["192.168.0.0/16"]}) == [
        "10.10.0.0/15"]
    assert pools.action(p["id"], "remove_prefixes", {"prefixes": ["10.11.128.0/17"]}) == [
        "10.10.0.0/16", "10.11.0.0/17"]
    shown = pools.show(p["id"])
    assert shown["prefixes"] == ["10.10.0.0/16", "10.11.0.0/17"]
    assert shown["revision_number"] == 1
    # Adding what it has rewrites the prefixes: a new revision.
    assert pools.action(p["id"], "add_prefixes", {"prefixes": ["10.10.0.1/16"]}) == [
        "10.10.0.0/16", "10.11.0.0/17"]
    assert pools.show(p["id"])["revision_number"] == 2


@pytest.mark.parametrize("action, body, status, type_, message", [
    ("add_prefixes", {"prefixes": []}, 400, "HTTPBadRequest",
     "Request body contains invalid data"),
    ("add_prefixes", {"prefixes": "x"}, 400, "HTTPBadRequest",
     "Request body contains invalid data"),
    ("remove_prefixes", [], 400, "HTTPBadRequest", "Request body contains invalid data"),
    ("add_prefixes", {"prefixes": ["x"]}, 400, "AddrFormatError", "invalid IPNetwork x"),
    ("remove_prefixes", {"prefixes": ["10.0.0.0/33"]}, 400, "AddrFormatError",
     "invalid IPNetwork 10.0.0.0/33"),
    ("add_prefixes", {"prefixes": ["fd00::/8"]}, 400, "PrefixVersionMismatch",
     "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."),
])
def test_prefix_action_refusals(pools, action, body, status, type_, message):
    p = pools.create(prefixes=["10.10.0.0/16"])
    assert_error(pools.action(p["id"], action, body, expect=None), status, type_, message)


def test_one_default_pool_per_ip_version(pools):
    p = pools.create(prefixes=["172.16.0.0/12"], is_default=True)
    message = invalid_input("A default subnetpool for this IP family has already been set. "
                            "Only one default may exist per IP family")
    assert_error(pools.create(expect=None, prefixes=["172.16.0.0/12"], is_default=True), 400,
                 "InvalidInput", message)
    other = pools.create(prefixes=["192.168.0.0/16"])
    assert_error(pools.update(other["id"], {"is_default": True}, expect=None), 400,
                 "InvalidInput", message)
    # The default itself may say so again; an IPv6 default is another family's.
    assert pools.update(p["id"], {"is_default": True})["is_default"] is True
    assert pools.create(prefixes=["fd00::/8"], is_default=True)["is_default"] is True


def test_list_filters_and_fields(pools):
    a = pools.create(prefixes=["10.70.0.0/16"], default_prefixlen=24)
    pools.create(prefixes=["10.71.0.0/16"])
    got = pools.api.list("subnetpools", {"tenant_id": pools.project, "default_prefixlen": 24,
                                         "fields": ["id", "prefixes"]})
    assert got == [{"id": a["id"], "prefixes": ["10.70.0.0/16"]}]


def test_tags(pools):
    p = pools.create(prefixes=["10.72.0.0/16"])
    assert pools.api.put("%s/%s/tags/red" % (SP, p["id"])).status_code == 201
    shown = pools.show(p["id"])
    assert shown["tags"] == ["red"] and shown["revision_number"] == 1


# --- Subnets cut from a pool ------------------------------------------------------------

def test_first_free_prefix_in_zeds_order(res, pools, net):
    p = pools.create(prefixes=["10.10.0.0/16"], default_prefixlen=24, max_prefixlen=28)
    got = [subnet(res, pools, net, subnetpool_id=p["id"], **extra)
           for extra in ({}, {"prefixlen": 26}, {"prefixlen": 25}, {"prefixlen": 27})]
    # The free blocks are tried longest prefix first: a /25 skips the /26 left beside
    # the first /26, which a /27 then takes.
    assert [s["cidr"] for s in got] == ["10.10.0.0/24", "10.10.1.0/26", "10.10.1.128/25",
                                        "10.10.1.64/27"]
    s = got[0]
    assert s["subnetpool_id"] == p["id"] and s["gateway_ip"] == "10.10.0.1"
    assert s["allocation_pools"] == [{"start": "10.10.0.2", "end": "10.10.0.254"}]
    shown = res.api.show("subnets", s["id"])
    assert shown["subnetpool_id"] == p["id"] and "prefixlen" not in shown
    listed = res.api.list("subnets", {"subnetpool_id": p["id"], "fields": "cidr",
                                      "sort_key": "cidr", "sort_dir": "asc"})
    assert [x["cidr"] for x in listed] == ["10.10.0.0/24", "10.10.1.0/26", "10.10.1.128/25",
                                           "10.10.1.64/27"]


def test_asked_cidr_and_gateway(res, pools, net):
    p = pools.create(prefixes=["10.10.0.0/16"], default_prefixlen=24)
    s = subnet(res, pools, net, subnetpool_id=p["id"], cidr="10.10.5.9/24", enable_dhcp=False)
    assert (s["cidr"], s["gateway_ip"]) == ("10.10.5.0/24", "10.10.5.1")
    s = subnet(res, pools, net, subnetpool_id=p["id"], cidr="10.10.9.0/24",
               allocation_pools=[{"start": "10.10.9.5", "end": "10.10.9.9"}])
    assert s["allocation_pools"] == [{"start": "10.10.9.5", "end": "10.10.9.9"}]
    s = subnet(res, pools, net, subnetpool_id=p["id"], gateway_ip="10.10.7.1")
    assert (s["cidr"], s["gateway_ip"]) == ("10.10.7.0/24", "10.10.7.1")
    # A request for any prefix gets its first host as gateway, even when none is asked;
    # the free /24 between the asked ones comes before the free /22 at the start.
    s = subnet(res, pools, net, subnetpool_id=p["id"], gateway_ip=None)
    assert (s["cidr"], s["gateway_ip"]) == ("10.10.4.0/24", "10.10.4.1")


@pytest.mark.parametrize("attrs, status, type_, message", [
    ({"prefixlen": 30}, 400, "MaxPrefixSubnetAllocationError",
     "Unable to allocate subnet with prefix length 30, maximum allowed prefix is 28."),
    ({"prefixlen": 4}, 400, "MinPrefixSubnetAllocationError",
     "Unable to allocate subnet with prefix length 4, minimum allowed prefix is 8."),
    ({"prefixlen": 15}, 500, "SubnetAllocationError",
     "Failed to allocate subnet: Insufficient prefix space to allocate subnet size /15."),
    ({"cidr": "10.20.0.0/24"}, 500, "SubnetAllocationError",
     "Failed to allocate subnet: Cannot allocate requested subnet from the available set of "
     "prefixes."),
    ({"cidr": "10.10.5.0/24", "prefixlen": 24}, 400, "BadRequest",
     "Bad subnets request: cidr and prefixlen must not be supplied together."),
    ({"ip_version": 6}, 400, "BadRequest",
     "Bad subnets request: Cannot allocate IPv6 subnet from IPv4 subnet pool."),
    ({"use_default_subnetpool": True}, 400, "BadRequest",
     "Bad subnets request: subnetpool_id and use_default_subnetpool cannot both be "
     "specified."),
    ({"allocation_pools": [{"start": "10.10.9.5", "end": "10.10.9.9"}]}, 400, "BadRequest",
     "Bad subnets request: allocation_pools allowed only for specific subnet requests.."),
    ({"prefixlen": -1}, 400, "HTTPBadRequest", bad_attr("prefixlen", "'-1' should be "
                                                         "non-negative")),
    ({"prefixlen": "x"}, 400, "InvalidInput", invalid_input("'x' is not an integer")),
    ({"prefixlen": 5000}, 400, "AddrFormatError", "invalid IPNetwork 0.0.0.0/5000"),
    ({"gateway_ip": "10.10.7.1", "prefixlen": 40}, 400, "AddrFormatError",
     "invalid IPNetwork 10.10.7.1/40"),
    ({"subnetpool_id": MISSING}, 404, "SubnetPoolNotFound",
     "Subnet pool %s could not be found." % MISSING),
    ({"network_id": MISSING}, 404, "NetworkNotFound",
     "Network %s could not be found." % MISSING),
])
def test_pool_request_refusals(res, pools, net, attrs, status, type_, message):
    p = pools.create(prefixes=["10.10.0.0/16"], default_prefixlen=24, max_prefixlen=28)
    attrs.setdefault("subnetpool_id", p["id"])
    attrs.setdefault("network_id", net["id"])
    assert_error(subnet(res, pools, attrs.pop("network_id"), expect=None, **attrs), status,
                 type_, message)


def test_pool_in_use(res, pools, net):
    p = pools.create(prefixes=["10.10.0.0/16"], default_prefixlen=24)
    s = subnet(res, pools, net, subnetpool_id=p["id"])
    assert_error(pools.api.delete("%s/%s" % (SP, p["id"])), 400, "SubnetPoolDeleteError",
                 "Unable to delete subnet pool: Subnet pool has existing allocations.")
    assert_error(pools.action(p["id"], "remove_prefixes", {"prefixes": ["10.10.0.0/24"]},
                              expect=None), 400, "IllegalSubnetPoolPrefixUpdate",
                 "Illegal update to prefixes: One or more the prefixes to be removed is in "
                 "use by a subnet..")
    assert pools.action(p["id"], "remove_prefixes", {"prefixes": ["10.10.128.0/17"]}) == [
        "10.10.0.0/17"]
    assert res.api.delete("/v2.0/subnets/" + s["id"]).status_code == 204
    assert pools.api.delete("%s/%s" % (SP, p["id"])).status_code == 204


def test_default_pool(res, pools, net):
    assert_error(subnet(res, pools, net, expect=None, use_default_subnetpool=True), 400,
                 "BadRequest", "Bad subnets request: No default subnetpool found for IPv4.")
    p = pools.create(prefixes=["10.50.0.0/16"], is_default=True, default_prefixlen=24)
    s = subnet(res, pools, net, use_default_subnetpool=True, prefixlen=28)
    assert (s["cidr"], s["subnetpool_id"]) == ("10.50.0.0/28", p["id"])


def test_quota_counts_the_pool_owners_addresses(res, pools, net):
    """default_quota is in /32s; Zed counts the subnets of the pool's own project."""
    p = pools.create(prefixes=["10.40.0.0/16"], default_prefixlen=24, default_quota=300)
    subnet(res, pools, net, subnetpool_id=p["id"])
    quota = ("Per-tenant subnet pool prefix quota exceeded.")
    assert_error(subnet(res, pools, net, expect=None, subnetpool_id=p["id"], prefixlen=26),
                 409, "SubnetPoolQuotaExceeded", quota)
    subnet(res, pools, net, subnetpool_id=p["id"], prefixlen=27)
    assert_error(subnet(res, pools, net, expect=None, subnetpool_id=p["id"], prefixlen=28),
                 409, "SubnetPoolQuotaExceeded", quota)
    pools.update(p["id"], {"default_quota": 0})     # 0: no quota
    subnet(res, pools, net, subnetpool_id=p["id"], prefixlen=20)


def test_ipv6_pool(res, pools, net):
    p = pools.create(prefixes=["2001:db8:100::/48", "2001:db8:200::/56"], default_quota=3)
    first = subnet(res, pools, net, subnetpool_id=p["id"], ip_version=6)
    # From the longest free prefix, the /56; any prefix's gateway is its first host.
    assert (first["cidr"], first["gateway_ip"]) == ("2001:db8:200::/64", "2001:db8:200::1")
    slaac = subnet(res, pools, net, subnetpool_id=p["id"], ip_version=6,
                   ipv6_ra_mode="slaac", ipv6_address_mode="slaac")
    assert slaac["cidr"] == "2001:db8:200:1::/64"
    assert_error(subnet(res, pools, net, expect=None, subnetpool_id=p["id"], ip_version=6,
                        prefixlen=63), 400, "MinPrefixSubnetAllocationError",
                 "Unable to allocate subnet with prefix length 63, minimum allowed prefix is "
                 "64.")
    small = subnet(res, pools, net, subnetpool_id=p["id"], ip_version=6, prefixlen=120,
                   enable_dhcp=False)
    assert small["cidr"] == "2001:db8:200:2::/120"
    # The /120 counts 2**-56 of a unit, lost in Zed's floating point: a third /64 fits.
    subnet(res, pools, net, subnetpool_id=p["id"], ip_version=6)
    assert_error(subnet(res, pools, net, expect=None, subnetpool_id=p["id"], ip_version=6),
                 409, "SubnetPoolQuotaExceeded")


def test_one_pool_per_network_and_version(res, pools, net):
    a = pools.create(prefixes=["10.60.0.0/16"], default_prefixlen=24)
    b = pools.create(prefixes=["10.61.0.0/16"], default_prefixlen=24)
    affinity = "Subnets hosted on the same network must be allocated from the same subnet pool."
    subnet(res, pools, net, subnetpool_id=a["id"])
    assert_error(subnet(res, pools, net, expect=None, subnetpool_id=b["id"]), 400,
                 "NetworkSubnetPoolAffinityError", affinity)
    assert_error(subnet(res, pools, net, expect=None, cidr="192.168.50.0/24"), 400,
                 "NetworkSubnetPoolAffinityError", affinity)
    other = res.network(tenant_id=pools.project)
    subnet(res, pools, other, cidr="192.168.51.0/24")
    assert_error(subnet(res, pools, other, expect=None, subnetpool_id=a["id"]), 400,
                 "NetworkSubnetPoolAffinityError", affinity)


def test_parallel_creates_never_overlap(res, pools, net):
    """16 clients at once on one pool of 32 /24s: each gets its own /24."""
    p = pools.create(prefixes=["10.80.0.0/19"], default_prefixlen=24)
    nets = [res.network(tenant_id=pools.project) for _ in range(16)]

    def create(network):
        return pools.api.post("/v2.0/subnets", {"subnet": {
            "network_id": network["id"], "ip_version": 4, "subnetpool_id": p["id"],
            "tenant_id": pools.project}})

    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        answers = list(ex.map(create, nets))
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers][:3]
    for r in answers:
        res.track("subnets", r.json()["subnet"]["id"])
    cidrs = [ipaddress.ip_network(r.json()["subnet"]["cidr"]) for r in answers]
    assert len(set(cidrs)) == 16
    assert all(c.prefixlen == 24 and c.subnet_of(ipaddress.ip_network("10.80.0.0/19"))
               for c in cidrs)


# --- Policy (noauth headers: neutrino only) -------------------------------------------------

@neutrino_only
def test_only_admins_make_shared_or_default_pools(pools):
    project = uuid.uuid4().hex
    me = member(project)
    assert_error(pools.create(expect=None, headers=me, prefixes=["10.90.0.0/16"], shared=True),
                 403, "PolicyNotAuthorized",
                 "(rule:create_subnetpool and rule:create_subnetpool:shared) is disallowed by "
                 "policy")
    assert_error(pools.create(expect=None, headers=me, prefixes=["10.90.0.0/16"],
                              is_default=True), 403, "PolicyNotAuthorized",
                 "(rule:create_subnetpool and rule:create_subnetpool:is_default) is "
                 "disallowed by policy")
    p = pools.create(headers=me, prefixes=["10.90.0.0/16"], shared=False)
    assert p["tenant_id"] == project
    assert_error(pools.update(p["id"], {"is_default": False}, expect=None, headers=me), 403,
                 "PolicyNotAuthorized",
                 "(rule:update_subnetpool and rule:update_subnetpool:is_default) is disallowed "
                 "by policy")


@neutrino_only
def test_shared_pools_are_seen_and_used_by_all(res, pools):
    shared = pools.create(prefixes=["10.91.0.0/16"], shared=True, default_prefixlen=24)
    private = pools.create(prefixes=["10.92.0.0/16"], default_prefixlen=24)
    other = uuid.uuid4().hex
    them = member(other)
    seen = {p["id"] for p in pools.api.get(SP, headers=them).json()["subnetpools"]}
    assert shared["id"] in seen and private["id"] not in seen
    assert_error(pools.api.get("%s/%s" % (SP, private["id"]), headers=them), 404,
                 "SubnetPoolNotFound")
    assert_error(pools.update(shared["id"], {"name": "x"}, expect=None, headers=them), 403,
                 "PolicyNotAuthorized", "rule:update_subnetpool is disallowed by policy")
    net = pools.api.post("/v2.0/networks", {"network": {"name": uname("n")}}, headers=them)
    res.track("networks", net.json()["network"]["id"])
    r = pools.api.post("/v2.0/subnets", {"subnet": {
        "network_id": net.json()["network"]["id"], "ip_version": 4,
        "subnetpool_id": shared["id"]}}, headers=them)
    assert r.status_code == 201, r.text
    res.track("subnets", r.json()["subnet"]["id"])
    assert r.json()["subnet"]["cidr"] == "10.91.0.0/24"
    r = pools.api.post("/v2.0/subnets", {"subnet": {
        "network_id": net.json()["network"]["id"], "ip_version": 4,
        "subnetpool_id": private["id"]}}, headers=them)
    assert_error(r, 404, "SubnetPoolNotFound")


# --- Onboarding a network's subnets (subnet_onboard) -------------------------------------

def onboard(pools, pid, body, headers=None, raw=None):
    path = "%s/%s/onboard_network_subnets" % (SP, pid)
    if raw is not None:
        return pools.api.put(path, data=raw, headers=dict(headers or {},
                                                           **{"Content-Type":
                                                              "application/json"}))
    return pools.api.put(path, body, headers=headers)


def test_onboard_extension_listed(api):
    got = {e["alias"]: e for e in api.ok(api.get("/v2.0/extensions"), 200)["extensions"]}
    assert got["subnet_onboard"] == {
        "name": "Subnet Onboard", "alias": "subnet_onboard",
        "description": "Provides support for onboarding subnets into subnet pools",
        "updated": "2018-12-18T09:00:00-00:00", "links": []}


def test_onboard_moves_the_networks_subnets_of_the_pools_version(res, pools, net):
    s1 = subnet(res, pools, net, cidr="10.150.1.0/24")
    s2 = subnet(res, pools, net, cidr="10.150.0.0/24")
    v6 = subnet(res, pools, net, cidr="fd15:150::/64", ip_version=6)
    pool = pools.create(prefixes=["10.160.0.0/16"])
    got = pools.api.ok(onboard(pools, pool["id"], {"network_id": net["id"]}), 200)
    # A bare list, in the subnets' creation order.
    assert got == [{"id": s1["id"], "cidr": "10.150.1.0/24"},
                   {"id": s2["id"], "cidr": "10.150.0.0/24"}]
    shown = pools.show(pool["id"])
    assert shown["prefixes"] == ["10.150.0.0/23", "10.160.0.0/16"]
    assert shown["revision_number"] == pool["revision_number"] + 1
    for s in (s1, s2):
        now = res.api.ok(res.api.get("/v2.0/subnets/" + s["id"]), 200)["subnet"]
        assert now["subnetpool_id"] == pool["id"]
        assert now["revision_number"] == s["revision_number"] + 1
    six = res.api.ok(res.api.get("/v2.0/subnets/" + v6["id"]), 200)["subnet"]
    assert six["subnetpool_id"] is None and six["revision_number"] == v6["revision_number"]
    # The pool now hands out around them, and counts them as in use.
    cut = subnet(res, pools, res.network(tenant_id=pools.project), subnetpool_id=pool["id"],
                 prefixlen=23)
    assert cut["cidr"] == "10.160.0.0/23"
    assert_error(pools.action(pool["id"], "remove_prefixes", {"prefixes": ["10.150.0.0/23"]},
                              expect=None), 400, "IllegalSubnetPoolPrefixUpdate")
    # Again: the subnets are the pool's own allocations now.
    assert_error(onboard(pools, pool["id"], {"network_id": net["id"]}), 400,
                 "IllegalSubnetPoolUpdate", "Illegal subnetpool update : Onboarding subnet %s:"
                 " 10.150.1.0/24 conflicts with allocated prefixes in subnet pool %s."
                 % (s1["id"], pool["id"]))


def test_onboard_an_empty_network_still_revises_the_pool(res, pools, net):
    pool = pools.create(prefixes=["10.161.0.0/16"])
    assert pools.api.ok(onboard(pools, pool["id"], {"network_id": net["id"], "x": 1}),
                        200) == []
    shown = pools.show(pool["id"])
    assert shown["prefixes"] == ["10.161.0.0/16"]
    assert shown["revision_number"] == pool["revision_number"] + 1


def test_onboard_conflict_with_the_pools_allocations_changes_nothing(res, pools, net):
    pool = pools.create(prefixes=["10.162.0.0/16"], default_prefixlen=24)
    subnet(res, pools, res.network(tenant_id=pools.project), subnetpool_id=pool["id"],
           cidr="10.162.1.0/24")
    free = subnet(res, pools, net, cidr="10.163.0.0/24")
    clash = subnet(res, pools, net, cidr="10.162.1.128/25")
    assert_error(onboard(pools, pool["id"], {"network_id": net["id"]}), 400,
                 "IllegalSubnetPoolUpdate", "Illegal subnetpool update : Onboarding subnet %s:"
                 " 10.162.1.128/25 conflicts with allocated prefixes in subnet pool %s."
                 % (clash["id"], pool["id"]))
    assert pools.show(pool["id"])["prefixes"] == ["10.162.0.0/16"]
    now = res.api.ok(res.api.get("/v2.0/subnets/" + free["id"]), 200)["subnet"]
    assert now["subnetpool_id"] is None


def test_onboard_takes_a_subnet_from_another_pool(res, pools, net):
    """The subnet moves; the pool it came from keeps its prefixes."""
    old = pools.create(prefixes=["10.164.0.0/16"], default_prefixlen=24)
    new = pools.create(prefixes=["10.165.0.0/16"])
    s = subnet(res, pools, net, subnetpool_id=old["id"])
    got = pools.api.ok(onboard(pools, new["id"], {"network_id": net["id"]}), 200)
    assert got == [{"id": s["id"], "cidr": "10.164.0.0/24"}]
    assert pools.show(new["id"])["prefixes"] == ["10.164.0.0/24", "10.165.0.0/16"]
    assert pools.show(old["id"])["prefixes"] == ["10.164.0.0/16"]
    assert pools.api.get(SP.replace("subnetpools", "subnets"),
                         params={"subnetpool_id": old["id"]}).json()["subnets"] == []


def test_onboard_into_a_scope_brings_the_network_into_it(res, pools, net):
    scope = pools.api.ok(pools.api.post("/v2.0/address-scopes", {"address_scope": {
        "name": uname("scope"), "ip_version": 4, "tenant_id": pools.project}}),
        201)["address_scope"]
    try:
        pool = pools.create(prefixes=["10.166.0.0/16"], address_scope_id=scope["id"])
        pools.create(prefixes=["10.167.0.0/16"], address_scope_id=scope["id"])
        subnet(res, pools, net, cidr="10.168.0.0/24")
        pools.api.ok(onboard(pools, pool["id"], {"network_id": net["id"]}), 200)
        shown = res.api.ok(res.api.get("/v2.0/networks/" + net["id"]), 200)["network"]
        assert shown["ipv4_address_scope"] == scope["id"]
        # A subnet overlapping another pool of the scope: the scope's own rule.
        other = res.network(tenant_id=pools.project)
        subnet(res, pools, other, cidr="10.167.5.0/24")
        assert_error(onboard(pools, pool["id"], {"network_id": other["id"]}), 409,
                     "AddressScopePrefixConflict", "Failed to associate address scope:"
                     " subnetpools within an address scope must have unique prefixes.")
    finally:
        pools.cleanup()
        pools.ids = []
        pools.api.delete("/v2.0/address-scopes/" + scope["id"])


@pytest.mark.parametrize("body, status, type_, message", [
    ({}, 400, "InvalidInput", invalid_input("network_id must be specified.")),
    ({"network_id": None}, 400, "InvalidInput", invalid_input("network_id must be specified.")),
    ({"network_id": ""}, 404, "NetworkNotFound", "Network  could not be found."),
    ({"network_id": 5}, 404, "NetworkNotFound", "Network 5 could not be found."),
    ({"network_id": MISSING}, 404, "NetworkNotFound", "Network %s could not be found."
     % MISSING),
])
def test_onboard_refusals(pools, body, status, type_, message):
    pool = pools.create(prefixes=["10.169.0.0/16"])
    assert_error(onboard(pools, pool["id"], body), status, type_, message)


def test_onboard_into_a_missing_pool(pools, net):
    assert_error(onboard(pools, MISSING, {"network_id": net["id"]}), 404, "SubnetPoolNotFound",
                 "Subnet pool %s could not be found." % MISSING)


@neutrino_only
@pytest.mark.parametrize("raw", ["[]", "", "\"x\"", "{"])
def test_onboard_body_that_is_no_object(pools, raw):
    """Zed answers 500."""
    pool = pools.create(prefixes=["10.170.0.0/16"])
    assert_error(onboard(pools, pool["id"], None, raw=raw), 400, "HTTPBadRequest",
                 "The body must be an object with the network to onboard:"
                 " {\"network_id\": ...}.")


@neutrino_only
def test_onboard_is_for_the_pools_and_the_networks_owner(res, pools):
    """Zed's rule onboard_network_subnets (a member of the pool's project), then the
    network must be the caller's own, shared or not: 403 NotAuthorized."""
    a, b = uuid.uuid4().hex, uuid.uuid4().hex
    pool = pools.create(headers=member(a), prefixes=["10.171.0.0/16"], name=uname("p"))
    shared = pools.create(prefixes=["10.172.0.0/16"], shared=True)
    mine = pools.api.ok(pools.api.post("/v2.0/networks", {"network": {"name": uname("n")}},
                                       headers=member(a)), 201)["network"]
    res.track("networks", mine["id"])
    theirs = res.network(tenant_id=b, shared=True)
    hidden = res.network(tenant_id=b)
    assert_error(onboard(pools, shared["id"], {"network_id": mine["id"]}, member(a)), 403,
                 "PolicyNotAuthorized", "rule:onboard_network_subnets is disallowed by policy")
    assert_error(onboard(pools, pool["id"], {"network_id": mine["id"]}, member(a, "reader")),
                 403, "PolicyNotAuthorized")
    assert_error(onboard(pools, pool["id"], {"network_id": hidden["id"]}, member(a)), 404,
                 "NetworkNotFound")
    assert_error(onboard(pools, pool["id"], {"network_id": theirs["id"]}, member(a)), 403,
                 "NotAuthorized", "Not authorized.")
    assert_error(onboard(pools, pool["id"], {"network_id": mine["id"]}, member(b)), 404,
                 "SubnetPoolNotFound")
    assert pools.api.ok(onboard(pools, pool["id"], {"network_id": mine["id"]}, member(a)),
                        200) == []
