"""The database's safety: its files are the server's alone whatever the umask, a
PostgreSQL URL that cannot be right is refused at start without its password ever
reaching the log, and a full disk refuses writes with 503 while reads go on and
nothing acknowledged is lost (README.md, docs/behaviour/api.md §1.1).

Every server here keeps its SQLite file where the test says (tests of the URL need no
PostgreSQL at all), so the file runs the same under NEUTRINO_TEST_DB=postgresql."""

import contextlib
import errno
import itertools
import os
import stat
import subprocess
import time

import pytest
import requests

from api_helpers import Api, uname
from conftest import NeutrinoServer, check_clean_exit
from identity_helpers import Cloud, identity_overrides

pytestmark = pytest.mark.own_server

SECRET = "s3cretpw"


@pytest.fixture(autouse=True)
def _own_servers_only():
    from conftest import EXTERNAL_URL
    if EXTERNAL_URL:
        pytest.skip("needs neutrino-servers of its own")


def sqlite_server(state, path=None, overrides=None):
    """A NeutrinoServer on a SQLite file ('path', else neutrino.sqlite in 'state')."""
    path = path or (state / "neutrino.sqlite")
    return NeutrinoServer(state, overrides, database="sqlite:///%s" % path)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def make_network(api, name=None):
    return api.post("/v2.0/networks", {"network": {"name": name or uname("st")}})


# --- The database's files -------------------------------------------------------------

def test_database_files_are_0600_whatever_the_umask(tmp_path):
    """umask 022 and a state directory of 0755: the database, its -wal and its -shm
    are still 0600, and the directory open to others is worth a warning."""
    tmp_path.chmod(0o755)
    srv = sqlite_server(tmp_path)
    try:
        with umask(0o022):
            srv.start()
        assert make_network(Api(srv.url)).status_code == 201
        db = tmp_path / "neutrino.sqlite"
        for path in (db, tmp_path / "neutrino.sqlite-wal", tmp_path / "neutrino.sqlite-shm"):
            assert path.exists(), path
            assert mode_of(path) == 0o600, "%s is %o" % (path, mode_of(path))
        log = srv.log_path.read_text()
        assert "the database's directory %s is open to others (mode 0755)" % tmp_path in log
        check_clean_exit(srv, srv.stop())
    finally:
        srv.stop()


def test_database_files_open_to_others_are_closed_with_a_warning(tmp_path):
    """A database, -wal and -shm left 0644 (an older server, a copy, a restore) are
    made 0600 at start, each with a warning naming it and its old mode; nothing is lost."""
    tmp_path.chmod(0o700)
    srv = sqlite_server(tmp_path)
    try:
        srv.start()
        net = make_network(Api(srv.url)).json()["network"]
        srv.kill9()                     # leaves the -wal and -shm behind
        files = [tmp_path / ("neutrino.sqlite" + s) for s in ("", "-wal", "-shm")]
        for path in files:
            path.chmod(0o644)
        srv.start()
        log = srv.log_path.read_text()
        for path in files:
            assert mode_of(path) == 0o600, "%s is %o" % (path, mode_of(path))
            assert "%s was open to group or others (mode 0644)" % path in log, path
        assert "open to others" not in log.replace("was open to group or others", "")
        assert Api(srv.url).get("/v2.0/networks/" + net["id"]).status_code == 200
        check_clean_exit(srv, srv.stop())
    finally:
        srv.stop()


def test_clouds_yaml_is_0600_even_over_a_stale_temporary_file(tmp_path):
    """clouds.yaml holds the generated passwords: a clouds.yaml.tmp left 0644 by a
    start that died must not lend it its mode."""
    stale = tmp_path / "clouds.yaml.tmp"
    stale.write_text("left over\n")
    stale.chmod(0o644)
    srv = sqlite_server(tmp_path, overrides={"neutron.conf": {
        "DEFAULT": {"auth_strategy": "keystone"}}})
    try:
        with umask(0o022):
            srv.start()
        clouds = tmp_path / "clouds.yaml"
        assert mode_of(clouds) == 0o600, "clouds.yaml is %o" % mode_of(clouds)
        assert "password:" in clouds.read_text()
        assert not stale.exists()
        check_clean_exit(srv, srv.stop())
    finally:
        srv.stop()


