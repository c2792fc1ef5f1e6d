"""Quotas (/v2.0/quotas, the quotas and quota_details extensions): every endpoint and
error as Neutron Zed answers it, the checks of each create, what the server makes on a
project's behalf, policy, and exact counting under parallel and bulk creates, on one
server and on two sharing PostgreSQL (docs/behaviour/quotas.md)."""

import concurrent.futures
import json
import uuid

import pytest

import pg_cluster
from api_helpers import Api, assert_error, bad_attr, invalid_input, uname

Q = "/v2.0/quotas"
RESOURCES = ["network", "subnet", "subnetpool", "port", "router", "floatingip",
             "rbac_policy", "security_group", "security_group_rule"]
DEFAULTS = {"network": 100, "subnet": 100, "subnetpool": -1, "port": 500, "router": 10,
            "floatingip": 50, "rbac_policy": 10, "security_group": 10,
            "security_group_rule": 100}


def new_project():
    return uuid.uuid4().hex


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-User-Id": "u-" + project[:8], "X-Roles": roles}


def over(resource):
    return "Quota exceeded for resources: ['%s']." % resource


class Project:
    """A made-up project whose quotas and resources are removed (as admin) at the end."""

    def __init__(self, api):
        self.api = api
        self.id = new_project()
        self.made = []          # (collection, id), deleted in reverse

    def set(self, **limits):
        r = self.api.put("%s/%s" % (Q, self.id), {"quota": limits})
        return self.api.ok(r, 200)["quota"]

    def create(self, collection, body, headers=None, expect=201):
        key = collection.replace("-", "_")[:-1]
        body.setdefault("project_id", self.id)
        r = self.api.post("/v2.0/" + collection, {key: body}, headers=headers)
        if r.status_code == 201:
            self.made.append((collection, r.json()[key]["id"]))
        if expect is None:
            return r
        return self.api.ok(r, expect)[key]

    def track(self, collection, rid):
        self.made.append((collection, rid))

    def details(self):
        return self.api.ok(self.api.get("%s/%s/details" % (Q, self.id)), 200)["quota"]

    def used(self, resource):
        return self.details()[resource]["used"]

    def cleanup(self):
        for collection, rid in reversed(self.made):
            if collection == "router-interfaces":
                router_id, subnet_id = rid
                self.api.put("/v2.0/routers/%s/remove_router_interface" % router_id,
                             {"subnet_id": subnet_id})
                continue
            self.api.delete("/v2.0/%s/%s" % (collection, rid))
        for g in self.api.get("/v2.0/security-groups",
                              params={"project_id": self.id}).json()["security_groups"]:
            self.api.delete("/v2.0/security-groups/" + g["id"])
        self.api.delete("%s/%s" % (Q, self.id))


@pytest.fixture
def proj(api):
    p = Project(api)
    yield p
    p.cleanup()


@pytest.fixture
def proj2(api):
    p = Project(api)
    yield p
    p.cleanup()


# --- Reading -------------------------------------------------------------------------

def test_extensions_are_listed(api):
    exts = {e["alias"]: e for e in api.get("/v2.0/extensions").json()["extensions"]}
    assert exts["quotas"] == {
        "name": "Quota management support", "alias": "quotas",
        "description": "Expose functions for quotas management per project",
        "updated": "2012-07-29T10:00:00-00:00", "links": []}
    assert exts["quota_details"] == {
        "name": "Quota details management support", "alias": "quota_details",
        "description": "Expose functions for quotas usage statistics per project",
        "updated": "2017-02-10T10:00:00-00:00", "links": []}
    assert api.get("/v2.0/extensions/quotas").json()["extension"] == exts["quotas"]


def test_a_project_without_quotas_has_the_defaults_in_neutrons_order(api, proj):
    r = api.get("%s/%s" % (Q, proj.id))
    assert r.status_code == 200
    assert list(r.json()["quota"].items()) == list(DEFAULTS.items())
    r = api.get("%s/%s/default" % (Q, proj.id))
    assert list(r.json()["quota"].items()) == list(DEFAULTS.items())


