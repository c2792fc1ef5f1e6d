"""Security groups while the programs around them restart, and stateless groups, on real
packets: a TCP connection and a ping run between lab instances while the server (then
the agent) is stopped and started again; the node's firewall is compared before and
after, and a rule changed afterwards must be enforced.  Stateless groups made through
the API show that replies need rules of their own (docs/behaviour/dataplane.md §7.3).
Changes are awaited by polling, never timed; packets are counted."""

import re
import subprocess
import threading

from lab import sh, wait_for
from test_sg_dataplane import (Instances, active, default_group, delete, group, iptables,
                               neutrino_lines, rule)

PY = "/usr/bin/python3"

# Accepts one connection and echoes what it reads until the peer closes.
ECHO_SERVER = """
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

# Connects, then for each line read from stdin sends one byte and waits for its echo;
# prints "ok" or "timeout" per exchange (the connection stays the same throughout).
CONVERSE = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
print("connected", flush=True)
for _ in sys.stdin:
    try:
        s.sendall(b"x"); print("ok" if s.recv(10) == b"x" else "bad", flush=True)
    except OSError:
        print("timeout", flush=True)
"""

CONNECT = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5)
s.sendall(b"x"); assert s.recv(10) == b"x"
"""


def in_instance(lab, inst, *args):
    return ["ip", "netns", "exec", inst["ns"]] + [str(a) for a in args]


def stop(p):
    if p and p.poll() is None:
        p.kill()
    if p:
        p.wait(5)


def tcp_connects(lab, src, dst, port):
    """Whether a new TCP connection from 'src' to 'dst':port is answered (an echo server
    is started in 'dst' for it)."""
    server = subprocess.Popen(in_instance(lab, dst, PY, "-c", ECHO_SERVER, port),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        p = sh(PY, "-c", CONNECT, dst["ip"], port, ns=src["ns"], check=False)
        return p.returncode == 0
    finally:
        stop(server)


class Traffic:
    """An established TCP connection from 'src' to 'dst':port, and a ping from 'src' to
    'dst' every 0.2 s, both running until close()."""

    def __init__(self, lab, src, dst, port):
        self.procs = []
        self.seqs = []
        self.server = self._start(in_instance(lab, dst, PY, "-c", ECHO_SERVER, port))
        assert self.server.stdout.readline().strip() == "ready"
        self.client = self._start(in_instance(lab, src, PY, "-c", CONVERSE, dst["ip"], port),
                                  stdin=subprocess.PIPE)
        assert self.client.stdout.readline().strip() == "connected"
        self.pinger = self._start(in_instance(lab, src, "stdbuf", "-oL", "busybox", "ping",
                                              "-i", "0.2", dst["ip"]))
        self.reader = threading.Thread(target=self._read_pings, daemon=True)
        self.reader.start()

    def _start(self, cmd, **kw):
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **kw)
        self.procs.append(p)
        return p

    def _read_pings(self):
        for line in self.pinger.stdout:
            m = re.search(r"seq=(\d+)", line)
            if m and "bytes from" in line:
                self.seqs.append(int(m.group(1)))

    def exchange(self):
        """One byte there and back on the established connection: "ok" or "timeout"."""
        self.client.stdin.write("\n")
        self.client.stdin.flush()
        return self.client.stdout.readline().strip()

    def replies(self):
        return len(self.seqs)

    def lost(self):
        """Echo requests unanswered between the first and the last answered one."""
        seqs = sorted(set(self.seqs))
        return seqs[-1] - seqs[0] + 1 - len(seqs) if seqs else None

    def close(self):
        for p in reversed(self.procs):
            stop(p)
        self.reader.join(5)


def firewall_state(lab, node):
    """Everything of neutrino's in the node's firewall: iptables and ip6tables (every
    table), ebtables nat and ipset, packet counters left out."""
    ns = lab.node_ns(node)
    text = "\n".join(sh(*cmd, ns=ns).stdout for cmd in (
        ("iptables-save",), ("ip6tables-save",), ("ebtables-save", "-t", "nat"),
        ("ipset", "save")))
    return [re.sub(r"\[\d+:\d+\]", "", line) for line in neutrino_lines(text)]


class ConnectionCounts:
    """The packets the node's kernel has counted on each tracked TCP connection to
    dst_ip:port (its original direction).  The same entry only counts up; one flushed
    and made again by the next packet starts again from 1.  Counting is turned on in
    the node while this lives (entries made meanwhile are counted)."""

    SYSCTL = "net.netfilter.nf_conntrack_acct"

    def __init__(self, lab, node):
        self.ns = lab.node_ns(node)
        self.was = sh("sysctl", "-n", self.SYSCTL, ns=self.ns).stdout.strip()
        sh("sysctl", "-qw", "%s=1" % self.SYSCTL, ns=self.ns)

    def of(self, dst_ip, port):
        out = sh("conntrack", "-L", "-p", "tcp", "-d", dst_ip, "--dport", port,
                 ns=self.ns, check=False).stdout
        return [int(m.group(1)) for m in re.finditer(r"\bpackets=(\d+)\b.*", out)]

    def close(self):
        sh("sysctl", "-qw", "%s=%s" % (self.SYSCTL, self.was), ns=self.ns, check=False)


def new_log(lab, node, since):
    return lab.agent_log(node)[since:]


def firewall_writes(text):
    """The agent's lines saying it changed the firewall."""
    return [line for line in text.splitlines() if "ports filtered" in line]


