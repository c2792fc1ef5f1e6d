"""Hardening of the built-in identity service: the failed-login lock-out holds per
user however the user is named and whatever other names fail; a flood of logins waits
on the password workers (or is refused with 429) instead of stalling the rest of the
API; [security_compliance] password_regex governs new passwords."""

import hashlib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import pg_cluster
from api_helpers import uname
from identity_helpers import ADMIN_PW, Cloud, identity_overrides, password_auth

pytestmark = pytest.mark.own_server

LOCKOUT = {"neutron.conf": {"security_compliance": {
    "lockout_failure_attempts": "3", "lockout_duration": "60"}}}


def login_by_id(cloud, user_id, password, project="demo"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": user_id, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}}}}
    return requests.post(cloud.ks + "/auth/tokens", json=body, timeout=30)


def ks_error(r, code):
    assert r.status_code == code, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["title"] and err["message"]
    return err["message"]


# --- Lock-out -------------------------------------------------------------------------

def test_lockout_by_name_holds_for_login_by_id_and_back(start_server):
    cloud = Cloud(start_server(identity_overrides(LOCKOUT)).url)
    by_name, by_id = uname("lock-n"), uname("lock-i")
    uid_n = cloud.make_user(by_name, "right-" + by_name, "demo", "member")
    uid_i = cloud.make_user(by_id, "right-" + by_id, "demo", "member")

    for _ in range(3):
        assert cloud.issue(by_name, "wrong", "demo").status_code == 401
    # Locked by name: the id names the same account, and Keystone refuses even the
    # right password while the account is locked.
    ks_error(login_by_id(cloud, uid_n, "right-" + by_name), 401)
    ks_error(cloud.issue(by_name, "right-" + by_name, "demo"), 401)

    for _ in range(3):
        assert login_by_id(cloud, uid_i, "wrong").status_code == 401
    ks_error(cloud.issue(by_id, "right-" + by_id, "demo"), 401)
    ks_error(login_by_id(cloud, uid_i, "right-" + by_id), 401)

    # Other users are untouched.
    assert cloud.issue("demo", project="demo").status_code == 201


def test_lockout_outlives_a_restart(start_server):
    srv = start_server(identity_overrides(LOCKOUT))
    cloud = Cloud(srv.url)
    name = uname("restart")
    uid = cloud.make_user(name, "right-" + name, "demo", "member")
    for _ in range(3):
        assert cloud.issue(name, "wrong", "demo").status_code == 401
    srv.restart()
    ks_error(login_by_id(cloud, uid, "right-" + name), 401)


@pytest.mark.skipif(pg_cluster.wanted() != "postgresql",
                    reason="several servers need PostgreSQL (NEUTRINO_TEST_DB=postgresql)")
def test_lockout_is_shared_by_servers_on_one_database(tmp_path_factory):
    from test_multi_server import start_pair, stop_pair
    servers = start_pair(tmp_path_factory, identity_overrides(LOCKOUT))
    try:
        a, b = Cloud(servers[0].url), Cloud(servers[1].url)
        name = uname("shared")
        uid = a.make_user(name, "right-" + name, "demo", "member")
        # Failures spread over both servers count together.
        assert a.issue(name, "wrong", "demo").status_code == 401
        assert b.issue(name, "wrong", "demo").status_code == 401
        assert a.issue(name, "wrong", "demo").status_code == 401
        ks_error(login_by_id(b, uid, "right-" + name), 401)
        ks_error(a.issue(name, "right-" + name, "demo"), 401)
    finally:
        stop_pair(servers)


def old_slot(name):
    """The slot the lock-out table of earlier versions gave a user name: the first four
    bytes (little-endian) of BLAKE2b-128("name\\0" + name), modulo 1024."""
    digest = hashlib.blake2b(b"name\0" + name.encode(), digest_size=16).digest()
    return int.from_bytes(digest[:4], "little") % 1024


def colliding_names(victim, count):
    """Unknown names an attacker computes offline to share the victim's old slot."""
    target, found = old_slot(victim), []
    while len(found) < count:
        name = "x-" + uuid.uuid4().hex[:16]
        if old_slot(name) == target:
            found.append(name)
    return found


def test_failures_of_other_names_cannot_clear_a_count_or_a_lock(start_server):
    cloud = Cloud(start_server(identity_overrides(LOCKOUT)).url)
    victim = uname("victim")
    uid = cloud.make_user(victim, "right-" + victim, "demo", "member")
    others = colliding_names(victim, 4)

    # Wrong guesses for the victim, each followed by a failure for a colliding name:
    # the victim's count must still reach the limit.
    for other in others[:3]:
        assert cloud.issue(victim, "guess", "demo").status_code == 401
        assert cloud.issue(other, "whatever", "demo").status_code == 401
    ks_error(cloud.issue(victim, "right-" + victim, "demo"), 401)

    # Nor does a failure for a colliding name lift the lock.
    assert cloud.issue(others[3], "whatever", "demo").status_code == 401
    ks_error(cloud.issue(victim, "right-" + victim, "demo"), 401)
    ks_error(login_by_id(cloud, uid, "right-" + victim), 401)


def test_lockout_does_not_tell_which_names_exist(start_server):
    cloud = Cloud(start_server(identity_overrides(LOCKOUT)).url)
    known, unknown = uname("known"), uname("nobody")
    cloud.make_user(known, "right-" + known, "demo", "member")
    answers = set()
    for _ in range(5):
        for name in (known, unknown):
            r = cloud.issue(name, "wrong", "demo")
            answers.add((r.status_code, r.text))
    # Before, at and after the lock, known or not: one and the same refusal.
    assert len(answers) == 1 and answers.pop()[0] == 401


# --- Login flood ----------------------------------------------------------------------

def test_login_flood_is_bounded_and_the_api_keeps_answering(start_server):
    srv = start_server(identity_overrides({"neutron.conf": {"identity": {
        "password_hash_workers": "1", "password_hash_queue": "2"}}}))
    cloud = Cloud(srv.url)
    token = cloud.token("demo")
    clients = 24
    statuses, refusals, get_answer = [], [], []

    def login(barrier):
        barrier.wait()
        r = requests.post(cloud.ks + "/auth/tokens", timeout=60,
                          json=password_auth(uname("flood"), "wrong"))
        statuses.append(r.status_code)
        if r.status_code == 429:
            refusals.append(r)

    def authenticated_get(barrier):
        barrier.wait()
        r = requests.get(srv.url + "/v2.0/networks", timeout=10,
                         headers={"X-Auth-Token": token})
        get_answer.append(r.status_code)

    for _ in range(3):   # A slow machine may need another burst to fill the queue.
        barrier = threading.Barrier(clients + 1)
        with ThreadPoolExecutor(clients + 1) as pool:
            futures = [pool.submit(login, barrier) for _ in range(clients)]
            futures.append(pool.submit(authenticated_get, barrier))
            for f in futures:
                f.result()
        if refusals:
            break
    assert refusals, "no login was refused: %s" % statuses
    assert set(statuses) <= {401, 429}
    for r in refusals:
        assert int(r.headers["Retry-After"]) >= 1
        assert "try again later" in ks_error(r, 429)
    assert get_answer and set(get_answer) == {200}
    # The flood over, logins work again.
    assert cloud.issue("demo", project="demo").status_code == 201


def test_password_changes_run_on_the_password_workers(start_server):
    srv = start_server(identity_overrides({"neutron.conf": {"identity": {
        "password_hash_workers": "1", "password_hash_queue": "1"}}}))
    cloud = Cloud(srv.url)
    name = uname("pwc")
    uid = cloud.make_user(name, "first-" + name, "demo", "member")
    cloud.admin_call("PATCH", "/users/" + uid, {"user": {"password": "second-" + name}},
                     expect=200)
    token = cloud.issue(name, "second-" + name, "demo").headers["X-Subject-Token"]
    r = requests.post(cloud.ks + "/users/%s/password" % uid, timeout=30,
                      headers={"X-Auth-Token": token},
                      json={"user": {"original_password": "second-" + name,
                                     "password": "third-" + name}})
    assert r.status_code == 204, r.text
    assert cloud.issue(name, "third-" + name, "demo").status_code == 201
    assert cloud.issue(name, "second-" + name, "demo").status_code == 401


# --- Password policy ------------------------------------------------------------------

POLICY = {"neutron.conf": {"security_compliance": {
    "password_regex": "[a-z]{4,}[0-9]+$",
    "password_regex_description": "four lower-case letters or more, then digits"}}}
REFUSED = ("The password does not meet the requirements: four lower-case letters or more,"
           " then digits.")


def test_password_regex_on_create_update_and_change(start_server):
    cloud = Cloud(start_server(identity_overrides(POLICY)).url)
    name = uname("pol")

    for bad in ("abc1", "abcd", " abcd1", "ABCD1", "abcd1x"):
        r = cloud.admin_call("POST", "/users", {"user": {"name": name, "password": bad}})
        assert ks_error(r, 400) == REFUSED
    # Matched from the first character, as Python's re.match.
    uid = cloud.admin_call("POST", "/users", {"user": {"name": name, "password": "abcd12"}},
                           expect=201).json()["user"]["id"]
    # No password, no check.
    other = cloud.admin_call("POST", "/users", {"user": {"name": uname("nopw")}},
                             expect=201).json()["user"]["id"]
    cloud.admin_call("PUT", "/projects/%s/users/%s/roles/%s" % (
        cloud.project_id("demo"), uid, cloud.role_id("member")), expect=204)

    ks_error(cloud.admin_call("PATCH", "/users/" + uid, {"user": {"password": "x"}}), 400)
    cloud.admin_call("PATCH", "/users/" + uid, {"user": {"password": "efgh34"}}, expect=200)
    cloud.admin_call("PATCH", "/users/" + uid, {"user": {"description": "d"}}, expect=200)

    token = cloud.issue(name, "efgh34", "demo").headers["X-Subject-Token"]

    def change(original, new):
        return requests.post(cloud.ks + "/users/%s/password" % uid, timeout=30,
                             headers={"X-Auth-Token": token},
                             json={"user": {"original_password": original, "password": new}})
    # As Keystone: the original password is checked before the new one's form.
    ks_error(change("not-it", "bad"), 401)
    assert ks_error(change("efgh34", "bad"), 400) == REFUSED
    assert change("efgh34", "ijkl56").status_code == 204
    assert cloud.issue(name, "ijkl56", "demo").status_code == 201
    for u in (uid, other):
        cloud.admin_call("DELETE", "/users/" + u, expect=204)


def test_bootstrap_passwords_outside_the_regex_are_kept_with_a_warning(start_server):
    srv = start_server(identity_overrides(POLICY))
    # ADMIN_PW ("adminpw-test") does not match; the operator's password stands.
    assert Cloud(srv.url).issue("admin", ADMIN_PW, "admin").status_code == 201
    log = srv.log_path.read_text()
    assert "admin_password does not match [security_compliance] password_regex" in log


@pytest.mark.parametrize("regex, why", [
    ("[a-z", "not a POSIX extended regular expression"),
    ("(?=.*[0-9]).{8,}", "not a POSIX extended regular expression"),
    ("\\d{8}", "\\d and \\D are not POSIX"),
])
def test_bad_password_regex_stops_the_server_at_start(start_server, tmp_path, regex, why):
    with pytest.raises(pytest.fail.Exception):
        start_server(identity_overrides({"neutron.conf": {"security_compliance": {
            "password_regex": regex}}}), state_dir=tmp_path)
    log = (tmp_path / "server.log").read_text()
    assert "[security_compliance] password_regex" in log and why in log


def test_stopping_during_a_login_flood_answers_or_closes_every_login(start_server):
    srv = start_server(identity_overrides({"neutron.conf": {"identity": {
        "password_hash_workers": "1", "password_hash_queue": "8"}}}))
    cloud = Cloud(srv.url)
    outcomes = []
    started = threading.Barrier(13)

    def login():
        started.wait()
        try:
            r = requests.post(cloud.ks + "/auth/tokens", timeout=20,
                              json=password_auth(uname("stop"), "wrong"))
            outcomes.append(r.status_code)
        except requests.ConnectionError:
            outcomes.append("closed")

    with ThreadPoolExecutor(12) as pool:
        futures = [pool.submit(login) for _ in range(12)]
        started.wait()
        time.sleep(0.2)   # Some logins hashing, some queued, some refused.
        rc = srv.stop()
        for f in futures:
            f.result()
    # Logins parked for the workers are answered (401 or 503 "stopping") before the
    # server exits, cleanly; none is left hanging.
    assert rc == 0, srv.log_tail()
    assert len(outcomes) == 12 and set(outcomes) <= {401, 429, 503, "closed"}, outcomes
