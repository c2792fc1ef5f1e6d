"""The agents' lab: a neutrino-server in the root namespace (reached by the agents
through its unix socket) and nodes that are network namespaces, joined by a lab switch,
each running its own neutrino-linuxbridge-agent.

Every name carries a per-run prefix (two runs at once never collide); everything made
is removed at the end, even after failures.  Nothing is added to the root namespace
but the server's loopback port and its socket file.  Needs root."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

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


def agent_binary():
    server = os.environ.get("NEUTRINO_SERVER")
    build = Path(server).parents[2] if server else REPO / "build"
    return Path(os.environ.get("NEUTRINO_LB_AGENT") or build / "src/agent/neutrino-linuxbridge-agent")


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


class Lab:
    """Nodes n1 and n2: eth1 on the 'underlay' switch (10.0.1.1x/24, vxlan local_ip),
    eth3 on the 'physnet1' switch (flat/vlan uplink, no address)."""

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

    # --- namespaces -------------------------------------------------------------
    def ns(self, name):
        full = "%s-%s" % (self.prefix, name)
        sh("ip", "netns", "add", full)
        self.namespaces.append(full)
        sh("ip", "-n", full, "link", "set", "lo", "up")
        sh("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", ns=full)
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
        """Removes namespaces of earlier runs whose process is gone (killed before it
        could clean up).  Never touches a run that is still alive."""
        import re
        for name in sh("ip", "netns", "list").stdout.split():
            m = re.match(r"^nt(\d+)x[0-9a-f]{4}-", name)
            if not m or Lab._alive(int(m.group(1))):
                continue
            for pid in sh("ip", "netns", "pids", name, check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", name, check=False)
        import glob
        for path in glob.glob("/tmp/nt*x*.sock"):
            m = re.match(r"^/tmp/nt(\d+)x[0-9a-f]{4}\.sock$", path)
            if m and not Lab._alive(int(m.group(1))):
                try:
                    os.unlink(path)
                except OSError:
                    pass

    def build(self):
        self.remove_orphans()
        sw = self.ns("sw")
        for br in ("underlay", "physnet1"):
            sh("ip", "-n", sw, "link", "add", br, "type", "bridge")
            sh("ip", "-n", sw, "link", "set", br, "up")
        for i, node in enumerate(("n1", "n2"), start=1):
            n = self.ns(node)
            for ifname, br in (("eth1", "underlay"), ("eth3", "physnet1")):
                peer = "%s-%s" % (node, ifname)
                sh("ip", "link", "add", ifname, "netns", n, "type", "veth", "peer", "name",
                   peer, "netns", sw)
                sh("ip", "-n", sw, "link", "set", peer, "master", br, "up")
                sh("ip", "-n", n, "link", "set", ifname, "up")
            sh("ip", "-n", n, "addr", "add", "10.0.1.1%d/24" % i, "dev", "eth1")

    # --- server and agents --------------------------------------------------------
    def start_server(self, extra=None):
        overrides = {"neutron.conf": {"DEFAULT": {"bind_unix_socket": self.sock,
                                                  "agent_down_time": "4"}},
                     "ml2_conf.ini": {"ml2": {"type_drivers": "local,flat,vlan,vxlan",
                                              "mechanism_drivers": "linuxbridge"},
                                      "ml2_type_flat": {"flat_networks": "physnet1"},
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

    def agent_config(self, node, vxlan=True, credentials=None):
        i = {"n1": 1, "n2": 2}[node]
        lines = ["[DEFAULT]", "host = %s" % self.host(node),
                 "[linux_bridge]",
                 "physical_interface_mappings = physnet1:%s" % self.flat_iface,
                 "[vxlan]", "enable_vxlan = %s" % ("true" if vxlan else "false"),
                 "local_ip = 10.0.1.1%d" % i, "l2_population = true",
                 "[agent]", "report_interval = 1",
                 "[server]", "url = http://localhost", "unix_socket = %s" % self.sock]
        if credentials:
            lines += ["username = %s" % credentials[0], "password = %s" % credentials[1],
                      "project_name = %s" % credentials[2]]
        lines.append("")
        path = self.tmp / ("%s-agent.ini" % node)
        path.write_text("\n".join(lines))
        return path

    def start_agent(self, node, vxlan=True, wait=True, credentials=None):
        conf = self.agent_config(node, vxlan, credentials)
        log = open(self.tmp / ("%s-agent.log" % node), "ab")
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
        p = subprocess.Popen(["ip", "netns", "exec", self.node_ns(node), str(agent_binary()),
                              "--config-file", str(conf)], stdout=log, stderr=log, env=env,
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
        p.send_signal(sig)
        try:
            return p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            return p.wait(10)

    def agent_record(self, node):
        r = self.api("GET", "/v2.0/agents", params={"host": self.host(node)})
        agents = r.json()["agents"]
        return agents[0] if agents else None

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
    def instance(self, name, node, net):
        """A lab instance: a namespace whose eth0 is the peer of tap<port[:11]> on
        'node', with the port's MAC and (no DHCP here) its address set statically."""
        port = self.create("port", network_id=net["id"], device_owner="compute:nova",
                           device_id=str(uuid.uuid4()),
                           **{"binding:host_id": self.host(node)})
        ns = self.ns("i-" + name)
        tap = "tap" + port["id"][:11]
        sh("ip", "link", "add", tap, "netns", self.node_ns(node), "type", "veth", "peer",
           "name", "eth0", "netns", ns)
        ip = port["fixed_ips"][0]["ip_address"]
        sh("ip", "-n", ns, "link", "set", "eth0", "address", port["mac_address"], "mtu",
           str(net["mtu"]), "up")
        sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0")
        self.instances[name] = {"ns": ns, "port": port, "ip": ip, "node": node, "tap": tap}
        return self.instances[name]

    def remove_instance(self, name):
        inst = self.instances.pop(name)
        sh("ip", "netns", "del", inst["ns"])
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
    def cleanup(self):
        problems = []
        for node in list(self.agents):
            rc = self.stop_agent(node)
            if rc not in (0, None):
                problems.append("agent %s exited %s" % (node, rc))
        for ns in reversed(self.namespaces):
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", ns, check=False)
        left = [n for n in sh("ip", "netns", "list").stdout.split() if n.startswith(self.prefix)]
        if left:
            problems.append("namespaces left: %s" % left)
        if self.server:
            rc = self.server.stop()
            check_sanitizers(self.server)
            if rc not in (0, None):
                problems.append("server exited %s" % rc)
        return problems


