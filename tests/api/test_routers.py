"""Routers (docs/behaviour/api.md §14) and external networks: attributes, the external
gateway and its port, interfaces by subnet and by port, extra routes (extraroute and
extraroute-atomic), what router ports refuse, deletes, listing, tags and policy, with
Neutron Zed's status codes and error bodies.

Run against the real Zed with NEUTRINO_TEST_URL (its router plugin loaded); tests that
act as a project through noauth headers, or check a deliberate difference, are
neutrino-only."""

import concurrent.futures
import uuid

import pytest

from api_helpers import TIMESTAMP_RE, UUID_RE, Api, assert_error, bad_attr, uname

neutrino_only = pytest.mark.neutrino_only

R = "/v2.0/routers"
ROUTER_KEYS = {"id", "name", "tenant_id", "project_id", "admin_state_up", "status",
               "external_gateway_info", "description", "availability_zones", "distributed",
               "ha", "availability_zone_hints", "routes", "flavor_id", "tags", "created_at",
               "updated_at", "revision_number"}
INTERFACE_KEYS = {"id", "tenant_id", "port_id", "network_id", "subnet_id", "subnet_ids"}
EXT_CIDR = "203.0.113.0/24"


def member(project, roles="member"):
    return {"X-Project-Id": project, "X-Roles": roles}


class Routers:
    """Creates routers and deletes them (their interfaces first) when the test ends,
    before the networks they use go (the fixture depends on res)."""

    def __init__(self, api):
        self.api = api
        self.ids = []

    def create(self, expect=201, headers=None, **attrs):
        attrs.setdefault("name", uname("r"))
        r = self.api.post(R, {"router": attrs}, headers=headers)
        if r.status_code == 201:
            self.ids.append(r.json()["router"]["id"])
        if expect is None:
            return r
        return self.api.ok(r, expect)["router"]

    def update(self, rid, attrs, expect=200, headers=None):
        r = self.api.put("%s/%s" % (R, rid), {"router": attrs}, headers=headers)
        if expect is None:
            return r
        return self.api.ok(r, expect)["router"]

    def add(self, rid, expect=200, headers=None, **info):
        r = self.api.put("%s/%s/add_router_interface" % (R, rid), info, headers=headers)
        return r if expect is None else self.api.ok(r, expect)

    def remove(self, rid, expect=200, headers=None, **info):
        r = self.api.put("%s/%s/remove_router_interface" % (R, rid), info, headers=headers)
        return r if expect is None else self.api.ok(r, expect)

    def cleanup(self):
        for rid in reversed(self.ids):
            self.api.put("%s/%s" % (R, rid), {"router": {"routes": []}})
            ports = self.api.get("/v2.0/ports", params={
                "device_id": rid, "device_owner": "network:router_interface"}).json()
            for p in ports.get("ports", []):
                self.api.put("%s/%s/remove_router_interface" % (R, rid), {"port_id": p["id"]})
            self.api.delete("%s/%s" % (R, rid))


@pytest.fixture
def routers(api, res):
    r = Routers(api)
    yield r
    r.cleanup()


@pytest.fixture
def ext(res):
    """An external network and its subnet (no DHCP, gateway .1, pool .10-.200)."""
    net = res.network(**{"router:external": True})
    sub = res.subnet(net, EXT_CIDR, enable_dhcp=False, gateway_ip="203.0.113.1",
                     allocation_pools=[{"start": "203.0.113.10", "end": "203.0.113.200"}])
    return net, sub


def ports_of(api, device_id):
    return api.ok(api.get("/v2.0/ports", params={"device_id": device_id}), 200)["ports"]


def port_show(api, pid):
    return api.ok(api.get("/v2.0/ports/" + pid), 200)["port"]


# --- External networks --------------------------------------------------------------

def test_external_network_listed_by_router_external(api, ext):
    net, sub = ext
    nets = api.list("networks", {"router:external": "true"})
    found = [n for n in nets if n["id"] == net["id"]]
    assert found and found[0]["router:external"] is True
    assert found[0]["subnets"] == [sub["id"]]


@neutrino_only
def test_external_network_visible_to_every_project(api, ext):
    net, _ = ext
    other = member(uuid.uuid4().hex)
    listed = api.ok(api.get("/v2.0/networks", params={"router:external": "true"},
                            headers=other), 200)["networks"]
    assert net["id"] in {n["id"] for n in listed}
    shown = api.ok(api.get("/v2.0/networks/" + net["id"], headers=other), 200)["network"]
    assert shown["router:external"] is True
    # Visible, not writable: only admins set router:external.
    r = api.post("/v2.0/networks", {"network": {"name": uname(), "router:external": True}},
                 headers=other)
    assert_error(r, 403, "PolicyNotAuthorized",
                 "(rule:create_network and rule:create_network:router:external) is "
                 "disallowed by policy")


