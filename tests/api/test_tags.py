"""Tags sub-resource and tag filters (docs/behaviour/api.md §9)."""

import pytest

from api_helpers import assert_error, invalid_input, rand_uuid, uname


@pytest.fixture(params=["networks", "subnets", "ports"])
def parent(request, res):
    """One resource of each taggable kind, as (collection, id)."""
    net = res.network()
    if request.param == "networks":
        return "networks", net["id"]
    if request.param == "subnets":
        return "subnets", res.subnet(net, "10.160.0.0/24")["id"]
    return "ports", res.port(net)["id"]


def tags_path(parent, tag=None):
    path = "/v2.0/%s/%s/tags" % parent
    return path if tag is None else path + "/" + tag


def test_replace_and_get_tags(api, parent):
    resp = api.put(tags_path(parent), {"tags": ["red", "blue"]})
    assert resp.status_code == 200
    assert sorted(resp.json()["tags"]) == ["blue", "red"]
    body = api.ok(api.get(tags_path(parent)), 200)
    assert sorted(body["tags"]) == ["blue", "red"]
    assert sorted(api.show(*parent)["tags"]) == ["blue", "red"]
    resp = api.put(tags_path(parent), {"tags": ["green"]})
    assert resp.json()["tags"] == ["green"]
    assert api.show(*parent)["tags"] == ["green"]


def test_add_check_and_remove_one_tag(api, parent):
    resp = api.put(tags_path(parent, "red"))
    assert resp.status_code == 201
    # Zed's body here is the JSON literal null; clients ignore it.
    assert resp.content in (b"", b"null")
    # Idempotent.
    assert api.put(tags_path(parent, "red")).status_code == 201
    assert api.show(*parent)["tags"] == ["red"]
    resp = api.get(tags_path(parent, "red"))
    assert resp.status_code == 204
    assert resp.content == b""
    assert api.delete(tags_path(parent, "red")).status_code == 204
    assert_error(api.get(tags_path(parent, "red")), 404, "TagNotFound",
                 "Tag red could not be found.")
    assert_error(api.delete(tags_path(parent, "red")), 404, "TagNotFound",
                 "Tag red could not be found.")


def test_remove_all_tags(api, parent):
    api.ok(api.put(tags_path(parent), {"tags": ["a", "b", "c"]}), 200)
    assert api.delete(tags_path(parent)).status_code == 204
    assert api.ok(api.get(tags_path(parent)), 200) == {"tags": []}
    # Removing all from an untagged resource is fine too.
    assert api.delete(tags_path(parent)).status_code == 204


def test_tag_changes_bump_revision(api, parent):
    rev = api.show(*parent)["revision_number"]
    api.put(tags_path(parent, "x"))
    rev2 = api.show(*parent)["revision_number"]
    assert rev2 > rev
    api.put(tags_path(parent), {"tags": ["y"]})
    rev3 = api.show(*parent)["revision_number"]
    assert rev3 > rev2
    api.delete(tags_path(parent, "y"))
    assert api.show(*parent)["revision_number"] > rev3


def test_duplicate_tags_refused(api, res):
    net = res.network()
    resp = api.put(tags_path(("networks", net["id"])), {"tags": ["a", "b", "a"]})
    assert_error(resp, 400, "InvalidInput", invalid_input("Duplicate items in the list: 'a'"))


def test_tag_length_limit(api, res):
    net = res.network()
    ok = "t" * 255
    assert api.put(tags_path(("networks", net["id"])), {"tags": [ok]}).status_code == 200
    resp = api.put(tags_path(("networks", net["id"])), {"tags": ["t" * 256]})
    assert resp.status_code == 400
    resp = api.put(tags_path(("networks", net["id"]), "t" * 256))
    assert resp.status_code == 400
    assert api.show("networks", net["id"])["tags"] == [ok]


def test_tags_body_errors(api, res):
    net = res.network()
    path = tags_path(("networks", net["id"]))
    assert api.put(path, {"tags": "a"}).status_code == 400
    assert api.put(path, {"tags": [1]}).status_code == 400
    assert api.put(path, {"bogus": []}).status_code == 400


@pytest.mark.parametrize("collection", ["networks", "subnets", "ports"])
def test_tags_of_unknown_parent(api, collection):
    rid = rand_uuid()
    for resp in (api.get("/v2.0/%s/%s/tags" % (collection, rid)),
                 api.put("/v2.0/%s/%s/tags/x" % (collection, rid)),
                 api.put("/v2.0/%s/%s/tags" % (collection, rid), {"tags": ["x"]})):
        assert_error(resp, 404, "TagResourceNotFound",
                     "Resource %s %s could not be found." % (collection, rid))


