"""neutrino's own command-line client (docs/behaviour/cli.md §11) against a real server
with the built-in identity service: every command, and the same resources through
`neutrino … -f json` and the real `openstack … -f json`, which must agree field for
field."""

import json
import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_server

OPENSTACK = shutil.which("openstack", path="/usr/bin:/usr/local/bin") or "openstack"
REPO = Path(__file__).resolve().parents[2]


def neutrino_binary():
    server = os.environ.get("NEUTRINO_SERVER")
    build = Path(server).parents[2] if server else REPO / "build"
    return build / "src" / "cli" / "neutrino"


class Clients:
    def __init__(self, srv):
        self.srv = srv
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        self.env["OS_CLIENT_CONFIG_FILE"] = str(srv.state / "clouds.yaml")
        self.env["HOME"] = str(srv.state)
        self.env["XDG_CACHE_HOME"] = str(srv.state / "cache")

    def run(self, prog, cloud, *args, check=True, env=None):
        cmd = [str(neutrino_binary()) if prog == "neutrino" else OPENSTACK]
        if cloud:
            cmd += ["--os-cloud", "neutrino-" + cloud]
        p = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                           env=env or self.env, timeout=120)
        if check:
            assert p.returncode == 0, "%s %s: %s%s" % (prog, " ".join(map(str, args)),
                                                      p.stdout, p.stderr)
        return p

    def n(self, cloud, *args, **kw):
        return self.run("neutrino", cloud, *args, **kw)

    def nj(self, cloud, *args):
        return json.loads(self.n(cloud, *args, "-f", "json").stdout)

    def oj(self, cloud, *args):
        return json.loads(self.run("openstack", cloud, *args, "-f", "json").stdout)


def clients_with_a_server(tmp_path_factory, name, clients=None):
    """For a module fixture: a server of its own with the built-in identity, and both
    clients ('clients', default Clients) pointed at it; stops the server after."""
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    if not neutrino_binary().exists():
        pytest.fail("neutrino client not built at %s" % neutrino_binary())
    from identity_helpers import identity_overrides
    srv = NeutrinoServer(tmp_path_factory.mktemp(name), identity_overrides())
    srv.start()
    yield (clients or Clients)(srv)
    check_clean_exit(srv, srv.stop())


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


# How each client introduces the server's message of a failed call: neutrino as
# "<Type> (HTTP <status>): ", the openstack client as "<Type>Exception: <status>: Client
# Error for url: <url>, " (docs/behaviour/cli.md §11).
SERVER_ERROR = re.compile(r"^(\w+ \(HTTP \d+\): |\w+Exception: \d+: Client Error for url: \S+, )")


@pytest.fixture(scope="module")
def cl(tmp_path_factory):
    yield from clients_with_a_server(tmp_path_factory, "neutrino-own-cli")


def same(a, b, skip=("updated_at", "revision_number")):
    """The fields both clients print agree (timestamps that moved aside)."""
    assert sorted(a) == sorted(b), set(a) ^ set(b)
    for k in a:
        if k not in skip:
            assert a[k] == b[k], (k, a[k], b[k])


# A network's create answer has is_default (false), its show not (Zed shows it on
# external networks only, api.md §18.1): both clients print None for it after a show.
CREATE_VS_SHOW = ("updated_at", "revision_number", "is_default")


