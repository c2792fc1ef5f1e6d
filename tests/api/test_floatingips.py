"""Floating IPs (docs/behaviour/api.md §15): the address and its network:floatingip
port, association with a port through the router that joins its subnet to the external
network, port_details, what an association stops (removing the router's gateway or
interface), and the disassociation a port's delete brings, with Zed's status codes and
error bodies.  Run against the real Zed with NEUTRINO_TEST_URL."""

import uuid

import pytest

from api_helpers import TIMESTAMP_RE, UUID_RE, assert_error, uname
from test_routers import R, Routers, member

FIP = "/v2.0/floatingips"
FIP_KEYS = {"id", "tenant_id", "project_id", "floating_ip_address", "floating_network_id",
            "router_id", "port_id", "fixed_ip_address", "status", "description",
            "port_details", "tags", "created_at", "updated_at", "revision_number"}
DETAIL_KEYS = {"name", "network_id", "mac_address", "admin_state_up", "status", "device_id",
               "device_owner"}


class Fips:
    def __init__(self, api):
        self.api = api
        self.ids = []

    def create(self, expect=201, headers=None, **attrs):
        r = self.api.post(FIP, {"floatingip": attrs}, headers=headers)
        if r.status_code == 201:
            self.ids.append(r.json()["floatingip"]["id"])
        if expect is None:
            return r
        return self.api.ok(r, expect)["floatingip"]

    def update(self, fid, attrs, expect=200):
        r = self.api.put("%s/%s" % (FIP, fid), {"floatingip": attrs})
        return r if expect is None else self.api.ok(r, expect)["floatingip"]

    def cleanup(self):
        for fid in self.ids:
            self.api.delete("%s/%s" % (FIP, fid))


@pytest.fixture
def fips(api, routers):
    f = Fips(api)
    yield f
    f.cleanup()


@pytest.fixture
def routers(api, res):
    r = Routers(api)
    yield r
    r.cleanup()


@pytest.fixture
def topo(api, res, routers):
    """An external network 203.0.113.0/24, an inner network 10.1.0.0/24 joined to it by
    a router, and a port on the inner network."""
    ext = res.network(**{"router:external": True})
    ext_sub = res.subnet(ext, "203.0.113.0/24", enable_dhcp=False, gateway_ip="203.0.113.1",
                         allocation_pools=[{"start": "203.0.113.10",
                                            "end": "203.0.113.200"}])
    net = res.network()
    sub = res.subnet(net, "10.1.0.0/24")
    r = routers.create(external_gateway_info={"network_id": ext["id"]})
    routers.add(r["id"], subnet_id=sub["id"])
    port = res.port(net, name="p-default", fixed_ips=[{"ip_address": "10.1.0.199"}])
    return {"ext": ext, "ext_sub": ext_sub, "net": net, "sub": sub, "router": r,
            "port": port}


def test_create_without_port(api, fips, topo):
    f = fips.create(floating_network_id=topo["ext"]["id"])
    assert set(f) == FIP_KEYS
    assert (f["router_id"], f["port_id"], f["fixed_ip_address"], f["port_details"]) == (
        None, None, None, None)
    assert f["status"] == "DOWN" and f["revision_number"] == 0 and f["description"] == ""
    assert f["floating_network_id"] == topo["ext"]["id"]
    assert f["floating_ip_address"].startswith("203.0.113.")
    assert UUID_RE.match(f["id"]) and TIMESTAMP_RE.match(f["created_at"])
    assert api.show("floatingips", f["id"]) == f
    (port,) = api.list("ports", {"device_id": f["id"]})
    assert port["device_owner"] == "network:floatingip" and port["status"] == "N/A"
    assert port["project_id"] == "" and port["fixed_ips"] == [
        {"subnet_id": topo["ext_sub"]["id"], "ip_address": f["floating_ip_address"]}]
    assert_error(api.delete("/v2.0/ports/" + port["id"]), 409, "ServicePortInUse",
                 "Port %s cannot be deleted directly via the port API: has device owner"
                 " network:floatingip." % port["id"])
    assert api.delete("%s/%s" % (FIP, f["id"])).status_code == 204
    assert api.list("ports", {"device_id": f["id"]}) == []
    assert_error(api.delete("%s/%s" % (FIP, f["id"])), 404, "FloatingIPNotFound",
                 "Floating IP %s could not be found" % f["id"])


