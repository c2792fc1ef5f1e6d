"""Address groups (docs/behaviour/api.md §13.6): the group as Zed shows it (name,
description, owner, addresses normalized to their networks), add_addresses and
remove_addresses with Zed's errors, a security group rule naming a group as its remote
end (remote_address_group_id), and a group in use refused on delete.

Every exchange was checked against the real Zed; run against it with
NEUTRINO_TEST_URL.  Tests that act as a project through noauth headers or where
neutrino departs from Zed (Zed answers 500 to a malformed action body, and lets any
project change or delete another's group) are neutrino-only."""

import uuid

import pytest

from api_helpers import UUID_RE, Api, assert_error, uname
from schema_rewind import rewind

neutrino_only = pytest.mark.neutrino_only

AG = "/v2.0/address-groups"
AG_KEYS = {"id", "name", "description", "project_id", "tenant_id", "addresses"}
ACTION_KEYS = AG_KEYS | {"shared", "revision_number", "created_at", "updated_at"}


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-Roles": roles}


class Groups:
    """Creates address groups (and security groups) for one project and deletes them
    when the test ends, rules first."""

    def __init__(self, api, project):
        self.api = api
        self.project = project
        self.ids = []
        self.sgs = []

    def create(self, expect=201, headers=None, **attrs):
        attrs.setdefault("name", uname("ag"))
        if headers is None:
            attrs.setdefault("tenant_id", self.project)
        r = self.api.post(AG, {"address_group": attrs}, headers=headers)
        if r.status_code == 201:
            self.ids.append(r.json()["address_group"]["id"])
        return r if expect is None else self.api.ok(r, expect)["address_group"]

    def action(self, gid, name, addresses, expect=200, headers=None, body=None):
        r = self.api.put("%s/%s/%s" % (AG, gid, name),
                         {"addresses": addresses} if body is None else body, headers=headers)
        return r if expect is None else self.api.ok(r, expect)["address_group"]

    def sg(self):
        r = self.api.post("/v2.0/security-groups", {"security_group": {
            "name": uname("agsg"), "tenant_id": self.project}})
        sid = self.api.ok(r, 201)["security_group"]["id"]
        self.sgs.append(sid)
        return sid

    def cleanup(self):
        for sid in self.sgs:
            self.api.delete("/v2.0/security-groups/%s" % sid)
        for gid in reversed(self.ids):
            self.api.delete("%s/%s" % (AG, gid))


@pytest.fixture
def groups(api):
    g = Groups(api, "ag-" + uuid.uuid4().hex[:12])
    yield g
    g.cleanup()


def test_extensions_listed(api):
    aliases = {e["alias"] for e in api.get("/v2.0/extensions").json()["extensions"]}
    assert {"address-group", "security-groups-remote-address-group"} <= aliases


def test_create_normalizes_and_dedups(groups):
    g = groups.create(name="g1", description="d", addresses=["10.1.0.7/16", "192.168.0.0/24",
                                                              "10.1.0.0/16", "2001:DB8::5/64"])
    assert set(g) == AG_KEYS and UUID_RE.match(g["id"])
    assert (g["name"], g["description"], g["project_id"], g["tenant_id"]) == (
        "g1", "d", groups.project, groups.project)
    assert sorted(g["addresses"]) == ["10.1.0.0/16", "192.168.0.0/24", "2001:db8::/64"]
    assert groups.api.get("%s/%s" % (AG, g["id"])).json() == {"address_group": g}


@pytest.mark.parametrize("addresses", [None, []])
def test_create_without_addresses(groups, addresses):
    assert groups.create(addresses=addresses)["addresses"] == []
    assert groups.create()["addresses"] == []


@pytest.mark.parametrize("attrs, message", [
    ({"addresses": ["10.0.0.5"]}, "Invalid input for addresses. Reason: '10.0.0.5' isn't a "
                                  "recognized IP subnet cidr, '10.0.0.5/32' is recommended."),
    ({"addresses": ["x"]}, "Invalid input for addresses. Reason: 'x' is not a valid IP subnet."),
    ({"addresses": [1]}, "Invalid input for addresses. Reason: '1' is not a valid IP subnet."),
    ({"addresses": ["10.0.0.0/33"]},
     "Invalid input for addresses. Reason: '10.0.0.0/33' is not a valid IP subnet."),
    ({"addresses": "10.0.0.0/24"},
     "Invalid input for addresses. Reason: '10.0.0.0/24' is not a list."),
    ({"addresses": ["10.0.0.0/24", "10.0.0.0/24"]},
     "Invalid input for addresses. Reason: Duplicate items in the list: '10.0.0.0/24'."),
    ({"shared": True}, "Attribute 'shared' not allowed in POST"),
    ({"tags": ["x"]}, "Unrecognized attribute(s) 'tags'"),
])
def test_create_refused(groups, attrs, message):
    assert_error(groups.create(expect=None, **attrs), 400, "HTTPBadRequest", message)


