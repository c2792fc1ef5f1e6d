"""The built-in identity service: the Keystone v3 calls clients make
(docs/behaviour/policy.md §5), tokens (issue, validate, revoke, re-scope, expiry of
rights), admin CRUD, bootstrap and clouds.yaml, and bad input: malformed or huge bodies,
brute force, tampering — always a clear 4xx and nothing leaked."""

import os
import re
import stat
import time

import pytest
import requests
import yaml

from api_helpers import uname
from identity_helpers import ADMIN_PW, DEMO_PW, Cloud, identity_overrides, password_auth

pytestmark = pytest.mark.own_server

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000000Z$")
ID_RE = re.compile(r"^[0-9a-f]{32}$")


def ks_error(r, code):
    assert r.status_code == code, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["title"]
    assert body["error"]["message"]
    return body["error"]["message"]


# --- Discovery ------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["/identity", ""])
def test_version_discovery(ks_server, prefix):
    base = ks_server.url + prefix
    r = requests.get(base + "/v3", timeout=10)
    assert r.status_code == 200
    v = r.json()["version"]
    assert v["id"] == "v3.14" and v["status"] == "stable"
    assert v["links"] == [{"rel": "self", "href": base + "/v3/"}]
    assert v["media-types"][0]["type"] == "application/vnd.openstack.identity-v3+json"
    assert r.headers["Vary"] == "X-Auth-Token"
    if prefix:
        r = requests.get(base + "/", timeout=10, allow_redirects=False)
        assert r.status_code == 300
        assert r.json()["versions"]["values"][0]["id"] == "v3.14"
        assert r.headers["Location"] == base + "/v3/"
    # Neutron's own version list stays at /.
    assert requests.get(ks_server.url + "/", timeout=10).json()["versions"][0]["id"] == "v2.0"


# --- Tokens ---------------------------------------------------------------------------

def test_password_token_shape(ks_server):
    r = ks_server.issue("demo", project="demo")
    assert r.status_code == 201, r.text
    token = r.headers["X-Subject-Token"]
    assert len(token) == 43 and token not in r.text
    t = r.json()["token"]
    assert t["methods"] == ["password"]
    assert t["user"] == {"domain": {"id": "default", "name": "Default"},
                         "id": t["user"]["id"], "name": "demo", "password_expires_at": None}
    assert ID_RE.match(t["user"]["id"])
    assert t["project"] == {"domain": {"id": "default", "name": "Default"},
                            "id": ks_server.project_id("demo"), "name": "demo"}
    assert t["is_domain"] is False
    assert [x["name"] for x in t["roles"]] == ["reader", "member"]
    assert TIME_RE.match(t["expires_at"]) and TIME_RE.match(t["issued_at"])
    assert len(t["audit_ids"]) == 1 and len(t["audit_ids"][0]) == 22
    services = {s["type"]: s for s in t["catalog"]}
    assert services["network"]["name"] == "neutron"
    assert services["identity"]["name"] == "keystone"
    for s, url in ((services["network"], ks_server.url),
                   (services["identity"], ks_server.url + "/identity/v3/")):
        assert sorted(e["interface"] for e in s["endpoints"]) == ["admin", "internal", "public"]
        for e in s["endpoints"]:
            assert e["url"] == url and e["region"] == e["region_id"] == "RegionOne"


def test_admin_token_lists_implied_roles(ks_server):
    t = ks_server.issue("admin", project="admin").json()["token"]
    assert sorted(x["name"] for x in t["roles"]) == ["admin", "member", "reader"]


def test_scope_variants(ks_server):
    uid = ks_server.issue("demo", project="demo").json()["token"]["user"]["id"]
    pid = ks_server.project_id("demo")
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": uid, "password": DEMO_PW}}},
        "scope": {"project": {"id": pid}}}}
    r = requests.post(ks_server.ks + "/auth/tokens", json=body, timeout=30)
    assert r.status_code == 201
    assert r.json()["token"]["project"]["id"] == pid
    # Domain by id, and no scope: demo's default project.
    r = requests.post(ks_server.ks + "/auth/tokens",
                      json=password_auth("demo", DEMO_PW, None, domain_key="id"), timeout=30)
    assert r.status_code == 201
    assert r.json()["token"]["project"]["name"] == "demo"
    # ?nocatalog
    r = requests.post(ks_server.ks + "/auth/tokens?nocatalog",
                      json=password_auth("demo", DEMO_PW, "demo"), timeout=30)
    assert r.status_code == 201 and "catalog" not in r.json()["token"]