def test_create_with_port(api, fips, topo):
    port = topo["port"]
    f = fips.create(floating_network_id=topo["ext"]["id"], port_id=port["id"])
    assert (f["router_id"], f["port_id"], f["fixed_ip_address"]) == (
        topo["router"]["id"], port["id"], "10.1.0.199")
    assert f["port_details"] == {
        "name": "p-default", "network_id": topo["net"]["id"],
        "mac_address": port["mac_address"], "admin_state_up": True, "status": "DOWN",
        "device_id": "", "device_owner": ""}
    again = fips.create(expect=None, floating_network_id=topo["ext"]["id"], port_id=port["id"])
    err = assert_error(again, 409, "FloatingIPPortAlreadyAssociated")
    assert err["message"].endswith(
        "with port %s using fixed IP 10.1.0.199, as that fixed IP already has a floating IP"
        " on external network %s." % (port["id"], topo["ext"]["id"]))
    assert err["message"].startswith("Cannot associate floating IP 203.0.113.")
    # The router cannot lose what the floating IP goes through.
    r = topo["router"]
    assert_error(api.put("%s/%s" % (R, r["id"]), {"router": {"external_gateway_info": {}}}),
                 409, "RouterExternalGatewayInUseByFloatingIp",
                 "Gateway cannot be updated for router %s, since a gateway to external"
                 " network %s is required by one or more floating IPs."
                 % (r["id"], topo["ext"]["id"]))
    assert_error(api.put("%s/%s/remove_router_interface" % (R, r["id"]),
                         {"subnet_id": topo["sub"]["id"]}), 409,
                 "RouterInterfaceInUseByFloatingIP",
                 "Router interface for subnet %s on router %s cannot be deleted, as it is"
                 " required by one or more floating IPs." % (topo["sub"]["id"], r["id"]))
    # Deleting the port ends the association, not the floating IP.
    assert api.delete("/v2.0/ports/" + port["id"]).status_code == 204
    after = api.show("floatingips", f["id"])
    assert (after["port_id"], after["router_id"], after["fixed_ip_address"],
            after["port_details"]) == (None, None, None, None)
    assert after["revision_number"] == 1


def test_chosen_address(api, fips, topo):
    f = fips.create(floating_network_id=topo["ext"]["id"], floating_ip_address="203.0.113.77",
                    description="chosen")
    assert f["floating_ip_address"] == "203.0.113.77" and f["description"] == "chosen"
    again = fips.create(expect=None, floating_network_id=topo["ext"]["id"],
                        floating_ip_address="203.0.113.77")
    assert_error(again, 409, "IpAddressAlreadyAllocated", "IP address 203.0.113.77 already"
                 " allocated in subnet %s" % topo["ext_sub"]["id"])


def test_create_errors(api, fips, topo, res):
    r = fips.create(expect=None, floating_network_id=topo["net"]["id"])
    assert_error(r, 400, "BadRequest", "Bad floatingip request: Network %s is not a valid"
                 " external network." % topo["net"]["id"])
    assert_error(fips.create(expect=None), 400, "HTTPBadRequest", "Failed to parse request."
                 " Required attribute 'floating_network_id' not specified")
    unknown = str(uuid.uuid4())
    assert_error(fips.create(expect=None, floating_network_id=unknown), 404, "NetworkNotFound",
                 "Network %s could not be found." % unknown)
    net2 = res.network()
    sub2 = res.subnet(net2, "10.1.0.0/24")
    unrouted = res.port(net2)
    r = fips.create(expect=None, floating_network_id=topo["ext"]["id"], port_id=unrouted["id"])
    assert_error(r, 404, "ExternalGatewayForFloatingIPNotFound", "External network %s is not"
                 " reachable from subnet %s.  Therefore, cannot associate Port %s with a"
                 " Floating IP." % (topo["ext"]["id"], sub2["id"], unrouted["id"]))


def test_associate_and_disassociate(api, fips, topo, res):
    f = fips.create(floating_network_id=topo["ext"]["id"])
    two = res.port(topo["net"], fixed_ips=[{"ip_address": "10.1.0.21"},
                                           {"ip_address": "10.1.0.22"}])
    assert_error(fips.update(f["id"], {"port_id": two["id"]}, expect=None), 400, "BadRequest",
                 "Bad floatingip request: Port %s has multiple fixed IPv4 addresses.  Must"
                 " provide a specific IPv4 address when assigning a floating IP." % two["id"])
    assert_error(fips.update(f["id"], {"port_id": two["id"], "fixed_ip_address": "10.1.0.99"},
                             expect=None), 400, "BadRequest",
                 "Bad floatingip request: Port %s does not have fixed ip 10.1.0.99." % two["id"])
    got = fips.update(f["id"], {"port_id": two["id"], "fixed_ip_address": "10.1.0.22"})
    assert (got["port_id"], got["fixed_ip_address"], got["router_id"]) == (
        two["id"], "10.1.0.22", topo["router"]["id"])
    assert got["revision_number"] == 1 and got["port_details"]["name"] == two["name"]
    got = fips.update(f["id"], {"port_id": None})
    assert (got["port_id"], got["fixed_ip_address"], got["router_id"], got["port_details"]) == (
        None, None, None, None)
    assert got["revision_number"] == 2
    # A router interface port is accepted, as Zed does.
    (rif,) = api.list("ports", {"device_id": topo["router"]["id"],
                                "device_owner": "network:router_interface"})
    got = fips.update(f["id"], {"port_id": rif["id"]})
    assert got["fixed_ip_address"] == "10.1.0.1"
    assert got["port_details"]["device_owner"] == "network:router_interface"
    fips.update(f["id"], {"port_id": None})
    assert_error(fips.update(f["id"], {"fixed_ip_address": "10.1.0.22"}, expect=None), 400,
                 "BadRequest", "Bad floatingip request: fixed_ip_address cannot be specified"
                 " without a port_id.")
    # Every update counts, even one that changes nothing (as in Zed).
    before = api.show("floatingips", f["id"])["revision_number"]
    assert fips.update(f["id"], {})["revision_number"] == before + 1
    assert fips.update(f["id"], {"description": "d"})["description"] == "d"


