"""Ports: attributes and defaults, CRUD through openstacksdk, updates, MAC addresses
(docs/behaviour/api.md §8, docs/behaviour/ipam.md §7).  Address allocation is in
test_ipam.py."""

import openstack.exceptions as osexc
import pytest

from api_helpers import (MAC_RE, TIMESTAMP_RE, UUID_RE, assert_error, bad_attr, rand_uuid,
                         uname)

PORT_KEYS = {
    "id", "name", "network_id", "tenant_id", "project_id", "mac_address", "admin_state_up",
    "status", "device_id", "device_owner", "fixed_ips", "allowed_address_pairs",
    "extra_dhcp_opts", "description", "binding:vnic_type", "binding:profile",
    "binding:host_id", "binding:vif_type", "binding:vif_details", "tags", "created_at",
    "updated_at", "revision_number", "security_groups", "port_security_enabled",
}
# Present or not depending on extensions.
OPTIONAL_PORT_KEYS = {"ip_allocation",
                      "dns_name", "dns_assignment", "qos_policy_id", "qos_network_policy_id",
                      "propagate_uplink_status", "resource_request", "numa_affinity_policy",
                      "device_profile", "mac_learning_enabled", "hints"}


def check_port_shape(port):
    keys = set(port)
    assert PORT_KEYS <= keys, PORT_KEYS - keys
    assert keys - PORT_KEYS <= OPTIONAL_PORT_KEYS, keys - PORT_KEYS
    assert UUID_RE.match(port["id"])
    assert port["tenant_id"] == port["project_id"]
    assert MAC_RE.match(port["mac_address"]), port["mac_address"]
    assert TIMESTAMP_RE.match(port["created_at"]) and TIMESTAMP_RE.match(port["updated_at"])


@pytest.fixture
def net(res):
    n = res.network()
    n["subnet"] = res.subnet(n, "10.130.0.0/24")
    return n


def test_create_answers_every_attribute(api, res, net):
    resp = api.post("/v2.0/ports", {"port": {"network_id": net["id"]}})
    assert resp.status_code == 201
    port = resp.json()["port"]
    res.track("ports", port["id"])
    check_port_shape(port)
    expected = {
        "name": "", "network_id": net["id"], "admin_state_up": True, "status": "DOWN",
        "device_id": "", "device_owner": "", "allowed_address_pairs": [],
        "extra_dhcp_opts": [], "description": "", "binding:vnic_type": "normal",
        "binding:profile": {}, "binding:host_id": "", "binding:vif_type": "unbound",
        "binding:vif_details": {}, "tags": [], "revision_number": 1,
        "project_id": net["project_id"],
    }
    for k, v in expected.items():
        assert port[k] == v, (k, port[k])
    [fip] = port["fixed_ips"]
    assert set(fip) == {"subnet_id", "ip_address"}
    assert fip["subnet_id"] == net["subnet"]["id"]
    assert port["mac_address"].startswith("fa:16:3e:")
    got = api.show("ports", port["id"])
    for k in PORT_KEYS - {"revision_number", "updated_at"}:
        assert got[k] == port[k], k


def test_port_on_network_without_subnets(res):
    n = res.network()
    port = res.port(n)
    assert port["fixed_ips"] == []


def test_sdk_create_show_update_delete(conn, res, net):
    name = uname("sdkport")
    port = conn.network.create_port(network_id=net["id"], name=name,
                                    device_owner="compute:nova", device_id="vm-1")
    res.track("ports", port.id)
    assert port.name == name
    assert port.network_id == net["id"]
    assert port.device_owner == "compute:nova"
    assert port.device_id == "vm-1"
    assert port.status == "DOWN"
    assert port.is_admin_state_up is True
    assert port.binding_vnic_type == "normal"
    assert port.mac_address.startswith("fa:16:3e:")
    assert len(port.fixed_ips) == 1

    assert conn.network.get_port(port.id).name == name
    assert conn.network.find_port(name).id == port.id
    listed = list(conn.network.ports(network_id=net["id"]))
    assert [p.id for p in listed] == [port.id]

    upd = conn.network.update_port(port, name=name + "-2", admin_state_up=False,
                                   device_id="vm-2", description="moved")
    assert upd.name == name + "-2"
    assert upd.is_admin_state_up is False
    assert upd.device_id == "vm-2"
    assert upd.description == "moved"

    conn.network.delete_port(port, ignore_missing=False)
    with pytest.raises(osexc.ResourceNotFound):
        conn.network.get_port(port.id)


