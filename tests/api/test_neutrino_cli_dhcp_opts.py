"""neutrino's own client for a port's extra DHCP options (docs/behaviour/cli.md §8):
`port create/set --extra-dhcp-option name=…[,value=…,ip-version=…]` as the openstack
client reads it, what both print, the same errors, and neutrino's `port unset
--extra-dhcp-option name=…[,ip-version=…]`, which the openstack client lacks."""

import uuid

import pytest

from test_neutrino_cli import Clients, neutrino_binary, same

pytestmark = pytest.mark.own_server


@pytest.fixture(scope="module")
def cl(tmp_path_factory):
    from conftest import EXTERNAL_URL, NeutrinoServer, check_clean_exit
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own")
    if not neutrino_binary().exists():
        pytest.fail("neutrino client not built at %s" % neutrino_binary())
    from identity_helpers import identity_overrides
    srv = NeutrinoServer(tmp_path_factory.mktemp("neutrino-own-cli-edo"), identity_overrides())
    srv.start()
    yield Clients(srv)
    check_clean_exit(srv, srv.stop())


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def opt(name, value, version=4):
    return {"opt_name": name, "opt_value": value, "ip_version": version}


@pytest.fixture(scope="module")
def net(cl):
    name = unique("edonet")
    cl.nj("demo", "network", "create", name)
    cl.nj("demo", "subnet", "create", "--network", name, "--subnet-range", "10.62.0.0/24",
          unique("edosub"))
    return name


def test_options_agree_with_openstack(cl, net):
    port = cl.nj("demo", "port", "create", "--network", net,
                 "--extra-dhcp-option", "name=mtu,value=1400",
                 "--extra-dhcp-option", "name=domain-search,value=a.example,b.example",
                 "--extra-dhcp-option", "name=mtu,value=1300,ip-version=6", unique("vm"))
    want = [opt("domain-search", "a.example,b.example"), opt("mtu", "1400"),
            opt("mtu", "1300", 6)]
    assert port["extra_dhcp_opts"] == want
    same(port, cl.oj("demo", "port", "show", port["id"]))
    assert cl.n("demo", "port", "show", port["id"]).stdout == \
        cl.run("openstack", "demo", "port", "show", port["id"]).stdout
    # set merges what it names into the port's options, as the server does.
    cl.n("demo", "port", "set", "--extra-dhcp-option", "name=mtu,value=1200", port["id"])
    now = cl.oj("demo", "port", "show", port["id"])
    assert now["extra_dhcp_opts"] == [want[0], opt("mtu", "1200"), want[2]]
    cl.run("openstack", "demo", "port", "set", "--extra-dhcp-option",
           "name=router,value=", port["id"])
    now = cl.nj("demo", "port", "show", port["id"])
    assert opt("router", "") in now["extra_dhcp_opts"]
    # unset removes by name (IPv4 unless told) and version.
    cl.n("demo", "port", "unset", "--extra-dhcp-option", "name=mtu,ip-version=6",
         "--extra-dhcp-option", "name=router", port["id"])
    now = cl.nj("demo", "port", "show", port["id"])
    assert now["extra_dhcp_opts"] == [want[0], opt("mtu", "1200")]


@pytest.mark.parametrize("command,text", [
    ("create", "value=1"),
    ("create", "name=mtu,size=1"),
    ("create", "=1"),
    ("create", "mtu"),
    ("set", "name=mtu,size=1"),
])
def test_bad_options_fail_as_openstack_does(cl, net, command, text):
    port = cl.nj("demo", "port", "create", "--network", net, unique("bad"))
    args = ["port", command, "--extra-dhcp-option", text]
    args += ["--network", net, unique("vm")] if command == "create" else [port["id"]]
    mine = cl.n("demo", *args, check=False)
    theirs = cl.run("openstack", "demo", *args, check=False)
    assert mine.returncode == theirs.returncode == 1, (mine.stderr, theirs.stderr)
    # The same message (neutrino's errors start "Error: "); the openstack client names
    # the valid keys in a Python set's order, so only the first line is compared.
    assert mine.stderr.startswith("Error: ")
    assert mine.stderr[len("Error: "):].splitlines()[0] == theirs.stderr.splitlines()[0]


def test_unset_takes_no_value(cl, net):
    port = cl.nj("demo", "port", "create", "--network", net, unique("vm"))
    p = cl.n("demo", "port", "unset", "--extra-dhcp-option", "name=mtu,value=1", port["id"],
             check=False)
    assert p.returncode != 0
    assert "Invalid keys value specified." in p.stderr