# --- Create, show, gateway ----------------------------------------------------------

def test_create_router_without_gateway(api, routers):
    r = routers.create(name="r1")
    assert set(r) == ROUTER_KEYS
    assert r["name"] == "r1" and r["admin_state_up"] is True and r["status"] == "ACTIVE"
    assert r["external_gateway_info"] is None and r["routes"] == []
    assert (r["distributed"], r["ha"], r["flavor_id"]) == (False, False, None)
    assert r["availability_zones"] == [] and r["availability_zone_hints"] == []
    assert r["tags"] == [] and r["description"] == "" and r["revision_number"] == 1
    assert UUID_RE.match(r["id"]) and TIMESTAMP_RE.match(r["created_at"])
    assert r["tenant_id"] == r["project_id"]
    assert api.show("routers", r["id"]) == r


def test_create_with_gateway_makes_gateway_port(api, routers, ext):
    net, sub = ext
    r = routers.create(external_gateway_info={"network_id": net["id"]})
    gw = r["external_gateway_info"]
    assert gw["network_id"] == net["id"] and gw["enable_snat"] is True
    assert [f["subnet_id"] for f in gw["external_fixed_ips"]] == [sub["id"]]
    assert r["revision_number"] == 3
    (port,) = ports_of(api, r["id"])
    assert port["device_owner"] == "network:router_gateway"
    assert port["project_id"] == "" and port["tenant_id"] == ""
    assert port["network_id"] == net["id"] and port["status"] == "DOWN"
    assert port["fixed_ips"] == gw["external_fixed_ips"]
    assert port["security_groups"] == [] and port["port_security_enabled"] is False
    assert port["binding:vif_type"] == "unbound" and port["binding:host_id"] == ""


def test_gateway_with_fixed_ip_and_no_snat(api, routers, ext):
    net, sub = ext
    info = {"network_id": net["id"], "enable_snat": False,
            "external_fixed_ips": [{"ip_address": "203.0.113.50"}]}
    r = routers.create(external_gateway_info=info)
    assert r["external_gateway_info"] == {
        "network_id": net["id"], "enable_snat": False,
        "external_fixed_ips": [{"subnet_id": sub["id"], "ip_address": "203.0.113.50"}]}
    again = routers.create(expect=None, external_gateway_info={
        "network_id": net["id"], "external_fixed_ips": [{"ip_address": "203.0.113.50"}]})
    assert_error(again, 409, "IpAddressAlreadyAllocated",
                 "IP address 203.0.113.50 already allocated in subnet %s" % sub["id"])


def test_gateway_errors(api, routers, res, ext):
    inner = res.network()
    r = routers.create(expect=None, external_gateway_info={"network_id": inner["id"]})
    assert_error(r, 400, "BadRequest", "Bad router request: Network %s is not an external"
                 " network." % inner["id"])
    unknown = str(uuid.uuid4())
    r = routers.create(expect=None, external_gateway_info={"network_id": unknown})
    assert_error(r, 404, "NetworkNotFound", "Network %s could not be found." % unknown)
    r = routers.create(expect=None, external_gateway_info={"enable_snat": True})
    assert_error(r, 400, "HTTPBadRequest", bad_attr(
        "external_gateway_info", "Validation of dictionary's keys failed. Expected keys:"
        " {'network_id'} Provided keys: {'enable_snat'}"))
    r = routers.create(expect=None, external_gateway_info={"network_id": "nope"})
    assert_error(r, 400, "HTTPBadRequest",
                 bad_attr("external_gateway_info", "'nope' is not a valid UUID"))
    r = routers.create(expect=None, external_gateway_info={"network_id": ext[0]["id"],
                                                           "color": "red"})
    assert_error(r, 400, "HTTPBadRequest",
                 bad_attr("external_gateway_info", "Unexpected keys supplied: color"))
    r = routers.create(expect=None, external_gateway_info={
        "network_id": ext[0]["id"], "external_fixed_ips": [{"ip_address": "203.0.113.1"}]})
    assert_error(r, 400, "BadRequest", "Bad router request: External IP 203.0.113.1 is the"
                 " same as the gateway IP.")
    r = routers.create(expect=None, routes=[])
    assert_error(r, 400, "HTTPBadRequest", "Attribute 'routes' not allowed in POST")


