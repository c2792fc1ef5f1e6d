#!/bin/bash
# OpenStack's conformance suite against a neutrino-server of its own: tempest's network
# API tests and neutron-tempest-plugin's API tests (Debian's packages), with dynamic
# credentials through the built-in identity, on a private SQLite database.
#
#   tests/tempest/run.sh            (make tempest)
#
# Starts the server on a free loopback port with a fresh state directory; as root, the
# tutorial's lab beside it (`neutrino-lab lab up`: linux-bridge agents on a controller
# and a compute node, the DHCP and L3 agents on the controller, all in network
# namespaces of their own), so that the tests of agents, scheduling and port status
# meet real agents; makes the external network "public" (flat, on the controller's
# eth2) that tempest's router and floating IP tests use, and default IPv4 and IPv6
# subnet pools (shared) as devstack's, tells
# tempest exactly the extensions the server lists (tests of others are skipped), runs
# tempest, and compares the result with expected_passing.txt: the tests neutrino is
# known to pass.  Tempest runs twice: every test under neutrino's own rule set (the new
# defaults), then, after a restart of the server with Zed's rule set, the few test
# classes that need what neutrino refuses on purpose (ZED_RULES_CLASSES below).  Ends with one line "N passed, N failed, N skipped" in which only a
# regression (a listed test that did not pass) is a failure; exits 1 if there is one.
# Env: NEUTRINO_BUILD (default build), TEMPEST_CONCURRENCY (default 4), TEMPEST_REGEX,
# TEMPEST_AGENTS=0 (no lab, no agents: what a non-root run gets), RESULTS_DIR (default
# build/tempest-results).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${NEUTRINO_BUILD:-$top/build}
server=$build/src/server/neutrino-server
lab=$build/src/lab/neutrino-lab
agents=${TEMPEST_AGENTS:-1}
[ "$(id -u)" -eq 0 ] || agents=0
regex=${TEMPEST_REGEX:-'^(tempest\.api\.network|neutron_tempest_plugin\.api)\.'}
concurrency=${TEMPEST_CONCURRENCY:-4}
results=${RESULTS_DIR:-$top/build/tempest-results}
PY=/usr/bin/python3

die() { echo "tempest: $*" >&2; echo "0 passed, 1 failed"; exit 2; }

[ -x "$server" ] || die "no server binary at $server (make build)"
command -v tempest >/dev/null && $PY -c 'import neutron_tempest_plugin, subunit' 2>/dev/null \
    || die "tempest is not installed (scripts/install-deps.sh tempest)"

work=$(mktemp -d /tmp/neutrino-tempest.XXXXXX)
chmod 755 "$work"
export NEUTRINO_LAB=ntmp$$
pid= lab_up=0 runner=
cleanup() {
    if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
        kill -TERM -- "-$runner" 2>/dev/null; wait "$runner" 2>/dev/null
    fi
    if [ "$lab_up" = 1 ]; then
        OS_CLIENT_CONFIG_FILE=$work/state/clouds.yaml "$lab" --os-cloud neutrino-admin \
            lab down >/dev/null 2>&1 || echo "tempest: lab down failed (lab $NEUTRINO_LAB)" >&2
    fi
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"; wait "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
url=http://127.0.0.1:$port
mkdir -p "$work/state" "$results"
cat >"$work/neutron.conf" <<CONF
[DEFAULT]
core_plugin = ml2
bind_host = 127.0.0.1
bind_port = $port
auth_strategy = keystone
state_path = $work/state
bind_unix_socket = $work/neutrino.sock
[database]
connection = sqlite:///$work/state/neutrino.sqlite
[identity]
admin_password = $password
public_endpoint = $url
# The rule set: neutrino's own for the first run (set_rules flips it for the second).
[oslo_policy]
enforce_new_defaults = true
CONF
# The tenant type is vxlan as on the tutorial's nodes; "public" is the flat external
# network tempest routes to, on the physical network "external".
cat >"$work/ml2_conf.ini" <<CONF
[ml2]
type_drivers = local,flat,vlan,gre,vxlan
tenant_network_types = vxlan
mechanism_drivers = linuxbridge
[ml2_type_flat]
flat_networks = provider,external
[ml2_type_vlan]
network_vlan_ranges = provider:100:199
[ml2_type_vxlan]
vni_ranges = 1000:1999
CONF

# Starts the server (its log appended to server.log) and waits until it answers.
start_server() {
    "$server" --config-file "$work/neutron.conf" --config-file "$work/ml2_conf.ini" \
        >>"$results/server.log" 2>&1 &
    pid=$!
    $PY - "$url" <<'PY' || die "the server did not start (log: $results/server.log)"
import sys, time, urllib.error, urllib.request
deadline = time.time() + 30
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "/", timeout=5)
        break
    except (urllib.error.URLError, ConnectionError):
        if time.time() > deadline:
            sys.exit("the server did not answer in 30 s")
        time.sleep(0.1)
PY
}

# Restarts the server on the same database with Zed's rule set (its old rules or its
# new ones, as the real Neutron Zed runs by default).
zed_rules() {
    kill "$pid" && wait "$pid" 2>/dev/null
    sed -i 's/^enforce_new_defaults = true$/enforce_new_defaults = false/' "$work/neutron.conf"
    start_server
}

: >"$results/server.log"
start_server

