"""neutrino network auto allocated topology create|delete and network create|set
--default, against the openstack client on the same server (docs/behaviour/cli.md
§3.6)."""

import pytest

from test_neutrino_cli import cl  # noqa: F401  (the module's server and clients)

pytestmark = pytest.mark.own_server

TOPOLOGY = ("network", "auto", "allocated", "topology")


def test_topology_commands_agree_with_openstack(cl):  # noqa: F811
    made = []
    try:
        # Nothing to allocate from yet: both fail with the server's reason.
        p = cl.n("demo", *TOPOLOGY, "create", "--check-resources", check=False)
        assert p.returncode == 1
        assert "Deployment error: No default router:external network." in p.stderr
        o = cl.run("openstack", "demo", *TOPOLOGY, "create", "--check-resources", check=False)
        assert o.returncode == 1 and "No default router:external network" in o.stderr

        ext = cl.nj("admin", "network", "create", "--external", "--default", "cli-aa-ext")
        made.append(("network", ext["id"]))
        assert ext["is_default"] is True
        assert cl.oj("admin", "network", "show", ext["id"])["is_default"] is True
        sub = cl.nj("admin", "subnet", "create", "--network", ext["id"], "--subnet-range",
                    "192.0.2.0/24", "cli-aa-ext-sub")
        made.append(("subnet", sub["id"]))
        pool = cl.oj("admin", "subnet", "pool", "create", "--share", "--default",
                     "--pool-prefix", "10.66.0.0/16", "--default-prefix-length", "24",
                     "cli-aa-pool")
        made.insert(0, ("subnet pool", pool["id"]))

        check = cl.nj("demo", *TOPOLOGY, "create", "--check-resources")
        assert check == {"dry_run": None}
        assert check == cl.oj("demo", *TOPOLOGY, "create", "--check-resources")
        table = cl.n("demo", *TOPOLOGY, "create", "--check-resources").stdout
        assert "| dry_run | None  |" in table

        mine = cl.nj("demo", *TOPOLOGY, "create")
        assert sorted(mine) == ["id", "project_id"]
        assert cl.oj("demo", *TOPOLOGY, "create", "--or-show") == mine
        net = cl.oj("demo", "network", "show", mine["id"])
        assert net["name"] == "auto_allocated_network"
        assert net["project_id"] == mine["project_id"]

        # An admin names the project; the value is sent as it is, as the client does.
        other = cl.nj("admin", *TOPOLOGY, "create", "--project", mine["project_id"])
        assert other == mine
        p = cl.n("demo", *TOPOLOGY, "create", "--project", "someone-else", check=False)
        assert p.returncode == 1 and "Not authorized." in p.stderr

        cl.n("demo", *TOPOLOGY, "delete")
        assert cl.nj("demo", "network", "list", "--name", "auto_allocated_network") == []
        # The openstack client's delete of a project's topology does the same.
        again = cl.oj("demo", *TOPOLOGY, "create")
        assert again["id"] != mine["id"]
        cl.run("openstack", "demo", *TOPOLOGY, "delete")
        assert cl.nj("demo", "network", "list", "--name", "auto_allocated_network") == []

        # --no-default with --external takes the default away, as the client's set does.
        cl.n("admin", "network", "set", "--external", "--no-default", ext["id"])
        assert cl.oj("admin", "network", "show", ext["id"])["is_default"] is False
    finally:
        for kind, rid in made:
            cl.run("openstack", "admin", *kind.split(), "delete", rid, check=False)