def full_comparisons(text):
    return sum("synchronised:" in line for line in text.splitlines())


def flow_setup(lab, cidr):
    """On n1: 'a' in the default group and a group allowing ICMP and TCP 5000 from the
    network; 'c' in a group of its own (its default egress rules only).  A Traffic from
    c to a:5000 runs."""
    net = lab.network(cidr)
    served = group(lab)
    for proto, port in (("icmp", None), ("tcp", 5000)):
        ports = {"port_range_min": port, "port_range_max": port} if port else {}
        rule(lab, served["id"], direction="ingress", ethertype="IPv4", protocol=proto,
             remote_ip_prefix=cidr, **ports)
    client_group = group(lab)
    vms = Instances(lab)
    a = vms.add("n1", net, security_groups=[default_group(lab)["id"], served["id"]])
    b = vms.add("n1", net)      # a member of the default group: its set is not empty
    c = vms.add("n1", net, security_groups=[client_group["id"]])
    for vm in (a, b, c):
        active(lab, vm)
    return vms, (served, client_group), a, c


def drop_groups(lab, groups):
    for g in groups:
        delete(lab, "/v2.0/security-groups/" + g["id"])


def assert_only_the_new_rule_written(lab, served, a, c, before, since):
    """A rule added now (TCP 5001) opens what was closed: the feed reaches the agent.
    The agent handles one thing at a time, so once the rule is enforced whatever it did
    after the restart is in its log and in the kernel: the one write is a's ingress
    chain, rewritten with the new line, and nothing else differs from 'before'."""
    assert not tcp_connects(lab, c, a, 5001)
    rule(lab, served["id"], direction="ingress", ethertype="IPv4", protocol="tcp",
         port_range_min=5001, port_range_max=5001)
    wait_for(lambda: tcp_connects(lab, c, a, 5001), timeout=15,
             what="TCP 5001 allowed by the new rule")
    # The agent logs its write once the restore has returned: a moment after.
    writes = wait_for(lambda: firewall_writes(new_log(lab, "n1", since)),
                      what="the agent's log of the write")
    assert len(writes) == 1 and "1 chains written, 0 lines changed, 0 connections ended" \
        in writes[0], writes
    after = firewall_state(lab, "n1")
    added = [line for line in after if line not in before]
    assert [line for line in before if line not in after] == []
    assert len(added) == 1 and "neutrino-fw-i%s" % a["port"]["id"][:15] in added[0] \
        and "--dport 5001" in added[0], added


