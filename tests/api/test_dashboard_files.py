"""The dashboard's files as neutrino-server serves them (docs/behaviour/dashboard.md
§1): under /dashboard/, assets by name and every other path the app itself (it routes in
the browser), browsers sent there from /, API clients untouched, nothing outside the
dashboard's directory reachable."""

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


def test_assets_stay_small(url):
    total = sum(len(get(url, p).content) for p in ("/dashboard/", "/dashboard/app.js",
                                                   "/dashboard/style.css"))
    assert total < 200 * 1024
