"""Several neutrino-servers on one PostgreSQL database (NEUTRINO_TEST_DB=postgresql;
skipped on SQLite, which has one server by design).

Two servers share a database.  Clients spread their requests over both, as behind a
load balancer: concurrent allocations never hand out an address, MAC or VLAN twice
and never fail where one server would have succeeded; an agent's long-poll on one
server wakes when the other commits; a token revoked on one is refused by the other
at once; killing one server loses nothing it acknowledged; a restart of the database
costs clients a short wait, not an error."""

import concurrent.futures
import ipaddress
import itertools
import json
import re
import threading
import time

import pytest
import requests

import pg_cluster
from api_helpers import Api, uname
from test_agents import FakeAgent

pytestmark = [
    pytest.mark.own_server,
    pytest.mark.skipif(pg_cluster.wanted() != "postgresql",
                       reason="several servers need PostgreSQL (NEUTRINO_TEST_DB=postgresql)"),
]

THREADS_PER_SERVER = 16


def start_pair(tmp_path_factory, overrides=None):
    from conftest import EXTERNAL_URL, NeutrinoServer
    if EXTERNAL_URL:
        pytest.skip("needs neutrino-servers of its own")
    cluster = pg_cluster.cluster()
    url = cluster.url(cluster.new_database())
    servers = [NeutrinoServer(tmp_path_factory.mktemp("neutrino-multi-" + name), overrides,
                              database=url) for name in ("a", "b")]
    # Started together, as after a power cut: they race to migrate and bootstrap.
    try:
        for srv in servers:
            srv.spawn()
        for srv in servers:
            srv.wait_ready()
    except Exception:
        for srv in servers:
            srv.stop()
        raise
    return servers


def stop_pair(servers):
    from conftest import check_clean_exit
    for srv in servers:
        if srv.alive():
            check_clean_exit(srv, srv.stop())


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    servers = start_pair(tmp_path_factory)
    yield servers
    stop_pair(servers)


@pytest.fixture
def apis(pair):
    return [Api(s.url) for s in pair]


def make_network(api, **attrs):
    attrs.setdefault("name", uname("mn"))
    r = api.post("/v2.0/networks", {"network": attrs})
    assert r.status_code == 201, r.text
    return r.json()["network"]


def make_subnet(api, net_id, cidr, **attrs):
    attrs.update(network_id=net_id, cidr=cidr, ip_version=4)
    r = api.post("/v2.0/subnets", {"subnet": attrs})
    assert r.status_code == 201, r.text
    return r.json()["subnet"]


def run_workers(apis, work):
    """Runs work(api, index) on THREADS_PER_SERVER threads per server; returns the
    results in a list."""
    jobs = [(api, i) for i, api in enumerate(apis * THREADS_PER_SERVER)]
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(lambda job: work(*job), jobs))


def test_schema_and_identity_made_once(pair, apis):
    """Both servers started on an empty database: one migrated and bootstrapped it,
    the other found it done."""
    logs = [s.log_path.read_text() for s in pair]
    # "version 1" alone: "version 10" is another step of the same migration.
    first = re.compile(r"migrated to schema version 1$", re.MULTILINE)
    assert sum(bool(first.search(text)) for text in logs) == 1
    assert sum("identity bootstrapped" in text for text in logs) == 1
    for api in apis:
        assert api.get("/v2.0/networks").status_code == 200


def test_concurrent_port_creates_share_one_subnet(apis):
    """32 clients over two servers fill a /26: exactly its 61 addresses are handed out,
    each once, with distinct MACs; the rest are told the subnet is full; no 5xx."""
    net = make_network(apis[0])
    sub = make_subnet(apis[0], net["id"], "10.77.0.0/26", enable_dhcp=False)
    lock = threading.Lock()
    created, refusals, unexpected = [], [], []

    def work(api, index):
        while True:
            r = api.post("/v2.0/ports", {"port": {"network_id": net["id"],
                                                  "name": "w%d" % index}})
            with lock:
                if r.status_code == 201:
                    created.append(r.json()["port"])
                    continue
                if r.status_code == 409:
                    refusals.append(r.json()["NeutronError"]["type"])
                else:
                    unexpected.append((r.status_code, r.text))
                return

    run_workers(apis, work)
    assert not unexpected, unexpected[:5]
    assert set(refusals) == {"IpAddressGenerationFailure"}, refusals
    ips = [p["fixed_ips"][0]["ip_address"] for p in created]
    macs = [p["mac_address"] for p in created]
    assert len(created) == 61
    assert len(set(ips)) == 61 and len(set(macs)) == 61
    assert all(p["fixed_ips"][0]["subnet_id"] == sub["id"] for p in created)
    # Both servers see the same 61 ports.
    for api in apis:
        listed = api.get("/v2.0/ports", params={"network_id": net["id"]}).json()["ports"]
        assert sorted(p["id"] for p in listed) == sorted(p["id"] for p in created)