def restart_under_traffic(lab, cidr, restart):
    """flow_setup() on 'cidr', then restart(traffic, since) stops and starts the program
    under test (and checks the traffic meanwhile), 'since' being where the agent's log
    stood.  Afterwards: the flow and the ping go on with at most 2 pings lost, the
    node's firewall and the flow's connection entry are those of before, the agent
    compared everything once and wrote nothing, and a rule added now is enforced."""
    vms, groups, traffic = None, (), None
    counts = ConnectionCounts(lab, "n1")
    try:
        vms, groups, a, c = flow_setup(lab, cidr)
        traffic = Traffic(lab, c, a, 5000)
        wait_for(lambda: traffic.replies() >= 3, what="replies to the running ping")
        before = firewall_state(lab, "n1")
        for _ in range(10):     # more packets than an entry made afterwards could count
            assert traffic.exchange() == "ok"
        flows = counts.of(a["ip"], 5000)
        assert len(flows) == 1 and flows[0] >= 10, flows
        since = len(lab.agent_log("n1"))

        restart(traffic, since)
        # The comparison is logged before the firewall's apply: the pings give it time
        # to write, and assert_only_the_new_rule_written() makes sure afterwards.
        wait_for(lambda: "synchronised" in new_log(lab, "n1", since), timeout=15,
                 what="the agent's full comparison")
        replies = traffic.replies()
        wait_for(lambda: traffic.replies() >= replies + 3, timeout=5,
                 what="pings answered after the restart")
        assert traffic.exchange() == "ok"
        assert firewall_state(lab, "n1") == before
        # The same entry, still counting: neither flushed nor made again.
        now = counts.of(a["ip"], 5000)
        assert len(now) == 1 and now[0] > flows[0], (flows, now)
        assert firewall_writes(new_log(lab, "n1", since)) == []
        lost = traffic.lost()
        assert lost is not None and lost <= 2, "%s pings lost" % lost

        assert_only_the_new_rule_written(lab, groups[0], a, c, before, since)
        assert traffic.exchange() == "ok"
        # One full comparison was enough: after a server restart, the feed (which lost
        # the server too) does not ask for a second one with the first change.
        assert full_comparisons(new_log(lab, "n1", since)) == 1, new_log(lab, "n1", since)
    finally:
        counts.close()
        if traffic:
            traffic.close()
        if vms:
            vms.close()
        drop_groups(lab, groups)


def test_server_restart_under_traffic_changes_nothing_on_the_node(lab):
    def restart(traffic, since):
        lab.server.stop()           # SIGTERM to its PID; the database stays
        # The agent's heartbeat (every second) fails: it will compare everything with
        # the server once it is back.
        wait_for(lambda: re.search(r"WARNING client: POST \S*/agent/v1/report: ",
                                   new_log(lab, "n1", since)), timeout=10,
                 what="the agent's heartbeat failing")
        replies = traffic.replies()
        assert traffic.exchange() == "ok"
        wait_for(lambda: traffic.replies() >= replies + 3, timeout=5,
                 what="pings answered while the server is down")
        lab.server.start()          # same state directory, same database, same port
    restart_under_traffic(lab, "172.16.51.0/24", restart)


def test_agent_restart_under_traffic_changes_nothing_on_the_node(lab):
    def restart(traffic, since):
        assert lab.stop_agent("n1") == 0
        replies = traffic.replies()
        assert traffic.exchange() == "ok"
        wait_for(lambda: traffic.replies() >= replies + 3, timeout=5,
                 what="pings answered with no agent running")
        lab.start_agent("n1")
    restart_under_traffic(lab, "172.16.52.0/24", restart)


def sg_rules(lab, group_id, **match):
    r = lab.api("GET", "/v2.0/security-group-rules",
                params=dict(security_group_id=group_id, **match))
    assert r.status_code == 200, r.text
    return r.json()["security_group_rules"]


def allow_in(lab, group_id, cidr, protocol, port=None):
    ports = {"port_range_min": port, "port_range_max": port} if port else {}
    return rule(lab, group_id, direction="ingress", ethertype="IPv4", protocol=protocol,
                remote_ip_prefix=cidr, **ports)