def test_unscoped_then_rescoped(ks_server):
    r = ks_server.issue("admin")
    assert r.status_code == 201
    t = r.json()["token"]
    assert set(t) == {"methods", "user", "audit_ids", "expires_at", "issued_at"}
    unscoped = r.headers["X-Subject-Token"]
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": unscoped}},
                     "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
    r = requests.post(ks_server.ks + "/auth/tokens", json=body, timeout=30)
    assert r.status_code == 201, r.text
    scoped = r.json()["token"]
    assert scoped["project"]["name"] == "admin"
    assert scoped["expires_at"] == t["expires_at"]
    assert scoped["audit_ids"][1] == t["audit_ids"][0]
    assert "catalog" in scoped


@pytest.mark.parametrize("user,password,project", [
    ("demo", "wrong", "demo"),            # wrong password
    ("nobody-" + uname(), "x", None),     # unknown user
    ("demo", DEMO_PW, "admin"),           # no role on that project
    ("demo", DEMO_PW, "no-such-project"),
])
def test_failed_login_is_401(ks_server, user, password, project):
    r = requests.post(ks_server.ks + "/auth/tokens",
                      json=password_auth(user, password, project), timeout=30)
    assert ks_error(r, 401) == "The request you have made requires authentication."
    assert r.headers["WWW-Authenticate"] == 'Keystone uri="%s/identity/v3"' % ks_server.url
    assert "X-Subject-Token" not in r.headers


def test_other_domain_is_401(ks_server):
    body = password_auth("demo", DEMO_PW, "demo")
    body["auth"]["identity"]["password"]["user"]["domain"] = {"name": "Other"}
    ks_error(requests.post(ks_server.ks + "/auth/tokens", json=body, timeout=30), 401)


@pytest.mark.parametrize("raw", [
    b"{bad", b"", b"[]", b'"auth"', b'{"auth": 1}', b'{"auth": {}}',
    b'{"auth": {"identity": {}}}',
    b'{"auth": {"identity": {"methods": "password"}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {}}}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo",'
    b' "password": "x"}}}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "x",'
    b' "password": "x"}}}, "scope": {"project": {"name": "demo"}}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "x",'
    b' "password": "x"}}}, "scope": {"domain": {"id": "default"}}}}',
    b'\xff\xfe{}',
    b'{"auth": ' * 5000,
])
def test_malformed_auth_bodies_are_400(ks_server, raw):
    r = requests.post(ks_server.ks + "/auth/tokens", data=raw, timeout=30,
                      headers={"Content-Type": "application/json"})
    ks_error(r, 400)


@pytest.mark.parametrize("raw", [
    b'{"auth": {"identity": {"methods": ["totp"], "totp": {}}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "x",'
    b' "password": 5}}}}}',
    b'{"auth": {"identity": {"methods": ["token"], "token": {"id": "nope"}}}}',
])
def test_unusable_credentials_are_401(ks_server, raw):
    r = requests.post(ks_server.ks + "/auth/tokens", data=raw, timeout=30,
                      headers={"Content-Type": "application/json"})
    ks_error(r, 401)


def test_huge_auth_body_is_413(ks_server):
    big = password_auth("demo", "x" * 200000, "demo")
    r = requests.post(ks_server.ks + "/auth/tokens", json=big, timeout=30)
    ks_error(r, 413)


def test_long_password_is_refused_quickly(ks_server):
    start = time.monotonic()
    r = requests.post(ks_server.ks + "/auth/tokens",
                      json=password_auth("demo", "y" * 5000, "demo"), timeout=30)
    ks_error(r, 401)
    assert time.monotonic() - start < 10


