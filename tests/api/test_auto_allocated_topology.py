"""auto-allocated-topology (docs/behaviour/api.md §18): a project's network, subnets
from the default pools and router to the default external network, made on its first
GET and the same afterwards; dry-run; Zed's errors when the deployment lacks a default
external network or default pools, with nothing left behind; delete; who may ask for
which project; concurrent first GETs; and the networks' is_default (one default
external network, shown as Zed shows it, its '*' access_as_external policy kept).

The exchanges were checked against the real Zed (NEUTRON_FULL reference server);
tests acting as a project through noauth headers are neutrino-only."""

import concurrent.futures
import uuid

import pytest

from api_helpers import UUID_RE, assert_error, invalid_input, uname

neutrino_only = pytest.mark.neutrino_only

AA = "/v2.0/auto-allocated-topology"
N = "/v2.0/networks"
SP = "/v2.0/subnetpools"


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-Roles": roles}


def project():
    return "aa-" + uuid.uuid4().hex[:12]


class Deployment:
    """What an operator gives auto-allocation: a default external network with a subnet
    and default IPv4 and IPv6 pools, shared.  Every piece is removed at the end, after
    the topologies made for the test's projects."""

    def __init__(self, api):
        self.api = api
        self.owner = project()
        self.projects = []
        self.networks = []
        self.pools = []

    def external(self, is_default=True, with_subnet=True):
        r = self.api.post(N, {"network": {"name": uname("aa-ext"), "router:external": True,
                                          "is_default": is_default,
                                          "tenant_id": self.owner}})
        net = self.api.ok(r, 201)["network"]
        self.networks.append(net["id"])
        if with_subnet:
            self.api.ok(self.api.post("/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "cidr": "198.51.100.0/24", "ip_version": 4,
                "tenant_id": self.owner}}), 201)
        return net

    def pool(self, version):
        prefix = "10.77.0.0/16" if version == 4 else "fd77:77::/48"
        r = self.api.post(SP, {"subnetpool": {
            "name": uname("aa-pool"), "prefixes": [prefix],
            "default_prefixlen": 26 if version == 4 else 64, "is_default": True,
            "shared": True, "tenant_id": self.owner}})
        pool = self.api.ok(r, 201)["subnetpool"]
        self.pools.append(pool["id"])
        return pool

    def full(self):
        self.external()
        self.pool(4)
        self.pool(6)
        return self

    def new_project(self):
        p = project()
        self.projects.append(p)
        return p

    def cleanup(self):
        for p in self.projects:
            # A project with no topology gets one made and removed: only when there is
            # one left, so a deployment taken apart by a test is not asked to.
            nets = self.api.get(N, params={"tenant_id": p, "name": "auto_allocated_network"})
            if nets.status_code == 200 and nets.json()["networks"]:
                self.api.delete("%s/%s" % (AA, p))
        for pid in self.pools:
            self.api.delete("%s/%s" % (SP, pid))
        for nid in self.networks:
            self.api.delete("%s/%s" % (N, nid))


@pytest.fixture
def dep(api):
    d = Deployment(api)
    yield d
    d.cleanup()


def topology(api, p, headers=None, expect=200, params=None):
    r = api.get("%s/%s" % (AA, p), headers=headers if headers is not None else member(p),
                params=params)
    return r if expect is None else api.ok(r, expect)["auto_allocated_topology"]


def owned(api, collection, p, **params):
    params["tenant_id"] = p
    return api.ok(api.get("/v2.0/" + collection, params=params), 200)[collection]


# --- The extension -----------------------------------------------------------------

def test_extension_is_listed(api):
    ext = api.ok(api.get("/v2.0/extensions/auto-allocated-topology"), 200)["extension"]
    assert ext == {"alias": "auto-allocated-topology",
                   "name": "Auto Allocated Topology Services",
                   "description": "Auto Allocated Topology Services.",
                   "updated": "2016-01-01T00:00:00-00:00", "links": []}


@neutrino_only
def test_other_methods_and_the_collection(api):
    # Zed: POST 405 as here; a PUT is a 400 from the read it does first, the
    # collection a 500.  neutrino: 405 and 404.
    for method in ("POST", "PUT"):
        r = api.request(method, AA + "/x", body={"auto_allocated_topology": {}})
        assert_error(r, 405, "HTTPMethodNotAllowed")
    assert_error(api.get(AA), 404, "HTTPNotFound")


# --- Allocation --------------------------------------------------------------------

