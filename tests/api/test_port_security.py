"""Port security (docs/behaviour/api.md §13.3): networks' and ports'
port_security_enabled, a port's security_groups (its project's default group unless
told otherwise) and allowed_address_pairs, with Neutron Zed's errors; the ports a group
is in use by; the network's own ports, which never have port security; the attribute
policy of both rule sets; what the linux-bridge agent is told; and the openstack CLI.

The shared session server is noauth: without headers the caller is an admin of
"fake_project_id"; X-Project-Id and X-Roles make a member of a project of the test's
own."""

import uuid

import pytest

from api_helpers import Api, assert_error, bad_attr, uname

neutrino_only = pytest.mark.neutrino_only

SG = "/v2.0/security-groups"
PORTS = "/v2.0/ports"
NETS = "/v2.0/networks"

ADMIN_PROJECT = "fake_project_id"
STATEFUL_MIX = ("Error Cannot apply both stateful and stateless security groups on the same"
                " port at the same time while attempting the operation.")
NEEDS_PS_FOR_GROUPS = ("Port security must be enabled and port must have an IP address in"
                       " order to use security groups.")
NEEDS_PS_FOR_PAIRS = ("Port Security must be enabled in order to have allowed address pairs"
                      " on a port.")
HAS_GROUPS = ("Port has security group associated. Cannot disable port security or IP"
              " address until security group is removed.")


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-Roles": roles}