def test_validate_check_revoke(ks_server):
    admin = ks_server.token("admin")
    r = ks_server.issue("demo", project="demo")
    demo = r.headers["X-Subject-Token"]
    hdr = {"X-Auth-Token": admin, "X-Subject-Token": demo}
    v = requests.get(ks_server.ks + "/auth/tokens", headers=hdr, timeout=10)
    assert v.status_code == 200
    assert v.headers["X-Subject-Token"] == demo
    assert v.json()["token"]["user"] == r.json()["token"]["user"]
    assert v.json()["token"]["audit_ids"] == r.json()["token"]["audit_ids"]
    assert requests.head(ks_server.ks + "/auth/tokens", headers=hdr, timeout=10).status_code == 200
    # A user may check its own token, not another's.
    own = {"X-Auth-Token": demo, "X-Subject-Token": demo}
    assert requests.get(ks_server.ks + "/auth/tokens", headers=own, timeout=10).status_code == 200
    r2 = requests.get(ks_server.ks + "/auth/tokens", timeout=10,
                      headers={"X-Auth-Token": demo, "X-Subject-Token": admin})
    ks_error(r2, 403)
    # The network API takes it, until it is revoked.
    net = {"X-Auth-Token": demo}
    assert requests.get(ks_server.url + "/v2.0/networks", headers=net, timeout=10).status_code == 200
    d = requests.delete(ks_server.ks + "/auth/tokens", headers=hdr, timeout=10)
    assert d.status_code == 204
    assert requests.get(ks_server.url + "/v2.0/networks", headers=net, timeout=10).status_code == 401
    ks_error(requests.get(ks_server.ks + "/auth/tokens", headers=hdr, timeout=10), 404)
    assert requests.head(ks_server.ks + "/auth/tokens", headers=hdr, timeout=10).status_code == 404
    ks_error(requests.get(ks_server.ks + "/auth/tokens", timeout=10,
                          headers={"X-Subject-Token": admin}), 401)


def test_auth_projects(ks_server):
    r = requests.get(ks_server.ks + "/auth/projects", timeout=10,
                     headers={"X-Auth-Token": ks_server.token("demo")})
    assert r.status_code == 200
    projects = r.json()["projects"]
    assert [p["name"] for p in projects] == ["demo"]
    p = projects[0]
    assert set(p) == {"id", "name", "domain_id", "description", "enabled", "parent_id",
                      "is_domain", "tags", "options", "links"}
    assert p["links"]["self"] == ks_server.ks + "/projects/" + p["id"]
    assert r.json()["links"] == {"next": None, "previous": None,
                                 "self": ks_server.ks + "/auth/projects"}


# --- Admin API ------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,body", [
    ("GET", "/projects", None),
    ("POST", "/projects", {"project": {"name": "p"}}),
    ("GET", "/users", None),
    ("POST", "/users", {"user": {"name": "u"}}),
    ("GET", "/roles", None),
    ("POST", "/roles", {"role": {"name": "r"}}),
    ("GET", "/role_assignments", None),
])
def test_admin_api_is_for_admins(ks_server, method, path, body):
    for user in ("demo", "rdr", "alt"):
        r = requests.request(method, ks_server.ks + path, json=body, timeout=10,
                             headers={"X-Auth-Token": ks_server.token(user)})
        assert "You are not authorized" in ks_error(r, 403)
    ks_error(requests.request(method, ks_server.ks + path, json=body, timeout=10), 401)


