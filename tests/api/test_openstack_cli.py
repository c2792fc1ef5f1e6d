"""The tutorial's CLI path through the real `openstack` client (Debian's
python3-openstackclient), unchanged, against the built-in identity service: the only
setup is the clouds.yaml the server writes at its first start."""

import json
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.own_server

OPENSTACK = shutil.which("openstack", path="/usr/bin:/usr/local/bin") or "openstack"


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    srv = NeutrinoServer(tmp_path_factory.mktemp("neutrino-cli"),
                         {"neutron.conf": {"DEFAULT": {"auth_strategy": "keystone"}}})
    srv.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(srv.state / "clouds.yaml")
    env["HOME"] = str(srv.state)     # no ~/.config/openstack of the machine's user

    def run(cloud, *args, check=True):
        p = subprocess.run([OPENSTACK, "--os-cloud", "neutrino-" + cloud] + list(args),
                           capture_output=True, text=True, env=env, timeout=120)
        if check:
            assert p.returncode == 0, "openstack %s: %s%s" % (" ".join(args), p.stdout,
                                                              p.stderr)
        return p

    def run_json(cloud, *args):
        return json.loads(run(cloud, *args, "-f", "json").stdout)

    run.json = run_json
    yield run
    check_clean_exit(srv, srv.stop())


def test_tutorial_cli_path(cli):
    net = cli.json("demo", "network", "create", "first_local_net")
    assert net["name"] == "first_local_net" and net["status"] == "ACTIVE"
    assert net["provider:network_type"] is None    # hidden from the member
    sub = cli.json("demo", "subnet", "create", "--network", "first_local_net",
                   "--subnet-range", "172.16.1.0/24",
                   "--allocation-pool", "start=172.16.1.2,end=172.16.1.100",
                   "subnet_172_16_1_0")
    assert sub["gateway_ip"] == "172.16.1.1"
    assert sub["allocation_pools"] == [{"start": "172.16.1.2", "end": "172.16.1.100"}]
    assert sub["cidr"] == "172.16.1.0/24" and sub["enable_dhcp"] is True
    # The admin sees the type the member got: local (tenant_network_types).
    shown = cli.json("admin", "network", "show", net["id"])
    assert shown["provider:network_type"] == "local"
    assert shown["subnets"] == [sub["id"]]
    # The admin creates a local network for project demo.
    demo_project = cli.json("admin", "project", "show", "demo")["id"]
    second = cli.json("admin", "network", "create", "--project", "demo",
                      "--provider-network-type", "local", "second_local_net")
    assert second["project_id"] == demo_project
    assert second["provider:network_type"] == "local"
    # demo sees both, as its own.
    listed = cli.json("demo", "network", "list")
    assert {n["Name"] for n in listed} >= {"first_local_net", "second_local_net"}
    shown = cli.json("demo", "network", "show", "second_local_net")
    assert shown["project_id"] == demo_project
    # A port, and the port list.
    port = cli.json("demo", "port", "create", "--network", "first_local_net", "p1")
    assert port["fixed_ips"][0]["ip_address"] == "172.16.1.2"
    ports = cli.json("demo", "port", "list")
    assert [p["ID"] for p in ports] == [port["id"]]
    assert ports[0]["Fixed IP Addresses"][0]["ip_address"] == "172.16.1.2"


def test_member_provider_type_is_refused(cli):
    p = cli("demo", "network", "create", "--provider-network-type", "local", "x", check=False)
    assert p.returncode != 0
    assert "(rule:create_network and rule:create_network:provider:network_type) is " \
           "disallowed by policy" in p.stderr
    assert "403" in p.stderr


def test_operator_commands(cli):
    cli("admin", "project", "create", "tenant2")
    cli("admin", "user", "create", "--project", "tenant2", "--password", "t2pw", "t2user")
    cli("admin", "role", "add", "--project", "tenant2", "--user", "t2user", "member")
    assignments = cli.json("admin", "role", "assignment", "list", "--names",
                           "--user", "t2user")
    assert [(a["Role"], a["Project"]) for a in assignments] == [("member", "tenant2@Default")]
    projects = {p["Name"] for p in cli.json("admin", "project", "list")}
    assert projects >= {"admin", "demo", "tenant2"}
    token = cli.json("demo", "token", "issue")
    assert len(token["id"]) == 43
    # A member is refused the full list; the client falls back to its own projects.
    assert [p["Name"] for p in cli.json("demo", "project", "list")] == ["demo"]


