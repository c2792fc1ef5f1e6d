"""Bad input: the body-processing table of docs/behaviour/api.md §1.3, wrong types,
oversized bodies and absurd query strings.  Every answer must be a 4xx, never a 5xx or a
hang, and the server must keep answering afterwards."""

import json
import socket
from urllib.parse import urlparse

import pytest
import requests

from api_helpers import assert_error, bad_attr, invalid_input, rand_uuid, uname

NETS = "/v2.0/networks"


def assert_alive(api):
    assert api.get("/").status_code == 200


# --- docs/behaviour/api.md §1.3, step by step ---

@pytest.mark.parametrize("raw", ['{"network": {"name": ', "not json", "[]", '"x"', "5",
                                 "null", "{'network': {}}", '{"network": {}}}'],
                         ids=["truncated", "text", "array", "string", "number", "null",
                              "single-quotes", "trailing-garbage"])
def test_body_not_a_json_object(api, res, raw):
    resp = api.post(NETS, data=raw, headers={"Content-Type": "application/json"})
    if resp.status_code == 201:
        res.track("networks", resp.json()["network"]["id"])
    assert_error(resp, 400, "HTTPBadRequest", "Body contains invalid data")


def test_body_not_utf8(api):
    # Zed: 400 HTTPBadRequest "The server could not comply with the request since it is
    # either malformed or otherwise incorrect."; any 400 HTTPBadRequest will do.
    resp = api.post(NETS, data=b'{"network": {"name": "\xff\xfe"}}',
                    headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "HTTPBadRequest")


@pytest.mark.parametrize("raw", ["", "{}"], ids=["empty", "empty-object"])
def test_empty_body_on_post(api, raw):
    # An empty body is answered as a body without the resource key, as Zed does (not
    # "Resource body required").
    resp = api.post(NETS, data=raw)
    assert_error(resp, 400, "HTTPBadRequest", "Unable to find 'network' in request body")


@pytest.mark.parametrize("raw", ["", "{}"], ids=["empty", "empty-object"])
def test_empty_body_on_put(api, res, raw):
    net = res.network()
    resp = api.put(NETS + "/" + net["id"], data=raw)
    assert_error(resp, 400, "HTTPBadRequest", "Unable to find 'network' in request body")


@pytest.mark.parametrize("collection,body,key", [
    ("networks", {"net": {}}, "network"),
    ("subnets", {"network": {}}, "subnet"),
    ("ports", {"portx": {"name": "x"}}, "port"),
])
def test_resource_key_missing(api, collection, body, key):
    resp = api.post("/v2.0/" + collection, body)
    assert_error(resp, 400, "HTTPBadRequest", "Unable to find '%s' in request body" % key)


@pytest.mark.parametrize("value", [[], "x", 5, True])
def test_resource_value_not_an_object(api, value):
    resp = api.post(NETS, {"network": value})
    assert_error(resp, 400, "HTTPBadRequest", "Object 'network' contains invalid data")


def test_resource_value_not_an_object_on_put(api, res):
    net = res.network()
    resp = api.put(NETS + "/" + net["id"], {"network": []})
    assert_error(resp, 400, "HTTPBadRequest", "Object 'network' contains invalid data")


@pytest.mark.parametrize("value", ["x", ["x"], [{"name": "ok"}, "x"], {}],
                         ids=["string", "list-of-string", "one-bad-item", "object"])
def test_bulk_value_not_a_list_of_objects(api, res, value):
    resp = api.post(NETS, {"networks": value})
    if resp.status_code == 201:
        for n in resp.json()["networks"]:
            res.track("networks", n["id"])
    assert resp.status_code == 400
    err = assert_error(resp, 400, "HTTPBadRequest")
    assert err["message"] in ("Object 'network' contains invalid data", "Resources required")


def test_bulk_on_put_refused(api, res):
    net = res.network()
    resp = api.put(NETS + "/" + net["id"], {"networks": [{"name": "x"}]})
    assert_error(resp, 400, "HTTPBadRequest", "Bulk operation not supported")


def test_null_resource_value(api):
    # {"network": null} is read as a body without the key.
    resp = api.post(NETS, {"network": None})
    assert_error(resp, 400, "HTTPBadRequest", "Unable to find 'network' in request body")


