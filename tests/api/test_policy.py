"""The policy matrix: (admin, member of demo, member of alt, reader of demo, no token)
x (create/list/show/update/delete of networks, subnets and ports, and each admin-only
attribute), against a server with the built-in identity service, under the new
defaults (neutrino's default: reader is read-only) and under Zed's defaults
([oslo_policy] enforce_new_defaults = false).  Expected codes follow
docs/behaviour/policy.md."""

import pytest

from api_helpers import uname

pytestmark = pytest.mark.own_server

ACTORS = ("admin", "demo", "alt", "rdr", "none")


def code(api, method, path, body=None):
    r = api.request(method, path, body)
    return r.status_code, (r.json() if r.content else None)


def err_type(body):
    return (body or {}).get("NeutronError", {}).get("type")


def make_net(cloud, owner="demo", **attrs):
    attrs.setdefault("name", uname("pol"))
    api = cloud.api(owner)
    r = api.post("/v2.0/networks", {"network": attrs})
    assert r.status_code == 201, r.text
    return r.json()["network"]


def make_subnet(cloud, net, owner="demo", cidr="10.77.0.0/24"):
    r = cloud.api(owner).post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": cidr, "ip_version": 4}})
    assert r.status_code == 201, r.text
    return r.json()["subnet"]


def make_port(cloud, net, owner="demo", **attrs):
    attrs["network_id"] = net["id"]
    r = cloud.api(owner).post("/v2.0/ports", {"port": attrs})
    assert r.status_code == 201, r.text
    return r.json()["port"]


def delete_as_admin(cloud, kind, rid):
    cloud.api("admin").delete("/v2.0/%s/%s" % (kind, rid))


# --- No token, bad tokens -------------------------------------------------------------

@pytest.mark.parametrize("path", ["/v2.0/networks", "/v2.0/ports", "/v2.0/subnets",
                                  "/v2.0/", "/v2.0/extensions", "/v2.0/nothing"])
def test_network_api_needs_a_token(ks_server, path):
    for token in (None, "bogus", "x" * 43, "y" * 5000):
        headers = {} if token is None else {"X-Auth-Token": token}
        r = ks_server.api("none").get(path, headers=headers)
        assert r.status_code == 401, (token, r.text)
        assert r.json() == {"error": {"code": 401, "title": "Unauthorized", "message":
                                      "The request you have made requires authentication."}}
        assert r.headers["WWW-Authenticate"].startswith('Keystone uri="')


def test_version_document_needs_no_token(ks_server):
    r = ks_server.api("none").get("/")
    assert r.status_code == 200
    assert r.json()["versions"][0]["id"] == "v2.0"


def test_tampered_token_is_refused(ks_server):
    good = ks_server.token("demo")
    assert ks_server.api("demo").get("/v2.0/networks").status_code == 200
    for i in (0, 21, 42):
        bad = good[:i] + ("A" if good[i] != "A" else "B") + good[i + 1:]
        r = ks_server.api("none").get("/v2.0/networks", headers={"X-Auth-Token": bad})
        assert r.status_code == 401
    r = ks_server.api("none").get("/v2.0/networks", headers={"X-Auth-Token": good + "A"})
    assert r.status_code == 401


def test_unscoped_token_does_not_reach_the_network_api(ks_server):
    r = ks_server.issue("admin")   # no scope, no default project: unscoped
    assert r.status_code == 201
    assert "project" not in r.json()["token"]
    t = r.headers["X-Subject-Token"]
    r = ks_server.api("none").get("/v2.0/networks", headers={"X-Auth-Token": t})
    assert r.status_code == 401


# --- Networks -------------------------------------------------------------------------

NETWORK_CREATE = {"admin": 201, "demo": 201, "alt": 201, "rdr": 403, "none": 401}
NETWORK_CREATE_LEGACY = dict(NETWORK_CREATE, rdr=201)


@pytest.mark.parametrize("actor", ACTORS)
def test_network_create(ks_server, ks_legacy, actor):
    for cloud, want in ((ks_server, NETWORK_CREATE), (ks_legacy, NETWORK_CREATE_LEGACY)):
        status, body = code(cloud.api(actor), "POST", "/v2.0/networks",
                            {"network": {"name": uname("pol")}})
        assert status == want[actor], body
        if status == 201:
            net = body["network"]
            project = {"admin": "admin", "demo": "demo", "alt": "alt", "rdr": "demo"}[actor]
            assert net["project_id"] == cloud.project_id(project)
            # provider:* are shown to admins only.
            assert ("provider:network_type" in net) == (actor == "admin")
            delete_as_admin(cloud, "networks", net["id"])
        elif status == 403:
            assert err_type(body) == "PolicyNotAuthorized"
            assert body["NeutronError"]["message"] == \
                "rule:create_network is disallowed by policy"