@neutrino_only
def test_first_get_makes_the_topology_and_later_gets_return_it(api, dep):
    dep.full()
    p = dep.new_project()
    t = topology(api, p)
    assert set(t) == {"id", "tenant_id", "project_id"}
    assert UUID_RE.match(t["id"]) and t["tenant_id"] == p and t["project_id"] == p

    net = api.show("networks", t["id"])
    assert net["name"] == "auto_allocated_network" and net["project_id"] == p
    assert net["admin_state_up"] is True and net["shared"] is False
    assert "is_default" not in net           # an internal network's is not shown
    subnets = owned(api, "subnets", p, network_id=t["id"])
    assert sorted(s["name"] for s in subnets) == ["auto_allocated_subnet_v4",
                                                   "auto_allocated_subnet_v6"]
    assert {s["subnetpool_id"] for s in subnets} == set(dep.pools)
    assert {s["cidr"] for s in subnets} == {"10.77.0.0/26", "fd77:77::/64"}
    routers = owned(api, "routers", p)
    assert [r["name"] for r in routers] == ["auto_allocated_router"]
    assert routers[0]["external_gateway_info"]["network_id"] == dep.networks[0]
    ifaces = owned(api, "ports", p, device_id=routers[0]["id"],
                   device_owner="network:router_interface")
    assert {ip["subnet_id"] for port in ifaces for ip in port["fixed_ips"]} == \
        {s["id"] for s in subnets}

    assert topology(api, p) == t
    assert len(owned(api, "networks", p)) == 1
    assert len(owned(api, "routers", p)) == 1


@neutrino_only
def test_only_the_default_pools_there_are(api, dep):
    dep.external()
    dep.pool(4)
    p = dep.new_project()
    t = topology(api, p)
    assert [s["name"] for s in owned(api, "subnets", p, network_id=t["id"])] == \
        ["auto_allocated_subnet_v4"]


@neutrino_only
def test_none_means_the_callers_project(api, dep):
    dep.full()
    p = dep.new_project()
    t = topology(api, "None", headers=member(p))
    assert t["tenant_id"] == p and t["project_id"] == p
    assert topology(api, p)["id"] == t["id"]


@neutrino_only
def test_admin_allocates_for_another_project(api, dep):
    dep.full()
    p = dep.new_project()
    t = topology(api, p, headers=member("aa-admin", "admin"))
    assert api.show("networks", t["id"])["project_id"] == p
    assert topology(api, p)["id"] == t["id"]


@neutrino_only
def test_a_project_may_not_ask_for_another(api, dep):
    dep.full()
    p, other = dep.new_project(), dep.new_project()
    for method in ("GET", "DELETE"):
        r = api.request(method, "%s/%s" % (AA, other), headers=member(p))
        assert_error(r, 403, "NotAuthorized", "Not authorized.")
    assert owned(api, "networks", other) == []


@neutrino_only
def test_concurrent_first_gets_make_one_topology(api, dep):
    dep.full()
    p = dep.new_project()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: topology(api, p, expect=None), range(6)))
    assert [a.status_code for a in answers] == [200] * 6, [a.text for a in answers]
    ids = {a.json()["auto_allocated_topology"]["id"] for a in answers}
    assert len(ids) == 1
    assert [n["id"] for n in owned(api, "networks", p)] == list(ids)
    assert len(owned(api, "routers", p)) == 1


# --- dry-run and field checks -------------------------------------------------------

@neutrino_only
def test_dry_run_checks_without_making_anything(api, dep):
    p = dep.new_project()
    r = topology(api, p, params={"fields": "dry-run"}, expect=None)
    assert_error(r, 409, "AutoAllocationFailure",
                 "Deployment error: No default router:external network.")
    dep.external()
    r = topology(api, p, params={"fields": "dry-run"}, expect=None)
    assert_error(r, 409, "AutoAllocationFailure",
                 "Deployment error: No default subnetpools defined.")
    dep.pool(4)
    body = api.ok(topology(api, p, params={"fields": "dry-run"}, expect=None), 200)
    assert body == {"auto_allocated_topology": {"id": "dry-run=pass", "tenant_id": p}}
    assert owned(api, "networks", p) == []


@neutrino_only
def test_other_fields_are_refused(api, dep):
    p = dep.new_project()
    for fields in ("id", ["id", "tenant_id"], "foo"):
        r = topology(api, p, params={"fields": fields}, expect=None)
        assert_error(r, 400, "BadRequest", "Bad auto_allocate request: Unrecognized field.")


# --- Unmet requirements: Zed's errors, nothing left ---------------------------------

@neutrino_only
def test_no_default_external_network(api, dep):
    dep.pool(4)
    dep.external(is_default=False)
    p = dep.new_project()
    assert_error(topology(api, p, expect=None), 409, "AutoAllocationFailure",
                 "Deployment error: No default router:external network.")
    assert owned(api, "networks", p) == []


@neutrino_only
def test_no_default_pool_leaves_nothing(api, dep):
    dep.external()
    p = dep.new_project()
    assert_error(topology(api, p, expect=None), 409, "AutoAllocationFailure",
                 "Deployment error: Unable to provide tenant private network.")
    assert owned(api, "networks", p) == []