def test_set_change_and_clear_gateway(api, routers, ext):
    net, _ = ext
    r = routers.create(name="r1")
    r = routers.update(r["id"], {"external_gateway_info": {"network_id": net["id"]}})
    assert r["external_gateway_info"]["enable_snat"] is True and r["revision_number"] == 3
    ip = r["external_gateway_info"]["external_fixed_ips"]
    r = routers.update(r["id"], {"external_gateway_info": {"network_id": net["id"],
                                                           "enable_snat": False}})
    assert r["external_gateway_info"]["enable_snat"] is False
    assert r["external_gateway_info"]["external_fixed_ips"] == ip
    assert r["revision_number"] == 4
    assert len(ports_of(api, r["id"])) == 1
    r = routers.update(r["id"], {"external_gateway_info": {}})
    assert r["external_gateway_info"] is None and r["revision_number"] == 7
    assert ports_of(api, r["id"]) == []
    r = routers.update(r["id"], {"name": "r1b", "admin_state_up": False})
    assert (r["name"], r["admin_state_up"], r["status"]) == ("r1b", False, "ACTIVE")
    assert r["revision_number"] == 8


def test_gateway_external_ip_change_keeps_port(api, routers, ext):
    net, sub = ext
    r = routers.create(external_gateway_info={
        "network_id": net["id"], "external_fixed_ips": [{"ip_address": "203.0.113.60"}]})
    (before,) = ports_of(api, r["id"])
    r = routers.update(r["id"], {"external_gateway_info": {
        "network_id": net["id"], "external_fixed_ips": [{"ip_address": "203.0.113.61"}]}})
    assert r["external_gateway_info"]["external_fixed_ips"] == [
        {"subnet_id": sub["id"], "ip_address": "203.0.113.61"}]
    (after,) = ports_of(api, r["id"])
    assert after["id"] == before["id"]


# --- Interfaces -----------------------------------------------------------------------

@pytest.fixture
def inner(res):
    net = res.network()
    return net, res.subnet(net, "10.1.0.0/24")


def test_add_interface_by_subnet(api, routers, inner):
    net, sub = inner
    r = routers.create()
    info = routers.add(r["id"], subnet_id=sub["id"])
    assert set(info) == INTERFACE_KEYS
    assert (info["id"], info["network_id"], info["subnet_id"], info["subnet_ids"]) == (
        r["id"], net["id"], sub["id"], [sub["id"]])
    assert info["tenant_id"] == r["project_id"]
    port = port_show(api, info["port_id"])
    assert port["device_owner"] == "network:router_interface"
    assert port["device_id"] == r["id"] and port["status"] == "DOWN"
    assert port["fixed_ips"] == [{"subnet_id": sub["id"], "ip_address": "10.1.0.1"}]
    assert port["security_groups"] == [] and port["port_security_enabled"] is False
    assert port["project_id"] == r["project_id"]
    assert api.show("routers", r["id"])["revision_number"] == 2


def test_add_interface_errors(api, routers, res, inner, ext):
    net, sub = inner
    r = routers.create()
    other = routers.create()
    routers.add(r["id"], subnet_id=sub["id"])
    assert_error(routers.add(r["id"], expect=None, subnet_id=sub["id"]), 400, "BadRequest",
                 "Bad router request: Router already has a port on subnet %s." % sub["id"])
    assert_error(routers.add(other["id"], expect=None, subnet_id=sub["id"]), 409,
                 "IpAddressAlreadyAllocated",
                 "IP address 10.1.0.1 already allocated in subnet %s" % sub["id"])
    net2 = res.network()
    overlap = res.subnet(net2, "10.1.0.0/24")
    assert_error(routers.add(r["id"], expect=None, subnet_id=overlap["id"]), 400,
                 "BadRequest", "Bad router request: Cidr 10.1.0.0/24 of subnet %s overlaps"
                 " with cidr 10.1.0.0/24 of subnet %s." % (overlap["id"], sub["id"]))
    nogw = res.subnet(net2, "10.4.0.0/24", gateway_ip=None)
    assert_error(routers.add(other["id"], expect=None, subnet_id=nogw["id"]), 400,
                 "BadRequest",
                 "Bad router request: Subnet for router interface must have a gateway IP.")
    unknown = str(uuid.uuid4())
    assert_error(routers.add(unknown, expect=None, subnet_id=sub["id"]), 404, "RouterNotFound",
                 "Router %s could not be found" % unknown)
    assert_error(routers.add(other["id"], expect=None, subnet_id=unknown), 404,
                 "SubnetNotFound", "Subnet %s could not be found." % unknown)
    noip = res.port(net2, fixed_ips=[])
    assert_error(routers.add(other["id"], expect=None, subnet_id=sub["id"],
                             port_id=noip["id"]), 400, "BadRequest",
                 "Bad router request: Cannot specify both subnet-id and port-id.")
    assert_error(routers.add(other["id"], expect=None), 400, "BadRequest",
                 "Bad router request: Either subnet_id or port_id must be specified.")
    assert_error(routers.add(other["id"], expect=None, port_id=noip["id"]), 400, "BadRequest",
                 "Bad router request: Router port must have at least one fixed IP.")
    assert_error(routers.add(other["id"], expect=None, subnet_id="nope"), 400, "BadRequest",
                 "Bad router request: 'nope' is not a valid UUID.")


