"""neutrino availability zone list and the --availability-zone-hint of network create and
router create, against the openstack client on the same server (docs/behaviour/cli.md
§19)."""

import json

import pytest
import requests

from identity_helpers import Cloud
from test_neutrino_cli import cl  # noqa: F401  (the module's server and clients)

pytestmark = pytest.mark.own_server


def report(cl, agent_type, host, zone, admin_token):
    binary = {"DHCP agent": "neutron-dhcp-agent", "L3 agent": "neutron-l3-agent"}[agent_type]
    r = requests.post(cl.srv.url + "/agent/v1/report", headers={"X-Auth-Token": admin_token},
                      json={"agent": {"agent_type": agent_type, "binary": binary, "host": host,
                                      "topic": "t", "availability_zone": zone,
                                      "configurations": {}}}, timeout=10)
    assert r.status_code == 200, r.text


def rows(listing):
    return sorted(json.dumps(r, sort_keys=True) for r in listing)


def test_zone_list_agrees_with_openstack(cl):  # noqa: F811
    token = Cloud(cl.srv.url).token("admin")
    report(cl, "DHCP agent", "azhost-1", "cli-az1", token)
    report(cl, "DHCP agent", "azhost-2", "cli-az2", token)
    report(cl, "L3 agent", "azhost-1", "cli-az1", token)
    agents = cl.nj("admin", "network", "agent", "list", "--host", "azhost-2")
    cl.n("admin", "network", "agent", "set", "--disable", agents[0]["ID"])
    try:
        mine = cl.nj("admin", "availability", "zone", "list", "--network")
        assert {"Zone Name": "cli-az2", "Zone Status": "not available"} in mine
        assert {"Zone Name": "cli-az1", "Zone Status": "available"} in mine
        assert rows(mine) == rows(cl.oj("admin", "availability", "zone", "list", "--network"))
        long_n = cl.nj("admin", "availability", "zone", "list", "--network", "--long")
        assert {"Zone Name": "cli-az1", "Zone Status": "available", "Zone Resource": "router",
                "Host Name": "", "Service Name": "", "Service Status": ""} in long_n
        assert rows(long_n) == rows(cl.oj("admin", "availability", "zone", "list", "--network",
                                          "--long"))
        # The table names the columns as the openstack client does.
        table = cl.n("admin", "availability", "zone", "list").stdout
        assert "| Zone Name" in table and "| not available |" in table
        p = cl.n("admin", "availability", "zone", "list", "--compute", check=False)
        assert p.returncode == 1 and "not part of neutrino" in p.stderr

        net = cl.nj("admin", "network", "create", "--availability-zone-hint", "cli-az2",
                    "--availability-zone-hint", "cli-az1", "aznet")
        assert net["availability_zone_hints"] == ["cli-az1", "cli-az2"]
        shown = cl.oj("admin", "network", "show", net["id"])
        assert shown["availability_zone_hints"] == ["cli-az1", "cli-az2"]
        cl.n("admin", "network", "delete", net["id"])
        p = cl.n("admin", "network", "create", "--availability-zone-hint", "nowhere", "aznet2",
                 check=False)
        assert p.returncode == 1 and "AvailabilityZone nowhere could not be found" in p.stderr
        # Routers take the zones of L3 agents only.
        router = cl.nj("admin", "router", "create", "--availability-zone-hint", "cli-az1",
                       "azrouter")
        assert router["availability_zone_hints"] == ["cli-az1"]
        assert cl.oj("admin", "router", "show", router["id"])["availability_zone_hints"] == [
            "cli-az1"]
        cl.n("admin", "router", "delete", router["id"])
        p = cl.n("admin", "router", "create", "--availability-zone-hint", "cli-az2",
                 "azrouter2", check=False)
        assert p.returncode == 1 and "AvailabilityZone cli-az2 could not be found" in p.stderr
    finally:
        for host in ("azhost-1", "azhost-2"):
            for a in cl.nj("admin", "network", "agent", "list", "--host", host):
                cl.n("admin", "network", "agent", "delete", a["ID"])