def test_tutorial_network_and_subnet_agree_with_openstack(cl):
    net = cl.nj("demo", "network", "create", "first_local_net")
    assert net["name"] == "first_local_net" and net["admin_state_up"] is True
    assert net["is_default"] is False
    same(net, cl.oj("demo", "network", "show", net["id"]), skip=CREATE_VS_SHOW)
    sub = cl.nj("demo", "subnet", "create", "--network", "first_local_net", "--subnet-range",
                "172.16.1.0/24", "--allocation-pool", "start=172.16.1.2,end=172.16.1.100",
                "subnet_172_16_1_0")
    assert sub["gateway_ip"] == "172.16.1.1"
    assert sub["allocation_pools"] == [{"start": "172.16.1.2", "end": "172.16.1.100"}]
    same(sub, cl.oj("demo", "subnet", "show", sub["id"]))
    # Lists: the same headers and rows (as sets; both sort as the server answers).
    for what in (["network", "list"], ["network", "list", "--long"], ["subnet", "list"],
                 ["subnet", "list", "--long"]):
        mine = cl.nj("demo", *what)
        theirs = cl.oj("demo", *what)
        assert sorted(json.dumps(r, sort_keys=True) for r in mine) == \
            sorted(json.dumps(r, sort_keys=True) for r in theirs), what
    # Admin: a local network for project demo, as the tutorial's admin page does.
    admin_net = cl.nj("admin", "network", "create", "--project", "demo",
                      "--provider-network-type", "local", "second_local_net")
    assert admin_net["provider:network_type"] == "local"
    same(admin_net, cl.oj("admin", "network", "show", admin_net["id"]), skip=CREATE_VS_SHOW)
    demo_project = cl.oj("admin", "project", "show", "demo")["id"]
    assert admin_net["project_id"] == demo_project


def test_ports_agree_with_openstack(cl):
    cl.nj("demo", "network", "create", "pnet")
    cl.nj("demo", "subnet", "create", "--network", "pnet", "--subnet-range", "10.30.0.0/24",
          "psub")
    port = cl.nj("admin", "port", "create", "--network", "pnet", "--device-owner",
                 "compute:nova", "--host", "somehost", "--fixed-ip",
                 "subnet=psub,ip-address=10.30.0.9", "vm1-port")
    assert port["fixed_ips"][0]["ip_address"] == "10.30.0.9"
    assert port["binding_host_id"] == "somehost"
    same(port, cl.oj("admin", "port", "show", port["id"]))
    assert cl.nj("admin", "port", "list", "--network", "pnet") == cl.oj(
        "admin", "port", "list", "--network", "pnet")
    # --long: the same, but for the port's groups, which the openstack client asks for
    # as the field "security_group_ids", unknown to the server (Neutron's too), and so
    # never shows; neutrino shows them.
    long_n = cl.nj("admin", "port", "list", "--long", "--network", "pnet")
    long_o = cl.oj("admin", "port", "list", "--long", "--network", "pnet")
    assert [r["Security Groups"] for r in long_n] == [port["security_group_ids"]]
    assert [r["Security Groups"] for r in long_o] == [None]
    for row in long_n + long_o:
        del row["Security Groups"]
    assert long_n == long_o
    cl.n("admin", "port", "set", "--no-fixed-ip", "--fixed-ip", "ip-address=10.30.0.10",
         "--name", "renamed", "vm1-port")
    shown = cl.nj("admin", "port", "show", "renamed")
    assert [f["ip_address"] for f in shown["fixed_ips"]] == ["10.30.0.10"]
    cl.n("admin", "port", "unset", "--host", "renamed")
    assert cl.nj("admin", "port", "show", "renamed")["binding_host_id"] == ""
    cl.n("admin", "port", "delete", "renamed")
    assert cl.n("admin", "port", "show", "renamed", check=False).returncode == 1


def test_table_value_and_column_output(cl):
    cl.nj("demo", "network", "create", "outnet")
    table = cl.n("demo", "network", "show", "outnet").stdout
    assert table.splitlines()[1].split("|")[1].strip() == "Field"
    assert "| admin_state_up            | UP " in table
    assert "| router:external           | Internal " in table
    value = cl.n("demo", "network", "show", "outnet", "-f", "value", "-c", "name",
                 "-c", "status").stdout.split()
    assert value == ["outnet", "ACTIVE"]
    ids = cl.n("demo", "network", "list", "--name", "outnet", "-f", "value", "-c",
               "ID").stdout.split()
    assert len(ids) == 1
    shell = cl.n("demo", "network", "show", "outnet", "-f", "shell", "-c",
                 "router:external").stdout
    assert shell == 'router_external="False"\n'
    bad = cl.n("demo", "network", "show", "outnet", "-c", "nope", check=False)
    assert bad.returncode == 1 and "No recognized column names" in bad.stderr


