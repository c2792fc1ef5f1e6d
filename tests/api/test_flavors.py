"""The flavors framework and the service providers (docs/behaviour/api.md §17):
flavors, service profiles, a flavor's profiles, /v2.0/service-providers, with Zed's
validation, errors and policy.

Every exchange was checked against the real Zed (router plugin loaded, as neutrino
always serves routers); run against it with NEUTRINO_TEST_URL.  Tests that act as a
non-admin through noauth headers, or where neutrino departs from Zed (Zed answers 500
to an association naming a flavor or profile that does not exist, and to a metainfo
that is a list or an object), are neutrino-only."""

import pytest

from api_helpers import UUID_RE, assert_error, rand_uuid, uname

neutrino_only = pytest.mark.neutrino_only

FL = "/v2.0/flavors"
SP = "/v2.0/service_profiles"
DRIVER = "neutron.services.l3_router.service_providers.single_node.SingleNodeDriver"
FLAVOR_KEYS = {"id", "name", "description", "service_type", "enabled", "service_profiles"}
PROFILE_KEYS = {"id", "description", "driver", "enabled", "metainfo"}
OWNER = {"tenant_id": "flavor-admin"}


class Made:
    """Flavors and profiles made by one test, deleted when it ends (flavors first, so
    their profiles are free)."""

    def __init__(self, api):
        self.api = api
        self.flavors = []
        self.profiles = []

    def flavor(self, expect=201, **attrs):
        attrs.setdefault("name", uname("fl"))
        attrs.setdefault("service_type", "L3_ROUTER_NAT")
        r = self.api.post(FL, {"flavor": dict(OWNER, **attrs)})
        if r.status_code == 201:
            self.flavors.append(r.json()["flavor"]["id"])
        return r if expect is None else self.api.ok(r, expect)["flavor"]

    def profile(self, expect=201, **attrs):
        r = self.api.post(SP, {"service_profile": dict(OWNER, **attrs)})
        if r.status_code == 201:
            self.profiles.append(r.json()["service_profile"]["id"])
        return r if expect is None else self.api.ok(r, expect)["service_profile"]

    def associate(self, fid, pid):
        return self.api.post("%s/%s/service_profiles" % (FL, fid),
                             {"service_profile": dict(OWNER, id=pid)})

    def cleanup(self):
        for fid in self.flavors:
            self.api.delete("%s/%s" % (FL, fid))
        for pid in self.profiles:
            self.api.delete("%s/%s" % (SP, pid))


@pytest.fixture
def made(api):
    m = Made(api)
    yield m
    m.cleanup()


def test_flavor_create_show_update_delete(api, made):
    f = made.flavor(description="d", enabled=False)
    assert set(f) == FLAVOR_KEYS
    assert UUID_RE.match(f["id"])
    assert (f["description"], f["service_type"], f["enabled"], f["service_profiles"]) == \
        ("d", "L3_ROUTER_NAT", False, [])
    assert api.show("flavors", f["id"]) == f
    u = api.update("flavors", f["id"], {"name": "renamed", "enabled": True, "description": None})
    assert (u["name"], u["enabled"], u["description"]) == ("renamed", True, None)
    assert api.ok(api.delete("%s/%s" % (FL, f["id"])), 204) is None
    assert_error(api.get("%s/%s" % (FL, f["id"])), 404, "FlavorNotFound",
                 "Flavor %s could not be found." % f["id"])
    assert_error(api.delete("%s/%s" % (FL, f["id"])), 404, "FlavorNotFound")


def test_flavor_defaults_and_nulls(made):
    f = made.flavor(description=None, enabled=None)
    assert (f["description"], f["enabled"]) == (None, True)
    g = made.flavor()
    assert (g["description"], g["enabled"]) == ("", True)


@pytest.mark.parametrize("st", ["CORE", "L3_ROUTER_NAT", "FLAVORS", "TAG", "timestamp",
                                "network-ip-availability", "revision_plugin"])
def test_flavor_known_service_types(made, st):
    assert made.flavor(service_type=st)["service_type"] == st


