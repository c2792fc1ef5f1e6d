"""Version documents, extensions, request ids, routing (docs/behaviour/api.md §1-3)."""

from urllib.parse import urlparse

import pytest

from api_helpers import REQUEST_ID_RE, assert_error, rand_uuid

# The core set of docs/behaviour/api.md §3, less what belongs to agents and quotas (agent,
# availability_zone, dhcp_agent_scheduler, network_availability_zone, quotas,
# quota_details): those are advertised only once implemented, and checked below only
# when advertised.
CORE_EXTENSIONS = [
    "empty-string-filtering", "external-net", "filter-validation", "net-mtu",
    "net-mtu-writable", "network-ip-availability", "pagination", "sorting", "binding",
    "project-id", "provider", "revision-if-match", "standard-attr-revisions",
    "standard-attr-description", "standard-attr-tag", "standard-attr-timestamp",
    "security-group", "stateful-security-group",
]
LATER_EXTENSIONS = ["agent", "availability_zone", "dhcp_agent_scheduler",
                    "network_availability_zone", "quotas", "quota_details"]


def host_of(url):
    return urlparse(url).netloc


def test_root_lists_v2_as_current(api, url):
    resp = api.get("/")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert list(body) == ["versions"]
    [version] = body["versions"]
    assert version["id"] == "v2.0"
    assert version["status"] == "CURRENT"
    [link] = version["links"]
    assert link["rel"] == "self"
    assert link["href"] == "http://%s/v2.0/" % host_of(url)


def test_v2_document_with_trailing_slash(api, url):
    resp = api.get("/v2.0/")
    assert resp.status_code == 200
    resources = resp.json()["resources"]
    by_name = {r["name"]: r for r in resources}
    for name, collection in [("network", "networks"), ("subnet", "subnets"),
                             ("subnetpool", "subnetpools"), ("port", "ports")]:
        assert by_name[name]["collection"] == collection
        assert by_name[name]["links"] == [
            {"rel": "self", "href": "http://%s/v2.0/%s" % (host_of(url), collection)}]


def test_v2_document_without_slash_is_404(api):
    assert_error(api.get("/v2.0"), 404, "HTTPNotFound", "The resource could not be found.")


# Note: Zed's version document at "/" carries no request id (it is served outside
# the request-id middleware), so "/" is not in this list (docs/behaviour/api.md §1).
@pytest.mark.parametrize("path", ["/v2.0/", "/v2.0/networks", "/v2.0/bogus",
                                  "/v2.0/networks/" + "0" * 8])
def test_every_answer_has_a_request_id(api, path):
    resp = api.get(path)
    assert REQUEST_ID_RE.match(resp.headers.get("X-Openstack-Request-Id", "")), resp.headers


def test_request_ids_differ(api):
    ids = {api.get("/v2.0/networks?limit=1").headers["X-Openstack-Request-Id"]
           for _ in range(3)}
    assert len(ids) == 3


def test_request_id_on_post_and_delete(api, res):
    resp = api.post("/v2.0/networks", {"network": {"name": "rid"}})
    assert resp.status_code == 201
    assert REQUEST_ID_RE.match(resp.headers["X-Openstack-Request-Id"])
    resp = api.delete("/v2.0/networks/" + res.track("networks", resp.json()["network"]["id"]))
    assert resp.status_code == 204
    assert resp.content == b""
    assert REQUEST_ID_RE.match(resp.headers["X-Openstack-Request-Id"])


def test_extensions_list_has_the_core_set(api):
    resp = api.get("/v2.0/extensions")
    assert resp.status_code == 200
    exts = resp.json()["extensions"]
    aliases = [e["alias"] for e in exts]
    assert len(aliases) == len(set(aliases))
    for alias in CORE_EXTENSIONS:
        assert alias in aliases, alias
    for e in exts:
        assert set(e) == {"name", "alias", "description", "updated", "links"}, e
        assert e["links"] == []
        assert isinstance(e["name"], str) and e["name"]
        assert isinstance(e["description"], str)


