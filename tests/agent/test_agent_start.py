"""The linux-bridge agent's start with more taps than one wiring batch (256): every tap
is wired first, then the firewall is applied once for all of them, then they are
reported up (a port is ACTIVE only once its rules are in the kernel).  Each apply
passes over the whole model and the kernel's tables, so one per batch made a start
with many ports several times slower.  Needs root."""

import subprocess

from lab import running_lab, wait_for

PORTS = 300     # More than one batch of 256.
BULK = 150


def create_ports(lab, net, n):
    ids = []
    while len(ids) < n:
        body = {"ports": [{"network_id": net["id"], "device_owner": "compute:nova",
                           "binding:host_id": lab.host("n1")}
                          for _ in range(min(BULK, n - len(ids)))]}
        r = lab.api("POST", "/v2.0/ports", body)
        assert r.status_code == 201, r.text
        ids += [p["id"] for p in r.json()["ports"]]
    return ids


def make_taps(lab, ids):
    """The taps of 'ids' on n1, their peers in a namespace of the lab (one `ip -batch`)."""
    node, holder = lab.node_ns("n1"), lab.ns("start-peers")
    batch = "".join("link add tap%s netns %s type veth peer name q%d netns %s\n"
                    % (pid[:11], node, i, holder) for i, pid in enumerate(ids))
    subprocess.run(["ip", "-batch", "-"], input=batch, text=True, check=True)


def active_count(lab, net):
    r = lab.api("GET", "/v2.0/ports", params={"network_id": net["id"], "status": "ACTIVE",
                                              "fields": "id"})
    return len(r.json()["ports"])


def test_start_applies_the_firewall_once_for_all_batches(tmp_path):
    with running_lab(tmp_path, agents=()) as lab:
        net = lab.network("10.54.0.0/16")
        make_taps(lab, create_ports(lab, net, PORTS))
        lab.start_agent("n1", wait=False, extra=["[securitygroup]",
                                                 "firewall_driver = iptables"])
        wait_for(lambda: active_count(lab, net) == PORTS, timeout=15,
                 what="%d ports ACTIVE" % PORTS)
        applies = [line for line in lab.agent_log("n1").splitlines()
                   if "ports filtered:" in line]
        assert len(applies) == 1, applies
        assert " %d ports filtered:" % PORTS in applies[0], applies
