"""Quota check cost: prints figures, asserts nothing.

The port create of a project that already owns N ports, with its port quota unlimited
(-1: nothing is counted) and with a limit (its ports counted inside the create), for
N = 0, 2,000 and 10,000: p50 / p99 of 200 creates each, one at a time.  Then 64 clients
creating networks at once against a limit of 50: how long until all are answered.

    NEUTRINO_SERVER=build-release/src/server/neutrino-server /usr/bin/python3 bench/quota_bench.py
"""

import concurrent.futures
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "api"))
import conftest  # noqa: E402
from api_helpers import Api  # noqa: E402


def timed_creates(api, project, net_id, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = api.post("/v2.0/ports", {"port": {"network_id": net_id, "project_id": project}})
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 201, r.text
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def fill(api, project, net_id, upto, have):
    while have < upto:
        n = min(500, upto - have)
        r = api.post("/v2.0/ports", {"ports": [{"network_id": net_id, "project_id": project}
                                               for _ in range(n)]})
        assert r.status_code == 201, r.text[:300]
        have += n
    return have


def main():
    srv = conftest.NeutrinoServer(tempfile.mkdtemp(prefix="neutrino-quota-bench."))
    srv.start()
    try:
        api = Api(srv.url)
        project = uuid.uuid4().hex
        net = api.post("/v2.0/networks", {"network": {"project_id": project}}).json()["network"]
        have = 0
        for existing in (0, 2000, 10000):
            have = fill(api, project, net["id"], existing, have)
            for limit in (-1, 1000000):
                api.put("/v2.0/quotas/" + project, {"quota": {"port": limit}})
                p50, p99 = timed_creates(api, project, net["id"], 100)
                have += 100
                print("port create, %5d ports owned, limit %8d: p50 %.2f ms  p99 %.2f ms"
                      % (existing, limit, p50, p99))
        burst = uuid.uuid4().hex
        api.put("/v2.0/quotas/" + burst, {"quota": {"network": 50}})

        def create(_):
            return Api(srv.url).post("/v2.0/networks", {"network": {"project_id": burst}})

        t = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            codes = [r.status_code for r in pool.map(create, range(64))]
        print("64 parallel network creates, limit 50: %d made, %d refused, %.0f ms"
              % (codes.count(201), codes.count(409), (time.perf_counter() - t) * 1000))
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
