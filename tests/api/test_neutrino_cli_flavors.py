"""neutrino's own client for the flavors framework and the service providers
(docs/behaviour/cli.md §20), against a real server with the built-in identity service:
what `neutrino … -f json` and the tables print must be what the real `openstack` client
prints for the same resources, and errors must carry the same message and exit
status."""

import pytest

from test_neutrino_cli import same
from test_neutrino_cli_router import (agree_on_failure, both, cl, tables_agree,  # noqa: F401
                                      unique)

pytestmark = pytest.mark.own_server

DRIVER = "neutron.services.l3_router.service_providers.ha.HaDriver"


@pytest.fixture(scope="module")
def made(cl):
    """A flavor and a profile made by neutrino, the profile in the flavor."""
    name = unique("fl")
    f = cl.nj("admin", "network", "flavor", "create", "--service-type", "L3_ROUTER_NAT",
              "--description", "d", name)
    p = cl.nj("admin", "network", "flavor", "profile", "create", "--driver", DRIVER,
              "--description", "pd")
    cl.n("admin", "network", "flavor", "add", "profile", name, p["id"])
    yield f, p
    cl.n("admin", "network", "flavor", "delete", f["id"], check=False)
    cl.n("admin", "network", "flavor", "profile", "delete", p["id"], check=False)


def test_create_and_show_agree(cl, made):
    f, p = made
    assert (f["description"], f["enabled"], f["service_profile_ids"]) == ("d", True, [])
    shown = cl.nj("admin", "network", "flavor", "show", f["name"])
    assert shown["service_profile_ids"] == [p["id"]]
    same(shown, cl.oj("admin", "network", "flavor", "show", f["name"]))
    tables_agree(cl, "admin", "network", "flavor", "show", f["name"])
    assert (p["driver"], p["meta_info"], p["project_id"]) == (DRIVER, "", None)
    same(p, cl.oj("admin", "network", "flavor", "profile", "show", p["id"]))
    tables_agree(cl, "admin", "network", "flavor", "profile", "show", p["id"])


@pytest.mark.parametrize("args", [
    ["network", "flavor", "list"], ["network", "flavor", "profile", "list"],
    ["network", "service", "provider", "list"],
])
def test_lists_agree(cl, made, args):
    assert cl.nj("admin", *args) == cl.oj("admin", *args)
    tables_agree(cl, "admin", *args)


def test_set_remove_delete(cl):
    name = unique("fl")
    cl.nj("admin", "network", "flavor", "create", "--service-type", "CORE", "--disable", name)
    cl.n("admin", "network", "flavor", "set", "--name", name + "-x", "--enable",
         "--description", "dd", name)
    shown = cl.nj("admin", "network", "flavor", "show", name + "-x")
    assert (shown["enabled"], shown["description"]) == (True, "dd")
    p = cl.nj("admin", "network", "flavor", "profile", "create", "--metainfo", "m",
              "--disable")
    assert (p["enabled"], p["meta_info"], p["driver"]) == (False, "m", "")
    cl.n("admin", "network", "flavor", "profile", "set", "--enable", "--metainfo", "z",
         p["id"])
    assert cl.nj("admin", "network", "flavor", "profile", "show", p["id"])["meta_info"] == "z"
    cl.n("admin", "network", "flavor", "add", "profile", name + "-x", p["id"])
    # A profile in a flavor can be neither changed nor deleted: the server's message.
    msg = "Service Profile %s is used by some service instance." % p["id"]
    assert msg in agree_on_failure(cl, "admin", "network", "flavor", "profile", "set",
                                   "--description", "x", p["id"])
    n, o = both(cl, "admin", "network", "flavor", "profile", "delete", p["id"], "nope")
    assert n.returncode == o.returncode == 1
    assert n.stderr.splitlines()[-2:][1] == o.stderr.splitlines()[-1] == \
        "2 of 2 flavor_profiles failed to delete."
    assert "Failed to delete flavor profile with ID 'nope': No ServiceProfile found for nope" \
        in n.stderr and msg in n.stderr.splitlines()[-3]
    cl.n("admin", "network", "flavor", "remove", "profile", name + "-x", p["id"])
    assert cl.nj("admin", "network", "flavor", "show", name + "-x")["service_profile_ids"] == []
    cl.n("admin", "network", "flavor", "profile", "delete", p["id"])
    n = cl.n("admin", "network", "flavor", "delete", name + "-x", "nope-" + name, check=False)
    assert n.returncode == 1
    assert n.stderr.splitlines()[-2:] == [
        "Failed to delete flavor with name or ID 'nope-%s': No Flavor found for nope-%s"
        % (name, name), "1 of 2 flavors failed to delete."]


@pytest.mark.parametrize("args", [
    ["network", "flavor", "show", "nope"],
    ["network", "flavor", "profile", "show", "nope"],
    ["network", "flavor", "profile", "create"],
    ["network", "flavor", "create", "--service-type", "BAD", "x"],
])
def test_errors_agree(cl, args):
    agree_on_failure(cl, "admin", *args)


def test_association_errors_are_told(cl, made):
    """The openstack client ignores the answer of an association (exit 0 on a second add
    or remove); neutrino tells the server's error (a deliberate difference)."""
    f, p = made
    n, o = both(cl, "admin", "network", "flavor", "add", "profile", f["name"], p["id"])
    assert (n.returncode, o.returncode) == (1, 0)
    assert n.stderr.strip().endswith(
        "Service Profile %s is already associated with flavor %s." % (p["id"], f["id"]))
    other = cl.nj("admin", "network", "flavor", "profile", "create", "--metainfo", "m")
    try:
        n, o = both(cl, "admin", "network", "flavor", "remove", "profile", f["name"],
                    other["id"])
        assert (n.returncode, o.returncode) == (1, 0)
        assert n.stderr.strip().endswith(
            "Service Profile %s is not associated with flavor %s." % (other["id"], f["id"]))
    finally:
        cl.n("admin", "network", "flavor", "profile", "delete", other["id"], check=False)


def test_unknown_driver(cl):
    """Both fail with the server's message (the openstack client names the SDK's
    exception, ResourceNotFound, before it)."""
    n, o = both(cl, "admin", "network", "flavor", "profile", "create", "--driver", "x.y")
    assert n.returncode == o.returncode == 1
    text = "Service Profile driver x.y could not be found."
    assert n.stderr.strip().endswith(text) and o.stderr.strip().endswith(text)


def test_usage_errors(cl):
    n, o = both(cl, "admin", "network", "flavor", "create", "x")
    assert n.returncode == o.returncode == 2
    assert "the following arguments are required: --service-type" in n.stderr