def race(apis, request):
    """Every worker of both servers sends 'request(api, index)' once, all at the same
    moment; returns the answers as (status, body) pairs."""
    gate = threading.Barrier(len(apis) * THREADS_PER_SERVER)

    def work(api, index):
        gate.wait(30)
        r = request(api, index)
        return r.status_code, r.json() if r.content else None

    return run_workers(apis, work)


def floating_ip_topology(api, pool_start, pool_end):
    """An external network whose subnet has the allocation pool given, and an inner
    network joined to it by a router; returns (external network, inner network)."""
    ext = make_network(api, **{"router:external": True})
    make_subnet(api, ext["id"], "198.51.100.0/24", enable_dhcp=False,
                allocation_pools=[{"start": pool_start, "end": pool_end}])
    inner = make_network(api)
    sub = make_subnet(api, inner["id"], "10.78.0.0/24", enable_dhcp=False)
    r = api.post("/v2.0/routers", {"router": {
        "name": uname("mr"), "external_gateway_info": {"network_id": ext["id"]}}})
    assert r.status_code == 201, r.text
    router = r.json()["router"]
    r = api.put("/v2.0/routers/%s/add_router_interface" % router["id"],
                {"subnet_id": sub["id"]})
    assert r.status_code == 200, r.text
    return ext, inner, router


def remove_floating_ip_topology(api, ext, inner, router):
    for fip in api.get("/v2.0/floatingips",
                       params={"floating_network_id": ext["id"]}).json()["floatingips"]:
        api.delete("/v2.0/floatingips/" + fip["id"])
    for port in api.get("/v2.0/ports", params={"network_id": inner["id"]}).json()["ports"]:
        if port["device_owner"] != "network:router_interface":
            api.delete("/v2.0/ports/" + port["id"])
    api.put("/v2.0/routers/%s/remove_router_interface" % router["id"],
            {"subnet_id": api.get("/v2.0/subnets", params={"network_id": inner["id"]})
             .json()["subnets"][0]["id"]})
    api.delete("/v2.0/routers/" + router["id"])
    api.delete("/v2.0/networks/" + inner["id"])
    api.delete("/v2.0/networks/" + ext["id"])


def test_concurrent_floating_ips_race_for_the_last_address(apis):
    """The external subnet's pool has two addresses; the router's gateway takes one.
    32 clients over both servers ask for a floating IP at once: exactly one gets the
    last address, every other is told the network is full; no 5xx."""
    ext, inner, router = floating_ip_topology(apis[0], "198.51.100.10", "198.51.100.11")
    try:
        answers = race(apis, lambda api, i: api.post(
            "/v2.0/floatingips", {"floatingip": {"floating_network_id": ext["id"]}}))
        won = [body["floatingip"] for status, body in answers if status == 201]
        lost = [(status, body) for status, body in answers if status != 201]
        assert len(won) == 1, answers[:3]
        assert all(status == 409 and body["NeutronError"]["type"]
                   == "IpAddressGenerationFailure" for status, body in lost), lost[:3]
        gateway_ip = router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]
        assert {won[0]["floating_ip_address"], gateway_ip} == {"198.51.100.10",
                                                               "198.51.100.11"}
        for api in apis:
            listed = api.get("/v2.0/floatingips",
                             params={"floating_network_id": ext["id"]}).json()["floatingips"]
            assert [f["id"] for f in listed] == [won[0]["id"]]
    finally:
        remove_floating_ip_topology(apis[0], ext, inner, router)


def test_concurrent_floating_ips_race_for_one_chosen_address(apis):
    """32 clients over both servers ask for the same floating_ip_address at once:
    one gets it, the others are told it is taken."""
    ext, inner, router = floating_ip_topology(apis[0], "198.51.100.10", "198.51.100.60")
    try:
        answers = race(apis, lambda api, i: api.post(
            "/v2.0/floatingips", {"floatingip": {"floating_network_id": ext["id"],
                                                 "floating_ip_address": "198.51.100.42"}}))
        won = [body for status, body in answers if status == 201]
        lost = [(status, body) for status, body in answers if status != 201]
        assert len(won) == 1, answers[:3]
        assert all(status == 409 and body["NeutronError"]["type"]
                   == "IpAddressAlreadyAllocated" for status, body in lost), lost[:3]
    finally:
        remove_floating_ip_topology(apis[0], ext, inner, router)


