"""Address scopes (docs/behaviour/ipam.md §10): the scope as Zed shows it (no standard
attributes), its checks, the one-way sharing, a pool's address_scope_id (of the
scope's IP version, no prefix shared with another pool of the scope, re-scoping
refused when it would split a network), and a network's ipv4_address_scope /
ipv6_address_scope derived from its subnets' pools.

Every exchange was checked against the real Zed; run against it with
NEUTRINO_TEST_URL.  Tests that act as a project through noauth headers are
neutrino-only."""

import uuid

import pytest

from api_helpers import UUID_RE, assert_error, bad_attr, uname
from test_subnetpools import MISSING, Pools, member, subnet

neutrino_only = pytest.mark.neutrino_only

AS = "/v2.0/address-scopes"
SCOPE_KEYS = {"id", "name", "tenant_id", "project_id", "shared", "ip_version"}


class Scopes:
    """Creates address scopes and deletes them when the test ends (after the pools)."""

    def __init__(self, api, project):
        self.api = api
        self.project = project
        self.ids = []

    def create(self, expect=201, headers=None, **attrs):
        attrs.setdefault("name", uname("scope"))
        if headers is None:
            attrs.setdefault("tenant_id", self.project)
        r = self.api.post(AS, {"address_scope": attrs}, headers=headers)
        if r.status_code == 201:
            self.ids.append(r.json()["address_scope"]["id"])
        return r if expect is None else self.api.ok(r, expect)["address_scope"]

    def update(self, sid, attrs, expect=200, headers=None):
        r = self.api.put("%s/%s" % (AS, sid), {"address_scope": attrs}, headers=headers)
        return r if expect is None else self.api.ok(r, expect)["address_scope"]

    def cleanup(self):
        for sid in reversed(self.ids):
            self.api.delete("%s/%s" % (AS, sid))


@pytest.fixture
def scopes(api, res):
    s = Scopes(api, "as-" + uuid.uuid4().hex[:12])
    yield s
    s.cleanup()


@pytest.fixture
def pools(api, res, scopes):
    p = Pools(api)
    p.project = scopes.project
    yield p
    p.cleanup()


def test_create_show_list(scopes):
    a = scopes.create(name="s4", ip_version=4)
    assert set(a) == SCOPE_KEYS and UUID_RE.match(a["id"])
    assert (a["name"], a["ip_version"], a["shared"], a["tenant_id"], a["project_id"]) == (
        "s4", 4, False, scopes.project, scopes.project)
    b = scopes.create(ip_version=6, shared=True)
    assert b["shared"] is True
    assert scopes.api.get("%s/%s" % (AS, a["id"])).json() == {"address_scope": a}
    listed = scopes.api.get(AS, params={"tenant_id": scopes.project, "ip_version": 6,
                                        "fields": "name"}).json()["address_scopes"]
    assert listed == [{"name": b["name"]}]


@pytest.mark.parametrize("attrs, type_, message", [
    ({}, "HTTPBadRequest", "Failed to parse request. Required attribute 'ip_version' not "
                           "specified"),
    ({"ip_version": 5}, "HTTPBadRequest", bad_attr("ip_version", "5 is not in valid_values")),
    ({"ip_version": 4, "description": "d"}, "HTTPBadRequest",
     "Unrecognized attribute(s) 'description'"),
    ({"ip_version": 4, "name": "x" * 256}, "HTTPBadRequest",
     bad_attr("name", "'%s' exceeds maximum length of 255" % ("x" * 256))),
    ({"ip_version": 4, "shared": "maybe"}, "InvalidInput",
     "Invalid input for operation: 'maybe' cannot be converted to boolean."),
])
def test_create_refusals(scopes, attrs, type_, message):
    assert_error(scopes.create(expect=None, **attrs), 400, type_, message)


def test_update_and_sharing_is_one_way(scopes):
    a = scopes.create(ip_version=4)
    assert scopes.update(a["id"], {"name": "renamed"})["name"] == "renamed"
    assert_error(scopes.update(a["id"], {"ip_version": 6}, expect=None), 400, "HTTPBadRequest",
                 "Cannot update read-only attribute ip_version")
    assert scopes.update(a["id"], {"shared": True})["shared"] is True
    assert scopes.update(a["id"], {"shared": True})["shared"] is True
    assert_error(scopes.update(a["id"], {"shared": False}, expect=None), 400,
                 "AddressScopeUpdateError", "Unable to update address scope %s : Shared "
                 "address scope can't be unshared." % a["id"])


def test_missing_scope(scopes):
    path = "%s/%s" % (AS, MISSING)
    message = "Address scope %s could not be found." % MISSING
    for r in (scopes.api.get(path), scopes.api.delete(path),
              scopes.api.put(path, {"address_scope": {"name": "x"}})):
        assert_error(r, 404, "AddressScopeNotFound", message)