def test_project_user_role_lifecycle(ks_server):
    pname, uname_, rname = uname("proj"), uname("user"), uname("role")
    p = ks_server.admin_call("POST", "/projects", {"project": {
        "name": pname, "description": "d", "domain_id": "default"}}, expect=201).json()["project"]
    assert p["name"] == pname and p["enabled"] is True and p["domain_id"] == "default"
    ks_error(ks_server.admin_call("POST", "/projects", {"project": {"name": pname}}), 409)
    u = ks_server.admin_call("POST", "/users", {"user": {
        "name": uname_, "password": "pw-" + uname_, "default_project_id": p["id"],
        "email": "a@b"}}, expect=201).json()["user"]
    assert "password" not in u and "password_hash" not in str(u)
    ks_error(ks_server.admin_call("POST", "/users", {"user": {"name": uname_}}), 409)
    role = ks_server.admin_call("POST", "/roles", {"role": {"name": rname}},
                                expect=201).json()["role"]
    member = ks_server.role_id("member")
    grant = "/projects/%s/users/%s/roles/%s" % (p["id"], u["id"], member)
    ks_server.admin_call("HEAD", grant, expect=404)
    # No role yet: the user cannot get a token for the project.
    cloud = Cloud(ks_server.url)
    assert cloud.issue(uname_, "pw-" + uname_, pname).status_code == 401
    ks_server.admin_call("PUT", grant, expect=204)
    ks_server.admin_call("PUT", grant, expect=204)     # idempotent
    ks_server.admin_call("HEAD", grant, expect=204)
    r = cloud.issue(uname_, "pw-" + uname_, pname)
    assert r.status_code == 201
    token = r.headers["X-Subject-Token"]
    net = {"X-Auth-Token": token}
    assert requests.get(ks_server.url + "/v2.0/networks", headers=net, timeout=10).status_code == 200
    listed = ks_server.admin_call("GET", "/projects/%s/users/%s/roles" % (p["id"], u["id"]),
                                  expect=200).json()["roles"]
    assert [x["name"] for x in listed] == ["member"]
    ra = ks_server.admin_call("GET", "/role_assignments?user.id=" + u["id"] + "&include_names",
                              expect=200).json()["role_assignments"]
    assert ra[0]["user"]["name"] == uname_ and ra[0]["scope"]["project"]["name"] == pname
    assert ra[0]["role"]["name"] == "member"
    # The user's own view.
    r = requests.get(ks_server.ks + "/users/%s/projects" % u["id"], headers=net, timeout=10)
    assert [x["name"] for x in r.json()["projects"]] == [pname]
    # Revoking the role takes effect at once, on the network API too.
    ks_server.admin_call("DELETE", grant, expect=204)
    ks_error(ks_server.admin_call("DELETE", grant), 404)
    assert requests.get(ks_server.url + "/v2.0/networks", headers=net, timeout=10).status_code == 401
    # Update and delete.
    upd = ks_server.admin_call("PATCH", "/projects/" + p["id"], {"project": {
        "description": "new"}}, expect=200).json()["project"]
    assert upd["description"] == "new" and upd["name"] == pname
    ks_server.admin_call("DELETE", "/roles/" + role["id"], expect=204)
    ks_error(ks_server.admin_call("DELETE", "/roles/" + ks_server.role_id("admin")), 403)
    ks_server.admin_call("DELETE", "/users/" + u["id"], expect=204)
    ks_server.admin_call("DELETE", "/projects/" + p["id"], expect=204)
    ks_error(ks_server.admin_call("GET", "/projects/" + p["id"]), 404)
    ks_error(ks_server.admin_call("GET", "/users/" + u["id"]), 404)


def test_disabling_a_user_or_changing_its_password_revokes_its_tokens(ks_server):
    name = uname("usr")
    uid = ks_server.make_user(name, "pw1-" + name, "demo", "member")
    t1 = ks_server.token(name, "demo")
    net = lambda t: requests.get(ks_server.url + "/v2.0/networks", timeout=10,  # noqa: E731
                                 headers={"X-Auth-Token": t}).status_code
    assert net(t1) == 200
    r = requests.post(ks_server.ks + "/users/%s/password" % uid, timeout=30,
                      headers={"X-Auth-Token": t1},
                      json={"user": {"original_password": "pw1-" + name, "password": "pw2"}})
    assert r.status_code == 204, r.text
    assert net(t1) == 401
    ks_server.passwords[name] = "pw2"
    ks_server.forget(name)
    t2 = ks_server.token(name, "demo")
    assert net(t2) == 200
    ks_server.admin_call("PATCH", "/users/" + uid, {"user": {"enabled": False}}, expect=200)
    assert net(t2) == 401
    assert ks_server.issue(name, "pw2", "demo").status_code == 401
    ks_server.admin_call("DELETE", "/users/" + uid, expect=204)


def test_bad_admin_bodies(ks_server):
    for body in ({}, {"project": "x"}, {"project": {}}, {"project": {"name": ""}},
                 {"project": {"name": 5}}, {"project": {"name": "n" * 65}},
                 {"project": {"name": "x", "enabled": "yes"}},
                 {"project": {"name": "x", "domain_id": "other"}}):
        ks_error(ks_server.admin_call("POST", "/projects", body), 400)
    for body in ({"user": {}}, {"user": {"name": "u", "password": 7}},
                 {"user": {"name": "u", "default_project_id": "nope"}}):
        ks_error(ks_server.admin_call("POST", "/users", body), 400)
    r = requests.post(ks_server.ks + "/projects", data=b"{", timeout=10,
                      headers={"X-Auth-Token": ks_server.token("admin")})
    ks_error(r, 400)


def test_domains(ks_server):
    r = requests.get(ks_server.ks + "/domains/default", timeout=10,
                     headers={"X-Auth-Token": ks_server.token("demo")})
    assert r.status_code == 200 and r.json()["domain"]["name"] == "Default"
    r = ks_server.admin_call("GET", "/domains?name=Default", expect=200)
    assert [d["id"] for d in r.json()["domains"]] == ["default"]
    ks_error(ks_server.admin_call("GET", "/domains/other"), 404)


