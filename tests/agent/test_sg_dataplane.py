"""Security groups through the whole stack: rules and ports changed through the API,
the server's change feed, the linux-bridge agent's firewall in the node's kernel, and
real packets between lab instances (docs/behaviour/agents.md "Security groups").
Changes are awaited by polling, never timed."""

import subprocess
import threading
import time
import uuid

from lab import sh, wait_for


def active(lab, inst, timeout=10):
    wait_for(lambda: lab.port_status(inst["port"]["id"]) == "ACTIVE", timeout,
             what="port %s ACTIVE" % inst["port"]["id"])


def uid():
    return uuid.uuid4().hex[:6]


def create(lab, plural, kind, **attrs):
    r = lab.api("POST", "/v2.0/" + plural, {kind: attrs})
    assert r.status_code == 201, r.text
    return r.json()[kind]


def group(lab, **attrs):
    attrs.setdefault("name", "sg-" + uid())
    return create(lab, "security-groups", "security_group", **attrs)


def default_group(lab):
    r = lab.api("GET", "/v2.0/security-groups", params={"name": "default",
                                                         "project_id": "fake_project_id"})
    assert r.status_code == 200, r.text
    return r.json()["security_groups"][0]


def rule(lab, group_id, **attrs):
    return create(lab, "security-group-rules", "security_group_rule",
                  security_group_id=group_id, **attrs)


def delete(lab, path):
    r = lab.api("DELETE", path)
    assert r.status_code in (204, 404), r.text


def reaches(lab, src, dst_ip, expect, timeout=10):
    """Waits until a ping from 'src' to 'dst_ip' succeeds (expect=True) or fails."""
    wait_for(lambda: lab.ping(src, dst_ip) == expect, timeout, step=0.05,
             what="%s %s %s" % (src, "reaching" if expect else "not reaching", dst_ip))


def iptables(lab, node):
    return sh("iptables-save", ns=lab.node_ns(node)).stdout


class Instances:
    """Instances made in a test, removed (and their ports deleted) even on failure."""

    def __init__(self, lab):
        self.lab = lab
        self.made = []

    def add(self, node, net, **port_attrs):
        name = "sg%s" % uid()
        inst = self.lab.instance(name, node, net, **port_attrs)
        self.made.append(inst)
        return inst

    def close(self):
        for inst in self.made:
            if inst["name"] in self.lab.instances:
                self.lab.remove_instance(inst["name"])
            delete(self.lab, "/v2.0/ports/" + inst["port"]["id"])


def test_default_group_members_talk_and_a_cidr_rule_opens_and_closes(lab):
    net = lab.network("172.16.41.0/24")
    other = group(lab)
    vms = Instances(lab)
    try:
        a = vms.add("n1", net)
        b = vms.add("n1", net)
        c = vms.add("n1", net, security_groups=[other["id"]])
        for vm in (a, b, c):
            active(lab, vm)
        # Ports are reported up only with their rules in the kernel.
        rules = iptables(lab, "n1")
        for vm in (a, b, c):
            assert "neutrino-fw-i%s" % vm["port"]["id"][:15] in rules
        # The default group lets its members in (remote group), no one else.
        assert lab.ping(a["name"], b["ip"]) and lab.ping(b["name"], a["ip"])
        assert not lab.ping(c["name"], a["ip"])
        assert not lab.ping(a["name"], c["ip"])
        # ICMP from c's address, through the API: enforced without restarting anything.
        r = rule(lab, default_group(lab)["id"], direction="ingress", ethertype="IPv4",
                 protocol="icmp", remote_ip_prefix=c["ip"] + "/32")
        try:
            reaches(lab, c["name"], a["ip"], True)
        finally:
            delete(lab, "/v2.0/security-group-rules/" + r["id"])
        reaches(lab, c["name"], a["ip"], False)
        assert lab.ping(a["name"], b["ip"])
    finally:
        vms.close()
        delete(lab, "/v2.0/security-groups/" + other["id"])