def test_revision_rules(api, res, net):
    port = res.port(net)
    assert port["revision_number"] == 1
    before = api.show("ports", port["id"])["revision_number"]
    after = api.update("ports", port["id"], {"name": "r1"})["revision_number"]
    assert after > before
    again = api.update("ports", port["id"], {"name": "r1"})["revision_number"]
    assert again > after


def test_update_device_fields(api, res, net):
    port = res.port(net)
    upd = api.update("ports", port["id"], {"device_owner": "compute:nova",
                                           "device_id": "instance-" + uname()})
    assert upd["device_owner"] == "compute:nova"
    assert upd["device_id"].startswith("instance-")
    upd = api.update("ports", port["id"], {"device_owner": "", "device_id": ""})
    assert upd["device_owner"] == "" and upd["device_id"] == ""


def test_binding_profile_and_vnic_type(api, res, net):
    port = res.port(net, **{"binding:profile": {"a": 1, "b": [True]},
                            "binding:vnic_type": "normal"})
    assert port["binding:profile"] == {"a": 1, "b": [True]}
    upd = api.update("ports", port["id"], {"binding:profile": {}})
    assert upd["binding:profile"] == {}


def test_invalid_vnic_type(api, net):
    resp = api.post("/v2.0/ports", {"port": {"network_id": net["id"],
                                             "binding:vnic_type": "bogus"}})
    err = assert_error(resp, 400, "HTTPBadRequest")
    assert err["message"].startswith("Invalid input for binding:vnic_type. Reason: "), err


@pytest.mark.parametrize("attr,value", [("status", "ACTIVE"), ("binding:vif_type", "bridge"),
                                        ("binding:vif_details", {}), ("id", rand_uuid())])
def test_attribute_not_allowed_in_post(res, net, attr, value):
    # Note: unlike networks and subnets, Zed accepts (and ignores) "tags" in a port POST.
    resp = res.port(net, expect=None, **{attr: value})
    assert_error(resp, 400, "HTTPBadRequest", "Attribute '%s' not allowed in POST" % attr)


@pytest.mark.parametrize("attr,value", [("network_id", rand_uuid()), ("status", "ACTIVE"),
                                        ("binding:vif_type", "bridge")])
def test_read_only_on_update(api, res, net, attr, value):
    port = res.port(net)
    resp = api.put("/v2.0/ports/" + port["id"], {"port": {attr: value}})
    assert_error(resp, 400, "HTTPBadRequest", "Cannot update read-only attribute %s" % attr)


