"""Small Neutron extensions, each as Zed has it: filter-validation, empty-string-filtering,
ip-substring-filtering, ... (docs/behaviour/api.md §3, §4.1 and the sections named in
each test).  Every expectation here was checked against the real Neutron Zed."""

import pytest

from api_helpers import assert_error, invalid_input, uname


def extension_aliases(api):
    return {e["alias"] for e in api.ok(api.get("/v2.0/extensions"), 200)["extensions"]}


def ids(items):
    return sorted(i["id"] for i in items)


# --- filter-validation ---

LISTS = ["networks", "subnets", "ports", "security-groups", "security-group-rules",
         "routers", "floatingips", "agents"]


@pytest.mark.parametrize("collection", LISTS)
def test_unknown_filters_are_refused_together(api, collection):
    resp = api.get("/v2.0/" + collection, params=[("bogus", "1"), ("other", "")])
    assert_error(resp, 400, "HTTPBadRequest",
                 "['bogus', 'other'] is invalid attribute for filtering")


@pytest.mark.parametrize("collection", LISTS)
def test_paging_and_model_names_are_never_filters(api, collection):
    # Neutron skips the paging parameters and the names of its models' base class
    # (hasattr(BASEV2, key)) before it validates filters.
    params = [("fields", "id"), ("limit", "1"), ("marker", ""), ("page_reverse", "False"),
              ("get", "x"), ("metadata", "x"), ("__class__", "x"), ("keys", "")]
    resp = api.get("/v2.0/" + collection, params=params)
    assert resp.status_code == 200, resp.text


def test_agents_refuse_attributes_that_are_not_filters(api):
    for key in ("created_at", "started_at", "heartbeat_timestamp", "configurations",
                "resources_synced", "tenant_id", "project_id", "tags"):
        assert_error(api.get("/v2.0/agents", params={key: "x"}), 400, "HTTPBadRequest",
                     "['%s'] is invalid attribute for filtering" % key)
    for key in ("id", "agent_type", "binary", "topic", "host", "description",
                "availability_zone"):
        assert api.ok(api.get("/v2.0/agents", params={key: uname("nomatch")}), 200) == \
            {"agents": []}


def test_agents_boolean_filters_are_converted(api):
    for key in ("alive", "admin_state_up"):
        assert_error(api.get("/v2.0/agents", params={key: "maybe"}), 400, "InvalidInput",
                     invalid_input("'maybe' cannot be converted to boolean"))
    both = api.ok(api.get("/v2.0/agents", params={"admin_state_up": ["No", "yes"]}), 200)
    assert both == api.ok(api.get("/v2.0/agents"), 200)


def test_empty_sort_parameters_are_dropped(api, res):
    net = res.network()
    resp = api.get("/v2.0/networks", params={"sort_key": "", "id": net["id"]})
    assert [n["id"] for n in api.ok(resp, 200)["networks"]] == [net["id"]]
    resp = api.get("/v2.0/networks", params={"sort_key": "", "sort_dir": "asc"})
    assert_error(resp, 400, "HTTPBadRequest",
                 "The number of sort_keys and sort_dirs must be same")


# --- empty-string-filtering ---

def test_empty_string_matches_empty_values(api, res):
    net = res.network(name="", description="")
    named = res.network(description=uname("d"))
    found = ids(api.list("networks", {"name": "", "id": [net["id"], named["id"]]}))
    assert found == [net["id"]]
    found = ids(api.list("networks", {"description": "", "id": [net["id"], named["id"]]}))
    assert found == [net["id"]]
    port = res.port(net, name="", device_owner="")
    found = ids(api.list("ports", {"device_owner": "", "name": "", "network_id": net["id"]}))
    assert found == [port["id"]]


def test_empty_tag_filters(api, res):
    tag = uname("tag")
    net = res.network()
    api.ok(api.put("/v2.0/networks/%s/tags" % net["id"], {"tags": [tag]}), 200)
    # "tags=" asks for the tag "", which nothing has; "not-tags=" excludes nothing;
    # an empty piece of a comma list counts as the tag "".
    assert api.list("networks", {"tags": "", "id": net["id"]}) == []
    assert ids(api.list("networks", {"not-tags": "", "id": net["id"]})) == [net["id"]]
    assert api.list("networks", {"tags": tag + ",", "id": net["id"]}) == []
    assert ids(api.list("networks", {"tags-any": tag + ",", "id": net["id"]})) == [net["id"]]
    assert ids(api.list("networks", {"not-tags-any": ",", "id": net["id"]})) == [net["id"]]


# --- ip-substring-filtering ---

@pytest.fixture
def substr_ports(res):
    net = res.network()
    v4 = res.subnet(net, "10.231.7.0/24")
    v6 = res.subnet(net, "2001:db8:77::/64")
    a = res.port(net, fixed_ips=[{"subnet_id": v4["id"], "ip_address": "10.231.7.15"}])
    b = res.port(net, fixed_ips=[{"subnet_id": v4["id"], "ip_address": "10.231.7.150"},
                                 {"subnet_id": v6["id"], "ip_address": "2001:db8:77::abcd"}])
    c = res.port(net, fixed_ips=[])
    return {"net": net, "v4": v4, "a": a, "b": b, "c": c}


def port_ids(api, ports, *fixed_ips):
    return ids(api.list("ports", [("network_id", ports["net"]["id"])]
                        + [("fixed_ips", f) for f in fixed_ips]))


