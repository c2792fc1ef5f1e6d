"""Fixtures for the API tests.

By default a neutrino-server is started for the whole session (binary from
$NEUTRINO_SERVER, else <repo>/build/src/server/neutrino-server) on a free port of
127.0.0.1, with the reference neutron.conf and ml2_conf.ini (BASE_CONFIG below, the
configuration the real Neutron Zed is compared under; see README.md).  With
$NEUTRINO_TEST_URL set the tests talk to that server instead (e.g. the real Neutron
Zed on :19696); tests that need a server of their own then skip, and tests of
deliberate neutrino differences (marker neutrino_only) skip too.

With NEUTRINO_TEST_DB=postgresql every server the tests start keeps its data in a
database of its own on a private PostgreSQL the session starts (pg_cluster.py)
instead of a SQLite file; the tests themselves are the same.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

import pg_cluster
from api_helpers import Api, Resources

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO / "build" / "src" / "server" / "neutrino-server"
EXTERNAL_URL = os.environ.get("NEUTRINO_TEST_URL", "").rstrip("/")
START_TIMEOUT_S = 10.0

# The reference configuration, which the real Neutron Zed is compared under too (README.md),
# as {file: {section: {key: value}}}; STATE, PORT are filled in per server.
BASE_CONFIG = {
    "neutron.conf": {
        "DEFAULT": {
            "core_plugin": "ml2",
            "service_plugins": "",
            "bind_host": "127.0.0.1",
            "bind_port": "{port}",
            "auth_strategy": "noauth",
            "state_path": "{state}",
            "api_workers": "2",
            "rpc_workers": "0",
            "rpc_state_report_workers": "0",
            "transport_url": "fake:/",
            "notify_nova_on_port_status_changes": "false",
            "notify_nova_on_port_data_changes": "false",
        },
        "database": {"connection": "sqlite:///{state}/neutrino.sqlite"},
        "oslo_concurrency": {"lock_path": "{state}/lock"},
        "experimental": {"linuxbridge": "true"},
    },
    "ml2_conf.ini": {
        "ml2": {
            "type_drivers": "local,flat,vlan,gre,vxlan",
            "tenant_network_types": "local",
            "mechanism_drivers": "linuxbridge",
        },
        "ml2_type_flat": {"flat_networks": "provider"},
        "ml2_type_vlan": {"network_vlan_ranges": "provider:100:199"},
        "ml2_type_vxlan": {"vni_ranges": "1000:1999"},
        "ml2_type_gre": {"tunnel_id_ranges": "1:100"},
    },
}

# The servers started by this session, so a failing test can show their logs.
_SERVERS = []


def die_with_parent():
    """In a child before exec: SIGKILL it if the test process dies (a killed test run
    leaves no server behind)."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_binary():
    return Path(os.environ.get("NEUTRINO_SERVER") or DEFAULT_BINARY)