ADMIN_ONLY_NETWORK_ATTRS = [
    ("shared", True),
    ("router:external", True),
    ("provider:network_type", "local"),
    ("provider:physical_network", "provider"),
    ("provider:segmentation_id", 150),
]


@pytest.mark.parametrize("attr,value", ADMIN_ONLY_NETWORK_ATTRS)
@pytest.mark.parametrize("actor", ["demo", "alt", "rdr"])
def test_admin_only_network_attribute_on_create(ks_server, actor, attr, value):
    status, body = code(ks_server.api(actor), "POST", "/v2.0/networks",
                        {"network": {"name": uname("pol"), attr: value}})
    assert status == 403, body
    assert err_type(body) == "PolicyNotAuthorized"
    assert body["NeutronError"]["message"] == \
        "(rule:create_network and rule:create_network:%s) is disallowed by policy" % attr


@pytest.mark.parametrize("attr", ["shared", "router:external"])
def test_member_may_send_the_default_value(ks_server, attr):
    status, body = code(ks_server.api("demo"), "POST", "/v2.0/networks",
                        {"network": {"name": uname("pol"), attr: False}})
    assert status == 201, body
    delete_as_admin(ks_server, "networks", body["network"]["id"])


def test_admin_may_set_admin_only_attributes(ks_server):
    net = make_net(ks_server, "admin", shared=True, **{"provider:network_type": "vlan",
                                                       "provider:physical_network": "provider",
                                                       "provider:segmentation_id": 151})
    try:
        assert net["shared"] is True and net["provider:segmentation_id"] == 151
        # The member sees the shared network, without provider attributes.
        shown = ks_server.api("demo").show("networks", net["id"])
        assert shown["shared"] is True
        assert not any(k.startswith("provider:") for k in shown)
        listed = ks_server.api("demo").get("/v2.0/networks", params={"id": net["id"]}).json()
        assert [n["id"] for n in listed["networks"]] == [net["id"]]
        assert not any(k.startswith("provider:") for k in listed["networks"][0])
        # Visible but not owned: writes are 403, not 404.
        for method, body in (("PUT", {"network": {"name": "x"}}), ("DELETE", None)):
            status, b = code(ks_server.api("demo"), method, "/v2.0/networks/" + net["id"],
                             body)
            assert status == 403, b
            assert err_type(b) == "PolicyNotAuthorized"
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


# (actor -> expected status) for show, update, delete of demo's own network
NETWORK_RUD = {
    "show": {"admin": 200, "demo": 200, "alt": 404, "rdr": 200, "none": 401},
    "update": {"admin": 200, "demo": 200, "alt": 404, "rdr": 403, "none": 401},
    "delete": {"admin": 204, "demo": 204, "alt": 404, "rdr": 403, "none": 401},
}
NETWORK_RUD_LEGACY = {
    "show": NETWORK_RUD["show"],
    "update": dict(NETWORK_RUD["update"], rdr=200),
    "delete": dict(NETWORK_RUD["delete"], rdr=204),
}


@pytest.mark.parametrize("op", ["show", "update", "delete"])
@pytest.mark.parametrize("actor", ACTORS)
def test_network_show_update_delete(ks_server, ks_legacy, op, actor):
    for cloud, table in ((ks_server, NETWORK_RUD), (ks_legacy, NETWORK_RUD_LEGACY)):
        net = make_net(cloud)
        method, body = {"show": ("GET", None), "update": ("PUT", {"network": {"name": "n2"}}),
                        "delete": ("DELETE", None)}[op]
        status, b = code(cloud.api(actor), method, "/v2.0/networks/" + net["id"], body)
        try:
            assert status == table[op][actor], b
            if status == 404:
                assert err_type(b) == "NetworkNotFound"
                assert b["NeutronError"]["message"] == \
                    "Network %s could not be found." % net["id"]
            if status == 403:
                assert b["NeutronError"]["message"] == \
                    "rule:%s_network is disallowed by policy" % op
        finally:
            delete_as_admin(cloud, "networks", net["id"])


