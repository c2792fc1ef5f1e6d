"""The linux-bridge agent at 1,000 protected ports: prints figures, asserts nothing.

For each firewall driver (iptables, then noop for comparison), in a fresh lab of
tests/agent (release build, root needed):
  - 1,000 ports created through the server's API (bulk POSTs, device_owner compute:nova,
    binding:host_id = n1's host, the project's default group) and their 1,000 taps made
    on node n1 (veth pairs, one `ip -batch`) before the agent runs;
  - the agent started: seconds until the API reports every one of the ports ACTIVE (the
    agent reports a port up only once its rules are in the kernel), polled every 50 ms;
  - the agent's VmRSS and VmHWM (/proc) then, and again 5 s later; RssAnon and RssFile;
  - with iptables: the number of iptables rules and ipset entries on the node.

    make release && NEUTRINO_SERVER=$PWD/build-release/src/server/neutrino-server \\
        /usr/bin/python3 bench/agent_scale_bench.py [--ports 1000] [--runs 1] \\
        [--drivers iptables,noop] [--keep-log FILE] [--maps]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
import lab as conftest  # noqa: E402

BULK = 500


def proc_kb(pid, field):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def create_ports(lab, net, n):
    ids = []
    while len(ids) < n:
        k = min(BULK, n - len(ids))
        body = {"ports": [{"network_id": net["id"], "device_owner": "compute:nova",
                           "binding:host_id": lab.host("n1")} for _ in range(k)]}
        r = lab.api("POST", "/v2.0/ports", body)
        assert r.status_code == 201, r.text
        ids += [p["id"] for p in r.json()["ports"]]
    return ids


def make_taps(lab, ids):
    node, holder = lab.node_ns("n1"), lab.ns("peers")
    batch = "".join("link add tap%s netns %s type veth peer name q%d netns %s\n"
                    % (pid[:11], node, i, holder) for i, pid in enumerate(ids))
    subprocess.run(["ip", "-batch", "-"], input=batch, text=True, check=True)


def active_count(lab, net):
    r = lab.api("GET", "/v2.0/ports", params={"network_id": net["id"], "status": "ACTIVE",
                                              "fields": "id"})
    return len(r.json()["ports"])


def file_rss_kb(pid):
    """Resident kB per mapped file (shared libraries), largest first."""
    per, name = {}, None
    for line in open("/proc/%d/smaps" % pid):
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:
            name = fields[5] if len(fields) > 5 and fields[5].startswith("/") else None
        elif fields[0] == "Rss:" and name:
            per[name] = per.get(name, 0) + int(fields[1])
    return sorted(per.items(), key=lambda kv: -kv[1])


def one_run(driver, n, keep_log=None, maps=False):
    lab = conftest.Lab(tempfile.mkdtemp(prefix="neutrino-agent-scale."))
    try:
        lab.build()
        # More ports than a project's default quota of 500.
        lab.start_server(extra={"neutron.conf": {"quotas": {"quota_port": "-1"}}})
        net = lab.network("10.52.0.0/16")
        ids = create_ports(lab, net, n)
        make_taps(lab, ids)
        t0 = time.monotonic()
        agent = lab.start_agent("n1", wait=False,
                                extra=["[securitygroup]", "firewall_driver = %s" % driver])
        while active_count(lab, net) < n:
            if agent.poll() is not None:
                raise RuntimeError("agent exited: %s" % lab.agent_log("n1")[-2000:])
            if time.monotonic() - t0 > 120:
                raise RuntimeError("not all ACTIVE after 120 s: %d" % active_count(lab, net))
            time.sleep(0.05)
        took = time.monotonic() - t0
        rss, hwm = proc_kb(agent.pid, "VmRSS"), proc_kb(agent.pid, "VmHWM")
        anon, files = proc_kb(agent.pid, "RssAnon"), proc_kb(agent.pid, "RssFile")
        if maps:
            for path, kb in file_rss_kb(agent.pid):
                print("%-8s %6d kB  %s" % (driver, kb, path))
        time.sleep(5)
        rss5, hwm5 = proc_kb(agent.pid, "VmRSS"), proc_kb(agent.pid, "VmHWM")
        node = lab.node_ns("n1")
        rules = sum(1 for line in conftest.sh("iptables-save", ns=node).stdout.splitlines()
                    if line.startswith("-A "))
        members = sum(1 for line in conftest.sh("ipset", "save", ns=node).stdout.splitlines()
                      if line.startswith("add "))
        return {"took": took, "rss": rss, "hwm": hwm, "rss5": rss5, "hwm5": hwm5, "anon": anon, "files": files,
                "rules": rules, "members": members}
    finally:
        if keep_log:
            Path(keep_log).write_text(lab.agent_log("n1"))
        problems = lab.cleanup()
        if problems:
            print("cleanup problems:", problems)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--drivers", default="iptables,noop")
    ap.add_argument("--keep-log", help="copy the last run's agent log here")
    ap.add_argument("--maps", action="store_true",
                    help="print the agent's resident kB per mapped file (shared libraries)")
    args = ap.parse_args()
    n = args.ports
    for driver in args.drivers.split(","):
        runs = [one_run(driver, n, args.keep_log, args.maps) for _ in range(args.runs)]
        took = [r["took"] for r in runs]
        last = runs[-1]
        print("%-8s agent start -> %d ports ACTIVE: %.2f s%s   (goal <= 2 s with iptables)"
              % (driver, n, statistics.median(took),
                 "  (runs %s)" % " ".join("%.2f" % t for t in took) if len(took) > 1 else ""))
        print("%-8s agent VmRSS %.1f MB, VmHWM %.1f MB; 5 s later VmRSS %.1f MB, VmHWM %.1f MB"
              "   (goal < 20 MB)" % (driver, last["rss"] / 1024, last["hwm"] / 1024,
                                     last["rss5"] / 1024, last["hwm5"] / 1024))
        print("%-8s of the VmRSS: %.1f MB anonymous (the agent's own heap), %.1f MB file pages "
              "(shared libraries)" % (driver, last["anon"] / 1024, last["files"] / 1024))
        print("%-8s iptables rules on the node %d, ipset entries %d"
              % (driver, last["rules"], last["members"]), flush=True)


if __name__ == "__main__":
    main()