def test_update_sets_only_what_is_given_and_default_stays(api, proj):
    got = proj.set(security_group=2, security_group_rule=6, floatingip=1, router=1,
                   network=-1)
    assert got == dict(DEFAULTS, security_group=2, security_group_rule=6, floatingip=1,
                       router=1, network=-1)
    assert list(got) == RESOURCES
    assert api.get("%s/%s" % (Q, proj.id)).json()["quota"] == got
    assert proj.set(port=7) == dict(got, port=7)
    # The defaults are the configuration's, whatever the project was given.
    assert api.get("%s/%s/default" % (Q, proj.id)).json()["quota"] == DEFAULTS


def test_list_shows_only_projects_with_limits_of_their_own(api, proj, proj2):
    proj.set(network=3)
    proj2.set(router=0, subnet=5)
    listed = {q["project_id"]: q for q in api.get(Q).json()["quotas"]}
    assert listed[proj.id] == dict(DEFAULTS, network=3, project_id=proj.id,
                                   tenant_id=proj.id)
    assert list(listed[proj.id]) == RESOURCES + ["project_id", "tenant_id"]
    assert listed[proj2.id] == dict(DEFAULTS, router=0, subnet=5, project_id=proj2.id,
                                    tenant_id=proj2.id)
    assert api.delete("%s/%s" % (Q, proj.id)).status_code == 204
    listed = {q["project_id"] for q in api.get(Q).json()["quotas"]}
    assert proj.id not in listed and proj2.id in listed


def test_delete_returns_to_the_defaults_then_is_not_found(api, proj):
    proj.set(network=1)
    r = api.delete("%s/%s" % (Q, proj.id))
    assert r.status_code == 204 and r.content == b""
    assert api.get("%s/%s" % (Q, proj.id)).json()["quota"] == DEFAULTS
    assert_error(api.delete("%s/%s" % (Q, proj.id)), 404, "TenantQuotaNotFound",
                 "Quota for tenant %s could not be found." % proj.id)


def test_details_count_what_the_project_owns(api, proj):
    d = proj.details()
    assert list(d) == RESOURCES
    assert all(v == {"limit": DEFAULTS[k], "used": 0, "reserved": 0} for k, v in d.items())
    net = proj.create("networks", {"name": uname("qn")})
    proj.create("subnets", {"network_id": net["id"], "cidr": "10.9.0.0/24",
                            "ip_version": 4})
    proj.create("ports", {"network_id": net["id"]})
    proj.create("routers", {"name": uname("qr")})
    d = proj.details()
    # The first network made the project's default group with its four rules.
    assert {k: v["used"] for k, v in d.items()} == {
        "network": 1, "subnet": 1, "subnetpool": 0, "port": 1, "router": 1,
        "floatingip": 0, "rbac_policy": 0, "security_group": 1, "security_group_rule": 4}
    assert d["network"] == {"limit": 100, "used": 1, "reserved": 0}


def test_rbac_policies_count_shared_and_external_networks(api, proj):
    proj.create("networks", {"name": uname("qs"), "shared": True})
    proj.create("networks", {"name": uname("qe"), "router:external": True})
    proj.create("networks", {"name": uname("qb"), "shared": True, "router:external": True})
    proj.create("networks", {"name": uname("qp")})
    assert proj.used("rbac_policy") == 4


def test_rbac_policies_are_held_to_their_quota(api, proj):
    """Policies a project makes count with the '*' ones its shared networks stand for;
    one more than the limit is refused, and a freed one makes room."""
    net = proj.create("networks", {"name": uname("qr"), "shared": True})
    proj.set(rbac_policy=2)

    def share():
        return api.post("/v2.0/rbac-policies", {"rbac_policy": {
            "object_type": "network", "object_id": net["id"], "action": "access_as_shared",
            "target_tenant": new_project()}}, headers=member(proj.id))

    first = api.ok(share(), 201)["rbac_policy"]
    assert proj.used("rbac_policy") == 2
    assert_error(share(), 409, "OverQuota", over("rbac_policy"))
    assert api.delete("/v2.0/rbac-policies/" + first["id"]).status_code == 204
    api.ok(share(), 201)