class NeutrinoServer:
    """One neutrino-server process with its own state directory.

    'overrides' is {file: {section: {key: value}}} merged over BASE_CONFIG; a value
    of None removes the key.  restart() keeps the directory, hence the database."""

    def __init__(self, state_dir, overrides=None, database=None):
        self.state = Path(state_dir)
        self.database = database or self._database()
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = self.state / "server.log"
        self.proc = None
        self.overrides = overrides or {}
        self.config_files = []
        self._write_config()

    def _database(self):
        """The [database] connection: a SQLite file in the state directory, or on
        PostgreSQL a database of this state directory's own (kept in 'pgdb', so a
        server started again on the same directory finds its data)."""
        if pg_cluster.wanted() == "sqlite":
            return "sqlite:///%s/neutrino.sqlite" % self.state
        cluster = pg_cluster.cluster()
        marker = self.state / "pgdb"
        if marker.exists():
            name = marker.read_text().strip()
        else:
            name = cluster.new_database()
            marker.write_text(name)
        return cluster.url(name)

    def _write_config(self):
        self.config_files = []
        for fname, sections in BASE_CONFIG.items():
            merged = {sec: dict(keys) for sec, keys in sections.items()}
            if fname == "neutron.conf":
                merged["database"]["connection"] = self.database
            for sec, keys in self.overrides.get(fname, {}).items():
                merged.setdefault(sec, {})
                for k, v in keys.items():
                    if v is None:
                        merged[sec].pop(k, None)
                    else:
                        merged[sec][k] = v
            lines = []
            for sec, keys in merged.items():
                lines.append("[%s]" % sec)
                for k, v in keys.items():
                    v = str(v).replace("{state}", str(self.state))
                    v = v.replace("{port}", str(self.port))
                    lines.append("%s = %s" % (k, v))
                lines.append("")
            path = self.state / fname
            path.write_text("\n".join(lines))
            self.config_files.append(path)

    def start(self):
        self.spawn()
        return self.wait_ready()

    def spawn(self):
        """Starts the process without waiting for it to answer.  Call it from the
        thread that will outlive the server: the death signal follows the thread."""
        binary = server_binary()
        if not binary.exists():
            pytest.fail("neutrino-server binary not found at %s (build it or set "
                        "NEUTRINO_SERVER)" % binary)
        cmd = [str(binary)]
        for f in self.config_files:
            cmd += ["--config-file", str(f)]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     cwd=str(self.state), preexec_fn=die_with_parent)
        log.close()
        if self not in _SERVERS:
            _SERVERS.append(self)

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("neutrino-server exited with %s during start-up\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("neutrino-server did not answer GET / within %.0f s\n%s"
                           % (START_TIMEOUT_S, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stops the process (by its PID); SIGKILL if it does not exit in time."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        rc = self.proc.returncode
        self.proc = None
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        return self.start()

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(["--- %s (last %d lines) ---" % (self.log_path, lines)]
                         + text[-lines:])


class ExternalServer:
    """An already-running server given by NEUTRINO_TEST_URL."""

    def __init__(self, url):
        self.url = url
        self.proc = None

    def alive(self):
        return True

    def log_tail(self, lines=40):
        return ""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "neutrino_only: checks a deliberate neutrino difference from Neutron Zed "
        "(or a case where Zed fails with 500)")
    config.addinivalue_line(
        "markers", "own_server: starts servers of its own (skipped with NEUTRINO_TEST_URL)")


def pytest_collection_modifyitems(config, items):
    if not EXTERNAL_URL:
        return
    skip = pytest.mark.skip(reason="neutrino-specific (a deliberate difference, or where Zed "
                                   "answers 500); not checked against NEUTRINO_TEST_URL")
    for item in items:
        if "neutrino_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for srv in _SERVERS:
            tail = srv.log_tail()
            if tail:
                report.sections.append(("neutrino-server log %s" % srv.url, tail))


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def check_sanitizers(srv):
    """Fails if the server's log holds an AddressSanitizer/LeakSanitizer/UBSan report."""
    text = srv.log_path.read_text(errors="replace")
    found = [m for m in SANITIZER_MARKS if m in text]
    assert not found, "sanitizer report in the server log:\n%s" % srv.log_tail(80)


def check_clean_exit(srv, rc):
    """A server stopped with SIGTERM must exit 0 with no sanitizer report."""
    check_sanitizers(srv)
    assert rc in (0, None), "neutrino-server exited with %s\n%s" % (rc, srv.log_tail())


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The server every test talks to."""
    if EXTERNAL_URL:
        yield ExternalServer(EXTERNAL_URL)
        return
    srv = NeutrinoServer(tmp_path_factory.mktemp("neutrino"))
    try:
        srv.start()
    except RuntimeError as e:
        pytest.exit(str(e), returncode=3)
    yield srv
    rc = srv.stop()
    check_clean_exit(srv, rc)


@pytest.fixture(autouse=True)
def _server_still_running(request):
    """Fails the test if the session server died while it ran."""
    yield
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        if not srv.alive():
            pytest.fail("neutrino-server is no longer running\n" + srv.log_tail())


@pytest.fixture(scope="session")
def url(server):
    return server.url


@pytest.fixture(scope="session")
def api(url):
    return Api(url)


@pytest.fixture(scope="session")
def conn(url):
    """openstacksdk connection (noauth) to the server."""
    import openstack
    return openstack.connect(auth_type="none", auth={"endpoint": url},
                             network_endpoint_override=url + "/")


@pytest.fixture
def res(api):
    """Creates resources for one test and deletes them afterwards."""
    r = Resources(api)
    yield r
    problems = r.cleanup()
    assert not problems, "cleanup failed: %s" % problems


@pytest.fixture(scope="module")
def mres(api):
    """Like res, for module-scoped fixtures."""
    r = Resources(api)
    yield r
    r.cleanup()


@pytest.fixture
def start_server(tmp_path_factory):
    """Factory: start_server(overrides=None, state_dir=None) -> a running NeutrinoServer.

    'overrides' is {"neutron.conf"|"ml2_conf.ini": {section: {key: value}}}.
    Passing the state_dir of an earlier server reuses its database.  Every server
    started here is stopped at the end of the test.  Skips with NEUTRINO_TEST_URL."""
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own (NEUTRINO_TEST_URL is set)")
    started = []

    def start(overrides=None, state_dir=None):
        state = state_dir or tmp_path_factory.mktemp("neutrino-extra")
        srv = NeutrinoServer(state, overrides)
        started.append(srv)
        try:
            srv.start()
        except RuntimeError as e:
            pytest.fail(str(e))
        return srv

    yield start
    for srv in started:
        srv.stop()
        if srv.log_path.exists():
            check_sanitizers(srv)
        if srv in _SERVERS:
            _SERVERS.remove(srv)


def _identity_server(tmp_path_factory, extra=None):
    from identity_helpers import Cloud, identity_overrides
    if EXTERNAL_URL:
        pytest.skip("needs a neutrino-server of its own (NEUTRINO_TEST_URL is set)")
    srv = NeutrinoServer(tmp_path_factory.mktemp("neutrino-ks"), identity_overrides(extra))
    try:
        srv.start()
    except RuntimeError as e:
        pytest.fail(str(e))
    return srv, Cloud(srv.url).setup()


@pytest.fixture(scope="session")
def ks_server(tmp_path_factory):
    """A server with the built-in identity service (new policy defaults) and its Cloud:
    admin, demo (member of demo), alt (member of alt), rdr (reader of demo)."""
    srv, cloud = _identity_server(tmp_path_factory)
    cloud.server = srv
    yield cloud
    rc = srv.stop()
    check_clean_exit(srv, rc)


@pytest.fixture(scope="session")
def ks_legacy(tmp_path_factory):
    """Like ks_server, with Zed's defaults ([oslo_policy] enforce_new_defaults = false)."""
    srv, cloud = _identity_server(tmp_path_factory, {
        "neutron.conf": {"oslo_policy": {"enforce_new_defaults": "false"}}})
    cloud.server = srv
    yield cloud
    rc = srv.stop()
    check_clean_exit(srv, rc)