@pytest.mark.parametrize("actor", ACTORS)
def test_network_list(ks_server, actor):
    mine = make_net(ks_server, "demo")
    theirs = make_net(ks_server, "alt")
    try:
        status, body = code(ks_server.api(actor), "GET", "/v2.0/networks")
        if actor == "none":
            assert status == 401
            return
        assert status == 200
        ids = {n["id"] for n in body["networks"]}
        assert (mine["id"] in ids) == (actor in ("admin", "demo", "rdr"))
        assert (theirs["id"] in ids) == (actor in ("admin", "alt"))
    finally:
        delete_as_admin(ks_server, "networks", mine["id"])
        delete_as_admin(ks_server, "networks", theirs["id"])


@pytest.mark.parametrize("attr,value", ADMIN_ONLY_NETWORK_ATTRS[:2]
                         + [("provider:segmentation_id", 152)])
def test_admin_only_network_attribute_on_update(ks_server, attr, value):
    net = make_net(ks_server, "demo")
    try:
        status, body = code(ks_server.api("demo"), "PUT", "/v2.0/networks/" + net["id"],
                            {"network": {attr: value}})
        assert status == 403, body
        assert err_type(body) == "PolicyNotAuthorized"
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


@pytest.mark.parametrize("actor", ["demo", "rdr", "alt"])
def test_other_project_id_needs_admin(ks_server, actor):
    other = ks_server.project_id("alt" if actor != "alt" else "demo")
    status, body = code(ks_server.api(actor), "POST", "/v2.0/networks",
                        {"network": {"name": uname("pol"), "project_id": other}})
    assert status == 400, body
    assert "requires admin or advsvc privileges" in body["NeutronError"]["message"]


def test_admin_creates_for_another_project(ks_server):
    demo = ks_server.project_id("demo")
    net = make_net(ks_server, "admin", project_id=demo, **{"provider:network_type": "local"})
    try:
        assert net["project_id"] == demo
        assert ks_server.api("demo").show("networks", net["id"])["project_id"] == demo
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


# --- Subnets --------------------------------------------------------------------------

SUBNET_CREATE = {"admin": 201, "demo": 201, "alt": 404, "rdr": 403, "none": 401}
SUBNET_CREATE_LEGACY = dict(SUBNET_CREATE, rdr=201)   # the network's owner, any role


@pytest.mark.parametrize("actor", ACTORS)
def test_subnet_create(ks_server, ks_legacy, actor):
    for cloud, want in ((ks_server, SUBNET_CREATE), (ks_legacy, SUBNET_CREATE_LEGACY)):
        net = make_net(cloud)
        try:
            status, body = code(cloud.api(actor), "POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "cidr": "10.78.0.0/24", "ip_version": 4}})
            assert status == want[actor], body
            if status == 404:
                assert err_type(body) == "NetworkNotFound"
            if status == 403:
                assert body["NeutronError"]["message"] == \
                    "rule:create_subnet is disallowed by policy"
        finally:
            delete_as_admin(cloud, "networks", net["id"])


SUBNET_RUD = {
    "show": {"admin": 200, "demo": 200, "alt": 404, "rdr": 200, "none": 401},
    "update": {"admin": 200, "demo": 200, "alt": 404, "rdr": 403, "none": 401},
    "delete": {"admin": 204, "demo": 204, "alt": 404, "rdr": 403, "none": 401},
}


@pytest.mark.parametrize("op", ["show", "update", "delete"])
@pytest.mark.parametrize("actor", ACTORS)
def test_subnet_show_update_delete(ks_server, op, actor):
    net = make_net(ks_server)
    sub = make_subnet(ks_server, net)
    method, body = {"show": ("GET", None), "update": ("PUT", {"subnet": {"name": "s2"}}),
                    "delete": ("DELETE", None)}[op]
    try:
        status, b = code(ks_server.api(actor), method, "/v2.0/subnets/" + sub["id"], body)
        assert status == SUBNET_RUD[op][actor], b
        if status == 404:
            assert err_type(b) == "SubnetNotFound"
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


def test_member_cannot_plant_subnet_on_shared_network(ks_server, ks_legacy):
    """Only the network's owner (a member) may add a subnet to it: a subnet on an
    admin's shared network would hand out the admin's own ports' addresses, gateway
    and DNS.  Zed's defaults still allow it (docs/behaviour/policy.md §4)."""
    for cloud, want in ((ks_server, 403), (ks_legacy, 201)):
        net = make_net(cloud, "admin", shared=True)
        try:
            status, body = code(cloud.api("alt"), "POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "cidr": "10.79.0.0/24", "ip_version": 4}})
            assert status == want, body
            if want == 403:
                assert body["NeutronError"] == {
                    "type": "PolicyNotAuthorized", "detail": "",
                    "message": "rule:create_subnet is disallowed by policy"}
                # The admin's own port takes no address the member chose.
                port = make_port(cloud, net, owner="admin")
                assert port["fixed_ips"] == []
            else:
                assert body["subnet"]["project_id"] == cloud.project_id("alt")
        finally:
            delete_as_admin(cloud, "networks", net["id"])


def test_subnet_owner_cannot_rewrite_subnet_on_admins_network(ks_server, ks_legacy):
    """A subnet the admin made for another project on the admin's network: that
    project may read it but, under the new defaults, not change its DNS servers or delete
    it; under Zed's defaults it may."""
    for cloud, want in ((ks_server, 403), (ks_legacy, 200)):
        net = make_net(cloud, "admin", shared=True)
        try:
            r = cloud.api("admin").post("/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "cidr": "10.81.0.0/24", "ip_version": 4,
                "project_id": cloud.project_id("demo")}})
            assert r.status_code == 201, r.text
            sid = r.json()["subnet"]["id"]
            assert cloud.api("demo").get("/v2.0/subnets/" + sid).status_code == 200
            status, body = code(cloud.api("demo"), "PUT", "/v2.0/subnets/" + sid,
                                {"subnet": {"dns_nameservers": ["10.81.0.53"]}})
            assert status == want, body
            status, body = code(cloud.api("demo"), "DELETE", "/v2.0/subnets/" + sid)
            assert status == (403 if want == 403 else 204), body
        finally:
            delete_as_admin(cloud, "networks", net["id"])