class Pinger:
    """busybox ping running in an instance; the times its replies came."""

    def __init__(self, lab, src, dst_ip, seconds=15):
        self.replies = []
        self.p = subprocess.Popen(["ip", "netns", "exec", lab.instances[src]["ns"], "stdbuf",
                                   "-oL", "busybox", "ping", "-i", "0.2", "-w", str(seconds),
                                   dst_ip], stdout=subprocess.PIPE, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.p.stdout:
            if "bytes from" in line:
                self.replies.append(time.monotonic())

    def quiet_for(self, seconds):
        return self.replies and time.monotonic() - self.replies[-1] > seconds \
            and self.p.poll() is None

    def stop(self):
        self.p.kill()
        self.p.wait()
        self.thread.join(5)


def test_deleting_a_rule_stops_a_ping_already_running(lab):
    net = lab.network("172.16.42.0/24")
    other = group(lab)
    vms = Instances(lab)
    pinger = None
    try:
        a = vms.add("n1", net)
        c = vms.add("n1", net, security_groups=[other["id"]])
        active(lab, a)
        active(lab, c)
        r = rule(lab, default_group(lab)["id"], direction="ingress", ethertype="IPv4",
                 protocol="icmp", remote_ip_prefix="172.16.42.0/24")
        try:
            reaches(lab, c["name"], a["ip"], True)
            pinger = Pinger(lab, c["name"], a["ip"])
            wait_for(lambda: len(pinger.replies) >= 3, what="replies to a running ping")
        finally:
            delete(lab, "/v2.0/security-group-rules/" + r["id"])
        # Its connection was established; the agent ends it with the rule.
        wait_for(lambda: pinger.quiet_for(1.0), timeout=8, what="running ping cut off")
        assert pinger.p.poll() is None
    finally:
        if pinger:
            pinger.stop()
        vms.close()
        delete(lab, "/v2.0/security-groups/" + other["id"])


# In an instance: accepts one TCP connection on port argv[1] and echoes what it reads.
ECHO_ONCE = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); print("ready", flush=True)
c, _ = s.accept()
while True:
    d = c.recv(100)
    if not d:
        break
    c.sendall(d)
"""

# In an instance: connects to argv[1]:argv[2] and, once at the start and then for each
# line read, sends a byte and prints "ok" if it comes back within a second, else "timeout".
EXCHANGE = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.0)
def once():
    try:
        s.sendall(b"x"); print("ok" if s.recv(10) == b"x" else "bad", flush=True)
    except OSError:
        print("timeout", flush=True)
once()
for _ in sys.stdin:
    once()
"""