if [ "$agents" = 1 ]; then
    echo "lab $NEUTRINO_LAB: nodes and agents (log: $results/lab.log)"
    lab_up=1
    # The server's clouds.yaml holds the admin's and the agents' accounts.
    OS_CLIENT_CONFIG_FILE=$work/state/clouds.yaml "$lab" --os-cloud neutrino-admin \
        lab up --server-socket "$work/neutrino.sock" >"$results/lab.log" 2>&1 \
        || die "the lab did not come up (log: $results/lab.log)"
fi

# Makes the public network and prints the values the configuration needs, as shell
# assignments.
settings=$($PY - "$url" "$password" <<'PY'
import json, sys, urllib.request
url, password = sys.argv[1], sys.argv[2]

def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    req = urllib.request.Request(url + path, json.dumps(body).encode() if body else None,
                                 headers, method=method)
    return urllib.request.urlopen(req, timeout=30)

scope = {"project": {"name": "admin", "domain": {"name": "Default"}}}
auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"name": "Default"}, "password": password}}}, "scope": scope}}
token = call("POST", "/identity/v3/auth/tokens", auth).headers["X-Subject-Token"]
net = json.load(call("POST", "/v2.0/networks", {"network": {
    "name": "public", "router:external": True, "provider:network_type": "flat",
    "provider:physical_network": "external"}}, token))["network"]
# The lab's external segment: its outside host is 10.10.10.1, the controller .10.
call("POST", "/v2.0/subnets", {"subnet": {
    "network_id": net["id"], "name": "public-subnet", "ip_version": 4,
    "cidr": "10.10.10.0/24", "gateway_ip": "10.10.10.1", "enable_dhcp": False,
    "allocation_pools": [{"start": "10.10.10.100", "end": "10.10.10.250"}]}}, token)
# Default subnet pools, shared, as devstack makes them: what auto-allocated-topology
# cuts a project's subnets from (its tests skip without one).  Away from the CIDRs
# tempest's own subnets use (10.100.0.0/16, 2001:db8::/48).
for version, prefix, length in ((4, "10.220.0.0/16", 26), (6, "fd00:dc0::/48", 64)):
    call("POST", "/v2.0/subnetpools", {"subnetpool": {
        "name": "default-v%d" % version, "prefixes": [prefix], "default_prefixlen": length,
        "shared": True, "is_default": True}}, token)
aliases = sorted(e["alias"] for e in json.load(call("GET", "/v2.0/extensions", None, token))["extensions"])
print("PUBLIC_NETWORK_ID=%s" % net["id"])
print("API_EXTENSIONS=%s" % ",".join(aliases))
print("PORT_SECURITY=%s" % ("true" if "port-security" in aliases else "false"))
PY
) || die "could not prepare the server (log: $results/server.log)"
eval "$settings"

ws=$work/workspace
(cd "$work" && tempest init --workspace-path "$work/registry.yaml" "$ws") >"$work/init.log" 2>&1 \
    || die "tempest init failed: $(tail -1 "$work/init.log")"
sed -e "s|@WORKSPACE@|$ws|" -e "s|@ADMIN_PASSWORD@|$password|" \
    -e "s|@IDENTITY_URL@|$url/identity/v3|" -e "s|@PUBLIC_NETWORK_ID@|$PUBLIC_NETWORK_ID|" \
    -e "s|@PUBLIC_NETWORK_NAME@|public|" -e "s|@PORT_SECURITY@|$PORT_SECURITY|" \
    -e "s|@API_EXTENSIONS@|$API_EXTENSIONS|" "$here/tempest.conf.in" >"$ws/etc/tempest.conf"
cp "$ws/etc/tempest.conf" "$results/tempest.conf"

echo "tempest against $url: $(echo "$API_EXTENSIONS" | tr ',' '\n' | wc -l) extensions," \
     "agents $([ "$agents" = 1 ] && echo "in lab $NEUTRINO_LAB" || echo none)," \
     "concurrency $concurrency (log: $results/run.log)"
# The test classes that need what neutrino's rule set refuses on purpose, so they run
# under Zed's: RBACSharedNetworksTest has a network's owner delete another project's
# port on that network (the new defaults keep an owner out of others' ports).
ZED_RULES_CLASSES='RBACSharedNetworksTest'

# One tempest run over the tests matching $1 but not $2 (may be empty), its results
# appended to run.subunit.  In the background and in a process group of its own
# (tempest and its workers), so that an interrupt reaches the cleanup at once and the
# cleanup can end them all.
run_tempest() {
    local exclude=()
    [ -n "$2" ] && exclude=(--exclude-regex "$2")
    (cd "$ws" && exec setsid tempest run --regex "$1" "${exclude[@]}" \
        --concurrency "$concurrency") >>"$results/run.log" 2>&1 &
    runner=$!
    wait "$runner"
    runner=
    (cd "$ws" && stestr last --subunit) >>"$results/run.subunit" 2>/dev/null \
        || die "tempest left no results (see $results/run.log)"
}

start=$(date +%s)
: >"$results/run.log"; : >"$results/run.subunit"
run_tempest "$regex" "$ZED_RULES_CLASSES"
# The same regex, limited to those classes (a lookahead: stestr searches each id).
zed_regex="(?=.*($ZED_RULES_CLASSES))$regex"
if (cd "$ws" && tempest run --list-tests --regex "$zed_regex" 2>/dev/null) \
        | grep -q "$ZED_RULES_CLASSES"; then
    echo "tempest: $ZED_RULES_CLASSES under Zed's rule set (the server restarted)"
    zed_rules
    run_tempest "$zed_regex" ""
fi
echo "tempest finished in $(( $(date +%s) - start )) s"
$PY "$here/results.py" "$results/run.subunit" "$results" "$here/expected_passing.txt"
