"""DHCP agents in the namespace lab (dataplane-findings.md §2, §6.3).

A DHCP agent makes namespaces of its own (qdhcp-<network id>).  So that two lab nodes
(and two test runs) can both have qdhcp-<same id>, each node that runs one gets an
"init": a process in the node's network namespace with a private mount namespace, a
tmpfs on /run/netns, and a PID namespace.  The agent runs inside it under Neutron's
exact names; SIGKILL to the init stops the agent and its dnsmasq processes at once,
and their namespaces vanish with the mount namespace.

State lives in /tmp/<lab prefix>-<node>-dhcp (mode 0755: dnsmasq reads its files as
nobody, so every directory above them must be searchable)."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import lab as labmod
from lab import sh, wait_for

DHCP_TYPE = "DHCP agent"
UDHCPC_SCRIPT = """#!/bin/sh
# udhcpc script of the lab: only `ip`, nothing written outside the lease file.
case "$1" in
deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface" onlink
    {
        echo "ip=$ip"; echo "mask=$mask"; echo "router=$router"; echo "dns=$dns"
        echo "domain=$domain"; echo "hostname=$hostname"; echo "mtu=$mtu"
        echo "lease=$lease"; echo "serverid=$serverid"; echo "staticroutes=$staticroutes"
    } > "$LAB_LEASE_FILE"
    ;;
