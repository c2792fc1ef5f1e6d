"""neutrino-dhcp-agent with dnsmasq in the namespace lab (docs/behaviour/agents.md §B,
docs/behaviour/ml2.md §6, docs/behaviour/dataplane.md §2, §3, §6).

Instances get exactly their port's address, prefix, gateway, DNS servers, host routes
and MTU by DHCP (busybox udhcpc, as cirros runs it, with the lab's own script); the DHCP
port is Neutron's; an instance port turns ACTIVE once both agents are done; a subnet
without DHCP gets no lease and no DHCP port; a changed fixed IP is the next lease; a
killed dnsmasq comes back; two DHCP agents serve one network and one survives the
other's death; a deleted network (or DHCP turned off) leaves nothing behind; a restarted
agent keeps one dnsmasq; and, the tutorial's question, an instance on the compute node
of a local network gets no lease.

The DHCP agent runs inside a node init (lab.node_init): its qdhcp-<id> namespaces live
in the node's private /run/netns.  The first two tests check the lab itself (node init,
udhcpc client against Neutron's dnsmasq command line) and need no DHCP agent."""

import hashlib
import json
import os
import signal
import time
import uuid

import pytest

from lab import running_lab, sh, wait_for

pytestmark = pytest.mark.own_server


# --- helpers ------------------------------------------------------------------------
def brq(net):
    return "brq" + net["id"][:11]


def tap(port):
    return "tap" + port["id"][:11]


def dhcp_device_id(host, net_id):
    """dhcp + uuid5(DNS namespace, short host name) + - + network id
    (docs/behaviour/agents.md §B.3)."""
    return "dhcp%s-%s" % (uuid.uuid5(uuid.NAMESPACE_DNS, host.split(".")[0]), net_id)


def dhcp_network(lab, cidr, net_attrs=None, **subnet):
    net = lab.create("network", name="dnet-" + uuid.uuid4().hex[:6], **(net_attrs or {}))
    sub = lab.create("subnet", network_id=net["id"], cidr=cidr, ip_version=4, **subnet)
    return net, sub


def wait_dhcp_ports(lab, net_id, count=1, timeout=20):
    """The network's DHCP ports once there are 'count' of them, all ACTIVE."""
    def ready():
        ports = lab.dhcp_ports(net_id)
        return ports if len(ports) == count and \
            all(p["status"] == "ACTIVE" for p in ports) else None
    try:
        return wait_for(ready, timeout=timeout, what="%d DHCP port(s) ACTIVE" % count)
    except AssertionError as e:
        raise AssertionError("%s\nports: %s\n%s" % (e, lab.dhcp_ports(net_id),
                                                    diagnostics(lab, net_id)))


def wait_active(lab, inst, timeout=20):
    wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE", timeout=timeout,
             what="port of %s ACTIVE" % inst["name"])


def diagnostics(lab, net_id, inst=None, nodes=("n1", "n2")):
    out = []
    if inst is not None:
        out.append("udhcpc: %s" % inst.get("udhcpc", "").strip()[-1500:])
    for node in nodes:
        if lab.dhcp_file(node, net_id, "host") is None and not lab.dhcp_agent_log(node):
            continue
        out.append("--- %s host file:\n%s" % (node, lab.dhcp_file(node, net_id, "host")))
        out.append("--- %s opts file:\n%s" % (node, lab.dhcp_file(node, net_id, "opts")))
        out.append("--- %s dnsmasq log (tail):\n%s"
                   % (node, lab.dnsmasq_log(node, net_id)[-1500:]))
        out.append("--- %s DHCP agent log (tail):\n%s" % (node, lab.dhcp_agent_log(node)[-3000:]))
    return "\n".join(out)


def lease_of(lab, inst, net_id, tries=10):
    """A positive DHCP check: -t 10 -T 1, since the agent may still be writing the host
    entry (docs/behaviour/dataplane.md §6.5)."""
    lease = lab.dhcp_client(inst, tries)
    assert lease, "no lease for %s\n%s" % (inst["name"], diagnostics(lab, net_id, inst))
    return lease


