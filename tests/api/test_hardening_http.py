"""The HTTP front's limits on what one client can make the server hold (README,
"Limits"): open connections per client address ([DEFAULT] max_connections_per_client),
the memory for a request's line and headers (max_header_size) and the length of one
header line (max_header_line), and the deadline for a connection's next complete
request (client_socket_timeout), which long-polls in progress are not subject to.
Also: every answer says X-Content-Type-Options: nosniff, and the dashboard serves no
file through a symbolic link."""

import os
import shutil
import socket
import time

import pytest
import requests

from api_helpers import uname

pytestmark = [pytest.mark.own_server, pytest.mark.neutrino_only]

REQUEST = b"GET /v2.0/networks HTTP/1.1\r\nHost: t\r\n\r\n"


def options(**default):
    return {"neutron.conf": {"DEFAULT": {k: str(v) for k, v in default.items()}}}


def connect(srv, timeout=5):
    return socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)


def read_answer(sock):
    """Reads one answer with a Content-Length body; returns its status line, or None if
    the server closed the connection (or reset it) without one."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except ConnectionResetError:
        return None
    return head.split(b"\r\n")[0].decode()


def ask(sock):
    """Sends a list request on an open connection and returns the answer's status line
    (None: the connection was closed)."""
    try:
        sock.sendall(REQUEST)
    except (BrokenPipeError, ConnectionResetError):
        return None
    return read_answer(sock)


def closed_within(sock, seconds):
    """True if the server closes 'sock' (end of stream or reset) within 'seconds'; any
    answer it sends first is read and skipped."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


# --- connections per client address ---------------------------------------------------

def test_connections_beyond_the_per_client_limit_are_closed(start_server):
    srv = start_server(options(max_connections_per_client=6))
    socks = []
    try:
        for _ in range(6):
            socks.append(connect(srv))
            assert ask(socks[-1]) == "HTTP/1.1 200 OK"
        extra = connect(srv)
        socks.append(extra)
        assert ask(extra) is None, "a 7th connection from one address was served"
        assert ask(socks[0]) == "HTTP/1.1 200 OK", "a client within the limit lost service"
        # Another address (all of 127/8 is loopback) has a limit of its own.
        other = socket.create_connection(("127.0.0.1", srv.port), timeout=5,
                                         source_address=("127.0.0.2", 0))
        socks.append(other)
        assert ask(other) == "HTTP/1.1 200 OK", "another client address was refused"
        for s in socks[:3]:
            s.close()
        # The server forgets closed connections as its threads see them go.
        deadline = time.monotonic() + 10
        while True:
            again = connect(srv)
            socks.append(again)
            if ask(again) == "HTTP/1.1 200 OK":
                break
            assert time.monotonic() < deadline, "no connection accepted after others closed"
            time.sleep(0.1)
        assert ask(socks[3]) == "HTTP/1.1 200 OK"
    finally:
        for s in socks:
            s.close()


def test_the_unix_socket_has_no_per_client_limit(start_server, tmp_path):
    path = str(tmp_path / "neutrino.sock")
    srv = start_server(options(max_connections_per_client=2, bind_unix_socket=path))
    socks = []
    try:
        for _ in range(6):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(5)
            s.connect(path)
            socks.append(s)
            assert ask(s) == "HTTP/1.1 200 OK"
    finally:
        for s in socks:
            s.close()


# --- header size -----------------------------------------------------------------------

def test_headers_beyond_the_budget_are_refused(start_server):
    srv = start_server(options(max_header_size=16384))
    url = srv.url + "/v2.0/networks"
    assert requests.get(url, headers={"X-Auth-Token": "t" * 12000}, timeout=10).status_code \
        == 200
    with connect(srv, timeout=10) as s:
        s.sendall(b"GET /v2.0/networks HTTP/1.1\r\nHost: t\r\nX-Big: " + b"h" * 20000
                  + b"\r\n\r\n")
        status = read_answer(s)
    assert status is None or status.split()[1] in ("413", "431"), status
    # The server goes on serving.
    assert requests.get(url, timeout=10).status_code == 200


def test_header_line_beyond_max_header_line_is_refused(start_server):
    srv = start_server(options(max_header_line=4096))
    url = srv.url + "/v2.0/networks"
    assert requests.get(url, headers={"X-Auth-Token": "t" * 4000}, timeout=10).status_code \
        == 200
    r = requests.get(url, headers={"X-Auth-Token": "t" * 5000}, timeout=10)
    assert r.status_code == 400
    err = r.json()["NeutronError"]
    assert err["type"] == "HTTPBadRequest" and "4096" in err["message"]


