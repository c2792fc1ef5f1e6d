"""neutrino's own client for security groups, their rules and the port security options
of ports and networks (docs/behaviour/cli.md §12), against a real server with the
built-in identity service: what `neutrino … -f json` and the tables print must be what
the real `openstack` client prints for the same resources, and errors must carry the
same message and exit status."""

import json
import uuid

import pytest

from test_neutrino_cli import clients_with_a_server, same, unique

pytestmark = pytest.mark.own_server


@pytest.fixture(scope="module")
def cl(tmp_path_factory):
    yield from clients_with_a_server(tmp_path_factory, "neutrino-own-cli-sg")



def rows(listing):
    return sorted(json.dumps(r, sort_keys=True) for r in listing)


def table(cl, prog, *args):
    return cl.run(prog, "demo", *args).stdout


def message(p):
    """The last line of an error, without the clients' different prefixes."""
    line = p.stderr.strip().splitlines()[-1]
    for prefix in ("Error while executing command: ", "Error: ",
                   "neutrino security group rule create: error: ",
                   "openstack security group rule create: error: "):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def test_groups_agree_with_openstack(cl):
    name = unique("web")
    group = cl.nj("demo", "security", "group", "create", "--tag", "b", "--tag", "a", name)
    # The description defaults to the name; the two egress rules come with the group.
    assert group["description"] == name and group["tags"] == ["a", "b"]
    assert sorted(r["ethertype"] for r in group["rules"]) == ["IPv4", "IPv6"]
    same(group, cl.oj("demo", "security", "group", "show", group["id"]))
    # The table renders the rules one per line, as the client does.
    assert table(cl, "neutrino", "security", "group", "show", name) == \
        table(cl, "openstack", "security", "group", "show", name)
    mine = cl.nj("demo", "security", "group", "list")
    assert rows(mine) == rows(cl.oj("demo", "security", "group", "list"))
    assert {r["Name"] for r in mine} >= {"default", name}
    assert table(cl, "neutrino", "security", "group", "list") == \
        table(cl, "openstack", "security", "group", "list")
    # set, unset, and a stateless group.
    cl.n("demo", "security", "group", "set", "--name", name + "-x", "--description", "web tier",
         "--tag", "c", name)
    cl.n("demo", "security", "group", "unset", "--tag", "a", name + "-x")
    shown = cl.nj("demo", "security", "group", "show", name + "-x")
    assert shown["description"] == "web tier" and shown["tags"] == ["b", "c"]
    same(shown, cl.oj("demo", "security", "group", "show", name + "-x"))
    stateless = cl.nj("demo", "security", "group", "create", "--stateless", "--description",
                      "", unique("raw"))
    assert stateless["stateful"] is False and stateless["description"] == ""
    cl.n("demo", "security", "group", "delete", name + "-x", stateless["id"])
    assert cl.n("demo", "security", "group", "show", group["id"], check=False).returncode == 1


def test_yaml_agrees_with_openstack(cl):
    """YAML as PyYAML prints it: keys sorted, lists at their key's indentation, strings
    quoted only when they would read back as something else, long ones folded."""
    name = unique("yaml")
    cl.nj("demo", "security", "group", "create", name)
    cl.n("demo", "security", "group", "rule", "create", name, "--protocol", "47",
         "--description", "it's a: rule " + "long " * 16)
    for what in (["security", "group", "show", name], ["security", "group", "list"],
                 ["security", "group", "rule", "list", name]):
        assert table(cl, "neutrino", *what, "-f", "yaml") == \
            table(cl, "openstack", *what, "-f", "yaml"), what
    cl.n("demo", "security", "group", "delete", name)


RULES = [
    ["--protocol", "tcp", "--dst-port", "22"],
    ["--protocol", "UDP", "--dst-port", "1000:2000", "--remote-ip", "10.0.0.0/8",
     "--description", "dns"],
    ["--protocol", "icmp", "--icmp-type", "8", "--icmp-code", "0"],
    ["--protocol", "ipv6-icmp", "--icmp-type", "128"],
    ["--proto", "47", "--egress"],
    ["--ethertype", "ipv6", "--ingress"],
]