def test_update_name_description_not_addresses(groups):
    g = groups.create(addresses=["10.0.0.0/8"])
    r = groups.api.put("%s/%s" % (AG, g["id"]), {"address_group": {"name": "n2",
                                                                     "description": "dd"}})
    u = groups.api.ok(r, 200)["address_group"]
    assert (u["name"], u["description"], u["addresses"]) == ("n2", "dd", ["10.0.0.0/8"])
    r = groups.api.put("%s/%s" % (AG, g["id"]), {"address_group": {"addresses": []}})
    assert_error(r, 400, "HTTPBadRequest", "Cannot update read-only attribute addresses")


def test_add_and_remove_addresses(groups):
    g = groups.create(addresses=["10.1.0.0/16"])
    a = groups.action(g["id"], "add_addresses", ["10.9.0.1/16", "10.8.0.0/16", "10.0.0.1",
                                                 "2001:db8::1"])
    assert set(a) == ACTION_KEYS and a["shared"] is False
    assert sorted(a["addresses"]) == ["10.0.0.1/32", "10.1.0.0/16", "10.8.0.0/16",
                                      "10.9.0.0/16", "2001:db8::1/128"]
    r = groups.action(g["id"], "remove_addresses", ["10.8.0.5/16", "2001:db8::1/128"])
    assert sorted(r["addresses"]) == ["10.0.0.1/32", "10.1.0.0/16", "10.9.0.0/16"]
    # One revision per address removed, as Zed.
    assert r["revision_number"] == a["revision_number"] + 2
    shown = groups.api.get("%s/%s" % (AG, g["id"])).json()["address_group"]
    assert sorted(shown["addresses"]) == sorted(r["addresses"])
    # Nothing to do: nothing changes, not even the revision.
    assert groups.action(g["id"], "add_addresses", [])["revision_number"] == \
        r["revision_number"]


def test_add_existing_refused_whole(groups):
    g = groups.create(addresses=["10.1.0.0/16"])
    r = groups.action(g["id"], "add_addresses", ["10.9.0.0/16", "10.1.2.3/16"], expect=None)
    assert_error(r, 400, "AddressesAlreadyExist", "Addresses ['10.1.0.0/16'] already exist in"
                 " the address group %s." % g["id"])
    shown = groups.api.get("%s/%s" % (AG, g["id"])).json()["address_group"]
    assert shown["addresses"] == ["10.1.0.0/16"]


def test_remove_missing_refused(groups):
    g = groups.create(addresses=["10.1.0.0/16", "10.8.0.0/16"])
    r = groups.action(g["id"], "remove_addresses", ["10.7.0.0/16", "10.8.0.0/16"],
                      expect=None)
    assert_error(r, 404, "AddressesNotFound", "Addresses ['10.7.0.0/16'] not found in the"
                 " address group %s." % g["id"])
    r = groups.action(g["id"], "add_addresses", ["x"], expect=None)
    assert_error(r, 400, "AddrFormatError", "invalid IPNetwork x")
    r = groups.action("00000000-0000-0000-0000-000000000000", "add_addresses",
                      ["10.0.0.0/8"], expect=None)
    assert_error(r, 404, "AddressGroupNotFound", "Address group "
                 "00000000-0000-0000-0000-000000000000 could not be found.")


@neutrino_only
@pytest.mark.parametrize("body", [{}, {"address": ["10.0.0.0/8"]}, {"addresses": None},
                                  {"addresses": "10.0.0.0/8"}, [], "x"])
def test_action_body_refused(groups, body):
    """Zed answers these with a 500; neutrino says what is wrong."""
    g = groups.create()
    r = groups.action(g["id"], "add_addresses", None, expect=None, body=body)
    assert_error(r, 400, "HTTPBadRequest")


@neutrino_only
def test_other_project_cannot_see_or_change(groups):
    g = groups.create(addresses=["10.1.0.0/16"])
    other = member("other-" + uuid.uuid4().hex[:8])
    for name in ("add_addresses", "remove_addresses"):
        r = groups.action(g["id"], name, ["10.1.0.0/16"], expect=None, headers=other)
        assert_error(r, 404, "AddressGroupNotFound")
    assert_error(groups.api.delete("%s/%s" % (AG, g["id"]), headers=other), 404,
                 "AddressGroupNotFound")
    owner = member(groups.project)
    assert groups.action(g["id"], "add_addresses", ["10.2.0.0/16"],
                         headers=owner)["addresses"] == ["10.1.0.0/16", "10.2.0.0/16"]
    listed = groups.api.get(AG, headers=other).json()["address_groups"]
    assert g["id"] not in [x["id"] for x in listed]


def test_list_filters_and_fields(groups):
    a = groups.create(name=uname("fa"), description="one")
    groups.create(name=uname("fb"), description="two")
    listed = groups.api.get(AG, params={"tenant_id": groups.project, "description": "one",
                                        "fields": "name"}).json()["address_groups"]
    # Zed adds tenant_id to what fields= asks for here; only the names are compared.
    assert [x["name"] for x in listed] == [a["name"]] and "addresses" not in listed[0]


def test_collection_put_is_group_none(api):
    assert_error(api.put(AG, {"address_group": {}}), 404, "AddressGroupNotFound",
                 "Address group None could not be found.")