def test_external_subnet_as_interface_of_router_without_gateway(api, routers, ext):
    net, sub = ext
    r = routers.create()
    info = routers.add(r["id"], subnet_id=sub["id"])
    assert info["network_id"] == net["id"]
    assert port_show(api, info["port_id"])["fixed_ips"][0]["ip_address"] == "203.0.113.1"


def test_add_interface_by_port(api, routers, res):
    net = res.network()
    sub = res.subnet(net, "10.3.0.0/24")
    port = res.port(net, fixed_ips=[{"ip_address": "10.3.0.254"}])
    r = routers.create()
    other = routers.create()
    info = routers.add(r["id"], port_id=port["id"])
    assert info == {"id": r["id"], "tenant_id": port["project_id"], "port_id": port["id"],
                    "network_id": net["id"], "subnet_id": sub["id"], "subnet_ids": [sub["id"]]}
    after = port_show(api, port["id"])
    assert after["device_owner"] == "network:router_interface"
    assert after["device_id"] == r["id"]
    # The port keeps what it had: its groups and port security.
    assert after["security_groups"] == port["security_groups"]
    assert after["port_security_enabled"] is True
    assert_error(routers.add(other["id"], expect=None, port_id=port["id"]), 409, "PortInUse",
                 "Unable to complete operation on port %s for network %s. Port already has an"
                 " attached device %s." % (port["id"], net["id"], r["id"]))
    # Removing it by port deletes the port.
    out = routers.remove(r["id"], port_id=port["id"])
    assert out == info
    assert_error(api.get("/v2.0/ports/" + port["id"]), 404, "PortNotFound")


def test_router_ports_cannot_be_deleted_through_the_port_api(api, routers, inner, ext):
    _, sub = inner
    r = routers.create(external_gateway_info={"network_id": ext[0]["id"]})
    info = routers.add(r["id"], subnet_id=sub["id"])
    assert_error(api.delete("/v2.0/ports/" + info["port_id"]), 409, "ServicePortInUse",
                 "Port %s cannot be deleted directly via the port API: has device owner"
                 " network:router_interface." % info["port_id"])
    (gw,) = [p for p in ports_of(api, r["id"]) if p["device_owner"] == "network:router_gateway"]
    assert_error(api.delete("/v2.0/ports/" + gw["id"]), 409, "ServicePortInUse",
                 "Port %s cannot be deleted directly via the port API: has device owner"
                 " network:router_gateway." % gw["id"])


def test_remove_interface(api, routers, inner):
    net, sub = inner
    r = routers.create()
    info = routers.add(r["id"], subnet_id=sub["id"])
    assert routers.remove(r["id"], subnet_id=sub["id"]) == info
    assert_error(api.get("/v2.0/ports/" + info["port_id"]), 404, "PortNotFound")
    assert_error(routers.remove(r["id"], expect=None, subnet_id=sub["id"]), 404,
                 "RouterInterfaceNotFoundForSubnet",
                 "Router %s has no interface on subnet %s" % (r["id"], sub["id"]))
    unknown = str(uuid.uuid4())
    assert_error(routers.remove(r["id"], expect=None, port_id=unknown), 404,
                 "RouterInterfaceNotFound",
                 "Router %s does not have an interface with id %s" % (r["id"], unknown))
    assert api.show("routers", r["id"])["revision_number"] == 3


def test_remove_interface_by_port_with_other_subnet(api, routers, inner, res):
    net, sub = inner
    r = routers.create()
    info = routers.add(r["id"], subnet_id=sub["id"])
    other = res.subnet(net, "10.9.0.0/24")
    assert_error(routers.remove(r["id"], expect=None, port_id=info["port_id"],
                                subnet_id=other["id"]), 400, "SubnetMismatchForPort",
                 "Subnet on port %s does not match the requested subnet %s."
                 % (info["port_id"], other["id"]))


# --- Deleting what routers use ----------------------------------------------------------

def test_delete_router(api, routers, res, inner, ext):
    net, sub = inner
    net3 = res.network()
    sub3 = res.subnet(net3, "10.3.0.0/24")
    r = routers.create(external_gateway_info={"network_id": ext[0]["id"]})
    a = routers.add(r["id"], subnet_id=sub["id"])
    b = routers.add(r["id"], subnet_id=sub3["id"])
    ids = sorted([a["port_id"], b["port_id"]])
    assert_error(api.delete("%s/%s" % (R, r["id"])), 409, "RouterInUse",
                 "Router %s has ports still attached: %s" % (r["id"], ", ".join(ids)))
    assert_error(api.delete("/v2.0/subnets/" + sub["id"]), 409, "SubnetInUse")
    assert_error(api.delete("/v2.0/networks/" + net["id"]), 409, "NetworkInUse",
                 "Unable to complete operation on network %s. There are one or more ports"
                 " still in use on the network, id for these ports is: %s."
                 % (net["id"], a["port_id"]))
    routers.remove(r["id"], subnet_id=sub["id"])
    routers.remove(r["id"], port_id=b["port_id"])
    assert api.delete("%s/%s" % (R, r["id"])).status_code == 204
    assert ports_of(api, r["id"]) == []
    assert_error(api.get("%s/%s" % (R, r["id"])), 404, "RouterNotFound",
                 "Router %s could not be found" % r["id"])