@pytest.mark.parametrize("st,shown", [("flavors", "flavors"), ("tag", "tag"), ("", ""),
                                      (None, "None"), (5, "5"), ("QOS", "QOS"),
                                      ("LOADBALANCERV2", "LOADBALANCERV2")])
def test_flavor_unknown_service_type(made, st, shown):
    assert_error(made.flavor(expect=None, service_type=st), 400, "InvalidServiceType",
                 "Invalid service type: %s." % shown)


def test_flavor_body_errors(api, made):
    r = api.post(FL, {"flavor": dict(OWNER, name="x")})
    assert_error(r, 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'service_type' not specified")
    f = made.flavor()
    path = "%s/%s" % (FL, f["id"])
    assert_error(api.put(path, {"flavor": {"service_type": "CORE"}}), 400, "HTTPBadRequest",
                 "Cannot update read-only attribute service_type")
    assert_error(api.put(path, {"flavor": {"id": rand_uuid()}}), 400, "HTTPBadRequest",
                 "Cannot update read-only attribute id")
    assert_error(api.put(path, {"flavor": {"bogus": 1}}), 400, "HTTPBadRequest",
                 "Unrecognized attribute(s) 'bogus'")
    assert_error(api.put(path, {"flavor": {"enabled": "x"}}), 400, "InvalidInput",
                 "Invalid input for operation: 'x' cannot be converted to boolean.")
    assert_error(api.put(path, {"flavor": {"name": None}}), 400, "HTTPBadRequest",
                 "Invalid input for name. Reason: 'None' is not a valid string.")
    assert_error(api.put(path, {"flavor": {"service_profiles": ["x"]}}), 400,
                 "HTTPBadRequest",
                 "Invalid input for service_profiles. Reason: 'x' is not a valid UUID.")
    assert_error(api.put(FL, {"flavor": {}}), 404, "FlavorNotFound",
                 "Flavor None could not be found.")


def test_flavor_service_profiles_attribute_is_ignored(api, made):
    """Zed accepts service_profiles in a body but changes nothing with it."""
    p = made.profile(metainfo="m")
    f = made.flavor(service_profiles=[p["id"]])
    assert f["service_profiles"] == []
    assert made.associate(f["id"], p["id"]).status_code == 201
    u = api.update("flavors", f["id"], {"service_profiles": []})
    assert u["service_profiles"] == [p["id"]]


def test_flavor_list_filters_fields_sort(api, made):
    name = uname("flist")
    a = made.flavor(name=name, enabled=False)
    made.flavor(name=name + "b")
    got = api.list("flavors", {"name": name})
    assert [f["id"] for f in got] == [a["id"]]
    got = api.list("flavors", {"name": name, "enabled": "false", "fields": "name"})
    assert got == [{"name": name}]
    assert api.list("flavors", {"name": name, "enabled": "true"}) == []
    assert_error(api.get(FL, params={"enabled": "maybe"}), 400, "InvalidInput",
                 "Invalid input for operation: 'maybe' cannot be converted to boolean.")
    assert_error(api.get(FL, params={"service_profiles": rand_uuid()}), 400,
                 "HTTPBadRequest", "['service_profiles'] is invalid attribute for filtering")
    got = api.list("flavors", {"name": [name, name + "b"], "sort_key": "name",
                               "sort_dir": "desc", "fields": "name"})
    assert got == [{"name": name + "b"}, {"name": name}]


def test_profile_create_show_update_delete(api, made):
    p = made.profile(driver=DRIVER, metainfo="{'a': 1}", description="dd", enabled=False)
    assert set(p) == PROFILE_KEYS
    assert (p["driver"], p["metainfo"], p["description"], p["enabled"]) == \
        (DRIVER, "{'a': 1}", "dd", False)
    assert api.show("service_profiles", p["id"]) == p
    path = "%s/%s" % (SP, p["id"])
    u = api.update("service_profiles", p["id"], {"driver": "", "metainfo": "",
                                                 "enabled": True, "description": None})
    assert (u["driver"], u["metainfo"], u["enabled"], u["description"]) == \
        ("", "", True, None)
    assert api.update("service_profiles", p["id"], {}) == u
    assert_error(api.put(path, {"service_profile": {"tenant_id": "x"}}), 400,
                 "HTTPBadRequest", "Cannot update read-only attribute tenant_id")
    assert api.ok(api.delete(path), 204) is None
    assert_error(api.get(path), 404, "ServiceProfileNotFound",
                 "Service Profile %s could not be found." % p["id"])
    assert_error(api.delete(path), 404, "ServiceProfileNotFound")
    assert_error(api.delete(SP), 404, "ServiceProfileNotFound",
                 "Service Profile None could not be found.")


@pytest.mark.parametrize("attrs", [{}, {"driver": ""}, {"metainfo": None}, {"metainfo": ""}])
def test_profile_needs_driver_or_metainfo(made, attrs):
    assert_error(made.profile(expect=None, **attrs), 400, "ServiceProfileEmpty",
                 "Service Profile needs either a driver or metainfo.")


def test_profile_driver_must_be_a_providers(api, made):
    assert_error(made.profile(expect=None, driver="x.y"), 404, "ServiceProfileDriverNotFound",
                 "Service Profile driver x.y could not be found.")
    assert_error(made.profile(expect=None, driver=None), 400, "HTTPBadRequest",
                 "Invalid input for driver. Reason: 'None' is not a valid string.")
    p = made.profile(metainfo="m")
    assert_error(api.put("%s/%s" % (SP, p["id"]), {"service_profile": {"driver": "bad"}}),
                 404, "ServiceProfileDriverNotFound",
                 "Service Profile driver bad could not be found.")


def test_profile_attribute_values(made):
    assert made.profile(metainfo=5)["metainfo"] == "5"
    assert made.profile(metainfo="m", enabled=None)["enabled"] is True
    assert made.profile(metainfo="m", description=None)["description"] is None
    long = "d" * 1024
    assert made.profile(metainfo="m", description=long)["description"] == long
    assert_error(made.profile(expect=None, metainfo="m", enabled="x"), 400, "InvalidInput",
                 "Invalid input for operation: 'x' cannot be converted to boolean.")
    assert_error(made.profile(expect=None, metainfo="m", name="n"), 400, "HTTPBadRequest",
                 "Unrecognized attribute(s) 'name'")
    assert_error(made.profile(expect=None, metainfo="m", id=rand_uuid()), 400,
                 "HTTPBadRequest", "Attribute 'id' not allowed in POST")


@neutrino_only
def test_profile_metainfo_object_refused(made):
    """Zed fails with a 500 on a metainfo that is no scalar."""
    assert_error(made.profile(expect=None, metainfo={"a": 1}), 400, "HTTPBadRequest",
                 "Invalid input for metainfo. Reason: '{'a': 1}' is not a valid string.")


def test_profile_list_filters(api, made):
    p = made.profile(driver=DRIVER, metainfo=uname("mi"))
    got = api.list("service_profiles", {"driver": DRIVER, "fields": ["id", "flavors"]})
    assert {"id": p["id"]} in got
    assert all(set(x) == {"id"} for x in got)
    assert_error(api.get(SP, params={"metainfo": "m"}), 400, "HTTPBadRequest",
                 "['metainfo'] is invalid attribute for filtering")


def test_association(api, made):
    p = made.profile(metainfo="m")
    f = made.flavor()
    base = "%s/%s/service_profiles" % (FL, f["id"])
    r = made.associate(f["id"], p["id"])
    # Zed's answer is the flavor cut down to the association's attributes: its id.
    assert api.ok(r, 201) == {"service_profile": {"id": f["id"]}}
    assert_error(made.associate(f["id"], p["id"]), 409, "FlavorServiceProfileBindingExists",
                 "Service Profile %s is already associated with flavor %s." % (p["id"],
                                                                              f["id"]))
    assert api.show("flavors", f["id"])["service_profiles"] == [p["id"]]
    assert api.ok(api.get("%s/%s" % (base, p["id"])), 200) == {"service_profile": {}}
    # A profile in a flavor can be neither changed nor deleted.
    in_use = "Service Profile %s is used by some service instance." % p["id"]
    assert_error(api.put("%s/%s" % (SP, p["id"]), {"service_profile": {"description": "x"}}),
                 409, "ServiceProfileInUse", in_use)
    assert_error(api.delete("%s/%s" % (SP, p["id"])), 409, "ServiceProfileInUse", in_use)
    assert api.ok(api.delete("%s/%s" % (base, p["id"])), 204) is None
    missing = "Service Profile %s is not associated with flavor %s." % (p["id"], f["id"])
    assert_error(api.delete("%s/%s" % (base, p["id"])), 404,
                 "FlavorServiceProfileBindingNotFound", missing)
    assert_error(api.get("%s/%s" % (base, p["id"])), 404,
                 "FlavorServiceProfileBindingNotFound", missing)
    assert api.show("flavors", f["id"])["service_profiles"] == []
    assert api.update("service_profiles", p["id"], {"description": "x"})["description"] == "x"


def test_association_gone_with_flavor(api, made):
    p = made.profile(metainfo="m")
    f = made.flavor()
    api.ok(made.associate(f["id"], p["id"]), 201)
    assert api.ok(api.delete("%s/%s" % (FL, f["id"])), 204) is None
    assert api.ok(api.delete("%s/%s" % (SP, p["id"])), 204) is None


def test_association_body_errors(api, made):
    f = made.flavor()
    base = "%s/%s/service_profiles" % (FL, f["id"])
    assert_error(api.post(base, {"service_profile": dict(OWNER, id="nope")}), 400,
                 "HTTPBadRequest", "Invalid input for id. Reason: 'nope' is not a valid UUID.")
    assert_error(api.post(base, {"service_profile": dict(OWNER)}), 400, "HTTPBadRequest",
                 "Failed to parse request. Required attribute 'id' not specified")
    assert_error(api.post(base, {"service_profile": dict(OWNER, id=rand_uuid(), x=1)}), 400,
                 "HTTPBadRequest", "Unrecognized attribute(s) 'x'")
    assert_error(api.post(base, {"x": 1}), 400, "HTTPBadRequest",
                 "Unable to find 'service_profile' in request body")


@neutrino_only
def test_association_of_missing_objects(api, made):
    """Zed answers these with a 500 (a foreign key); neutrino names what is missing."""
    p = made.profile(metainfo="m")
    f = made.flavor()
    gone = rand_uuid()
    assert_error(made.associate(f["id"], gone), 404, "ServiceProfileNotFound",
                 "Service Profile %s could not be found." % gone)
    assert_error(made.associate(gone, p["id"]), 404, "FlavorNotFound",
                 "Flavor %s could not be found." % gone)


def providers(api, params=None):
    return api.ok(api.get("/v2.0/service-providers", params=params), 200)["service_providers"]


def test_service_providers(api):
    got = providers(api)
    assert got == [{"service_type": "L3_ROUTER_NAT", "name": n, "default": False}
                   for n in ("dvrha", "dvr", "ha", "single_node")]
    assert providers(api, {"fields": "name"}) == [
        {"name": n} for n in ("dvrha", "dvr", "ha", "single_node")]
    assert providers(api, {"name": "ha"}) == [
        {"service_type": "L3_ROUTER_NAT", "name": "ha", "default": False}]
    drv = "neutron.services.l3_router.service_providers.ha.HaDriver"
    assert [p["name"] for p in providers(api, {"driver": drv})] == ["ha"]
    assert providers(api, {"default": "false"}) == []
    assert providers(api, {"service_type": "QOS"}) == []
    assert len(providers(api, {"bogus": "1", "limit": "1"})) == 4


def test_extensions_listed(api):
    ext = {e["alias"]: e for e in api.ok(api.get("/v2.0/extensions"), 200)["extensions"]}
    assert ext["flavors"] == {
        "name": "Neutron Service Flavors", "alias": "flavors",
        "description": "Flavor specification for Neutron advanced services.",
        "updated": "2015-09-17T10:00:00-00:00", "links": []}
    assert ext["service-type"] == {
        "name": "Neutron Service Type Management", "alias": "service-type",
        "description": "API for retrieving service providers for Neutron advanced services",
        "updated": "2013-01-20T00:00:00-00:00", "links": []}


def as_project(roles):
    return {"X-Project-Id": uname("proj"), "X-Roles": roles}


@neutrino_only
def test_policy_non_admin_new_defaults(api, made):
    """neutrino's default rule set (new defaults): writes are the admin's; a flavor has
    no project, so no reader of one passes get_flavor; any reader lists providers."""
    f = made.flavor()
    p = made.profile(metainfo="m")
    h = as_project("member,reader")
    r = api.post(FL, {"flavor": {"name": "x", "service_type": "CORE"}}, headers=h)
    assert_error(r, 403, "PolicyNotAuthorized", "rule:create_flavor is disallowed by policy")
    r = api.post(SP, {"service_profile": {"metainfo": "m"}}, headers=h)
    assert_error(r, 403, "PolicyNotAuthorized",
                 "rule:create_service_profile is disallowed by policy")
    assert_error(api.get("%s/%s" % (FL, f["id"]), headers=h), 404, "HTTPNotFound",
                 "The resource could not be found.")
    assert_error(api.put("%s/%s" % (FL, f["id"]), {"flavor": {"name": "y"}}, headers=h), 404,
                 "HTTPNotFound")
    assert_error(api.delete("%s/%s" % (SP, p["id"]), headers=h), 404, "HTTPNotFound")
    assert api.ok(api.get(FL, headers=h), 200) == {"flavors": []}
    assert api.ok(api.get(SP, headers=h), 200) == {"service_profiles": []}
    r = api.post("%s/%s/service_profiles" % (FL, f["id"]),
                 {"service_profile": {"id": p["id"]}}, headers=h)
    assert_error(r, 403, "PolicyNotAuthorized",
                 "rule:create_flavor_service_profile is disallowed by policy")
    assert len(api.ok(api.get("/v2.0/service-providers", headers=h), 200)
               ["service_providers"]) == 4
    r = api.get("/v2.0/service-providers", headers=as_project("nothing"))
    assert_error(r, 404, "HTTPNotFound")
    assert api.show("flavors", f["id"])["name"] == f["name"]


@neutrino_only
def test_policy_non_admin_zed_defaults(start_server, made):
    """Zed's defaults: anyone reads flavors (not profiles) and providers; writes are
    still the admin's, refused with a 403 where the flavor can be read."""
    from api_helpers import Api
    srv = start_server({"neutron.conf": {"oslo_policy": {"enforce_new_defaults": "false"}}})
    api = Api(srv.url)
    m = Made(api)
    try:
        f = m.flavor()
        p = m.profile(metainfo="m")
        h = as_project("member")
        assert api.ok(api.get("%s/%s" % (FL, f["id"]), headers=h), 200)["flavor"] == f
        assert f in api.ok(api.get(FL, headers=h), 200)["flavors"]
        assert_error(api.put("%s/%s" % (FL, f["id"]), {"flavor": {"name": "y"}}, headers=h),
                     403, "PolicyNotAuthorized", "rule:update_flavor is disallowed by policy")
        assert_error(api.delete("%s/%s" % (FL, f["id"]), headers=h), 403,
                     "PolicyNotAuthorized", "rule:delete_flavor is disallowed by policy")
        assert_error(api.get("%s/%s" % (SP, p["id"]), headers=h), 404, "HTTPNotFound")
        assert api.ok(api.get(SP, headers=h), 200) == {"service_profiles": []}
        api.ok(m.associate(f["id"], p["id"]), 201)
        path = "%s/%s/service_profiles/%s" % (FL, f["id"], p["id"])
        assert api.ok(api.get(path, headers=h), 200) == {"service_profile": {}}
        assert_error(api.delete(path, headers=h), 403, "PolicyNotAuthorized",
                     "rule:delete_flavor_service_profile is disallowed by policy")
        r = api.get("/v2.0/service-providers", headers=as_project("nothing"))
        assert len(api.ok(r, 200)["service_providers"]) == 4
    finally:
        m.cleanup()
