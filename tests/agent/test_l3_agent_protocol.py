"""neutrino-l3-agent against the agent protocol alone (src/lib/agent_proto.h), on a real
kernel: a small stand-in for the server's side of /agent/v1 (heartbeats, the change
feed's long-poll, POST /agent/v1/l3/routers) answers with routers this test writes in
the engine's model shape, so every path of the agent is driven without neutrino-server's
routers: the heartbeat's content, the full apply at start, a router_update applied to
that router alone, a router_delete, a router the model refuses (the others are done), a
router whose namespace cannot be entered (retried after a pause until it works),
handle_internal_only_routers = false, a restart that changes nothing, a server that
does not send the feed's position, a failed call, cleanup_on_shutdown.
test_l3_agent.py does the same through the real server, with packets.

The agent runs in a node namespace of this run (<prefix>-node; it reaches the stand-in
through a unix socket) with namespace_prefix <prefix>-qrouter-, so nothing outside this
run is touched; everything is removed at the end, even after a failure.  Needs root."""

import json
import os
import signal
import socketserver
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

import pytest

from lab import l3_agent_binary, wait_for

PREFIX = "nl3a%d" % os.getpid()
NODE = PREFIX + "-node"
NS_PREFIX = PREFIX + "-qrouter-"


def sh(*args, check=True, timeout=10):
    return subprocess.run(args, check=check, timeout=timeout, capture_output=True, text=True)


def router(rid, gateway=True, fips=(), mtu=1500):
    """A router in the engine's model shape: a gateway on 203.0.113.0/24 (unless
    gateway=False), an interface on 10.9.<n>.0/24, floating IPs for 'fips'."""
    n = int(rid[:2], 16)
    gw_port = "a%s-0000-4000-8000-%012d" % (rid[1:8], 1)
    if_port = "b%s-0000-4000-8000-%012d" % (rid[1:8], 2)
    r = {"id": rid, "admin_state_up": True, "enable_snat": True, "gateway": None,
         "interfaces": [{"port_id": if_port, "mac_address": "fa:16:3e:00:%02x:02" % n,
                         "mtu": mtu,
                         "fixed_ips": [{"ip_address": "10.9.%d.1" % n, "prefixlen": 24,
                                        "subnet_id": str(uuid.uuid4()),
                                        "cidr": "10.9.%d.0/24" % n}]}],
         "routes": [],
         "floating_ips": [{"id": str(uuid.uuid4()), "floating_ip_address": f,
                           "fixed_ip_address": "10.9.%d.5" % n, "port_id": if_port}
                          for f in fips]}
    if gateway:
        r["gateway"] = {"port_id": gw_port, "mac_address": "fa:16:3e:00:%02x:01" % n,
                        "mtu": 1500,
                        "fixed_ips": [{"ip_address": "203.0.113.%d" % (100 + n),
                                       "prefixlen": 24, "subnet_id": str(uuid.uuid4())}],
                        "gateway_ips": ["203.0.113.1"], "extra_subnets": []}
    return r


R1 = "01000000-0000-4000-8000-000000000001"
R2 = "02000000-0000-4000-8000-000000000002"
R3 = "03000000-0000-4000-8000-000000000003"


