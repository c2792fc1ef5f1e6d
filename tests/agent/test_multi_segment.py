"""A network with two segments (multi-provider: vxlan, then flat on physnet1) in the
namespace lab: node n1's agent has no vxlan, so its port binds to the flat segment and
n1 bridges the physical interface; n2's agent carries vxlan, the first segment, so n2
makes the vxlan device.  Each node wires the segment its port was bound to."""

import random

import pytest

from lab import running_lab, wait_for


@pytest.fixture(scope="module")
def mlab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("mlab"), agents=("n2",)) as lab:
        lab.start_agent("n1", vxlan=False)
        yield lab


def active(lab, inst):
    wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE", timeout=10,
             what="port %s ACTIVE" % inst["port"]["id"])


def test_each_node_wires_the_segment_its_port_is_bound_to(mlab):
    vni = random.randint(100000, 16000000)
    net = mlab.network("172.16.40.0/24", segments=[
        {"provider:network_type": "vxlan", "provider:segmentation_id": vni},
        {"provider:network_type": "flat", "provider:physical_network": "physnet1"}])
    assert net["mtu"] == 1450
    flat_side = mlab.instance("mf", "n1", net)
    tunnel_side = mlab.instance("mv", "n2", net)
    active(mlab, flat_side)
    active(mlab, tunnel_side)
    bridge = "brq" + net["id"][:11]
    n1, n2 = mlab.links("n1"), mlab.links("n2")
    assert n1[mlab.flat_iface]["master"] == bridge
    assert "vxlan-%d" % vni not in n1
    assert n2["vxlan-%d" % vni]["master"] == bridge
    assert n2[mlab.flat_iface].get("master") != bridge
    for inst in (flat_side, tunnel_side):
        mlab.remove_instance(inst["name"])
        mlab.api("DELETE", "/v2.0/ports/" + inst["port"]["id"])
    wait_for(lambda: bridge not in mlab.links("n1") and bridge not in mlab.links("n2"),
             what="bridges removed")
    r = mlab.api("DELETE", "/v2.0/networks/" + net["id"])
    assert r.status_code == 204, r.text