def eth0(lab, inst):
    link = json.loads(sh("ip", "-j", "addr", "show", "dev", "eth0", ns=inst["ns"]).stdout)[0]
    addrs = ["%s/%s" % (a["local"], a["prefixlen"]) for a in link.get("addr_info", [])
             if a["family"] == "inet"]
    routes = json.loads(sh("ip", "-j", "route", "show", "default", ns=inst["ns"]).stdout)
    return {"addrs": addrs, "mtu": link["mtu"], "gateway": [r.get("gateway") for r in routes]}


def qdhcp_links(lab, node, net_id):
    out = lab.in_node(node, "ip", "-n", "qdhcp-" + net_id, "-j", "addr", "show").stdout
    return {l["ifname"]: l for l in json.loads(out)}


# --- fixtures -----------------------------------------------------------------------
@pytest.fixture
def dlab(lab):
    """The module's lab with a DHCP agent on n1 only (the tutorial's controller; n2 is
    the compute node).  What a test makes (instances, networks) is removed after it."""
    if "n1" in lab.dhcp_agents and lab.dhcp_agent_pid("n1") is None:
        rc = lab.stop_dhcp_agent("n1", sig=None)        # died after the last test
        lab.start_dhcp_agent("n1")
        pytest.fail("the DHCP agent on n1 had died (exit status %s):\n%s"
                    % (rc, lab.dhcp_agent_log("n1")[-3000:]))
    if lab.dhcp_agent_pid("n1") is None:
        lab.start_dhcp_agent("n1")
    nets = {n["id"] for n in lab.api("GET", "/v2.0/networks").json()["networks"]}
    insts = set(lab.instances)
    yield lab
    died = "n1" in lab.dhcp_agents and lab.dhcp_agent_pid("n1") is None
    rc = lab.stop_dhcp_agent("n1", sig=None) if died else None
    for name in set(lab.instances) - insts:
        lab.remove_instance(name)
    for n in lab.api("GET", "/v2.0/networks").json()["networks"]:
        if n["id"] in nets:
            continue
        for p in lab.api("GET", "/v2.0/ports?network_id=" + n["id"]).json()["ports"]:
            if not p["device_owner"].startswith("network:"):
                lab.api("DELETE", "/v2.0/ports/" + p["id"])
        lab.api("DELETE", "/v2.0/networks/" + n["id"])
    if died:
        pytest.fail("the DHCP agent on n1 died during the test (exit status %s):\n%s"
                    % (rc, lab.dhcp_agent_log("n1")[-3000:]))


@pytest.fixture(scope="module")
def lab2(tmp_path_factory):
    """A second lab whose server has dhcp_agents_per_network = 2, DHCP agents on both
    nodes."""
    with running_lab(tmp_path_factory.mktemp("lab2"), dhcp_agents_per_network=2) as lab:
        lab.start_dhcp_agent("n1")
        lab.start_dhcp_agent("n2")
        yield lab