def test_set_unset_and_tags(cl):
    cl.nj("demo", "network", "create", "--tag", "b", "--tag", "a", "tagnet")
    assert cl.nj("demo", "network", "show", "tagnet")["tags"] == ["a", "b"]
    cl.n("demo", "network", "set", "--tag", "c", "--description", "hello", "tagnet")
    shown = cl.nj("demo", "network", "show", "tagnet")
    assert shown["tags"] == ["a", "b", "c"] and shown["description"] == "hello"
    cl.n("demo", "network", "unset", "--tag", "b", "tagnet")
    assert cl.nj("demo", "network", "show", "tagnet")["tags"] == ["a", "c"]
    cl.nj("demo", "subnet", "create", "--network", "tagnet", "--subnet-range",
          "10.40.0.0/24", "--dns-nameserver", "8.8.8.8", "tsub")
    cl.n("demo", "subnet", "set", "--dns-nameserver", "1.1.1.1", "--host-route",
         "destination=10.0.0.0/8,gateway=10.40.0.254", "tsub")
    sub = cl.nj("demo", "subnet", "show", "tsub")
    assert sub["dns_nameservers"] == ["1.1.1.1", "8.8.8.8"]
    assert sub["host_routes"] == [{"destination": "10.0.0.0/8", "nexthop": "10.40.0.254"}]
    table = cl.n("demo", "subnet", "show", "tsub", "-c", "host_routes").stdout
    assert "destination='10.0.0.0/8', gateway='10.40.0.254'" in table
    cl.n("demo", "subnet", "unset", "--dns-nameserver", "8.8.8.8", "--gateway", "tsub")
    sub = cl.nj("demo", "subnet", "show", "tsub")
    assert sub["dns_nameservers"] == ["1.1.1.1"] and sub["gateway_ip"] is None
    p = cl.n("demo", "subnet", "unset", "--dns-nameserver", "9.9.9.9", "tsub", check=False)
    assert p.returncode == 1 and "does not contain" in p.stderr


def test_errors_are_readable(cl):
    p = cl.n("demo", "network", "show", "no-such-network", check=False)
    assert p.returncode == 1 and "No Network found for no-such-network" in p.stderr
    cl.nj("demo", "network", "create", "twin")
    cl.nj("demo", "network", "create", "twin")
    p = cl.n("demo", "network", "show", "twin", check=False)
    assert p.returncode == 1 and "More than one Network exists with the name 'twin'." in p.stderr
    p = cl.n("demo", "subnet", "create", "--network", "outnet", "--subnet-range", "300.0.0.0/8",
             "bad", check=False)
    assert p.returncode == 1
    assert "InvalidInput (HTTP 400): Invalid input for operation: 300.0.0.0/8 is not in a" \
        " CIDR format." in p.stderr
    # Delete goes on after a failure and sums up.
    p = cl.n("demo", "network", "delete", "outnet", "nope-net", check=False)
    assert p.returncode == 1 and "1 of 2 networks failed to delete." in p.stderr
    assert cl.n("demo", "network", "show", "outnet", check=False).returncode == 1
    p = cl.n("demo", "bogus", "command", check=False)
    assert p.returncode == 2 and "not a neutrino command" in p.stderr
    p = cl.n("demo", "network", "list", "--bogus", check=False)
    assert p.returncode == 2 and "unrecognized arguments" in p.stderr
    # A member cannot see agents: an empty list, not an error.
    assert cl.nj("demo", "network", "agent", "list") == []