def test_concurrent_associations_of_one_port(apis):
    """32 floating IPs are associated with one port at once, through both servers:
    exactly one association holds; the others are refused as Neutron refuses a port
    that already has a floating IP."""
    ext, inner, router = floating_ip_topology(apis[0], "198.51.100.10", "198.51.100.60")
    try:
        r = apis[0].post("/v2.0/ports", {"port": {"network_id": inner["id"]}})
        assert r.status_code == 201, r.text
        port = r.json()["port"]
        fips = []
        for _ in range(len(apis) * THREADS_PER_SERVER):
            r = apis[0].post("/v2.0/floatingips",
                             {"floatingip": {"floating_network_id": ext["id"]}})
            assert r.status_code == 201, r.text
            fips.append(r.json()["floatingip"])
        answers = race(apis, lambda api, i: api.put(
            "/v2.0/floatingips/" + fips[i]["id"], {"floatingip": {"port_id": port["id"]}}))
        assert sum(status == 200 for status, _ in answers) == 1, answers[:3]
        lost = [(status, body) for status, body in answers if status != 200]
        assert all(status == 409 and body["NeutronError"]["type"]
                   == "FloatingIPPortAlreadyAssociated" for status, body in lost), lost[:3]
        associated = apis[1].get("/v2.0/floatingips", params={
            "port_id": port["id"]}).json()["floatingips"]
        assert len(associated) == 1
    finally:
        remove_floating_ip_topology(apis[0], ext, inner, router)


def test_concurrent_subnets_from_one_pool_never_overlap(apis):
    """32 clients over two servers each cut a /26 from one pool of sixteen: sixteen get
    one, all different and inside the pool; the others are told the pool is full; no
    other error.  The choice is made in the writer's transaction that inserts the
    subnet, so two servers never hand out one prefix twice."""
    pool = apis[0].post("/v2.0/subnetpools", {"subnetpool": {
        "name": uname("mp"), "prefixes": ["10.78.0.0/22"], "default_prefixlen": 26}})
    assert pool.status_code == 201, pool.text
    pool = pool.json()["subnetpool"]
    nets = [make_network(apis[i % 2]) for i in range(2 * THREADS_PER_SERVER)]
    lock = threading.Lock()
    made, full, unexpected = [], [], []

    def work(api, index):
        r = api.post("/v2.0/subnets", {"subnet": {"network_id": nets[index]["id"],
                                                  "ip_version": 4,
                                                  "subnetpool_id": pool["id"]}})
        with lock:
            if r.status_code == 201:
                made.append(r.json()["subnet"])
            elif r.status_code == 500 and "SubnetAllocationError" in r.text:
                full.append(r)
            else:
                unexpected.append((r.status_code, r.text))

    try:
        run_workers(apis, work)
        assert not unexpected, unexpected[:5]
        cidrs = [ipaddress.ip_network(s["cidr"]) for s in made]
        assert len(made) == 16 and len(full) == 16
        assert len(set(cidrs)) == 16
        assert all(c.subnet_of(ipaddress.ip_network("10.78.0.0/22")) for c in cidrs)
    finally:
        for i, s in enumerate(made):
            apis[i % 2].delete("/v2.0/subnets/" + s["id"])
        delete_networks(apis, nets)
        apis[1].delete("/v2.0/subnetpools/" + pool["id"])


def create_networks(apis, total, attrs):
    """Creates 'total' networks with provider 'attrs' from all the workers at once;
    returns the networks made and the answers that were not 201."""
    lock = threading.Lock()
    made, unexpected = [], []
    counter = itertools.count()

    def work(api, index):
        while next(counter) < total:
            r = api.post("/v2.0/networks", {"network": dict(attrs, name=uname("sg"))})
            with lock:
                if r.status_code == 201:
                    made.append(r.json()["network"])
                else:
                    unexpected.append((r.status_code, r.text))

    run_workers(apis, work)
    return made, unexpected


def delete_networks(apis, networks):
    for i, n in enumerate(networks):
        apis[i % 2].delete("/v2.0/networks/" + n["id"])


VLAN = {"provider:network_type": "vlan", "provider:physical_network": "provider"}


