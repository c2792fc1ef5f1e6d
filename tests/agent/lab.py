"""The agents' lab: a neutrino-server in the root namespace (reached by the agents
through its unix socket) and nodes that are network namespaces, joined by a lab switch,
each running its own neutrino-linuxbridge-agent.

The lab itself is neutrino-lab's (src/lab), the program behind `neutrino lab` and
`make demo`: this module drives its steps (`lab build --topology pair`, `lab exec`,
`lab init`, `lab enter`, `lab plug`, `lab dhcp-client`, `lab down`) and keeps the test
side: the server, the agents' configurations and processes, the API calls, and what the
tests observe.

Every name carries a per-run prefix (two runs at once never collide); everything made
is removed at the end, even after failures.  Nothing is added to the root namespace
but the server's loopback port and its socket file.  Needs root.

DHCP agents make namespaces of their own (qdhcp-<network id>).  A node that runs one
gets a node "init" (`neutrino-lab lab init`): a PID 1 in the node's network namespace
with a private mount namespace (a tmpfs on /run/netns) and a PID namespace.  The agent
runs inside it (`lab enter`) under Neutron's exact names, so two nodes, and two runs, can
both have qdhcp-<same id>; SIGKILL to the init ends the agent and its dnsmasq processes
at once, and their namespaces vanish with the mount namespace.  DHCP state lives in the
lab's directory /run/neutrino-lab/<run>/<node>/ (mode 0755: dnsmasq reads its files as
nobody, so every directory above them must be searchable, which pytest's 0700 tmp dirs
are not)."""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))


def _load_api_conftest():
    """tests/api/conftest.py under another name (ours is also called conftest)."""
    import importlib.util
    path = Path(__file__).resolve().parents[1] / "api" / "conftest.py"
    spec = importlib.util.spec_from_file_location("api_conftest", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_api = _load_api_conftest()
NeutrinoServer, check_sanitizers = _api.NeutrinoServer, _api.check_sanitizers

REPO = Path(__file__).resolve().parents[2]
LAB_ROOT = Path("/run/neutrino-lab")     # neutrino-lab's directories, one per lab
RUN_RE = re.compile(r"^nt(\d+)x[0-9a-f]{4}$")
LB_TYPE = "Linux bridge agent"
DHCP_TYPE = "DHCP agent"
L3_TYPE = "L3 agent"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def _build_dir():
    server = os.environ.get("NEUTRINO_SERVER")
    return Path(server).parents[2] if server else REPO / "build"


def agent_binary():
    return Path(os.environ.get("NEUTRINO_LB_AGENT")
                or _build_dir() / "src/agent/neutrino-linuxbridge-agent")


def dhcp_agent_binary():
    """Beside the linux-bridge agent: same build directory (or $NEUTRINO_DHCP_AGENT)."""
    return Path(os.environ.get("NEUTRINO_DHCP_AGENT")
                or _build_dir() / "src/dhcp_agent/neutrino-dhcp-agent")


def l3_agent_binary():
    """Beside the linux-bridge agent: same build directory (or $NEUTRINO_L3_AGENT)."""
    return Path(os.environ.get("NEUTRINO_L3_AGENT")
                or _build_dir() / "src/l3agent/neutrino-l3-agent")


def lab_binary():
    """neutrino-lab of the same build directory (or $NEUTRINO_LAB_BINARY)."""
    return Path(os.environ.get("NEUTRINO_LAB_BINARY") or _build_dir() / "src/lab/neutrino-lab")


def lab_command(prefix, *args):
    """The command line and environment of `neutrino-lab <args>` for lab 'prefix'."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(NEUTRINO_LAB=prefix, ASAN_OPTIONS="detect_leaks=1")
    return [str(lab_binary())] + [str(a) for a in args], env


def run_lab(prefix, *args, check=True, timeout=60):
    """Runs `neutrino-lab <args>` for lab 'prefix' and waits; its CompletedProcess."""
    cmd, env = lab_command(prefix, *args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                       stdin=subprocess.DEVNULL)
    if check and p.returncode:
        raise RuntimeError("%s: %s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return p


def _children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except (OSError, ValueError):
        return []


def _ns_inode(pid, kind):
    try:
        return os.stat("/proc/%d/ns/%s" % (pid, kind)).st_ino
    except OSError:
        return None


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _nspid(pid):
    """The NSpid line of /proc/<pid>/status: pids from the root PID namespace inwards."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return [int(x) for x in line.split()[1:]]
    except (OSError, ValueError):
        pass
    return []


def _all_pids():
    return [int(e) for e in os.listdir("/proc") if e.isdigit()]


def _kill(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def sh(*args, check=True, ns=None, timeout=30):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode:
        raise RuntimeError("%s: %s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return p


def wait_for(pred, timeout=10.0, step=0.02, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))


EXT_CIDR, EXT_GW = "10.10.10.0/24", "10.10.10.1"     # the lab's external network
EXT_POOL = {"start": "10.10.10.100", "end": "10.10.10.199"}   # neither .1 nor .10


PY = "/usr/bin/python3"

# Prints "ready", then the source address of each UDP datagram it gets.
UDP_REPORTER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(100)
    print(peer[0], flush=True)
"""

UDP_SEND = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"x", (sys.argv[1], int(sys.argv[2])))
"""


class Reader:
    """A python script in a namespace whose output lines are read one by one."""

    def __init__(self, ns, script, *args, stdin=False):
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, PY, "-c", script] +
                                  [str(a) for a in args], stdout=subprocess.PIPE,
                                  stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, text=True)

    def line(self, timeout=5):
        import select
        ready, _, _ = select.select([self.p.stdout], [], [], timeout)
        return self.p.stdout.readline().strip() if ready else None

    def send(self, text):
        self.p.stdin.write(text + "\n")
        self.p.stdin.flush()

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(5)


