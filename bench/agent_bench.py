"""Linux-bridge agent benchmark: prints figures, asserts nothing.

  1. tap appears -> port ACTIVE, one port at a time (20 samples): p50 / p90 / max
  2. 500 taps created at once (one `ip -batch`) -> all 500 ports ACTIVE: seconds
  3. the agent's RSS afterwards

Runs the release build in the namespace lab of tests/agent (root needed):
    NEUTRINO_SERVER=build-release/src/server/neutrino-server /usr/bin/python3 bench/agent_bench.py
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
import lab as conftest  # noqa: E402


def main():
    lab = conftest.Lab(tempfile.mkdtemp(prefix="neutrino-agent-bench."))
    try:
        lab.build()
        # More ports than a project's default quota of 500.
        lab.start_server(extra={"neutron.conf": {"quotas": {"quota_port": "-1"}}})
        lab.start_agent("n1")
        node = lab.node_ns("n1")
        holder = lab.ns("peers")            # the instance ends of the veths
        net = lab.network("10.50.0.0/16")

        samples = []
        for i in range(20):
            port = lab.create("port", network_id=net["id"], device_owner="compute:nova",
                              **{"binding:host_id": lab.host("n1")})
            tap = "tap" + port["id"][:11]
            t0 = time.monotonic()
            conftest.sh("ip", "link", "add", tap, "netns", node, "type", "veth", "peer",
                        "name", "p%d" % i, "netns", holder)
            while lab.port_status(port["id"]) != "ACTIVE":
                time.sleep(0.001)
            samples.append((time.monotonic() - t0) * 1000)
        samples.sort()
        print("tap -> ACTIVE, one port (ms):  p50 %.1f  p90 %.1f  max %.1f   (goal p50 <= 50)"
              % (statistics.median(samples), samples[int(len(samples) * 0.9) - 1], samples[-1]))

        n = 500
        body = {"ports": [{"network_id": net["id"], "device_owner": "compute:nova",
                           "binding:host_id": lab.host("n1")} for _ in range(n)]}
        r = lab.api("POST", "/v2.0/ports", body)
        assert r.status_code == 201, r.text
        ids = [p["id"] for p in r.json()["ports"]]
        batch = "".join("link add tap%s netns %s type veth peer name q%d netns %s\n"
                        % (pid[:11], node, i, holder) for i, pid in enumerate(ids))
        t0 = time.monotonic()
        subprocess.run(["ip", "-batch", "-"], input=batch, text=True, check=True)
        created = time.monotonic() - t0
        while True:
            ports = lab.api("GET", "/v2.0/ports", params={"network_id": net["id"],
                                                          "status": "ACTIVE",
                                                          "fields": "id"}).json()["ports"]
            if len(ports) >= n + 20:
                break
            time.sleep(0.02)
        took = time.monotonic() - t0
        print("%d taps at once -> all ACTIVE:   %.2f s (taps made in %.2f s)   (goal <= 5 s)"
              % (n, took, created))
        pid = lab.agents["n1"].pid
        rss = int([l for l in open("/proc/%d/status" % pid) if l.startswith("VmRSS")][0]
                  .split()[1])
        print("agent RSS with %d taps:          %.1f MB   (goal < 10 MB)" % (n + 20, rss / 1024))
    finally:
        problems = lab.cleanup()
        if problems:
            print("cleanup problems:", problems)


if __name__ == "__main__":
    main()