def test_unfinished_headers_hold_bounded_memory(start_server):
    """200 connections each send 200 KB of headers that never end.  With 256 KB per
    connection (the old budget) the server held all of it, 40 MB; within the default
    64 KB budget each is answered 431 and closed once it passes the budget."""
    srv = start_server()
    pid = srv.proc.pid
    n, size = 200, 200 * 1024
    chunk = b"X-Filler: " + b"f" * 1000 + b"\r\n"
    payload = b"GET /v2.0/networks HTTP/1.1\r\nHost: t\r\n" + chunk * (size // len(chunk))
    socks = []
    before = rss_kib(pid)
    try:
        for _ in range(n):
            s = connect(srv, timeout=5)
            socks.append(s)
            try:
                s.sendall(payload)
            except OSError:
                pass    # Answered and closed before all of it was sent.
        # Let the server read what it will: its RSS stops moving.
        last, stable_since = rss_kib(pid), time.monotonic()
        deadline = time.monotonic() + 10
        while time.monotonic() - stable_since < 1.0 and time.monotonic() < deadline:
            time.sleep(0.2)
            now = rss_kib(pid)
            if abs(now - last) > 256:
                last, stable_since = now, time.monotonic()
        growth_kib = rss_kib(pid) - before
    finally:
        for s in socks:
            s.close()
    old_budget_kib = n * size // 1024
    assert growth_kib < old_budget_kib * 0.4, (
        "RSS grew by %d KiB for %d unfinished requests (the old budget held %d KiB)"
        % (growth_kib, n, old_budget_kib))


# --- the deadline for a request ---------------------------------------------------------

def test_idle_connection_is_closed_after_the_timeout(start_server):
    srv = start_server(options(client_socket_timeout=1))
    with connect(srv) as silent, connect(srv) as kept_alive:
        assert ask(kept_alive) == "HTTP/1.1 200 OK"
        assert closed_within(silent, 6), "a silent connection outlived the timeout"
        assert closed_within(kept_alive, 6), "an idle keep-alive connection outlived it"


def test_trickled_headers_are_cut_off(start_server):
    """Slowloris: a header byte every 0.2 s keeps a connection active but never makes a
    request; the deadline does not move with each byte."""
    srv = start_server(options(client_socket_timeout=2))
    with connect(srv) as s:
        s.sendall(b"GET /v2.0/networks HTTP/1.1\r\nHost: t\r\n")
        start = time.monotonic()
        closed = False
        try:
            while time.monotonic() - start < 8:
                s.sendall(b"X")
                s.settimeout(0.2)
                try:
                    if not s.recv(4096):
                        closed = True
                        break
                except socket.timeout:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        assert closed, "a connection trickling its headers was kept for 8 s"
        assert time.monotonic() - start < 6


def test_long_poll_outlives_the_timeout(start_server):
    srv = start_server(options(client_socket_timeout=1))
    base = srv.url + "/agent/v1/changes"
    host = uname("host")
    seq = requests.get(base, params={"host": host, "after": 0, "wait": 0},
                       timeout=10).json()["seq"]
    start = time.monotonic()
    r = requests.get(base, params={"host": host, "after": seq, "wait": 3}, timeout=20)
    assert r.status_code == 200, r.text
    assert time.monotonic() - start >= 2.5


# --- nosniff ----------------------------------------------------------------------------

def test_every_answer_says_nosniff(url):
    for path, status in (("/", 200), ("/v2.0/networks", 200), ("/v2.0/nope", 404),
                         ("/v2.0/networks/" + "x" * 3000, 404), ("/v3", 200),
                         ("/identity/v3/auth/tokens", 401),
                         ("/dashboard/app.js", 200), ("/dashboard/missing.js", 404)):
        r = requests.get(url + path, timeout=10, allow_redirects=False)
        assert r.status_code == status, path
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
    r = requests.post(url + "/v2.0/networks", data="{", timeout=10)
    assert r.status_code == 400
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


# --- the dashboard's files --------------------------------------------------------------

@pytest.fixture
def linked_dashboard(tmp_path):
    """A copy of the dashboard with a link to a file outside it and a link to a
    directory outside it."""
    source = os.path.join(os.path.dirname(__file__), "..", "..", "dashboard")
    root = tmp_path / "dashboard"
    shutil.copytree(source, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.js").write_text("root:x:0:0:secret\n")
    os.symlink(outside / "secret.js", root / "passwd.js")
    os.symlink("/etc/passwd", root / "etc-passwd.txt")
    os.symlink(outside, root / "linked")
    return root


def test_dashboard_follows_no_symbolic_link(start_server, linked_dashboard):
    srv = start_server({"neutron.conf": {"dashboard": {"root": str(linked_dashboard)}}})
    for path in ("/dashboard/passwd.js", "/dashboard/etc-passwd.txt",
                 "/dashboard/linked/secret.js"):
        r = requests.get(srv.url + path, timeout=10)
        assert r.status_code == 404, path
        assert "root:" not in r.text
    r = requests.get(srv.url + "/dashboard/app.js", timeout=10)
    assert r.status_code == 200 and r.text == (linked_dashboard / "app.js").read_text()


# --- links: public_endpoint, else the client's Host -------------------------------------

def next_link(srv, host):
    r = requests.get(srv.url + "/v2.0/networks", params={"limit": 1},
                     headers={"Host": host}, timeout=10)
    assert r.status_code == 200, r.text
    return [link["href"] for link in r.json()["networks_links"] if link["rel"] == "next"][0]


def test_links_follow_public_endpoint_not_the_host_header(start_server):
    public = "http://neutron.example:9696"
    srv = start_server({"neutron.conf": {"identity": {"public_endpoint": public + "/"}}})
    for name in ("a", "b"):
        r = requests.post(srv.url + "/v2.0/networks", json={"network": {"name": uname(name)}},
                          timeout=10)
        assert r.status_code == 201, r.text
    assert next_link(srv, "evil.example").startswith(public + "/v2.0/networks?")
    versions = requests.get(srv.url + "/", headers={"Host": "evil.example"}, timeout=10).json()
    assert all(link["href"].startswith(public + "/")
               for v in versions["versions"] for link in v["links"])


def test_without_public_endpoint_links_follow_the_host_header(start_server):
    srv = start_server()
    for name in ("a", "b"):
        requests.post(srv.url + "/v2.0/networks", json={"network": {"name": uname(name)}},
                      timeout=10)
    assert next_link(srv, "client.example:1234").startswith("http://client.example:1234/")