def test_rules_agree_with_openstack(cl):
    name = unique("rules")
    group = cl.nj("demo", "security", "group", "create", name)
    made = []
    for opts in RULES:
        rule = cl.nj("demo", "security", "group", "rule", "create", name, *opts)
        same(rule, cl.oj("demo", "security", "group", "rule", "show", rule["id"]))
        made.append(rule)
    tcp, udp, icmp, icmp6, gre, any6 = made
    assert (tcp["protocol"], tcp["port_range_min"], tcp["port_range_max"]) == ("tcp", 22, 22)
    assert tcp["direction"] == "ingress" and tcp["remote_ip_prefix"] == "0.0.0.0/0"
    assert (udp["protocol"], udp["remote_ip_prefix"]) == ("udp", "10.0.0.0/8")
    assert (icmp["port_range_min"], icmp["port_range_max"]) == (8, 0)
    assert icmp6["ether_type"] == "IPv6" and icmp6["remote_ip_prefix"] == "::/0"
    assert gre["direction"] == "egress" and gre["protocol"] == "47"
    assert any6["protocol"] is None and any6["remote_ip_prefix"] == "::/0"
    # A remote group: no prefix sent; show fills in the ethertype's whole range.
    remote = cl.nj("demo", "security", "group", "rule", "create", name, "--remote-group", name,
                   "--protocol", "tcp", "--dst-port", "80")
    assert remote["remote_group_id"] == group["id"] and remote["remote_ip_prefix"] is None
    shown = cl.nj("demo", "security", "group", "rule", "show", remote["id"])
    assert shown["remote_ip_prefix"] == "0.0.0.0/0"
    same(shown, cl.oj("demo", "security", "group", "rule", "show", remote["id"]))
    # Lists: port ranges and IP ranges made as the client makes them.
    for what in (["security", "group", "rule", "list", name],
                 ["security", "group", "rule", "list"],
                 ["security", "group", "rule", "list", name, "--ingress", "--protocol", "TCP"]):
        assert rows(cl.nj("demo", *what)) == rows(cl.oj("demo", *what)), what
    by_id = {r["ID"]: r for r in cl.nj("demo", "security", "group", "rule", "list", name)}
    assert by_id[tcp["id"]]["Port Range"] == "22:22"
    assert by_id[icmp["id"]]["Port Range"] == "type=8"
    assert by_id[remote["id"]]["IP Range"] == "0.0.0.0/0"
    assert "Security Group" not in by_id[tcp["id"]]
    assert table(cl, "neutrino", "security", "group", "rule", "list", name) == \
        table(cl, "openstack", "security", "group", "rule", "list", name)
    assert table(cl, "neutrino", "security", "group", "show", name) == \
        table(cl, "openstack", "security", "group", "show", name)
    cl.n("demo", "security", "group", "rule", "delete", tcp["id"], udp["id"])
    assert cl.n("demo", "security", "group", "rule", "show", tcp["id"],
                check=False).returncode == 1
    cl.n("demo", "security", "group", "delete", name)


# (arguments, exit status): the same message from both clients.
ERRORS = [
    (["security", "group", "show", "no-such-group"], 1),
    (["security", "group", "rule", "create", "no-such-group"], 1),
    (["security", "group", "rule", "list", "no-such-group"], 1),
    (["security", "group", "rule", "show", "no-such-rule"], 1),
    (["security", "group", "rule", "create", "{g}", "--dst-port", "22", "--icmp-type", "3"], 1),
    (["security", "group", "rule", "create", "{g}", "--icmp-code", "3"], 1),
    (["security", "group", "rule", "create", "{g}", "--protocol", "tcp", "--icmp-type", "3"], 1),
    (["security", "group", "rule", "create", "{g}", "--dst-port", "30:20"], 2),
    (["security", "group", "rule", "create", "{g}", "--dst-port", "1:2:3"], 2),
    (["security", "group", "rule", "create", "{g}", "--ethertype", "ipv5"], 2),
    (["security", "group", "rule", "create", "{g}", "--icmp-type", "x"], 2),
    (["security", "group", "rule", "create", "{g}", "--remote-ip", "10.0.0.0/8",
      "--remote-group", "{g}"], 2),
]


def test_errors_agree_with_openstack(cl):
    name = unique("err")
    cl.nj("demo", "security", "group", "create", name)
    for args, status in ERRORS:
        args = [a.format(g=name) for a in args]
        mine = cl.n("demo", *args, check=False)
        theirs = cl.run("openstack", "demo", *args, check=False)
        assert (mine.returncode, theirs.returncode) == (status, status), (args, mine.stderr)
        assert message(mine) == message(theirs), args
    # A name two groups share.
    cl.nj("demo", "security", "group", "create", name)
    p = cl.n("demo", "security", "group", "show", name, check=False)
    assert p.returncode == 1
    assert message(p) == "More than one SecurityGroup exists with the name '%s'." % name
    # Delete goes on, says why each one failed, and sums up as the openstack client.
    args = ["security", "group", "rule", "delete", "no-such-rule", str(uuid.uuid4())]
    mine = cl.n("demo", *args, check=False)
    theirs = cl.run("openstack", "demo", *args, check=False)
    assert mine.returncode == theirs.returncode == 1
    assert mine.stderr.splitlines() == theirs.stderr.splitlines()
    assert mine.stderr.splitlines()[-1] == "2 of 2 rules failed to delete."
    p = cl.n("demo", "network", "delete", "no-such-network", check=False)
    assert p.stderr.splitlines() == [
        "Failed to delete network with name or ID 'no-such-network': No Network found for "
        "no-such-network", "1 of 1 networks failed to delete."]


