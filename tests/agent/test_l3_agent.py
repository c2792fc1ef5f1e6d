"""neutrino-l3-agent with a real server and linux-bridge agents, real packets
(docs/behaviour/agents.md §E, docs/behaviour/dataplane.md §8).

The lab's n1 is the network node (linux-bridge agent, L3 agent) and n2 the compute node.
Through the API: the lab's external network (lab.ext_net(): flat on physical network
"external", n1's eth2, whose switch also holds the lab's "outside" host, 10.10.10.1,
the external subnet's gateway), a tenant vxlan network, a router with its gateway there
and an interface on the tenant subnet, an instance on n2.
Then: the instance reaches the outside through SNAT (the outside sees the router's
gateway address); a floating IP makes the instance reachable from outside and is its
source address; an established connection survives the agent's stop and restart; a
router without a gateway is hosted unless handle_internal_only_routers is off; a deleted
router's namespace goes.

The L3 agent runs inside n1's node init (lab.start_l3_agent), so its qrouter-<id>
namespaces are the node's own.  The configuration errors at the top need neither root
nor a server."""

import subprocess
import uuid

import pytest

from lab import (EXT_GW, Reader, l3_agent_binary, running_lab, sh, udp_source_seen,
                 wait_for)

pytestmark = pytest.mark.own_server

INT_CIDR, INT_GW = "10.77.0.0/24", "10.77.0.1"

# Accepts connections; prints each peer's address, then echoes.
TCP_ECHO = """
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(4); print("ready", flush=True)
def serve(c):
    while True:
        d = c.recv(100)
        if not d:
            break
        c.sendall(d)
while True:
    c, peer = s.accept(); print(peer[0], flush=True)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""

# Connects, echoes once, then once more for each line on stdin; prints "ok" or
# "timeout" for each exchange.
CONVERSE = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5)
def once():
    try:
        s.sendall(b"x"); print("ok" if s.recv(10) == b"x" else "bad", flush=True)
    except OSError:
        print("timeout", flush=True)
once()
for _ in sys.stdin:
    once()
"""


# --- configuration errors: no root, no server -------------------------------------------
@pytest.mark.parametrize("ini, message", [
    ("[DEFAULT]\nhost = h\n", "interface_driver must be set (linuxbridge)"),
    ("[DEFAULT]\ninterface_driver = openvswitch\n",
     "interface_driver = openvswitch is not supported: only linuxbridge"),
    ("[DEFAULT]\ninterface_driver = linuxbridge\nagent_mode = dvr\n",
     "agent_mode = dvr is not supported: only legacy"),
    ("[DEFAULT]\ninterface_driver = linuxbridge\nagent_mode = dvr_snat\n",
     "agent_mode = dvr_snat is not supported: only legacy"),
    ("[DEFAULT]\ninterface_driver = linuxbridge\nsend_arp_for_ha = many\n",
     "send_arp_for_ha = 'many': expected an integer from 0 to 100"),
])
def test_a_bad_configuration_stops_the_agent_with_a_clear_error(tmp_path, ini, message):
    binary = l3_agent_binary()
    if not binary.exists():
        pytest.fail("neutrino-l3-agent not found at %s" % binary)
    conf = tmp_path / "l3_agent.ini"
    conf.write_text(ini)
    p = subprocess.run([str(binary), "--config-file", str(conf)], capture_output=True,
                       text=True, timeout=10)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert p.stderr.startswith("neutrino-l3-agent: "), p.stderr
    assert ("[DEFAULT] " + message) in p.stderr, p.stderr


def test_help_names_the_files_it_reads():
    p = subprocess.run([str(l3_agent_binary()), "--help"], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode == 0
    assert "--config-file" in p.stdout and "l3_agent.ini" in p.stdout


# --- helpers -------------------------------------------------------------------------------
def api_ok(lab, method, path, body=None, status=(200, 201, 204)):
    r = lab.api(method, path, body)
    assert r.status_code in status, "%s %s: %s %s" % (method, path, r.status_code, r.text)
    return r.json() if r.text else None


def server_supports_routers(lab):
    r = lab.api("GET", "/v2.0/extensions")
    return r.status_code == 200 and any(e.get("alias") == "router"
                                        for e in r.json().get("extensions", []))


def routers_of_node(lab, node="n1"):
    return [n for n in lab.node_netns_list(node) if n.startswith("qrouter-")]


def in_ns(ns, *args, **kw):
    return sh(*args, ns=ns, **kw)


def source_seen_outside(lab, topo, inst, port):
    """The source address the outside host sees on UDP from the instance."""
    return udp_source_seen(topo["out"], inst["ns"], EXT_GW, port)


def gateway_ip(router):
    return router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]


