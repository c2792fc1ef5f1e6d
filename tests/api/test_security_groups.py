"""Security groups and security group rules (docs/behaviour/api.md §11): attributes,
each project's default group (made on a project's first list, once, even under a
race), rule validation with Neutron Zed's errors, duplicates, revisions, tags, lists,
deletes and the policy of both rule sets.

The shared session server is noauth: without headers the caller is an admin of
"fake_project_id"; X-Project-Id and X-Roles make a member of a project of the
test's own, so a test's "first list" is really the first for that project."""

import concurrent.futures
import sqlite3
import uuid

import pytest

import pg_cluster
from api_helpers import Api, TIMESTAMP_RE, UUID_RE, assert_error, bad_attr, error_of, uname

# Zed's noauth makes every caller an admin whatever X-Project-Id says; these tests act
# as a project's member through neutrino's noauth headers, so they run on neutrino only.
project_headers = pytest.mark.neutrino_only

SG = "/v2.0/security-groups"
RULES = "/v2.0/security-group-rules"

GROUP_KEYS = {"id", "name", "stateful", "tenant_id", "project_id", "description", "shared",
              "security_group_rules", "tags", "created_at", "updated_at", "revision_number"}
RULE_KEYS = {"id", "tenant_id", "project_id", "security_group_id", "ethertype", "direction",
             "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
             "remote_address_group_id", "normalized_cidr", "remote_group_id", "description",
             "created_at", "updated_at", "revision_number"}
EMBEDDED_RULE_KEYS = RULE_KEYS | {"standard_attr_id", "tags"}

PROTOCOLS = ("[None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip',"
             " 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt',"
             " 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp',"
             " 'udplite', 'vrrp']")


def new_project():
    return uuid.uuid4().hex


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-Roles": roles}


class Groups:
    """Creates groups through the API and deletes them (and the default groups of the
    projects a test made up) as an admin when the test ends."""

    def __init__(self, api):
        self.api = api
        self.ids = []
        self.projects = []

    def project(self):
        p = new_project()
        self.projects.append(p)
        return p

    def create(self, expect=201, headers=None, **attrs):
        attrs.setdefault("name", uname("sg"))
        r = self.api.post(SG, {"security_group": attrs}, headers=headers)
        if r.status_code == 201:
            self.ids.append(r.json()["security_group"]["id"])
        if expect is None:
            return r
        return self.api.ok(r, expect)["security_group"]

    def rule(self, group, expect=201, headers=None, **attrs):
        attrs["security_group_id"] = group["id"] if isinstance(group, dict) else group
        attrs.setdefault("direction", "ingress")
        r = self.api.post(RULES, {"security_group_rule": attrs}, headers=headers)
        if expect is None:
            return r
        return self.api.ok(r, expect)["security_group_rule"]

    def cleanup(self):
        for gid in reversed(self.ids):
            self.api.delete("%s/%s" % (SG, gid))
        for p in self.projects:
            for g in sg_list(self.api, {"project_id": p}):
                self.api.delete("%s/%s" % (SG, g["id"]))


@pytest.fixture
def groups(api):
    g = Groups(api)
    yield g
    g.cleanup()


def sg_list(api, params=None, headers=None):
    return api.ok(api.get(SG, params=params, headers=headers), 200)["security_groups"]


def rule_list(api, params=None, headers=None):
    return api.ok(api.get(RULES, params=params, headers=headers), 200)["security_group_rules"]


def sg_show(api, gid, headers=None):
    return api.ok(api.get("%s/%s" % (SG, gid), headers=headers), 200)["security_group"]


def rule_show(api, rid, headers=None):
    return api.ok(api.get("%s/%s" % (RULES, rid), headers=headers), 200)["security_group_rule"]


def sg_update(api, gid, attrs, headers=None):
    r = api.put("%s/%s" % (SG, gid), {"security_group": attrs}, headers=headers)
    return api.ok(r, 200)["security_group"]


def rule_update(api, rid, attrs, headers=None):
    r = api.put("%s/%s" % (RULES, rid), {"security_group_rule": attrs}, headers=headers)
    return api.ok(r, 200)["security_group_rule"]


def rules_of(api, group_id, headers=None):
    return sg_show(api, group_id, headers=headers)["security_group_rules"]


def summary(rule):
    return (rule["direction"], rule["ethertype"], rule["protocol"], rule["remote_group_id"])


# --- The default group -------------------------------------------------------------------

@project_headers
def test_first_list_makes_the_projects_default_group(api, groups):
    p = groups.project()
    listed = api.ok(api.get(SG, headers=member(p)), 200)["security_groups"]
    assert len(listed) == 1
    g = listed[0]
    assert set(g) == GROUP_KEYS
    assert UUID_RE.match(g["id"])
    assert g["name"] == "default" and g["description"] == "Default security group"
    assert g["stateful"] is True and g["shared"] is False
    assert g["tenant_id"] == g["project_id"] == p
    assert g["tags"] == [] and g["revision_number"] == 1
    assert TIMESTAMP_RE.match(g["created_at"]) and TIMESTAMP_RE.match(g["updated_at"])
    rules = g["security_group_rules"]
    # In the order they were made: ingress from the group itself, then egress anywhere,
    # for IPv4 then IPv6.
    assert [summary(r) for r in rules] == [
        ("ingress", "IPv4", None, g["id"]), ("egress", "IPv4", None, None),
        ("ingress", "IPv6", None, g["id"]), ("egress", "IPv6", None, None)]
    attr_ids = [r["standard_attr_id"] for r in rules]
    assert all(isinstance(i, int) for i in attr_ids) and attr_ids == sorted(set(attr_ids))
    for r in rules:
        assert set(r) == EMBEDDED_RULE_KEYS
        assert r["tags"] == [] and r["description"] is None and r["revision_number"] == 0
        assert r["project_id"] == r["tenant_id"] == p and r["security_group_id"] == g["id"]
        assert r["port_range_min"] is None and r["port_range_max"] is None
        assert r["remote_ip_prefix"] is None and r["normalized_cidr"] is None
        assert r["remote_address_group_id"] is None
    # Listed on their own, rules have neither standard_attr_id nor tags; ordered by id.
    listed_rules = api.ok(api.get(RULES, headers=member(p)), 200)["security_group_rules"]
    assert [r["id"] for r in listed_rules] == sorted(r["id"] for r in rules)
    for r in listed_rules:
        assert set(r) == RULE_KEYS
    # Only once.
    again = api.ok(api.get(SG, headers=member(p)), 200)["security_groups"]
    assert [x["id"] for x in again] == [g["id"]]