# --- PostgreSQL URLs ------------------------------------------------------------------

def exits_at_start(srv, timeout=8):
    """Runs 'srv' and waits for it to give up; its exit status and log."""
    srv.spawn()
    try:
        rc = srv.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        srv.stop()
        pytest.fail("neutrino-server still runs after %d s (retrying?)\n%s"
                    % (timeout, srv.log_tail()))
    return rc, srv.log_path.read_text(errors="replace")


@pytest.mark.parametrize("url, reason", [
    ("postgresql://user:%s@host:badport/db" % SECRET, 'port "badport" is not a number'),
    ("postgresql://user:%s@host:99999/db" % SECRET, 'port "99999" is not a number'),
    ("postgresql://user:s3c%%zz%s@host/db" % SECRET, "password has a '%'"),
    ("postgresql://user:%s/x@host/db" % SECRET, "an '@' after a '/'"),
    ("postgresql://user@x:%s@host/db" % SECRET, "more than one '@'"),
    ("postgresql://user:%s@[::1/db" % SECRET, "IPv6 host address"),
    ("postgresql://user:%s@host/db?colour=blue" % SECRET, "invalid URI query parameter"),
    ("postgresql+psycopg2://user:%s@host:5432x/db" % SECRET, 'port "5432x"'),
])
def test_malformed_postgresql_url_is_refused_without_its_password(tmp_path, url, reason):
    """The server exits at once (no waiting for a database that cannot be named) with
    the problem named, and the password appears nowhere in what it wrote."""
    srv = NeutrinoServer(tmp_path, database=url)
    rc, log = exits_at_start(srv)
    assert rc != 0, log
    assert "[database] connection: " in log and reason in log, log
    assert SECRET not in log, log


def test_unreachable_postgresql_is_reported_without_the_password(tmp_path):
    """A well-formed URL whose server does not answer: libpq's reason, no password."""
    srv = NeutrinoServer(tmp_path, {"neutron.conf": {"database": {"max_retries": "0"}}},
                         database="postgresql://user:%s@127.0.0.1:1/db" % SECRET)
    rc, log = exits_at_start(srv)
    assert rc != 0, log
    assert "cannot connect to PostgreSQL" in log and "127.0.0.1" in log, log
    assert SECRET not in log, log


# --- A full disk ----------------------------------------------------------------------

@contextlib.contextmanager
def small_filesystem(where, size="4m"):
    """A tmpfs of 'size' mounted on a new directory under 'where', unmounted after."""
    if os.getuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    mnt = where / "small-fs"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs",
                    str(mnt)], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt):
    """Writes a file that takes every free byte of 'mnt'; returns its path."""
    filler = mnt / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    with open(filler, "ab", buffering=0) as f:     # the last partial chunk's bytes
        try:
            while True:
                f.write(b"\0")
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    return filler


def write_until_refused(write, limit=400):
    """Calls write() until it is refused; the acknowledged results and the refusal.
    On a full disk SQLite still writes into what its WAL file already holds, so the
    first writes may pass."""
    acked = []
    for _ in range(limit):
        r = write()
        if r.status_code != 201:
            return acked, r
        acked.append(r.json())
    pytest.fail("%d writes acknowledged on a full disk" % limit)


def assert_storage_full(r):
    assert r.status_code == 503, r.text
    err = r.json()["NeutronError"]
    assert err["type"] == "ServiceUnavailable"
    assert "cannot write" in err["message"] and "disk" in err["message"]
    assert r.headers.get("Retry-After") == "60"


def assert_keystone_storage_full(r):
    assert r.status_code == 503, r.text
    err = r.json()["error"]
    assert (err["code"], err["title"]) == (503, "Service Unavailable")
    assert "cannot write" in err["message"]
    assert r.headers.get("Retry-After") == "60"