def test_unknown_attributes(api):
    resp = api.post(NETS, {"network": {"name": "x", "bogus_attr": 1}})
    assert_error(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus_attr'")
    resp = api.post(NETS, {"network": {"zeta": 1, "name": "x", "alpha": 2}})
    assert_error(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'zeta, alpha'")


def test_unknown_attribute_on_put(api, res):
    net = res.network()
    resp = api.put(NETS + "/" + net["id"], {"network": {"bogus": 1}})
    assert_error(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'")


def test_unknown_attribute_on_subnet_and_port(api, res):
    net = res.network()
    resp = res.subnet(net, "10.170.0.0/24", expect=None, bogus=1)
    assert_error(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'")
    resp = res.port(net, expect=None, bogus=1)
    assert_error(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'")


def test_extra_top_level_keys_are_ignored(res):
    # Only the resource key is read.
    resp = res.api.post(NETS, {"network": {"name": uname("top")}, "extra": 1})
    assert resp.status_code == 201
    res.track("networks", resp.json()["network"]["id"])


# --- wrong types (docs/behaviour/api.md §1.2) ---

NETWORK_TYPE_ERRORS = [
    ("name-int", {"name": 5}, "HTTPBadRequest", bad_attr("name", "'5' is not a valid string")),
    ("name-null", {"name": None}, "HTTPBadRequest",
     bad_attr("name", "'None' is not a valid string")),
    ("description-list", {"description": ["x"]}, "HTTPBadRequest",
     bad_attr("description", "'['x']' is not a valid string")),
    ("admin-maybe", {"admin_state_up": "maybe"}, "InvalidInput",
     invalid_input("'maybe' cannot be converted to boolean")),
    ("admin-int", {"admin_state_up": 5}, "InvalidInput",
     invalid_input("'5' cannot be converted to boolean")),
    ("admin-null", {"admin_state_up": None}, "InvalidInput",
     invalid_input("'None' cannot be converted to boolean")),
    ("shared-x", {"shared": "x"}, "InvalidInput",
     invalid_input("'x' cannot be converted to boolean")),
    ("mtu-string", {"mtu": "abc"}, "InvalidInput", invalid_input("'abc' is not an integer")),
    ("mtu-negative", {"mtu": -1}, "HTTPBadRequest",
     bad_attr("mtu", "'-1' should be non-negative")),
    ("az-hints-string", {"availability_zone_hints": "x"}, "HTTPBadRequest",
     bad_attr("availability_zone_hints", "'x' is not a list")),
]


@pytest.mark.parametrize("attrs,type_,message", [r[1:] for r in NETWORK_TYPE_ERRORS],
                         ids=[r[0] for r in NETWORK_TYPE_ERRORS])
def test_network_wrong_types(res, attrs, type_, message):
    assert_error(res.network(expect=None, **attrs), 400, type_, message)


@pytest.mark.parametrize("attrs,type_,message", [r[1:] for r in NETWORK_TYPE_ERRORS[:7]],
                         ids=[r[0] for r in NETWORK_TYPE_ERRORS[:7]])
def test_network_wrong_types_on_put(api, res, attrs, type_, message):
    net = res.network()
    assert_error(api.put(NETS + "/" + net["id"], {"network": attrs}), 400, type_, message)


def test_unknown_availability_zone(res):
    resp = res.network(expect=None, availability_zone_hints=["no-such-az"])
    assert_error(resp, 404, "AvailabilityZoneNotFound",
                 "AvailabilityZone no-such-az could not be found.")


def test_subnet_wrong_types(res):
    net = res.network()
    cases = [
        ({"enable_dhcp": "maybe"}, "InvalidInput",
         invalid_input("'maybe' cannot be converted to boolean")),
        ({"ip_version": "x"}, "InvalidInput", invalid_input("'x' is not an integer")),
        ({"name": 7}, "HTTPBadRequest", bad_attr("name", "'7' is not a valid string")),
        ({"dns_nameservers": "8.8.8.8"}, "HTTPBadRequest", None),
        ({"host_routes": ["x"]}, "HTTPBadRequest", None),
        ({"allocation_pools": "x"}, "HTTPBadRequest", None),
    ]
    for attrs, type_, message in cases:
        body = {"cidr": "10.171.0.0/24", "ip_version": 4}
        body.update(attrs)
        resp = res.subnet(net, expect=None, **body)
        assert_error(resp, 400, type_, message)


def test_ip_version_given_as_string_is_converted(res):
    sub = res.subnet(res.network(), "10.172.0.0/24", ip_version="4")
    assert sub["ip_version"] == 4


def test_port_wrong_types(res):
    net = res.network()
    cases = [
        ({"admin_state_up": "maybe"}, "InvalidInput",
         invalid_input("'maybe' cannot be converted to boolean")),
        ({"device_id": 5}, "HTTPBadRequest", bad_attr("device_id", "'5' is not a valid string")),
        ({"device_owner": ["x"]}, "HTTPBadRequest",
         bad_attr("device_owner", "'['x']' is not a valid string")),
        ({"binding:profile": "x"}, "HTTPBadRequest", None),
        ({"fixed_ips": "x"}, "HTTPBadRequest", None),
        ({"mac_address": 5}, "HTTPBadRequest", None),
    ]
    for attrs, type_, message in cases:
        resp = res.port(net, expect=None, **attrs)
        assert_error(resp, 400, type_, message)


def test_port_network_id_not_uuid(api):
    resp = api.post("/v2.0/ports", {"port": {"network_id": "x"}})
    assert_error(resp, 400, "HTTPBadRequest",
                 bad_attr("network_id", "'x' is not a valid UUID"))


@pytest.mark.neutrino_only
def test_huge_integer_refused(res):
    # Zed answers 500 for an MTU of 10**30.
    resp = res.network(expect=None, mtu=10 ** 30)
    assert resp.status_code == 400
    assert resp.json()["NeutronError"]["type"] in ("InvalidInput", "HTTPBadRequest")


@pytest.mark.neutrino_only
def test_deeply_nested_json_refused(api):
    # Zed answers 500 (Python's recursion limit).  80 KB: under the default body limit.
    resp = api.post(NETS, data="[" * 40000 + "]" * 40000)
    assert_error(resp, 400, "HTTPBadRequest")
    assert_alive(api)


def test_control_characters_in_strings(res, api):
    name = "tab\there-nl\n-" + uname()
    net = res.network(name=name)
    assert api.show("networks", net["id"])["name"] == name


# --- oversized bodies and absurd requests: a 4xx, no crash, no hang ---

def raw_http(url, request_bytes, timeout=30):
    """Sends raw bytes and returns (status, headers_text, body_bytes); tolerates the server
    answering and closing before the whole request was sent."""
    u = urlparse(url)
    sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
    try:
        try:
            sock.sendall(request_bytes)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep and b"content-length:" in head.lower():
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
    finally:
        sock.close()
    assert data, "no answer at all"
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/"):
        return None, data[:200].decode("latin-1"), b""  # an HTTP/0.9-style answer
    status = int(head.split(b" ")[1])
    return status, head.decode("latin-1"), body


def test_two_megabyte_body(api, url):
    body = json.dumps({"network": {"name": "big", "description": "x" * (2 * 1024 * 1024)}})
    req = ("POST /v2.0/networks HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
           "Content-Length: %d\r\nConnection: close\r\n\r\n" % (urlparse(url).netloc, len(body)))
    status, head, payload = raw_http(url, req.encode() + body.encode())
    assert status in (400, 413), head
    err = json.loads(payload)["NeutronError"]
    assert err["type"] and err["message"] is not None
    assert_alive(api)


def test_two_megabyte_garbage_body(api):
    try:
        resp = api.post(NETS, data=b"\x00\xff" * (1024 * 1024),
                        headers={"Content-Type": "application/json"})
        assert resp.status_code in (400, 413), resp.text[:300]
    except requests.ConnectionError:
        # The server may close the connection once it has answered 413.
        pass
    assert_alive(api)


def test_two_megabyte_bulk_of_many_items(api, url):
    # Large enough to be over any sane body limit; the items themselves are invalid so
    # that a server without a limit creates nothing either.
    items = [{"name": "n", "bogus": "y" * 100}] * 20000
    body = json.dumps({"networks": items})
    assert len(body) > 2 * 1024 * 1024
    req = ("POST /v2.0/networks HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n"
           "Connection: close\r\n\r\n" % (urlparse(url).netloc, len(body)))
    status, head, _ = raw_http(url, req.encode() + body.encode())
    assert status in (400, 413), head
    assert_alive(api)


def test_ten_thousand_query_parameters(api):
    query = "&".join("name=n%d" % i for i in range(10000))
    resp = api.get(NETS + "?" + query, timeout=30)
    assert 400 <= resp.status_code < 500, resp.status_code
    assert_alive(api)


def test_hundred_kilobyte_parameter_value(api):
    resp = api.get(NETS + "?name=" + "a" * 100000, timeout=30)
    assert 400 <= resp.status_code < 500, resp.status_code
    assert_alive(api)


def test_hundred_kilobyte_path(api):
    resp = api.get(NETS + "/" + "a" * 100000, timeout=30)
    assert 400 <= resp.status_code < 500, resp.status_code
    assert_alive(api)


def test_many_fields_and_sort_keys(api):
    params = [("fields", "f%d" % i) for i in range(500)] + [("sort_key", "name")] * 50 + \
        [("sort_dir", "asc")] * 50
    resp = api.get(NETS, params=params, timeout=30)
    assert resp.status_code < 500
    assert_alive(api)


def test_odd_query_strings(api):
    for query in ["?", "?&&&", "?=", "?name", "?name=%zz", "?%00=1",
                  "?sort_key=&sort_dir=", "?fields=", "?marker=" + rand_uuid()]:
        resp = api.get(NETS + query, timeout=30)
        assert resp.status_code < 500, (query, resp.status_code, resp.text[:200])
    assert_alive(api)


@pytest.mark.neutrino_only
def test_limit_beyond_64_bits(api):
    # Zed answers 500 (the database driver overflows).
    resp = api.get(NETS + "?limit=99999999999999999999")
    assert 400 <= resp.status_code < 500 or resp.status_code == 200, resp.status_code


def test_huge_header(api, url):
    req = ("GET /v2.0/networks HTTP/1.1\r\nHost: %s\r\nX-Big: %s\r\nConnection: close\r\n\r\n"
           % (urlparse(url).netloc, "h" * 100000))
    try:
        status, head, _ = raw_http(url, req.encode())
        assert status is None or status < 500, head
    except AssertionError as e:
        if "no answer at all" not in str(e):
            raise
    assert_alive(api)


def test_request_line_garbage(api, url):
    try:
        status, head, _ = raw_http(url, b"BLAH\r\n\r\n")
        assert status is None or (400 <= status < 600 and status != 500), head
    except AssertionError as e:
        if "no answer at all" not in str(e):
            raise
    assert_alive(api)