class FakeServer:
    """The server's side of the agent protocol for one L3 agent: what it is asked and
    what it answers are the test's to see and set."""

    def __init__(self, path, send_seq=True):
        self.path = path
        self.routers = {}           # id -> router (the model shape)
        self.changes = []           # [{"seq", "kind", "id", "network_id"}]
        self.reports = []           # heartbeats, as sent
        self.router_calls = []      # bodies of POST /agent/v1/l3/routers
        self.send_seq = send_seq
        self.fail_ids_calls = 0     # how many calls with "ids" to answer 500
        self.cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def address_string(self):
                return "unix"

            def log_message(self, *args):
                pass

            def reply(self, obj, status=200):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(n)) if n else {}

            def do_POST(self):
                body = self.body()
                if self.path == "/agent/v1/report":
                    with fake.cond:
                        fake.reports.append(body["agent"])
                        last = len(fake.changes)
                    self.reply({"state": "alive", "agent_id": "l3", "seq": last})
                elif self.path == "/agent/v1/l3/routers":
                    with fake.cond:
                        fake.router_calls.append(body)
                        ids = body.get("ids")
                        if ids is not None and fake.fail_ids_calls > 0:
                            fake.fail_ids_calls -= 1
                            self.reply({"NeutronError": {"type": "HTTPInternalServerError",
                                                         "message": "x", "detail": ""}}, 500)
                            return
                        ans = [r for rid, r in sorted(fake.routers.items())
                               if ids is None or rid in ids]
                        out = {"routers": ans}
                        if fake.send_seq and ids is None:
                            out["seq"] = len(fake.changes)
                    self.reply(out)
                else:
                    self.reply({"NeutronError": {"type": "HTTPNotFound", "message": "no",
                                                 "detail": ""}}, 404)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != "/agent/v1/changes" or q.get("agent") != "l3":
                    self.reply({"NeutronError": {"type": "HTTPBadRequest",
                                                 "message": self.path, "detail": ""}}, 400)
                    return
                after, wait = int(q.get("after", 0)), int(q.get("wait", 0))
                with fake.cond:
                    if after > len(fake.changes):
                        self.reply({"seq": len(fake.changes), "changes": [], "resync": True})
                        return
                    fake.cond.wait_for(lambda: len(fake.changes) > after, timeout=wait)
                    out = fake.changes[after:]
                    self.reply({"seq": len(fake.changes), "changes": out, "resync": False})

        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True

        self.server = Server(path, Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def change(self, kind, rid):
        with self.cond:
            self.changes.append({"seq": len(self.changes) + 1, "kind": kind, "id": rid,
                                 "network_id": ""})
            self.cond.notify_all()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Agent:
    def __init__(self, tmp, sock, index, **opts):
        conf = {"host": "l3-node", "interface_driver": "linuxbridge", "debug": "true",
                "periodic_interval": "2", "namespace_prefix": NS_PREFIX,
                "state_path": str(tmp)}
        conf.update({k: str(v).lower() if isinstance(v, bool) else str(v)
                     for k, v in opts.items()})
        lines = ["[DEFAULT]"] + ["%s = %s" % kv for kv in conf.items()]
        lines += ["[AGENT]", "report_interval = 1",
                  "[server]", "url = http://localhost", "unix_socket = %s" % sock, ""]
        self.ini = tmp / "l3_agent.ini"
        self.ini.write_text("\n".join(lines))
        self.log_path = tmp / ("l3-agent-%d.log" % index)     # one per start
        log = open(self.log_path, "ab")
        # nsenter, not `ip netns exec`: the latter's private mount namespace would hide
        # the router namespaces the agent mounts under /run/netns.
        self.p = subprocess.Popen(["nsenter", "--net=/run/netns/" + NODE,
                                   str(l3_agent_binary()), "--config-file", str(self.ini)],
                                  stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            return self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return self.p.wait(10)


def our_namespaces():
    return sorted(n for n in sh("ip", "netns", "list").stdout.split()
                  if n.startswith(NS_PREFIX))


def addresses(rid, dev_prefix):
    out = sh("ip", "-n", NS_PREFIX + rid, "-j", "addr", "show").stdout
    return sorted("%s/%s" % (a["local"], a["prefixlen"]) for link in json.loads(out)
                  if link["ifname"].startswith(dev_prefix)
                  for a in link.get("addr_info", []) if a["family"] == "inet")


def cleanup_namespaces():
    for ns in our_namespaces():
        if sh("ip", "netns", "delete", ns, check=False).returncode:
            try:
                os.unlink("/run/netns/" + ns)
            except OSError:
                pass
    sh("ip", "netns", "delete", NODE, check=False)


@pytest.fixture
def world(tmp_path):
    """The node namespace, the stand-in server, and whatever agents a test starts."""
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces)")
    if not l3_agent_binary().exists():
        pytest.fail("neutrino-l3-agent not found at %s" % l3_agent_binary())
    cleanup_namespaces()
    sh("ip", "netns", "add", NODE)
    sh("ip", "-n", NODE, "link", "set", "lo", "up")
    sock = "/tmp/%s-%s.sock" % (PREFIX, uuid.uuid4().hex[:6])
    w = {"tmp": tmp_path, "sock": sock, "agents": [], "fake": FakeServer(sock)}

    def start(**opts):
        a = Agent(tmp_path, sock, len(w["agents"]), **opts)
        w["agents"].append(a)
        return a
    w["start"] = start
    try:
        yield w
    finally:
        rcs = [a.stop() for a in w["agents"]]
        logs = "".join(a.log() for a in w["agents"])
        w["fake"].stop()
        cleanup_namespaces()
        if os.path.exists(sock):
            os.unlink(sock)
        assert all(rc == 0 for rc in rcs), (rcs, logs[-3000:])
        assert not any(m in logs for m in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                           "runtime error:")), logs[-3000:]