class Env:
    """Networks, subnets, ports and groups a test makes, deleted when it ends: ports
    first (they hold groups), then groups (and the default groups of the projects the
    test made up), then subnets and networks."""

    def __init__(self, api):
        self.api = api
        self.ports, self.groups, self.subnets, self.nets, self.projects = [], [], [], [], []

    def project(self):
        p = uuid.uuid4().hex
        self.projects.append(p)
        return p

    def _made(self, r, key, into, expect):
        if r.status_code == 201:
            into.append(r.json()[key]["id"])
        if expect is None:
            return r
        return self.api.ok(r, expect)[key]

    def network(self, expect=201, headers=None, **attrs):
        attrs.setdefault("name", uname("psnet"))
        r = self.api.post(NETS, {"network": attrs}, headers=headers)
        return self._made(r, "network", self.nets, expect)

    def subnet(self, net, cidr, headers=None):
        r = self.api.post("/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "cidr": cidr, "ip_version": 4}}, headers=headers)
        return self._made(r, "subnet", self.subnets, 201)

    def net_with_subnet(self, cidr="10.1.0.0/24", **attrs):
        n = self.network(**attrs)
        self.subnet(n, cidr, headers=attrs.get("headers"))
        return n

    def port(self, net, expect=201, headers=None, **attrs):
        attrs["network_id"] = net["id"] if isinstance(net, dict) else net
        r = self.api.post(PORTS, {"port": attrs}, headers=headers)
        return self._made(r, "port", self.ports, expect)

    def group(self, headers=None, **attrs):
        attrs.setdefault("name", uname("psg"))
        r = self.api.post(SG, {"security_group": attrs}, headers=headers)
        return self._made(r, "security_group", self.groups, 201)

    def update(self, port, attrs, expect=200, headers=None):
        r = self.api.put("%s/%s" % (PORTS, port["id"]), {"port": attrs}, headers=headers)
        return r if expect is None else self.api.ok(r, expect)["port"]

    def cleanup(self):
        for pid in reversed(self.ports):
            self.api.delete("%s/%s" % (PORTS, pid))
        for gid in reversed(self.groups):
            self.api.delete("%s/%s" % (SG, gid))
        for p in self.projects:
            listed = self.api.get(SG, params={"project_id": p}).json()["security_groups"]
            for g in listed:
                self.api.delete("%s/%s" % (SG, g["id"]))
        for sid in reversed(self.subnets):
            self.api.delete("/v2.0/subnets/" + sid)
        for nid in reversed(self.nets):
            self.api.delete("%s/%s" % (NETS, nid))


@pytest.fixture
def env(api):
    e = Env(api)
    yield e
    e.cleanup()


def default_group_id(api, project, headers=None):
    listed = api.ok(api.get(SG, params={"project_id": project, "name": "default"},
                            headers=headers), 200)["security_groups"]
    assert len(listed) == 1, listed
    return listed[0]["id"]


def show(api, port, headers=None):
    return api.ok(api.get("%s/%s" % (PORTS, port["id"]), headers=headers), 200)["port"]


# --- Networks --------------------------------------------------------------------------

def test_network_port_security_defaults_to_true_and_can_be_changed(api, env):
    n = env.network()
    assert n["port_security_enabled"] is True
    off = env.network(port_security_enabled=False)
    assert off["port_security_enabled"] is False
    assert api.show("networks", off["id"])["port_security_enabled"] is False
    back = api.update("networks", off["id"], {"port_security_enabled": True})
    assert back["port_security_enabled"] is True and back["revision_number"] == 2
    listed = api.ok(api.get(NETS, params={"id": n["id"], "fields": "port_security_enabled"}),
                    200)["networks"]
    assert listed == [{"port_security_enabled": True}]
    assert_error(api.post(NETS, {"network": {"port_security_enabled": "maybe"}}), 400,
                 "InvalidInput", "Invalid input for operation: 'maybe' cannot be converted"
                 " to boolean.")


def test_ports_inherit_the_networks_setting_when_made(api, env):
    off = env.network(port_security_enabled=False)
    p = env.port(off, name="inherit")
    assert p["port_security_enabled"] is False and p["security_groups"] == []
    assert p["fixed_ips"] == [] and p["allowed_address_pairs"] == []
    # A port may still ask for it.
    asked = env.port(off, port_security_enabled=True)
    assert asked["port_security_enabled"] is True
    assert asked["security_groups"] == [default_group_id(api, ADMIN_PROJECT)]
    # The network's change leaves its ports alone.
    api.update("networks", off["id"], {"port_security_enabled": True})
    assert show(api, p)["port_security_enabled"] is False
    assert env.port(off)["port_security_enabled"] is True


# --- Groups on a port ----------------------------------------------------------------------

def test_port_gets_its_projects_default_group(api, env):
    n = env.net_with_subnet()
    p = env.port(n, name="p-default")
    assert p["port_security_enabled"] is True
    assert p["security_groups"] == [default_group_id(api, ADMIN_PROJECT)]
    assert p["allowed_address_pairs"] == [] and p["extra_dhcp_opts"] == []
    assert show(api, p) == p


@neutrino_only
def test_first_port_of_a_project_makes_its_default_group(api, env):
    """A member's port on an admin's shared network, before its project was ever
    listed: the port's answer already names the default group the create made."""
    shared = env.net_with_subnet("10.61.0.0/24", shared=True)
    p3 = env.project()
    port = env.port(shared, headers=member(p3), name="m3port")
    assert port["project_id"] == p3 and len(port["security_groups"]) == 1
    listed = api.ok(api.get(SG, headers=member(p3)), 200)["security_groups"]
    assert [(g["id"], g["name"]) for g in listed] == [(port["security_groups"][0], "default")]
    assert len(listed[0]["security_group_rules"]) == 4


def test_explicit_groups_and_their_errors(api, env):
    n = env.net_with_subnet()
    web = env.group(name="web2")
    stateless = env.group(name="stateless", stateful=False)
    assert_error(env.port(n, expect=None, name="p-mixed",
                          security_groups=[web["id"], stateless["id"]]),
                 409, "SecurityGroupConflict", STATEFUL_MIX)
    p = env.port(n, name="p-web", security_groups=[web["id"]])
    assert p["security_groups"] == [web["id"]]
    two = env.port(n, security_groups=[web["id"], env.group()["id"]])
    assert sorted(two["security_groups"]) == two["security_groups"]
    assert len(two["security_groups"]) == 2
    unknown = "0b7f4f8e-1111-4222-8333-944455556666"
    assert_error(env.port(n, expect=None, security_groups=[unknown]), 404,
                 "SecurityGroupNotFound", "Security group %s does not exist" % unknown)
    assert_error(env.port(n, expect=None, security_groups=web["id"]), 400, "HTTPBadRequest",
                 bad_attr("security_groups", "'%s' is not a list" % web["id"]))
    assert_error(env.port(n, expect=None, security_groups=[web["id"], web["id"]]), 400,
                 "HTTPBadRequest",
                 bad_attr("security_groups", "Duplicate items in the list: '%s'" % web["id"]))
    other = env.group()
    assert_error(env.port(n, expect=None,
                          security_groups=[other["id"], web["id"], other["id"], web["id"]]),
                 400, "HTTPBadRequest", bad_attr("security_groups", "Duplicate items in the"
                                                 " list: '%s, %s'" % (other["id"], web["id"])))
    assert_error(env.port(n, expect=None, security_groups=["nope"]), 400, "HTTPBadRequest",
                 bad_attr("security_groups", "'nope' is not a valid UUID"))
    # null is [], which, with port security on, is no group at all.
    assert env.port(n, security_groups=None)["security_groups"] == []
    assert env.port(n, security_groups=[])["security_groups"] == []


def test_port_security_off_and_groups(api, env):
    n = env.net_with_subnet()
    web = env.group(name="web2")
    nosec = env.port(n, name="p-nosec", port_security_enabled=False)
    assert nosec["port_security_enabled"] is False and nosec["security_groups"] == []
    assert_error(env.port(n, expect=None, port_security_enabled=False,
                          security_groups=[web["id"]]),
                 400, "PortSecurityAndIPRequiredForSecurityGroups", NEEDS_PS_FOR_GROUPS)
    assert env.port(n, port_security_enabled=False, security_groups=[])["security_groups"] == []
    assert_error(env.port(n, expect=None, port_security_enabled=False,
                          allowed_address_pairs=[{"ip_address": "10.1.0.200"}]),
                 409, "AddressPairAndPortSecurityRequired", NEEDS_PS_FOR_PAIRS)


def test_updates_of_port_security_and_groups(api, env):
    n = env.net_with_subnet()
    web = env.group(name="web2")
    p = env.port(n, name="p-web", security_groups=[web["id"]])
    assert_error(env.update(p, {"port_security_enabled": False}, expect=None), 409,
                 "PortSecurityPortHasSecurityGroup", HAS_GROUPS)
    off = env.update(p, {"port_security_enabled": False, "security_groups": []})
    assert off["port_security_enabled"] is False and off["security_groups"] == []
    assert off["revision_number"] == p["revision_number"] + 1
    assert_error(env.update(p, {"security_groups": [web["id"]]}, expect=None), 400,
                 "PortSecurityAndIPRequiredForSecurityGroups", NEEDS_PS_FOR_GROUPS)
    on = env.update(p, {"port_security_enabled": True})
    assert on["port_security_enabled"] is True and on["security_groups"] == []
    again = env.update(p, {"security_groups": [web["id"]]})
    assert again["security_groups"] == [web["id"]]
    assert again["revision_number"] == on["revision_number"] + 1
    # Enabling it and adding groups in one update is fine too.
    q = env.port(n, port_security_enabled=False)
    both = env.update(q, {"port_security_enabled": True, "security_groups": [web["id"]]})
    assert both["security_groups"] == [web["id"]]
    # Replacing: the checks of a create apply.
    stateless = env.group(stateful=False)
    assert_error(env.update(q, {"security_groups": [web["id"], stateless["id"]]},
                            expect=None), 409, "SecurityGroupConflict", STATEFUL_MIX)
    assert env.update(q, {"security_groups": [stateless["id"]]})["security_groups"] == [
        stateless["id"]]
    assert env.update(q, {"security_groups": None})["security_groups"] == []


def test_group_in_use_cannot_be_deleted(api, env):
    n = env.net_with_subnet()
    web = env.group()
    p = env.port(n, security_groups=[web["id"]])
    assert_error(api.delete("%s/%s" % (SG, web["id"])), 409, "SecurityGroupInUse",
                 "Security Group %s in use." % web["id"])
    default = env.port(n)["security_groups"][0]
    assert_error(api.delete("%s/%s" % (SG, default)), 409, "SecurityGroupInUse",
                 "Security Group %s in use." % default)
    # Taken off the port, or the port deleted: the group may go.
    env.update(p, {"security_groups": []})
    assert api.delete("%s/%s" % (SG, web["id"])).status_code == 204
    other = env.group()
    q = env.port(n, security_groups=[other["id"]])
    assert api.delete("%s/%s" % (PORTS, q["id"])).status_code == 204
    assert api.delete("%s/%s" % (SG, other["id"])).status_code == 204


def test_list_ports_by_security_group(api, env):
    n = env.net_with_subnet()
    web, other = env.group(), env.group()
    p = env.port(n, security_groups=[web["id"]])
    both = env.port(n, security_groups=[web["id"], other["id"]])
    env.port(n, security_groups=[other["id"]])
    r = api.get(PORTS, params=[("security_groups", web["id"]), ("fields", "id"),
                               ("fields", "security_groups")])
    listed = api.ok(r, 200)["ports"]
    assert sorted(x["id"] for x in listed) == sorted([p["id"], both["id"]])
    assert {"id": p["id"], "security_groups": [web["id"]]} in listed
    # Several values: ports in any of them.
    r = api.get(PORTS, params=[("security_groups", web["id"]), ("security_groups", other["id"]),
                               ("network_id", n["id"])])
    assert len(api.ok(r, 200)["ports"]) == 3
    assert api.ok(api.get(PORTS, params={"security_groups": str(uuid.uuid4())}),
                  200)["ports"] == []


@neutrino_only
def test_member_cannot_use_another_projects_group(api, env):
    pm = env.project()
    hdr = member(pm)
    n = env.network(headers=hdr, name="mnet")
    env.subnet(n, "10.50.0.0/24", headers=hdr)
    port = env.port(n, headers=hdr, name="mport")
    assert port["security_groups"] == [default_group_id(api, pm, headers=hdr)]
    admins = env.group()
    assert_error(env.port(n, expect=None, headers=hdr, security_groups=[admins["id"]]), 404,
                 "SecurityGroupNotFound", "Security group %s does not exist" % admins["id"])
    assert_error(env.update(port, {"security_groups": [admins["id"]]}, expect=None,
                            headers=hdr),
                 404, "SecurityGroupNotFound", "Security group %s does not exist" % admins["id"])
    app = env.group(headers=hdr, name="app")
    updated = env.update(port, {"security_groups": [app["id"]]}, headers=hdr)
    assert updated["security_groups"] == [app["id"]]
    assert_error(api.delete("%s/%s" % (SG, app["id"]), headers=hdr), 409, "SecurityGroupInUse",
                 "Security Group %s in use." % app["id"])
    pairs = env.update(port, {"allowed_address_pairs": [{"ip_address": "10.50.0.250"}]},
                       headers=hdr)
    assert pairs["allowed_address_pairs"] == [{"mac_address": port["mac_address"],
                                               "ip_address": "10.50.0.250"}]
    # An admin may give a port any group.
    assert env.update(port, {"security_groups": [admins["id"]]})["security_groups"] == [
        admins["id"]]


# --- Allowed address pairs ---------------------------------------------------------------

def test_address_pairs_create_update_and_order(api, env):
    n = env.net_with_subnet()
    p = env.port(n, name="p-aap", allowed_address_pairs=[
        {"ip_address": "10.1.0.200"},
        {"ip_address": "10.1.0.128/25", "mac_address": "fa:16:3e:00:00:01"}])
    assert p["allowed_address_pairs"] == [
        {"mac_address": "fa:16:3e:00:00:01", "ip_address": "10.1.0.128/25"},
        {"mac_address": p["mac_address"], "ip_address": "10.1.0.200"}]
    assert list(p["allowed_address_pairs"][0]) == ["mac_address", "ip_address"]
    assert show(api, p)["allowed_address_pairs"] == p["allowed_address_pairs"]
    up = env.update(p, {"allowed_address_pairs": [{"ip_address": "192.0.2.10"}]})
    assert up["allowed_address_pairs"] == [{"mac_address": p["mac_address"],
                                            "ip_address": "192.0.2.10"}]
    assert up["revision_number"] == p["revision_number"] + 1
    v6 = env.update(p, {"allowed_address_pairs": [{"ip_address": "2001:db8::/64"},
                                                  {"ip_address": "2001:db8::5"}]})
    assert [x["ip_address"] for x in v6["allowed_address_pairs"]] == [
        "2001:db8::/64", "2001:db8::5"]
    assert env.update(p, {"allowed_address_pairs": None})["allowed_address_pairs"] == []
    assert env.update(p, {"allowed_address_pairs": [{"ip_address": "10.1.0.9"}]})
    assert env.update(p, {"allowed_address_pairs": []})["allowed_address_pairs"] == []


def test_address_pair_errors(api, env):
    n = env.net_with_subnet()
    p = env.port(n, allowed_address_pairs=[{"ip_address": "192.0.2.10"}])

    def refused(pairs, status, type_, message):
        assert_error(env.update(p, {"allowed_address_pairs": pairs}, expect=None), status,
                     type_, message)

    refused([{"ip_address": "192.0.2.10"}, {"ip_address": "192.0.2.10"}], 400,
            "DuplicateAddressPairInRequest",
            "Request contains duplicate address pair: mac_address None ip_address 192.0.2.10.")
    refused([{"ip_address": "192.0.2.10", "mac_address": "fa:16:3e:00:00:09"},
             {"mac_address": "fa:16:3e:00:00:09", "ip_address": "192.0.2.10"}], 400,
            "DuplicateAddressPairInRequest", "Request contains duplicate address pair:"
            " mac_address fa:16:3e:00:00:09 ip_address 192.0.2.10.")
    # The same pair once with the port's MAC given, once without: the same row.
    refused([{"ip_address": "192.0.2.11"},
             {"ip_address": "192.0.2.11", "mac_address": p["mac_address"]}], 400,
            "DuplicateAddressPairInRequest", "Request contains duplicate address pair:"
            " mac_address %s ip_address 192.0.2.11." % p["mac_address"])
    refused([{"mac_address": "fa:16:3e:00:00:02"}], 400, "AllowedAddressPairsMissingIP",
            "AllowedAddressPair must contain ip_address")
    refused([{"ip_address": "10.1.0.999"}], 400, "HTTPBadRequest",
            "'10.1.0.999' is not a valid IP address")
    refused([{"ip_address": "10.1.0.5", "foo": 1}], 400, "HTTPBadRequest",
            "Unrecognized attribute(s) 'foo'")
    refused([{"ip_address": "10.9.0.%d" % i} for i in range(1, 12)], 400,
            "AllowedAddressPairExhausted",
            "The number of allowed address pair exceeds the maximum 10.")
    refused({"ip_address": "10.1.0.5"}, 400, "HTTPBadRequest",
            "Allowed address pairs must be a list.")
    refused(["10.1.0.5"], 400, "HTTPBadRequest", bad_attr(
        "allowed_address_pairs", "'10.1.0.5' is not a dictionary"))
    refused([{"ip_address": "10.1.0.5", "mac_address": "zz"}], 400, "HTTPBadRequest",
            "'zz' is not a valid MAC address")
    refused([{"ip_address": "10.1.0.0/33"}], 400, "HTTPBadRequest",
            "'10.1.0.0/33' is not a valid IP subnet")
    refused([{"ip_address": "010.1.0.0/24"}], 400, "HTTPBadRequest",
            "'010.1.0.0/24' isn't a recognized IP subnet cidr, '10.1.0.0/24' is recommended")
    refused([{"ip_address": "10.1.0.5/024"}], 400, "HTTPBadRequest",
            "'10.1.0.5/024' isn't a recognized IP subnet cidr, '10.1.0.0/24' is recommended")
    refused([{"ip_address": "010.1.0.1"}], 400, "HTTPBadRequest",
            "'010.1.0.1' is not an accepted IP address, '10.1.0.1' is recommended")
    refused([{"ip_address": 5}], 400, "HTTPBadRequest", "'5' is not a valid IP address")
    # Ten is the limit, not an error; every refusal left the pairs as they were.
    ten = env.update(p, {"allowed_address_pairs": [{"ip_address": "10.9.0.%d" % i}
                                                   for i in range(1, 11)]})
    assert len(ten["allowed_address_pairs"]) == 10
    assert_error(env.update(p, {"port_security_enabled": False, "security_groups": []},
                            expect=None),
                 409, "AddressPairAndPortSecurityRequired", NEEDS_PS_FOR_PAIRS)
    cleared = env.update(p, {"port_security_enabled": False, "security_groups": [],
                             "allowed_address_pairs": []})
    assert cleared["port_security_enabled"] is False
    assert cleared["allowed_address_pairs"] == [] and cleared["security_groups"] == []
    assert_error(env.update(p, {"allowed_address_pairs": [{"ip_address": "10.1.0.7"}]},
                            expect=None),
                 409, "AddressPairAndPortSecurityRequired", NEEDS_PS_FOR_PAIRS)


def test_body_checks_follow_zeds_attribute_order(api, env):
    """Zed checks allowed_address_pairs before the binding attributes, and
    port_security_enabled, then security_groups, after them."""
    n = env.network()
    bad = {"allowed_address_pairs": "z", "binding:vnic_type": "bogus",
           "port_security_enabled": "x", "security_groups": "y"}
    for message in ("Allowed address pairs must be a list.",
                    bad_attr("binding:vnic_type", "bogus is not in valid_values"),
                    "Invalid input for operation: 'x' cannot be converted to boolean.",
                    bad_attr("security_groups", "'y' is not a list")):
        r = env.port(n, expect=None, **bad)
        assert_error(r, 400, message=message)
        del bad[next(iter(bad))]


def test_max_allowed_address_pair_is_an_option(start_server):
    srv = start_server({"neutron.conf": {"DEFAULT": {"max_allowed_address_pair": "2"}}})
    api = Api(srv.url)
    n = api.ok(api.post(NETS, {"network": {"name": uname("n")}}), 201)["network"]
    pairs = [{"ip_address": "10.0.0.%d" % i} for i in range(1, 4)]
    assert_error(api.post(PORTS, {"port": {"network_id": n["id"],
                                           "allowed_address_pairs": pairs}}),
                 400, "AllowedAddressPairExhausted",
                 "The number of allowed address pair exceeds the maximum 2.")
    p = api.ok(api.post(PORTS, {"port": {"network_id": n["id"],
                                         "allowed_address_pairs": pairs[:2]}}), 201)["port"]
    assert len(p["allowed_address_pairs"]) == 2


def test_mac_change_keeps_the_pairs_mac(api, env):
    n = env.network()
    p = env.port(n, allowed_address_pairs=[{"ip_address": "10.3.0.5"}])
    moved = env.update(p, {"mac_address": "fa:16:3e:aa:bb:cc"})
    assert moved["allowed_address_pairs"] == [{"mac_address": p["mac_address"],
                                               "ip_address": "10.3.0.5"}]
    # Pairs given with a new MAC take the new one.
    both = env.update(p, {"mac_address": "fa:16:3e:aa:bb:cd",
                          "allowed_address_pairs": [{"ip_address": "10.3.0.6"}]})
    assert both["allowed_address_pairs"] == [{"mac_address": "fa:16:3e:aa:bb:cd",
                                              "ip_address": "10.3.0.6"}]


# --- The network's own ports ---------------------------------------------------------------

@pytest.mark.parametrize("owner", ["network:dhcp", "network:router_interface"])
def test_network_ports_have_no_port_security(api, env, owner):
    n = env.net_with_subnet()
    p = env.port(n, device_owner=owner)
    assert p["port_security_enabled"] is False and p["security_groups"] == []
    # Even when asked for.
    asked = env.port(n, device_owner=owner, port_security_enabled=True)
    assert asked["port_security_enabled"] is False
    assert_error(env.port(n, expect=None, device_owner=owner,
                          security_groups=[default_group_id(api, ADMIN_PROJECT)]),
                 400, "PortSecurityAndIPRequiredForSecurityGroups", NEEDS_PS_FOR_GROUPS)
    assert_error(env.port(n, expect=None, device_owner=owner,
                          allowed_address_pairs=[{"ip_address": "10.1.0.9"}]),
                 409, "AddressPairAndPortSecurityRequired", NEEDS_PS_FOR_PAIRS)


def test_dhcp_agents_port_has_no_port_security(start_server):
    """The DHCP port the server makes for an agent is such a port."""
    from test_dhcp_scheduling import network_with_subnet, node
    srv = start_server()
    api = Api(srv.url)
    _, agent = node(srv)
    n, _ = network_with_subnet(srv, "10.7.0.0/24")
    port = agent.network(n["id"])["dhcp_port"]
    shown = api.show("ports", port["id"])
    assert shown["device_owner"] == "network:dhcp"
    assert shown["port_security_enabled"] is False and shown["security_groups"] == []


# --- What the linux-bridge agent is told ------------------------------------------------

def test_agent_device_details_carry_port_security(start_server):
    from test_agents import FakeAgent
    srv = start_server()
    api = Api(srv.url)
    agent = FakeAgent(srv.url, uname("host"))
    seq = agent.report(start=True)["seq"]
    n = api.ok(api.post(NETS, {"network": {"name": uname("n")}}), 201)["network"]
    g = api.ok(api.post(SG, {"security_group": {"name": uname("g")}}), 201)["security_group"]
    port = api.ok(api.post(PORTS, {"port": {
        "network_id": n["id"], "binding:host_id": agent.host, "device_owner": "compute:nova",
        "security_groups": [g["id"]],
        "allowed_address_pairs": [{"ip_address": "10.8.0.0/24"}]}}), 201)["port"]
    [d] = agent.details("tap" + port["id"][:11])
    assert d["port_security_enabled"] is True
    assert d["security_groups"] == [g["id"]]
    assert d["allowed_address_pairs"] == [{"mac_address": port["mac_address"],
                                           "ip_address": "10.8.0.0/24"}]
    seq = agent.changes(seq)["seq"]
    # Each change of groups, pairs or port security tells the port's host.
    for attrs in ({"security_groups": []}, {"allowed_address_pairs": []},
                  {"port_security_enabled": False}):
        api.ok(api.put("%s/%s" % (PORTS, port["id"]), {"port": attrs}), 200)
        got = agent.changes(seq)
        assert ("port_update", port["id"]) in [(c["kind"], c["id"]) for c in got["changes"]]
        seq = got["seq"]
    [d] = agent.details("tap" + port["id"][:11])
    assert d["port_security_enabled"] is False
    assert d["security_groups"] == [] and d["allowed_address_pairs"] == []


# --- Extensions ---------------------------------------------------------------------------

@pytest.mark.parametrize("alias,name", [
    ("port-security", "Port Security"),
    ("allowed-address-pairs", "Allowed Address Pairs"),
    ("port-security-groups-filtering", "Port filtering on security groups")])
def test_extensions_are_listed(api, alias, name):
    ext = api.ok(api.get("/v2.0/extensions/" + alias), 200)["extension"]
    assert ext["name"] == name and ext["alias"] == alias
    listed = api.ok(api.get("/v2.0/extensions"), 200)["extensions"]
    assert [e["alias"] for e in listed].count(alias) == 1


# --- Policy with tokens: admin, demo (member of demo), alt (member of alt), rdr (reader of
# demo), under the new defaults and under Zed's ---------------------------------------------

ACTORS = ("admin", "demo", "alt", "rdr")


def _cloud_net(cloud, owner, **attrs):
    r = cloud.api(owner).post(NETS, {"network": dict(name=uname("pol"), **attrs)})
    assert r.status_code == 201, r.text
    return r.json()["network"]


def _policy_case(cloud, actor, case):
    """Runs one case as 'actor'; returns the answer.  Cleans up as the admin."""
    admin = cloud.api("admin")
    shared = case.startswith("shared")
    net = _cloud_net(cloud, "admin" if shared else "demo", shared=shared)
    made = []
    try:
        api = cloud.api(actor)
        if case.endswith("create_ps"):
            r = api.post(PORTS, {"port": {"network_id": net["id"],
                                          "port_security_enabled": False}})
        elif case.endswith("create_pairs"):
            r = api.post(PORTS, {"port": {"network_id": net["id"], "allowed_address_pairs": [
                {"ip_address": "10.0.0.9"}, {"ip_address": "10.0.0.10",
                                             "mac_address": "fa:16:3e:00:00:07"}]}})
        else:
            owner = "demo" if actor in ("rdr", "alt") else actor
            r0 = cloud.api(owner).post(PORTS, {"port": {"network_id": net["id"]}})
            assert r0.status_code == 201, r0.text
            pid = r0.json()["port"]["id"]
            made.append(pid)
            attrs = ({"port_security_enabled": True} if case.endswith("update_ps")
                     else {"allowed_address_pairs": []})
            r = api.put("%s/%s" % (PORTS, pid), {"port": attrs})
        if r.status_code == 201:
            made.append(r.json()["port"]["id"])
        return r
    finally:
        for pid in made:
            admin.delete("%s/%s" % (PORTS, pid))
        admin.delete("%s/%s" % (NETS, net["id"]))


def _attr_rule(action, attr):
    return "(rule:%s and rule:%s:%s) is disallowed by policy" % (action, action, attr)


PAIRS_RULE = ("(rule:create_port and (rule:create_port:allowed_address_pairs and"
              " (rule:create_port:allowed_address_pairs:ip_address and"
              " rule:create_port:allowed_address_pairs:ip_address and"
              " rule:create_port:allowed_address_pairs:mac_address))) is disallowed by policy")
CREATE = "rule:create_port is disallowed by policy"
UPDATE = "rule:update_port is disallowed by policy"
# Per case: what each actor gets under the new defaults, then under Zed's (where any role
# of the network's project is its owner).  A code alone: success or a not-found.
POLICY = {
    "own_create_ps": ({"admin": 201, "demo": 201, "alt": 404, "rdr": (403, CREATE)},
                      {"admin": 201, "demo": 201, "alt": 404, "rdr": 201}),
    "own_create_pairs": ({"admin": 201, "demo": 201, "alt": 404, "rdr": (403, CREATE)},
                         {"admin": 201, "demo": 201, "alt": 404, "rdr": 201}),
    "own_update_ps": ({"admin": 200, "demo": 200, "alt": 404, "rdr": (403, UPDATE)},
                      {"admin": 200, "demo": 200, "alt": 404, "rdr": 200}),
    "own_update_pairs": ({"admin": 200, "demo": 200, "alt": 404, "rdr": (403, UPDATE)},
                         {"admin": 200, "demo": 200, "alt": 404, "rdr": 200}),
    "shared_create_ps": (
        {"admin": 201, "demo": (403, _attr_rule("create_port", "port_security_enabled")),
         "alt": (403, _attr_rule("create_port", "port_security_enabled")),
         "rdr": (403, CREATE)},
        {"admin": 201, "demo": (403, _attr_rule("create_port", "port_security_enabled")),
         "alt": (403, _attr_rule("create_port", "port_security_enabled")),
         "rdr": (403, _attr_rule("create_port", "port_security_enabled"))}),
    "shared_create_pairs": (
        {"admin": 201, "demo": (403, PAIRS_RULE), "alt": (403, PAIRS_RULE),
         "rdr": (403, CREATE)},
        {"admin": 201, "demo": (403, PAIRS_RULE), "alt": (403, PAIRS_RULE),
         "rdr": (403, PAIRS_RULE)}),
    "shared_update_ps": (
        {"admin": 200, "demo": (403, _attr_rule("update_port", "port_security_enabled")),
         "alt": 404, "rdr": (403, UPDATE)},
        {"admin": 200, "demo": (403, _attr_rule("update_port", "port_security_enabled")),
         "alt": 404, "rdr": (403, _attr_rule("update_port", "port_security_enabled"))}),
    "shared_update_pairs": (
        {"admin": 200, "demo": (403, _attr_rule("update_port", "allowed_address_pairs")),
         "alt": 404, "rdr": (403, UPDATE)},
        {"admin": 200, "demo": (403, _attr_rule("update_port", "allowed_address_pairs")),
         "alt": 404, "rdr": (403, _attr_rule("update_port", "allowed_address_pairs"))}),
}


@pytest.mark.own_server
@pytest.mark.parametrize("case", sorted(POLICY))
def test_policy_of_port_security_attributes(ks_server, ks_legacy, case):
    """port_security_enabled and allowed_address_pairs: the network's owner (or an admin)
    only; on an admin's shared network a member's port may have neither."""
    for cloud, want in zip((ks_server, ks_legacy), POLICY[case]):
        for actor in ACTORS:
            r = _policy_case(cloud, actor, case)
            expected = want[actor]
            if isinstance(expected, tuple):
                assert_error(r, expected[0], "PolicyNotAuthorized", expected[1])
            else:
                assert r.status_code == expected, (case, actor, cloud is ks_legacy, r.text)


# --- A database made before port security ------------------------------------------------

def test_ports_made_before_port_security_get_it_except_network_ports(start_server):
    """Schema 7 adds port security to a database of schema 6: the ports already there
    have it, the network's own ports do not."""
    from test_security_groups import run_sql
    srv = start_server()
    api = Api(srv.url)
    n = api.ok(api.post(NETS, {"network": {"name": uname("old")}}), 201)["network"]
    vm = api.ok(api.post(PORTS, {"port": {"network_id": n["id"]}}), 201)["port"]
    dhcp = api.ok(api.post(PORTS, {"port": {"network_id": n["id"],
                                            "device_owner": "network:dhcp"}}), 201)["port"]
    srv.stop()
    # Back to schema 6, with every port as it would have been: no column, no pairs (and
    # none of what later migrations add: they run again).
    for sql in ("ALTER TABLE ports DROP COLUMN port_security_enabled",
                "ALTER TABLE networks DROP COLUMN port_security_enabled",
                "DROP TABLE port_allowed_address_pairs",
                "DROP TABLE router_l3_agent_bindings", "DROP TABLE floatingips",
                "DROP TABLE router_ports", "DROP TABLE routers",
                "DROP INDEX subnets_subnetpool", "ALTER TABLE subnets DROP COLUMN subnetpool_id",
                "DROP TABLE subnetpools", "DROP TABLE address_scopes",
                "UPDATE schema_version SET version = 6"):
        run_sql(srv, sql)
    again = start_server(state_dir=srv.state)
    api = Api(again.url)
    assert api.show("networks", n["id"])["port_security_enabled"] is True
    got = api.show("ports", vm["id"])
    assert got["port_security_enabled"] is True
    assert got["security_groups"] == vm["security_groups"] and len(vm["security_groups"]) == 1
    assert api.show("ports", dhcp["id"])["port_security_enabled"] is False
    upd = api.update("ports", vm["id"], {"allowed_address_pairs": [{"ip_address": "10.0.0.1"}]})
    assert len(upd["allowed_address_pairs"]) == 1