def test_ip_substring_filter(api, substr_ports):
    p = substr_ports
    assert port_ids(api, p, "ip_address_substr=7.15") == ids([p["a"], p["b"]])
    assert port_ids(api, p, "ip_address_substr=7.150") == [p["b"]["id"]]
    assert port_ids(api, p, "ip_address_substr=.231.") == ids([p["a"], p["b"]])
    assert port_ids(api, p, "ip_address_substr=10.231.8") == []
    # Repeated substrings are OR'ed; IPv6 text matches without regard to case.
    assert port_ids(api, p, "ip_address_substr=7.150", "ip_address_substr=99") == \
        [p["b"]["id"]]
    assert port_ids(api, p, "ip_address_substr=DB8:77::AB") == [p["b"]["id"]]
    # The value is a SQL LIKE pattern, as in Neutron: '_' is any one character.
    assert port_ids(api, p, "ip_address_substr=231_7_15") == ids([p["a"], p["b"]])
    # An empty substring matches every port with an address.
    assert port_ids(api, p, "ip_address_substr=") == ids([p["a"], p["b"]])


def test_ip_substring_combines_with_exact_filters(api, substr_ports):
    p = substr_ports
    assert port_ids(api, p, "ip_address_substr=10.231", "ip_address=10.231.7.15") == \
        [p["a"]["id"]]
    assert port_ids(api, p, "ip_address_substr=abcd", "ip_address=10.231.7.15") == []
    assert port_ids(api, p, " ip_address_substr = 7.150 ", "subnet_id=" + p["v4"]["id"]) \
        == [p["b"]["id"]]


def test_fixed_ips_filter_keys_neutron_ignores(api, substr_ports):
    p = substr_ports
    everything = ids([p["a"], p["b"], p["c"]])
    assert port_ids(api, p, "foo=bar") == everything
    assert port_ids(api, p, "True") == everything
    assert port_ids(api, p, "ip_address_substr=7.150", "foo=") == [p["b"]["id"]]
    for bad in ("noeq", "=10.0.0.1", "True"):
        extra = ["ip_address=10.231.7.15"] if bad == "True" else []
        resp = api.get("/v2.0/ports", params=[("fixed_ips", bad)]
                       + [("fixed_ips", e) for e in extra])
        assert_error(resp, 400, "InvalidInput",
                     invalid_input("'%s' is not of the form <key>=[value]" % bad))


def test_listed(api):
    assert {"filter-validation", "empty-string-filtering",
            "ip-substring-filtering"} <= extension_aliases(api)


# --- port-mac-address-regenerate ---

def test_null_mac_on_create_is_a_random_one(res):
    net = res.network()
    port = res.port(net, mac_address=None)
    assert port["mac_address"].startswith("fa:16:3e:")


def test_null_mac_on_update_regenerates(api, res):
    net = res.network()
    port = res.port(net)
    first = api.update("ports", port["id"], {"mac_address": None})["mac_address"]
    second = api.update("ports", port["id"], {"mac_address": None})["mac_address"]
    assert port["mac_address"] != first != second
    assert first.startswith("fa:16:3e:") and second.startswith("fa:16:3e:")
    assert api.show("ports", port["id"])["mac_address"] == second
    # The old MAC is free again on the network.
    assert res.port(net, mac_address=port["mac_address"])["mac_address"] == port["mac_address"]


def test_null_mac_of_network_owned_port_refused(api, res):
    net = res.network()
    port = res.port(net, device_owner="network:foo")
    resp = api.put("/v2.0/ports/" + port["id"], {"port": {"mac_address": None}})
    # Zed's text names Python's id() built-in instead of the port.
    assert_error(resp, 409, "UnsupportedPortDeviceOwner",
                 "Operation mac address update is not supported for device_owner network:foo"
                 " on port <built-in function id>.")
    assert api.show("ports", port["id"])["mac_address"] == port["mac_address"]


def test_null_mac_with_a_new_host_in_the_same_update(api, res):
    # The binding that counts is the one before the update: an unbound port may get a
    # new MAC and a host at once.
    net = res.network()
    port = res.port(net)
    upd = api.update("ports", port["id"], {"mac_address": None,
                                           "binding:host_id": uname("host")})
    assert upd["mac_address"] != port["mac_address"]


@pytest.mark.neutrino_only   # needs an agent to bind the port (the reference has none)
def test_null_mac_of_bound_port_refused(api, url, res):
    import requests
    host = uname("host")
    state = {"agent_type": "Linux bridge agent", "binary": "neutron-linuxbridge-agent",
             "host": host, "topic": "N/A", "start_flag": True,
             "configurations": {"interface_mappings": {}, "bridge_mappings": {},
                                "devices": 0, "extensions": []}}
    r = requests.post(url + "/agent/v1/report", json={"agent": state}, timeout=30)
    assert r.status_code == 200, r.text
    agent = [a for a in api.list("agents", {"host": host})]
    try:
        net = res.network()
        port = res.port(net, **{"binding:host_id": host, "device_owner": "compute:nova"})
        assert port["binding:vif_type"] == "bridge"
        resp = api.put("/v2.0/ports/" + port["id"], {"port": {"mac_address": None}})
        err = assert_error(resp, 409, "PortBound")
        assert err["message"].startswith(
            "Unable to complete operation on port %s, port is already bound, port type:"
            " bridge, old_mac %s, new_mac fa:16:3e:" % (port["id"], port["mac_address"]))
    finally:
        for a in agent:
            api.delete("/v2.0/agents/" + a["id"])


def test_mac_regenerate_listed(api):
    assert "port-mac-address-regenerate" in extension_aliases(api)