def test_a_member_leaving_the_group_ends_its_tcp_connection(lab):
    """b's TCP connection to a is allowed only by the default group's ingress rule naming
    the group itself; when b's port moves to another group, a's node takes b's address
    out of the group's set and ends the established connection with it (b's chains,
    rewritten too, never allowed a connection b started: only the member's removal
    names it)."""
    net = lab.network("172.16.48.0/24")
    other = group(lab)
    vms = Instances(lab)
    server = client = None
    try:
        a = vms.add("n1", net)
        b = vms.add("n1", net)
        active(lab, a)
        active(lab, b)
        server = subprocess.Popen(["ip", "netns", "exec", a["ns"], "/usr/bin/python3", "-c",
                                   ECHO_ONCE, "5003"], stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        client = subprocess.Popen(["ip", "netns", "exec", b["ns"], "/usr/bin/python3", "-c",
                                   EXCHANGE, a["ip"], "5003"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert client.stdout.readline().strip() == "ok"

        def exchange():
            client.stdin.write("\n")
            client.stdin.flush()
            return client.stdout.readline().strip()

        assert exchange() == "ok"
        r = lab.api("PUT", "/v2.0/ports/" + b["port"]["id"],
                    {"port": {"security_groups": [other["id"]]}})
        assert r.status_code == 200, r.text
        # Each exchange of a connection cut takes a second (its timeout).
        wait_for(lambda: exchange() == "timeout", timeout=10, step=0.05,
                 what="b's established connection to a ended")
    finally:
        for p in (client, server):
            if p:
                p.kill()
                p.wait()
        vms.close()
        delete(lab, "/v2.0/security-groups/" + other["id"])


def test_an_address_group_rule_admits_its_addresses_only(lab):
    """A rule admitting ICMP from an address group lets a source in the group in and
    not one outside; add_addresses and remove_addresses reach the firewall through the
    feed, with nothing restarted."""
    net = lab.network("172.16.49.0/24")
    target_group = group(lab)
    vms = Instances(lab)
    ag = None
    try:
        inside = vms.add("n1", net)
        outside = vms.add("n1", net)
        target = vms.add("n1", net, security_groups=[target_group["id"]])
        for vm in (inside, outside, target):
            active(lab, vm)
        ag = create(lab, "address-groups", "address_group", name="ag-" + uid(),
                    addresses=[inside["ip"] + "/32"])
        rule(lab, target_group["id"], direction="ingress", ethertype="IPv4",
             protocol="icmp", remote_address_group_id=ag["id"])
        reaches(lab, inside["name"], target["ip"], True)
        assert not lab.ping(outside["name"], target["ip"])
        path = "/v2.0/address-groups/%s/" % ag["id"]
        r = lab.api("PUT", path + "add_addresses", {"addresses": [outside["ip"]]})
        assert r.status_code == 200, r.text
        reaches(lab, outside["name"], target["ip"], True)
        r = lab.api("PUT", path + "remove_addresses", {"addresses": [inside["ip"] + "/32"]})
        assert r.status_code == 200, r.text
        reaches(lab, inside["name"], target["ip"], False)
        assert lab.ping(outside["name"], target["ip"])
    finally:
        vms.close()
        delete(lab, "/v2.0/security-groups/" + target_group["id"])
        if ag:
            delete(lab, "/v2.0/address-groups/" + ag["id"])


def test_foreign_source_address_only_without_port_security(lab):
    net = lab.network("172.16.43.0/24")
    vms = Instances(lab)
    try:
        a = vms.add("n1", net)
        # An instance that filters nothing itself answers whatever reaches it.
        open_vm = vms.add("n1", net, port_security_enabled=False)
        active(lab, a)
        active(lab, open_vm)
        assert lab.ping(a["name"], open_vm["ip"])
        sh("ip", "address", "add", "172.16.43.200/24", "dev", "eth0", ns=a["ns"])
        ping_from_foreign = ["busybox", "ping", "-c", "1", "-W", "1", "-I", "172.16.43.200",
                             open_vm["ip"]]
        assert sh(*ping_from_foreign, ns=a["ns"], check=False).returncode != 0
        r = lab.api("PUT", "/v2.0/ports/" + a["port"]["id"],
                    {"port": {"security_groups": [], "port_security_enabled": False}})
        assert r.status_code == 200, r.text
        wait_for(lambda: sh(*ping_from_foreign, ns=a["ns"], check=False).returncode == 0,
                 what="a foreign source passing without port security")
        assert "neutrino-fw-o%s" % a["port"]["id"][:15] not in iptables(lab, "n1")
    finally:
        vms.close()


def test_members_on_another_node_over_vxlan(lab):
    net = lab.network("172.16.44.0/24", **{"provider:network_type": "vxlan"})
    other = group(lab)
    vms = Instances(lab)
    try:
        a = vms.add("n1", net)
        active(lab, a)
        # b joins the default group on n2: n1's agent learns its address.
        b = vms.add("n2", net)
        c = vms.add("n2", net, security_groups=[other["id"]])
        active(lab, b)
        active(lab, c)
        reaches(lab, b["name"], a["ip"], True)
        assert lab.ping(a["name"], b["ip"])
        assert not lab.ping(c["name"], a["ip"])
        # c moves into the default group: both nodes let it in.
        r = lab.api("PUT", "/v2.0/ports/" + c["port"]["id"],
                    {"port": {"security_groups": [default_group(lab)["id"]]}})
        assert r.status_code == 200, r.text
        reaches(lab, c["name"], a["ip"], True)
        reaches(lab, a["name"], c["ip"], True)
        # ...and out of it again.
        r = lab.api("PUT", "/v2.0/ports/" + c["port"]["id"],
                    {"port": {"security_groups": [other["id"]]}})
        assert r.status_code == 200, r.text
        reaches(lab, c["name"], a["ip"], False)
    finally:
        vms.close()
        delete(lab, "/v2.0/security-groups/" + other["id"])


def test_noop_driver_filters_nothing(lab):
    net = lab.network("172.16.45.0/24")
    other = group(lab)
    vms = Instances(lab)
    # The node's last filtered port has gone: so has everything the firewall made.
    wait_for(lambda: "neutrino-fw" not in iptables(lab, "n2"), what="n2's rules removed")
    lab.stop_agent("n2")
    try:
        lab.start_agent("n2", extra=["[securitygroup]", "firewall_driver = noop"])
        a = vms.add("n2", net)
        c = vms.add("n2", net, security_groups=[other["id"]])
        active(lab, a)
        active(lab, c)
        assert lab.ping(c["name"], a["ip"])
        assert "neutrino-fw" not in iptables(lab, "n2")
        wait_for(lambda: lab.agent_record("n2")["configurations"].get("firewall_driver")
                 == "noop", what="n2's agent reporting noop")
    finally:
        vms.close()
        delete(lab, "/v2.0/security-groups/" + other["id"])
        lab.stop_agent("n2")
        lab.start_agent("n2")
    wait_for(lambda: lab.agent_record("n2")["configurations"]["firewall_driver"] == "iptables",
             what="n2's agent filtering again")


def test_a_failing_firewall_holds_ports_back_and_says_why(lab):
    """A set of neutrino's name but another type makes `ipset restore` fail: the port is
    wired but not reported up, the agent shows the error; once the obstacle goes, the
    next retry enforces the rules and the port goes ACTIVE."""
    net = lab.network("172.16.46.0/24")
    g = group(lab)
    rule(lab, g["id"], direction="ingress", ethertype="IPv4", remote_group_id=g["id"])
    set_name = "neutrino-fw4-" + g["id"][:18]
    sh("ipset", "create", set_name, "hash:ip", "family", "inet6", ns=lab.node_ns("n1"))
    vms = Instances(lab)
    try:
        vm = vms.add("n1", net, security_groups=[g["id"]])
        wait_for(lambda: "firewall_error" in lab.agent_record("n1")["configurations"],
                 what="the agent reporting its firewall's failure")
        assert lab.port_status(vm["port"]["id"]) != "ACTIVE"
        sh("ipset", "destroy", set_name, ns=lab.node_ns("n1"))
        active(lab, vm)
        wait_for(lambda: "firewall_error" not in lab.agent_record("n1")["configurations"],
                 what="the error cleared")
    finally:
        sh("ipset", "destroy", set_name, ns=lab.node_ns("n1"), check=False)
        vms.close()
        delete(lab, "/v2.0/security-groups/" + g["id"])


def neutrino_lines(text):
    return sorted(line for line in text.splitlines()
                  if "neutrino-fw" in line and not line.startswith("#"))


def test_agent_restart_reads_the_kernel_and_keeps_the_rules(lab):
    net = lab.network("172.16.47.0/24")
    other = group(lab)
    vms = Instances(lab)
    try:
        a = vms.add("n1", net)
        b = vms.add("n1", net)
        active(lab, a)
        active(lab, b)
        before = neutrino_lines(iptables(lab, "n1"))
        lab.stop_agent("n1")
        log_size = len(lab.agent_log("n1"))
        lab.start_agent("n1")
        # The new agent wires every tap again and applies after reading the kernel:
        # nothing to write.  A port of another group (no member of a group the others
        # use), wired afterwards by the same thread, is the only change it logs.
        c = vms.add("n1", net, security_groups=[other["id"]])
        active(lab, c)
        applied = [line for line in lab.agent_log("n1")[log_size:].splitlines()
                   if "ports filtered" in line]
        assert len(applied) == 1 and "3 ports filtered" in applied[0], applied
        after = neutrino_lines(iptables(lab, "n1"))
        assert [line for line in after if c["port"]["id"][:15] not in line
                and c["tap"] not in line] == before
        assert lab.ping(a["name"], b["ip"])
    finally:
        vms.close()
        delete(lab, "/v2.0/security-groups/" + other["id"])