def test_agents_and_dhcp_networks(cl):
    import requests
    from identity_helpers import Cloud
    # An agent reporting, played by HTTP with the admin's token.
    headers = {"X-Auth-Token": Cloud(cl.srv.url).token("admin")}
    r = requests.post(cl.srv.url + "/agent/v1/report", headers=headers, json={"agent": {
        "agent_type": "DHCP agent", "binary": "neutron-dhcp-agent", "host": "ctl",
        "topic": "dhcp_agent", "availability_zone": "nova", "configurations": {}}}, timeout=10)
    assert r.status_code == 200, r.text
    agents = cl.nj("admin", "network", "agent", "list")
    assert agents == cl.oj("admin", "network", "agent", "list")
    [agent] = [a for a in agents if a["Host"] == "ctl"]
    assert agent["Agent Type"] == "DHCP agent" and agent["Alive"] is True
    listed = cl.n("admin", "network", "agent", "list", "--agent-type", "dhcp").stdout
    assert ":-)" in listed and "UP" in listed
    shown = cl.nj("admin", "network", "agent", "show", agent["ID"])
    same(shown, cl.oj("admin", "network", "agent", "show", agent["ID"]),
         skip=("last_heartbeat_at",))
    cl.n("admin", "network", "agent", "set", "--description", "ours", agent["ID"])
    assert cl.nj("admin", "agent", "show", agent["ID"])["description"] == "ours"
    cl.nj("admin", "network", "create", "dnet")
    cl.n("admin", "network", "agent", "add", "network", "--dhcp", agent["ID"], "dnet")
    hosting = cl.nj("admin", "network", "agent", "list", "--network", "dnet")
    assert [a["ID"] for a in hosting] == [agent["ID"]]
    nets = cl.nj("admin", "network", "list", "--agent", agent["ID"])
    assert [n["Name"] for n in nets] == ["dnet"]
    p = cl.n("admin", "network", "agent", "add", "network", "--dhcp", agent["ID"], "dnet",
             check=False)
    assert p.returncode == 1 and "NetworkHostedByDHCPAgent" in p.stderr
    cl.n("admin", "network", "agent", "remove", "network", "--dhcp", agent["ID"], "dnet")
    assert cl.nj("admin", "network", "agent", "list", "--network", "dnet") == []
    cl.n("admin", "network", "agent", "delete", agent["ID"])
    p = cl.n("admin", "network", "agent", "show", agent["ID"], check=False)
    assert p.returncode == 1 and "No Agent found" in p.stderr


def test_configuration_sources_and_token_cache(cl):
    import yaml
    conf = yaml.safe_load(cl.srv.state.joinpath("clouds.yaml").read_text())
    demo = conf["clouds"]["neutrino-demo"]["auth"]
    env = {k: v for k, v in cl.env.items()}
    env.update(OS_AUTH_URL=demo["auth_url"], OS_USERNAME=demo["username"],
               OS_PASSWORD=demo["password"], OS_PROJECT_NAME=demo["project_name"],
               OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
               XDG_CACHE_HOME=str(cl.srv.state / "cache-env"))
    del env["OS_CLIENT_CONFIG_FILE"]
    p = cl.run("neutrino", None, "network", "list", "-f", "json", env=env)
    assert isinstance(json.loads(p.stdout), list)
    # Flags win over the environment: a wrong password fails.
    p = cl.run("neutrino", None, "--os-password", "wrong", "--os-username", "nobody-here",
               "network", "list", env=env, check=False)
    assert p.returncode == 1 and "401" in p.stderr
    # The token is cached (0600) and reused: the second call does not sign in again.
    cache = list((cl.srv.state / "cache-env" / "neutrino").glob("token-*.json"))
    assert cache and oct(cache[0].stat().st_mode & 0o777) == "0o600"
    t0 = time.monotonic()
    cl.run("neutrino", None, "network", "list", env=env)
    assert time.monotonic() - t0 < 5
    # A revoked/unknown cached token: the client signs in again by itself.
    data = json.loads(cache[0].read_text())
    data["token"] = "not-a-token"
    cache[0].write_text(json.dumps(data))
    p = cl.run("neutrino", None, "network", "list", "-f", "json", env=env)
    assert isinstance(json.loads(p.stdout), list)
    # Missing settings are explained.
    bare = {k: v for k, v in env.items() if not k.startswith("OS_")}
    p = cl.run("neutrino", None, "network", "list", env=bare, check=False)
    assert p.returncode == 1 and "auth_url" in p.stderr
    p = cl.run("neutrino", "nonexistent", "network", "list", check=False)
    assert p.returncode == 1 and "cloud neutrino-nonexistent not found" in p.stderr