@neutrino_only
def test_a_full_pool_leaves_nothing(api, dep):
    dep.external()
    pool = dep.pool(4)
    api.update("subnetpools", pool["id"], {"default_prefixlen": 16})
    first = dep.new_project()
    topology(api, first)                        # takes the pool's only /16
    p = dep.new_project()
    assert_error(topology(api, p, expect=None), 409, "AutoAllocationFailure",
                 "Deployment error: Unable to provide tenant private network.")
    assert owned(api, "networks", p) == []
    assert owned(api, "routers", p) == []


@neutrino_only
def test_quota_refusal_is_shown_as_it_is(api, dep):
    dep.full()
    p = dep.new_project()
    admin = member("aa-admin", "admin")
    api.ok(api.put("/v2.0/quotas/" + p, {"quota": {"router": 0}}, headers=admin), 200)
    try:
        r = topology(api, p, expect=None)
        assert_error(r, 409, "OverQuota")
        assert owned(api, "networks", p) == []
    finally:
        api.delete("/v2.0/quotas/" + p, headers=admin)


# --- Delete ------------------------------------------------------------------------

@neutrino_only
def test_delete_removes_everything(api, dep):
    dep.full()
    p = dep.new_project()
    t = topology(api, p)
    r = api.delete("%s/%s" % (AA, p), headers=member(p))
    assert r.status_code == 204, r.text
    assert owned(api, "networks", p) == []
    assert owned(api, "subnets", p) == []
    assert owned(api, "routers", p) == []
    assert owned(api, "ports", p) == []
    # A new GET makes a new one.
    assert topology(api, p)["id"] != t["id"]


@neutrino_only
def test_delete_without_a_topology_makes_and_removes_one(api, dep):
    p = dep.new_project()
    # As in Zed, which reads (so allocates) before it deletes.
    r = api.delete("%s/%s" % (AA, p), headers=member(p))
    assert_error(r, 409, "AutoAllocationFailure",
                 "Deployment error: No default router:external network.")
    dep.full()
    r = api.delete("%s/%s" % (AA, p), headers=member(p))
    assert r.status_code == 204, r.text
    assert owned(api, "networks", p) == []
    assert owned(api, "routers", p) == []


def detach_router(api, project, t):
    """Takes the project's topology router off the topology's subnets; returns it."""
    router = owned(api, "routers", project)[0]
    for s in owned(api, "subnets", project, network_id=t["id"]):
        api.ok(api.put("/v2.0/routers/%s/remove_router_interface" % router["id"],
                       {"subnet_id": s["id"]}), 200)
    return router


@neutrino_only
def test_delete_after_the_router_was_removed(api, dep):
    dep.full()
    p = dep.new_project()
    t = topology(api, p)
    router = detach_router(api, p, t)
    assert api.delete("/v2.0/routers/" + router["id"]).status_code == 204
    assert topology(api, p)["id"] == t["id"]       # the network is still the topology
    assert api.delete("%s/%s" % (AA, p), headers=member(p)).status_code == 204
    assert owned(api, "networks", p) == []


@neutrino_only
def test_a_network_deleted_by_hand_takes_its_record(api, dep):
    dep.full()
    p = dep.new_project()
    t = topology(api, p)
    router = detach_router(api, p, t)
    assert api.delete("/v2.0/networks/" + t["id"]).status_code == 204
    fresh = topology(api, p)
    assert fresh["id"] != t["id"]
    assert [n["id"] for n in owned(api, "networks", p)] == [fresh["id"]]
    # The old router is no part of the new topology: its delete leaves it.
    assert api.delete("%s/%s" % (AA, p), headers=member(p)).status_code == 204
    assert [r["id"] for r in owned(api, "routers", p)] == [router["id"]]
    assert api.delete("/v2.0/routers/" + router["id"]).status_code == 204


# --- is_default on networks ---------------------------------------------------------

def test_is_default_on_create_and_reads(api, dep):
    ext = dep.external(with_subnet=False)
    assert ext["is_default"] is True
    assert api.show("networks", ext["id"])["is_default"] is True
    r = api.post(N, {"network": {"name": uname("aa"), "tenant_id": dep.owner}})
    plain = api.ok(r, 201)["network"]
    dep.networks.append(plain["id"])
    assert plain["is_default"] is False            # the answer to a create shows it
    assert "is_default" not in api.show("networks", plain["id"])
    other = api.ok(api.post(N, {"network": {"name": uname("aa"), "router:external": True,
                                            "tenant_id": dep.owner}}), 201)["network"]
    dep.networks.append(other["id"])
    assert api.show("networks", other["id"])["is_default"] is False


