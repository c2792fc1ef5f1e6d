"""neutrino-linuxbridge-agent against real kernel devices in namespaces: ports wired on
bridges and reported ACTIVE, traffic on local, flat and vxlan networks (and not across
nodes on a local one), vlan on a kernel without 802.1Q, convergence after agent and
server restarts, dead agents, clean shutdown.  The tap and instance play Nova and
libvirt (docs/behaviour/agents.md §C)."""

import signal
import time

import pytest

from lab import sh, wait_for


def brq(net):
    return "brq" + net["id"][:11]


def active(lab, inst, timeout=10):
    wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE", timeout,
             what="port %s ACTIVE" % inst["port"]["id"])


def test_tap_is_wired_and_reported_active(lab):
    net = lab.network("172.16.1.0/24")
    vm1 = lab.instance("vm1", "n1", net)
    t0 = time.monotonic()
    active(lab, vm1)
    took = time.monotonic() - t0
    assert lab.bridge_members("n1", brq(net)) == [vm1["tap"]]
    links = lab.links("n1")
    assert links[brq(net)]["linkinfo"]["info_kind"] == "bridge"
    assert links[brq(net)]["linkinfo"]["info_data"]["stp_state"] == 0
    assert links[brq(net)]["linkinfo"]["info_data"]["forward_delay"] == 0
    assert "UP" in links[vm1["tap"]]["flags"]
    assert took < 5
    # A second instance on the same node and network: they talk.
    vm2 = lab.instance("vm2", "n1", net)
    active(lab, vm2)
    assert lab.ping("vm2", vm1["ip"])
    # The tap goes away: DOWN; the last one: the bridge goes too.
    lab.remove_instance("vm2")
    wait_for(lambda: lab.port_status(vm2["port"]["id"]) == "DOWN", what="vm2 DOWN")
    assert lab.bridge_members("n1", brq(net)) == [vm1["tap"]]
    lab.remove_instance("vm1")
    wait_for(lambda: brq(net) not in lab.links("n1"), what="bridge removed")
    assert lab.port_status(vm1["port"]["id"]) == "DOWN"


def test_local_network_does_not_cross_nodes(lab):
    net = lab.network("172.16.2.0/24")
    a = lab.instance("la", "n1", net)
    b = lab.instance("lb", "n2", net)
    active(lab, a)
    active(lab, b)
    assert brq(net) in lab.links("n1") and brq(net) in lab.links("n2")
    assert not lab.ping("la", b["ip"])
    lab.remove_instance("la")
    lab.remove_instance("lb")


def test_vxlan_across_nodes(lab):
    net = lab.network("172.16.3.0/24", **{"provider:network_type": "vxlan"})
    vni = net["provider:segmentation_id"]
    a = lab.instance("xa", "n1", net)
    b = lab.instance("xb", "n2", net)
    active(lab, a)
    active(lab, b)
    for node in ("n1", "n2"):
        links = lab.links(node)
        vx = links["vxlan-%d" % vni]
        assert vx["master"] == brq(net) and vx["mtu"] == 1450
        assert vx["linkinfo"]["info_data"]["id"] == vni
    # l2population: unicast flood entries to the other VTEP, and the remote MAC.
    wait_for(lambda: "10.0.1.12" in sh("bridge", "fdb", "show", "dev", "vxlan-%d" % vni,
                                       ns=lab.node_ns("n1")).stdout, what="fdb entries")
    fdb = sh("bridge", "fdb", "show", "dev", "vxlan-%d" % vni, ns=lab.node_ns("n1")).stdout
    assert "00:00:00:00:00:00 dst 10.0.1.12" in fdb
    assert "%s dst 10.0.1.12" % b["port"]["mac_address"] in fdb
    assert lab.ping("xa", b["ip"], count=2)
    lab.remove_instance("xa")
    lab.remove_instance("xb")
    wait_for(lambda: "vxlan-%d" % vni not in lab.links("n1"), what="vxlan device removed")


def test_flat_across_nodes(lab):
    net = lab.network("172.16.4.0/24", **{"provider:network_type": "flat",
                                          "provider:physical_network": "physnet1"})
    a = lab.instance("fa", "n1", net)
    b = lab.instance("fb", "n2", net)
    active(lab, a)
    active(lab, b)
    assert lab.links("n1")["eth3"]["master"] == brq(net)
    assert lab.ping("fa", b["ip"], count=2)
    lab.remove_instance("fa")
    lab.remove_instance("fb")
    # The physical interface is detached, not deleted.
    wait_for(lambda: brq(net) not in lab.links("n1"), what="bridge removed")
    assert "master" not in lab.links("n1")["eth3"]