def test_concurrent_vlan_networks_get_distinct_ids(apis):
    """The 100 VLAN ids of provider:100:199, taken by 32 clients over both servers:
    every network gets one, none twice; then the pool is empty on either server.  The
    project may own more than its 100 networks of quota: the VLANs run out first."""
    apis[0].put("/v2.0/quotas/fake_project_id", {"quota": {"network": -1}})
    made, unexpected = create_networks(apis, 100, VLAN)
    try:
        assert not unexpected, unexpected[:5]
        ids = sorted(n["provider:segmentation_id"] for n in made)
        assert ids == list(range(100, 200))
        for api in apis:
            r = api.post("/v2.0/networks", {"network": dict(VLAN, name=uname("vl"))})
            assert r.status_code == 503, r.text
            assert r.json()["NeutronError"]["type"] == "NoNetworkAvailable"
    finally:
        delete_networks(apis, made)
        apis[0].delete("/v2.0/quotas/fake_project_id")


def test_concurrent_vxlan_networks_get_distinct_vnis(apis):
    made, unexpected = create_networks(apis, 2 * THREADS_PER_SERVER * 3,
                                       {"provider:network_type": "vxlan"})
    try:
        assert not unexpected, unexpected[:5]
        vnis = [n["provider:segmentation_id"] for n in made]
        assert len(vnis) == 2 * THREADS_PER_SERVER * 3 == len(set(vnis))
    finally:
        delete_networks(apis, made)


def test_long_poll_on_one_server_wakes_on_a_change_on_the_other(pair, apis):
    """The agent waits on server b; the port is bound through server a.  Without the
    notification b would answer only when the 20 s wait ran out."""
    agent = FakeAgent(pair[1].url, uname("host"))
    seq = agent.report(start=True)["seq"]
    net = make_network(apis[0])
    make_subnet(apis[0], net["id"], "10.78.0.0/24", enable_dhcp=False)
    seq = agent.changes(seq)["seq"]
    box = {}

    def poll():
        t0 = time.monotonic()
        box["answer"] = agent.changes(seq, wait=20)
        box["took"] = time.monotonic() - t0

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    assert "answer" not in box
    r = apis[0].post("/v2.0/ports", {"port": {"network_id": net["id"],
                                              "binding:host_id": agent.host}})
    assert r.status_code == 201, r.text
    t.join(30)
    assert box["took"] < 5, box
    assert ("port_update", r.json()["port"]["id"]) in [
        (c["kind"], c["id"]) for c in box["answer"]["changes"]]


def test_token_revoked_on_one_server_is_refused_by_the_other(tmp_path_factory):
    from identity_helpers import Cloud, identity_overrides
    servers = start_pair(tmp_path_factory, identity_overrides())
    try:
        a, b = (Cloud(s.url) for s in servers)
        token = a.token("demo")
        on_b = {"X-Auth-Token": token}
        # b validates the token and keeps the validation in its cache.
        for _ in range(2):
            assert requests.get(b.url + "/v2.0/networks", headers=on_b,
                                timeout=30).status_code == 200
        r = requests.delete(a.ks + "/auth/tokens", timeout=30,
                            headers={"X-Auth-Token": a.token("admin"), "X-Subject-Token": token})
        assert r.status_code == 204, r.text
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            status = requests.get(b.url + "/v2.0/networks", headers=on_b,
                                  timeout=30).status_code
            if status == 401:
                break
            time.sleep(0.05)
        assert status == 401
    finally:
        stop_pair(servers)


def test_killing_one_server_loses_nothing_acknowledged(tmp_path_factory):
    """Clients create networks through whichever server answers (a load balancer's
    job); one server is killed with SIGKILL midway.  Every network a server
    acknowledged is there, on the survivor."""
    servers = start_pair(tmp_path_factory)
    try:
        urls = [s.url for s in servers]
        acked, lock, stop = [], threading.Lock(), threading.Event()
        failures = []

        def client(index):
            prefer = index % 2
            while not stop.is_set():
                name = uname("k")
                for url in (urls[prefer], urls[1 - prefer]):
                    try:
                        r = requests.post(url + "/v2.0/networks", timeout=30,
                                          json={"network": {"name": name}})
                    except requests.ConnectionError:
                        prefer = 1 - prefer
                        continue
                    if r.status_code == 201:
                        with lock:
                            acked.append(r.json()["network"]["id"])
                    elif r.status_code >= 500:
                        with lock:
                            failures.append((r.status_code, r.text))
                    break

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        servers[0].kill9()
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(60)
        assert not failures, failures[:5]
        assert len(acked) > 20
        listed = {n["id"] for n in requests.get(urls[1] + "/v2.0/networks", timeout=60)
                  .json()["networks"]}
        assert set(acked) <= listed
    finally:
        stop_pair(servers[1:])