def test_port_and_network_security_options(cl):
    net = unique("psnet")
    cl.nj("demo", "network", "create", "--disable-port-security", net)
    assert cl.oj("demo", "network", "show", net)["port_security_enabled"] is False
    cl.n("demo", "network", "set", "--enable-port-security", net)
    assert cl.oj("demo", "network", "show", net)["port_security_enabled"] is True
    cl.nj("demo", "subnet", "create", "--network", net, "--subnet-range", "10.61.0.0/24",
          unique("pssub"))
    web, db = unique("web"), unique("db")
    web_id = cl.nj("demo", "security", "group", "create", web)["id"]
    db_id = cl.nj("demo", "security", "group", "create", db)["id"]
    port = cl.nj("demo", "port", "create", "--network", net, "--security-group", web,
                 "--security-group", db_id, "--allowed-address", "ip-address=10.61.0.100",
                 "--allowed-address", "ip-address=10.61.1.0/24,mac-address=fa:16:3e:00:00:01",
                 unique("vm"))
    assert sorted(port["security_group_ids"]) == sorted([web_id, db_id])
    pairs = {p["ip_address"]: p["mac_address"] for p in port["allowed_address_pairs"]}
    assert pairs == {"10.61.0.100": port["mac_address"], "10.61.1.0/24": "fa:16:3e:00:00:01"}
    # Shown as the openstack client shows it to a member, who is not sent the binding
    # dicts: both print {} for them.
    theirs = cl.oj("demo", "port", "show", port["id"])
    same(port, theirs)
    assert theirs["binding_profile"] == {} and theirs["binding_vif_details"] == {}
    assert table(cl, "neutrino", "port", "show", port["id"]) == \
        table(cl, "openstack", "port", "show", port["id"])
    pid = port["id"]

    def shown():
        return cl.nj("demo", "port", "show", pid)

    # set appends; --no-… first empties.
    cl.n("demo", "port", "set", "--no-security-group", "--security-group", web, pid)
    assert shown()["security_group_ids"] == [web_id]
    cl.n("demo", "port", "set", "--security-group", db, "--allowed-address",
         "ip-address=10.61.0.101", pid)
    now = shown()
    assert sorted(now["security_group_ids"]) == sorted([web_id, db_id])
    assert [p["ip_address"] for p in now["allowed_address_pairs"]][-1] == "10.61.0.101"
    # unset removes exactly what it names; what the port lacks is an error.
    cl.n("demo", "port", "unset", "--security-group", web, "--allowed-address",
         "ip-address=10.61.0.100", pid)
    now = shown()
    assert now["security_group_ids"] == [db_id]
    assert "10.61.0.100" not in [p["ip_address"] for p in now["allowed_address_pairs"]]
    p = cl.n("demo", "port", "unset", "--security-group", web, pid, check=False)
    assert p.returncode == 1 and message(p) == "Port does not contain security group %s" % web
    p = cl.n("demo", "port", "set", "--allowed-address", "mac-address=fa:16:3e:00:00:02", pid,
             check=False)
    assert p.returncode == 1 and "ip-address=<ip-address>" in p.stderr
    p = cl.n("demo", "port", "set", "--security-group", "no-such-group", pid, check=False)
    assert p.returncode == 1 and message(p) == "No SecurityGroup found for no-such-group"
    # Port security off needs the groups and pairs gone: one PUT does both.
    cl.n("demo", "port", "set", "--no-security-group", "--no-allowed-address",
         "--disable-port-security", pid)
    now = shown()
    assert (now["security_group_ids"], now["allowed_address_pairs"],
            now["port_security_enabled"]) == ([], [], False)
    bare = cl.nj("demo", "port", "create", "--network", net, "--no-security-group",
                 "--disable-port-security", unique("bare"))
    assert bare["security_group_ids"] == [] and bare["port_security_enabled"] is False
    cl.n("demo", "port", "delete", pid, bare["id"])
    cl.n("demo", "security", "group", "delete", web, db)
    cl.n("demo", "network", "delete", net)