# --- the lab itself -----------------------------------------------------------------
def test_lab_node_init_is_private_and_leaves_nothing(lab):
    """A node init has its own /run/netns and PID namespace; SIGKILL to it ends every
    process inside, and the namespaces made there vanish."""
    def host_netns():        # this run's names only: other runs may come and go
        return sorted(n for n in sh("ip", "netns", "list").stdout.split()
                      if n.startswith(lab.prefix) or "labtest" in n)
    before = host_netns()
    init = lab.node_init("n2")
    assert lab.node_init("n2") == init                      # made once
    assert os.stat("/proc/%d/ns/net" % init).st_ino == \
        os.stat("/run/netns/" + lab.node_ns("n2")).st_ino
    lab.in_node("n2", "ip", "netns", "add", "qdhcp-labtest")
    lab.in_node("n2", "ip", "link", "add", "taplabtest", "type", "veth", "peer", "name",
                "ns-labtest", "netns", "qdhcp-labtest")
    # A daemon inside the qdhcp namespace, as dnsmasq is (reparented to the init).
    lab.in_node("n2", "ip", "netns", "exec", "qdhcp-labtest", "sh", "-c",
                "sleep 300 </dev/null >/dev/null 2>&1 &")
    assert lab.node_netns_list("n2") == ["qdhcp-labtest"]
    assert host_netns() == before                            # invisible from the host
    assert "taplabtest" in lab.links("n2")
    members = lab.node_processes("n2")
    assert init in members and len(members) >= 3             # init, its sleep, the daemon
    # The node's PID 1 is the init, and it reaps orphans: a killed daemon is gone, not
    # a zombie (as under systemd).
    assert lab.in_node("n2", "cat", "/proc/1/cmdline").stdout.startswith("sh")
    [daemon] = [p for p in members if open("/proc/%d/cmdline" % p).read() == "sleep\x00300\x00"]
    os.kill(daemon, signal.SIGKILL)
    wait_for(lambda: not os.path.exists("/proc/%d" % daemon), timeout=5,
             what="the killed daemon reaped")
    members.remove(daemon)
    lab.kill_node_init("n2")
    assert not any(lab._alive(p) for p in members)
    # The veth's other end was in qdhcp-labtest, pinned only by its name in the init's
    # private /run/netns: the veth going proves the mount namespace went too.
    wait_for(lambda: "taplabtest" not in lab.links("n2"), timeout=5,
             what="the qdhcp namespace (and its veth) freed")
    assert host_netns() == before


