"""A flat network on the interface that also carries the vxlan underlay (eth1, with
local_ip): the agent moves the interface's address onto the flat network's bridge, as
Neutron's does, so vxlan keeps working; when the flat bridge goes, the address comes
back."""

import json
import os

import pytest

from lab import Lab, sh, wait_for


@pytest.fixture(scope="module")
def ulab(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the agent lab needs root (network namespaces)")
    lab = Lab(tmp_path_factory.mktemp("ulab"), flat_iface="eth1")
    try:
        lab.build()
        lab.start_server()
        lab.start_agent("n1")
        lab.start_agent("n2")
        yield lab
    finally:
        problems = lab.cleanup()
        assert not problems, problems


def addresses(lab, node, dev):
    out = sh("ip", "-j", "-4", "addr", "show", "dev", dev, ns=lab.node_ns(node)).stdout
    return [a["local"] for i in json.loads(out) for a in i.get("addr_info", [])]


def active(lab, inst):
    wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE",
             what="port %s ACTIVE" % inst["port"]["id"])


def test_flat_and_vxlan_share_eth1(ulab):
    vx = ulab.network("172.16.30.0/24", **{"provider:network_type": "vxlan"})
    xa, xb = ulab.instance("ua", "n1", vx), ulab.instance("ub", "n2", vx)
    active(ulab, xa)
    active(ulab, xb)
    assert ulab.ping("ua", xb["ip"], count=2)

    flat = ulab.network("172.16.31.0/24", **{"provider:network_type": "flat",
                                             "provider:physical_network": "physnet1"})
    fa, fb = ulab.instance("fa", "n1", flat), ulab.instance("fb", "n2", flat)
    active(ulab, fa)
    active(ulab, fb)
    bridge = "brq" + flat["id"][:11]
    assert addresses(ulab, "n1", bridge) == ["10.0.1.11"]
    assert addresses(ulab, "n1", "eth1") == []
    assert ulab.ping("fa", fb["ip"], count=2)
    assert ulab.ping("ua", xb["ip"], count=2)        # the underlay still carries vxlan

    ulab.remove_instance("fa")
    ulab.remove_instance("fb")
    wait_for(lambda: addresses(ulab, "n1", "eth1") == ["10.0.1.11"],
             what="the address back on eth1")
    assert bridge not in ulab.links("n1")
    assert ulab.ping("ua", xb["ip"], count=2)
    ulab.remove_instance("ua")
    ulab.remove_instance("ub")