def test_external_network_with_gateway_cannot_go(api, routers, ext):
    net, _ = ext
    r = routers.create(external_gateway_info={"network_id": net["id"]})
    (gw,) = ports_of(api, r["id"])
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {"router:external": False}})
    assert_error(resp, 409, "ExternalNetworkInUse", "External network %s cannot be updated to"
                 " be made non-external, since it has existing gateway ports." % net["id"])
    assert_error(api.delete("/v2.0/networks/" + net["id"]), 409, "NetworkInUse",
                 "Unable to complete operation on network %s. There are one or more ports"
                 " still in use on the network, id for these ports is: %s."
                 % (net["id"], gw["id"]))


# --- Extra routes -------------------------------------------------------------------------

def test_extra_routes(api, routers, res, inner, ext):
    net, sub = inner
    net3 = res.network()
    sub3 = res.subnet(net3, "10.3.0.0/24")
    r = routers.create(external_gateway_info={"network_id": ext[0]["id"]})
    routers.add(r["id"], subnet_id=sub["id"])
    b = routers.add(r["id"], subnet_id=sub3["id"])
    first = {"destination": "192.168.100.0/24", "nexthop": "10.1.0.50"}
    got = routers.update(r["id"], {"routes": [first]})
    assert got["routes"] == [first] and got["revision_number"] == 6
    bad = [{"destination": "192.168.101.0/24", "nexthop": "10.200.0.1"}]
    assert_error(routers.update(r["id"], {"routes": bad}, expect=None), 400, "InvalidRoutes",
                 "Invalid format for routes: [{'destination': '192.168.101.0/24', 'nexthop':"
                 " '10.200.0.1'}], the nexthop is not connected with router")
    own = [{"destination": "192.168.101.0/24", "nexthop": "10.1.0.1"}]
    assert_error(routers.update(r["id"], {"routes": own}, expect=None), 400, "InvalidRoutes",
                 "Invalid format for routes: [{'destination': '192.168.101.0/24', 'nexthop':"
                 " '10.1.0.1'}], the nexthop is used by router")
    cidr = [{"destination": "192.168.101.0/33", "nexthop": "10.1.0.50"}]
    assert_error(routers.update(r["id"], {"routes": cidr}, expect=None), 400, "HTTPBadRequest",
                 bad_attr("routes", "'192.168.101.0/33' is not a valid CIDR"))
    second = {"destination": "192.168.102.0/24", "nexthop": "10.3.0.7"}
    resp = api.put("%s/%s/add_extraroutes" % (R, r["id"]), {"router": {"routes": [second]}})
    added = api.ok(resp, 200)["router"]
    assert added["routes"] == [first, second] and added["revision_number"] == 7
    (gw,) = [p for p in ports_of(api, r["id"]) if p["device_owner"] == "network:router_gateway"]
    # Zed's extraroute-atomic answers show two internal attributes too.
    assert added["gw_port_id"] == gw["id"] and added["ha_vr_id"] == 0
    resp = api.put("%s/%s/remove_extraroutes" % (R, r["id"]), {"router": {"routes": [first]}})
    assert api.ok(resp, 200)["router"]["routes"] == [second]
    assert_error(routers.remove(r["id"], expect=None, port_id=b["port_id"]), 409,
                 "RouterInterfaceInUseByRoute",
                 "Router interface for subnet %s on router %s cannot be deleted, as it is"
                 " required by one or more routes." % (sub3["id"], r["id"]))
    shown = api.show("routers", r["id"])
    assert shown["routes"] == [second] and shown["revision_number"] == 8
    assert routers.update(r["id"], {"routes": []})["routes"] == []
    # Through the gateway's subnet too.
    via_ext = {"destination": "198.51.100.0/24", "nexthop": "203.0.113.9"}
    assert routers.update(r["id"], {"routes": [via_ext]})["routes"] == [via_ext]


@neutrino_only
def test_too_many_routes(api, routers, inner):
    _, sub = inner
    r = routers.create()
    routers.add(r["id"], subnet_id=sub["id"])
    routes = [{"destination": "192.168.%d.0/24" % i, "nexthop": "10.1.0.9"} for i in range(31)]
    assert_error(routers.update(r["id"], {"routes": routes}, expect=None), 400,
                 "RoutesExhausted", "Unable to complete operation for %s. The number of routes"
                 " exceeds the maximum 30." % r["id"])