def rule(groups, sg, **attrs):
    body = {"security_group_id": sg, "direction": "ingress", "ethertype": "IPv4",
            "tenant_id": groups.project}
    body.update(attrs)
    return groups.api.post("/v2.0/security-group-rules", {"security_group_rule": body})


def test_rule_with_remote_address_group(groups):
    g = groups.create(addresses=["10.1.0.0/16"])
    sg = groups.sg()
    created = groups.api.ok(rule(groups, sg, remote_address_group_id=g["id"],
                                 protocol="tcp", port_range_min=22, port_range_max=22), 201)
    ru = created["security_group_rule"]
    assert ru["remote_address_group_id"] == g["id"]
    assert ru["remote_ip_prefix"] is None and ru["remote_group_id"] is None
    listed = groups.api.get("/v2.0/security-group-rules", params={
        "remote_address_group_id": g["id"]}).json()["security_group_rules"]
    assert [x["id"] for x in listed] == [ru["id"]]
    inside = groups.api.get("/v2.0/security-groups/%s" % sg).json()["security_group"]
    assert [x["remote_address_group_id"] for x in inside["security_group_rules"]
            if x["id"] == ru["id"]] == [g["id"]]
    # The same rule again is a duplicate; with another group it is not.
    assert_error(rule(groups, sg, remote_address_group_id=g["id"], protocol="tcp",
                      port_range_min=22, port_range_max=22), 409, "SecurityGroupRuleExists")
    # A group in use cannot go.
    assert_error(groups.api.delete("%s/%s" % (AG, g["id"])), 409, "AddressGroupInUse",
                 "Address group %s is in use on one or more security group rules." % g["id"])
    groups.api.ok(groups.api.delete("/v2.0/security-group-rules/%s" % ru["id"]), 204)
    groups.api.ok(groups.api.delete("%s/%s" % (AG, g["id"])), 204)
    assert_error(groups.api.get("%s/%s" % (AG, g["id"])), 404, "AddressGroupNotFound")


def test_rule_remote_address_group_refused(groups):
    g = groups.create()
    sg = groups.sg()
    assert_error(rule(groups, sg, remote_address_group_id=g["id"], remote_ip_prefix="10.0.0.0/8"),
                 400, "SecurityGroupMultipleRemoteEntites", "Only one of remote_ip_prefix or"
                 " remote_group_id or remote_address_group_id may be provided.")
    missing = "0b7f4f8e-1111-4222-8333-944455556666"
    assert_error(rule(groups, sg, remote_address_group_id=missing), 404, "AddressGroupNotFound",
                 "Address group %s could not be found." % missing)


@neutrino_only
def test_rule_cannot_name_another_projects_group(groups):
    theirs = groups.create(tenant_id="x-" + uuid.uuid4().hex[:8])
    sg = groups.sg()
    r = groups.api.post("/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg, "direction": "ingress",
        "remote_address_group_id": theirs["id"]}}, headers=member(groups.project))
    assert_error(r, 404, "AddressGroupNotFound")


# --- A database made before address groups ---------------------------------------------

@pytest.mark.own_server
def test_migration_keeps_rules_and_adds_address_groups(start_server):
    srv = start_server()
    api = Api(srv.url)
    sg = api.ok(api.post("/v2.0/security-groups", {"security_group": {
        "name": uname("old")}}), 201)["security_group"]
    old = api.ok(api.post("/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress", "protocol": "tcp"}}),
        201)["security_group_rule"]
    srv.stop()
    rewind(srv, 15)     # the schema before address groups' migration (16)
    again = start_server(state_dir=srv.state)
    api = Api(again.url)
    shown = api.ok(api.get("/v2.0/security-group-rules/" + old["id"]),
                   200)["security_group_rule"]
    assert shown["remote_address_group_id"] is None and shown["protocol"] == "tcp"
    g = api.ok(api.post(AG, {"address_group": {"name": uname("ag"),
                                               "addresses": ["10.0.0.0/8"]}}),
               201)["address_group"]
    r = api.ok(api.post("/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress",
        "remote_address_group_id": g["id"]}}), 201)["security_group_rule"]
    assert r["remote_address_group_id"] == g["id"]


@neutrino_only
def test_a_reader_reads_but_does_not_write(groups):
    """With the new defaults (neutrino's), writes need the member role in the group's
    project; Zed's defaults let any role of the project write (docs/behaviour/policy.md)."""
    g = groups.create(addresses=["10.1.0.0/16"])
    reader = member(groups.project, "reader")
    assert groups.api.get("%s/%s" % (AG, g["id"]), headers=reader).status_code == 200
    r = groups.action(g["id"], "add_addresses", ["10.2.0.0/16"], expect=None, headers=reader)
    assert_error(r, 403, "PolicyNotAuthorized", "rule:add_addresses is disallowed by policy")
    r = groups.api.put("%s/%s" % (AG, g["id"]), {"address_group": {"name": "x"}},
                       headers=reader)
    assert_error(r, 403, "PolicyNotAuthorized", "rule:update_address_group is disallowed by"
                 " policy")
    r = groups.api.post(AG, {"address_group": {"name": "x"}}, headers=reader)
    assert_error(r, 403, "PolicyNotAuthorized")