def test_lab_client_against_neutrons_dnsmasq_line(lab):
    """The lab's udhcpc client and script against dnsmasq started by hand with Neutron
    Zed's command line (docs/behaviour/dataplane.md §3): what the DHCP tests rely on works."""
    srv, cli = lab.ns("dsrv"), lab.ns("dcli")
    d = lab._run_dir() / "hand"
    d.mkdir(mode=0o755)
    mac, sub = "fa:16:3e:00:99:03", "0e0e0e0e-0000-4000-8000-000000000099"
    (d / "host").write_text("%s,host-172-16-99-3.openstacklocal.,172.16.99.3\n" % mac)
    (d / "addn_hosts").write_text("172.16.99.3\thost-172-16-99-3.openstacklocal "
                                  "host-172-16-99-3\n")
    routes = "10.99.0.0/16,172.16.99.254,0.0.0.0/0,172.16.99.1"
    (d / "opts").write_text("tag:subnet-{s},option:dns-server,192.0.2.53,192.0.2.54\n"
                            "tag:subnet-{s},option:classless-static-route,{r}\n"
                            "tag:subnet-{s},249,{r}\n"
                            "tag:subnet-{s},option:router,172.16.99.1\n"
                            .format(s=sub, r=routes))
    (d / "leases").write_text("%d %s 172.16.99.3 * *\n" % (time.time() + 86400, mac))
    for f in d.iterdir():
        f.chmod(0o644)
    resolv = hashlib.sha256(open("/etc/resolv.conf", "rb").read()).hexdigest() \
        if os.path.exists("/etc/resolv.conf") else None
    try:
        sh("ip", "link", "add", "ns-hand", "netns", srv, "type", "veth", "peer", "name",
           "eth0", "netns", cli)
        sh("ip", "-n", srv, "link", "set", "ns-hand", "address", "fa:16:3e:00:99:02", "up")
        sh("ip", "-n", srv, "addr", "add", "172.16.99.2/24", "dev", "ns-hand")
        sh("ip", "-n", cli, "link", "set", "eth0", "address", mac, "up")
        sh("dnsmasq", "--no-hosts", "--no-resolv", "--pid-file=%s/pid" % d,
           "--dhcp-hostsfile=%s/host" % d, "--addn-hosts=%s/addn_hosts" % d,
           "--dhcp-optsfile=%s/opts" % d, "--dhcp-leasefile=%s/leases" % d,
           "--dhcp-match=set:ipxe,175", "--dhcp-userclass=set:ipxe6,iPXE", "--local-service",
           "--bind-dynamic",
           "--dhcp-range=set:subnet-%s,172.16.99.0,static,255.255.255.0,86400s" % sub,
           "--dhcp-option-force=option:mtu,1400", "--dhcp-lease-max=256",
           "--conf-file=/dev/null", "--domain=openstacklocal", "--log-dhcp",
           "--log-facility=%s/log" % d, ns=srv)
        lab.instances["hand"] = {"ns": cli, "name": "hand", "port": None, "node": None,
                                 "tap": None, "ip": None}
        lease = lab.dhcp_client("hand", 5)
        assert lease == {"ip": "172.16.99.3", "mask": "24", "router": "172.16.99.1",
                         "dns": "192.0.2.53 192.0.2.54", "domain": "openstacklocal",
                         "hostname": "host-172-16-99-3", "mtu": "1400", "lease": "86400",
                         "serverid": "172.16.99.2",
                         "staticroutes": "10.99.0.0/16 172.16.99.254 0.0.0.0/0 172.16.99.1",
                         "msstaticroutes": "10.99.0.0/16 172.16.99.254 0.0.0.0/0 172.16.99.1"}, \
            "%s\n%s" % (lab.instances["hand"]["udhcpc"], (d / "log").read_text())
        assert eth0(lab, lab.instances["hand"]) == {"addrs": ["172.16.99.3/24"], "mtu": 1400,
                                                    "gateway": ["172.16.99.1"]}
        assert sh("busybox", "ping", "-c", "1", "-W", "1", "172.16.99.2", ns=cli,
                  check=False).returncode == 0
        # An unknown MAC gets nothing ("static" range): the negative path costs t x T.
        sh("ip", "-n", cli, "link", "set", "eth0", "address", "fa:16:3e:00:99:77")
        t0 = time.monotonic()
        assert lab.dhcp_client("hand", 2) is None
        assert time.monotonic() - t0 < 8
        assert "no address available" in (d / "log").read_text()
        if resolv:
            assert hashlib.sha256(open("/etc/resolv.conf", "rb").read()).hexdigest() == resolv
    finally:
        lab.instances.pop("hand", None)
        for ns in (srv, cli):
            for pid in sh("ip", "netns", "pids", ns, check=False).stdout.split():
                os.kill(int(pid), signal.SIGKILL)
            sh("ip", "netns", "del", ns, check=False)
            lab.namespaces.remove(ns)