def test_tenant_and_project_name_the_callers_project(api):
    p = new_project()
    assert api.get(Q + "/tenant", headers=member(p)).json() == {"tenant": {"tenant_id": p}}
    assert api.get(Q + "/project", headers=member(p)).json() == {
        "project": {"project_id": p}}


# --- Updating: every error -----------------------------------------------------------

BAD_BODIES = [
    ({"quota": {"network": -2}}, 400, "HTTPBadRequest",
     bad_attr("network", "'-2' is too small - must be at least '-1'")),
    ({"quota": {"network": 2147483648}}, 400, "HTTPBadRequest",
     bad_attr("network", "'2147483648' is too large - must be no larger than '2147483647'")),
    # Converted first: int(-2.5) is -2.
    ({"quota": {"router": -2.5}}, 400, "HTTPBadRequest",
     bad_attr("router", "'-2' is too small - must be at least '-1'")),
    ({"quota": {"widget": 5}}, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'widget'"),
    ({"quota": {"b": 1, "a": 2, "network": 1}}, 400, "HTTPBadRequest",
     "Unrecognized attribute(s) 'a, b'"),
    ({"quota": {"tenant_id": "x"}}, 400, "HTTPBadRequest",
     "Unrecognized attribute(s) 'project_id, tenant_id'"),
    ({"quota": {"project_id": "x", "network": 3}}, 400, "HTTPBadRequest",
     "Unrecognized attribute(s) 'project_id, tenant_id'"),
    ({"quota": {"port": "many"}}, 400, "InvalidInput",
     invalid_input("'many' is not an integer")),
    ({"quota": {"port": None}}, 400, "InvalidInput",
     invalid_input("'None' is not an integer")),
    ({"quota": {"port": [1]}}, 400, "InvalidInput",
     invalid_input("'[1]' is not an integer")),
    ({"quota": {"port": "1.5"}}, 400, "InvalidInput",
     invalid_input("'1.5' is not an integer")),
    # Resources are checked in Neutron's order, whatever the body's.
    ({"quota": {"subnet": "x", "network": -2}}, 400, "HTTPBadRequest",
     bad_attr("network", "'-2' is too small - must be at least '-1'")),
]


@pytest.mark.parametrize("body,status,type_,message", BAD_BODIES)
def test_update_refuses_bad_values(api, proj, body, status, type_, message):
    proj.set(network=9)
    assert_error(api.put("%s/%s" % (Q, proj.id), body), status, type_, message)
    assert api.get("%s/%s" % (Q, proj.id)).json()["quota"]["network"] == 9


@pytest.mark.parametrize("value,stored", [("5", 5), (5.7, 5), (True, 1), (" 7 ", 7),
                                          (-1, -1), (0, 0), (2147483647, 2147483647)])
def test_update_converts_as_python_int_does(proj, value, stored):
    assert proj.set(network=value)["network"] == stored


def test_update_with_nothing_changes_nothing(api, proj):
    assert proj.set() == DEFAULTS
    # force is accepted and changes nothing of the checks.
    assert proj.set(force=True, network=4)["network"] == 4


def test_malformed_json_and_post(api, proj):
    assert_error(api.put("%s/%s" % (Q, proj.id), data="not json",
                         headers={"Content-Type": "application/json"}), 400,
                 "MalformedRequestBody", "Malformed request body: Cannot understand JSON.")
    assert_error(api.post(Q, {"quota": {"network": 1}}), 501, "HTTPNotImplemented",
                 "POST requests are not supported on this resource.")


@pytest.mark.neutrino_only
@pytest.mark.parametrize("body", [{}, {"quota": []}, {"quota": None}, {"quotas": {}}])
def test_update_without_a_quota_object_is_a_clear_400(api, proj, body):
    # Neutron Zed answers these with a 500 (a KeyError); neutrino says what is missing.
    assert_error(api.put("%s/%s" % (Q, proj.id), body), 400, "HTTPBadRequest",
                 "Unable to find 'quota' in request body")


def test_check_limit_refuses_a_limit_below_usage(api, proj):
    proj.set(security_group=5)
    proj.create("security-groups", {"name": uname("q1")})      # and the default group
    assert proj.used("security_group") == 2
    assert_error(api.put("%s/%s" % (Q, proj.id),
                         {"quota": {"security_group": 1, "check_limit": True}}),
                 400, "HTTPBadRequest",
                 "Quota limit 1 for security_group must be greater than or equal to already"
                 " used 2")
    # Neutron compares the numbers, so even unlimited (-1) is refused with check_limit.
    assert_error(api.put("%s/%s" % (Q, proj.id),
                         {"quota": {"network": -1, "check_limit": True}}),
                 400, "HTTPBadRequest",
                 "Quota limit -1 for network must be greater than or equal to already used 0")
    # Nothing of a refused update is kept.
    assert api.get("%s/%s" % (Q, proj.id)).json()["quota"]["security_group"] == 5
    assert proj.set(security_group=2, check_limit=True)["security_group"] == 2
    # check_limit counts by Python's truth: "false" is a non-empty string.
    assert_error(api.put("%s/%s" % (Q, proj.id),
                         {"quota": {"security_group": 1, "check_limit": "false"}}),
                 400, "HTTPBadRequest")
    # Without it a limit may go below usage.
    assert proj.set(security_group=1, check_limit=False)["security_group"] == 1
    assert proj.set(security_group=0)["security_group"] == 0


# --- Creates are checked ---------------------------------------------------------------

@pytest.fixture
def external_net(api):
    net = api.ok(api.post("/v2.0/networks", {"network": {
        "name": uname("qext"), "router:external": True}}), 201)["network"]
    api.ok(api.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "203.0.113.0/24", "ip_version": 4}}), 201)
    yield net
    # Requested before the projects of the test, so it goes after them (their floating
    # IPs and gateways gone first).
    r = api.delete("/v2.0/networks/" + net["id"])
    assert r.status_code == 204, r.text