def test_openstacksdk_with_the_catalog(ks_server):
    """openstacksdk finds the network endpoint in the token's catalog (no override)."""
    import openstack
    from identity_helpers import DEMO_PW
    conn = openstack.connect(auth_type="password", auth={
        "auth_url": ks_server.ks, "username": "demo", "password": DEMO_PW,
        "project_name": "demo", "user_domain_name": "Default",
        "project_domain_name": "Default"}, region_name="RegionOne")
    net = conn.network.create_network(name="sdk-net")
    try:
        assert net.project_id == ks_server.project_id("demo")
        assert net.id in [n.id for n in conn.network.networks()]
        assert conn.current_project_id == ks_server.project_id("demo")
    finally:
        conn.network.delete_network(net)


def test_security_group_commands(cli):
    """The usual security group commands of the real client, as a member."""
    groups = cli.json("demo", "security", "group", "list")
    assert [g["Name"] for g in groups] == ["default"]
    sg = cli.json("demo", "security", "group", "create", "--description", "web servers",
                  "web")
    assert sg["name"] == "web" and sg["stateful"] is True
    rule = cli.json("demo", "security", "group", "rule", "create", "--protocol", "tcp",
                    "--dst-port", "22", "--remote-ip", "0.0.0.0/0", "web")
    assert rule["port_range_min"] == 22 and rule["port_range_max"] == 22
    assert rule["remote_ip_prefix"] == "0.0.0.0/0" and rule["protocol"] == "tcp"
    icmp = cli.json("demo", "security", "group", "rule", "create", "--protocol", "icmp",
                    "--ingress", "--remote-group", "default", "web")
    assert icmp["remote_group_id"] == groups[0]["ID"]
    again = cli("demo", "security", "group", "rule", "create", "--protocol", "tcp",
                "--dst-port", "22", "--remote-ip", "0.0.0.0/0", "web", check=False)
    assert again.returncode != 0 and "already exists" in again.stderr + again.stdout
    rules = cli.json("demo", "security", "group", "rule", "list", "web")
    assert len(rules) == 4
    shown = cli.json("demo", "security", "group", "show", "web")
    assert shown["revision_number"] == 3
    cli("demo", "security", "group", "rule", "delete", rule["id"])
    cli("demo", "security", "group", "set", "--name", "web2", "--stateless", "web")
    assert cli.json("demo", "security", "group", "show", "web2")["stateful"] is False
    refused = cli("demo", "security", "group", "delete", "default", check=False)
    assert refused.returncode != 0
    cli("demo", "security", "group", "delete", "web2")
    assert [g["Name"] for g in cli.json("demo", "security", "group", "list")] == ["default"]