# --- the DHCP agent -----------------------------------------------------------------
def test_instances_get_their_port_address_and_options(dlab):
    lab = dlab
    net, sub = dhcp_network(lab, "172.16.1.0/24", dns_nameservers=["192.0.2.53"],
                            host_routes=[{"destination": "10.99.0.0/16",
                                          "nexthop": "172.16.1.254"}])
    [dport] = wait_dhcp_ports(lab, net["id"])
    # The DHCP port, as Neutron's agent makes it (docs/behaviour/agents.md §B.3).
    assert dport["device_owner"] == "network:dhcp"
    assert dport["device_id"] == dhcp_device_id(lab.host("n1"), net["id"])
    assert dport["binding:host_id"] == lab.host("n1")
    assert dport["fixed_ips"] == [{"subnet_id": sub["id"], "ip_address": "172.16.1.2"}]
    assert dport["status"] == "ACTIVE"
    assert lab.bridge_members("n1", brq(net)) == [tap(dport)]
    # Its namespace, under Neutron's name, in the node's own /run/netns only.
    ns = "qdhcp-" + net["id"]
    assert ns in lab.node_netns_list("n1")
    assert ns not in sh("ip", "netns", "list").stdout
    inner = qdhcp_links(lab, "n1", net["id"])["ns-" + dport["id"][:11]]
    assert inner["address"] == dport["mac_address"]
    assert ["%s/%s" % (a["local"], a["prefixlen"]) for a in inner["addr_info"]
            if a["family"] == "inet"] == ["172.16.1.2/24"]

    vm1 = lab.instance("vm1", "n1", net, dhcp=True)
    vm2 = lab.instance("vm2", "n1", net, dhcp=True)
    for inst in (vm1, vm2):
        ip = inst["port"]["fixed_ips"][0]["ip_address"]
        lease = lease_of(lab, inst, net["id"])
        assert lease == {"ip": ip, "mask": "24", "router": "172.16.1.1",
                         "dns": "192.0.2.53", "domain": "openstacklocal",
                         "hostname": "host-" + ip.replace(".", "-"),
                         "mtu": str(net["mtu"]), "lease": "86400",
                         "serverid": "172.16.1.2",
                         "staticroutes": "10.99.0.0/16 172.16.1.254 0.0.0.0/0 172.16.1.1",
                         "msstaticroutes": "10.99.0.0/16 172.16.1.254 0.0.0.0/0 172.16.1.1"}
        assert eth0(lab, inst) == {"addrs": [ip + "/24"], "mtu": net["mtu"],
                                   "gateway": ["172.16.1.1"]}
    assert vm1["ip"] == "172.16.1.3" and vm2["ip"] == "172.16.1.4"
    assert lab.ping("vm2", vm1["ip"]) and lab.ping("vm1", vm2["ip"])
    # Both agents done (tap up, DHCP entry ready): ACTIVE.
    for inst in (vm1, vm2):
        wait_active(lab, inst)
    assert sorted(lab.bridge_members("n1", brq(net))) == sorted(
        [tap(dport), vm1["tap"], vm2["tap"]])


def test_dhcp_agent_scheduler_api(dlab):
    lab = dlab
    net, _ = dhcp_network(lab, "172.16.10.0/24")
    wait_dhcp_ports(lab, net["id"])
    agent = lab.dhcp_agent_record("n1")
    assert agent["agent_type"] == "DHCP agent" and agent["alive"]
    r = lab.api("GET", "/v2.0/networks/%s/dhcp-agents" % net["id"])
    assert r.status_code == 200, r.text
    hosting = r.json()["agents"]
    assert [(a["id"], a["host"], a["agent_type"]) for a in hosting] == \
        [(agent["id"], lab.host("n1"), "DHCP agent")]
    r = lab.api("GET", "/v2.0/agents/%s/dhcp-networks" % agent["id"])
    assert r.status_code == 200, r.text
    assert net["id"] in [n["id"] for n in r.json()["networks"]]


def test_subnet_without_dhcp_gives_no_lease(dlab):
    lab = dlab
    net, _ = dhcp_network(lab, "172.16.2.0/24", enable_dhcp=False)
    inst = lab.instance("nodhcp", "n1", net, dhcp=True)
    wait_active(lab, inst)          # wired (no DHCP block on a network without DHCP)
    assert lab.dhcp_client(inst, 3) is None
    assert lab.dhcp_ports(net["id"]) == []
    assert lab.api("GET", "/v2.0/networks/%s/dhcp-agents" % net["id"]).json()["agents"] == []
    assert "qdhcp-" + net["id"] not in lab.node_netns_list("n1")
    assert lab.bridge_members("n1", brq(net)) == [inst["tap"]]


