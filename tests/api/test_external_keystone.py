"""auth_strategy = keystone with [keystone_authtoken] auth_url: tokens are checked by
another identity service.  One neutrino-server (A) provides the built-in identity; a
second one (B) trusts A's tokens, as it would trust a real Keystone."""

import time

import pytest
import requests

from identity_helpers import ADMIN_PW, Cloud, identity_overrides

pytestmark = pytest.mark.own_server


def external_overrides(identity_url, cache_time=300):
    return {"neutron.conf": {
        "DEFAULT": {"auth_strategy": "keystone"},
        "keystone_authtoken": {
            "www_authenticate_uri": identity_url,
            "auth_url": identity_url,
            "auth_type": "password",
            "username": "admin",
            "password": ADMIN_PW,
            "project_name": "admin",
            "user_domain_name": "Default",
            "project_domain_name": "Default",
            "token_cache_time": str(cache_time),
        }}}


@pytest.fixture
def pair(start_server):
    a = start_server(identity_overrides())
    cloud = Cloud(a.url).setup()
    b = start_server(external_overrides(a.url + "/identity", cache_time=1))
    return a, b, cloud


def net(b, token):
    headers = {} if token is None else {"X-Auth-Token": token}
    return requests.get(b.url + "/v2.0/networks", headers=headers, timeout=30)


def test_tokens_of_the_other_identity_service_work(pair):
    a, b, cloud = pair
    r = requests.post(b.url + "/v2.0/networks", timeout=30,
                      headers={"X-Auth-Token": cloud.token("demo")},
                      json={"network": {"name": "via-external"}})
    assert r.status_code == 201, r.text
    assert r.json()["network"]["project_id"] == cloud.project_id("demo")
    assert "provider:network_type" not in r.json()["network"]
    # Roles come through: admin sees provider attributes, alt does not see demo's network.
    shown = requests.get(b.url + "/v2.0/networks/" + r.json()["network"]["id"], timeout=30,
                         headers={"X-Auth-Token": cloud.token("admin")})
    assert shown.json()["network"]["provider:network_type"] == "local"
    assert requests.get(b.url + "/v2.0/networks/" + r.json()["network"]["id"], timeout=30,
                        headers={"X-Auth-Token": cloud.token("alt")}).status_code == 404
    # The reader is read-only here too.
    r = requests.post(b.url + "/v2.0/networks", timeout=30,
                      headers={"X-Auth-Token": cloud.token("rdr")},
                      json={"network": {"name": "nope"}})
    assert r.status_code == 403


def test_bad_and_revoked_tokens(pair):
    a, b, cloud = pair
    for token in (None, "bogus", "A" * 43):
        r = net(b, token)
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == 'Keystone uri="%s/identity"' % a.url
    r = cloud.issue("demo", project="demo")
    token = r.headers["X-Subject-Token"]
    assert net(b, token).status_code == 200
    requests.delete(cloud.ks + "/auth/tokens", timeout=30,
                    headers={"X-Auth-Token": cloud.token("admin"), "X-Subject-Token": token})
    # B may serve its cached answer until token_cache_time (1 s here) has passed.
    time.sleep(1.5)
    assert net(b, token).status_code == 401


def test_identity_unreachable_is_503(pair):
    a, b, cloud = pair
    token = cloud.token("demo")
    a.stop()
    time.sleep(1.5)
    r = net(b, token)
    assert r.status_code == 503
    assert r.json()["error"]["code"] == 503


def test_builtin_identity_is_off(pair):
    a, b, cloud = pair
    assert requests.get(b.url + "/identity/v3", timeout=30).status_code == 404
    assert not (b.state / "clouds.yaml").exists()


def test_missing_service_credentials_refuse_to_start(tmp_path):
    import subprocess
    from conftest import NeutrinoServer, server_binary
    srv = NeutrinoServer(tmp_path, {"neutron.conf": {
        "DEFAULT": {"auth_strategy": "keystone"},
        "keystone_authtoken": {"auth_url": "http://127.0.0.1:1/v3"}}})
    cmd = [str(server_binary())]
    for f in srv.config_files:
        cmd += ["--config-file", str(f)]
    p = subprocess.run(cmd, capture_output=True, timeout=30, text=True)
    assert p.returncode != 0
    assert "username, password and project_name" in p.stderr