def udp_source_seen(listener_ns, sender_ns, dst_ip, port):
    """The source address a UDP listener on 'port' in 'listener_ns' sees on datagrams
    sent from 'sender_ns' to 'dst_ip' (tried ten times), or None."""
    rep = Reader(listener_ns, UDP_REPORTER, port)
    try:
        assert rep.line() == "ready"
        for _ in range(10):
            sh(PY, "-c", UDP_SEND, dst_ip, port, ns=sender_ns)
            seen = rep.line(timeout=0.5)
            if seen:
                return seen
        return None
    finally:
        rep.stop()


class Lab:
    """Nodes n1 and n2: eth1 on the 'underlay' switch (10.0.1.1x/24, vxlan local_ip),
    eth3 on the 'physnet1' switch (flat/vlan uplink, no address); n1's eth2 on the
    'external' switch, physical network "external" of n1's agent, where the lab's host
    "outside" (10.10.10.1/24) stands for the upstream router (ext_net())."""

    def __init__(self, tmp, flat_iface="eth3"):
        self.flat_iface = flat_iface
        # nt<pid>x<random>: the pid lets a later run tell a crashed run's leftovers.
        self.prefix = "nt%dx%s" % (os.getpid(), uuid.uuid4().hex[:4])
        self.tmp = Path(tmp)
        self.namespaces = []
        self.agents = {}
        self.server = None
        self.sock = "/tmp/%s.sock" % self.prefix
        self.instances = {}
        self.run_dir = LAB_ROOT / self.prefix    # neutrino-lab's: DHCP state, udhcpc script
        self.node_inits = {}        # node -> init pid
        self.dhcp_agents = {}       # node -> [`lab enter` Popen, agent pid]
        self.credentials = {}       # node -> the linux-bridge agent's credentials
        self.l3_agents = {}         # node -> [`lab enter` Popen, agent pid]
        self.outside = None         # the namespace of the lab's host "outside"
        self._ext_net = None

    # --- namespaces -------------------------------------------------------------
    def lab(self, *args, **kw):
        """`neutrino-lab <args>` for this lab (run_lab)."""
        return run_lab(self.prefix, *args, **kw)

    def ns(self, name):
        """A namespace <prefix>-<name> of the lab (loopback up, IPv6 off)."""
        full = self.lab("lab", "namespace", "add", name).stdout.strip()
        self.namespaces.append(full)
        return full

    def node_ns(self, node):
        return "%s-%s" % (self.prefix, node)

    @staticmethod
    def _alive(pid):
        """True if 'pid' runs (a zombie, never reaped here, counts as dead)."""
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False

    @staticmethod
    def remove_orphans():
        """Removes what earlier runs left when they were killed before they could clean
        up: their labs (`lab down`: namespaces with the node inits, agents and dnsmasq in
        them, the lab's directory) and socket files.  Never touches a run that is still
        alive."""
        import glob
        dead = set()
        names = sh("ip", "netns", "list").stdout.split()
        dirs = [d.name for d in LAB_ROOT.iterdir()] if LAB_ROOT.is_dir() else []
        for name in names + dirs:
            m = re.match(r"^(nt(\d+)x[0-9a-f]{4})(-|$)", name)
            if m and not Lab._alive(int(m.group(2))):
                dead.add(m.group(1))
        for prefix in sorted(dead):
            run_lab(prefix, "lab", "down", check=False)
        # Socket files; dhcp_lab.py's state directories and udhcpc scripts.
        for path in glob.glob("/tmp/nt*x*"):
            m = re.match(r"^/tmp/nt(\d+)x[0-9a-f]{4}(\.sock|-udhcpc\.sh|-n\d+-dhcp)$", path)
            if m and not Lab._alive(int(m.group(1))):
                if os.path.isdir(path) and not os.path.islink(path):
                    for pid in Lab._processes_using(path):
                        _kill(pid)
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass

    @staticmethod
    def _processes_using(path):
        """Living processes whose command line names something under 'path' (dnsmasq
        --pid-file=..., agents --config-file ...)."""
        path = str(path) + "/"
        return [p for p in _all_pids()
                if any(path in a for a in _cmdline(p)) and Lab._alive(p)]

    def build(self):
        """The switch and nodes n1, n2 (neutrino-lab's topology "pair")."""
        self.remove_orphans()
        binary = lab_binary()
        if not binary.exists():
            pytest.fail("neutrino-lab not found at %s (build it, or set NEUTRINO_LAB_BINARY)"
                        % binary)
        state = json.loads(self.lab("lab", "build", "--topology", "pair").stdout)
        self.switch = state["switch"]   # its bridges: "underlay", "physnet1", "external"
        self.outside = state["hosts"]["outside"]["netns"]
        self.namespaces += [state["switch"], self.outside] + \
            [n["netns"] for n in state["nodes"].values()]

    # --- server and agents --------------------------------------------------------
    def start_server(self, extra=None, dhcp_agents_per_network=None, agent_down_time=4):
        """'extra' = {file: {section: {key: value}}} over the lab's configuration."""
        defaults = {"bind_unix_socket": self.sock, "agent_down_time": str(agent_down_time)}
        if dhcp_agents_per_network is not None:
            defaults["dhcp_agents_per_network"] = str(dhcp_agents_per_network)
        overrides = {"neutron.conf": {"DEFAULT": defaults},
                     "ml2_conf.ini": {"ml2": {"type_drivers": "local,flat,vlan,vxlan",
                                              "mechanism_drivers": "linuxbridge"},
                                      "ml2_type_flat": {"flat_networks":
                                                        "physnet1,external"},
                                      "ml2_type_vlan": {"network_vlan_ranges":
                                                        "physnet1:100:199"}}}
        for f, secs in (extra or {}).items():
            for sec, kv in secs.items():
                overrides.setdefault(f, {}).setdefault(sec, {}).update(kv)
        state = self.tmp / "server"
        state.mkdir(exist_ok=True)
        self.server = NeutrinoServer(state, overrides)
        self.server.start()
        return self.server

    def host(self, node):
        return "%s-%s" % (self.prefix, node)

    def server_section(self, credentials=None):
        """[server] of an agent's configuration: the unix socket, maybe credentials."""
        lines = ["[server]", "url = http://localhost", "unix_socket = %s" % self.sock]
        if credentials:
            lines += ["username = %s" % credentials[0], "password = %s" % credentials[1],
                      "project_name = %s" % credentials[2]]
        return lines

    def agent_config(self, node, vxlan=True, credentials=None, extra=()):
        i = {"n1": 1, "n2": 2}[node]
        mappings = "physnet1:%s" % self.flat_iface + (",external:eth2" if node == "n1" else "")
        lines = ["[DEFAULT]", "host = %s" % self.host(node),
                 "[linux_bridge]",
                 "physical_interface_mappings = %s" % mappings,
                 "[vxlan]", "enable_vxlan = %s" % ("true" if vxlan else "false"),
                 "local_ip = 10.0.1.1%d" % i, "l2_population = true",
                 "[agent]", "report_interval = 1"]
        lines += self.server_section(credentials)
        lines += list(extra)
        lines.append("")
        path = self.tmp / ("%s-agent.ini" % node)
        path.write_text("\n".join(lines))
        return path

    def start_agent(self, node, vxlan=True, wait=True, credentials=None, extra=()):
        """'extra': more lines for the agent's ini file (sections included)."""
        self.credentials[node] = credentials
        conf = self.agent_config(node, vxlan, credentials, extra)
        log = open(self.tmp / ("%s-agent.log" % node), "ab")
        cmd, env = lab_command(self.prefix, "lab", "exec", node, "--", agent_binary(),
                               "--config-file", conf)
        # `lab exec` becomes the agent: p is the agent's process.
        p = subprocess.Popen(cmd, stdout=log, stderr=log, env=env,
                             preexec_fn=_api.die_with_parent)
        log.close()
        self.agents[node] = p
        if wait:
            wait_for(lambda: self.agent_record(node) is not None, what="agent %s" % node)
        return p

    def agent_log(self, node):
        try:
            return (self.tmp / ("%s-agent.log" % node)).read_text(errors="replace")
        except OSError:
            return ""

    def stop_agent(self, node, sig=signal.SIGTERM):
        p = self.agents.pop(node, None)
        if p is None:
            return None
        if sig and p.poll() is None:
            p.send_signal(sig)
        try:
            return p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            return p.wait(10)

    def agent_record(self, node, agent_type=LB_TYPE):
        r = self.api("GET", "/v2.0/agents?agent_type=%s&host=%s"
                     % (quote(agent_type), quote(self.host(node))))
        agents = r.json()["agents"]
        return agents[0] if agents else None

    # --- node inits (for agents that make namespaces) ----------------------------------
    def _run_dir(self):
        """The lab's directory (neutrino-lab's, mode 0755)."""
        return self.run_dir

    def node_init(self, node):
        """The PID (root PID namespace) of the node's init, started on first use: in the
        node's network namespace, with a private mount namespace whose /run/netns is a
        tmpfs of its own, and a PID namespace whose PID 1 it is."""
        init = self.node_inits.get(node)
        if init and self._alive(init):
            return init
        self.node_inits[node] = int(self.lab("lab", "init", node).stdout.strip())
        return self.node_inits[node]

    def in_node(self, node, *cmd, check=True, timeout=30):
        """Runs 'cmd' inside the node init's network, mount and PID namespaces."""
        self.node_init(node)
        return self.lab("lab", "enter", node, "--", *cmd, check=check, timeout=timeout)

    def node_netns_list(self, node):
        """`ip netns list` as the node's agents see it (qdhcp-<id> ...)."""
        out = self.in_node(node, "ip", "netns", "list").stdout
        return sorted(line.split()[0] for line in out.splitlines() if line.strip())

    def node_pid(self, node, nspid):
        """The root-namespace PID of the process that is 'nspid' in the node's PID
        namespace (what dnsmasq writes in its pid file), or None."""
        init = self.node_inits.get(node)
        ino = init and _ns_inode(init, "pid")
        if not ino:
            return None
        for pid in _all_pids():
            ids = _nspid(pid)
            if len(ids) > 1 and ids[-1] == nspid and _ns_inode(pid, "pid") == ino \
                    and self._alive(pid):
                return pid
        return None

    def node_processes(self, node):
        """Living processes (root-namespace PIDs) of the node's PID namespace, init
        included."""
        init = self.node_inits.get(node)
        ino = init and _ns_inode(init, "pid")
        if not ino:
            return []
        return [p for p in _all_pids() if _ns_inode(p, "pid") == ino and self._alive(p)]

    def kill_node_init(self, node):
        """SIGKILL to the node's init: the DHCP and L3 agents and the dnsmasq processes of
        that node die with it, their qdhcp and qrouter namespaces vanish with the mount
        namespace.
        Returns when all of them are gone."""
        if node not in self.node_inits:
            return
        members = self.node_processes(node)
        del self.node_inits[node]
        agents = [a for a in (self.dhcp_agents.pop(node, None), self.l3_agents.pop(node, None))
                  if a]
        p = self.lab("lab", "kill-init", node, check=False)
        for agent in agents:
            try:
                agent[0].wait(10)
            except subprocess.TimeoutExpired:
                agent[0].kill()
                agent[0].wait(10)
        if p.returncode:
            raise AssertionError(p.stderr)
        wait_for(lambda: not any(self._alive(m) for m in members), timeout=10,
                 what="the processes of %s's init to end" % node)

    # --- DHCP agents ------------------------------------------------------------------
    AGENT_SECTION = ("availability_zone", "report_interval", "log_agent_heartbeats")

    def dhcp_state_path(self, node):
        return self.run_dir / node

    def dhcp_conf_dir(self, node, net_id):
        """<dhcp_confs>/<network id>: host, addn_hosts, opts, leases, pid, interface."""
        return self.dhcp_state_path(node) / "dhcp" / net_id

    def dhcp_file(self, node, net_id, name):
        """The text of one of dnsmasq's files of that network on that node, or None."""
        try:
            return (self.dhcp_conf_dir(node, net_id) / name).read_text()
        except OSError:
            return None

    def dnsmasq_log(self, node, net_id):
        try:
            return (self.dhcp_state_path(node) / "dnsmasq-log" / net_id /
                    "dhcp_dns_log").read_text(errors="replace")
        except OSError:
            return ""

    def dnsmasq_pid(self, node, net_id):
        """The pid in the network's pid file (as seen in the node's PID namespace)."""
        text = self.dhcp_file(node, net_id, "pid")
        try:
            return int(text.strip()) if text else None
        except ValueError:
            return None

    def dnsmasq_processes(self, node, net_id=None):
        """Root-namespace PIDs of the living dnsmasq processes of the node (of one
        network: the one whose --pid-file is in that network's directory)."""
        want = "--pid-file=%s/pid" % self.dhcp_conf_dir(node, net_id) if net_id else None
        out = []
        for pid in self.node_processes(node):
            cmd = _cmdline(pid)
            if cmd and os.path.basename(cmd[0]) == "dnsmasq" and \
                    (want is None or want in cmd):
                out.append(pid)
        return sorted(out)

    def dhcp_agent_config(self, node, credentials=None, **opts):
        """dhcp_agent.ini of the node: Neutron's option names.  'opts' go to [DEFAULT]
        (or [AGENT] for availability_zone, report_interval, log_agent_heartbeats); a
        value None removes a default."""
        st = self.dhcp_state_path(node)
        return self._init_agent_config(node, "dhcp", {
            "host": self.host(node), "state_path": str(st), "dhcp_confs": str(st / "dhcp"),
            "dnsmasq_base_log_dir": str(st / "dnsmasq-log"),
            "interface_driver": "linuxbridge", "debug": "true"}, credentials, opts)

    def start_dhcp_agent(self, node, wait=True, credentials=None, **opts):
        """neutrino-dhcp-agent inside the node's init (started if needed).  Credentials
        default to those of the node's linux-bridge agent.  wait: until the server lists
        it alive.  Returns its PID (root namespace)."""
        if node in self.dhcp_agents:
            if self.dhcp_agent_pid(node):
                raise RuntimeError("a DHCP agent already runs on %s" % node)
            raise RuntimeError("the DHCP agent on %s died (exit status %s): "
                               "stop_dhcp_agent() it first"
                               % (node, self.dhcp_agents[node][0].poll()))
        st = self.dhcp_state_path(node)
        st.mkdir(mode=0o755, exist_ok=True)
        os.chmod(st, 0o755)
        return self._start_in_init("dhcp", node, wait, credentials, opts)

    def dhcp_agent_pid(self, node):
        """PID (root namespace) of the node's running DHCP agent, or None."""
        return self._init_agent_pid("dhcp", node)

    def stop_dhcp_agent(self, node, sig=signal.SIGTERM):
        """Signals the agent (its dnsmasq processes keep running) and returns its exit
        status (-N: killed by signal N), or None if none ran.  sig=None: only waits."""
        return self._stop_in_init("dhcp", node, sig)

    def dhcp_agent_log(self, node):
        return self._init_agent_log("dhcp", node)

    def dhcp_agent_record(self, node):
        return self.agent_record(node, DHCP_TYPE)

    def dhcp_ports(self, net_id):
        r = self.api("GET", "/v2.0/ports?network_id=%s&device_owner=network%%3Adhcp" % net_id)
        assert r.status_code == 200, r.text
        return r.json()["ports"]

    # --- L3 agents --------------------------------------------------------------------
    def l3_agent_config(self, node, credentials=None, **opts):
        """l3_agent.ini of the node: Neutron's option names.  'opts' go to [DEFAULT] (or
        [AGENT] for availability_zone, report_interval, log_agent_heartbeats); a value
        None removes a default."""
        return self._init_agent_config(node, "l3", {
            "host": self.host(node), "state_path": str(self.run_dir / node),
            "interface_driver": "linuxbridge", "debug": "true", "periodic_interval": "2"},
            credentials, opts)

    def start_l3_agent(self, node, wait=True, credentials=None, **opts):
        """neutrino-l3-agent inside the node's init (started if needed), so that its
        qrouter-<id> namespaces are the node's own.  Credentials default to those of
        the node's linux-bridge agent.  wait: until the server lists it alive.  Returns
        its PID (root namespace)."""
        if node in self.l3_agents:
            raise RuntimeError("an L3 agent was started on %s: stop_l3_agent() it first"
                               % node)
        return self._start_in_init("l3", node, wait, credentials, opts)

    def l3_agent_pid(self, node):
        """PID (root namespace) of the node's running L3 agent, or None."""
        return self._init_agent_pid("l3", node)

    def stop_l3_agent(self, node, sig=signal.SIGTERM):
        """Signals the agent (its routers stay) and returns its exit status (-N: killed
        by signal N), or None if none ran.  sig=None: only waits."""
        return self._stop_in_init("l3", node, sig)

    def l3_agent_log(self, node):
        return self._init_agent_log("l3", node)

    def l3_agent_record(self, node):
        return self.agent_record(node, L3_TYPE)

    # --- what the DHCP and L3 agents share: they run inside the node's init ------------
    # kind -> (what the messages call it, its binary, the server's agent_type)
    INIT_AGENTS = {"dhcp": ("DHCP agent", dhcp_agent_binary, DHCP_TYPE),
                   "l3": ("L3 agent", l3_agent_binary, L3_TYPE)}

    def _init_agents(self, kind):
        """node -> [`lab enter` Popen, agent pid] of the agents of 'kind'."""
        return {"dhcp": self.dhcp_agents, "l3": self.l3_agents}[kind]

    def _init_agent_config(self, node, kind, default, credentials, opts):
        """<node>-<kind>_agent.ini: 'default' in [DEFAULT], report_interval 1 in [AGENT],
        'opts' over both (AGENT_SECTION's names go to [AGENT]; None removes a value),
        then [server]."""
        agent = {"report_interval": "1"}
        for k, v in opts.items():
            sec = agent if k in self.AGENT_SECTION else default
            if v is None:
                sec.pop(k, None)
            else:
                sec[k] = str(v).lower() if isinstance(v, bool) else str(v)
        lines = ["[DEFAULT]"] + ["%s = %s" % kv for kv in default.items()]
        lines += ["[AGENT]"] + ["%s = %s" % kv for kv in agent.items()]
        lines += self.server_section(credentials) + [""]
        path = self.tmp / ("%s-%s_agent.ini" % (node, kind))
        path.write_text("\n".join(lines))
        return path

    def _start_in_init(self, kind, node, wait, credentials, opts):
        """The agent of 'kind' with its configuration (opts) inside the node's init:
        its PID (root namespace), once it runs (and, with 'wait', once the server lists
        it alive)."""
        label, binary_of, agent_type = self.INIT_AGENTS[kind]
        binary = binary_of()
        if not binary.exists():
            pytest.fail("%s not found at %s (build it, or set NEUTRINO_%s_AGENT)"
                        % (binary.name, binary, kind.upper()))
        if credentials is None:
            credentials = self.credentials.get(node)
        config = {"dhcp": self.dhcp_agent_config, "l3": self.l3_agent_config}[kind]
        conf = config(node, credentials, **opts)
        self.node_init(node)
        log = open(self.tmp / ("%s-%s-agent.log" % (node, kind)), "ab")
        cmd, env = lab_command(self.prefix, "lab", "enter", node, "--", binary,
                               "--config-file", conf)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                             preexec_fn=_api.die_with_parent)
        log.close()
        agents = self._init_agents(kind)
        agents[node] = [p, None]

        def exited():
            if p.poll() is not None:
                raise AssertionError("%s on %s exited %s:\n%s" % (
                    label, node, p.returncode, self._init_agent_log(kind, node)[-3000:]))

        def child():
            kids = _children(p.pid)     # `lab enter` forks (PID namespace) and waits
            if kids and _cmdline(kids[0])[:1] == [str(binary)]:
                return kids[0]
            exited()
            return None
        agents[node][1] = wait_for(child, timeout=5, step=0.005,
                                   what="%s process on %s" % (label, node))
        if wait:
            def alive():
                exited()
                rec = self.agent_record(node, agent_type)
                return rec if rec and rec["alive"] else None
            wait_for(alive, timeout=15, what="%s of %s alive" % (label, node))
        return agents[node][1]

    def _init_agent_pid(self, kind, node):
        entry = self._init_agents(kind).get(node)
        if entry and entry[0].poll() is None and self._alive(entry[1]):
            return entry[1]
        return None

    def _stop_in_init(self, kind, node, sig):
        entry = self._init_agents(kind).pop(node, None)
        if entry is None:
            return None
        p, pid = entry
        if sig and p.poll() is None and pid:
            _kill(pid, sig)
        try:
            return p.wait(10)
        except subprocess.TimeoutExpired:
            if pid:
                _kill(pid)
            p.kill()
            p.wait(10)
            return "timeout"

    def _init_agent_log(self, kind, node):
        try:
            return (self.tmp / ("%s-%s-agent.log" % (node, kind))).read_text(errors="replace")
        except OSError:
            return ""

    # --- the external network ------------------------------------------------------------
    def ext_net(self):
        """The lab's external network, made on first use (admin): "ext-net", flat on
        physical network "external" (n1's eth2), router:external, with subnet
        10.10.10.0/24 (no DHCP, gateway 10.10.10.1 = the host "outside", a pool that
        leaves out .1 and .10, the tutorial controller's address).  {"net", "subnet"}."""
        if self._ext_net is None:
            net = self.create("network", name="ext-net", **{
                "router:external": True, "provider:network_type": "flat",
                "provider:physical_network": "external"})
            sub = self.create("subnet", network_id=net["id"], name="ext-subnet",
                              cidr=EXT_CIDR, ip_version=4, gateway_ip=EXT_GW,
                              enable_dhcp=False, allocation_pools=[EXT_POOL])
            self._ext_net = {"net": net, "subnet": sub}
        return self._ext_net

    # --- API ----------------------------------------------------------------------
    def api(self, method, path, body=None, params=None):
        headers = {"X-Auth-Token": self.token} if getattr(self, "token", None) else {}
        return requests.request(method, self.server.url + path, json=body, params=params,
                                headers=headers, timeout=30)

    def create(self, kind, **attrs):
        r = self.api("POST", "/v2.0/%ss" % kind, {kind: attrs})
        assert r.status_code == 201, r.text
        return r.json()[kind]

    def network(self, cidr, **attrs):
        attrs.setdefault("name", "net-" + uuid.uuid4().hex[:6])
        net = self.create("network", **attrs)
        self.create("subnet", network_id=net["id"], cidr=cidr, ip_version=4,
                    enable_dhcp=False)
        return net

    def port_status(self, port_id):
        return self.api("GET", "/v2.0/ports/" + port_id).json()["port"]["status"]

    # --- instances ----------------------------------------------------------------
    def instance(self, name, node, net, dhcp=False, fixed_ips=None, **port_attrs):
        """A lab instance, as Nova and libvirt make it: a port with
        device_owner compute:nova, an instance uuid as device_id and binding:host_id =
        the node's host; a namespace whose eth0 is the peer of tap<port[:11]> on 'node',
        with the port's MAC.  dhcp=False: the port's address (and the network's MTU) set
        statically; dhcp=True: eth0 is only up, waiting for dhcp_client().  fixed_ips
        (e.g. [{"ip_address": "172.16.1.50"}]) and other port attributes go to the
        port."""
        attrs = {"binding:host_id": self.host(node)}
        if fixed_ips is not None:
            attrs["fixed_ips"] = fixed_ips
        attrs.update(port_attrs)
        port = self.create("port", network_id=net["id"], device_owner="compute:nova",
                           device_id=str(uuid.uuid4()), **attrs)
        tap = "tap" + port["id"][:11]
        ip = port["fixed_ips"][0]["ip_address"] if port["fixed_ips"] else None
        static = []
        if not dhcp:
            sub = self.api("GET", "/v2.0/subnets/" + port["fixed_ips"][0]["subnet_id"])
            plen = sub.json()["subnet"]["cidr"].split("/")[1] if sub.status_code == 200 \
                else "24"
            static = ["--mtu", net["mtu"], "--address", "%s/%s" % (ip, plen)]
        ns = self.lab("lab", "plug", node, tap, "i-" + name, "--mac", port["mac_address"],
                      *static).stdout.strip()
        self.namespaces.append(ns)
        self.instances[name] = {"ns": ns, "port": port, "ip": None if dhcp else ip,
                                "node": node, "tap": tap, "name": name}
        return self.instances[name]

    def dhcp_client(self, instance, timeout_tries=10, hostname=None):
        """busybox udhcpc in the instance, as cirros runs it (`lab dhcp-client`), with the
        lab's script: one DISCOVER per second, 'timeout_tries' times.  The lease as a
        dict (ip mask router dns domain hostname mtu lease serverid, staticroutes and
        msstaticroutes when sent) or None when no server answered.  The address, MTU
        and default route are set on eth0.  udhcpc's output: instance["udhcpc"]."""
        inst = self.instances[instance] if isinstance(instance, str) else instance
        name = inst.get("name") or inst["ns"][len(self.prefix) + 3:]
        lease_file = self.tmp / ("%s.lease" % name)
        p = self.lab("lab", "dhcp-client", inst["ns"], "--lease-file", lease_file,
                     "--tries", timeout_tries, "--hostname", hostname or name, check=False,
                     timeout=2 * timeout_tries + 15)
        inst["udhcpc"] = p.stdout + p.stderr
        if p.returncode != 0 or not lease_file.exists():
            return None
        lease = dict(line.split("=", 1) for line in lease_file.read_text().splitlines()
                     if "=" in line)
        inst["ip"] = lease.get("ip")
        return lease

    def remove_instance(self, name):
        inst = self.instances.pop(name)
        self.lab("lab", "namespace", "delete", inst["ns"])
        self.namespaces.remove(inst["ns"])

    def ping(self, src, dst_ip, count=1):
        p = sh("busybox", "ping", "-c", count, "-W", "1", dst_ip, ns=self.instances[src]["ns"],
               check=False)
        return p.returncode == 0

    def links(self, node):
        p = sh("ip", "-j", "-d", "link", "show", ns=self.node_ns(node))
        return {l["ifname"]: l for l in json.loads(p.stdout)}

    def bridge_members(self, node, bridge):
        return sorted(name for name, l in self.links(node).items() if l.get("master") == bridge)

    # --- cleanup ------------------------------------------------------------------
    def sanitizer_problems(self):
        """Sanitizer reports in the agents' logs."""
        problems = []
        for node in ("n1", "n2"):
            for what, text in (("agent", self.agent_log(node)),
                               ("DHCP agent", self.dhcp_agent_log(node)),
                               ("L3 agent", self.l3_agent_log(node))):
                if any(mark in text for mark in SANITIZER_MARKS):
                    problems.append("sanitizer report in %s %s log" % (what, node))
        return problems

    def cleanup(self):
        problems = []
        # All agents are told at once (each takes up to a second to stop).
        for p, pid in list(self.dhcp_agents.values()) + list(self.l3_agents.values()):
            if p.poll() is None and pid:
                _kill(pid, signal.SIGTERM)
        for p in self.agents.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for node in list(self.dhcp_agents):
            rc = self.stop_dhcp_agent(node, sig=None)
            if rc not in (0, None):
                problems.append("DHCP agent %s exited %s" % (node, rc))
        for node in list(self.l3_agents):
            rc = self.stop_l3_agent(node, sig=None)
            if rc not in (0, None):
                problems.append("L3 agent %s exited %s" % (node, rc))
        for node in list(self.node_inits):
            try:
                self.kill_node_init(node)
            except AssertionError as e:
                problems.append(str(e))
        for node in list(self.agents):
            rc = self.stop_agent(node, sig=None)
            if rc not in (0, None):
                problems.append("agent %s exited %s" % (node, rc))
        # The rest is neutrino-lab's: node inits, namespaces, the lab's directory.
        down = self.lab("lab", "down", check=False)
        if down.returncode and "no lab" not in down.stderr:      # none if build() failed
            problems.append("lab down: %s" % down.stderr)
        left = [n for n in sh("ip", "netns", "list").stdout.split() if n.startswith(self.prefix)]
        if left:
            problems.append("namespaces left: %s" % left)
        stray = self._processes_using(self.run_dir)
        if stray:
            problems.append("processes left: %s" % [" ".join(_cmdline(p)) for p in stray])
            for pid in stray:
                _kill(pid)
        if self.server:
            rc = self.server.stop()
            check_sanitizers(self.server)
            if rc not in (0, None):
                problems.append("server exited %s" % rc)
        return problems




@contextlib.contextmanager
def running_lab(tmp, agents=("n1", "n2"), server_extra=None, **server_opts):
    """A built lab with a server (start_server(server_extra, **server_opts)) and
    linux-bridge agents on 'agents'; taken down, and checked clean, afterwards."""
    if os.geteuid() != 0:
        pytest.skip("the agent lab needs root (network namespaces)")
    lab = Lab(tmp)
    try:
        lab.build()
        lab.start_server(server_extra, **server_opts)
        for node in agents:
            lab.start_agent(node)
        yield lab
    finally:
        problems = lab.cleanup() + lab.sanitizer_problems()
        assert not problems, problems