def test_tags_not_allowed_in_post_or_put(api, res):
    net = res.network()
    resp = res.network(expect=None, tags=["a"])
    assert_error(resp, 400, "HTTPBadRequest", "Attribute 'tags' not allowed in POST")
    resp = res.subnet(net, "10.161.0.0/24", expect=None, tags=["a"])
    assert_error(resp, 400, "HTTPBadRequest", "Attribute 'tags' not allowed in POST")
    resp = api.put("/v2.0/networks/" + net["id"], {"network": {"tags": ["a"]}})
    assert_error(resp, 400, "HTTPBadRequest", "Cannot update read-only attribute tags")


def test_sdk_tags(conn, res):
    net = conn.network.get_network(res.network()["id"])
    conn.network.set_tags(net, ["one", "two"])
    assert sorted(conn.network.get_network(net.id).tags) == ["one", "two"]
    net.add_tag(conn.network, "three")
    assert net.check_tag(conn.network, "three")
    net.remove_tag(conn.network, "one")
    assert sorted(conn.network.get_network(net.id).tags) == ["three", "two"]


# --- tag filters ---

@pytest.fixture(scope="module")
def tagged(api, mres):
    """Four networks: tags {A,B}, {A}, {B}, {} where A, B are unique to this run; plus
    a tag C common to all four."""
    a, b, c = uname("ta"), uname("tb"), uname("tc")
    sets = {"ab": [a, b], "a": [a], "b": [b], "none": []}
    out = {"A": a, "B": b, "C": c}
    for key, tags in sets.items():
        net = mres.network()
        api.ok(api.put("/v2.0/networks/%s/tags" % net["id"], {"tags": tags + [c]}), 200)
        out[key] = net["id"]
    return out


def matching(api, tagged, **params):
    # Scope the listing by id: Zed answers 500 when "tags" and "tags-any" are combined.
    params["id"] = [tagged[k] for k in ("ab", "a", "b", "none")]
    ids = {n["id"] for n in api.list("networks", params)}
    return sorted(k for k in ("ab", "a", "b", "none") if tagged[k] in ids)


def test_tags_filter_needs_all(api, tagged):
    A, B = tagged["A"], tagged["B"]
    assert matching(api, tagged, tags=A) == ["a", "ab"]
    assert matching(api, tagged, tags="%s,%s" % (A, B)) == ["ab"]
    assert matching(api, tagged, tags=[A, B]) == ["ab"]


def test_tags_any_filter(api, tagged):
    A, B = tagged["A"], tagged["B"]
    assert matching(api, tagged, **{"tags-any": "%s,%s" % (A, B)}) == ["a", "ab", "b"]
    assert matching(api, tagged, **{"tags-any": [A, tagged["C"]]}) == ["a", "ab", "b", "none"]


def test_not_tags_filter(api, tagged):
    A, B = tagged["A"], tagged["B"]
    assert matching(api, tagged, **{"not-tags": "%s,%s" % (A, B)}) == ["a", "b", "none"]
    assert matching(api, tagged, **{"not-tags": A}) == ["b", "none"]


def test_not_tags_any_filter(api, tagged):
    A, B = tagged["A"], tagged["B"]
    assert matching(api, tagged, **{"not-tags-any": "%s,%s" % (A, B)}) == ["none"]
    assert matching(api, tagged, **{"not-tags-any": B}) == ["a", "none"]


def test_tag_filters_on_ports_and_subnets(api, res):
    net = res.network()
    sub = res.subnet(net, "10.162.0.0/24")
    port = res.port(net)
    tag = uname("pt")
    api.ok(api.put("/v2.0/subnets/%s/tags" % sub["id"], {"tags": [tag]}), 200)
    api.ok(api.put("/v2.0/ports/%s/tags" % port["id"], {"tags": [tag]}), 200)
    assert [s["id"] for s in api.list("subnets", {"tags": tag})] == [sub["id"]]
    assert [p["id"] for p in api.list("ports", {"tags": tag})] == [port["id"]]
    assert api.list("networks", {"tags": tag}) == []


@pytest.mark.neutrino_only
def test_tags_and_tags_any_combined(api, tagged):
    # Zed answers 500 to this combination.
    A, B, C = tagged["A"], tagged["B"], tagged["C"]
    found = {n["id"] for n in api.list("networks", {"tags": C, "tags-any": "%s,%s" % (A, B)})}
    assert found == {tagged["ab"], tagged["a"], tagged["b"]}