def test_blank_update_disassociates_and_other_updates_do_not(api, fips, topo, res):
    """An update naming no attribute clears the association (the API's first form of
    disassociation, which Zed keeps); one naming only a description leaves it."""
    port = res.port(topo["net"])
    f = fips.create(floating_network_id=topo["ext"]["id"], port_id=port["id"])
    got = fips.update(f["id"], {"description": "kept"})
    assert (got["port_id"], got["description"]) == (port["id"], "kept")
    got = fips.update(f["id"], {})
    assert (got["port_id"], got["fixed_ip_address"], got["router_id"]) == (None, None, None)
    assert got["description"] == "kept"
    assert api.show("floatingips", f["id"])["port_id"] is None


def test_association_body_checks(api, fips, topo, res):
    f = fips.create(floating_network_id=topo["ext"]["id"])
    sub6 = res.subnet(topo["net"], "fd00:77::/64")
    p6 = res.port(topo["net"], fixed_ips=[{"subnet_id": sub6["id"]}])
    assert_error(fips.update(f["id"], {"port_id": p6["id"]}, expect=None), 400, "BadRequest",
                 "Bad floatingip request: Cannot add floating IP to port %s that has no fixed"
                 " IPv4 addresses." % p6["id"])
    v6 = p6["fixed_ips"][0]["ip_address"]
    assert_error(fips.update(f["id"], {"port_id": p6["id"], "fixed_ip_address": v6},
                             expect=None), 400, "BadRequest",
                 "Bad floatingip request: Cannot process floating IP association with %s,"
                 " since that is not an IPv4 address." % v6)
    dhcp = res.port(topo["net"], device_owner="network:dhcp")
    assert_error(fips.update(f["id"], {"port_id": dhcp["id"]}, expect=None), 400, "BadRequest",
                 "Bad floatingip request: Port %(id)s is unable to be assigned a floating IP.")
    assert_error(fips.update(f["id"], {"port_id": "x"}, expect=None), 400, "HTTPBadRequest",
                 "Invalid input for port_id. Reason: 'x' is not a valid UUID.")
    assert_error(fips.update(f["id"], {"floating_network_id": topo["ext"]["id"]}, expect=None),
                 400, "HTTPBadRequest", "Cannot update read-only attribute floating_network_id")
    r = fips.create(expect=None, floating_network_id=topo["ext"]["id"],
                    floating_ip_address="10.0.0.1")
    assert_error(r, 400, "InvalidIpForNetwork", "IP address 10.0.0.1 is not a valid IP for any"
                 " of the subnets on the specified network.")
    assert_error(api.put(FIP, {"floatingip": {}}), 404, "FloatingIPNotFound",
                 "Floating IP None could not be found")


def test_list_filters_and_tags(api, fips, topo):
    a = fips.create(floating_network_id=topo["ext"]["id"], port_id=topo["port"]["id"])
    b = fips.create(floating_network_id=topo["ext"]["id"])
    mine = {a["id"], b["id"]}
    listed = api.list("floatingips", {"floating_network_id": topo["ext"]["id"]})
    assert {f["id"] for f in listed} == mine
    assert [f["id"] for f in api.list("floatingips", {"port_id": topo["port"]["id"]})] == [
        a["id"]]
    assert [f["id"] for f in api.list("floatingips", {"router_id": topo["router"]["id"]})] == [
        a["id"]]
    assert [f["id"] for f in api.list("floatingips", {
        "floating_ip_address": b["floating_ip_address"]})] == [b["id"]]
    tag = uname("t")
    assert api.put("%s/%s/tags/%s" % (FIP, b["id"], tag)).status_code == 201
    assert [f["id"] for f in api.list("floatingips", {"tags": tag})] == [b["id"]]
    assert api.show("floatingips", b["id"])["revision_number"] == 1