def test_each_create_is_refused_over_its_limit(api, external_net, proj):
    proj.set(network=1, subnet=1, port=1, router=1, floatingip=1, security_group=2,
             security_group_rule=6)
    net = proj.create("networks", {"name": uname("q")})
    assert_error(proj.create("networks", {"name": uname("q")}, expect=None), 409,
                 "OverQuota", over("network"))
    proj.create("subnets", {"network_id": net["id"], "cidr": "10.8.0.0/24",
                            "ip_version": 4})
    assert_error(proj.create("subnets", {"network_id": net["id"], "cidr": "10.8.1.0/24",
                                         "ip_version": 4}, expect=None),
                 409, "OverQuota", over("subnet"))
    proj.create("ports", {"network_id": net["id"]})
    assert_error(proj.create("ports", {"network_id": net["id"]}, expect=None), 409,
                 "OverQuota", over("port"))
    proj.create("routers", {"name": uname("q")})
    assert_error(proj.create("routers", {"name": uname("q")}, expect=None), 409,
                 "OverQuota", over("router"))
    proj.create("floatingips", {"floating_network_id": external_net["id"]})
    assert_error(proj.create("floatingips", {"floating_network_id": external_net["id"]},
                             expect=None), 409, "OverQuota", over("floatingip"))
    g = proj.create("security-groups", {"name": uname("q")})
    assert_error(proj.create("security-groups", {"name": uname("q")}, expect=None), 409,
                 "OverQuota", over("security_group"))
    # 4 rules of the default group and 2 egress rules of the new one: 6 of 6.
    assert proj.used("security_group_rule") == 6
    assert_error(proj.create("security-group-rules", {
        "security_group_id": g["id"], "direction": "ingress", "protocol": "tcp"},
        expect=None), 409, "OverQuota", over("security_group_rule"))
    d = proj.details()
    assert {k: d[k]["used"] for k in ("network", "subnet", "port", "router", "floatingip",
                                       "security_group")} == {
        "network": 1, "subnet": 1, "port": 1, "router": 1, "floatingip": 1,
        "security_group": 2}


