"""DHCP agent benchmark: prints figures, asserts nothing.

  1. port created -> its host entry served by dnsmasq, one port at a time (50 samples):
     p50 / p90 / max.  "Served" = dnsmasq OFFERs the port's address to a DISCOVER
     carrying the port's MAC (bench/dhcp_probe.py, one raw socket in a namespace on the
     network's bridge), measured from the moment the API answered the create.
  2. churn: 50 port creates + 50 deletes per second for 60 s; every 5th new port is
     probed.  Latency per 10-second window (a growing backlog would show as growing
     latency), and how many times dnsmasq re-read its hosts file (batching).
  3. a burst of 1,000 ports (10 bulk creates of 100): when the last is served, and how
     many reloads that took (batching).
  4. 1,000 hosts on one network: a new port -> served, 20 samples (rewrite of 1,000
     host lines + SIGHUP + dnsmasq re-reading them + the OFFER).

Runs the release build in the namespace lab of tests/agent (root needed):
    make release && NEUTRINO_SERVER=build-release/src/server/neutrino-server \
        /usr/bin/python3 bench/dhcp_bench.py [--quick]
"""

import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "agent"))
import lab as labmod  # noqa: E402


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(round(len(s) * p)) - 1))]


def summary(samples):
    if not samples:
        return "no samples"
    return "p50 %.1f  p90 %.1f  max %.1f  (n=%d)" % (
        statistics.median(samples), pct(samples, 0.9), max(samples), len(samples))


class Probe:
    """bench/dhcp_probe.py running in a namespace on the network's bridge."""

    def __init__(self, ns):
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/bin/python3",
                                   str(HERE / "dhcp_probe.py"), "eth0", "5", "0.002"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  bufsize=1)
        assert self.p.stdout.readline().strip() == "ready"
        self.answers = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            mac, ms, ip = line.split()
            self.answers.put((mac, float(ms), ip))

    def ask(self, mac):
        self.p.stdin.write(mac + "\n")
        self.p.stdin.flush()

    def served(self, mac):
        """Asks and waits: milliseconds until the OFFER, or None."""
        self.ask(mac)
        got_mac, ms, ip = self.answers.get(timeout=30)
        assert got_mac == mac
        return ms if ip != "none" else None

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


def reloads(log_file):
    try:
        return Path(log_file).read_text(errors="replace").count("/host\n")
    except OSError:
        return 0