def diagnostics(lab, router_id=None):
    out = ["--- L3 agent log (tail):\n" + lab.l3_agent_log("n1")[-4000:]]
    if router_id:
        ns = "qrouter-" + router_id
        for cmd in (("ip", "-n", ns, "addr"), ("ip", "-n", ns, "route"),
                    ("ip", "netns", "exec", ns, "iptables-save", "-t", "nat")):
            out.append("--- %s:\n%s" % (" ".join(cmd),
                                          lab.in_node("n1", *cmd, check=False).stdout))
    return "\n".join(out)


# --- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def l3lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("l3lab")) as lab:
        if not server_supports_routers(lab):
            pytest.skip("this neutrino-server has no routers (the 'router' extension)")
        lab.start_l3_agent("n1")
        yield lab


@pytest.fixture(scope="module")
def topo(l3lab):
    """External network, tenant network, router (gateway + interface), an instance on
    n2 with its default route through the router, and the outside host."""
    lab = l3lab
    ext = lab.ext_net()["net"]
    net = lab.create("network", name="int-" + uuid.uuid4().hex[:6],
                     **{"provider:network_type": "vxlan"})
    sub = lab.create("subnet", network_id=net["id"], cidr=INT_CIDR, ip_version=4,
                     gateway_ip=INT_GW, enable_dhcp=False)
    router = lab.create("router", name="r-" + uuid.uuid4().hex[:6],
                        external_gateway_info={"network_id": ext["id"]})
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": sub["id"]})
    out = lab.outside
    # A group that lets ICMP in (pings to the floating IP); a new group lets all out.
    sg = api_ok(lab, "POST", "/v2.0/security-groups", {"security_group": {
        "name": "l3sg-" + uuid.uuid4().hex[:6]}})["security_group"]
    api_ok(lab, "POST", "/v2.0/security-group-rules", {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress", "ethertype": "IPv4",
        "protocol": "icmp"}})
    vm = lab.instance("l3vm", "n2", net, security_groups=[sg["id"]])
    in_ns(vm["ns"], "ip", "route", "add", "default", "via", INT_GW)
    wait_for(lambda: lab.port_status(vm["port"]["id"]) == "ACTIVE", timeout=20,
             what="the instance's port ACTIVE")
    yield {"ext": ext, "net": net, "sub": sub, "router": router, "out": out, "vm": vm}


# --- with a server -------------------------------------------------------------------------
def test_the_agent_reports_as_neutrons_l3_agent(l3lab):
    rec = l3lab.l3_agent_record("n1")
    assert rec["agent_type"] == "L3 agent"
    assert rec["binary"] == "neutron-l3-agent"
    assert rec["topic"] == "l3_agent"
    assert rec["alive"] is True
    conf = rec["configurations"]
    assert conf["agent_mode"] == "legacy"
    assert conf["interface_driver"] == "linuxbridge"
    assert conf["handle_internal_only_routers"] is True
    for key in ("routers", "ex_gw_ports", "interfaces", "floating_ips"):
        assert isinstance(conf[key], int), (key, conf)


def test_the_router_is_hosted_and_reported(l3lab, topo):
    rid = topo["router"]["id"]
    try:
        wait_for(lambda: "qrouter-" + rid in routers_of_node(l3lab), timeout=15,
                 what="qrouter-%s on n1" % rid)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(l3lab)))

    def counted():
        conf = l3lab.l3_agent_record("n1")["configurations"]
        return conf if conf["routers"] >= 1 and conf["ex_gw_ports"] >= 1 and \
            conf["interfaces"] >= 1 else None
    wait_for(counted, timeout=5, what="the heartbeat counting the router")


def test_the_instance_reaches_the_outside_through_snat(l3lab, topo):
    router = l3lab.api("GET", "/v2.0/routers/" + topo["router"]["id"]).json()["router"]
    try:
        wait_for(lambda: l3lab.ping("l3vm", EXT_GW), timeout=15,
                 what="the instance pinging the outside host")
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(l3lab, router["id"])))
    assert source_seen_outside(l3lab, topo, topo["vm"], 40001) == gateway_ip(router)