def synced(agent, n=1):
    wait_for(lambda: agent.log().count("synchronised") >= n, timeout=10,
             what="the agent's full comparison #%d\n%s" % (n, agent.log()[-2000:]))


# --- tests -------------------------------------------------------------------------------
def test_heartbeat_says_what_neutrons_l3_agent_says(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1, fips=["203.0.113.50"])
    fake.routers[R2] = router(R2, gateway=False)
    agent = world["start"]()
    synced(agent)

    def counted():
        with fake.cond:
            last = fake.reports[-1] if fake.reports else None
        return last if last and last["configurations"]["routers"] == 2 else None
    rep = wait_for(counted, timeout=5, what="a heartbeat counting both routers")
    assert rep["agent_type"] == "L3 agent"
    assert rep["binary"] == "neutron-l3-agent"
    assert rep["topic"] == "l3_agent"
    assert rep["host"] == "l3-node"
    assert rep["availability_zone"] == "nova"
    assert fake.reports[0]["start_flag"] is True
    assert rep["configurations"] == {
        "agent_mode": "legacy", "handle_internal_only_routers": True,
        "interface_driver": "linuxbridge", "log_agent_heartbeats": False, "extensions": [],
        "routers": 2, "ex_gw_ports": 1, "interfaces": 2, "floating_ips": 1}


def test_start_applies_all_then_changes_apply_to_their_routers_only(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1)
    fake.routers[R2] = router(R2)
    agent = world["start"]()
    synced(agent)
    assert fake.router_calls[0] == {"host": "l3-node"}
    assert our_namespaces() == [NS_PREFIX + R1, NS_PREFIX + R2]
    assert addresses(R1, "qg-") == ["203.0.113.101/24"]

    # A floating IP on R1: asked for by id, applied to R1 alone.
    fake.routers[R1] = router(R1, fips=["203.0.113.60"])
    fake.routers[R2] = router(R2, fips=["203.0.113.61"])     # no change told: not applied
    calls = len(fake.router_calls)
    fake.change("router_update", R1)
    wait_for(lambda: "203.0.113.60/32" in addresses(R1, "qg-"), timeout=10,
             what="R1's floating IP\n" + agent.log()[-2000:])
    assert fake.router_calls[calls] == {"host": "l3-node", "ids": [R1]}
    assert "203.0.113.61/32" not in addresses(R2, "qg-")

    # A router gone from the answer to its ids: its namespace goes, the other stays.
    del fake.routers[R2]
    fake.change("router_delete", R2)
    wait_for(lambda: our_namespaces() == [NS_PREFIX + R1], timeout=10,
             what="R2's namespace gone")
    # Several changes heard together are asked for in one call.
    calls = len(fake.router_calls)
    fake.routers[R2] = router(R2)
    fake.routers[R3] = router(R3)
    with fake.cond:
        for rid in (R2, R3):
            fake.changes.append({"seq": len(fake.changes) + 1, "kind": "router_update",
                                 "id": rid, "network_id": ""})
        fake.cond.notify_all()
    wait_for(lambda: len(our_namespaces()) == 3, timeout=10, what="R2 and R3 hosted")
    assert [sorted(c.get("ids", [])) for c in fake.router_calls[calls:]] == [[R2, R3]]