def test_unknown_identity_path_and_method(ks_server):
    ks_error(ks_server.admin_call("GET", "/nothing"), 404)
    ks_error(ks_server.admin_call("PUT", "/projects"), 405)


# --- Brute force and leaks ------------------------------------------------------------

def test_lockout_after_repeated_failures(start_server):
    srv = start_server(identity_overrides({"neutron.conf": {"security_compliance": {
        "lockout_failure_attempts": "3", "lockout_duration": "2"}}}))
    cloud = Cloud(srv.url)
    name = uname("victim")
    cloud.make_user(name, "right-pw", "demo", "member")
    for _ in range(3):
        assert cloud.issue(name, "wrong", "demo").status_code == 401
    # Locked: even the right password is refused, quickly (no hashing).
    start = time.monotonic()
    assert cloud.issue(name, "right-pw", "demo").status_code == 401
    assert time.monotonic() - start < 5
    assert "locked out" in srv.log_path.read_text()
    time.sleep(2.2)
    assert cloud.issue(name, "right-pw", "demo").status_code == 201


def test_nothing_secret_in_answers_or_log(ks_server):
    token = ks_server.token("demo")
    texts = []
    for path in ("/users", "/users/" + ks_server.users["alt"], "/projects", "/role_assignments"):
        texts.append(ks_server.admin_call("GET", path, expect=200).text)
    texts.append(requests.get(ks_server.url + "/v2.0/networks", timeout=10,
                              headers={"X-Auth-Token": token}).text)
    for t in texts:
        assert "$argon2" not in t and ADMIN_PW not in t and DEMO_PW not in t
    log = ks_server.server.log_path.read_text()
    for secret in (token, ks_server.token("admin"), ADMIN_PW, DEMO_PW, "$argon2"):
        assert secret not in log


# --- Bootstrap ------------------------------------------------------------------------

def test_generated_passwords_in_clouds_yaml(start_server, tmp_path):
    srv = start_server({"neutron.conf": {"DEFAULT": {"auth_strategy": "keystone"}}})
    path = srv.state / "clouds.yaml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert str(path) in srv.log_path.read_text()
    clouds = yaml.safe_load(path.read_text())["clouds"]
    assert set(clouds) == {"neutrino-admin", "neutrino-demo", "neutrino-agent"}
    for cloud, user, project in (("neutrino-admin", "admin", "admin"),
                                 ("neutrino-demo", "demo", "demo"),
                                 ("neutrino-agent", "neutrino-agent", "service")):
        auth = clouds[cloud]["auth"]
        assert auth["auth_url"] == srv.url + "/identity/v3"
        assert auth["username"] == user and auth["project_name"] == project
        assert len(auth["password"]) >= 20
        assert auth["password"] not in srv.log_path.read_text()
        r = requests.post(auth["auth_url"] + "/auth/tokens", timeout=30,
                          json=password_auth(user, auth["password"], project))
        assert r.status_code == 201
        if cloud == "neutrino-agent":
            assert [x["name"] for x in r.json()["token"]["roles"]] == ["service"]
    r = requests.post(clouds["neutrino-demo"]["auth"]["auth_url"] + "/auth/tokens", timeout=30,
                      json=password_auth("demo", clouds["neutrino-demo"]["auth"]["password"],
                                         "demo"))
    # A restart keeps identities, tokens and the file.
    before = path.read_text()
    token = r.headers["X-Subject-Token"]
    srv.restart()
    assert path.read_text() == before
    r = requests.get(srv.url + "/v2.0/networks", headers={"X-Auth-Token": token}, timeout=10)
    assert r.status_code == 200


def test_configured_password_wins_on_restart(start_server):
    srv = start_server(identity_overrides())
    srv.overrides["neutron.conf"]["identity"]["demo_password"] = "changed-pw"
    srv._write_config()
    srv.restart()
    cloud = Cloud(srv.url)
    assert cloud.issue("demo", DEMO_PW, "demo").status_code == 401
    assert cloud.issue("demo", "changed-pw", "demo").status_code == 201


def test_noauth_keeps_identity_but_not_tokens(start_server):
    """auth_strategy = noauth: the network API ignores tokens (every caller is admin
    unless X-Project-Id says otherwise); the identity API still answers."""
    srv = start_server(identity_overrides({"neutron.conf": {"DEFAULT": {
        "auth_strategy": "noauth"}}}))
    assert requests.get(srv.url + "/v2.0/networks", timeout=10).status_code == 200
    assert Cloud(srv.url).issue("admin", ADMIN_PW, "admin").status_code == 201