# --- Listing and tags ----------------------------------------------------------------------

def test_list_filters_fields_sort_and_pages(api, routers):
    tag = uname("grp")
    made = [routers.create(name="%s-%d" % (tag, i), admin_state_up=i != 1) for i in range(3)]
    for r in made:
        assert api.put("%s/%s/tags/%s" % (R, r["id"], tag)).status_code == 201
    listed = api.list("routers", {"tags": tag, "sort_key": "name", "sort_dir": "desc"})
    assert [r["name"] for r in listed] == ["%s-2" % tag, "%s-1" % tag, "%s-0" % tag]
    assert all(r["tags"] == [tag] for r in listed)
    down = api.list("routers", {"tags": tag, "admin_state_up": "false"})
    assert [r["id"] for r in down] == [made[1]["id"]]
    only = api.list("routers", {"name": "%s-0" % tag, "fields": ["id", "name"]})
    assert only == [{"id": made[0]["id"], "name": "%s-0" % tag}]
    page = api.ok(api.get(R, params={"tags": tag, "limit": 2, "sort_key": "name",
                                     "sort_dir": "asc"}), 200)
    assert [r["name"] for r in page["routers"]] == ["%s-0" % tag, "%s-1" % tag]
    assert any(link["rel"] == "next" for link in page["routers_links"])
    assert api.show("routers", made[0]["id"])["revision_number"] == 2


# --- Policy -------------------------------------------------------------------------------

@neutrino_only
def test_member_policy(api, routers, ext, res):
    net, _ = ext
    project = uuid.uuid4().hex
    mine, other = member(project), member(uuid.uuid4().hex)
    r = routers.create(headers=mine, external_gateway_info={"network_id": net["id"]})
    assert r["project_id"] == project and r["external_gateway_info"]["enable_snat"] is True
    assert "distributed" not in r and "ha" not in r
    assert_error(api.get("%s/%s" % (R, r["id"]), headers=other), 404, "RouterNotFound")
    assert_error(api.put("%s/%s" % (R, r["id"]), {"router": {"name": "x"}}, headers=other),
                 404, "RouterNotFound")
    assert r["id"] not in {x["id"] for x in api.ok(api.get(R, headers=other), 200)["routers"]}
    reader = member(project, "reader")
    assert api.ok(api.get("%s/%s" % (R, r["id"]), headers=reader), 200)
    assert_error(api.put("%s/%s" % (R, r["id"]), {"router": {"name": "x"}}, headers=reader),
                 403, "PolicyNotAuthorized", "rule:update_router is disallowed by policy")
    assert_error(routers.create(expect=None, headers=reader), 403, "PolicyNotAuthorized",
                 "rule:create_router is disallowed by policy")
    r2 = routers.create(expect=None, headers=mine, external_gateway_info={
        "network_id": net["id"], "enable_snat": False})
    assert_error(r2, 403, "PolicyNotAuthorized",
                 "(rule:create_router and (rule:create_router:external_gateway_info and"
                 " (rule:create_router:external_gateway_info:network_id and"
                 " rule:create_router:external_gateway_info:enable_snat))) is disallowed by"
                 " policy")
    r3 = routers.update(r["id"], {"external_gateway_info": {
        "network_id": net["id"], "external_fixed_ips": [{"ip_address": "203.0.113.99"}]}},
        expect=None, headers=mine)
    assert_error(r3, 403, "PolicyNotAuthorized",
                 "(rule:update_router and (rule:update_router:external_gateway_info and"
                 " (rule:update_router:external_gateway_info:network_id and"
                 " rule:update_router:external_gateway_info:external_fixed_ips))) is"
                 " disallowed by policy")
    # A member attaches its own subnet, not another project's.
    own_net = api.ok(api.post("/v2.0/networks", {"network": {"name": uname()}}, headers=mine),
                     201)["network"]
    res.track("networks", own_net["id"])
    own_sub = api.ok(api.post("/v2.0/subnets", {"subnet": {
        "network_id": own_net["id"], "cidr": "10.20.0.0/24", "ip_version": 4}},
        headers=mine), 201)["subnet"]
    res.track("subnets", own_sub["id"])
    info = routers.add(r["id"], headers=mine, subnet_id=own_sub["id"])
    assert info["tenant_id"] == project
    foreign = res.subnet(res.network(shared=True), "10.21.0.0/24")
    assert_error(routers.add(r["id"], expect=None, headers=mine, subnet_id=foreign["id"]),
                 400, "BadRequest", "Bad router request: Cannot add interface to router"
                 " because subnet %s is not owned by project making the request."
                 % foreign["id"])
    assert_error(routers.add(r["id"], expect=None, headers=other, subnet_id=own_sub["id"]),
                 404, "RouterNotFound")
    routers.remove(r["id"], headers=mine, subnet_id=own_sub["id"])