def test_changed_fixed_ip_is_the_next_lease(dlab):
    lab = dlab
    net, sub = dhcp_network(lab, "172.16.3.0/24")
    wait_dhcp_ports(lab, net["id"])
    inst = lab.instance("moved", "n1", net, dhcp=True)
    assert lease_of(lab, inst, net["id"])["ip"] == "172.16.3.3"
    r = lab.api("PUT", "/v2.0/ports/" + inst["port"]["id"], {"port": {"fixed_ips": [
        {"subnet_id": sub["id"], "ip_address": "172.16.3.50"}]}})
    assert r.status_code == 200, r.text
    wait_for(lambda: ",172.16.3.50" in (lab.dhcp_file("n1", net["id"], "host") or ""),
             timeout=15, what="the new address in dnsmasq's host file")
    assert ",172.16.3.3\n" not in lab.dhcp_file("n1", net["id"], "host")
    # The instance asks again (a new udhcpc run, as a renewing guest would).
    lease = wait_for(lambda: (lab.dhcp_client(inst, 3) or {}).get("ip") == "172.16.3.50"
                     and inst["ip"], timeout=20, step=0.5, what="a lease of 172.16.3.50")
    assert lease == "172.16.3.50", diagnostics(lab, net["id"], inst)
    assert eth0(lab, inst)["addrs"] == ["172.16.3.50/24"]
    # The freed address goes to the next port, and dnsmasq hands it out at once: the
    # agent released the old client's lease of it.
    other = lab.instance("reuse", "n1", net, dhcp=True)
    assert other["port"]["fixed_ips"][0]["ip_address"] == "172.16.3.3"
    assert lease_of(lab, other, net["id"])["ip"] == "172.16.3.3"


def test_port_extra_dhcp_option_reaches_the_instance(dlab):
    """A port's extra DHCP option (extra_dhcp_opt) overrides the network's MTU for that
    instance only, and a changed value is the next lease's (agents.md §B.5)."""
    lab = dlab
    net, _ = dhcp_network(lab, "172.16.4.0/24")
    wait_dhcp_ports(lab, net["id"])
    inst = lab.instance("opts", "n1", net, dhcp=True)
    plain = lab.instance("plain", "n1", net, dhcp=True)
    port_id = inst["port"]["id"]
    for mtu in ("1400", "1380"):
        r = lab.api("PUT", "/v2.0/ports/" + port_id, {"port": {"extra_dhcp_opts": [
            {"opt_name": "mtu", "opt_value": mtu}]}})
        assert r.status_code == 200, r.text
        line = "tag:port-%s,option:mtu,%s" % (port_id, mtu)
        wait_for(lambda: line in (lab.dhcp_file("n1", net["id"], "opts") or ""),
                 timeout=15, what="the port's option in dnsmasq's opts file")
        assert ",set:port-" + port_id in lab.dhcp_file("n1", net["id"], "host")
        # The instance asks again (a new udhcpc run, as a renewing guest would).
        lease = lease_of(lab, inst, net["id"])
        assert lease["mtu"] == mtu, diagnostics(lab, net["id"], inst)
        assert eth0(lab, inst)["mtu"] == int(mtu)
    assert lease_of(lab, plain, net["id"])["mtu"] == str(net["mtu"])


def test_killed_dnsmasq_is_respawned(dlab):
    lab = dlab
    net, _ = dhcp_network(lab, "172.16.4.0/24")
    wait_dhcp_ports(lab, net["id"])
    nspid = wait_for(lambda: lab.dnsmasq_pid("n1", net["id"]), what="dnsmasq's pid file")
    pid = lab.node_pid("n1", nspid)
    assert pid and lab.dnsmasq_processes("n1", net["id"]) == [pid]
    os.kill(pid, signal.SIGKILL)
    new = wait_for(lambda: [p for p in lab.dnsmasq_processes("n1", net["id"]) if p != pid],
                   timeout=10, what="a new dnsmasq")
    assert len(new) == 1
    wait_for(lambda: not lab._alive(pid), timeout=5, what="the killed dnsmasq gone")
    wait_for(lambda: lab.node_pid("n1", lab.dnsmasq_pid("n1", net["id"]) or 0) == new[0],
             timeout=5, what="the new dnsmasq's pid file")
    inst = lab.instance("afterkill", "n1", net, dhcp=True)
    assert lease_of(lab, inst, net["id"])["ip"] == inst["port"]["fixed_ips"][0]["ip_address"]
    assert lab.dnsmasq_processes("n1", net["id"]) == new