def only_egress(lab, group_id, protocol, port=None):
    """Replaces the group's IPv4 egress rules (the default "everything") by one."""
    for r in sg_rules(lab, group_id, direction="egress", ethertype="IPv4"):
        delete(lab, "/v2.0/security-group-rules/" + r["id"])
    ports = {"port_range_min": port, "port_range_max": port} if port else {}
    return rule(lab, group_id, direction="egress", ethertype="IPv4", protocol=protocol,
                **ports)


def test_stateless_group_through_the_api_needs_rules_for_replies(lab):
    cidr = "172.16.53.0/24"
    net = lab.network(cidr)
    stateless = group(lab, stateful=False)
    stateful = group(lab)
    groups = (stateless, stateful)
    vms = Instances(lab)
    try:
        assert stateless["stateful"] is False
        # Both groups get the same rules: ICMP and TCP 5000 in, the default egress.
        for g in groups:
            allow_in(lab, g["id"], cidr, "icmp")
            allow_in(lab, g["id"], cidr, "tcp", 5000)
        a = vms.add("n1", net, security_groups=[stateless["id"]])
        b = vms.add("n1", net, security_groups=[stateless["id"]])
        c = vms.add("n1", net, security_groups=[stateful["id"]])
        d = vms.add("n1", net, security_groups=[stateful["id"]])
        for vm in (a, b, c, d):
            active(lab, vm)
        raw = sh("iptables-save", "-t", "raw", ns=lab.node_ns("n1")).stdout
        for vm, untracked in ((a, True), (b, True), (c, False), (d, False)):
            assert ("--physdev-in %s -j CT --notrack" % vm["tap"] in raw) == untracked, raw

        # A ping: the request and the reply are each allowed by a rule (ICMP in, all
        # out), in both kinds of group.
        assert lab.ping(b["name"], a["ip"]) and lab.ping(d["name"], c["ip"])
        # TCP 5000 in: a stateful group lets the answer back to the client as part of
        # the connection; a stateless one drops it (b allows no TCP in to its own port).
        assert tcp_connects(lab, d, c, 5000)
        assert not tcp_connects(lab, b, a, 5000)
        # An ingress rule for the answers, and the stateless connection works.
        allow_in(lab, stateless["id"], cidr, "tcp")
        wait_for(lambda: tcp_connects(lab, b, a, 5000), timeout=15,
                 what="the stateless replies allowed in")

        # The other direction: only TCP 5000 may go out.  The stateful server still
        # answers (its reply belongs to the connection); the stateless one cannot, its
        # reply goes to the client's port, which no egress rule allows.
        for g in groups:
            only_egress(lab, g["id"], "tcp", 5000)
        wait_for(lambda: not tcp_connects(lab, b, a, 5000), timeout=15,
                 what="the stateless server's replies stopped going out")
        assert tcp_connects(lab, d, c, 5000)
        # ICMP out too: the ping works again in the stateless group.
        assert not lab.ping(b["name"], a["ip"])
        rule(lab, stateless["id"], direction="egress", ethertype="IPv4", protocol="icmp")
        wait_for(lambda: lab.ping(b["name"], a["ip"]), timeout=15,
                 what="ping allowed out of the stateless ports")

        # Both kinds on one port are refused; its firewall stays as it was.
        r = lab.api("PUT", "/v2.0/ports/" + a["port"]["id"],
                    {"port": {"security_groups": [stateless["id"], stateful["id"]]}})
        assert r.status_code == 409, r.text
        assert r.json()["NeutronError"]["type"] == "SecurityGroupConflict", r.text
        r = lab.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "security_groups": [stateful["id"], stateless["id"]]}})
        assert r.status_code == 409, r.text
        assert "--physdev-in %s -j CT --notrack" % a["tap"] in \
            sh("iptables-save", "-t", "raw", ns=lab.node_ns("n1")).stdout
        assert lab.ping(b["name"], a["ip"])
        assert "neutrino-fw-i%s" % a["port"]["id"][:15] in iptables(lab, "n1")
    finally:
        vms.close()
        drop_groups(lab, groups)