def test_a_refused_router_leaves_the_others_done(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1)
    bad = router(R2)
    bad["interfaces"][0]["mac_address"] = "not-a-mac"
    fake.routers[R2] = bad
    agent = world["start"]()
    synced(agent)
    assert our_namespaces() == [NS_PREFIX + R1]
    assert "router=%s refused" % R2 in agent.log()


def test_a_router_that_cannot_be_done_is_retried_until_it_works(world):
    """R2's namespace name is taken by a plain file, which the kernel will not enter:
    R1 is done anyway, and R2 is asked for again after a pause (no change heard) until
    the name is free and it can be done."""
    fake = world["fake"]
    fake.routers[R1] = router(R1)
    fake.routers[R2] = router(R2)
    blocker = "/run/netns/" + NS_PREFIX + R2
    open(blocker, "w").close()
    try:
        agent = world["start"]()
        synced(agent)
        assert NS_PREFIX + R1 in our_namespaces()
        wait_for(lambda: sum(1 for c in fake.router_calls if c.get("ids") == [R2]) >= 2,
                 timeout=10, what="R2 asked for again\n" + agent.log()[-2000:])
        assert "retrying them" in agent.log()
    finally:
        os.unlink(blocker)
    wait_for(lambda: NS_PREFIX + R2 in our_namespaces() and
             addresses(R2, "qr-") == ["10.9.2.1/24"], timeout=10,
             what="R2 done once its name is free\n" + agent.log()[-2000:])
    assert agent.p.poll() is None


def test_routers_without_gateway_go_when_internal_only_routers_are_off(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1)
    fake.routers[R2] = router(R2, gateway=False)
    agent = world["start"]()
    synced(agent)
    assert our_namespaces() == [NS_PREFIX + R1, NS_PREFIX + R2]
    assert agent.stop() == 0
    agent = world["start"](handle_internal_only_routers=False)
    synced(agent)
    assert our_namespaces() == [NS_PREFIX + R1]


def test_a_restart_leaves_the_routers_and_changes_nothing(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1, fips=["203.0.113.70"])
    agent = world["start"]()
    synced(agent)
    assert "applied" in agent.log()
    assert agent.stop() == 0
    assert our_namespaces() == [NS_PREFIX + R1]             # SIGTERM leaves them
    second = world["start"]()
    synced(second)
    assert "synchronised: hosting 1 routers" in second.log()
    assert "applied" not in second.log(), second.log()


def test_a_server_that_does_not_say_its_position_is_asked_for_it(world):
    """Without "seq" in the answer to a full call, the agent reads the feed's position
    first and asks again, then follows the feed from there."""
    fake = world["fake"]
    fake.send_seq = False
    fake.routers[R1] = router(R1)
    agent = world["start"]()
    synced(agent)
    fake.routers[R1] = router(R1, fips=["203.0.113.80"])
    fake.change("router_update", R1)
    wait_for(lambda: "203.0.113.80/32" in addresses(R1, "qg-"), timeout=10,
             what="the change followed\n" + agent.log()[-2000:])


def test_cleanup_on_shutdown_removes_every_router(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1)
    agent = world["start"](cleanup_on_shutdown=True)
    synced(agent)
    assert our_namespaces() == [NS_PREFIX + R1]
    assert agent.stop() == 0
    assert our_namespaces() == []


def test_a_failed_call_for_changed_routers_becomes_a_full_comparison(world):
    fake = world["fake"]
    fake.routers[R1] = router(R1)
    agent = world["start"]()
    synced(agent)
    fake.fail_ids_calls = 1
    fake.routers[R1] = router(R1, fips=["203.0.113.90"])
    fake.change("router_update", R1)
    wait_for(lambda: "203.0.113.90/32" in addresses(R1, "qg-"), timeout=10,
             what="the change applied by a full comparison\n" + agent.log()[-2000:])
    synced(agent, 2)
    assert [("ids" in c) for c in fake.router_calls] == [False, True, False]
