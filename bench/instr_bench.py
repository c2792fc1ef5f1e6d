"""Instructions per API operation, counted by valgrind's callgrind: repeatable figures
for comparing two builds of neutrino-server on a noisy machine (wall-clock rates on a
shared two-core machine swing by 30% from run to run; instruction counts do not).

For each server binary given, starts it under callgrind on a fresh SQLite database,
then, through one keep-alive HTTP session:
  1. creates one network and a /16 subnet,
  2. creates N ports, one request each,       -> instructions per port create
  3. shows each port once,                     -> instructions per port show
  4. lists the network's N ports 10 times,     -> instructions per listed port
  5. deletes each port,                        -> instructions per port delete
and prints, per phase, the server's instructions (Ir) divided by the count.  Each phase is
one callgrind dump (callgrind_control --dump before and after it).  Prints figures, asserts nothing.

  /usr/bin/python3 bench/instr_bench.py [-n 500] SERVER [SERVER...]
"""

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def total_ir(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return 0


def measure(binary, n):
    state = tempfile.mkdtemp(prefix="neutrino-ib.")
    port = free_port()
    conf = os.path.join(state, "neutron.conf")
    with open(conf, "w") as f:
        f.write("[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %d\nstate_path = %s\n"
                "auth_strategy = noauth\n[database]\nconnection = sqlite:///%s/db.sqlite\n"
                "[quotas]\nquota_port = -1\n"
                % (port, state, state))
    ml2 = os.path.join(state, "ml2_conf.ini")
    with open(ml2, "w") as f:
        f.write("[ml2]\ntype_drivers = local,flat,vlan,gre,vxlan\ntenant_network_types = local\n")
    out = os.path.join(state, "cg.out")
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary,
         "--config-file", conf, "--config-file", ml2],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    s = requests.Session()
    try:
        for _ in range(600):
            try:
                s.get(url + "/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        net = s.post(url + "/v2.0/networks", json={"network": {"name": "ib"}}).json()["network"]
        s.post(url + "/v2.0/subnets", json={"subnet": {
            "network_id": net["id"], "cidr": "10.20.0.0/16", "ip_version": 4}}).raise_for_status()

        def phase(name, count, fn):
            subprocess.run(["callgrind_control", "--dump=before-" + name, str(server.pid)],
                           stdout=subprocess.DEVNULL, check=True)
            fn()
            subprocess.run(["callgrind_control", "--dump=" + name, str(server.pid)],
                           stdout=subprocess.DEVNULL, check=True)
            return name, count

        ids = []

        def create():
            for _ in range(n):
                r = s.post(url + "/v2.0/ports", json={"port": {"network_id": net["id"]}})
                r.raise_for_status()
                ids.append(r.json()["port"]["id"])

        def show():
            for i in ids:
                s.get(url + "/v2.0/ports/" + i).raise_for_status()

        def listing():
            for _ in range(10):
                s.get(url + "/v2.0/ports?network_id=" + net["id"]).raise_for_status()

        def delete():
            for i in ids:
                s.delete(url + "/v2.0/ports/" + i).raise_for_status()

        phases = [phase("create", n, create), phase("show", n, show),
                  phase("list", 10 * n, listing), phase("delete", n, delete)]
        results = {}
        for name, count in phases:
            dump = [p for p in glob.glob(out + ".*")
                    if "desc: Trigger: dump " + name + "\n" in open(p).read(4096)]
            results[name] = total_ir(dump[0]) / count if dump else float("nan")
        return results
    finally:
        server.terminate()
        server.wait(120)
        shutil.rmtree(state, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("servers", nargs="+")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed (apt-get install valgrind)")
    rows = [(b, measure(b, args.n)) for b in args.servers]
    print("instructions per operation (callgrind Ir, %d ports):" % args.n)
    print("%-12s" % "operation" + "".join("%18s" % ("server %d" % (i + 1))
                                           for i in range(len(rows))))
    for name, label in (("create", "port create"), ("show", "port show"),
                        ("list", "listed port"), ("delete", "port delete")):
        print("%-12s" % label + "".join("%18.0f" % r[name] for _, r in rows))
    for i, (b, _) in enumerate(rows):
        print("server %d: %s" % (i + 1, b))


if __name__ == "__main__":
    main()