def main():
    quick = "--quick" in sys.argv
    lab = labmod.Lab(tempfile.mkdtemp(prefix="neutrino-dhcp-bench."))
    probe = None
    try:
        lab.build()
        # 1,000 ports: more than a project's default quota of 500.
        lab.start_server(extra={"neutron.conf": {"DEFAULT": {"agent_down_time": "30"},
                                                 "quotas": {"quota_port": "-1"}}})
        lab.start_agent("n1", vxlan=False)
        lab.start_dhcp_agent("n1")
        net = lab.create("network", name="bench")
        lab.create("subnet", network_id=net["id"], cidr="10.60.0.0/16", ip_version=4)
        dport = None
        deadline = time.time() + 20
        while time.time() < deadline:
            ports = lab.api("GET", "/v2.0/ports", params={"network_id": net["id"],
                                                          "device_owner": "network:dhcp"})
            dport = (ports.json()["ports"] or [None])[0]
            if dport and dport["status"] == "ACTIVE":
                break
            time.sleep(0.05)
        assert dport and dport["status"] == "ACTIVE", "the DHCP port never became ACTIVE"

        # The prober's namespace, plugged into the network's bridge on n1.
        pns = lab.ns("probe")
        bridge = "brq" + net["id"][:11]
        labmod.sh("ip", "link", "add", "prb0", "netns", lab.node_ns("n1"), "type", "veth",
                  "peer", "name", "eth0", "netns", pns)
        labmod.sh("ip", "-n", lab.node_ns("n1"), "link", "set", "prb0", "master", bridge, "up")
        labmod.sh("ip", "-n", pns, "link", "set", "eth0", "up")
        probe = Probe(pns)
        log_file = lab.dhcp_state_path("n1") / "dnsmasq-log" / net["id"] / "dhcp_dns_log"

        # 1. One port at a time.
        samples = []
        for _ in range(20 if quick else 50):
            port = lab.create("port", network_id=net["id"])
            ms = probe.served(port["mac_address"])
            samples.append(ms if ms is not None else 5000.0)
        print("port created -> served by dnsmasq (ms):  %s   (goal p50 <= 100)"
              % summary(samples))

        # 2. Churn: 50 creates + 50 deletes a second.
        seconds = 20 if quick else 60
        rate = 50
        live = []
        windows = {}
        sent = {}
        r0 = reloads(log_file)
        t_start = time.monotonic()
        n = 0
        while time.monotonic() - t_start < seconds:
            due = t_start + n / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            port = lab.create("port", network_id=net["id"])
            live.append(port["id"])
            if n % 5 == 0:
                sent[port["mac_address"]] = int((time.monotonic() - t_start) // 10)
                probe.ask(port["mac_address"])
            if len(live) > rate:
                r = lab.api("DELETE", "/v2.0/ports/" + live.pop(0))
                assert r.status_code == 204, r.text
            while not probe.answers.empty():
                mac, ms, ip = probe.answers.get()
                windows.setdefault(sent.pop(mac, -1), []).append(ms if ip != "none" else 5000.0)
            n += 1
        elapsed = time.monotonic() - t_start
        deadline = time.time() + 30
        while sent and time.time() < deadline:
            mac, ms, ip = probe.answers.get(timeout=30)
            windows.setdefault(sent.pop(mac, -1), []).append(ms if ip != "none" else 5000.0)
        print("churn: %d creates + %d deletes in %.1f s (%.0f/s each)"
              % (n, max(0, n - rate), elapsed, n / elapsed))
        for w in sorted(k for k in windows if k >= 0):
            print("  %3d-%3d s: created -> served (ms) %s" % (w * 10, w * 10 + 10,
                                                              summary(windows[w])))
        print("  dnsmasq re-read its hosts file %d times for %d port changes"
              % (reloads(log_file) - r0, 2 * n - rate))
        for pid in live:
            lab.api("DELETE", "/v2.0/ports/" + pid)

        # 3. A burst: 1,000 ports created by 10 bulk requests of 100, back to back.
        r0 = reloads(log_file)
        t0 = time.monotonic()
        last = None
        for _ in range(10):
            body = {"ports": [{"network_id": net["id"]} for _ in range(100)]}
            r = lab.api("POST", "/v2.0/ports", body)
            assert r.status_code == 201, r.text
            last = r.json()["ports"][-1]
        created = (time.monotonic() - t0) * 1000
        probe.served(last["mac_address"])
        print("burst: 1,000 ports created in %.0f ms; the last one served %.0f ms after the"
              " first request; dnsmasq re-read its hosts file %d times"
              % (created, (time.monotonic() - t0) * 1000, reloads(log_file) - r0))
        # 4. With those 1,000 hosts.
        hosts = lab.dhcp_conf_dir("n1", net["id"]) / "host"
        deadline = time.time() + 30
        while time.time() < deadline and hosts.read_text().count("\n") < 1000:
            time.sleep(0.05)
        samples = []
        for _ in range(20):
            port = lab.create("port", network_id=net["id"])
            ms = probe.served(port["mac_address"])
            samples.append(ms if ms is not None else 5000.0)
        print("with %d hosts: port created -> served (ms):  %s   (goal <= 100)"
              % (hosts.read_text().count("\n"), summary(samples)))
        agent_pid = lab.dhcp_agent_pid("n1")
        with open("/proc/%d/status" % agent_pid) as f:
            rss = [l for l in f if l.startswith("VmRSS")][0].split()[1]
        print("DHCP agent RSS: %.1f MB (serving 1 network, %d ports)"
              % (int(rss) / 1024.0, hosts.read_text().count("\n")))
    finally:
        if probe:
            probe.close()
        problems = lab.cleanup()
        if problems:
            print("cleanup:", problems)


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("root needed (network namespaces)")
    main()