@pytest.mark.parametrize("how", ["network deleted", "dhcp disabled"])
def test_unserved_network_leaves_nothing(dlab, how):
    lab = dlab
    net, sub = dhcp_network(lab, "172.16.5.0/24")
    [dport] = wait_dhcp_ports(lab, net["id"])
    pids = wait_for(lambda: lab.dnsmasq_processes("n1", net["id"]), what="dnsmasq")
    assert "qdhcp-" + net["id"] in lab.node_netns_list("n1")
    if how == "network deleted":
        r = lab.api("DELETE", "/v2.0/networks/" + net["id"])
        assert r.status_code == 204, r.text
    else:
        r = lab.api("PUT", "/v2.0/subnets/" + sub["id"], {"subnet": {"enable_dhcp": False}})
        assert r.status_code == 200, r.text
    wait_for(lambda: not lab.dnsmasq_processes("n1", net["id"]), timeout=15,
             what="dnsmasq stopped")
    wait_for(lambda: not any(lab._alive(p) for p in pids), timeout=5,
             what="the dnsmasq processes gone")
    wait_for(lambda: "qdhcp-" + net["id"] not in lab.node_netns_list("n1"), timeout=15,
             what="the qdhcp namespace removed")
    wait_for(lambda: lab.api("GET", "/v2.0/ports/" + dport["id"]).status_code == 404,
             timeout=15, what="the DHCP port deleted")
    assert lab.dhcp_ports(net["id"]) == []
    wait_for(lambda: tap(dport) not in lab.links("n1"), timeout=15, what="its tap gone")
    wait_for(lambda: not lab.dhcp_conf_dir("n1", net["id"]).exists(), timeout=15,
             what="dnsmasq's files removed")
    assert lab.dnsmasq_processes("n1", net["id"]) == []


def test_restarted_agent_keeps_one_dnsmasq(dlab):
    lab = dlab
    net, _ = dhcp_network(lab, "172.16.7.0/24")
    wait_dhcp_ports(lab, net["id"])
    first = lab.instance("before", "n1", net, dhcp=True)
    assert lease_of(lab, first, net["id"])["ip"] == "172.16.7.3"
    [pid] = lab.dnsmasq_processes("n1", net["id"])
    assert lab.stop_dhcp_agent("n1") == 0
    # dnsmasq keeps serving while its agent is away...
    assert lab.dnsmasq_processes("n1", net["id"]) == [pid]
    assert lease_of(lab, first, net["id"], tries=3)["ip"] == "172.16.7.3"
    # ...and a new instance's port waits for the DHCP agent: the linux-bridge agent
    # alone does not make it ACTIVE (docs/behaviour/ml2.md §6, DHCP provisioning block).
    late = lab.instance("late", "n1", net, dhcp=True)
    wait_for(lambda: late["tap"] in lab.bridge_members("n1", brq(net)), what="late wired")
    wait_for(lambda: lab.port_status(late["port"]["id"]) == "BUILD", what="late BUILD")
    time.sleep(2)
    assert lab.port_status(late["port"]["id"]) != "ACTIVE"
    lab.start_dhcp_agent("n1")
    wait_active(lab, late)
    assert lease_of(lab, late, net["id"])["ip"] == late["port"]["fixed_ips"][0]["ip_address"]
    assert lease_of(lab, first, net["id"])["ip"] == "172.16.7.3"
    # One dnsmasq for the network (adopted, or replaced), never two.
    time.sleep(1)
    now = lab.dnsmasq_processes("n1", net["id"])
    assert len(now) == 1, now
    assert lab.node_pid("n1", lab.dnsmasq_pid("n1", net["id"])) == now[0]
    if now != [pid]:
        print("the restarted agent replaced dnsmasq %d with %d" % (pid, now[0]))
    assert len(lab.dnsmasq_processes("n1")) == len(
        [n for n in lab.node_netns_list("n1") if n.startswith("qdhcp-")])