def test_pools_in_a_scope(scopes, pools):
    s4 = scopes.create(ip_version=4)
    s6 = scopes.create(ip_version=6, shared=True)
    a = pools.create(prefixes=["10.30.0.0/16"], address_scope_id=s4["id"])
    assert a["address_scope_id"] == s4["id"]
    assert pools.show(a["id"])["address_scope_id"] == s4["id"]
    conflict = ("Failed to associate address scope: subnetpools within an address scope "
                "must have unique prefixes.")
    assert_error(pools.create(expect=None, prefixes=["10.30.128.0/17"],
                              address_scope_id=s4["id"]), 409, "AddressScopePrefixConflict",
                 conflict)
    r = pools.create(expect=None, prefixes=["10.30.0.0/16"], address_scope_id=s6["id"])
    err = assert_error(r, 400, "IllegalSubnetPoolIpVersionAssociationToAddressScope")
    assert err["message"].endswith(
        "cannot associate with address scope %s because subnetpool ip_version is not 6."
        % s6["id"])
    d = pools.create(prefixes=["10.31.0.0/16"], address_scope_id=s4["id"])
    listed = pools.api.list("subnetpools", {"address_scope_id": s4["id"], "fields": "id"})
    assert sorted(x["id"] for x in listed) == sorted([a["id"], d["id"]])
    assert_error(pools.action(a["id"], "add_prefixes", {"prefixes": ["10.31.0.0/24"]},
                              expect=None), 409, "AddressScopePrefixConflict", conflict)
    e = pools.create(prefixes=["10.32.0.0/16"])
    assert_error(pools.update(e["id"], {"address_scope_id": s4["id"],
                                        "prefixes": ["10.32.0.0/16", "10.30.5.0/24"]},
                              expect=None), 409, "AddressScopePrefixConflict", conflict)
    u = pools.update(e["id"], {"address_scope_id": s4["id"]})
    assert u["address_scope_id"] == s4["id"]
    u = pools.update(e["id"], {"address_scope_id": None})
    assert u["address_scope_id"] is None
    assert_error(scopes.api.delete("%s/%s" % (AS, s4["id"])), 409, "AddressScopeInUse",
                 "Unable to complete operation on address scope %s. There are one or more "
                 "subnet pools in use on the address scope." % s4["id"])


def test_network_address_scope_follows_its_pools(res, scopes, pools):
    s4 = scopes.create(ip_version=4)
    a = pools.create(prefixes=["10.33.0.0/16"], address_scope_id=s4["id"],
                     default_prefixlen=24)
    d = pools.create(prefixes=["10.34.0.0/16"], address_scope_id=s4["id"],
                     default_prefixlen=24)
    e = pools.create(prefixes=["10.35.0.0/16"], default_prefixlen=24)
    net = res.network(tenant_id=scopes.project)
    assert (net["ipv4_address_scope"], net["ipv6_address_scope"]) == (None, None)
    subnet(res, pools, net, subnetpool_id=a["id"])
    shown = res.api.show("networks", net["id"])
    assert (shown["ipv4_address_scope"], shown["ipv6_address_scope"]) == (s4["id"], None)
    listed = res.api.list("networks", {"id": net["id"], "fields": "ipv4_address_scope"})
    assert listed == [{"ipv4_address_scope": s4["id"]}]
    # Another pool of the same scope may serve the network; no pool, or another scope's,
    # may not.
    subnet(res, pools, net, subnetpool_id=d["id"])
    assert_error(subnet(res, pools, net, expect=None, subnetpool_id=e["id"]), 400,
                 "NetworkAddressScopeAffinityError",
                 "Subnets of the same address family hosted on the same network must all "
                 "participate in the same address scope.")
    assert_error(subnet(res, pools, net, expect=None, cidr="192.168.50.0/24"), 400,
                 "NetworkSubnetPoolAffinityError")
    # Every update of a scoped pool checks that its networks' subnets all come from it:
    # with two pools of the scope on one network, neither can be changed.
    assert_error(pools.update(a["id"], {"name": "x"}, expect=None), 400,
                 "NetworkAddressScopeAffinityError")
    # Zed checks a network's scopes only when a pool joins a scope, not when it leaves.
    assert pools.update(d["id"], {"address_scope_id": None})["address_scope_id"] is None
    # Joining a scope would put the network in two scopes now.
    s4b = scopes.create(ip_version=4)
    assert_error(pools.update(d["id"], {"address_scope_id": s4b["id"]}, expect=None), 400,
                 "NetworkAddressScopeAffinityError")


@neutrino_only
def test_only_admins_share_scopes(scopes):
    project = uuid.uuid4().hex
    me = member(project)
    assert_error(scopes.create(expect=None, headers=me, ip_version=4, shared=True), 403,
                 "PolicyNotAuthorized", "(rule:create_address_scope and "
                 "rule:create_address_scope:shared) is disallowed by policy")
    a = scopes.create(headers=me, ip_version=4)
    assert a["tenant_id"] == project
    assert_error(scopes.update(a["id"], {"shared": False}, expect=None, headers=me), 403,
                 "PolicyNotAuthorized", "(rule:update_address_scope and "
                 "rule:update_address_scope:shared) is disallowed by policy")
    other = member(uuid.uuid4().hex)
    assert_error(scopes.api.get("%s/%s" % (AS, a["id"]), headers=other), 404,
                 "AddressScopeNotFound")
    shared = scopes.create(ip_version=4, shared=True)
    assert scopes.api.get("%s/%s" % (AS, shared["id"]), headers=other).status_code == 200
    assert_error(scopes.update(shared["id"], {"name": "x"}, expect=None, headers=other), 403,
                 "PolicyNotAuthorized", "rule:update_address_scope is disallowed by policy")


@neutrino_only
def test_a_pool_in_a_shared_scope_of_another_project_is_frozen(scopes, pools):
    shared = scopes.create(ip_version=4, shared=True)
    project = uuid.uuid4().hex
    me = member(project)
    p = pools.create(headers=me, prefixes=["10.36.0.0/16"], address_scope_id=shared["id"])
    assert_error(pools.update(p["id"], {"name": "x"}, expect=None, headers=me), 400,
                 "IllegalSubnetPoolUpdate", "Illegal subnetpool update : subnetpool %s cannot "
                 "be updated when associated with shared address scope %s."
                 % (p["id"], shared["id"]))
