"""Agents on a server with the built-in identity service: the bootstrap account
neutrino-agent (role service) reaches the agent API; a project member's credentials do
not (403), and such an agent never registers."""

import os
import time

import pytest

from lab import Lab, wait_for

AGENT_PW = "agent-secret-pw"


@pytest.fixture(scope="module")
def klab(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the agent lab needs root (network namespaces)")
    lab = Lab(tmp_path_factory.mktemp("klab"))
    try:
        lab.build()
        lab.start_server({"neutron.conf": {
            "DEFAULT": {"auth_strategy": "keystone"},
            "identity": {"admin_password": "adm-pw", "demo_password": "demo-pw",
                         "agent_password": AGENT_PW}}})
        import requests
        r = requests.post(lab.server.url + "/identity/v3/auth/tokens", timeout=30, json={
            "auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": "adm-pw"}}},
                "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
        lab.token = r.headers["X-Subject-Token"]
        yield lab
    finally:
        problems = lab.cleanup()
        assert not problems, problems


def test_service_account_agent_works(klab):
    klab.start_agent("n1", credentials=("neutrino-agent", AGENT_PW, "service"))
    net = klab.network("172.16.20.0/24")
    vm = klab.instance("k1", "n1", net)
    wait_for(lambda: klab.port_status(vm["port"]["id"]) == "ACTIVE", what="ACTIVE")
    klab.remove_instance("k1")


def test_member_credentials_are_refused(klab):
    klab.start_agent("n2", credentials=("demo", "demo-pw", "demo"), wait=False)
    time.sleep(2)
    assert klab.agent_record("n2") is None
    assert "HTTP 403" in klab.agent_log("n2")
    assert klab.agents["n2"].poll() is None      # it keeps trying, without crashing
