"""HA routers with real L3 agents and keepalived (docs/behaviour/agents.md §E,
docs/behaviour/dataplane.md §8): L3 agents on both lab nodes, an HA router with its
gateway on the external flat network and an interface on a tenant vxlan network, an
instance on n2.  keepalived elects one side: the server shows it active and the other
standby, the instance reaches the outside through the active side, a floating IP added
later reaches it through the active side only (keepalived reloaded); the active side's
keepalived stopped, the other side takes over, the server follows, traffic passes again
and the agent starts the stopped keepalived again (as standby); an agent restart leaves
keepalived running; a deleted router's keepalived processes and files go.  Only the router's agents' sides and the packets are checked, never how fast
(bench/l3_ha_failover_bench.py measures that)."""

import os
import signal
import uuid

import pytest

from lab import running_lab, sh, wait_for
from test_l3_agent import INT_CIDR, INT_GW, api_ok, in_ns, server_supports_routers

pytestmark = pytest.mark.own_server

# Both sides need the external network, so it is a flat network on physnet1 (which
# both nodes have), not the lab's ext-net (n1's eth2 only), with an outside host of
# its own.
EXT_CIDR, EXT_GW = "203.0.113.0/24", "203.0.113.1"

KEEPALIVED = "/usr/sbin/keepalived"


def ha_states(lab, router_id):
    r = lab.api("GET", "/v2.0/routers/%s/l3-agents" % router_id)
    assert r.status_code == 200, r.text
    return {a["host"]: a["ha_state"] for a in r.json()["agents"]}


def active_node(lab, router_id):
    """The lab node the server shows active, once exactly one is and the other standby."""
    states = ha_states(lab, router_id)
    if sorted(states.values()) != ["active", "standby"]:
        return None
    host = [h for h, s in states.items() if s == "active"][0]
    return [n for n in ("n1", "n2") if lab.host(n) == host][0]


def keepalived_pid(lab, node, router_id):
    """The root-namespace pid of the router's keepalived on 'node', or None."""
    path = lab.run_dir / node / "ha_confs" / router_id / "keepalived.pid"
    try:
        nspid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return lab.node_pid(node, nspid)


def diagnostics(lab, router_id):
    out = []
    for node in ("n1", "n2"):
        out.append("--- %s L3 agent log (tail):\n%s" % (node, lab.l3_agent_log(node)[-3000:]))
        ns = "qrouter-" + router_id
        out.append("--- %s ip addr:\n%s" % (node, lab.in_node(node, "ip", "-n", ns, "addr",
                                                            check=False).stdout))
    out.append("--- states: %s" % ha_states(lab, router_id))
    for p in lab.api("GET", "/v2.0/ports", params={"device_id": router_id}).json()["ports"]:
        out.append("port %s %s host=%s status=%s" % (p["id"][:11], p["device_owner"],
                                                      p["binding:host_id"], p["status"]))
    for node in ("n1", "n2"):
        out.append("--- %s links:\n%s" % (node, lab.in_node(node, "ip", "-br", "-o", "link",
                                                             check=False).stdout))
        out.append("--- %s linux-bridge agent log (tail):\n%s" % (node, lab.agent_log(node)[-2500:]))
    return "\n".join(out)


def outside_host(lab):
    """A namespace on the physnet1 switch holding the external subnet's gateway
    (203.0.113.1): the Internet, as the routers see it."""
    ns = lab.ns("out")
    peer = "out-" + uuid.uuid4().hex[:6]
    in_ns(ns, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", peer, "netns",
          lab.switch)
    in_ns(lab.switch, "ip", "link", "set", peer, "master", "physnet1", "up")
    in_ns(ns, "ip", "addr", "add", EXT_GW + "/24", "dev", "eth0")
    in_ns(ns, "ip", "link", "set", "eth0", "up")
    return ns


def reaches_outside(lab):
    return lab.ping("havm", EXT_GW)


@pytest.fixture(scope="module")
def halab(tmp_path_factory):
    if not os.access(KEEPALIVED, os.X_OK):
        pytest.skip("keepalived is not installed (apt-get install keepalived)")
    # The lab's tenant networks are local; VRRP needs the HA network on both nodes.
    extra = {"neutron.conf": {"DEFAULT": {"l3_ha_network_type": "vxlan"}}}
    with running_lab(tmp_path_factory.mktemp("l3ha"), server_extra=extra) as lab:
        if not server_supports_routers(lab):
            pytest.skip("this neutrino-server has no routers")
        for node in ("n1", "n2"):
            lab.start_l3_agent(node, ha_vrrp_advert_int=1)
        yield lab


