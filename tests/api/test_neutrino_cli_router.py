"""neutrino's own client for routers and floating IPs (docs/behaviour/cli.md §13, §14),
against a real server with the built-in identity service: what `neutrino … -f json` and
the tables print must be what the real `openstack` client prints for the same resources,
and errors must carry the same message and exit status."""

import pytest

from test_neutrino_cli import SERVER_ERROR, clients_with_a_server, same, unique

pytestmark = pytest.mark.own_server


@pytest.fixture(scope="module")
def cl(tmp_path_factory):
    yield from clients_with_a_server(tmp_path_factory, "neutrino-own-cli-router")





def message(p):
    """The last line of an error, without the clients' different prefixes."""
    line = p.stderr.strip().splitlines()[-1]
    for prefix in ("Error while executing command: ", "Error: "):
        if line.startswith(prefix):
            line = line[len(prefix):]
    return SERVER_ERROR.sub("", line)


def both(cl, cloud, *args):
    """Runs a command with both clients (expected to fail or print nothing alike)."""
    n = cl.run("neutrino", cloud, *args, check=False)
    o = cl.run("openstack", cloud, *args, check=False)
    return n, o


def agree_on_failure(cl, cloud, *args):
    n, o = both(cl, cloud, *args)
    assert (n.returncode, message(n)) == (o.returncode, message(o)), (n.stderr, o.stderr)
    assert n.returncode != 0
    return message(n)


def tables_agree(cl, cloud, *args):
    n = cl.run("neutrino", cloud, *args).stdout
    o = cl.run("openstack", cloud, *args).stdout
    assert n == o, "\n" + n + "\n" + o


@pytest.fixture(scope="module")
def topo(cl):
    """An external network (admin) and a tenant network of the demo project."""
    ext = unique("ext")
    cl.nj("admin", "network", "create", "--external", ext)
    cl.nj("admin", "subnet", "create", "--network", ext, "--subnet-range", "198.51.100.0/24",
          ext + "-sub")
    net = unique("int")
    cl.nj("demo", "network", "create", net)
    cl.nj("demo", "subnet", "create", "--network", net, "--subnet-range", "10.61.0.0/24",
          net + "-sub")
    return {"ext": ext, "net": net, "sub": net + "-sub"}


def test_router_create_and_show_agree_with_openstack(cl, topo):
    name = unique("r")
    router = cl.nj("demo", "router", "create", "--description", "d", "--tag", "b", "--tag",
                   "a", name)
    assert router["name"] == name and router["admin_state_up"] is True
    assert router["tags"] == ["a", "b"] and "interfaces_info" not in router
    shown = cl.nj("demo", "router", "show", name)
    assert shown["interfaces_info"] == []
    same(shown, cl.oj("demo", "router", "show", router["id"]))
    tables_agree(cl, "demo", "router", "show", name)
    for args in (["router", "list"], ["router", "list", "--long"],
                 ["router", "list", "--name", name, "--enable"]):
        assert cl.nj("demo", *args) == cl.oj("demo", *args)
        tables_agree(cl, "demo", *args)


def test_gateway_interfaces_and_routes(cl, topo):
    name = unique("gw")
    cl.nj("admin", "router", "create", "--external-gateway", topo["ext"], "--disable-snat",
          name)
    shown = cl.nj("admin", "router", "show", name)
    info = shown["external_gateway_info"]
    assert info["enable_snat"] is False and len(info["external_fixed_ips"]) == 1
    same(shown, cl.oj("admin", "router", "show", name))
    tables_agree(cl, "admin", "router", "show", name)

    cl.n("admin", "router", "add", "subnet", name, topo["sub"])
    shown = cl.nj("admin", "router", "show", name)
    assert [i["ip_address"] for i in shown["interfaces_info"]] == ["10.61.0.1"]
    same(shown, cl.oj("admin", "router", "show", name))
    assert "Router already has a port on subnet" in agree_on_failure(
        cl, "admin", "router", "add", "subnet", name, topo["sub"])

    cl.n("admin", "router", "set", name, "--route", "destination=10.62.0.0/24,gateway=10.61.0.5")
    added = cl.nj("admin", "router", "add", "route", name, "--route",
                  "destination=10.63.0.0/24,gateway=10.61.0.6")
    assert {r["destination"] for r in added["routes"]} == {"10.62.0.0/24", "10.63.0.0/24"}
    tables_agree(cl, "admin", "router", "show", name, "-c", "routes")
    assert agree_on_failure(cl, "admin", "router", "unset", name, "--route",
                            "destination=10.64.0.0/24,gateway=10.61.0.6") == (
        "Router does not contain route {'destination': '10.64.0.0/24', 'nexthop': '10.61.0.6'}")
    removed = cl.nj("admin", "router", "remove", "route", name, "--route",
                    "destination=10.63.0.0/24,gateway=10.61.0.6")
    assert removed["routes"] == [{"destination": "10.62.0.0/24", "nexthop": "10.61.0.5"}]
    cl.n("admin", "router", "set", name, "--no-route")
    cl.n("admin", "router", "remove", "subnet", name, topo["sub"])
    cl.n("admin", "router", "unset", name, "--external-gateway")
    assert cl.nj("admin", "router", "show", name)["external_gateway_info"] is None
    assert cl.nj("admin", "router", "list", "--long") == cl.oj("admin", "router", "list",
                                                                "--long")
    cl.n("admin", "router", "delete", name)


