"""The project's main job, end to end: `make demo`'s replay of the tutorial
(scripts/demo.sh with ONCE=1) asserts every observable of docs/behaviour/tutorial.md in the lab of
`neutrino lab up`; and the lab comes and goes without leaving anything behind.  Both
use a run-id prefix (nt<pid>x<hex>) so that parallel runs never meet and the janitor
can clear a crashed run."""

import os
import re
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from lab import REPO, Lab, NeutrinoServer, check_sanitizers, sh

pytestmark = pytest.mark.own_server


def build_dir():
    server = os.environ.get("NEUTRINO_SERVER")
    return Path(server).parents[2] if server else REPO / "build"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# A namespace made by another test or bench run meanwhile: a lab's "nt<pid>x<hex>..."
# (prefix() and lab.py), the firewall and L3 tests' "nfw<pid>…", "nl3<pid>…", and the
# routers the L3 tests build ("qrouter-<uuid>").
OTHER_RUN = re.compile(r"^(nt\d+x[0-9a-f]{4}|nfw(bench)?\d+|nl3b?\d+|qrouter-[0-9a-f-]{36}$)")


def prefix():
    return "nt%dx%s" % (os.getpid(), uuid.uuid4().hex[:4])


def leftovers(p):
    """What a lab of prefix 'p' could leave: namespaces, processes, state, links."""
    found = [n for n in sh("ip", "netns", "list").stdout.split() if n.startswith(p + "-")]
    state = Path("/run/neutrino-lab") / p
    if state.exists():
        found.append(str(state))
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path("/proc/%s/cmdline" % entry).read_bytes()
        except OSError:
            continue
        if str(state).encode() in cmd:
            found.append("process %s: %s" % (entry, cmd.replace(b"\0", b" ")[:120]))
    root_links = sh("ip", "-o", "link").stdout
    for name in ("con-eth0", "com-eth0", "out-eth0", "sw-mgmt", "sw-ext"):
        if re.search(r"\b%s\b" % name, root_links):
            found.append("link %s in the root namespace" % name)
    return found


@pytest.fixture(autouse=True)
def _janitor():
    if os.geteuid() != 0:
        pytest.skip("the lab needs root (network namespaces)")
    Lab.remove_orphans()


def test_demo_replays_the_tutorial(tmp_path):
    p = prefix()
    state = tmp_path / "state"
    env = dict(os.environ, ONCE="1", NEUTRINO_PORT=str(free_port()), NEUTRINO_LAB=p,
               NEUTRINO_STATE_DIR=str(state), NEUTRINO_BUILD=str(build_dir()),
               NEUTRINO_CLOUDS_YAML=str(tmp_path / "clouds.yaml"),
               ASAN_OPTIONS="detect_leaks=1")
    try:
        run = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], env=env,
                             capture_output=True, text=True, timeout=300)
    finally:
        if leftovers(p):
            subprocess.run([str(build_dir() / "src/cli/neutrino"), "lab", "down"],
                           env=env, capture_output=True, timeout=60)
    out = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)
    assert run.returncode == 0, out[-6000:] + run.stderr[-2000:]
    assert "✗" not in out, out
    verdict = re.search(r"result: (\d+) observables matched, (\d+) did not", out)
    assert verdict and verdict.group(2) == "0" and int(verdict.group(1)) >= 59, out[-3000:]
    # The observables the tutorial names, as the replay printed them.
    for seen in ("✓ the network's one port: the DHCP port: network:dhcp 172.16.1.2",
                 "✓ cirros-vm1 address by DHCP: 172.16.1.3",
                 "✓ cirros-vm2 address by DHCP: 172.16.1.4",
                 "✓ cirros-vm2 pings cirros-vm1",
                 "✓ cirros-vm4 gets no address",
                 "✓ cirros-vm3 address: 172.16.1.102",
                 "✓ cirros-vm3 cannot ping cirros-vm1",
                 "✓ flat-vm2 pings flat-vm1 across nodes",
                 "✓ vx-vm2 pings vx-vm1 over vxlan",
                 "✓ cirros-vm1 pings cirros-vm2 (both members of default)",
                 "✓ cirros-vm1 cannot ping cirros-vm5 (closed admits nothing)",
                 "✓ cirros-vm5 cannot ping cirros-vm1",
                 "✓ replies before the rule: 0",
                 "✓ cirros-vm1's ping gets replies",
                 "✓ replies stopped",
                 "✓ cirros-vm5 cannot send from 172.16.1.250 (port security)",
                 "✓ the API refuses port security off while the port is in a group",
                 "✓ cirros-vm5 sends from 172.16.1.250 without port security",
                 "Linux bridge agent controller True True",
                 # Routing (docs/behaviour/tutorial.md §8b).
                 "L3 agent controller True True",
                 "✓ ext-net is external (router:external): True",
                 "✓ its gateway: the outside host: 10.10.10.1",
                 "✓ r-vm1's default route: router1's interface (the subnet's gateway): "
                 "192.168.30.1",
                 "✓ r-vm1 pings the outside host 10.10.10.1",
                 "✓ the floating IP is no one's: None",
                 "✓ router1's interface on first_local_net: 172.16.1.1",
                 "✓ cirros-vm1 (first_local_net, controller) pings the outside host through "
                 "router1",
                 "✓ the controller's 10.10.10.10 moved from eth2 to that bridge"):
        assert seen in out, seen
    # The eth2 of the tutorial's controller in the lab; the outside host at .1.
    assert re.search(r"eth2@\S+\s+UP\s+10\.10\.10\.10/24", out), "controller's eth2"
    assert re.search(r"eth0@\S+\s+UP\s+10\.10\.10\.1/24", out), "the outside host"
    # router1 gets its gateway address from ext-net's pool (never .1 or .10); the outside
    # host counts r-vm1's pings from that address and none from the instance's own.
    gw = re.search(r"✓ router1's gateway address from ext-net's pool: (10\.10\.10\.\d+)", out)
    assert gw and gw.group(1) not in ("10.10.10.1", "10.10.10.10"), out
    assert re.search(r"✓ the outside host saw r-vm1's pings from %s \([1-9]\d*\), none from "
                     r"192\.168\.30\.3 \(SNAT\)" % re.escape(gw.group(1)), out)
    assert re.search(r"qg-[0-9a-f]{8}-[0-9a-f]{2}@\S+\s+UP\s+%s/24" % re.escape(gw.group(1)),
                     out), "router1's qg- device"
    fip = re.search(r"✓ the outside host pings r-vm1 at its floating IP (10\.10\.10\.\d+)", out)
    assert fip and fip.group(1) != gw.group(1), out
    cut = re.search(r"✓ the outside host's replies stopped \((\d+) before, (\d+) in all", out)
    assert cut and int(cut.group(1)) >= 5, out
    assert re.search(r"brq[0-9a-f]{8}-[0-9a-f]{2}\s+8000\.", out), "brctl show output"
    assert leftovers(p) == []
    assert not (state / "server.pid").exists()
    log = (state / "server.log").read_text(errors="replace")
    for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        assert mark not in log


