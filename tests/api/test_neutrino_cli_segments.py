"""neutrino network show of a network with several segments (multi-provider), against
the openstack client on the same server: the segments in every output format, and the
provider columns of a one-segment network (docs/behaviour/cli.md §3)."""

import random

import pytest
import requests

from identity_helpers import Cloud
from test_neutrino_cli import cl, same, unique  # noqa: F401  (the module's server and clients)

pytestmark = pytest.mark.own_server


def create_with_segments(cl, segments):
    token = Cloud(cl.srv.url).token("admin")
    r = requests.post(cl.srv.url + "/v2.0/networks", headers={"X-Auth-Token": token},
                      json={"network": {"name": unique("segs"), "segments": segments}},
                      timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["network"]


def test_network_show_prints_segments_as_openstack_does(cl):  # noqa: F811
    vni = random.randint(100000, 16000000)
    net = create_with_segments(cl, [
        {"provider:network_type": "vxlan", "provider:segmentation_id": vni},
        {"provider:network_type": "local"}])
    try:
        mine = cl.nj("admin", "network", "show", net["id"])
        assert mine["segments"] == net["segments"]
        same(mine, cl.oj("admin", "network", "show", net["id"]))
        for fmt in ("value", "table", "shell", "yaml"):
            args = ("network", "show", net["id"], "-c", "segments", "-c", "name", "-f", fmt)
            assert cl.n("admin", *args).stdout == cl.run("openstack", "admin", *args).stdout, fmt
    finally:
        cl.n("admin", "network", "delete", net["id"])
