"""The dashboard's files as neutrino-server serves them (docs/behaviour/dashboard.md
§1): under /dashboard/, assets by name and every other path the app itself (it routes in
the browser), browsers sent there from /, API clients untouched, nothing outside the
dashboard's directory reachable."""

import gzip
import re

import requests
import pytest


def get(url, path, **kw):
    return requests.get(url + path, timeout=10, allow_redirects=False, **kw)


def test_assets_with_their_types_and_headers(url):
    for path, ctype in (("/dashboard/", "text/html"), ("/dashboard/app.js", "text/javascript"),
                        ("/dashboard/style.css", "text/css")):
        r = get(url, path)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].startswith(ctype), path
        assert r.headers["Cache-Control"] == "no-cache"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert "<script type=\"module\" src=\"/dashboard/app.js\"" in get(url, "/dashboard/").text


def test_pages_of_the_app_are_the_app(url):
    index = get(url, "/dashboard/").text
    for page in ("/dashboard/project/networks/", "/dashboard/admin/info/",
                 "/dashboard/project/networks/abc/detail", "/dashboard/auth/login/"):
        r = get(url, page)
        assert r.status_code == 200 and r.text == index, page
    assert get(url, "/dashboard").status_code == 301
    assert get(url, "/dashboard").headers["Location"] == "/dashboard/"


def test_missing_and_unsafe_paths(url):
    assert get(url, "/dashboard/nope.js").status_code == 404
    for path in ("/dashboard/../etc/passwd", "/dashboard/..%2f..%2fetc%2fpasswd",
                 "/dashboard/.hidden.js", "/dashboard/a//b.js"):
        r = get(url, path)
        assert r.status_code in (404, 400), path
        assert "root:" not in r.text
    # A NUL ends the path where it is: what remains is served, never more.
    r = get(url, "/dashboard/%00.js")
    assert r.status_code in (200, 400, 404) and "root:" not in r.text
    assert requests.post(url + "/dashboard/app.js", timeout=10).status_code == 405
    h = requests.head(url + "/dashboard/app.js", timeout=10)
    assert h.status_code == 200 and h.text == ""


def test_browsers_are_sent_to_the_dashboard_and_api_clients_are_not(url):
    browser = get(url, "/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 302 and browser.headers["Location"] == "/dashboard/"
    api = get(url, "/", headers={"Accept": "application/json"})
    assert api.status_code == 200 and "versions" in api.json()
    assert "versions" in get(url, "/").json()


def wire(url, path, encoding):
    """The status, headers and body bytes of an answer as they crossed the wire."""
    r = requests.get(url + path, timeout=10, stream=True,
                     headers={"Accept-Encoding": encoding} if encoding is not None else {})
    body = r.raw.read(decode_content=False)
    return r.status_code, r.headers, body


def test_text_files_go_gzip_compressed_to_clients_that_ask(url):
    for path in ("/dashboard/", "/dashboard/app.js", "/dashboard/core.js",
                 "/dashboard/style.css", "/dashboard/project/networks/"):
        status, headers, plain_body = wire(url, path, "identity")
        assert status == 200 and "Content-Encoding" not in headers, path
        assert headers["Vary"] == "Accept-Encoding"
        status, headers, gz_body = wire(url, path, "gzip, deflate, br")
        assert status == 200 and headers["Content-Encoding"] == "gzip", path
        assert headers["Vary"] == "Accept-Encoding"
        assert int(headers["Content-Length"]) == len(gz_body) < len(plain_body)
        assert gzip.decompress(gz_body) == plain_body, path
        # Asked again: the same bytes (the compressed form is kept).
        assert wire(url, path, "gzip")[2] == gz_body


def test_no_gzip_unless_asked_for_in_a_header_understood(url):
    _, _, plain_body = wire(url, "/dashboard/core.js", "identity")
    for encoding in ("", "identity", "deflate, br", "gzip;q=0", "*;q=0", "gzip;q=0, *",
                     "gzip;q=2", "gzip;level=9", "gzip;q=", "gzip q=1", "gzip;q=0.5x",
                     "gzip, " + "," * 1100):
        status, headers, body = wire(url, "/dashboard/core.js", encoding)
        assert status == 200, encoding
        assert "Content-Encoding" not in headers and body == plain_body, encoding
    # HEAD answers as GET would, without a body.
    h = requests.head(url + "/dashboard/core.js", timeout=10, headers={"Accept-Encoding": "gzip"})
    assert h.status_code == 200 and h.headers["Content-Encoding"] == "gzip"
    # Errors are never compressed.
    r = wire(url, "/dashboard/nope.js", "gzip")
    assert r[0] == 404 and "Content-Encoding" not in r[1]


def test_assets_stay_small(url):
    """What a browser transfers for a page (it asks for gzip): the index, its style sheet
    and every module it preloads, as compressed bytes on the wire."""
    index = get(url, "/dashboard/", headers={"Accept-Encoding": "identity"}).text
    assets = ["/dashboard/"] + re.findall(r'(?:href|src)="(/dashboard/[^"]+\.(?:js|css))"', index)
    assert "/dashboard/core.js" in assets and "/dashboard/style.css" in assets
    total = sum(len(wire(url, p, "gzip, deflate, br")[2]) for p in set(assets))
    assert total < 200 * 1024