def test_full_disk_refuses_writes_with_503_and_keeps_reads(tmp_path):
    """Writes on a full disk answer 503 ServiceUnavailable (Retry-After) in the network
    API and Keystone's shape in the identity API; reads answer 200; once space is freed
    writes pass again, and every write acknowledged is there, after a restart too."""
    with small_filesystem(tmp_path) as mnt:
        srv = sqlite_server(tmp_path, mnt / "neutrino.sqlite", identity_overrides())
        try:
            srv.start()
            cloud = Cloud(srv.url)
            api = cloud.api("admin")
            first = make_network(api).json()["network"]
            filler = fill(mnt)

            acked, refused = write_until_refused(lambda: make_network(api))
            assert_storage_full(refused)
            assert "the database's disk is full" in srv.log_path.read_text()
            cidrs = ("10.%d.%d.0/24" % (i // 256, i % 256) for i in itertools.count(1))
            _, refused = write_until_refused(lambda: api.post("/v2.0/subnets", {"subnet": {
                "network_id": first["id"], "ip_version": 4, "cidr": next(cidrs)}}))
            assert_storage_full(refused)
            _, refused = write_until_refused(lambda: api.post("/v2.0/ports", {"port": {
                "network_id": first["id"]}}))
            assert_storage_full(refused)

            ids = {first["id"]} | {a["network"]["id"] for a in acked}
            r = api.get("/v2.0/networks")
            assert r.status_code == 200
            assert ids <= {n["id"] for n in r.json()["networks"]}
            assert api.get("/v2.0/networks/" + first["id"]).status_code == 200

            _, refused = write_until_refused(lambda: cloud.admin_call(
                "POST", "/projects", {"project": {"name": uname("stp")}}))
            assert_keystone_storage_full(refused)
            _, refused = write_until_refused(lambda: cloud.issue("demo"))
            assert_keystone_storage_full(refused)
            assert cloud.admin_call("GET", "/projects").status_code == 200

            filler.unlink()
            r = make_network(api)
            assert r.status_code == 201, r.text
            ids.add(r.json()["network"]["id"])
            r = cloud.admin_call("POST", "/projects", {"project": {"name": uname("stp")}})
            assert r.status_code == 201, r.text

            srv.restart()
            api = Cloud(srv.url).api("admin")
            listed = {n["id"] for n in api.get("/v2.0/networks").json()["networks"]}
            assert ids <= listed
            check_clean_exit(srv, srv.stop())
        finally:
            srv.stop()


def test_full_disk_on_postgresql_refuses_writes_with_503(tmp_path):
    """PostgreSQL's disk_full (SQLSTATE 53100, "could not extend file") is the same 503
    as SQLite's full disk.  A full disk under a test cluster would crash it (its WAL
    cannot grow either), so a trigger raises that SQLSTATE where the insert would."""
    import pg_cluster
    if pg_cluster.wanted() != "postgresql":
        pytest.skip("PostgreSQL's disk_full needs NEUTRINO_TEST_DB=postgresql")
    srv = NeutrinoServer(tmp_path)
    cluster = pg_cluster.cluster()
    db = (tmp_path / "pgdb").read_text().strip()
    try:
        srv.start()
        api = Api(srv.url)
        first = make_network(api).json()["network"]
        cluster.psql(db, "CREATE FUNCTION no_space() RETURNS trigger LANGUAGE plpgsql AS"
                         " $$ BEGIN RAISE EXCEPTION 'could not extend file'"
                         " USING ERRCODE = 'disk_full'; END $$;"
                         "CREATE TRIGGER networks_full BEFORE INSERT ON networks"
                         " FOR EACH ROW EXECUTE FUNCTION no_space()")
        assert_storage_full(make_network(api))
        assert api.get("/v2.0/networks/" + first["id"]).status_code == 200
        cluster.psql(db, "DROP TRIGGER networks_full ON networks")
        assert make_network(api).status_code == 201
        check_clean_exit(srv, srv.stop())
    finally:
        srv.stop()
