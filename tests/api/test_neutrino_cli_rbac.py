"""neutrino's own client for RBAC policies (docs/behaviour/cli.md §15), against a real
server with the built-in identity service: what `neutrino network rbac … -f json` and
the tables print must be what the real `openstack` client prints for the same
policies, and errors must carry the same message and exit status."""

import json
import re
import uuid

import pytest

from test_neutrino_cli import SERVER_ERROR, clients_with_a_server, same, unique

pytestmark = pytest.mark.own_server



@pytest.fixture(scope="module")
def cl(tmp_path_factory):
    yield from clients_with_a_server(tmp_path_factory, "neutrino-own-cli-rbac")



def message(p):
    """The last line of an error, without the clients' different prefixes."""
    line = p.stderr.strip().splitlines()[-1]
    for prefix in ("Error while executing command: ", "Error: "):
        if line.startswith(prefix):
            line = line[len(prefix):]
    line = re.sub(r"^(neutrino|openstack) network rbac \w+: error: ", "usage: ", line)
    return SERVER_ERROR.sub("", line)


def agree_on_failure(cl, cloud, *args):
    n = cl.run("neutrino", cloud, *args, check=False)
    o = cl.run("openstack", cloud, *args, check=False)
    assert (n.returncode, message(n)) == (o.returncode, message(o)), (n.stderr, o.stderr)
    assert n.returncode != 0
    return message(n)


def tables_agree(cl, cloud, *args):
    n = cl.run("neutrino", cloud, *args).stdout
    o = cl.run("openstack", cloud, *args).stdout
    assert n == o, "\n" + n + "\n" + o


def rows(listing):
    return sorted(json.dumps(r, sort_keys=True) for r in listing)


@pytest.fixture(scope="module")
def policies(cl):
    """A network of demo's, shared with alt by demo and external for everyone by the
    admin (both made with neutrino)."""
    net = unique("rbac-net")
    cl.nj("demo", "network", "create", net)
    pol = cl.nj("demo", "network", "rbac", "create", "--type", "network", "--action",
                "access_as_shared", "--target-project", "alt", net)
    ext = cl.nj("admin", "network", "rbac", "create", "--type", "network", "--action",
                "access_as_external", "--target-all-projects", net)
    yield net, pol, ext
    cl.run("neutrino", "admin", "network", "rbac", "delete", pol["id"], ext["id"],
           check=False)
    cl.run("neutrino", "admin", "network", "delete", net, check=False)


def test_create_and_show_agree(cl, policies):
    net, pol, ext = policies
    assert sorted(pol) == ["action", "id", "object_id", "object_type", "project_id",
                           "target_project_id"]
    assert pol["object_type"] == "network" and pol["action"] == "access_as_shared"
    assert ext["target_project_id"] == "*"
    same(pol, cl.oj("demo", "network", "rbac", "show", pol["id"]))
    tables_agree(cl, "demo", "network", "rbac", "show", pol["id"])
    # The same policy again: the server's refusal, word for word.
    msg = agree_on_failure(cl, "demo", "network", "rbac", "create", "--type", "network",
                           "--action", "access_as_shared", "--target-project", "alt", net)
    assert "An RBAC policy already exists with those values." in msg
    agree_on_failure(cl, "demo", "network", "rbac", "show", str(uuid.uuid4()))


@pytest.mark.parametrize("args", [(), ("--long",), ("--type", "network"),
                                  ("--action", "access_as_external"),
                                  ("--type", "security_group")])
def test_lists_agree(cl, policies, args):
    assert rows(cl.nj("admin", "network", "rbac", "list", *args)) == \
        rows(cl.oj("admin", "network", "rbac", "list", *args))


def test_list_table_agrees(cl, policies):
    tables_agree(cl, "demo", "network", "rbac", "list", "--long")


def test_set_and_delete_agree(cl, policies):
    net, pol, ext = policies
    # set moves the target as the openstack client would (the same project id for the
    # same words); both clients print nothing.
    targets = []
    for prog in ("openstack", "neutrino"):
        cl.run(prog, "demo", "network", "rbac", "set", "--target-project", "alt", pol["id"])
        assert cl.run(prog, "demo", "network", "rbac", "set", "--target-project", "admin",
                      pol["id"]).stdout == ""
        targets.append(cl.oj("demo", "network", "rbac", "show", pol["id"])["target_project_id"])
    assert targets[0] == targets[1]
    missing = str(uuid.uuid4())
    n = cl.run("neutrino", "demo", "network", "rbac", "delete", missing, pol["id"],
               check=False)
    assert n.returncode == 1
    assert n.stderr.splitlines() == [
        "Failed to delete RBAC policy with ID '%s': No RBACPolicy found for %s"
        % (missing, missing), "1 of 2 RBAC policies failed to delete."]
    agree_on_failure(cl, "demo", "network", "rbac", "show", pol["id"])