def test_router_option_errors_agree(cl, topo):
    name = unique("e")
    cl.nj("demo", "router", "create", name)
    assert "--external-gateway" in agree_on_failure(cl, "demo", "router", "set", name,
                                                    "--enable-snat")
    agree_on_failure(cl, "demo", "router", "show", unique("nope"))
    agree_on_failure(cl, "demo", "router", "add", "subnet", name, unique("nope"))
    # (One client only: the first would delete the router the second looks for.)
    n = cl.n("demo", "router", "delete", name, "nope-" + name, check=False)
    assert n.returncode == 1
    assert n.stderr.splitlines()[-2:] == [
        "Failed to delete router with name or ID 'nope-%s': No Router found for nope-%s"
        % (name, name), "1 of 2 routers failed to delete."]


def test_floating_ips_agree_with_openstack(cl, topo):
    router = unique("fr")
    cl.nj("admin", "router", "create", "--project", "demo", router)
    cl.n("demo", "router", "set", router, "--external-gateway", topo["ext"])
    cl.n("demo", "router", "add", "subnet", router, topo["sub"])
    port = cl.nj("demo", "port", "create", "--network", topo["net"], unique("p"))
    fip = cl.nj("demo", "floating", "ip", "create", "--port", port["id"], "--description", "hi",
                "--tag", "t", topo["ext"])
    assert fip["port_id"] == port["id"] and fip["name"] == fip["floating_ip_address"]
    # Create prints port_details as the server sent it, show formatted (both clients).
    assert fip["port_details"]["name"] == port["name"]
    shown = cl.nj("demo", "floating", "ip", "show", fip["id"])
    assert shown["port_details"].startswith("admin_state_up='True', device_id=")
    same(shown, cl.oj("demo", "floating", "ip", "show", fip["id"]))
    address = fip["floating_ip_address"]
    same(cl.nj("demo", "floating", "ip", "show", address),
         cl.oj("demo", "floating", "ip", "show", address))
    tables_agree(cl, "demo", "floating", "ip", "show", address)
    for args in (["floating", "ip", "list"], ["floating", "ip", "list", "--long"],
                 ["floating", "ip", "list", "--port", port["id"]]):
        assert cl.nj("demo", *args) == cl.oj("demo", *args)
        tables_agree(cl, "demo", *args)
    cl.n("demo", "floating", "ip", "unset", "--port", address)
    assert cl.nj("demo", "floating", "ip", "show", address)["port_id"] is None
    cl.n("demo", "floating", "ip", "set", "--port", port["id"], "--description", "x", address)
    again = cl.nj("demo", "floating", "ip", "show", address)
    assert again["port_id"] == port["id"] and again["description"] == "x"
    agree_on_failure(cl, "demo", "floating", "ip", "show", "203.0.113.250")
    n = cl.n("demo", "floating", "ip", "delete", address, "203.0.113.251", check=False)
    assert n.returncode == 1
    assert n.stderr.splitlines()[-2:] == [
        "Failed to delete floating_ip with name or ID '203.0.113.251': "
        "No FloatingIP found for 203.0.113.251", "1 of 2 floating_ips failed to delete."]
    assert cl.nj("demo", "floating", "ip", "list") == []
    cl.n("demo", "router", "remove", "subnet", router, topo["sub"])
    cl.n("demo", "router", "delete", router)
    cl.n("demo", "port", "delete", port["id"])
