"""Small helpers shared by the API tests: a thin HTTP client, error assertions,
unique names and a tracker that deletes what a test created.

Kept apart from conftest.py so that test modules can import them by name
(pytest puts this directory on sys.path)."""

import ipaddress
import json
import re
import uuid

import requests

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
REQUEST_ID_RE = re.compile(
    r"^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAC_RE = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")

_OMIT = object()


def uname(prefix="t"):
    """A name no other test (or earlier run of the suite) uses."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def rand_uuid():
    return str(uuid.uuid4())


class Api:
    """requests with the server's base URL, JSON bodies and a default timeout.

    Every call returns the requests.Response untouched so tests can look at
    the exact status, headers and body."""

    def __init__(self, url, timeout=60):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def request(self, method, path, body=_OMIT, data=None, headers=None, params=None,
                timeout=None):
        hdrs = {"Accept": "application/json"}
        if headers:
            hdrs.update(headers)
        if body is not _OMIT:
            data = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        return self.session.request(method, self.url + path, data=data, headers=hdrs,
                                    params=params, timeout=timeout or self.timeout)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_OMIT, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=_OMIT, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # Shortcuts that insist on success and return the resource dict.
    def ok(self, resp, status):
        assert resp.status_code == status, "%s %s -> %d (wanted %d): %s" % (
            resp.request.method, resp.request.url, resp.status_code, status, resp.text[:2000])
        return resp.json() if resp.content else None

    def show(self, collection, rid, **kw):
        body = self.ok(self.get("/v2.0/%s/%s" % (collection, rid), **kw), 200)
        return body[collection[:-1]]

    def update(self, collection, rid, attrs, **kw):
        key = collection[:-1]
        body = self.ok(self.put("/v2.0/%s/%s" % (collection, rid), {key: attrs}, **kw), 200)
        return body[key]

    def list(self, collection, params=None):
        return self.ok(self.get("/v2.0/" + collection, params=params), 200)[collection]


def error_of(resp):
    """The NeutronError dict of a response, checking its shape."""
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError("status %d, body is not JSON: %r" % (resp.status_code,
                                                                 resp.text[:500]))
    assert isinstance(body, dict) and "NeutronError" in body, "not a NeutronError: %r" % body
    err = body["NeutronError"]
    assert set(err) == {"type", "message", "detail"}, err
    assert err["detail"] == "", err
    return err


def assert_error(resp, status, type_=None, message=None, contains=None):
    """Checks status, the NeutronError shape, its type and (exact) message."""
    assert resp.status_code == status, "wanted %d, got %d: %s" % (
        status, resp.status_code, resp.text[:2000])
    err = error_of(resp)
    if type_ is not None:
        assert err["type"] == type_, err
    if message is not None:
        assert err["message"] == message, err
    if contains is not None:
        assert contains in err["message"], err
    return err


def invalid_input(text):
    """Message of an InvalidInput error (docs/behaviour/api.md §1.2)."""
    return "Invalid input for operation: %s." % text


def bad_attr(attr, reason):
    """Message of a failed attribute validator (docs/behaviour/api.md §1.2)."""
    return "Invalid input for %s. Reason: %s." % (attr, reason)


def ip_in(addr, cidr):
    return ipaddress.ip_address(addr) in ipaddress.ip_network(cidr)


class Resources:
    """Creates networks, subnets and ports through the API and deletes them
    (ports, then subnets, then networks) when the owning fixture ends."""

    ORDER = ("ports", "subnets", "networks")

    def __init__(self, api):
        self.api = api
        self.created = {c: [] for c in self.ORDER}

    def track(self, collection, rid):
        self.created[collection].append(rid)
        return rid

    def _create(self, collection, attrs, expect):
        key = collection[:-1]
        resp = self.api.post("/v2.0/" + collection, {key: attrs})
        if resp.status_code == 201:
            self.track(collection, resp.json()[key]["id"])
        if expect is None:
            return resp
        return self.api.ok(resp, expect)[key]

    def network(self, expect=201, **attrs):
        """Creates a network (unique name unless one is given)."""
        attrs.setdefault("name", uname("net"))
        return self._create("networks", attrs, expect)

    def subnet(self, network, cidr=None, expect=201, **attrs):
        """Creates a subnet on 'network' (a dict or an id); ip_version follows cidr
        unless given."""
        attrs["network_id"] = network["id"] if isinstance(network, dict) else network
        if cidr is not None:
            attrs["cidr"] = cidr
            attrs.setdefault("ip_version", 6 if ":" in cidr else 4)
        attrs.setdefault("name", uname("sub"))
        return self._create("subnets", attrs, expect)

    def port(self, network, expect=201, **attrs):
        attrs["network_id"] = network["id"] if isinstance(network, dict) else network
        attrs.setdefault("name", uname("port"))
        return self._create("ports", attrs, expect)

    def bulk(self, collection, items, expect=201):
        """Bulk create; tracks every created item."""
        resp = self.api.post("/v2.0/" + collection, {collection: items})
        if resp.status_code == 201:
            for item in resp.json()[collection]:
                self.track(collection, item["id"])
        if expect is None:
            return resp
        return self.api.ok(resp, expect)[collection]

    def cleanup(self):
        problems = []
        for collection in self.ORDER:
            for rid in reversed(self.created[collection]):
                try:
                    resp = self.api.delete("/v2.0/%s/%s" % (collection, rid))
                except requests.RequestException as e:  # server gone: nothing to clean
                    problems.append("%s %s: %s" % (collection, rid, e))
                    continue
                if resp.status_code not in (204, 404):
                    problems.append("%s %s: %d %s" % (collection, rid, resp.status_code,
                                                      resp.text[:200]))
            self.created[collection] = []
        return problems
