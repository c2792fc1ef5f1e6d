"""Network lists through RBAC policies: prints figures, asserts nothing.

10,000 networks of 100 other projects; 1,000 of them are shared with project P by
project-specific access_as_shared policies (and 100 more with other projects).  Prints
the time of GET /v2.0/networks as a member of P (1,000 networks in the answer), as a
member of a project nothing is shared with (an empty answer: the cost of the visibility
test alone) and as the admin (all 10,000), each the median and the extremes of 20 runs,
and the server's own time for the request (its log's duration_ms).  Goal: P's list
under 100 ms.

    make release && /usr/bin/python3 bench/rbac_list_bench.py build-release/src/server/neutrino-server
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time
import uuid

import requests

NETWORKS = 10_000
SHARED_WITH_P = 1_000
SHARED_ELSEWHERE = 100
RUNS = 20
BULK = 500


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(binary, state):
    port = free_port()
    conf = os.path.join(state, "neutron.conf")
    with open(conf, "w") as f:
        f.write("[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %d\nstate_path = %s\n"
                "auth_strategy = noauth\n[database]\nconnection = sqlite:///%s/db.sqlite\n"
                % (port, state, state))
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


def post_bulk(s, url, collection, items):
    r = s.post("%s/v2.0/%s" % (url, collection), json={collection: items}, timeout=600)
    if r.status_code != 201:
        raise SystemExit("%s: %d %s" % (collection, r.status_code, r.text[:300]))
    return r.json()[collection]


def fill(s, url, p):
    ids = []
    for start_at in range(0, NETWORKS, BULK):
        items = [{"name": "n%05d" % i, "tenant_id": "owner%02d" % (i % 100)}
                 for i in range(start_at, min(NETWORKS, start_at + BULK))]
        ids += [n["id"] for n in post_bulk(s, url, "networks", items)]
    policies = [{"object_type": "network", "object_id": nid, "action": "access_as_shared",
                 "target_tenant": p} for nid in ids[::NETWORKS // SHARED_WITH_P]]
    policies += [{"object_type": "network", "object_id": nid, "action": "access_as_shared",
                  "target_tenant": "elsewhere"}
                 for nid in ids[1::NETWORKS // SHARED_ELSEWHERE]]
    for start_at in range(0, len(policies), BULK):
        r = s.post(url + "/v2.0/rbac-policies",
                   json={"rbac_policies": policies[start_at:start_at + BULK]}, timeout=600)
        if r.status_code != 201:
            raise SystemExit("rbac-policies: %d %s" % (r.status_code, r.text[:300]))


def server_ms(log_path, request_id):
    with open(log_path, errors="replace") as f:
        for line in f:
            if request_id in line:
                m = re.search(r"duration_ms=([0-9.]+)", line)
                return float(m.group(1)) if m else None
    return None


def measure(s, url, log_path, headers, label):
    wall, server, count = [], [], 0
    for _ in range(RUNS):
        t = time.perf_counter()
        r = s.get(url + "/v2.0/networks", headers=headers, timeout=60)
        wall.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
        count = len(r.json()["networks"])
        server.append(r.headers.get("X-Openstack-Request-Id"))
    time.sleep(0.2)     # the log line is written after the answer
    server_times = [x for x in (server_ms(log_path, rid) for rid in server) if x is not None]
    print("%-34s %6d networks  wall p50 %7.1f ms (min %6.1f, max %6.1f)  server p50 %7.1f ms"
          % (label, count, statistics.median(wall), min(wall), max(wall),
             statistics.median(server_times) if server_times else float("nan")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server", help="neutrino-server binary (a release build)")
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="rbac-bench-")
    proc, url = start(args.server, state)
    p = "project-p-" + uuid.uuid4().hex[:8]
    try:
        s = requests.Session()
        t = time.perf_counter()
        fill(s, url, p)
        print("made %d networks and %d policies in %.1f s" % (
            NETWORKS, SHARED_WITH_P + SHARED_ELSEWHERE, time.perf_counter() - t))
        log_path = os.path.join(state, "server.log")
        member = {"X-Roles": "member"}
        measure(s, url, log_path, dict(member, **{"X-Project-Id": p}),
                "member of P (1,000 shared with it)")
        measure(s, url, log_path, dict(member, **{"X-Project-Id": "nobody"}),
                "member of a project with none")
        measure(s, url, log_path, {}, "admin (sees all)")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
