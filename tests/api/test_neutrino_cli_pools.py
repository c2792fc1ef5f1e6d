"""neutrino's own client for subnet pools and address scopes (docs/behaviour/cli.md §17),
against a real server with the built-in identity service: what `neutrino … -f json` and
the tables print must be what the real `openstack` client prints for the same resources,
and errors must carry the same message and exit status."""

import pytest

from test_neutrino_cli import same
from test_neutrino_cli_router import (agree_on_failure, both, cl, tables_agree,  # noqa: F401
                                      unique)

pytestmark = pytest.mark.own_server


@pytest.fixture(scope="module")
def made(cl):
    """A shared address scope and a pool in it, made by neutrino."""
    scope = unique("scope")
    s = cl.nj("admin", "address", "scope", "create", "--ip-version", "4", "--share", scope)
    name = unique("pool")
    p = cl.nj("admin", "subnet", "pool", "create", "--pool-prefix", "10.62.0.0/24",
              "--pool-prefix", "10.62.1.0/24", "--default-prefix-length", "26",
              "--address-scope", scope, "--share", "--description", "d",
              "--default-quota", "1024", "--tag", "b", "--tag", "a", name)
    yield {"scope": s, "pool": p}
    cl.n("admin", "subnet", "pool", "delete", p["id"], check=False)
    cl.n("admin", "address", "scope", "delete", s["id"], check=False)


def test_create_and_show_agree(cl, made):
    s, p = made["scope"], made["pool"]
    assert (s["ip_version"], s["shared"]) == (4, True)
    same(s, cl.oj("admin", "address", "scope", "show", s["name"]))
    tables_agree(cl, "admin", "address", "scope", "show", s["name"])
    assert p["prefixes"] == ["10.62.0.0/23"] and p["tags"] == ["a", "b"]
    # Neutron sends the prefix lengths as text; the client shows numbers.
    assert (p["default_prefixlen"], p["min_prefixlen"], p["max_prefixlen"]) == (26, 8, 32)
    assert (p["address_scope_id"], p["shared"], p["default_quota"]) == (s["id"], True, 1024)
    same(p, cl.oj("admin", "subnet", "pool", "show", p["name"]))
    tables_agree(cl, "admin", "subnet", "pool", "show", p["name"])


@pytest.mark.parametrize("args", [
    ["subnet", "pool", "list"], ["subnet", "pool", "list", "--long"],
    ["subnet", "pool", "list", "--share", "--address-scope", "{scope}"],
    ["subnet", "pool", "list", "--name", "{pool}", "--no-default"],
    ["address", "scope", "list"], ["address", "scope", "list", "--share"],
    ["address", "scope", "list", "--ip-version", "4", "--name", "{scope}"],
])
def test_lists_agree(cl, made, args):
    args = [a.format(scope=made["scope"]["name"], pool=made["pool"]["name"]) for a in args]
    assert cl.nj("admin", *args) == cl.oj("admin", *args)
    tables_agree(cl, "admin", *args)


def test_set_unset_and_subnets(cl):
    scope = unique("scope")
    cl.nj("admin", "address", "scope", "create", scope)
    name = unique("pool")
    p = cl.nj("admin", "subnet", "pool", "create", "--pool-prefix", "10.64.0.0/23",
              "--address-scope", scope, "--tag", "a", name)
    # set --pool-prefix adds to the prefixes (the new ones sent first).
    cl.n("admin", "subnet", "pool", "set", "--pool-prefix", "10.64.4.0/24",
         "--min-prefix-length", "20", "--default-prefix-length", "26", "--no-address-scope",
         "--name", name + "-x", name)
    shown = cl.nj("admin", "subnet", "pool", "show", name + "-x")
    assert shown["prefixes"] == ["10.64.0.0/23", "10.64.4.0/24"]
    assert (shown["min_prefixlen"], shown["address_scope_id"]) == (20, None)
    cl.n("admin", "subnet", "pool", "unset", "--tag", "a", name + "-x")
    assert cl.nj("admin", "subnet", "pool", "show", name + "-x")["tags"] == []
    net = unique("net")
    cl.nj("admin", "network", "create", net)
    sub = cl.nj("admin", "subnet", "create", "--network", net, "--subnet-pool", name + "-x",
                "--prefix-length", "28", net + "-a")
    # The /24 is the longest free prefix: it gives the /28.
    assert (sub["cidr"], sub["subnetpool_id"]) == ("10.64.4.0/28", p["id"])
    listed = cl.nj("admin", "subnet", "list", "--subnet-pool", name + "-x")
    assert listed == cl.oj("admin", "subnet", "list", "--subnet-pool", name + "-x")
    n = cl.n("admin", "subnet", "pool", "delete", name + "-x", check=False)
    assert n.returncode == 1 and "Subnet pool has existing allocations" in n.stderr
    cl.n("admin", "subnet", "delete", net + "-a")
    cl.n("admin", "network", "delete", net)
    cl.n("admin", "subnet", "pool", "delete", name + "-x")
    cl.n("admin", "address", "scope", "set", "--name", scope + "-x", "--share", scope)
    assert cl.nj("admin", "address", "scope", "show", scope + "-x")["shared"] is True
    cl.n("admin", "address", "scope", "delete", scope + "-x")


def test_default_pool(cl):
    name = unique("dpool")
    cl.nj("admin", "subnet", "pool", "create", "--pool-prefix", "fd00:62::/48", "--default",
          name)
    net = unique("net")
    cl.nj("admin", "network", "create", net)
    sub = cl.nj("admin", "subnet", "create", "--network", net, "--ip-version", "6",
                "--use-default-subnet-pool", net + "-6")
    assert sub["cidr"] == "fd00:62::/64"
    assert "No default subnetpool found for IPv4" in agree_on_failure(
        cl, "admin", "subnet", "create", "--network", net, "--use-default-subnet-pool",
        net + "-4")
    cl.n("admin", "subnet", "delete", net + "-6")
    cl.n("admin", "network", "delete", net)
    n = cl.n("admin", "subnet", "pool", "delete", name, "nope-" + name, check=False)
    assert n.returncode == 1
    assert n.stderr.splitlines()[-2:] == [
        "Failed to delete subnet pool with name or ID 'nope-%s': No SubnetPool found for "
        "nope-%s" % (name, name), "1 of 2 subnet pools failed to delete."]


def usage_errors_agree(cl, *args):
    n, o = both(cl, "admin", *args)
    assert n.returncode == o.returncode == 2, (n.stderr, o.stderr)
    tail = [p.stderr.strip().splitlines()[-1].split(": error: ", 1)[1] for p in (n, o)]
    assert tail[0] == tail[1]


def test_errors_agree(cl):
    assert "Illegal prefix bounds" in agree_on_failure(
        cl, "admin", "subnet", "pool", "create", "--pool-prefix", "10.63.0.0/16",
        "--default-prefix-length", "4", unique("bad"))
    agree_on_failure(cl, "admin", "subnet", "pool", "show", unique("nope"))
    agree_on_failure(cl, "admin", "address", "scope", "show", unique("nope"))
    usage_errors_agree(cl, "address", "scope", "create", "--ip-version", "5", unique("s"))
    usage_errors_agree(cl, "subnet", "pool", "create", unique("p"))
    usage_errors_agree(cl, "subnet", "pool", "create", "--pool-prefix", "10.0.0.0/8",
                       "--default-quota", "x", unique("p"))