def test_vlan_without_8021q_fails_clearly(lab):
    net = lab.network("172.16.5.0/24", **{"provider:network_type": "vlan",
                                          "provider:physical_network": "physnet1"})
    local = lab.network("172.16.6.0/24")
    v = lab.instance("vl", "n1", net)
    ok = lab.instance("ok", "n1", local)
    active(lab, ok)
    wait_for(lambda: "802.1Q" in lab.agent_log("n1"), what="the agent's 802.1Q message")
    assert lab.port_status(v["port"]["id"]) in ("DOWN", "BUILD")
    conf = wait_for(lambda: lab.agent_record("n1")["configurations"].get("kernel_missing"),
                    what="kernel_missing in the agent record")
    assert conf == ["8021q (vlan)"]
    lab.remove_instance("vl")
    lab.remove_instance("ok")


def test_agent_restart_converges(lab):
    keep = lab.network("172.16.7.0/24")
    gone = lab.network("172.16.8.0/24")
    a = lab.instance("ka", "n1", keep)
    b = lab.instance("kb", "n1", keep)
    g = lab.instance("ga", "n1", gone)
    for inst in (a, b, g):
        active(lab, inst)
    assert lab.agent_log("n1")
    lab.stop_agent("n1", signal.SIGKILL)
    # Meanwhile: a network is deleted (its bridge stays behind), a new port is plugged.
    lab.remove_instance("ga")
    r = lab.api("DELETE", "/v2.0/ports/" + g["port"]["id"])
    assert r.status_code == 204
    assert lab.api("DELETE", "/v2.0/networks/" + gone["id"]).status_code == 204
    c = lab.instance("kc", "n1", keep)
    assert brq(gone) in lab.links("n1")
    before = lab.links("n1")[brq(keep)]["ifindex"]
    lab.start_agent("n1")
    active(lab, c)
    wait_for(lambda: brq(gone) not in lab.links("n1"), what="stale bridge removed")
    # The bridge of the kept network was not re-created: traffic was not disturbed.
    assert lab.links("n1")[brq(keep)]["ifindex"] == before
    active(lab, a)                          # through BUILD again by the convergence
    assert lab.ping("ka", b["ip"]) and lab.ping("kc", a["ip"])
    for name in ("ka", "kb", "kc"):
        lab.remove_instance(name)


def test_server_restart_loses_nothing(lab):
    net = lab.network("172.16.9.0/24")
    a = lab.instance("sa", "n1", net)
    active(lab, a)
    lab.server.kill9()
    lab.server.start()
    # Agents come back on their own; new work is done.
    b = lab.instance("sb", "n1", net)
    active(lab, b, timeout=15)
    # The agent's convergence after the restart asks about every tap again, which
    # moves a port through BUILD (as Neutron's get_device_details does) and back.
    active(lab, a, timeout=15)
    assert lab.agent_record("n1")["alive"] is True
    lab.remove_instance("sa")
    lab.remove_instance("sb")


def test_network_delete_removes_bridges(lab):
    net = lab.network("172.16.10.0/24", **{"provider:network_type": "vxlan"})
    a = lab.instance("da", "n1", net)
    active(lab, a)
    lab.api("DELETE", "/v2.0/ports/" + a["port"]["id"])
    assert lab.api("DELETE", "/v2.0/networks/" + net["id"]).status_code == 204
    wait_for(lambda: brq(net) not in lab.links("n1"), what="bridge removed on delete")
    lab.remove_instance("da")


def test_dead_agent_and_binding(lab):
    rc = lab.stop_agent("n2")
    assert rc == 0                          # SIGTERM: a clean exit
    assert "stopped" in lab.agent_log("n2")
    wait_for(lambda: lab.agent_record("n2")["alive"] is False, timeout=10,
             what="n2 not alive")
    net = lab.network("172.16.11.0/24")
    port = lab.create("port", network_id=net["id"], **{"binding:host_id": lab.host("n2")})
    assert port["binding:vif_type"] == "binding_failed"
    lab.start_agent("n2")
    wait_for(lambda: lab.agent_record("n2")["alive"] is True, what="n2 alive again")
    port = lab.create("port", network_id=net["id"], **{"binding:host_id": lab.host("n2")})
    assert port["binding:vif_type"] == "bridge"