esac
exit 0
"""


def dhcp_binary():
    return labmod.agent_binary().parent.parent / "dhcp_agent" / "neutrino-dhcp-agent"


def _children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class DhcpNodes:
    """The DHCP side of a Lab: node inits, DHCP agents, lab DHCP clients."""

    def __init__(self, lab):
        self.lab = lab
        self.inits = {}         # node -> (unshare Popen, init pid)
        self.agents = {}        # node -> (nsenter Popen, agent pid)
        self.script = Path("/tmp/%s-udhcpc.sh" % lab.prefix)
        self.script.write_text(UDHCPC_SCRIPT)
        self.script.chmod(0o755)

    # --- nodes ------------------------------------------------------------------------
    def state(self, node):
        return Path("/tmp/%s-%s-dhcp" % (self.lab.prefix, node))

    def init_pid(self, node):
        if node in self.inits:
            return self.inits[node][1]
        p = subprocess.Popen(
            ["nsenter", "--net=/run/netns/" + self.lab.node_ns(node), "unshare", "--mount",
             "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc",
             "sh", "-c", "mount -t tmpfs -o size=1m,mode=755 nodenetns /run/netns"
             " && exec sleep infinity"],
            stderr=subprocess.DEVNULL,     # unshare's complaint when its init is killed
            preexec_fn=labmod._api.die_with_parent)
        init = None
        deadline = time.time() + 5
        while time.time() < deadline and not init:
            kids = _children(p.pid)
            if kids and self._is_sleep(kids[0]):
                init = kids[0]
            else:
                time.sleep(0.01)
        assert init, "node init of %s did not start" % node
        self.inits[node] = (p, init)
        return init

    @staticmethod
    def _is_sleep(pid):
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                return f.read().startswith(b"sleep")
        except OSError:
            return False

    def in_node(self, node, *cmd, check=True):
        """Runs 'cmd' in the node's network, mount and PID namespaces."""
        return subprocess.run(["nsenter", "-t", str(self.init_pid(node)), "-m", "-n", "-p",
                               "--"] + [str(c) for c in cmd], capture_output=True, text=True,
                              timeout=30, check=check)

    def qdhcp_namespaces(self, node):
        out = self.in_node(node, "ls", "/run/netns").stdout.split()
        return sorted(n for n in out if n.startswith("qdhcp-"))

    # --- agents -----------------------------------------------------------------------
    def config(self, node, **opts):
        st = self.state(node)
        st.mkdir(mode=0o755, exist_ok=True)
        os.chmod(st, 0o755)
        default = {"host": self.lab.host(node), "state_path": str(st),
                   "dhcp_confs": str(st / "dhcp"), "interface_driver": "linuxbridge",
                   "dnsmasq_base_log_dir": str(st / "log"), "debug": "true"}
        default.update({k: str(v) for k, v in opts.items()})
        lines = ["[DEFAULT]"] + ["%s = %s" % kv for kv in default.items()]
        lines += ["[AGENT]", "report_interval = 1",
                  "[server]", "url = http://localhost", "unix_socket = %s" % self.lab.sock, ""]
        path = self.lab.tmp / ("%s-dhcp_agent.ini" % node)
        path.write_text("\n".join(lines))
        return path

    def start(self, node, wait=True, **opts):
        conf = self.config(node, **opts)
        log = open(self.lab.tmp / ("%s-dhcp-agent.log" % node), "ab")
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
        p = subprocess.Popen(["nsenter", "-t", str(self.init_pid(node)), "-m", "-n", "-p",
                              "--", str(dhcp_binary()), "--config-file", str(conf)],
                             stdout=log, stderr=log, env=env,
                             preexec_fn=labmod._api.die_with_parent)
        log.close()
        pid = None
        deadline = time.time() + 5
        while time.time() < deadline and pid is None:
            kids = _children(p.pid)
            pid = kids[0] if kids else None
            time.sleep(0.005)
        self.agents[node] = (p, pid)
        if wait:
            wait_for(lambda: self.record(node) is not None and self.record(node)["alive"],
                     timeout=15, what="DHCP agent on %s" % node)
        return pid

    def stop(self, node, sig=signal.SIGTERM):
        """Stops the agent (dnsmasq keeps running); returns its exit status."""
        p, pid = self.agents.pop(node, (None, None))
        if p is None:
            return None
        if pid:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        try:
            return p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            return p.wait(10)

    def log(self, node):
        try:
            return (self.lab.tmp / ("%s-dhcp-agent.log" % node)).read_text(errors="replace")
        except OSError:
            return ""

    def record(self, node):
        r = self.lab.api("GET", "/v2.0/agents", params={"agent_type": DHCP_TYPE,
                                                        "host": self.lab.host(node)})
        agents = r.json()["agents"]
        return agents[0] if agents else None

    def kill_node(self, node):
        """SIGKILL to the node's init: its DHCP agent and dnsmasq die at once."""
        self.agents.pop(node, None)
        p, init = self.inits.pop(node)
        os.kill(init, signal.SIGKILL)
        p.wait(10)

    # --- dnsmasq ----------------------------------------------------------------------
    def conf_dir(self, node, net_id):
        return self.state(node) / "dhcp" / net_id

    def dnsmasq_pids(self, node, net_id=None):
        """Global pids of the node's dnsmasq processes (for one network's conf dir)."""
        want = str(self.conf_dir(node, net_id)) if net_id else str(self.state(node))
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmd = f.read().split(b"\0")
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"dnsmasq") and any(want.encode() in c for c in cmd):
                pids.append(int(entry))
        return sorted(pids)

    def dnsmasq_log(self, node, net_id):
        try:
            return (self.state(node) / "log" / net_id / "dhcp_dns_log").read_text(
                errors="replace")
        except OSError:
            return ""

    # --- instances --------------------------------------------------------------------
    def instance(self, name, node, net, **port_attrs):
        """A lab instance with no address: its eth0 (the port's MAC) waits for DHCP."""
        port = self.lab.create("port", network_id=net["id"], device_owner="compute:nova",
                               device_id=name, **dict({"binding:host_id": self.lab.host(node)},
                                                      **port_attrs))
        ns = self.lab.ns("i-" + name)
        tap = "tap" + port["id"][:11]
        sh("ip", "link", "add", tap, "netns", self.lab.node_ns(node), "type", "veth", "peer",
           "name", "eth0", "netns", ns)
        sh("ip", "-n", ns, "link", "set", "eth0", "address", port["mac_address"], "up")
        inst = {"ns": ns, "port": port, "ip": None, "node": node, "tap": tap}
        self.lab.instances[name] = inst
        return inst

    def lease(self, name, tries=10):
        """Runs busybox udhcpc in the instance, as cirros does; the lease as a dict, or
        None when no server answered within 'tries' seconds."""
        inst = self.lab.instances[name]
        lease_file = self.lab.tmp / ("%s.lease" % name)
        if lease_file.exists():
            lease_file.unlink()
        p = subprocess.run(["ip", "netns", "exec", inst["ns"], "env",
                            "LAB_LEASE_FILE=%s" % lease_file, "busybox", "udhcpc", "-i", "eth0",
                            "-f", "-q", "-n", "-t", str(tries), "-T", "1", "-A", "1",
                            "-O", "mtu", "-O", "staticroutes", "-x", "hostname:" + name,
                            "-s", str(self.script)],
                           capture_output=True, text=True, timeout=tries * 3 + 10)
        if p.returncode != 0 or not lease_file.exists():
            return None
        lease = dict(line.split("=", 1) for line in lease_file.read_text().splitlines()
                     if "=" in line)
        inst["ip"] = lease.get("ip")
        return lease

    # --- cleanup ----------------------------------------------------------------------
    def cleanup(self):
        problems = []
        for node in list(self.agents):
            rc = self.stop(node)
            if rc not in (0, None):
                problems.append("DHCP agent %s exited %s" % (node, rc))
        for node in list(self.inits):
            self.kill_node(node)
        for node in ("n1", "n2"):
            st = self.state(node)
            if st.exists():
                left = self.dnsmasq_pids(node)
                if left:
                    problems.append("dnsmasq left on %s: %s" % (node, left))
                    for pid in left:
                        os.kill(pid, signal.SIGKILL)
                shutil.rmtree(st, ignore_errors=True)
        try:
            self.script.unlink()
        except OSError:
            pass
        return problems