def test_external_network_delete_takes_its_floating_ips(api, fips, topo, res):
    f = fips.create(floating_network_id=topo["ext"]["id"])
    (gw,) = [p for p in api.list("ports", {"network_id": topo["ext"]["id"]})
             if p["device_owner"] == "network:router_gateway"]
    # Only the router's gateway keeps the network; the floating IP's port does not.
    assert_error(api.delete("/v2.0/networks/" + topo["ext"]["id"]), 409, "NetworkInUse",
                 "Unable to complete operation on network %s. There are one or more ports"
                 " still in use on the network, id for these ports is: %s."
                 % (topo["ext"]["id"], gw["id"]))
    # It keeps its subnet, though.
    assert_error(api.delete("/v2.0/subnets/" + topo["ext_sub"]["id"]), 409, "SubnetInUse")
    other = res.network(**{"router:external": True})
    res.subnet(other, "198.18.5.0/24")
    g = fips.create(floating_network_id=other["id"])
    assert api.delete("/v2.0/networks/" + other["id"]).status_code == 204
    assert_error(api.get("%s/%s" % (FIP, g["id"])), 404, "FloatingIPNotFound")


@pytest.mark.neutrino_only  # Zed deletes the floating IPs even when the delete is refused.
def test_refused_network_delete_keeps_floating_ips(api, fips, topo):
    f = fips.create(floating_network_id=topo["ext"]["id"])
    assert_error(api.delete("/v2.0/networks/" + topo["ext"]["id"]), 409, "NetworkInUse")
    assert api.show("floatingips", f["id"])["floating_network_id"] == topo["ext"]["id"]


@pytest.mark.neutrino_only
def test_floating_ip_policy(api, fips, topo):
    project = uuid.uuid4().hex
    mine, other = member(project), member(uuid.uuid4().hex)
    f = fips.create(headers=mine, floating_network_id=topo["ext"]["id"])
    assert f["project_id"] == project
    assert_error(api.get("%s/%s" % (FIP, f["id"]), headers=other), 404, "FloatingIPNotFound")
    r = fips.create(expect=None, headers=mine, floating_network_id=topo["ext"]["id"],
                    floating_ip_address="203.0.113.150")
    assert_error(r, 403, "PolicyNotAuthorized", "(rule:create_floatingip and"
                 " rule:create_floatingip:floating_ip_address) is disallowed by policy")
    # Another project's port: refused (the admin's port here).
    r = api.put("%s/%s" % (FIP, f["id"]), {"floatingip": {"port_id": topo["port"]["id"]}},
                headers=mine)
    assert_error(r, 404, "PortNotFound")
    reader = member(project, "reader")
    assert_error(api.delete("%s/%s" % (FIP, f["id"]), headers=reader), 403,
                 "PolicyNotAuthorized", "rule:delete_floatingip is disallowed by policy")
    assert api.delete("%s/%s" % (FIP, f["id"]), headers=mine).status_code == 204


def test_port_of_another_project_on_the_callers_network(api, fips, routers, res):
    """A member's own network holds a port that an admin made for another project: the
    member sees it (it owns the network), and associating a floating IP with it is
    refused as Zed refuses it, a 400 naming the other tenant."""
    project = uuid.uuid4().hex
    mine = member(project)
    ext = res.network(**{"router:external": True})
    res.subnet(ext, "203.0.113.0/24", enable_dhcp=False)
    r = api.post("/v2.0/networks", {"network": {"name": uname("own")}}, headers=mine)
    net = api.ok(r, 201)["network"]
    try:
        r = api.post("/v2.0/subnets", {"subnet": {"network_id": net["id"], "ip_version": 4,
                                                  "cidr": "10.9.0.0/24"}}, headers=mine)
        sub = api.ok(r, 201)["subnet"]
        router = routers.create(project_id=project,
                                external_gateway_info={"network_id": ext["id"]})
        routers.add(router["id"], subnet_id=sub["id"])
        port = res.port(net, project_id=uuid.uuid4().hex)
        f = fips.create(headers=mine, floating_network_id=ext["id"])
        r = api.put("%s/%s" % (FIP, f["id"]), {"floatingip": {"port_id": port["id"]}},
                    headers=mine)
        assert_error(r, 400, "BadRequest", "Bad floatingip request: Cannot process floating"
                     " IP association with Port %s, since that port is owned by a different"
                     " tenant." % port["id"])
    finally:
        fips.cleanup()
        fips.ids = []
        routers.cleanup()
        for p in api.list("ports", {"network_id": net["id"]}):
            api.delete("/v2.0/ports/" + p["id"])
        api.delete("/v2.0/networks/" + net["id"])
