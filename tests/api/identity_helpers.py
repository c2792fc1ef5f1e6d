"""Helpers for tests that run against a server with the built-in identity service
(auth_strategy = keystone): log in, make projects, users and grants through the
Keystone v3 API, and talk to the network API with a token."""

import requests

from api_helpers import Api, uname

ADMIN_PW = "adminpw-test"
DEMO_PW = "demopw-test"
AGENT_PW = "agentpw-test"


def password_auth(user, password, project=None, domain_key="name"):
    dom = {"name": "Default"} if domain_key == "name" else {"id": "default"}
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": dom, "password": password}}}}}
    if project:
        body["auth"]["scope"] = {"project": {"name": project, "domain": dom}}
    return body


class TokenApi(Api):
    """Api that sends X-Auth-Token (None: no token at all)."""

    def __init__(self, url, token):
        super().__init__(url)
        self.token = token

    def request(self, method, path, body=None, **kw):
        headers = dict(kw.pop("headers", None) or {})
        if self.token is not None:
            headers.setdefault("X-Auth-Token", self.token)
        if body is None:
            return super().request(method, path, headers=headers, **kw)
        return super().request(method, path, body, headers=headers, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)


class Cloud:
    """The accounts of one identity-enabled server.

    Bootstrap gives admin (admin of project admin) and demo (member of demo); setup()
    adds alt (member of a second project) and rdr (reader of demo)."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.ks = self.url + "/identity/v3"
        self.passwords = {"admin": ADMIN_PW, "demo": DEMO_PW, "neutrino-agent": AGENT_PW}
        self.projects = {}
        self.users = {}
        self._tokens = {}

    def issue(self, user, password=None, project=None):
        r = requests.post(self.ks + "/auth/tokens",
                          json=password_auth(user, password or self.passwords[user], project),
                          timeout=30)
        return r

    def token(self, user, project=None):
        """A (cached) project-scoped token of one of the accounts."""
        project = project or {"admin": "admin", "demo": "demo", "alt": "alt",
                              "rdr": "demo", "neutrino-agent": "service"}.get(user, user)
        key = (user, project)
        if key not in self._tokens:
            r = self.issue(user, project=project)
            assert r.status_code == 201, r.text
            self._tokens[key] = r.headers["X-Subject-Token"]
        return self._tokens[key]

    def forget(self, user):
        for k in [k for k in self._tokens if k[0] == user]:
            del self._tokens[k]

    def api(self, user):
        """TokenApi for 'user' ('none' sends no token)."""
        return TokenApi(self.url, None if user == "none" else self.token(user))

    def admin_call(self, method, path, body=None, expect=None):
        r = requests.request(method, self.ks + path, json=body, timeout=30,
                             headers={"X-Auth-Token": self.token("admin")})
        if expect is not None:
            assert r.status_code == expect, "%s %s -> %d %s" % (method, path, r.status_code,
                                                                r.text)
        return r

    def role_id(self, name):
        r = self.admin_call("GET", "/roles?name=" + name, expect=200)
        return r.json()["roles"][0]["id"]

    def project_id(self, name):
        if name not in self.projects:
            r = self.admin_call("GET", "/projects?name=" + name, expect=200)
            self.projects[name] = r.json()["projects"][0]["id"]
        return self.projects[name]

    def make_project(self, name):
        r = self.admin_call("POST", "/projects", {"project": {"name": name}}, expect=201)
        self.projects[name] = r.json()["project"]["id"]
        return self.projects[name]

    def make_user(self, name, password, project, role):
        r = self.admin_call("POST", "/users", {"user": {"name": name, "password": password}},
                            expect=201)
        uid = r.json()["user"]["id"]
        self.users[name] = uid
        self.passwords[name] = password
        self.admin_call("PUT", "/projects/%s/users/%s/roles/%s" % (
            self.project_id(project), uid, self.role_id(role)), expect=204)
        return uid

    def setup(self):
        self.make_project("alt")
        self.make_user("alt", "altpw-" + uname(), "alt", "member")
        self.make_user("rdr", "rdrpw-" + uname(), "demo", "reader")
        return self


def identity_overrides(extra=None):
    """Config overrides for a built-in identity server with known passwords."""
    o = {"neutron.conf": {"DEFAULT": {"auth_strategy": "keystone"},
                          "identity": {"admin_password": ADMIN_PW,
                                       "demo_password": DEMO_PW,
                                       "agent_password": AGENT_PW}}}
    for fname, sections in (extra or {}).items():
        for sec, keys in sections.items():
            o.setdefault(fname, {}).setdefault(sec, {}).update(keys)
    return o