@project_headers
def test_first_list_of_rules_makes_the_default_group_too(api, groups):
    p = groups.project()
    listed = api.ok(api.get(RULES, headers=member(p)), 200)["security_group_rules"]
    assert len(listed) == 4
    groups_now = api.ok(api.get(SG, headers=member(p)), 200)["security_groups"]
    assert len(groups_now) == 1 and groups_now[0]["name"] == "default"


def test_admin_list_filtered_by_project_makes_that_projects_default(api, groups):
    p = groups.project()
    listed = sg_list(api, {"project_id": p})
    assert [(g["name"], g["project_id"]) for g in listed] == [("default", p)]
    assert len(listed[0]["security_group_rules"]) == 4
    # tenant_id works the same and finds the same group.
    again = sg_list(api, {"tenant_id": p})
    assert [g["id"] for g in again] == [listed[0]["id"]]


@project_headers
def test_member_list_of_another_project_makes_nothing(api, groups):
    p, other = groups.project(), groups.project()
    r = api.get(SG, params={"project_id": other}, headers=member(p))
    assert api.ok(r, 200)["security_groups"] == []
    r = api.get(RULES, params={"tenant_id": other}, headers=member(p))
    assert api.ok(r, 200)["security_group_rules"] == []
    # Neither that project's default group nor the caller's was made.
    owners = default_group_owners(api)
    assert other not in owners and p not in owners


def test_creating_a_group_makes_the_projects_default_first(api, groups):
    p = groups.project()
    assert p not in default_group_owners(api)
    g = groups.create(project_id=p)
    assert default_group_owners(api).count(p) == 1
    names = sorted(x["name"] for x in sg_list(api, {"project_id": p}))
    assert names == sorted(["default", g["name"]])


def default_group_owners(api):
    """Projects that have a default group, found without making one for any project
    (an admin's list without a project filter makes only the admin's own)."""
    return [g["project_id"] for g in sg_list(api, {"name": "default"})]


def test_creating_a_network_makes_the_projects_default_group(api, groups, res):
    p = groups.project()
    res.network(project_id=p)
    res.network(project_id=p)
    assert default_group_owners(api).count(p) == 1


@pytest.mark.neutrino_only
def test_a_network_that_fails_makes_no_default_group(api, groups, res):
    """Zed makes the group in a transaction of its own, before the network's; neutrino
    makes it in the network's, so a refused network leaves nothing behind."""
    q = groups.project()
    assert_error(res.network(expect=None, project_id=q, mtu=100000), 400, "InvalidInput")
    assert q not in default_group_owners(api)


@project_headers
def test_concurrent_first_lists_make_exactly_one_default_group(url, api, groups):
    p = groups.project()

    def first_list(_):
        client = Api(url)
        r = client.get(SG, headers=member(p))
        return r.status_code, [g["id"] for g in r.json()["security_groups"]]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(first_list, range(8)))
    assert all(status == 200 for status, _ in results), results
    ids = {tuple(ids) for _, ids in results}
    assert len(ids) == 1 and len(next(iter(ids))) == 1, results
    assert len(sg_list(api, {"project_id": p})) == 1
    assert len(rule_list(api, {"tenant_id": p})) == 4


@project_headers
def test_default_group_cannot_be_renamed_but_its_description_can(api, groups):
    p = groups.project()
    g = api.ok(api.get(SG, headers=member(p)), 200)["security_groups"][0]
    path = "%s/%s" % (SG, g["id"])
    for name in ("notdefault", "default-2"):
        assert_error(api.put(path, {"security_group": {"name": name}}, headers=member(p)),
                     409, "SecurityGroupCannotUpdateDefault",
                     "Updating default security group not allowed.")
    assert_error(api.put(path, {"security_group": {"name": "default"}}, headers=member(p)),
                 409, "SecurityGroupDefaultAlreadyExists",
                 "Default security group already exists.")
    changed = sg_update(api, g["id"], {"description": "changed"},
                         headers=member(p))
    assert changed["description"] == "changed" and changed["name"] == "default"
    assert changed["revision_number"] == 2


@project_headers
def test_only_an_admin_deletes_a_default_group(api, groups):
    p = groups.project()
    g = api.ok(api.get(SG, headers=member(p)), 200)["security_groups"][0]
    assert_error(api.delete("%s/%s" % (SG, g["id"]), headers=member(p)), 409,
                 "SecurityGroupCannotRemoveDefault",
                 "Insufficient rights for removing default security group.")
    assert api.delete("%s/%s" % (SG, g["id"])).status_code == 204
    assert rule_list(api, {"security_group_id": g["id"]}) == []
    # The next list makes a new one.
    again = api.ok(api.get(SG, headers=member(p)), 200)["security_groups"]
    assert len(again) == 1 and again[0]["id"] != g["id"] and again[0]["name"] == "default"


@pytest.mark.parametrize("name", ["default", "Default", "DEFAULT"])
def test_no_second_group_named_default(api, groups, name):
    assert_error(groups.create(expect=None, name=name), 409,
                 "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")
    g = groups.create()
    assert_error(api.put("%s/%s" % (SG, g["id"]), {"security_group": {"name": name}}), 409,
                 "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")


# --- Groups ----------------------------------------------------------------------------------

def test_create_group_gets_two_egress_rules(api, groups):
    g = groups.create(name=uname("web"), description="web servers")
    assert set(g) == GROUP_KEYS
    assert g["description"] == "web servers" and g["stateful"] is True
    assert g["shared"] is False and g["tenant_id"] == "fake_project_id"
    assert g["revision_number"] == 1 and g["tags"] == []
    assert [summary(r) for r in g["security_group_rules"]] == [
        ("egress", "IPv4", None, None), ("egress", "IPv6", None, None)]
    for r in g["security_group_rules"]:
        assert set(r) == EMBEDDED_RULE_KEYS and r["description"] is None
    assert sg_show(api, g["id"]) == g


def test_create_stateless_group(groups):
    g = groups.create(stateful=False)
    assert g["stateful"] is False and g["description"] == ""
    assert len(g["security_group_rules"]) == 2
    g2 = groups.create(stateful="false")
    assert g2["stateful"] is False


def test_admin_creates_a_group_in_another_project(groups):
    p = groups.project()
    g = groups.create(project_id=p)
    assert g["project_id"] == g["tenant_id"] == p
    assert all(r["project_id"] == p for r in g["security_group_rules"])


@project_headers
def test_member_cannot_create_in_another_project(groups):
    p = groups.project()
    r = groups.create(expect=None, headers=member(p), project_id=new_project())
    assert_error(r, 400, "HTTPBadRequest", "Specifying 'project_id' or 'tenant_id' other than"
                 " the authenticated project in request requires admin or advsvc privileges")