def test_subnet_on_visible_unshared_network_of_another_project(ks_server):
    net = make_net(ks_server, "admin", **{"router:external": True})
    try:
        status, body = code(ks_server.api("demo"), "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "cidr": "10.80.0.0/24", "ip_version": 4}})
        assert status == 403, body
        assert err_type(body) == "HTTPForbidden"
        status, body = code(ks_server.api("demo"), "POST", "/v2.0/ports",
                            {"port": {"network_id": net["id"]}})
        assert status == 403, body
        assert err_type(body) == "HTTPForbidden"
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


# --- Ports ----------------------------------------------------------------------------

PORT_CREATE = {"admin": 201, "demo": 201, "alt": 404, "rdr": 403, "none": 401}
PORT_CREATE_LEGACY = dict(PORT_CREATE, rdr=201)


@pytest.mark.parametrize("actor", ACTORS)
def test_port_create(ks_server, ks_legacy, actor):
    for cloud, want in ((ks_server, PORT_CREATE), (ks_legacy, PORT_CREATE_LEGACY)):
        net = make_net(cloud)
        try:
            status, body = code(cloud.api(actor), "POST", "/v2.0/ports",
                                {"port": {"network_id": net["id"]}})
            assert status == want[actor], body
            if status == 201:
                port = body["port"]
                hidden = [k for k in ("binding:host_id", "binding:profile", "binding:vif_type",
                                      "binding:vif_details") if k in port]
                assert hidden == ([] if actor != "admin" else hidden)
                if actor != "admin":
                    assert hidden == []
                    assert port["binding:vnic_type"] == "normal"
                else:
                    assert port["binding:vif_type"] == "unbound"
        finally:
            delete_as_admin(cloud, "networks", net["id"])


@pytest.mark.parametrize("attr,value,rule", [
    ("binding:host_id", "compute", "(rule:create_port and rule:create_port:binding:host_id)"),
    ("binding:profile", {"a": "b"}, "(rule:create_port and rule:create_port:binding:profile)"),
])
def test_admin_only_port_attribute_on_create(ks_server, attr, value, rule):
    net = make_net(ks_server)
    try:
        status, body = code(ks_server.api("demo"), "POST", "/v2.0/ports",
                            {"port": {"network_id": net["id"], attr: value}})
        assert status == 403, body
        assert body["NeutronError"] == {"type": "PolicyNotAuthorized", "detail": "",
                                        "message": rule + " is disallowed by policy"}
        port = make_port(ks_server, net, "admin", **{attr: value})
        assert port[attr] == value
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


def test_network_owned_port_attributes_on_shared_network(ks_server):
    """On an admin's shared network a member may plug a port, but not choose its MAC,
    its address or a network:* owner."""
    net = make_net(ks_server, "admin", shared=True)
    sub = make_subnet(ks_server, net, "admin", "10.81.0.0/24")
    try:
        port = make_port(ks_server, net, "demo")
        assert port["fixed_ips"][0]["subnet_id"] == sub["id"]
        for attrs in ({"mac_address": "fa:16:3e:00:00:99"},
                      {"fixed_ips": [{"ip_address": "10.81.0.50"}]},
                      {"device_owner": "network:dhcp"}):
            attrs["network_id"] = net["id"]
            status, body = code(ks_server.api("demo"), "POST", "/v2.0/ports", {"port": attrs})
            assert status == 403, (attrs, body)
            assert err_type(body) == "PolicyNotAuthorized"
        port2 = make_port(ks_server, net, "demo", fixed_ips=[{"subnet_id": sub["id"]}])
        assert port2["fixed_ips"][0]["subnet_id"] == sub["id"]
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


PORT_RUD = {
    "show": {"admin": 200, "demo": 200, "alt": 404, "rdr": 200, "none": 401},
    "update": {"admin": 200, "demo": 200, "alt": 404, "rdr": 403, "none": 401},
    "delete": {"admin": 204, "demo": 204, "alt": 404, "rdr": 403, "none": 401},
}


@pytest.mark.parametrize("op", ["show", "update", "delete"])
@pytest.mark.parametrize("actor", ACTORS)
def test_port_show_update_delete(ks_server, op, actor):
    net = make_net(ks_server)
    port = make_port(ks_server, net)
    method, body = {"show": ("GET", None), "update": ("PUT", {"port": {"name": "p2"}}),
                    "delete": ("DELETE", None)}[op]
    try:
        status, b = code(ks_server.api(actor), method, "/v2.0/ports/" + port["id"], body)
        assert status == PORT_RUD[op][actor], b
        if status == 404:
            assert err_type(b) == "PortNotFound"
        if status == 200 and op == "show":
            assert ("binding:host_id" in b["port"]) == (actor == "admin")
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


@pytest.mark.parametrize("attrs", [{"mac_address": "fa:16:3e:00:00:98"},
                                   {"binding:host_id": "compute"}])
def test_admin_only_port_attribute_on_update(ks_server, attrs):
    net = make_net(ks_server)
    port = make_port(ks_server, net)
    try:
        status, body = code(ks_server.api("demo"), "PUT", "/v2.0/ports/" + port["id"],
                            {"port": attrs})
        assert status == 403, body
        assert err_type(body) == "PolicyNotAuthorized"
    finally:
        delete_as_admin(ks_server, "networks", net["id"])


def test_network_owner_and_foreign_ports(ks_server, ks_legacy):
    """Zed's defaults let a network's owner see and delete other projects' ports on it;
    the new defaults show each project only its own ports."""
    for cloud, sees in ((ks_legacy, True), (ks_server, False)):
        net = make_net(cloud, "admin", shared=True, project_id=cloud.project_id("demo"))
        try:
            theirs = make_port(cloud, net, "alt")
            listed = cloud.api("demo").get("/v2.0/ports", params={"network_id": net["id"]})
            assert listed.status_code == 200
            assert (theirs["id"] in [p["id"] for p in listed.json()["ports"]]) == sees
            status, _ = code(cloud.api("demo"), "GET", "/v2.0/ports/" + theirs["id"])
            assert status == (200 if sees else 404)
            status, _ = code(cloud.api("demo"), "PUT", "/v2.0/ports/" + theirs["id"],
                             {"port": {"name": "x"}})
            assert status == (403 if sees else 404)
            status, _ = code(cloud.api("demo"), "DELETE", "/v2.0/ports/" + theirs["id"])
            assert status == (204 if sees else 404)
        finally:
            delete_as_admin(cloud, "networks", net["id"])


# --- Admin-only listings --------------------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_ip_availability_is_admin_only(ks_server, actor):
    status, body = code(ks_server.api(actor), "GET", "/v2.0/network-ip-availabilities")
    want = {"none": 401}.get(actor, 200)
    assert status == want
    if actor not in ("admin", "none"):
        assert body == {"network_ip_availabilities": []}