def test_compute_node_instance_on_local_network_gets_no_lease(dlab):
    """The tutorial's question (§6): a local network's DHCP server is on the controller
    (n1); an instance scheduled on the compute node (n2, no DHCP agent) is on another
    bridge there, with no uplink."""
    lab = dlab
    net, _ = dhcp_network(lab, "172.16.8.0/24")
    assert net["provider:network_type"] == "local"
    wait_dhcp_ports(lab, net["id"])
    here = lab.instance("oncontroller", "n1", net, dhcp=True)
    there = lab.instance("oncompute", "n2", net, dhcp=True)
    assert lease_of(lab, here, net["id"])["ip"] == "172.16.8.3"
    wait_active(lab, there)
    assert lab.bridge_members("n2", brq(net)) == [there["tap"]]
    assert lab.dhcp_client(there, 3) is None
    assert "no lease" in there["udhcpc"]


# --- two DHCP agents ----------------------------------------------------------------
def test_two_dhcp_agents_serve_and_one_survives(lab2):
    lab = lab2
    net, sub = dhcp_network(lab, "172.16.9.0/24",
                            net_attrs={"provider:network_type": "vxlan"})
    ports = wait_dhcp_ports(lab, net["id"], count=2)
    by_host = {p["binding:host_id"]: p for p in ports}
    assert sorted(by_host) == sorted([lab.host("n1"), lab.host("n2")])
    assert sorted(p["fixed_ips"][0]["ip_address"] for p in ports) == ["172.16.9.2",
                                                                      "172.16.9.3"]
    for node in ("n1", "n2"):
        port = by_host[lab.host(node)]
        assert port["device_id"] == dhcp_device_id(lab.host(node), net["id"])
        assert tap(port) in lab.bridge_members(node, brq(net))
        assert lab.dnsmasq_processes(node, net["id"])
    hosting = lab.api("GET", "/v2.0/networks/%s/dhcp-agents" % net["id"]).json()["agents"]
    assert sorted(a["host"] for a in hosting) == sorted([lab.host("n1"), lab.host("n2")])

    c1 = lab.instance("c1", "n1", net, dhcp=True)
    c2 = lab.instance("c2", "n2", net, dhcp=True)
    for inst in (c1, c2):
        lease = lease_of(lab, inst, net["id"])
        assert lease["ip"] == inst["port"]["fixed_ips"][0]["ip_address"]
        assert lease["mtu"] == str(net["mtu"]) == "1450"
        assert lease["serverid"] in ("172.16.9.2", "172.16.9.3")
        assert eth0(lab, inst)["mtu"] == 1450
        wait_active(lab, inst)
    assert lab.ping("c2", c1["ip"])

    # n2's DHCP agent and dnsmasq die (its node init); its linux-bridge agent, which
    # runs outside the init, lives on.  n1's dnsmasq serves everyone, over vxlan too.
    lab.kill_node_init("n2")
    assert lab.agents["n2"].poll() is None
    assert lab.dnsmasq_processes("n1", net["id"])
    wait_for(lambda: tap(by_host[lab.host("n2")]) not in lab.links("n2"), timeout=10,
             what="n2's DHCP tap gone with its namespace")
    n1_ip = by_host[lab.host("n1")]["fixed_ips"][0]["ip_address"]
    for inst in (c2, c1):
        lease = lease_of(lab, inst, net["id"])
        assert lease["ip"] == inst["port"]["fixed_ips"][0]["ip_address"]
        assert lease["serverid"] == n1_ip
    c3 = lab.instance("c3", "n2", net, dhcp=True)
    lease = lease_of(lab, c3, net["id"])
    assert lease["ip"] == c3["port"]["fixed_ips"][0]["ip_address"]
    assert lease["serverid"] == n1_ip
    wait_active(lab, c3)