def test_only_one_default_external_network(api, dep):
    ext = dep.external(with_subnet=False)
    msg = "A default external network already exists: %s." % ext["id"]
    r = api.post(N, {"network": {"name": uname("aa"), "router:external": True,
                                 "is_default": True, "tenant_id": dep.owner}})
    assert_error(r, 409, "DefaultExternalNetworkExists", msg)
    # Zed checks the request, external or not.
    r = api.post(N, {"network": {"name": uname("aa"), "is_default": True,
                                 "tenant_id": dep.owner}})
    assert_error(r, 409, "DefaultExternalNetworkExists", msg)
    other = api.ok(api.post(N, {"network": {"name": uname("aa"), "router:external": True,
                                            "tenant_id": dep.owner}}), 201)["network"]
    dep.networks.append(other["id"])
    r = api.put("%s/%s" % (N, other["id"]), {"network": {"is_default": True}})
    assert_error(r, 409, "DefaultExternalNetworkExists", msg)
    # Setting it again on the default itself is no change, and moves no revision.
    again = api.update("networks", ext["id"], {"is_default": True})
    assert again["is_default"] is True and again["revision_number"] == ext["revision_number"]


def test_default_moves_and_follows_router_external(api, dep):
    ext = dep.external(with_subnet=False)
    other = api.ok(api.post(N, {"network": {"name": uname("aa"), "router:external": True,
                                            "tenant_id": dep.owner}}), 201)["network"]
    dep.networks.append(other["id"])
    off = api.update("networks", ext["id"], {"is_default": False})
    assert off["is_default"] is False and off["revision_number"] == ext["revision_number"]
    on = api.update("networks", other["id"], {"is_default": True})
    assert on["is_default"] is True
    # An internal network is not the default: making it internal forgets it.
    internal = api.update("networks", other["id"], {"router:external": False})
    assert "is_default" not in internal
    back = api.update("networks", other["id"], {"router:external": True})
    assert back["is_default"] is False
    # An internal network's answer shows what was asked; nothing is kept.
    plain = api.ok(api.post(N, {"network": {"name": uname("aa"),
                                            "tenant_id": dep.owner}}), 201)["network"]
    dep.networks.append(plain["id"])
    assert api.update("networks", plain["id"], {"is_default": True})["is_default"] is True
    assert "is_default" not in api.show("networks", plain["id"])
    third = api.ok(api.post(N, {"network": {"name": uname("aa"), "router:external": True,
                                            "is_default": True,
                                            "tenant_id": dep.owner}}), 201)["network"]
    dep.networks.append(third["id"])


def test_is_default_filter_is_accepted_and_ignored(api, dep):
    ext = dep.external(with_subnet=False)
    for value in ("true", "false"):
        ids = {n["id"] for n in api.list("networks", {"is_default": value, "fields": "id"})}
        assert ext["id"] in ids
    r = api.get(N, params={"is_default": "maybe"})
    assert_error(r, 400, "InvalidInput",
                 invalid_input("'maybe' cannot be converted to boolean"))


@neutrino_only
def test_is_default_is_admin_only(api, dep):
    p = dep.new_project()
    r = api.post(N, {"network": {"name": uname("aa"), "is_default": True}}, headers=member(p))
    assert_error(r, 403, "PolicyNotAuthorized",
                 "(rule:create_network and rule:create_network:is_default) is disallowed"
                 " by policy")
    net = api.ok(api.post(N, {"network": {"name": uname("aa"), "is_default": False}},
                          headers=member(p)), 201)["network"]
    dep.networks.append(net["id"])
    r = api.put("%s/%s" % (N, net["id"]), {"network": {"is_default": False}},
                headers=member(p))
    assert_error(r, 403, "PolicyNotAuthorized",
                 "(rule:update_network and rule:update_network:is_default) is disallowed"
                 " by policy")


def test_wildcard_external_policy_of_the_default_cannot_go(api, dep):
    ext = dep.external(with_subnet=False)
    policies = api.ok(api.get("/v2.0/rbac-policies", params={
        "object_id": ext["id"], "action": "access_as_external"}), 200)["rbac_policies"]
    assert [p["target_tenant"] for p in policies] == ["*"]
    r = api.delete("/v2.0/rbac-policies/" + policies[0]["id"])
    # Zed wraps the details in its callback's failure ("Callback <name>-<number> failed
    # with ..."), whose number changes with each process; neutrino gives them as they are.
    err = assert_error(r, 409, "RbacPolicyInUse",
                       contains="Default external networks must be shared to everyone.")
    assert err["message"].startswith(
        "RBAC policy on object %s cannot be removed because other objects depend on it."
        "\nDetails: " % ext["id"])
    # Once it is not the default, the policy may go.
    api.update("networks", ext["id"], {"is_default": False})
    assert api.delete("/v2.0/rbac-policies/" + policies[0]["id"]).status_code == 204