# --- Concurrency ----------------------------------------------------------------------------

@neutrino_only  # Zed on SQLite answers 500 (database locked) to some of the racers.
def test_racing_interface_adds_make_one_port(api, routers, inner):
    net, sub = inner
    r = routers.create()

    def add(_):
        return api.put("%s/%s/add_router_interface" % (R, r["id"]), {"subnet_id": sub["id"]})

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(add, range(4)))
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400]
    ports = [p for p in ports_of(api, r["id"]) if p["network_id"] == net["id"]]
    assert len(ports) == 1


def test_extensions_listed(api):
    aliases = {e["alias"] for e in api.ok(api.get("/v2.0/extensions"), 200)["extensions"]}
    assert {"router", "ext-gw-mode", "extraroute", "extraroute-atomic",
            "external-net"} <= aliases


# --- The agents' change feed ------------------------------------------------------------

@pytest.fixture(scope="module")
def feed_srv(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    s = NeutrinoServer(tmp_path_factory.mktemp("neutrino-routers"))
    s.start()
    yield s
    check_clean_exit(s, s.stop())


@pytest.mark.own_server
def test_router_ports_reach_the_dhcp_agent(feed_srv):
    """Router ports are ordinary ports to the DHCP agent hosting their network: it hears
    of an interface port made and removed, and can read it."""
    from test_dhcp_scheduling import network_with_subnet, node
    srv = feed_srv
    api = Api(srv.url)
    _, dhcp = node(srv)
    net, subnet = network_with_subnet(srv, "172.16.9.0/24")
    dhcp.network(net["id"])
    seq = dhcp.changes(0)["seq"]
    r = api.ok(api.post(R, {"router": {"name": uname("r")}}), 201)["router"]
    info = api.ok(api.put("%s/%s/add_router_interface" % (R, r["id"]),
                          {"subnet_id": subnet["id"]}), 200)
    (port,) = dhcp.ports(net["id"], [info["port_id"]])
    assert port["device_owner"] == "network:router_interface"
    api.ok(api.put("%s/%s/remove_router_interface" % (R, r["id"]),
                   {"subnet_id": subnet["id"]}), 200)
    heard = [c["id"] for c in dhcp.changes(seq)["changes"] if c["kind"] == "dhcp_port"]
    assert heard == [info["port_id"]] * 2
    assert dhcp.ports(net["id"], [info["port_id"]]) == []
    assert api.delete("%s/%s" % (R, r["id"])).status_code == 204


# --- Less travelled paths, checked against Zed too -------------------------------------

def test_gateway_move_keeps_routes_reachable(api, routers, res, ext):
    net, _ = ext
    other = res.network(**{"router:external": True})
    res.subnet(other, "198.19.0.0/24", enable_dhcp=False)
    r = routers.create(external_gateway_info={"network_id": net["id"]})
    route = {"destination": "1.2.3.0/24", "nexthop": "203.0.113.5"}
    routers.update(r["id"], {"routes": [route]})
    moved = routers.update(r["id"], {"external_gateway_info": {"network_id": other["id"]}},
                           expect=None)
    assert_error(moved, 400, "InvalidRoutes")
    # Clearing the gateway is not checked (Zed keeps the route).
    cleared = routers.update(r["id"], {"external_gateway_info": None})
    assert cleared["external_gateway_info"] is None and cleared["routes"] == [route]


def test_add_extraroutes_counts_a_repeated_route_once(api, routers, ext):
    r = routers.create(external_gateway_info={"network_id": ext[0]["id"]})
    route = {"destination": "1.2.3.0/24", "nexthop": "203.0.113.5"}
    resp = api.put("%s/%s/add_extraroutes" % (R, r["id"]), {"router": {"routes": [route, route]}})
    assert api.ok(resp, 200)["router"]["routes"] == [route]
    resp = api.put("%s/%s/remove_extraroutes" % (R, r["id"]),
                   {"router": {"routes": [route, route]}})
    assert api.ok(resp, 200)["router"]["routes"] == []


def test_distributed_and_ha_false_accepted(api, routers):
    r = routers.create(distributed=False, ha=False)
    assert (r["distributed"], r["ha"]) == (False, False)
    assert routers.update(r["id"], {"ha": False})["ha"] is False


def test_interface_body_checks(api, routers, res, inner, ext):
    _, sub = inner
    r = routers.create(external_gateway_info={"network_id": ext[0]["id"]})
    assert_error(routers.add(r["id"], expect=None, subnet_id=5), 400, "BadRequest",
                 "Bad router request: '5' is not a valid UUID.")
    assert_error(routers.remove(r["id"], expect=None), 400, "BadRequest",
                 "Bad router request: Either subnet_id or port_id must be specified.")
    (gw,) = ports_of(api, r["id"])
    assert_error(routers.add(r["id"], expect=None, port_id=gw["id"]), 409, "PortInUse")
    assert_error(routers.remove(r["id"], expect=None, port_id=gw["id"]), 404,
                 "RouterInterfaceNotFound", "Router %s does not have an interface with id %s"
                 % (r["id"], gw["id"]))
    info = routers.add(r["id"], subnet_id=sub["id"])
    assert routers.remove(r["id"], port_id=info["port_id"], subnet_id=sub["id"]) == info
    for bad, why in (([1], "'[1]' is not a dictionary"), ("x", "'x' is not a dictionary")):
        resp = routers.update(r["id"], {"external_gateway_info": bad}, expect=None)
        assert_error(resp, 400, "HTTPBadRequest", bad_attr("external_gateway_info", why))
    resp = routers.update(r["id"], {"external_gateway_info": {
        "network_id": ext[0]["id"], "enable_snat": "maybe"}}, expect=None)
    assert_error(resp, 400, "InvalidInput",
                 "Invalid input for operation: 'maybe' cannot be converted to boolean.")
    resp = routers.update(r["id"], {"external_gateway_info": {
        "network_id": ext[0]["id"], "external_fixed_ips": [{"ip_address": "10.9.9.9"}]}},
        expect=None)
    assert_error(resp, 400, "InvalidIpForNetwork", "IP address 10.9.9.9 is not a valid IP for"
                 " any of the subnets on the specified network.")
    for key in ("status", "flavor_id", "external_gateway_info"):
        assert_error(api.get(R, params={key: "x"}), 400, "HTTPBadRequest",
                     "['%s'] is invalid attribute for filtering" % key)
    assert_error(api.put(R, {"router": {}}), 404, "RouterNotFound",
                 "Router None could not be found")


@neutrino_only  # Zed answers 500 to a body without "router", AddrFormatError to a bad CIDR.
def test_extraroutes_body_checks(api, routers):
    r = routers.create()
    resp = api.put("%s/%s/add_extraroutes" % (R, r["id"]), {"routes": []})
    assert_error(resp, 400, "HTTPBadRequest")
    resp = api.put("%s/%s/add_extraroutes" % (R, r["id"]), {"router": {"routes": [
        {"destination": "1.2.3.0/33", "nexthop": "10.0.0.1"}]}})
    assert_error(resp, 400, "HTTPBadRequest",
                 bad_attr("routes", "'1.2.3.0/33' is not a valid CIDR"))


@neutrino_only  # Zed makes such routers (with no agent to run them).
def test_distributed_router_refused(api, routers):
    assert_error(routers.create(expect=None, distributed=True), 400, "BadRequest")
    assert_error(routers.create(expect=None, headers=member(uuid.uuid4().hex), ha=False), 403,
                 "PolicyNotAuthorized",
                 "(rule:create_router and rule:create_router:ha) is disallowed by policy")


@pytest.mark.own_server
def test_zed_rules_let_any_role_of_the_owner_write(start_server):
    srv = start_server({"neutron.conf": {"oslo_policy": {"enforce_new_defaults": "false"},
                                         "DEFAULT": {"enable_snat_by_default": "false",
                                                     "max_routes": "1"}}})
    api = Api(srv.url)
    project = uuid.uuid4().hex
    reader = member(project, "reader")
    r = api.ok(api.post(R, {"router": {"name": uname()}}, headers=reader), 201)["router"]
    renamed = api.ok(api.put("%s/%s" % (R, r["id"]), {"router": {"name": "x"}},
                             headers=reader), 200)["router"]
    assert renamed["name"] == "x"
    other = member(uuid.uuid4().hex, "reader")
    assert_error(api.get("%s/%s" % (R, r["id"]), headers=other), 404, "RouterNotFound")
    # The options: no SNAT unless asked, and one route at most.
    ext = api.ok(api.post("/v2.0/networks", {"network": {"name": uname(),
                                                         "router:external": True}}), 201)
    net_id = ext["network"]["id"]
    api.ok(api.post("/v2.0/subnets", {"subnet": {"network_id": net_id, "ip_version": 4,
                                                 "cidr": "192.0.2.0/24"}}), 201)
    gw = api.ok(api.put("%s/%s" % (R, r["id"]), {"router": {"external_gateway_info": {
        "network_id": net_id}}}), 200)["router"]["external_gateway_info"]
    assert gw["enable_snat"] is False
    routes = [{"destination": "10.%d.0.0/16" % i, "nexthop": "192.0.2.9"} for i in range(2)]
    assert_error(api.put("%s/%s" % (R, r["id"]), {"router": {"routes": routes}}), 400,
                 "RoutesExhausted")
    assert api.delete("%s/%s" % (R, r["id"]), headers=reader).status_code == 204
