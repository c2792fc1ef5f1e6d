"""Does a flood of unauthenticated logins stall the rest of the API?  Prints figures,
asserts nothing (machines are shared; compare builds on the same machine).

Starts the given neutrino-server with the built-in identity service on a fresh SQLite
database, takes an admin token, creates one network, then measures the latency of an
authenticated GET /v2.0/networks/{id} (one keep-alive client, one request at a time):
  1. idle: nothing else running;
  2. flood: while 8 clients keep posting wrong passwords for new user names to
     POST /identity/v3/auth/tokens (each login costs an argon2id hash).
Prints p50/p95/max of both phases, the ratio of the p50s, the logins answered per
second with the flood alone and while the GETs run, and what the flooding clients were
answered (401 wrong password, 429 login queue full, ...).

  /usr/bin/python3 bench/login_flood_bench.py [--seconds 8] [--clients 8] SERVER
"""

import argparse
import collections
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid

import requests

ADMIN_PW = "bench-admin-pw"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def login_body(name, password, project=None):
    dom = {"name": "Default"}
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": name, "domain": dom, "password": password}}}}}
    if project:
        body["auth"]["scope"] = {"project": {"name": project, "domain": dom}}
    return body


def start(binary, state):
    port = free_port()
    conf = os.path.join(state, "neutron.conf")
    with open(conf, "w") as f:
        f.write("[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %d\nstate_path = %s\n"
                "auth_strategy = keystone\n[database]\nconnection = sqlite:///%s/db.sqlite\n"
                "[identity]\nadmin_password = %s\n" % (port, state, state, ADMIN_PW))
    ml2 = os.path.join(state, "ml2_conf.ini")
    with open(ml2, "w") as f:
        f.write("[ml2]\ntype_drivers = local\ntenant_network_types = local\n")
    log = open(os.path.join(state, "server.log"), "wb")
    proc = subprocess.Popen([binary, "--config-file", conf, "--config-file", ml2],
                            stdout=log, stderr=log)
    url = "http://127.0.0.1:%d" % port
    for _ in range(200):
        try:
            requests.get(url + "/", timeout=1)
            return proc, url
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start; see %s/server.log" % state)


def sample_gets(session, url, token, seconds):
    """Latencies (ms) of sequential GETs for 'seconds'; failures counted apart."""
    lat, failed = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        try:
            r = session.get(url, headers={"X-Auth-Token": token}, timeout=30)
            ok = r.status_code == 200
        except requests.RequestException:
            ok = False
        if ok:
            lat.append((time.perf_counter() - t0) * 1000)
        else:
            failed += 1
    return lat, failed


def describe(name, lat, failed):
    if not lat:
        print("%-6s no successful request (%d failed)" % (name, failed))
        return None
    lat = sorted(lat)
    p50 = statistics.median(lat)
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    print("%-6s GET /v2.0/networks/{id}: n=%d p50=%.2f ms p95=%.2f ms max=%.2f ms failed=%d"
          % (name, len(lat), p50, p95, lat[-1], failed))
    return p50


def flooder(url, stop, counts, lock):
    s = requests.Session()
    while not stop.is_set():
        name = "flood-" + uuid.uuid4().hex[:12]
        try:
            r = s.post(url + "/identity/v3/auth/tokens", json=login_body(name, "wrong"),
                       timeout=30)
            key = r.status_code
        except requests.RequestException as e:
            key = type(e).__name__
        with lock:
            counts[key] += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("server")
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="neutrino-lfb.")
    proc, url = start(args.server, state)
    try:
        r = requests.post(url + "/identity/v3/auth/tokens",
                          json=login_body("admin", ADMIN_PW, "admin"), timeout=30)
        token = r.headers["X-Subject-Token"]
        net = requests.post(url + "/v2.0/networks", json={"network": {"name": "lfb"}},
                            headers={"X-Auth-Token": token}, timeout=30).json()["network"]
        target = url + "/v2.0/networks/" + net["id"]
        session = requests.Session()
        sample_gets(session, target, token, 1)   # Warm-up.
        idle = describe("idle", *sample_gets(session, target, token, args.seconds))

        stop, lock = threading.Event(), threading.Lock()
        counts = collections.Counter()
        threads = [threading.Thread(target=flooder, args=(url, stop, counts, lock))
                   for _ in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(1)   # Let the flood build up.
        with lock:
            before = sum(counts.values())
        time.sleep(args.seconds / 2)
        with lock:
            alone = sum(counts.values()) - before
        print("flood  alone: %.1f logins/s answered" % (alone / (args.seconds / 2)))
        with lock:
            before = sum(counts.values())
        t0 = time.monotonic()
        flood = describe("flood", *sample_gets(session, target, token, args.seconds))
        elapsed = time.monotonic() - t0
        with lock:
            during = sum(counts.values()) - before
        stop.set()
        for t in threads:
            t.join()
        total = sum(counts.values())
        print("flood  with the GETs: %.1f logins/s answered" % (during / elapsed))
        print("flood  %d clients, %d logins answered in all: %s" % (
            args.clients, total,
            ", ".join("%s: %d" % (k, v) for k, v in sorted(counts.items(), key=str))))
        if idle and flood:
            print("ratio  flood p50 / idle p50 = %.1fx (goal: at most 2x)" % (flood / idle))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