def test_lab_up_and_down_twice_leaves_nothing(tmp_path):
    from identity_helpers import identity_overrides
    p = prefix()
    sock = "/tmp/%s.sock" % p
    (tmp_path / "server").mkdir()
    srv = NeutrinoServer(tmp_path / "server", identity_overrides(
        {"neutron.conf": {"DEFAULT": {"bind_unix_socket": sock}}}))
    srv.start()
    neutrino = str(build_dir() / "src/cli/neutrino")
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(srv.state / "clouds.yaml"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), NEUTRINO_LAB=p)
    before = sorted(sh("ip", "netns", "list").stdout.split())
    try:
        for _ in range(2):
            up = subprocess.run([neutrino, "--os-cloud", "neutrino-admin", "lab", "up",
                                 "--server-socket", sock], env=env, capture_output=True,
                                text=True, timeout=120)
            assert up.returncode == 0, up.stdout + up.stderr
            assert "agents alive: linux-bridge on controller and compute, DHCP and L3 on" \
                " controller" in up.stdout, up.stdout + up.stderr
            status = subprocess.run([neutrino, "lab", "status", "-f", "value"], env=env,
                                    capture_output=True, text=True, timeout=30)
            assert "controller %s-controller running running running" % p in status.stdout
            assert "compute %s-compute running - -" % p in status.stdout
            # The external network's side of the lab: the controller's agent maps the
            # physical network "external" to eth2, and the outside host is up at .1.
            ini = Path("/run/neutrino-lab") / p / "controller-linuxbridge_agent.ini"
            assert "physical_interface_mappings = provider:eth1,external:eth2" in \
                ini.read_text()
            assert "inet 10.10.10.1/24" in sh("ip", "-4", "addr", "show", "eth0",
                                              ns="%s-outside" % p).stdout
            assert sh("busybox", "ping", "-c", "1", "-W", "1", "10.10.10.1",
                      ns="%s-controller" % p, check=False).returncode == 0
            again = subprocess.run([neutrino, "--os-cloud", "neutrino-admin", "lab", "up",
                                    "--server-socket", sock], env=env, capture_output=True,
                                   text=True, timeout=60)
            assert again.returncode == 1 and "already up" in again.stderr
            down = subprocess.run([neutrino, "--os-cloud", "neutrino-admin", "lab", "down"],
                                  env=env, capture_output=True, text=True, timeout=60)
            assert down.returncode == 0, down.stdout + down.stderr
            assert leftovers(p) == []
            # Nothing new is left; other test runs' namespaces (OTHER_RUN) may come and
            # go meanwhile.
            new = set(sh("ip", "netns", "list").stdout.split()) - set(before)
            assert {n for n in new if not OTHER_RUN.match(n) or n.startswith(p)} == set()
        gone = subprocess.run([neutrino, "lab", "down"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert gone.returncode == 1 and "no lab" in gone.stderr
    finally:
        if leftovers(p):
            subprocess.run([neutrino, "lab", "down"], env=env, capture_output=True, timeout=60)
        rc = srv.stop()
        check_sanitizers(srv)
        assert rc in (0, None, -signal.SIGTERM)
        if os.path.exists(sock):
            os.unlink(sock)