def test_network_id_required(api):
    assert_error(api.post("/v2.0/ports", {"port": {"name": "x"}}), 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'network_id' not specified")


def test_unknown_network(api):
    nid = rand_uuid()
    assert_error(api.post("/v2.0/ports", {"port": {"network_id": nid}}), 404,
                 "NetworkNotFound", "Network %s could not be found." % nid)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("pid", ["5d6e7f80-3333-4444-8555-a66677778888", "not-a-uuid"])
def test_unknown_port_is_404(api, method, pid):
    if method == "PUT":
        resp = api.put("/v2.0/ports/" + pid, {"port": {"name": "x"}})
    else:
        resp = api.request(method, "/v2.0/ports/" + pid)
    assert_error(resp, 404, "PortNotFound", "Port %s could not be found." % pid)


def test_delete_port(api, res, net):
    port = res.port(net)
    assert api.delete("/v2.0/ports/" + port["id"]).status_code == 204
    assert_error(api.get("/v2.0/ports/" + port["id"]), 404, "PortNotFound")


def test_ports_with_names_and_descriptions(res, net):
    port = res.port(net, name="p" * 255, description="d" * 255)
    assert len(port["name"]) == 255 and len(port["description"]) == 255


# --- MAC addresses (docs/behaviour/ipam.md §7) ---

def test_generated_macs_use_base_mac_prefix(res, net):
    macs = [res.port(net)["mac_address"] for _ in range(4)]
    for mac in macs:
        assert MAC_RE.match(mac) and mac.startswith("fa:16:3e:"), mac
    assert len(set(macs)) == 4


def test_given_mac_is_kept(res, net):
    port = res.port(net, mac_address="fa:16:3e:12:34:56")
    assert port["mac_address"] == "fa:16:3e:12:34:56"


@pytest.mark.neutrino_only
def test_given_mac_is_stored_lower_case(api, res, net):
    # Zed keeps the case as typed; neutrino normalises.
    port = res.port(net, mac_address="FA:16:3E:AB:CD:EF")
    assert port["mac_address"] == "fa:16:3e:ab:cd:ef"
    assert api.show("ports", port["id"])["mac_address"] == "fa:16:3e:ab:cd:ef"


def test_mac_in_use_on_same_network(api, res, net):
    mac = "fa:16:3e:00:77:02"
    res.port(net, mac_address=mac)
    resp = api.post("/v2.0/ports", {"port": {"network_id": net["id"], "mac_address": mac}})
    assert_error(resp, 409, "MacAddressInUse",
                 "Unable to complete operation for network %s. The mac address %s is in use."
                 % (net["id"], mac))


@pytest.mark.neutrino_only
def test_mac_in_use_compares_case_insensitively(api, res, net):
    # Zed on SQLite accepts an upper-case twin of a lower-case MAC.
    res.port(net, mac_address="fa:16:3e:00:77:0a")
    resp = api.post("/v2.0/ports", {"port": {"network_id": net["id"],
                                             "mac_address": "FA:16:3E:00:77:0A"}})
    assert_error(resp, 409, "MacAddressInUse")


def test_same_mac_on_another_network(res, net):
    mac = "fa:16:3e:00:77:03"
    res.port(net, mac_address=mac)
    other = res.network()
    assert res.port(other, mac_address=mac)["mac_address"] == mac


def test_mac_freed_when_port_deleted(api, res, net):
    mac = "fa:16:3e:00:77:04"
    port = res.port(net, mac_address=mac)
    api.ok(api.delete("/v2.0/ports/" + port["id"]), 204)
    assert res.port(net, mac_address=mac)["mac_address"] == mac


@pytest.mark.parametrize("mac", ["x", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
                                 "fa:16:3e:00:00", "fa:16:3e:00:00:00:01", "gg:16:3e:00:00:01"])
def test_invalid_mac(api, net, mac):
    resp = api.post("/v2.0/ports", {"port": {"network_id": net["id"], "mac_address": mac}})
    assert_error(resp, 400, "HTTPBadRequest",
                 bad_attr("mac_address", "'%s' is not a valid MAC address" % mac))


def test_multicast_mac_accepted(res, net):
    assert res.port(net, mac_address="01:00:5e:00:00:07")["mac_address"] == "01:00:5e:00:00:07"


def test_mac_update_by_admin(api, res, net):
    port = res.port(net)
    upd = api.update("ports", port["id"], {"mac_address": "fa:16:3e:00:77:05"})
    assert upd["mac_address"] == "fa:16:3e:00:77:05"
    # The old MAC is free again on this network.
    assert res.port(net, mac_address=port["mac_address"])["mac_address"] == port["mac_address"]


def test_mac_update_to_used_mac(api, res, net):
    a = res.port(net, mac_address="fa:16:3e:00:77:06")
    b = res.port(net)
    resp = api.put("/v2.0/ports/" + b["id"], {"port": {"mac_address": a["mac_address"]}})
    assert_error(resp, 409, "MacAddressInUse")


def test_mac_update_of_dhcp_port_refused(api, res, net):
    port = res.port(net, device_owner="network:dhcp")
    resp = api.put("/v2.0/ports/" + port["id"], {"port": {"mac_address": "fa:16:3e:00:77:08"}})
    assert_error(resp, 409, "UnsupportedPortDeviceOwner")


def test_lists_inside_a_port_are_written_alike_on_every_database(api, res):
    """fixed_ips and tags come out of the database as JSON text: the same compact
    bytes on SQLite and on PostgreSQL."""
    net = res.network()
    sub = res.subnet(net, "10.93.0.0/24")
    port = res.port(net, fixed_ips=[{"ip_address": "10.93.0.20"}, {"ip_address": "10.93.0.21"}])
    api.ok(api.put("/v2.0/ports/%s/tags" % port["id"], {"tags": ["b", "a\"q"]}), 200)
    text = api.get("/v2.0/ports/" + port["id"]).text
    assert ('"fixed_ips":[{"subnet_id":"%s","ip_address":"10.93.0.20"},'
            '{"subnet_id":"%s","ip_address":"10.93.0.21"}]' % (sub["id"], sub["id"])) in text
    assert '"tags":["a\\"q","b"]' in text