def test_port_security_commands(cli):
    """Port security through the real client, as a member: networks and ports without
    it, ports with chosen groups, no group, address pairs, and the updates."""
    made_ports, made_nets = [], []
    try:
        off = cli.json("demo", "network", "create", "--disable-port-security", "ps-off")
        made_nets.append(off["id"])
        assert off["port_security_enabled"] is False
        p0 = cli.json("demo", "port", "create", "--network", "ps-off", "ps-p0")
        made_ports.append(p0["id"])
        assert p0["port_security_enabled"] is False and p0["security_group_ids"] == []
        net = cli.json("demo", "network", "create", "ps-on")
        made_nets.append(net["id"])
        assert net["port_security_enabled"] is True
        cli.json("demo", "subnet", "create", "--network", "ps-on", "--subnet-range",
                 "10.20.0.0/24", "ps-sub")
        web = cli.json("demo", "security", "group", "create", "ps-web")
        default = [g["ID"] for g in cli.json("demo", "security", "group", "list")
                   if g["Name"] == "default"]
        p1 = cli.json("demo", "port", "create", "--network", "ps-on", "--security-group",
                      "ps-web", "--allowed-address", "ip-address=10.20.0.50",
                      "--allowed-address", "ip-address=10.20.1.0/24,mac-address=fa:16:3e:01:02:03",
                      "ps-p1")
        made_ports.append(p1["id"])
        assert p1["security_group_ids"] == [web["id"]]
        assert sorted(p1["allowed_address_pairs"], key=lambda x: x["ip_address"]) == [
            {"ip_address": "10.20.0.50", "mac_address": p1["mac_address"]},
            {"ip_address": "10.20.1.0/24", "mac_address": "fa:16:3e:01:02:03"}]
        p2 = cli.json("demo", "port", "create", "--network", "ps-on", "--no-security-group",
                      "ps-p2")
        made_ports.append(p2["id"])
        assert p2["security_group_ids"] == [] and p2["port_security_enabled"] is True
        p3 = cli.json("demo", "port", "create", "--network", "ps-on",
                      "--disable-port-security", "ps-p3")
        made_ports.append(p3["id"])
        assert p3["port_security_enabled"] is False and p3["security_group_ids"] == []
        p4 = cli.json("demo", "port", "create", "--network", "ps-on", "ps-p4")
        made_ports.append(p4["id"])
        assert p4["security_group_ids"] == default
        # (`port list --security-group` is refused by this openstacksdk itself before
        # any request: its Port resource does not take that filter.)
        refused = cli("demo", "security", "group", "delete", "ps-web", check=False)
        assert refused.returncode != 0 and "in use" in refused.stderr + refused.stdout
        # Port security off needs the groups and pairs gone too.
        refused = cli("demo", "port", "set", "--disable-port-security", "ps-p1", check=False)
        assert refused.returncode != 0
        cli("demo", "port", "set", "--no-security-group", "--no-allowed-address",
            "--disable-port-security", "ps-p1")
        shown = cli.json("demo", "port", "show", "ps-p1")
        assert shown["port_security_enabled"] is False
        assert shown["security_group_ids"] == [] and shown["allowed_address_pairs"] == []
        cli("demo", "security", "group", "delete", "ps-web")
    finally:
        for pid in made_ports:
            cli("admin", "port", "delete", pid, check=False)
        cli("demo", "security", "group", "delete", "ps-web", check=False)
        cli("admin", "subnet", "delete", "ps-sub", check=False)
        for nid in made_nets:
            cli("admin", "network", "delete", nid, check=False)


def test_router_and_floating_ip_cli_path(cli):
    """The openstack client's router and floating IP commands, as the demo user, on an
    external network the admin made."""
    ext = cli.json("admin", "network", "create", "--external", "cli_public")
    cli("admin", "subnet", "create", "--network", "cli_public", "--subnet-range",
        "203.0.113.0/24", "--no-dhcp", "cli_public_subnet")
    net = cli.json("demo", "network", "create", "cli_private")
    sub = cli.json("demo", "subnet", "create", "--network", "cli_private", "--subnet-range",
                   "10.9.0.0/24", "cli_private_subnet")
    router = cli.json("demo", "router", "create", "cli_router")
    assert router["status"] == "ACTIVE" and router["external_gateway_info"] is None
    cli("demo", "router", "set", "--external-gateway", "cli_public", "cli_router")
    cli("demo", "router", "add", "subnet", "cli_router", "cli_private_subnet")
    shown = cli.json("demo", "router", "show", "cli_router")
    assert shown["external_gateway_info"]["network_id"] == ext["id"]
    assert shown["external_gateway_info"]["enable_snat"] is True
    port = cli.json("demo", "port", "create", "--network", "cli_private", "cli_vm_port")
    fip = cli.json("demo", "floating", "ip", "create", "--port", port["id"], "cli_public")
    assert fip["router_id"] == router["id"] and fip["port_id"] == port["id"]
    assert fip["fixed_ip_address"] == port["fixed_ips"][0]["ip_address"]
    listed = cli.json("demo", "floating", "ip", "list")
    assert [f["ID"] for f in listed] == [fip["id"]]
    # A member may not choose the gateway's SNAT (admin only).
    p = cli("demo", "router", "set", "--external-gateway", "cli_public", "--disable-snat",
            "cli_router", check=False)
    assert p.returncode != 0 and "disallowed by policy" in p.stderr
    cli("demo", "floating", "ip", "delete", fip["id"])
    cli("demo", "port", "delete", "cli_vm_port")
    cli("demo", "router", "remove", "subnet", "cli_router", "cli_private_subnet")
    cli("demo", "router", "unset", "--external-gateway", "cli_router")
    cli("demo", "router", "delete", "cli_router")
    cli("demo", "network", "delete", net["id"])
    cli("admin", "network", "delete", ext["id"])
    assert sub["gateway_ip"] == "10.9.0.1"
