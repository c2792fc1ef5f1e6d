"""neutrino's own client for quotas (docs/behaviour/cli.md §16), against a real server
with the built-in identity service: what `neutrino quota …` prints must be what the real
`openstack` client prints for the same project.  The installed client (6.0) asks the
compute and volume services too, which neutrino has not; osc_network_only.py runs it
with those two absent as the client expects absent services to be (the later clients'
--network), so its network rows are the real client's."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_neutrino_cli import Clients, clients_with_a_server
from test_neutrino_cli_router import message

pytestmark = pytest.mark.own_server

OSC_NETWORK_ONLY = Path(__file__).with_name("osc_network_only.py")
DEFAULTS = {"floating-ips": 50, "networks": 100, "ports": 500, "rbac_policies": 10,
            "routers": 10, "secgroup-rules": 100, "secgroups": 10, "subnet_pools": -1,
            "subnets": 100}


class QuotaClients(Clients):
    def osc(self, cloud, *args, check=True):
        cmd = [sys.executable, str(OSC_NETWORK_ONLY), "--os-cloud", "neutrino-" + cloud]
        p = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                           env=self.env, timeout=120)
        if check:
            assert p.returncode == 0, (args, p.stdout, p.stderr)
        return p


@pytest.fixture(scope="module")
def cl(tmp_path_factory):
    yield from clients_with_a_server(tmp_path_factory, "neutrino-own-cli-quota", QuotaClients)


@pytest.fixture
def demo(cl):
    """The demo project, its quotas back to the defaults afterwards."""
    yield "demo"
    cl.n("admin", "quota", "delete", "--network", "demo", check=False)


def without_location(shown):
    # The 6.0 client also prints the SDK's "location" of the call (which cloud and
    # project asked), which is not a quota; neutrino leaves it out.
    return {k: v for k, v in shown.items() if k != "location"}


def table_rows(text):
    return [[cell.strip() for cell in line.split("|")[1:-1]]
            for line in text.splitlines() if line.startswith("|")]


def table_without_location(text):
    return "\n".join(line for line in text.splitlines() if "| location " not in line)


def test_show_agrees_with_openstack(cl, demo):
    n = cl.nj("admin", "quota", "show", demo)
    assert n == without_location(json.loads(cl.osc("admin", "quota", "show", demo,
                                                   "-f", "json").stdout))
    assert {k: v for k, v in n.items() if not k.startswith("project")} == DEFAULTS
    assert n["project_name"] == "demo"
    # The table's rows (the location row widens the client's Value column).
    o = cl.osc("admin", "quota", "show", demo).stdout
    assert table_rows(cl.n("admin", "quota", "show", demo).stdout) == table_rows(
        table_without_location(o))


def test_show_default_and_own_project(cl, demo):
    cl.n("admin", "quota", "set", "--networks", "4", demo)
    n = cl.nj("admin", "quota", "show", "--default", demo)
    assert n == DEFAULTS
    assert n == without_location(json.loads(cl.osc("admin", "quota", "show", "--default",
                                                   demo, "-f", "json").stdout))
    # No project: the token's.
    own = cl.nj("admin", "quota", "show")
    assert own == without_location(json.loads(cl.osc("admin", "quota", "show",
                                                     "-f", "json").stdout))
    assert own["project_name"] == "admin"


def test_set_then_show_and_usage(cl, demo):
    for args in (("--networks", "5", "--secgroups", "3", "--floating-ips", "0"),
                 ("--subnets", " 7 ", "--ports", "-1", "--routers", "2",
                  "--secgroup-rules", "40", "--rbac-policies", "1", "--subnetpools", "9")):
        n = cl.n("admin", "quota", "set", *args, demo)
        assert n.stdout == "" and n.returncode == 0
    shown = cl.nj("admin", "quota", "show", demo)
    assert {k: v for k, v in shown.items() if not k.startswith("project")} == dict(
        DEFAULTS, networks=5, secgroups=3, **{"floating-ips": 0}, subnets=7, ports=-1,
        routers=2, **{"secgroup-rules": 40}, rbac_policies=1, subnet_pools=9)
    cl.nj("demo", "network", "create", "qnet")
    try:
        n = cl.n("admin", "quota", "show", "--usage", demo).stdout
        o = cl.osc("admin", "quota", "list", "--network", "--detail", "--project",
                   demo).stdout
        assert n == o, "\n" + n + "\n" + o
        rows = {r["Resource"]: r for r in cl.nj("admin", "quota", "show", "--usage", demo)}
        assert rows["networks"] == {"Resource": "networks", "In Use": 1, "Reserved": 0,
                                    "Limit": 5}
        assert rows["security_group_rules"]["In Use"] == 4
        # A member reads its own project's (its token's: it may not list projects by
        # name, for neither client).
        mine = cl.nj("demo", "quota", "show", "--usage", "--network")
        assert mine == cl.nj("admin", "quota", "show", "--usage", demo)
        n = cl.n("demo", "quota", "show", demo, check=False)
        o = cl.osc("demo", "quota", "show", demo, check=False)
        # keystoneclient adds " (HTTP 403) (Request-ID: …)" to the identity's message.
        assert (n.returncode, message(n)) == (o.returncode, re.sub(
            r" \(HTTP \d+\) \(Request-ID: \S+\)$", "", message(o))), (n.stderr, o.stderr)
    finally:
        cl.n("demo", "network", "delete", "qnet")


def test_errors_agree_with_openstack(cl, demo):
    for args in (("--networks", "-5", demo),
                 ("--networks", "x", demo),
                 ("--networks", "3", "nosuchproject")):
        n = cl.n("admin", "quota", "set", *args, check=False)
        o = cl.osc("admin", "quota", "set", *args, check=False)
        assert (n.returncode, message(n)) == (o.returncode, message(o).replace(
            "osc_network_only", "neutrino")), (n.stderr, o.stderr)
        assert n.returncode != 0
    cl.nj("demo", "network", "create", "qnet2")
    try:
        n = cl.n("admin", "quota", "set", "--networks", "0", "--check-limit", demo,
                 check=False)
        o = cl.osc("admin", "quota", "set", "--networks", "0", "--check-limit", demo,
                   check=False)
        assert (n.returncode, message(n)) == (o.returncode, message(o))
        assert message(n) == ("Quota limit 0 for network must be greater than or equal to"
                              " already used 1")
    finally:
        cl.n("demo", "network", "delete", "qnet2")
    n = cl.n("admin", "quota", "show", "nosuchproject", check=False)
    assert (n.returncode, message(n)) == (1, "No project with a name or ID of 'nosuchproject'"
                                             " exists.")
    # Only admins change quotas.
    n = cl.n("demo", "quota", "set", "--networks", "3", cl.nj("demo", "quota", "show")[
        "project"], check=False)
    assert n.returncode == 1 and message(n) == "rule:update_quota is disallowed by policy"


def test_delete_returns_to_the_defaults(cl, demo):
    cl.n("admin", "quota", "set", "--networks", "2", demo)
    n = cl.n("admin", "quota", "delete", "--network", demo)
    assert n.stdout == "" and n.returncode == 0
    shown = cl.nj("admin", "quota", "show", demo)
    assert {k: v for k, v in shown.items() if not k.startswith("project")} == DEFAULTS
    n = cl.n("admin", "quota", "delete", "--network", demo, check=False)
    assert n.returncode == 1
    assert message(n).endswith("could not be found.")
