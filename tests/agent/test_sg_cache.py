"""The linux-bridge agent keeps the security groups it fetched between applies and asks
the server again only for those the feed said changed (docs/behaviour/agents.md A.9):
the server's log counts the agent's POST /agent/v1/security-groups calls.  This module
has a lab of its own, so the only agent asking is n1's (n2 has no port)."""

import re

from lab import wait_for
from test_sg_dataplane import Instances, active, delete, group, reaches, rule

SG_CALL = "POST /agent/v1/security-groups status="


def server_calls(lab):
    return lab.server.log_path.read_text(errors="replace").count(SG_CALL)


def asked_since(lab, mark):
    """(asked, in use) of each fetch n1's agent logged after 'mark' characters of its log."""
    return [(int(a), int(b)) for a, b in
            re.findall(r"asked the server for (\d+) of the (\d+) security groups",
                       lab.agent_log("n1")[mark:])]


def test_unchanged_groups_are_not_fetched_again(lab):
    net = lab.network("172.16.65.0/24")
    g = group(lab)
    vms = Instances(lab)
    try:
        r = rule(lab, g["id"], direction="ingress", ethertype="IPv4", protocol="icmp",
                 remote_ip_prefix="172.16.65.0/24")
        a = vms.add("n1", net, security_groups=[g["id"]])
        active(lab, a)
        # A port joining a group the node holds, unchanged: nothing asked, yet its
        # rules are in the kernel (it is ACTIVE and the group's rule lets it in).
        calls, mark = server_calls(lab), len(lab.agent_log("n1"))
        b = vms.add("n1", net, security_groups=[g["id"]])
        active(lab, b)
        assert lab.ping(b["name"], a["ip"]) and lab.ping(a["name"], b["ip"])
        assert server_calls(lab) == calls, lab.agent_log("n1")[mark:]
        # A rule changed: the feed's word brings the group again, and the kernel follows.
        delete(lab, "/v2.0/security-group-rules/" + r["id"])
        reaches(lab, b["name"], a["ip"], False)
        assert server_calls(lab) > calls
        assert asked_since(lab, mark) and all(n == (1, 1) for n in asked_since(lab, mark))
        # The default group (its members let in through its own set) beside g: a member
        # joining it brings that group alone again, and the member's address reaches
        # the kernel's set.
        c = vms.add("n1", net)
        active(lab, c)
        mark = len(lab.agent_log("n1"))
        d = vms.add("n1", net)
        active(lab, d)
        reaches(lab, d["name"], c["ip"], True)
        wait_for(lambda: asked_since(lab, mark), what="the default group asked for again")
        assert all(n == (1, 2) for n in asked_since(lab, mark)), asked_since(lab, mark)
    finally:
        vms.close()
        delete(lab, "/v2.0/security-groups/" + g["id"])