def test_database_restart_costs_a_wait_not_an_error(pair, apis):
    """PostgreSQL is restarted while clients create ports: every answer is a 201 or a
    503 (never a 500, never a lost acknowledgement), and once it is back every
    request succeeds again, on both servers.  The clients may make more ports than the
    project's quota of 500: it is lifted for the test."""
    apis[0].put("/v2.0/quotas/fake_project_id", {"quota": {"port": -1}})
    try:
        restart_while_creating_ports(apis)
    finally:
        apis[0].delete("/v2.0/quotas/fake_project_id")


def restart_while_creating_ports(apis):
    net = make_network(apis[0])
    make_subnet(apis[0], net["id"], "10.79.0.0/20", enable_dhcp=False)
    lock, stop = threading.Lock(), threading.Event()
    statuses, acked = [], []

    def client(index):
        api = apis[index % 2]
        while not stop.is_set():
            r = api.post("/v2.0/ports", {"port": {"network_id": net["id"]}})
            with lock:
                statuses.append(r.status_code)
                if r.status_code == 201:
                    acked.append(r.json()["port"]["id"])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    pg_cluster.cluster().restart("fast")
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(60)
    assert set(statuses) <= {201, 503}, sorted(set(statuses))
    for api in apis:
        r = api.post("/v2.0/ports", {"port": {"network_id": net["id"]}})
        assert r.status_code == 201, r.text
        acked.append(r.json()["port"]["id"])
    listed = {p["id"] for p in apis[1].get("/v2.0/ports", params={"network_id": net["id"]})
              .json()["ports"]}
    assert set(acked) <= listed
    for srv in [s for s in apis]:
        assert srv.get("/v2.0/networks/" + net["id"]).status_code == 200


def test_server_waits_for_a_database_that_is_not_up_yet(tmp_path_factory):
    """[database] max_retries and retry_interval: a server started before its
    PostgreSQL says why it waits, and serves once the database is there."""
    from conftest import NeutrinoServer, check_clean_exit
    late = pg_cluster.Cluster()
    srv = NeutrinoServer(tmp_path_factory.mktemp("neutrino-late"), {
        "neutron.conf": {"database": {"max_retries": "30", "retry_interval": "1"}}},
        database=late.url("late"))
    try:
        srv.spawn()
        deadline = time.monotonic() + 10
        while "trying again in 1 s" not in srv.log_path.read_text():
            assert time.monotonic() < deadline and srv.alive(), srv.log_tail()
            time.sleep(0.1)
        assert "cannot connect to PostgreSQL" in srv.log_path.read_text()
        late.start()
        late.new_database("late")
        srv.wait_ready()
        assert Api(srv.url).get("/v2.0/networks").status_code == 200
        check_clean_exit(srv, srv.stop())
    finally:
        srv.stop()
        late.destroy()


def test_concurrent_first_topology_gets_make_one(apis):
    """32 clients over two servers ask at once for one project's auto-allocated
    topology (docs/behaviour/api.md §18.2): every one gets the same network, and one
    network and one router are left — the servers that lost the race to record theirs
    removed what they made."""
    owner = "aa-multi-owner"
    project = "aa-multi-" + uname("p")[-8:]
    ext = make_network(apis[0], **{"router:external": True, "is_default": True,
                                   "tenant_id": owner})
    make_subnet(apis[0], ext["id"], "198.51.100.0/24", tenant_id=owner)
    pool = apis[1].post("/v2.0/subnetpools", {"subnetpool": {
        "name": uname("mp"), "prefixes": ["10.79.0.0/16"], "default_prefixlen": 26,
        "is_default": True, "shared": True, "tenant_id": owner}})
    assert pool.status_code == 201, pool.text
    pool = pool.json()["subnetpool"]
    headers = {"X-Project-Id": project, "X-Roles": "member"}

    def work(api, index):
        r = api.get("/v2.0/auto-allocated-topology/" + project, headers=headers)
        return r.status_code, r.text

    try:
        answers = run_workers(apis, work)
        assert {status for status, _ in answers} == {200}, answers[:3]
        ids = {json.loads(text)["auto_allocated_topology"]["id"] for _, text in answers}
        assert len(ids) == 1
        for api in apis:
            nets = api.get("/v2.0/networks", params={"tenant_id": project}).json()
            assert [n["id"] for n in nets["networks"]] == list(ids)
            routers = api.get("/v2.0/routers", params={"tenant_id": project}).json()
            assert len(routers["routers"]) == 1
    finally:
        apis[0].delete("/v2.0/auto-allocated-topology/" + project, headers=headers)
        apis[1].delete("/v2.0/subnetpools/" + pool["id"])
        apis[0].delete("/v2.0/networks/" + ext["id"])