def test_security_group_policy_and_refusals_agree(cl):
    group = unique("rbac-sg")
    cl.nj("demo", "security", "group", "create", group)
    pol = cl.nj("demo", "network", "rbac", "create", "--type", "security_group", "--action",
                "access_as_shared", "--target-project", "alt", group)
    assert pol["object_type"] == "security_group"
    same(pol, cl.oj("demo", "network", "rbac", "show", pol["id"]))
    # A member may not share with every project.
    msg = agree_on_failure(cl, "demo", "network", "rbac", "create", "--type",
                           "security_group", "--action", "access_as_shared",
                           "--target-all-projects", group)
    assert "rule:create_rbac_policy:target_tenant" in msg
    msg = agree_on_failure(cl, "demo", "network", "rbac", "create", "--type",
                           "security_group", "--action", "access_as_external",
                           "--target-project", "admin", group)
    assert "Invalid action 'access_as_external'" in msg
    agree_on_failure(cl, "demo", "network", "rbac", "create", "--type", "network",
                     "--action", "access_as_shared", "--target-project", "alt",
                     unique("nothing"))
    cl.n("demo", "network", "rbac", "delete", pol["id"])
    cl.n("demo", "security", "group", "delete", group)


@pytest.mark.parametrize("args", [
    ("network", "rbac", "create", "x"),
    ("network", "rbac", "create", "--type", "bogus", "--action", "access_as_shared",
     "--target-all-projects", "x"),
    ("network", "rbac", "create", "--type", "network", "--action", "nope",
     "--target-all-projects", "x"),
    ("network", "rbac", "create", "--type", "network", "--action", "access_as_shared", "x"),
    ("network", "rbac", "list", "--type", "bogus"),
])
def test_usage_errors_agree(cl, args):
    n = cl.run("neutrino", "demo", *args, check=False)
    o = cl.run("openstack", "demo", *args, check=False)
    assert n.returncode == o.returncode == 2, (n.stderr, o.stderr)
    assert message(n) == message(o), (n.stderr, o.stderr)


def test_subnet_pool_and_address_scope_policies_agree(cl):
    scope = unique("rbac-scope")
    pool = unique("rbac-pool")
    cl.nj("demo", "address", "scope", "create", "--ip-version", "4", scope)
    cl.nj("demo", "subnet", "pool", "create", "--pool-prefix", "10.%d.0.0/16"
          % (uuid.uuid4().int % 200 + 20), "--address-scope", scope, pool)
    made = []
    try:
        # The pool is in a scope alt cannot reach yet: the server refuses, word for word.
        msg = agree_on_failure(cl, "demo", "network", "rbac", "create", "--type",
                               "subnetpool", "--action", "access_as_shared",
                               "--target-project", "alt", pool)
        assert "doesn't have access to associated address scope" in msg
        for kind, name in (("address_scope", scope), ("subnetpool", pool)):
            pol = cl.nj("demo", "network", "rbac", "create", "--type", kind, "--action",
                        "access_as_shared", "--target-project", "alt", name)
            made.append(pol["id"])
            assert pol["object_type"] == kind
            same(pol, cl.oj("demo", "network", "rbac", "show", pol["id"]))
            tables_agree(cl, "demo", "network", "rbac", "show", pol["id"])
            assert rows(cl.nj("demo", "network", "rbac", "list", "--type", kind)) == \
                rows(cl.oj("demo", "network", "rbac", "list", "--type", kind))
        # Both clients agree on the pool's table, "shared" as its owner sees it.
        tables_agree(cl, "demo", "subnet", "pool", "show", pool)
    finally:
        cl.run("neutrino", "demo", "network", "rbac", "delete", *made, check=False)
        cl.run("neutrino", "demo", "subnet", "pool", "delete", pool, check=False)
        cl.run("neutrino", "demo", "address", "scope", "delete", scope, check=False)


def test_address_group_policy_agrees(cl):
    group = unique("rbac-ag")
    cl.nj("demo", "address", "group", "create", "--address", "10.40.0.0/16", group)
    made = []
    try:
        pol = cl.nj("demo", "network", "rbac", "create", "--type", "address_group", "--action",
                    "access_as_shared", "--target-project", "alt", group)
        made.append(pol["id"])
        assert pol["object_type"] == "address_group"
        same(pol, cl.oj("demo", "network", "rbac", "show", pol["id"]))
        tables_agree(cl, "demo", "network", "rbac", "show", pol["id"])
        assert rows(cl.nj("demo", "network", "rbac", "list", "--type", "address_group")) == \
            rows(cl.oj("demo", "network", "rbac", "list", "--type", "address_group"))
        msg = agree_on_failure(cl, "demo", "network", "rbac", "create", "--type",
                               "address_group", "--action", "access_as_external",
                               "--target-project", "admin", group)
        assert "Invalid action 'access_as_external'" in msg
    finally:
        cl.run("neutrino", "demo", "network", "rbac", "delete", *made, check=False)
        cl.run("neutrino", "demo", "address", "group", "delete", group, check=False)