def test_zero_refuses_everything_and_minus_one_nothing(api, proj):
    proj.set(network=0)
    assert_error(proj.create("networks", {"name": uname("q")}, expect=None), 409,
                 "OverQuota", over("network"))
    proj.set(network=-1)
    for _ in range(3):
        proj.create("networks", {"name": uname("q")})
    assert proj.used("network") == 3


def test_a_freed_resource_makes_room(api, proj):
    proj.set(router=1)
    rt = proj.create("routers", {"name": uname("q")})
    assert proj.create("routers", {"name": uname("q")}, expect=None).status_code == 409
    assert api.delete("/v2.0/routers/" + rt["id"]).status_code == 204
    proj.create("routers", {"name": uname("q")})


def test_policy_is_checked_before_the_quota(api, proj):
    proj.set(network=0)
    # A member naming admin-only attributes is refused by policy first, as in Neutron.
    assert_error(api.post("/v2.0/networks", {"network": {"name": uname("q"), "shared": True}},
                          headers=member(proj.id)), 403, "PolicyNotAuthorized")


def test_what_the_server_makes_is_not_checked_but_counts(api, external_net, proj):
    # Router interface ports are the router's project's (as in Neutron) and count, but
    # adding the interface is not refused by the port quota: Neutron checks only the
    # creates clients ask for.
    net = proj.create("networks", {"name": uname("q")})
    sub = proj.create("subnets", {"network_id": net["id"], "cidr": "10.7.0.0/24",
                                  "ip_version": 4})
    rt = proj.create("routers", {"name": uname("q")})
    proj.set(port=0, security_group=0, security_group_rule=0)
    r = api.put("/v2.0/routers/%s/add_router_interface" % rt["id"], {"subnet_id": sub["id"]})
    assert r.status_code == 200, r.text
    proj.track("router-interfaces", (rt["id"], sub["id"]))
    d = proj.details()
    assert d["port"]["used"] == 1
    assert d["security_group"]["used"] == 1 and d["security_group_rule"]["used"] == 4
    assert_error(proj.create("ports", {"network_id": net["id"]}, expect=None), 409,
                 "OverQuota", over("port"))
    # A gateway's port and a floating IP's belong to no project: they count for none.
    r = api.put("/v2.0/routers/" + rt["id"], {"router": {"external_gateway_info": {
        "network_id": external_net["id"]}}})
    assert r.status_code == 200, r.text
    proj.set(floatingip=1)
    proj.create("floatingips", {"floating_network_id": external_net["id"]})
    d = proj.details()
    assert d["port"]["used"] == 1 and d["floatingip"]["used"] == 1


def test_a_new_group_needs_room_for_its_own_rules(api, proj):
    # Neutron checks the rule quota for the rules a new group starts with: the default
    # group's four (whichever create makes it), a new group's two egress rules.
    proj.set(security_group=0, security_group_rule=3)
    assert_error(proj.create("networks", {"name": uname("q")}, expect=None), 409,
                 "OverQuota", over("security_group_rule"))
    assert proj.used("network") == 0 and proj.used("security_group") == 0
    # The security group quota is not what refuses the default group: it is not checked.
    proj.set(security_group_rule=5)
    proj.create("networks", {"name": uname("q")})
    assert proj.used("security_group") == 1 and proj.used("security_group_rule") == 4
    proj.set(security_group=5)
    assert_error(proj.create("security-groups", {"name": uname("q")}, expect=None), 409,
                 "OverQuota", over("security_group_rule"))
    proj.set(security_group_rule=6)
    proj.create("security-groups", {"name": uname("q")})
    assert proj.used("security_group_rule") == 6