@pytest.mark.parametrize("attrs, status, type_, message", [
    ({"name": "x", "colour": "red"}, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'colour'"),
    ({"name": "n" * 256}, 400, "HTTPBadRequest",
     bad_attr("name", "'%s' exceeds maximum length of 255" % ("n" * 256))),
    ({"name": None}, 400, "HTTPBadRequest", bad_attr("name", "'None' is not a valid string")),
    ({"stateful": None}, 400, "InvalidInput",
     "Invalid input for operation: 'None' cannot be converted to boolean."),
    ({"shared": False}, 400, "HTTPBadRequest", "Attribute 'shared' not allowed in POST"),
    ({"security_group_rules": []}, 400, "HTTPBadRequest",
     "Attribute 'security_group_rules' not allowed in POST"),
])
def test_bad_group_bodies(groups, attrs, status, type_, message):
    assert_error(groups.create(expect=None, **attrs), status, type_, message)


def test_update_group(api, groups):
    g = groups.create()
    new_name = uname("web2")
    u = sg_update(api, g["id"], {"name": new_name, "description": "renamed"})
    assert u["name"] == new_name and u["description"] == "renamed"
    assert u["revision_number"] == 2
    assert u["security_group_rules"] == g["security_group_rules"]
    u = sg_update(api, g["id"], {"stateful": False})
    assert u["stateful"] is False and u["revision_number"] == 3
    assert_error(api.put("%s/%s" % (SG, g["id"]), {"security_group": {"shared": True}}), 400,
                 "HTTPBadRequest", "Cannot update read-only attribute shared")
    r = api.put("%s/%s" % (SG, g["id"]), {"security_group": {"name": "x"}},
                headers={"If-Match": "revision_number=1"})
    assert_error(r, 412, "RevisionNumberConstraintFailed",
                 "Constrained to 1, but current revision is 3")


def test_list_groups_by_name_with_fields(api, groups):
    g = groups.create()
    r = api.get(SG + "?name=%s&fields=id&fields=name&fields=security_group_rules" % g["name"])
    assert api.ok(r, 200) == {"security_groups": [{
        "id": g["id"], "name": g["name"], "security_group_rules": g["security_group_rules"]}]}


def test_list_groups_sorting_paging_and_filters(api, groups):
    p = groups.project()
    made = sorted(groups.create(project_id=p, name="pg-%d" % i)["name"] for i in range(3))
    names = [g["name"] for g in sg_list(api, {
        "project_id": p, "sort_key": "name", "sort_dir": "desc"})]
    assert names == sorted(made + ["default"], reverse=True)
    page = api.ok(api.get(SG, params={"project_id": p, "sort_key": "name", "sort_dir": "asc",
                                      "limit": 2, "fields": "name"}), 200)
    assert [g["name"] for g in page["security_groups"]] == ["default", made[0]]
    assert any(link["rel"] == "next" for link in page["security_groups_links"])
    assert sg_list(api, {"project_id": p, "shared": "true"}) == []
    assert len(sg_list(api, {"project_id": p, "shared": "false"})) == 4
    assert_error(api.get(SG, params={"stateful": "false"}), 400, "HTTPBadRequest",
                 "['stateful'] is invalid attribute for filtering")
    assert_error(api.get(SG, params={"sort_key": "stateful", "sort_dir": "asc"}), 400,
                 "HTTPBadRequest", "['stateful'] is invalid attribute for sort_keys")


def test_show_unknown_group(api):
    gid = str(uuid.uuid4())
    assert_error(api.get("%s/%s" % (SG, gid)), 404, "SecurityGroupNotFound",
                 "Security group %s does not exist" % gid)
    assert_error(api.delete("%s/%s" % (SG, gid)), 404, "SecurityGroupNotFound",
                 "Security group %s does not exist" % gid)
    assert_error(api.put(SG, {"security_group": {}}), 404, "SecurityGroupNotFound",
                 "Security group None does not exist")
    assert_error(api.put(RULES), 404, "SecurityGroupRuleNotFound",
                 "Security group rule None does not exist")


def test_tags_on_groups(api, groups):
    g = groups.create()
    path = "%s/%s/tags" % (SG, g["id"])
    assert api.put(path + "/red").status_code == 201
    assert api.ok(api.put(path, {"tags": ["blue", "red"]}), 200) == {"tags": ["blue", "red"]}
    shown = sg_show(api, g["id"])
    assert shown["tags"] == ["blue", "red"] and shown["revision_number"] == 3
    assert [x["id"] for x in sg_list(api, {"tags": "blue,red"})] == [g["id"]]
    assert sg_list(api, {"tags": "blue", "not-tags": "red"}) == []
    # Rules cannot be tagged (Zed has no such sub-resource).
    rule_id = g["security_group_rules"][0]["id"]
    assert api.put("%s/%s/tags/red" % (RULES, rule_id)).status_code == 404


def test_deleting_a_group_deletes_its_rules_and_rules_naming_it(api, groups):
    a, b = groups.create(), groups.create()
    ra = groups.rule(a, protocol="tcp", port_range_min=22, port_range_max=22)
    rb = groups.rule(b, remote_group_id=a["id"])
    assert api.delete("%s/%s" % (SG, a["id"])).status_code == 204
    for rid in [ra["id"]] + [r["id"] for r in a["security_group_rules"]] + [rb["id"]]:
        assert api.get("%s/%s" % (RULES, rid)).status_code == 404
    assert len(rules_of(api, b["id"])) == 2


# --- Rules ------------------------------------------------------------------------------------

def rule_fields(rule):
    return {k: rule[k] for k in ("ethertype", "protocol", "port_range_min", "port_range_max",
                                 "remote_ip_prefix", "normalized_cidr")}


@pytest.mark.parametrize("attrs, expected", [
    ({"ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22,
      "remote_ip_prefix": "0.0.0.0/0"},
     ("IPv4", "tcp", 22, 22, "0.0.0.0/0", "0.0.0.0/0")),
    ({"protocol": "tcp", "port_range_min": 8000, "port_range_max": 8080},
     ("IPv4", "tcp", 8000, 8080, None, None)),
    ({"protocol": "udp", "port_range_min": 53, "port_range_max": 53,
      "remote_ip_prefix": "10.0.0.0/8"}, ("IPv4", "udp", 53, 53, "10.0.0.0/8", "10.0.0.0/8")),
    ({"protocol": "icmp", "port_range_min": 8, "port_range_max": 0},
     ("IPv4", "icmp", 8, 0, None, None)),
    ({"direction": "egress", "protocol": "icmp", "remote_ip_prefix": "192.0.2.0/24"},
     ("IPv4", "icmp", None, None, "192.0.2.0/24", "192.0.2.0/24")),
    ({"protocol": "17", "port_range_min": 123, "port_range_max": 123},
     ("IPv4", "17", 123, 123, None, None)),
    ({"protocol": "132"}, ("IPv4", "132", None, None, None, None)),
    ({"protocol": 6}, ("IPv4", "6", None, None, None, None)),
    ({"protocol": "TCP", "port_range_min": 1, "port_range_max": 65535},
     ("IPv4", "tcp", None, None, None, None)),
    ({"protocol": "tcp", "port_range_min": "22", "port_range_max": " 23 "},
     ("IPv4", "tcp", 22, 23, None, None)),
    ({"protocol": "tcp", "port_range_min": 22.7, "port_range_max": 22},
     ("IPv4", "tcp", 22, 22, None, None)),
    ({"protocol": "tcp", "port_range_min": 443, "port_range_max": 443,
      "remote_ip_prefix": "10.1.2.3/16"}, ("IPv4", "tcp", 443, 443, "10.1.2.3/16", "10.1.0.0/16")),
    ({"remote_ip_prefix": "10.0.0.1"}, ("IPv4", None, None, None, "10.0.0.1/32", "10.0.0.1/32")),
    ({"remote_ip_prefix": ""}, ("IPv4", None, None, None, None, None)),
    ({"ethertype": "IPv6", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22,
      "remote_ip_prefix": "::/0"}, ("IPv6", "tcp", 22, 22, "::/0", "::/0")),
    ({"ethertype": "ipv6", "remote_ip_prefix": "2001:DB8::1/64"},
     ("IPv6", None, None, None, "2001:db8::1/64", "2001:db8::/64")),
    ({"ethertype": "IPv6", "protocol": "ipv6-icmp"}, ("IPv6", "ipv6-icmp", None, None, None, None)),
    ({"direction": "egress", "ethertype": "IPv6", "protocol": "icmp",
      "remote_ip_prefix": "2001:db8::/32"},
     ("IPv6", "ipv6-icmp", None, None, "2001:db8::/32", "2001:db8::/32")),
    ({"ethertype": "IPv6", "protocol": "icmpv6"}, ("IPv6", "ipv6-icmp", None, None, None, None)),
    ({"ethertype": "IPv6", "protocol": "1"}, ("IPv6", "58", None, None, None, None)),
])
def test_create_rule(api, groups, attrs, expected):
    g = groups.create()
    r = groups.rule(g, **attrs)
    assert set(r) == RULE_KEYS
    assert tuple(rule_fields(r).values()) == expected
    assert r["direction"] == attrs.get("direction", "ingress")
    assert r["description"] == "" and r["revision_number"] == 0
    assert r["remote_group_id"] is None and r["remote_address_group_id"] is None
    assert r["security_group_id"] == g["id"] and r["project_id"] == "fake_project_id"
    assert rule_show(api, r["id"]) == r
    embedded = rules_of(api, g["id"])[-1]
    assert {k: v for k, v in embedded.items() if k not in ("standard_attr_id", "tags")} == r


def test_rule_with_description_and_remote_groups(api, groups):
    g, other = groups.create(), groups.create()
    r = groups.rule(g, remote_ip_prefix="172.16.0.0/12", description="all from 172.16/12")
    assert r["description"] == "all from 172.16/12"
    r = groups.rule(g, protocol="tcp", port_range_min=3306, port_range_max=3306,
                    remote_group_id=g["id"])
    assert r["remote_group_id"] == g["id"]
    r = groups.rule(g, remote_group_id=other["id"])
    assert r["remote_group_id"] == other["id"] and r["protocol"] is None


def gid_placeholder(attrs, gid):
    return {k: (gid if v == "{sg}" else v) for k, v in attrs.items()}


@pytest.mark.parametrize("attrs, status, type_, message", [
    ({"protocol": "any", "remote_ip_prefix": "198.51.100.0/24"}, 400,
     "SecurityGroupRuleInvalidProtocol", "Security group rule protocol any not supported."
     " Only protocol values %s and integer representations [0 to 255] are supported."
     % PROTOCOLS),
    ({"protocol": "foo"}, 400, "SecurityGroupRuleInvalidProtocol",
     "Security group rule protocol foo not supported. Only protocol values %s and integer"
     " representations [0 to 255] are supported." % PROTOCOLS),
    ({"protocol": "256"}, 400, "SecurityGroupRuleInvalidProtocol",
     "Security group rule protocol 256 not supported. Only protocol values %s and integer"
     " representations [0 to 255] are supported." % PROTOCOLS),
    ({"protocol": "tcp", "port_range_min": 100, "port_range_max": 90}, 400,
     "SecurityGroupInvalidPortRange",
     "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    ({"protocol": "tcp", "port_range_min": 0, "port_range_max": 10}, 400,
     "SecurityGroupInvalidPortValue", "Invalid value for port 0"),
    ({"protocol": "udp", "port_range_min": 1, "port_range_max": 65536}, 400,
     "SecurityGroupInvalidPortValue", "Invalid value for port 65536"),
    ({"protocol": "tcp", "port_range_min": "x"}, 400, "SecurityGroupInvalidPortValue",
     "Invalid value for port x"),
    ({"protocol": "icmp", "port_range_min": -1}, 400, "SecurityGroupInvalidPortValue",
     "Invalid value for port -1"),
    ({"port_range_min": 80, "port_range_max": 80}, 400,
     "SecurityGroupProtocolRequiredWithPorts",
     "Must also specify protocol if port range is given."),
    ({"protocol": "gre", "port_range_min": 80, "port_range_max": 80}, 400,
     "SecurityGroupInvalidProtocolForPort", "Ports cannot be specified for protocol 47."
     " Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE."),
    ({"protocol": "tcp", "port_range_max": 80}, 400, "SecurityGroupInvalidPortRange",
     "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    ({"protocol": "udp", "port_range_min": 5, "port_range_max": None}, 400,
     "SecurityGroupInvalidPortRange",
     "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    ({"protocol": "icmp", "port_range_max": 0}, 400, "SecurityGroupMissingIcmpType",
     "ICMP code (port-range-max) 0 is provided but ICMP type (port-range-min) is missing."),
    ({"protocol": "icmp", "port_range_min": 256}, 400, "SecurityGroupInvalidIcmpValue",
     "Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255."),
    ({"protocol": "icmp", "port_range_min": 8, "port_range_max": 300}, 400,
     "SecurityGroupInvalidIcmpValue",
     "Invalid value for ICMP code (port_range_max) 300. It must be 0 to 255."),
    ({"direction": "inbound", "protocol": "tcp"}, 400, "HTTPBadRequest",
     bad_attr("direction", "inbound is not in valid_values")),
    ({"ethertype": "IPv5"}, 400, "SecurityGroupRuleInvalidEtherType",
     "Security group rule for ethertype 'IPv5' not supported. Allowed values are"
     " ['IPv4', 'IPv6']."),
    ({"ethertype": None}, 400, "SecurityGroupRuleInvalidEtherType",
     "Security group rule for ethertype 'None' not supported. Allowed values are"
     " ['IPv4', 'IPv6']."),
    ({"direction": None}, 400, "HTTPBadRequest",
     bad_attr("direction", "None is not in valid_values")),
    ({"ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"}, 400,
     "SecurityGroupRuleParameterConflict", "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/8"),
    ({"protocol": "icmp", "remote_ip_prefix": "::/0"}, 400,
     "SecurityGroupRuleParameterConflict", "Conflicting value ethertype IPv4 for CIDR ::/0"),
    ({"protocol": "ipv6-icmp"}, 400, "SecurityGroupEthertypeConflictWithProtocol",
     "Invalid ethertype IPv4 for protocol ipv6-icmp."),
    ({"protocol": "58"}, 400, "SecurityGroupEthertypeConflictWithProtocol",
     "Invalid ethertype IPv4 for protocol 58."),
    ({"remote_ip_prefix": "10.0.0.0/8", "remote_group_id": "{sg}"}, 400,
     "SecurityGroupMultipleRemoteEntites", "Only one of remote_ip_prefix or remote_group_id"
     " or remote_address_group_id may be provided."),
    ({"remote_ip_prefix": "10.0.0.0/8",
      "remote_address_group_id": "0b7f4f8e-1111-4222-8333-944455556666"}, 400,
     "SecurityGroupMultipleRemoteEntites", "Only one of remote_ip_prefix or remote_group_id"
     " or remote_address_group_id may be provided."),
    ({"remote_address_group_id": "0b7f4f8e-1111-4222-8333-944455556666"}, 404,
     "AddressGroupNotFound",
     "Address group 0b7f4f8e-1111-4222-8333-944455556666 could not be found."),
    ({"remote_ip_prefix": "10.0.0.300/8"}, 400, "InvalidCIDR",
     "Invalid CIDR 10.0.0.300/8 given as IP prefix."),
    ({"remote_ip_prefix": 5}, 400, "InvalidCIDR", "Invalid CIDR 5 given as IP prefix."),
    ({"remote_group_id": "0b7f4f8e-1111-4222-8333-944455556666"}, 404, "SecurityGroupNotFound",
     "Security group 0b7f4f8e-1111-4222-8333-944455556666 does not exist"),
    ({"remote_group_id": "foo"}, 404, "SecurityGroupNotFound", "Security group foo does not exist"),
    ({"security_group_id": "0b7f4f8e-1111-4222-8333-944455556666"}, 404,
     "SecurityGroupNotFound", "Security group 0b7f4f8e-1111-4222-8333-944455556666 does not"
     " exist"),
    ({"security_group_id": "x" * 37}, 400, "HTTPBadRequest",
     bad_attr("security_group_id", "'%s' exceeds maximum length of 36" % ("x" * 37))),
    ({"security_group_id": 5}, 400, "HTTPBadRequest",
     bad_attr("security_group_id", "'5' is not a valid string")),
    ({"security_group_id": None}, 400, "HTTPBadRequest",
     bad_attr("security_group_id", "'None' is not a valid string")),
    ({"description": None}, 400, "HTTPBadRequest",
     bad_attr("description", "'None' is not a valid string")),
    ({"standard_attr_id": 5}, 400, "HTTPBadRequest",
     "Unrecognized attribute(s) 'standard_attr_id'"),
    ({"tags": ["a"]}, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'tags'"),
    ({"normalized_cidr": "10.0.0.0/8"}, 400, "HTTPBadRequest",
     "Attribute 'normalized_cidr' not allowed in POST"),
])
def test_bad_rules(api, groups, attrs, status, type_, message):
    g = groups.create()
    body = dict({"security_group_id": g["id"], "direction": "ingress"},
                **gid_placeholder(attrs, g["id"]))
    assert_error(api.post(RULES, {"security_group_rule": body}), status, type_, message)
    assert len(rules_of(api, g["id"])) == 2


def test_direction_and_group_are_required(api, groups):
    g = groups.create()
    r = api.post(RULES, {"security_group_rule": {"protocol": "tcp", "security_group_id": g["id"]}})
    assert_error(r, 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'direction' not specified")
    for body in ({"direction": "ingress"}, {}):
        assert_error(api.post(RULES, {"security_group_rule": body}), 400, "HTTPBadRequest",
                     "Failed to parse request. Required attribute 'security_group_id' not"
                     " specified")


def test_duplicate_rules(api, groups):
    g = groups.create()
    ssh = groups.rule(g, ethertype="IPv4", protocol="tcp", port_range_min=22, port_range_max=22,
                      remote_ip_prefix="0.0.0.0/0")
    exists = "Security group rule already exists. Rule id is %s."
    for same in ({"protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
                 {"protocol": "6", "port_range_min": 22, "port_range_max": 22,
                  "remote_ip_prefix": "0.0.0.0/0"},
                 {"protocol": "TCP", "port_range_min": "22", "port_range_max": 22}):
        assert_error(groups.rule(g, expect=None, **same), 409, "SecurityGroupRuleExists",
                     exists % ssh["id"])
    egress4 = g["security_group_rules"][0]
    assert_error(groups.rule(g, expect=None, direction="egress", ethertype="IPv4"), 409,
                 "SecurityGroupRuleExists", exists % egress4["id"])
    v6 = groups.rule(g, ethertype="IPv6", protocol="ipv6-icmp")
    assert_error(groups.rule(g, expect=None, ethertype="IPv6", protocol="icmp"), 409,
                 "SecurityGroupRuleExists", exists % v6["id"])
    # A prefix with host bits is not the same prefix as its network.
    groups.rule(g, remote_ip_prefix="10.1.0.0/16")
    groups.rule(g, remote_ip_prefix="10.1.2.3/16")


def test_bulk_rules(api, groups):
    a, b = groups.create(), groups.create()

    def bulk(*rules):
        return api.post(RULES, {"security_group_rules": [
            dict({"security_group_id": g["id"], "direction": "ingress"}, **kw)
            for g, kw in rules]})

    assert_error(bulk((a, {"protocol": "tcp"}), (b, {"protocol": "tcp"})), 400,
                 "SecurityGroupNotSingleGroupRules",
                 "Only allowed to update rules for one security profile at a time")
    assert_error(bulk((a, {"protocol": "tcp"}), (a, {"protocol": "udp", "project_id": "other"})),
                 400, "SecurityGroupRulesNotSingleTenant",
                 "Multiple tenant_ids in bulk security group rule create not allowed")
    assert_error(bulk((a, {"protocol": "tcp"}), (a, {"protocol": "6"})), 409,
                 "DuplicateSecurityGroupRuleInPost", "Duplicate Security Group Rule in POST.")
    # Each rule's own checks come before the duplicates of the request.
    assert_error(bulk((a, {"protocol": "tcp"}), (a, {"protocol": "tcp"}),
                      (a, {"protocol": "udp", "port_range_min": 0, "port_range_max": 5})),
                 400, "SecurityGroupInvalidPortValue", "Invalid value for port 0")
    assert_error(bulk((a, {"protocol": "tcp"}), (a, {"direction": "egress"})), 409,
                 "SecurityGroupRuleExists", "Security group rule already exists. Rule id is"
                 " %s." % a["security_group_rules"][0]["id"])
    assert len(rules_of(api, a["id"])) == 2
    made = api.ok(bulk((a, {"protocol": "tcp"}), (a, {"protocol": "udp"})), 201)
    assert [r["protocol"] for r in made["security_group_rules"]] == ["tcp", "udp"]
    assert sg_show(api, a["id"])["revision_number"] == 3


def test_group_revision_counts_rule_changes(api, groups):
    g = groups.create()
    rules = [groups.rule(g, protocol="tcp", port_range_min=p, port_range_max=p)
             for p in (22, 80, 443)]
    assert api.delete("%s/%s" % (RULES, rules[1]["id"])).status_code == 204
    shown = sg_show(api, g["id"])
    assert shown["revision_number"] == 1 + 3 + 1
    assert [r["id"] for r in shown["security_group_rules"]] == (
        [r["id"] for r in g["security_group_rules"]] + [rules[0]["id"], rules[2]["id"]])
    assert shown["updated_at"] >= g["updated_at"]


def test_delete_rule_twice(api, groups):
    g = groups.create()
    r = groups.rule(g, protocol="tcp")
    assert api.delete("%s/%s" % (RULES, r["id"])).status_code == 204
    assert_error(api.delete("%s/%s" % (RULES, r["id"])), 404, "SecurityGroupRuleNotFound",
                 "Security group rule %s does not exist" % r["id"])
    assert_error(api.get("%s/%s" % (RULES, r["id"])), 404, "SecurityGroupRuleNotFound",
                 "Security group rule %s does not exist" % r["id"])


def test_rule_attributes_other_than_description_are_read_only(api, groups):
    g = groups.create()
    r = groups.rule(g, protocol="tcp", port_range_min=22, port_range_max=22)
    for attr, value in (("port_range_max", 23), ("protocol", "udp"), ("direction", "egress"),
                        ("remote_ip_prefix", "10.0.0.0/8")):
        assert_error(api.put("%s/%s" % (RULES, r["id"]),
                             {"security_group_rule": {attr: value}}), 400, "HTTPBadRequest",
                     "Cannot update read-only attribute %s" % attr)


@pytest.mark.neutrino_only
def test_rule_description_can_change(api, groups):
    """Zed answers 500 (its ML2 plugin has no rule update); the API lets the description
    change, so neutrino does that."""
    g = groups.create()
    r = groups.rule(g, protocol="tcp", port_range_min=22, port_range_max=22)
    u = rule_update(api, r["id"], {"description": "ssh"})
    assert u["description"] == "ssh" and u["revision_number"] == 1
    assert {k: v for k, v in u.items() if k not in ("description", "revision_number",
                                                    "updated_at")} == \
        {k: v for k, v in r.items() if k not in ("description", "revision_number", "updated_at")}
    assert sg_show(api, g["id"])["revision_number"] == 3


def test_list_rules_filtered(api, groups):
    g = groups.create()
    groups.rule(g, direction="egress", protocol="icmp", remote_ip_prefix="192.0.2.0/24")
    groups.rule(g, protocol="tcp", port_range_min=22, port_range_max=22)
    egress = rule_list(api, {"security_group_id": g["id"],
                                               "direction": "egress"})
    assert sorted(r["protocol"] or "" for r in egress) == ["", "", "icmp"]
    assert [r["id"] for r in egress] == sorted(r["id"] for r in egress)
    tcp = rule_list(api, {"security_group_id": g["id"],
                                            "port_range_min": "22"})
    assert [r["protocol"] for r in tcp] == ["tcp"]
    assert rule_list(api, {"security_group_id": g["id"],
                                             "remote_address_group_id": "x"}) == []
    page = api.ok(api.get(RULES, params={"security_group_id": g["id"], "limit": 3,
                                         "sort_key": "id", "sort_dir": "asc"}), 200)
    assert len(page["security_group_rules"]) == 3 and "security_group_rules_links" in page
    # Filter values are converted as a body's values are.
    found = rule_list(api, {"security_group_id": g["id"], "protocol": "TCP",
                            "ethertype": "ipv4"})
    assert [(r["protocol"], r["ethertype"]) for r in found] == [("tcp", "IPv4")]
    assert [r["protocol"] for r in rule_list(api, {
        "security_group_id": g["id"], "remote_ip_prefix": "192.0.2.0/24"})] == ["icmp"]
    assert_error(api.get(RULES, params={"port_range_min": "x"}), 400,
                 "SecurityGroupInvalidPortValue", "Invalid value for port x")
    assert_error(api.get(RULES, params={"protocol": "any"}), 400,
                 "SecurityGroupRuleInvalidProtocol")
    # Rules have no tags to filter on.
    assert_error(api.get(RULES, params={"tags": "a"}), 400, "HTTPBadRequest",
                 "['tags'] is invalid attribute for filtering")
    # Sorting on the always-empty remote address group still pages by id.
    first = api.ok(api.get(RULES, params={"security_group_id": g["id"], "limit": 2,
                                          "sort_key": "remote_address_group_id",
                                          "sort_dir": "asc"}), 200)["security_group_rules"]
    rest = api.ok(api.get(RULES, params={"security_group_id": g["id"], "marker": first[-1]["id"],
                                         "limit": 10, "sort_key": "remote_address_group_id",
                                         "sort_dir": "asc"}), 200)["security_group_rules"]
    assert len(first) == 2 and len(rest) == 2
    assert sorted(r["id"] for r in first + rest) == sorted(
        r["id"] for r in rule_list(api, {"security_group_id": g["id"]}))


@pytest.mark.neutrino_only
def test_list_rules_filtered_by_normalized_cidr(api, groups):
    """Zed accepts the filter and ignores it; neutrino filters."""
    g = groups.create()
    groups.rule(g, remote_ip_prefix="192.0.2.7/24")
    groups.rule(g, remote_ip_prefix="198.51.100.0/24")
    found = rule_list(api, {"security_group_id": g["id"], "normalized_cidr": "192.0.2.0/24"})
    assert [(r["remote_ip_prefix"], r["normalized_cidr"]) for r in found] == [
        ("192.0.2.7/24", "192.0.2.0/24")]


# --- Projects ------------------------------------------------------------------------------

@project_headers
def test_projects_see_only_their_own_groups_and_rules(api, groups):
    p, q = groups.project(), groups.project()
    gp = groups.create(headers=member(p))
    gq = groups.create(headers=member(q))
    ids = {g["id"] for g in api.ok(api.get(SG, headers=member(p)), 200)["security_groups"]}
    assert gp["id"] in ids and gq["id"] not in ids
    assert_error(api.get("%s/%s" % (SG, gq["id"]), headers=member(p)), 404,
                 "SecurityGroupNotFound", "Security group %s does not exist" % gq["id"])
    rule_ids = {r["security_group_id"] for r in
                api.ok(api.get(RULES, headers=member(p)), 200)["security_group_rules"]}
    assert gq["id"] not in rule_ids and gp["id"] in rule_ids
    rq = gq["security_group_rules"][0]["id"]
    assert_error(api.get("%s/%s" % (RULES, rq), headers=member(p)), 404,
                 "SecurityGroupRuleNotFound", "Security group rule %s does not exist" % rq)
    # A rule on another project's group, or naming it as the remote group: not found.
    assert_error(groups.rule(gq, expect=None, headers=member(p)), 404, "SecurityGroupNotFound",
                 "Security group %s does not exist" % gq["id"])
    assert_error(groups.rule(gp, expect=None, headers=member(p), remote_group_id=gq["id"]), 404,
                 "SecurityGroupNotFound", "Security group %s does not exist" % gq["id"])
    for method in ("PUT", "DELETE"):
        r = api.request(method, "%s/%s" % (SG, gq["id"]), {"security_group": {"name": "x"}},
                        headers=member(p))
        assert_error(r, 404, "SecurityGroupNotFound")
    # Its own default group may be the remote group of its rules.
    dp = [g for g in api.ok(api.get(SG, headers=member(p)), 200)["security_groups"]
          if g["name"] == "default"][0]
    r = groups.rule(gp, headers=member(p), protocol="tcp", port_range_min=80, port_range_max=80,
                    remote_group_id=dp["id"])
    assert r["project_id"] == p


@project_headers
def test_admin_rule_on_a_projects_group_belongs_to_the_admin(api, groups):
    """As in Zed, the rule's owner is whoever made it; the group's owner still sees it
    (and its group's revision counts it)."""
    p = groups.project()
    g = groups.create(headers=member(p))
    r = groups.rule(g, protocol="tcp")
    assert r["project_id"] == "fake_project_id"
    seen = api.get("%s/%s" % (RULES, r["id"]), headers=member(p))
    assert api.ok(seen, 200)["security_group_rule"]["id"] == r["id"]
    listed = api.ok(api.get(RULES, headers=member(p)), 200)["security_group_rules"]
    assert r["id"] in {x["id"] for x in listed}
    # Deleting it is for its owner (or an admin), under delete_security_group_rule.
    assert_error(api.delete("%s/%s" % (RULES, r["id"]), headers=member(p)), 403,
                 "PolicyNotAuthorized", "rule:delete_security_group_rule is disallowed by policy")


@project_headers
def test_reader_cannot_write(api, groups):
    p = groups.project()
    g = groups.create(headers=member(p))
    reader = member(p, "reader")
    assert api.ok(api.get("%s/%s" % (SG, g["id"]), headers=reader), 200)
    assert_error(groups.create(expect=None, headers=reader), 403, "PolicyNotAuthorized",
                 "rule:create_security_group is disallowed by policy")
    assert_error(api.put("%s/%s" % (SG, g["id"]), {"security_group": {"name": "x"}},
                         headers=reader), 403, "PolicyNotAuthorized",
                 "rule:update_security_group is disallowed by policy")
    assert_error(api.delete("%s/%s" % (SG, g["id"]), headers=reader), 403,
                 "PolicyNotAuthorized", "rule:delete_security_group is disallowed by policy")
    assert_error(groups.rule(g, expect=None, headers=reader), 403, "PolicyNotAuthorized",
                 "rule:create_security_group_rule is disallowed by policy")
    rid = g["security_group_rules"][0]["id"]
    assert api.ok(api.get("%s/%s" % (RULES, rid), headers=reader), 200)
    assert_error(api.delete("%s/%s" % (RULES, rid), headers=reader), 403,
                 "PolicyNotAuthorized", "rule:delete_security_group_rule is disallowed by policy")


# --- Policy with tokens: admin, demo (member of demo), alt (member of alt), rdr (reader
# of demo), under the new defaults and under Zed's ------------------------------------------

ACTORS = ("admin", "demo", "alt", "rdr")
# Expected status per actor: new defaults, then Zed's defaults (a reader of the owning
# project may write under those).
GROUP_CREATE = ({"admin": 201, "demo": 201, "alt": 201, "rdr": 403},
                {"admin": 201, "demo": 201, "alt": 201, "rdr": 201})
ON_DEMOS_GROUP = {
    "show": ({"admin": 200, "demo": 200, "alt": 404, "rdr": 200},
             {"admin": 200, "demo": 200, "alt": 404, "rdr": 200}),
    "update": ({"admin": 200, "demo": 200, "alt": 404, "rdr": 403},
               {"admin": 200, "demo": 200, "alt": 404, "rdr": 200}),
    "delete": ({"admin": 204, "demo": 204, "alt": 404, "rdr": 403},
               {"admin": 204, "demo": 204, "alt": 404, "rdr": 204}),
    "add_rule": ({"admin": 201, "demo": 201, "alt": 404, "rdr": 403},
                 {"admin": 201, "demo": 201, "alt": 404, "rdr": 201}),
    "show_rule": ({"admin": 200, "demo": 200, "alt": 404, "rdr": 200},
                  {"admin": 200, "demo": 200, "alt": 404, "rdr": 200}),
    "delete_rule": ({"admin": 204, "demo": 204, "alt": 404, "rdr": 403},
                    {"admin": 204, "demo": 204, "alt": 404, "rdr": 204}),
}


def demos_group(cloud):
    r = cloud.api("demo").post(SG, {"security_group": {"name": uname("pol")}})
    assert r.status_code == 201, r.text
    return r.json()["security_group"]


@pytest.mark.own_server
@pytest.mark.parametrize("actor", ACTORS)
def test_policy_group_create(ks_server, ks_legacy, actor):
    for cloud, want in zip((ks_server, ks_legacy), GROUP_CREATE):
        r = cloud.api(actor).post(SG, {"security_group": {"name": uname("pol")}})
        assert r.status_code == want[actor], (actor, r.text)
        if r.status_code == 201:
            cloud.api("admin").delete("%s/%s" % (SG, r.json()["security_group"]["id"]))
        else:
            assert_error(r, 403, "PolicyNotAuthorized",
                         "rule:create_security_group is disallowed by policy")


@pytest.mark.own_server
@pytest.mark.parametrize("op", sorted(ON_DEMOS_GROUP))
@pytest.mark.parametrize("actor", ACTORS)
def test_policy_on_demos_group(ks_server, ks_legacy, op, actor):
    for cloud, want in zip((ks_server, ks_legacy), ON_DEMOS_GROUP[op]):
        g = demos_group(cloud)
        api = cloud.api(actor)
        rule_id = g["security_group_rules"][0]["id"]
        if op == "show":
            r = api.get("%s/%s" % (SG, g["id"]))
        elif op == "update":
            r = api.put("%s/%s" % (SG, g["id"]), {"security_group": {"description": "x"}})
        elif op == "delete":
            r = api.delete("%s/%s" % (SG, g["id"]))
        elif op == "add_rule":
            r = api.post(RULES, {"security_group_rule": {
                "security_group_id": g["id"], "direction": "ingress", "protocol": "tcp"}})
        elif op == "show_rule":
            r = api.get("%s/%s" % (RULES, rule_id))
        else:
            r = api.delete("%s/%s" % (RULES, rule_id))
        assert r.status_code == want[actor], (op, actor, cloud is ks_legacy, r.text)
        if r.status_code == 404:
            assert error_of(r)["type"] in ("SecurityGroupNotFound", "SecurityGroupRuleNotFound")
        if r.status_code == 403:
            assert error_of(r)["type"] == "PolicyNotAuthorized"
        cloud.api("admin").delete("%s/%s" % (SG, g["id"]))


@pytest.mark.own_server
def test_policy_lists_show_each_project_its_own(ks_server):
    g = demos_group(ks_server)
    try:
        for actor, sees in (("admin", True), ("demo", True), ("rdr", True), ("alt", False)):
            listed = sg_list(ks_server.api(actor))
            assert (g["id"] in {x["id"] for x in listed}) == sees, actor
            rules = rule_list(ks_server.api(actor), {"security_group_id": g["id"]})
            assert (len(rules) == 2) == sees and (rules == []) != sees, actor
        # alt's own first list made alt's default group, and only that.
        alt = ks_server.project_id("alt")
        assert {x["project_id"] for x in sg_list(ks_server.api("alt"))} == {alt}
    finally:
        ks_server.api("admin").delete("%s/%s" % (SG, g["id"]))


# --- Groups in use ---------------------------------------------------------------------------

def run_sql(srv, sql):
    """Runs 'sql' on a server's own database (SQLite file or PostgreSQL database)."""
    if pg_cluster.wanted() == "sqlite":
        db = sqlite3.connect(str(srv.state / "neutrino.sqlite"))
        try:
            db.execute(sql)
            db.commit()
        finally:
            db.close()
    else:
        pg_cluster.cluster().psql((srv.state / "pgdb").read_text().strip(), sql)


@pytest.mark.own_server
def test_group_in_use_by_a_port(start_server):
    """Ports get groups in a later part; the binding table they will fill is what a
    delete and a stateful change look at."""
    srv = start_server()
    api = Api(srv.url)
    net = api.ok(api.post("/v2.0/networks", {"network": {"name": uname("n")}}), 201)["network"]
    port = api.ok(api.post("/v2.0/ports", {"port": {"network_id": net["id"]}}), 201)["port"]
    g = api.ok(api.post(SG, {"security_group": {"name": uname("sg")}}), 201)["security_group"]
    run_sql(srv, "INSERT INTO port_security_group_bindings (port_id, security_group_id)"
                 " VALUES ('%s', '%s')" % (port["id"], g["id"]))
    assert_error(api.delete("%s/%s" % (SG, g["id"])), 409, "SecurityGroupInUse",
                 "Security Group %s in use." % g["id"])
    assert_error(api.put("%s/%s" % (SG, g["id"]), {"security_group": {"stateful": False}}), 409,
                 "SecurityGroupInUse", "Security Group %s in use." % g["id"])
    # Other changes are fine, and so is "changing" stateful to what it is.
    assert sg_update(api, g["id"], {"stateful": True, "description": "x"})
    # The port's delete releases the group.
    assert api.delete("/v2.0/ports/" + port["id"]).status_code == 204
    assert api.delete("%s/%s" % (SG, g["id"])).status_code == 204


@pytest.mark.own_server
@pytest.mark.skipif(pg_cluster.wanted() != "postgresql",
                    reason="two servers on one database need PostgreSQL")
def test_two_servers_race_to_make_one_default_group(tmp_path_factory):
    from test_multi_server import start_pair, stop_pair
    servers = start_pair(tmp_path_factory)
    try:
        for _ in range(3):
            p = new_project()

            def first_list(i):
                client = Api(servers[i % 2].url)
                r = client.get(SG, headers=member(p))
                return r.status_code, [g["id"] for g in r.json()["security_groups"]]

            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                results = list(pool.map(first_list, range(8)))
            assert all(s == 200 for s, _ in results), results
            assert len({tuple(ids) for _, ids in results}) == 1, results
            listed = sg_list(Api(servers[0].url), {"project_id": p})
            assert len(listed) == 1 and listed[0]["name"] == "default"
    finally:
        stop_pair(servers)


def test_extensions_are_listed(api):
    exts = {e["alias"]: e for e in api.get("/v2.0/extensions").json()["extensions"]}
    assert exts["security-group"] == {
        "name": "security-group", "alias": "security-group",
        "description": "The security groups extension.",
        "updated": "2012-10-05T10:00:00-00:00", "links": []}
    assert exts["stateful-security-group"] == {
        "name": "Stateful security group", "alias": "stateful-security-group",
        "description": "Indicates if the security group is stateful or not",
        "updated": "2019-11-26T09:00:00-00:00", "links": []}
