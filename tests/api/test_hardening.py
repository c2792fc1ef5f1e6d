"""Attacks on a running server that once worked, each kept as the test that shows it
no longer does: paging past rows the caller may not see, forging log lines, and
silently resyncing an agent's change feed.  Loopback only; bounded in time."""

import re

import pytest
import requests

from api_helpers import uname
from identity_helpers import password_auth

pytestmark = pytest.mark.own_server


def err_type(r):
    return r.json()["NeutronError"]["type"]


# --- The pagination marker respects visibility ------------------------------------------

@pytest.fixture
def hidden(ks_server):
    """Admin's private network with a subnet and a port, and demo's own network: the
    ids demo must not be able to page from."""
    admin = ks_server.api("admin")
    net = admin.post("/v2.0/networks", {"network": {"name": uname("hid")}}).json()["network"]
    sub = admin.post("/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "10.91.0.0/24", "ip_version": 4}}).json()["subnet"]
    port = admin.post("/v2.0/ports", {"port": {"network_id": net["id"]}}).json()["port"]
    mine = ks_server.api("demo").post("/v2.0/networks", {"network": {
        "name": uname("vis")}}).json()["network"]
    yield {"networks": net, "subnets": sub, "ports": port, "mine": mine}
    admin.delete("/v2.0/ports/" + port["id"])
    admin.delete("/v2.0/networks/" + net["id"])
    admin.delete("/v2.0/networks/" + mine["id"])


@pytest.mark.parametrize("kind", ["networks", "subnets", "ports"])
@pytest.mark.parametrize("sort", [None, "name"])
def test_marker_the_caller_cannot_see_is_not_found(ks_server, hidden, kind, sort):
    demo = ks_server.api("demo")
    params = {"limit": 1, "marker": hidden[kind]["id"]}
    if sort:
        params.update(sort_key=sort, sort_dir="asc")
    hidden_answer = demo.get("/v2.0/" + kind, params=params)
    params["marker"] = "9b5e30f4-6a5e-4e56-9b0c-3a4a0d3f4e11"
    missing_answer = demo.get("/v2.0/" + kind, params=params)
    assert hidden_answer.status_code == missing_answer.status_code == 404, hidden_answer.text
    # Word for word the same answer, but for the id named.
    assert (hidden_answer.text.replace(hidden[kind]["id"], "ID")
            == missing_answer.text.replace(params["marker"], "ID"))
    # The owner pages from it as before.
    params["marker"] = hidden[kind]["id"]
    assert ks_server.api("admin").get("/v2.0/" + kind, params=params).status_code == 200


def test_marker_the_caller_can_see_still_pages(ks_server, hidden):
    r = ks_server.api("demo").get("/v2.0/networks",
                                  params={"limit": 1, "marker": hidden["mine"]["id"]})
    assert r.status_code == 200, r.text


# --- Client text in log lines ---------------------------------------------------------

FORGED = "2026-01-01T00:00:00.000Z ERROR forged"


def test_control_characters_never_reach_the_log(ks_server):
    log = ks_server.server.log_path
    before = log.stat().st_size
    # A path with an encoded newline, carriage return and terminal escape.
    requests.get(ks_server.url + "/v2.0/networks/x%0d%0a" + FORGED.replace(" ", "%20")
                 + "%1b%5b2J", timeout=10)
    # A user name with the same.
    requests.post(ks_server.ks + "/auth/tokens", timeout=10, json=password_auth(
        "nobody\r\n" + FORGED + "\x1b[2J", "wrong"))
    with open(log, "rb") as f:
        f.seek(before)
        text = f.read()
    assert b"\r" not in text and b"\x1b" not in text
    for line in text.decode().splitlines():
        assert not line.startswith(FORGED), line
    assert "\\r\\n" + FORGED in text.decode()


# --- The agents' change feed refuses what it does not understand -------------------------

@pytest.mark.parametrize("params, word", [
    ({"since": "abc"}, "'since'"),
    ({"after": "abc"}, "'after'"),
    ({"after": "99999999999999999999"}, "'after'"),
    ({"after": "-1"}, "'after'"),
    ({"agent": "bogus"}, "'agent'"),
    ({"agent": ""}, "'agent'"),
])
def test_change_feed_refuses_bad_parameters(server, params, word):
    params = dict(params, host=uname("h"), wait=0)
    r = requests.get(server.url + "/agent/v1/changes", params=params, timeout=10)
    assert r.status_code == 400, r.text
    assert err_type(r) == "HTTPBadRequest"
    assert word in r.json()["NeutronError"]["message"]


def test_change_feed_takes_what_agents_send(server):
    for audience in (None, "l2", "dhcp"):
        params = {"host": uname("h"), "after": 0, "wait": 0}
        if audience:
            params["agent"] = audience
        r = requests.get(server.url + "/agent/v1/changes", params=params, timeout=10)
        assert r.status_code == 200, r.text
