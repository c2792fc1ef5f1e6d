"""neutrino's own client for address groups (docs/behaviour/cli.md §18) and a rule's
--remote-address-group, against a real server with the built-in identity service: what
`neutrino … -f json` and the tables print must be what the real `openstack` client
prints for the same resources, and errors must carry the same message and exit
status."""

import pytest

from test_neutrino_cli import same
from test_neutrino_cli_pools import usage_errors_agree
from test_neutrino_cli_router import (agree_on_failure, both, cl, tables_agree,  # noqa: F401
                                      unique)

pytestmark = pytest.mark.own_server


def failed_alike(cl, text, *args):
    """Both clients fail with status 1 and print the server's message 'text'."""
    n, o = both(cl, "admin", *args)
    assert n.returncode == o.returncode == 1, (n.stderr, o.stderr)
    assert text in n.stderr and text in o.stderr, (n.stderr, o.stderr)


@pytest.fixture(scope="module")
def made(cl):
    """An address group made by neutrino."""
    name = unique("ag")
    g = cl.nj("admin", "address", "group", "create", "--address", "10.70.0.5",
              "--address", "10.71.0.0/16", "--description", "d", name)
    yield g
    cl.n("admin", "address", "group", "delete", g["id"], check=False)


def test_create_and_show_agree(cl, made):
    assert sorted(made["addresses"]) == ["10.70.0.5/32", "10.71.0.0/16"]
    assert made["description"] == "d"
    same(made, cl.oj("admin", "address", "group", "show", made["name"]))
    tables_agree(cl, "admin", "address", "group", "show", made["name"])


@pytest.mark.parametrize("args", [
    ["address", "group", "list"], ["address", "group", "list", "--name", "{name}"],
    ["address", "group", "list", "--project", "admin"],
])
def test_lists_agree(cl, made, args):
    args = [a.format(name=made["name"]) for a in args]
    assert cl.nj("admin", *args) == cl.oj("admin", *args)
    tables_agree(cl, "admin", *args)


def test_set_unset_delete(cl):
    name = unique("ag")
    cl.nj("admin", "address", "group", "create", name)
    cl.n("admin", "address", "group", "set", "--name", name + "-x", "--description", "dd",
         "--address", "10.72.0.1", "--address", "fd00:72::/64", name)
    shown = cl.nj("admin", "address", "group", "show", name + "-x")
    assert sorted(shown["addresses"]) == ["10.72.0.1/32", "fd00:72::/64"]
    assert shown["description"] == "dd"
    cl.n("admin", "address", "group", "unset", "--address", "10.72.0.1", name + "-x")
    assert cl.nj("admin", "address", "group", "show",
                 name + "-x")["addresses"] == ["fd00:72::/64"]
    # Removing what is not there: both clients fail with the server's message (the
    # openstack client names the SDK's exception, ResourceNotFound, before it).
    failed_alike(cl, "Addresses ['10.99.0.0/16'] not found in the address group",
                 "address", "group", "unset", "--address", "10.99.0.0/16", name + "-x")
    n = cl.n("admin", "address", "group", "delete", name + "-x", "nope-" + name, check=False)
    assert n.returncode == 1
    assert n.stderr.splitlines()[-2:] == [
        "Failed to delete address group with name or ID 'nope-%s': No AddressGroup found for "
        "nope-%s" % (name, name), "1 of 2 address groups failed to delete."]


def test_rule_with_remote_address_group(cl, made):
    sg = unique("sg")
    cl.nj("admin", "security", "group", "create", sg)
    r = cl.nj("admin", "security", "group", "rule", "create", "--protocol", "tcp",
              "--dst-port", "22", "--remote-address-group", made["name"], sg)
    assert r["remote_address_group_id"] == made["id"] and r["remote_ip_prefix"] is None
    # Both clients show a rule with no remote prefix as the ethertype's whole range.
    assert cl.nj("admin", "security", "group", "rule", "show", r["id"]) == cl.oj(
        "admin", "security", "group", "rule", "show", r["id"])
    failed_alike(cl, "is in use on one or more security group rules.",
                 "address", "group", "delete", made["name"])
    cl.n("admin", "security", "group", "delete", sg)


def test_errors_agree(cl):
    agree_on_failure(cl, "admin", "address", "group", "show", unique("nope"))
    usage_errors_agree(cl, "address", "group", "create")
    usage_errors_agree(cl, "address", "group", "set")