def test_listing_groups_that_would_make_the_default_one_checks_its_rules(api, proj):
    proj.set(security_group_rule=3)
    assert_error(api.get("/v2.0/security-groups", params={"project_id": proj.id}), 409,
                 "OverQuota", over("security_group_rule"))
    proj.set(security_group_rule=4)
    groups = api.get("/v2.0/security-groups", params={"project_id": proj.id}).json()
    assert [g["name"] for g in groups["security_groups"]] == ["default"]


# --- Policy ----------------------------------------------------------------------------

def test_a_member_reads_its_own_project_only(api, proj):
    me, other = member(proj.id), new_project()
    proj.set(network=7)
    assert api.get("%s/%s" % (Q, proj.id), headers=me).json()["quota"]["network"] == 7
    assert api.get("%s/%s/details" % (Q, proj.id), headers=me).json()["quota"][
        "network"] == {"limit": 7, "used": 0, "reserved": 0}
    assert api.get("%s/%s/default" % (Q, proj.id), headers=me).json()["quota"] == DEFAULTS
    assert_error(api.get("%s/%s" % (Q, other), headers=me), 403, "PolicyNotAuthorized",
                 "rule:get_quota is disallowed by policy")
    assert_error(api.get("%s/%s/default" % (Q, other), headers=me), 403,
                 "PolicyNotAuthorized", "rule:get_quota is disallowed by policy")
    assert_error(api.get("%s/%s/details" % (Q, other), headers=me), 403, "AdminRequired",
                 "User does not have admin privileges: Only admin is authorized to access"
                 " quotas for another project.")
    assert_error(api.get(Q, headers=me), 403, "PolicyNotAuthorized",
                 "rule:get_quota is disallowed by policy")


def test_only_admins_change_quotas(api, proj):
    me = member(proj.id)
    proj.set(network=7)
    assert_error(api.put("%s/%s" % (Q, proj.id), {"quota": {"network": 100}}, headers=me),
                 403, "PolicyNotAuthorized", "rule:update_quota is disallowed by policy")
    # The policy comes before the body's checks, but after reading the JSON.
    assert_error(api.put("%s/%s" % (Q, proj.id), {"quota": {"widget": 1}}, headers=me),
                 403, "PolicyNotAuthorized", "rule:update_quota is disallowed by policy")
    assert_error(api.put("%s/%s" % (Q, proj.id), data="{", headers=me), 400,
                 "MalformedRequestBody")
    assert_error(api.delete("%s/%s" % (Q, proj.id), headers=me), 403, "PolicyNotAuthorized",
                 "rule:delete_quota is disallowed by policy")
    assert api.get("%s/%s" % (Q, proj.id)).json()["quota"]["network"] == 7


def test_a_member_is_held_to_its_projects_quota(api, proj):
    proj.set(network=1)
    me = member(proj.id)
    proj.create("networks", {"name": uname("q")}, headers=me)
    assert_error(proj.create("networks", {"name": uname("q")}, headers=me, expect=None),
                 409, "OverQuota", over("network"))


# --- Counting is exact -----------------------------------------------------------------

def parallel_creates(urls, project, n, limit):
    """'n' clients each create one network of 'project' at once, over 'urls' in turn."""
    def create(i):
        client = Api(urls[i % len(urls)])
        r = client.post("/v2.0/networks", {"network": {"name": uname("qc")}},
                        headers=member(project))
        return r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(create, range(n)))
    made = [b["network"]["id"] for s, b in results if s == 201]
    refused = [b for s, b in results if s != 201]
    assert len(made) == limit, [s for s, _ in results]
    assert all(b["NeutronError"]["type"] == "OverQuota" for b in refused), refused
    return made


def test_parallel_creates_end_exactly_at_the_limit(api, proj):
    proj.set(network=7)
    for nid in parallel_creates([api.url], proj.id, 40, 7):
        proj.track("networks", nid)
    assert proj.used("network") == 7