@pytest.fixture(scope="module")
def cl_port_drivers(tmp_path_factory):
    """A server whose ports keep device_profile and numa_affinity_policy."""
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    from identity_helpers import identity_overrides
    srv = NeutrinoServer(tmp_path_factory.mktemp("neutrino-cli-drivers"), identity_overrides({
        "ml2_conf.ini": {"ml2": {
            "extension_drivers": "port_security,port_device_profile,port_numa_affinity_policy"}}}))
    srv.start()
    yield Clients(srv)
    check_clean_exit(srv, srv.stop())


def test_port_numa_policy_and_device_profile_agree_with_openstack(cl_port_drivers):
    cl = cl_port_drivers
    cl.nj("admin", "network", "create", "numa-net")
    mine = cl.nj("admin", "port", "create", "--network", "numa-net", "--numa-policy-preferred",
                 "--device-profile", "dp1", "numa-a")
    assert mine["numa_affinity_policy"] == "preferred" and mine["device_profile"] == "dp1"
    same(mine, cl.oj("admin", "port", "show", mine["id"]))
    theirs = cl.oj("admin", "port", "create", "--network", "numa-net", "--numa-policy-required",
                   "--device-profile", "dp2", "numa-b")
    same(theirs, cl.nj("admin", "port", "show", theirs["id"]))
    cl.n("admin", "port", "set", "--numa-policy-legacy", "numa-a")
    assert cl.nj("admin", "port", "show", "numa-a")["numa_affinity_policy"] == "legacy"
    cl.n("admin", "port", "unset", "--numa-policy", "numa-a")
    assert cl.oj("admin", "port", "show", "numa-a")["numa_affinity_policy"] is None
    p = cl.n("admin", "port", "set", "--numa-policy-legacy", "--numa-policy-required", "numa-a",
             check=False)
    assert p.returncode != 0 and "--numa-policy-" in p.stderr


def test_port_list_ip_substring_agrees_with_openstack(cl):
    cl.nj("demo", "network", "create", "substr-net")
    cl.nj("demo", "subnet", "create", "--network", "substr-net", "--subnet-range",
          "10.31.0.0/24", "substr-sub")
    for name, ip in (("substr-a", "10.31.0.15"), ("substr-b", "10.31.0.150"),
                     ("substr-c", "10.31.0.200")):
        cl.nj("demo", "port", "create", "--network", "substr-net", "--fixed-ip",
              "ip-address=" + ip, name)
    for spec in ("ip-substring=0.15", "ip-substring=.200", "subnet=substr-sub,ip-substring=31.0.1"):
        mine = cl.nj("demo", "port", "list", "--network", "substr-net", "--fixed-ip", spec)
        theirs = cl.oj("demo", "port", "list", "--network", "substr-net", "--fixed-ip", spec)
        assert sorted(r["Name"] for r in mine) == sorted(r["Name"] for r in theirs), spec
    names = sorted(r["Name"] for r in cl.nj("demo", "port", "list", "--fixed-ip",
                                            "ip-substring=0.15"))
    assert names == ["substr-a", "substr-b"]