def test_a_floating_ip_reaches_the_instance_and_is_its_source(l3lab, topo):
    r = l3lab.api("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": topo["ext"]["id"], "port_id": topo["vm"]["port"]["id"]}})
    if r.status_code == 404:
        pytest.skip("this neutrino-server has no floating IPs yet")
    assert r.status_code == 201, r.text
    fip = r.json()["floatingip"]
    try:
        try:
            wait_for(lambda: sh("busybox", "ping", "-c", "1", "-W", "1",
                                fip["floating_ip_address"], ns=topo["out"],
                                check=False).returncode == 0,
                     timeout=15, what="the outside host pinging the floating IP")
        except AssertionError as e:
            raise AssertionError("%s\n%s" % (e, diagnostics(l3lab, topo["router"]["id"])))
        assert source_seen_outside(l3lab, topo, topo["vm"], 40002) == \
            fip["floating_ip_address"]
    finally:
        l3lab.api("DELETE", "/v2.0/floatingips/" + fip["id"])


def test_an_established_connection_survives_the_agents_restart(l3lab, topo):
    """SIGTERM leaves the router as it is (Neutron's agent does the same); the
    restarted agent reads the kernel, finds it right, and touches nothing."""
    rid = topo["router"]["id"]
    wait_for(lambda: l3lab.ping("l3vm", EXT_GW), timeout=15, what="outside reachable")
    echo = Reader(topo["out"], TCP_ECHO, 40003)
    conv = None
    try:
        assert echo.line() == "ready"
        conv = Reader(topo["vm"]["ns"], CONVERSE, EXT_GW, 40003, stdin=True)
        assert conv.line() == "ok"
        assert echo.line() is not None                  # one connection
        syncs = l3lab.l3_agent_log("n1").count("synchronised")

        assert l3lab.stop_l3_agent("n1") == 0
        assert "qrouter-" + rid in routers_of_node(l3lab)
        conv.send("again")
        assert conv.line() == "ok"

        l3lab.start_l3_agent("n1")
        wait_for(lambda: l3lab.l3_agent_log("n1").count("synchronised") > syncs,
                 timeout=15, what="the restarted agent's full comparison")
        for _ in range(3):
            conv.send("again")
            assert conv.line() == "ok"
        assert echo.line(timeout=0.3) is None           # still the same connection
        restarted = l3lab.l3_agent_log("n1").rsplit("neutrino-l3-agent on host", 1)[1]
        assert "applied" not in restarted, restarted    # nothing needed doing
    finally:
        if conv:
            conv.stop()
        echo.stop()


def test_a_router_without_gateway_is_hosted_unless_internal_only_routers_are_off(l3lab):
    lab = l3lab
    net = lab.create("network", name="io-" + uuid.uuid4().hex[:6],
                     **{"provider:network_type": "vxlan"})
    sub = lab.create("subnet", network_id=net["id"], cidr="10.78.0.0/24", ip_version=4,
                     enable_dhcp=False)
    router = lab.create("router", name="io-" + uuid.uuid4().hex[:6])
    api_ok(lab, "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": sub["id"]})
    ns = "qrouter-" + router["id"]
    try:
        wait_for(lambda: ns in routers_of_node(lab), timeout=15,
                 what="the internal-only router hosted")
        lab.stop_l3_agent("n1")
        lab.start_l3_agent("n1", handle_internal_only_routers=False)
        wait_for(lambda: ns not in routers_of_node(lab), timeout=15,
                 what="the internal-only router's namespace gone")
    finally:
        if "n1" in lab.l3_agents:
            lab.stop_l3_agent("n1")
        lab.start_l3_agent("n1")
        api_ok(lab, "PUT", "/v2.0/routers/%s/remove_router_interface" % router["id"],
               {"subnet_id": sub["id"]})
        api_ok(lab, "DELETE", "/v2.0/routers/" + router["id"])
        api_ok(lab, "DELETE", "/v2.0/networks/" + net["id"])


def test_a_deleted_routers_namespace_goes(l3lab, topo):
    rid = topo["router"]["id"]
    wait_for(lambda: "qrouter-" + rid in routers_of_node(l3lab), timeout=15,
             what="the router hosted")
    api_ok(l3lab, "PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
           {"subnet_id": topo["sub"]["id"]})
    api_ok(l3lab, "DELETE", "/v2.0/routers/" + rid)
    try:
        wait_for(lambda: "qrouter-" + rid not in routers_of_node(l3lab), timeout=15,
                 what="qrouter-%s gone" % rid)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, diagnostics(l3lab)))
    assert not l3lab.ping("l3vm", EXT_GW)
    assert l3lab.l3_agent_pid("n1") is not None