def test_bulk_counts_every_item(api, proj):
    proj.set(network=3)
    items = [{"name": uname("qb"), "project_id": proj.id} for _ in range(4)]
    assert_error(api.post("/v2.0/networks", {"networks": items}), 409, "OverQuota",
                 over("network"))
    assert proj.used("network") == 0
    r = api.post("/v2.0/networks", {"networks": items[:3]})
    assert r.status_code == 201
    for n in r.json()["networks"]:
        proj.track("networks", n["id"])
    assert proj.used("network") == 3


def test_a_huge_bulk_from_a_member_creates_nothing_past_the_quota(api, proj):
    items = [{"name": "nt-%05d" % i} for i in range(5000)]
    body = json.dumps({"networks": items})
    assert 100000 < len(body) <= 114688         # max_request_body_size
    r = api.post("/v2.0/networks", data=body, headers=dict(
        member(proj.id), **{"Content-Type": "application/json"}))
    assert_error(r, 409, "OverQuota", over("network"))
    assert proj.used("network") == 0


def test_bulk_rules_count_every_rule(api, proj):
    g = proj.create("security-groups", {"name": uname("q")})
    used = proj.used("security_group_rule")         # the default group's and g's own
    proj.set(security_group_rule=used + 2)
    rules = [{"security_group_id": g["id"], "direction": "ingress", "protocol": "tcp",
              "project_id": proj.id,
              "port_range_min": p, "port_range_max": p} for p in (22, 80, 443)]
    assert_error(api.post("/v2.0/security-group-rules", {"security_group_rules": rules}),
                 409, "OverQuota", over("security_group_rule"))
    assert proj.used("security_group_rule") == used
    r = api.post("/v2.0/security-group-rules", {"security_group_rules": rules[:2]})
    assert r.status_code == 201, r.text
    assert proj.used("security_group_rule") == used + 2


@pytest.mark.own_server
@pytest.mark.skipif(pg_cluster.wanted() != "postgresql",
                    reason="two servers on one database need PostgreSQL")
def test_two_servers_share_one_count(tmp_path_factory):
    from test_multi_server import start_pair, stop_pair
    servers = start_pair(tmp_path_factory)
    try:
        admin = Api(servers[0].url)
        for limit in (5, 11):
            p = new_project()
            admin.ok(admin.put("%s/%s" % (Q, p), {"quota": {"network": limit}}), 200)
            # The other server sees the limit at once: it is read inside each create.
            assert Api(servers[1].url).get("%s/%s" % (Q, p)).json()["quota"][
                "network"] == limit
            parallel_creates([s.url for s in servers], p, 32, limit)
            assert admin.get("%s/%s/details" % (Q, p)).json()["quota"]["network"][
                "used"] == limit
    finally:
        stop_pair(servers)


# --- Configuration ---------------------------------------------------------------------

@pytest.mark.own_server
def test_quotas_section_sets_the_defaults(start_server):
    srv = start_server({"neutron.conf": {"quotas": {
        "quota_network": "2", "quota_port": "-1", "default_quota": "7",
        "quota_security_group_rule": "9", "quota_rbac_policy": "3"}}})
    client = Api(srv.url)
    p = new_project()
    q = client.get("%s/%s" % (Q, p)).json()["quota"]
    assert q == dict(DEFAULTS, network=2, port=-1, subnetpool=7, security_group_rule=9,
                     rbac_policy=3)
    for _ in range(2):
        client.ok(client.post("/v2.0/networks", {"network": {"project_id": p}}), 201)
    assert_error(client.post("/v2.0/networks", {"network": {"project_id": p}}), 409,
                 "OverQuota", over("network"))


@pytest.mark.neutrino_only
def test_put_and_delete_on_the_collection_are_not_allowed(api):
    # Zed answers PUT with a 500 and DELETE with the list (docs/behaviour/quotas.md §7).
    assert api.put(Q, {"quota": {"network": 1}}).status_code == 405
    assert api.delete(Q).status_code == 405
    assert api.get(Q + "/x/y").status_code == 404