@pytest.fixture(scope="module")
def topo(halab):
    lab = halab
    ext = lab.create("network", name="ext-" + uuid.uuid4().hex[:6], **{
        "router:external": True, "provider:network_type": "flat",
        "provider:physical_network": "physnet1"})
    lab.create("subnet", network_id=ext["id"], cidr=EXT_CIDR, ip_version=4,
               gateway_ip=EXT_GW, enable_dhcp=False,
               allocation_pools=[{"start": "203.0.113.10", "end": "203.0.113.99"}])
    net = lab.create("network", name="int-" + uuid.uuid4().hex[:6],
                     **{"provider:network_type": "vxlan"})
    sub = lab.create("subnet", network_id=net["id"], cidr=INT_CIDR, ip_version=4,
                     gateway_ip=INT_GW, enable_dhcp=False)
    router = lab.create("router", name="ha-" + uuid.uuid4().hex[:6], ha=True,
                        external_gateway_info={"network_id": ext["id"]})
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": sub["id"]})
    out = outside_host(lab)
    # A group that lets ICMP in (pings to the floating IP); a new group lets all out.
    sg = api_ok(lab, "POST", "/v2.0/security-groups", {"security_group": {
        "name": "hasg-" + uuid.uuid4().hex[:6]}})["security_group"]
    api_ok(lab, "POST", "/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress", "ethertype": "IPv4",
        "protocol": "icmp"}})
    vm = lab.instance("havm", "n2", net, security_groups=[sg["id"]])
    in_ns(vm["ns"], "ip", "route", "add", "default", "via", INT_GW)
    yield {"ext": ext, "net": net, "sub": sub, "router": router, "out": out, "vm": vm}


def test_one_side_is_active_and_traffic_passes(halab, topo):
    rid = topo["router"]["id"]
    try:
        wait_for(lambda: active_node(halab, rid), timeout=20,
                 what="one side active and the other standby")
        wait_for(lambda: reaches_outside(halab), timeout=20,
                 what="the instance pinging the outside through the HA router")
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(halab, rid)))
    for node in ("n1", "n2"):
        assert keepalived_pid(halab, node, rid), node
        # Started once: the agent waits for the pid file before it checks again.
        assert halab.l3_agent_log(node).count("keepalived started") == 1, node


def test_a_floating_ip_added_later_reaches_the_instance_through_the_active_side(halab, topo):
    """The new address reaches keepalived by a rewritten configuration and SIGHUP: the
    active side adds it, the standby does not."""
    rid = topo["router"]["id"]
    first = wait_for(lambda: active_node(halab, rid), timeout=20, what="an active side")
    pids = {n: keepalived_pid(halab, n, rid) for n in ("n1", "n2")}
    fip = api_ok(halab, "POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": topo["ext"]["id"],
        "port_id": topo["vm"]["port"]["id"]}})["floatingip"]
    try:
        addr = fip["floating_ip_address"]
        try:
            wait_for(lambda: sh("busybox", "ping", "-c", "1", "-W", "1", addr,
                                ns=topo["out"], check=False).returncode == 0,
                     timeout=20, what="the outside pinging the floating IP")
        except AssertionError as e:
            raise AssertionError("%s\n%s" % (e, diagnostics(halab, rid)))
        other = "n2" if first == "n1" else "n1"
        out = halab.in_node(other, "ip", "-n", "qrouter-" + rid, "-4", "-o", "addr").stdout
        assert addr not in out
        # Reloaded, not restarted.
        assert {n: keepalived_pid(halab, n, rid) for n in ("n1", "n2")} == pids
    finally:
        halab.api("DELETE", "/v2.0/floatingips/" + fip["id"])


def test_the_other_side_takes_over_when_the_active_ones_keepalived_stops(halab, topo):
    rid = topo["router"]["id"]
    first = wait_for(lambda: active_node(halab, rid), timeout=20, what="an active side")
    other = "n2" if first == "n1" else "n1"
    pid = keepalived_pid(halab, first, rid)
    assert pid
    os.kill(pid, signal.SIGTERM)
    try:
        wait_for(lambda: active_node(halab, rid) == other, timeout=20,
                 what="%s to take over" % other)
        wait_for(lambda: reaches_outside(halab), timeout=20,
                 what="traffic through the new active side")
        # The agent starts the stopped keepalived again; it comes back as standby.
        wait_for(lambda: keepalived_pid(halab, first, rid) not in (None, pid), timeout=10,
                 what="%s's keepalived started again" % first)
        assert active_node(halab, rid) == other
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(halab, rid)))


def test_an_agent_restart_keeps_keepalived_and_the_router_goes_with_its_keepalived(
        halab, topo):
    rid = topo["router"]["id"]
    pids = {n: keepalived_pid(halab, n, rid) for n in ("n1", "n2")}
    assert all(pids.values()), pids
    halab.stop_l3_agent("n1")
    halab.start_l3_agent("n1", ha_vrrp_advert_int=1)
    wait_for(lambda: "synchronised" in halab.l3_agent_log("n1").split("neutrino-l3-agent on")[-1],
             timeout=10, what="the restarted agent's full comparison")
    assert keepalived_pid(halab, "n1", rid) == pids["n1"]     # reconciled, not restarted
    assert active_node(halab, rid)
    # Deleted: each side's keepalived goes with the namespace.
    api_ok(halab, "PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
           {"subnet_id": topo["sub"]["id"]})
    api_ok(halab, "DELETE", "/v2.0/routers/" + rid)
    for node in ("n1", "n2"):
        wait_for(lambda: not halab._alive(pids[node]), timeout=10,
                 what="%s's keepalived to stop" % node)
        wait_for(lambda: not (halab.run_dir / node / "ha_confs" / rid).exists(), timeout=5,
                 what="%s's keepalived files to go" % node)