def test_agent_extension_entry(api):
    aliases = [e["alias"] for e in api.get("/v2.0/extensions").json()["extensions"]]
    if "agent" not in aliases:
        pytest.skip("agent extension not advertised (agents not implemented yet)")
    resp = api.get("/v2.0/extensions/agent")
    assert resp.status_code == 200
    assert resp.json() == {"extension": {
        "name": "agent", "alias": "agent", "description": "The agent management extension.",
        "updated": "2013-02-03T10:00:00-00:00", "links": []}}


def test_each_listed_extension_can_be_shown(api):
    exts = api.get("/v2.0/extensions").json()["extensions"]
    for e in exts:
        if e["alias"] not in CORE_EXTENSIONS + LATER_EXTENSIONS:
            continue
        resp = api.get("/v2.0/extensions/" + e["alias"])
        assert resp.status_code == 200, e["alias"]
        assert resp.json() == {"extension": e}


@pytest.mark.parametrize("alias", ["tag-ports-during-bulk-creation", "bogus-extension"])
def test_absent_extension_is_404(api, alias):
    # Neutron answers with an HTML body here; clients only look at the code.
    assert api.get("/v2.0/extensions/" + alias).status_code == 404


def test_unknown_path_is_404(api):
    assert_error(api.get("/v2.0/bogus"), 404, "HTTPNotFound",
                 "The resource could not be found.")


def test_unknown_nested_path_is_404(api):
    resp = api.get("/v2.0/networks/%s/bogus" % rand_uuid())
    assert resp.status_code == 404


def test_json_suffix_on_collection_and_member(api, res):
    net = res.network()
    resp = api.get("/v2.0/networks.json", params={"name": net["name"]})
    assert resp.status_code == 200
    assert [n["id"] for n in resp.json()["networks"]] == [net["id"]]
    resp = api.get("/v2.0/networks/%s.json" % net["id"])
    assert resp.status_code == 200
    assert resp.json()["network"]["id"] == net["id"]


def test_json_suffix_on_create_and_update(api, res):
    resp = api.post("/v2.0/networks.json", {"network": {"name": "suffix"}})
    assert resp.status_code == 201
    nid = res.track("networks", resp.json()["network"]["id"])
    resp = api.put("/v2.0/networks/%s.json" % nid, {"network": {"name": "suffix2"}})
    assert resp.status_code == 200
    assert resp.json()["network"]["name"] == "suffix2"


def test_wrong_method_on_member_is_405(api, res):
    net = res.network()
    assert_error(api.request("PATCH", "/v2.0/networks/" + net["id"]), 405,
                 "HTTPMethodNotAllowed")


def test_post_to_member_is_405(api, res):
    net = res.network()
    resp = api.post("/v2.0/networks/" + net["id"], {"network": {}})
    assert_error(resp, 405, "HTTPMethodNotAllowed")


def test_put_on_collection_is_404(api):
    # Zed treats it like an update of the member "None" (as for DELETE below).
    assert_error(api.put("/v2.0/networks", {"network": {}}), 404, "NetworkNotFound",
                 "Network None could not be found.")


def test_post_to_root_is_405(api):
    assert api.post("/", {}).status_code == 405


def test_delete_on_collection_is_404(api):
    assert_error(api.delete("/v2.0/networks"), 404, "NetworkNotFound",
                 "Network None could not be found.")


def test_content_type_is_not_checked(api, res):
    resp = api.post("/v2.0/networks", data='{"network": {"name": "plain"}}',
                    headers={"Content-Type": "text/plain"})
    assert resp.status_code == 201
    res.track("networks", resp.json()["network"]["id"])


def test_links_follow_the_host_header(api):
    resp = api.get("/", headers={"Host": "neutron.example:9696"})
    assert resp.json()["versions"][0]["links"][0]["href"] == "http://neutron.example:9696/v2.0/"
    resp = api.get("/v2.0/", headers={"Host": "neutron.example:9696"})
    hrefs = [r["links"][0]["href"] for r in resp.json()["resources"]]
    assert "http://neutron.example:9696/v2.0/networks" in hrefs



# Not tested: X-Forwarded-Proto in these hrefs (neutrino honours it; Zed with its
# default configuration ignores it, since oslo's enable_proxy_headers_parsing is off).
