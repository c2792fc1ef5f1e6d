#!/bin/bash
# neutrino-server benchmark: prints figures, asserts nothing (machines are shared).
# Builds the release server, starts it on a free loopback port with a fresh database,
# and measures over HTTP/1.1 keep-alive with wrk:
#   1. port creates/s from 1 client and from 8 (wrk -c1 / -c8)
#   2. server RSS once the database holds >= 10,000 ports
#   3. listing a network's 10,000 ports (curl, 10 runs: min / median)
#   4. showing a port: latency percentiles (wrk --latency, 1 client)
#   5. address allocation in a /8 holding 100,000 ports vs an empty /24: create+delete
#      pairs per second (bench/churn.lua), occupancy constant during the run
#   6. token validation cost: GET /v2.0/ports/{id} with a built-in identity token vs
#      the same on a noauth server (two fresh servers side by side, 1 client)
# Usage: bench/run.sh [--quick]    Results: bench/results/<date>-<commit>.txt
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
quick=0; [ "${1:-}" = "--quick" ] && quick=1
dur=5; fill8=100000; [ $quick = 1 ] && { dur=2; fill8=5000; }
"$top/scripts/install-deps.sh" build >/dev/null
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
make -s -C "$top" release >/dev/null
bin=$top/build-release/src/server/neutrino-server
state=$(mktemp -d /tmp/neutrino-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$state"; }
trap cleanup EXIT
cat > "$state/neutron.conf" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
state_path = $state
auth_strategy = noauth
[database]
connection = sqlite:///$state/neutrino.sqlite
CONF
printf '[ml2]\ntype_drivers = local,flat,vlan,gre,vxlan\ntenant_network_types = local\n' > "$state/ml2_conf.ini"
"$bin" --config-file "$state/neutron.conf" --config-file "$state/ml2_conf.ini" >"$state/server.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf "$url/" >/dev/null && break; sleep 0.1; done

jget() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
network() { curl -s -X POST "$url/v2.0/networks" -d "{\"network\": {\"name\": \"$1\"}}" | jget "['network']['id']"; }
subnet() { curl -s -X POST "$url/v2.0/subnets" -d "{\"subnet\": {\"network_id\": \"$1\", \"ip_version\": 4, \"cidr\": \"$2\"}}" >/dev/null; }
# Creates $2 ports on network $1, 100 per bulk request.
fill() {
    local body; body=$(python3 -c "import json; print(json.dumps({'ports': [{'network_id': '$1'}]*100}))")
    for _ in $(seq $(( $2 / 100 ))); do
        curl -s -o /dev/null -X POST "$url/v2.0/ports" -d "$body"
    done
}
# Requests/s from wrk's output, or "FAILED (n errors)" if any answer was not 2xx.
rps() { awk '/Non-2xx/ {bad=$5} /Requests\/sec/ {r=$2} END {if (bad) print "FAILED (" bad " non-2xx)"; else print r}'; }
out=$state/results.txt
say() { echo "$*" | tee -a "$out"; }

say "neutrino-server benchmark $(date -u +%FT%TZ) commit $(git -C "$top" rev-parse --short HEAD) ($(nproc) CPUs)"
net_a=$(network bench-a); subnet "$net_a" 10.0.0.0/16
c1=$(NETWORK=$net_a wrk -t1 -c1 -d${dur}s -s "$top/bench/create.lua" "$url/v2.0/ports" | rps)
c8=$(NETWORK=$net_a wrk -t2 -c8 -d${dur}s -s "$top/bench/create.lua" "$url/v2.0/ports" | rps)
say "port creates/s, 1 client:            $c1   (goal >= 1000)"
say "port creates/s, 8 clients:           $c8   (goal >= 3000)"

net_b=$(network bench-b); subnet "$net_b" 10.1.0.0/16
fill "$net_b" 10000
total=$(sqlite3 "$state/neutrino.sqlite" 'SELECT COUNT(*) FROM ports')
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
say "server RSS with $total ports:        $((rss / 1024)) MB   (goal < 50 MB with 10,000)"

times=$(for _ in $(seq 10); do curl -s -o /dev/null -w '%{time_total}\n' "$url/v2.0/ports?network_id=$net_b"; done | sort -n)
size=$(curl -s "$url/v2.0/ports?network_id=$net_b" | wc -c)
say "list 10,000 ports (ms, min/median):  $(echo "$times" | head -1 | awk '{printf "%.1f", $1*1000}') / $(echo "$times" | sed -n 5p | awk '{printf "%.1f", $1*1000}')   ($((size / 1024)) KiB; goal < 100 ms)"

one=$(curl -s "$url/v2.0/ports?network_id=$net_b&limit=1" | jget "['ports'][0]['id']")
show=$(wrk -t1 -c1 -d${dur}s --latency "$url/v2.0/ports/$one")
say "show a port p50 / p99:               $(echo "$show" | awk '$1=="50%" {print $2}') / $(echo "$show" | awk '$1=="99%" {print $2}')   (goal p50 < 1 ms)"

net_c=$(network bench-c8); subnet "$net_c" 10.0.0.0/8
fill "$net_c" "$fill8"
net_d=$(network bench-d24); subnet "$net_d" 192.168.0.0/24
ch8=$(NETWORK=$net_c wrk -t1 -c1 -d${dur}s -s "$top/bench/churn.lua" "$url" | rps)
ch24=$(NETWORK=$net_d wrk -t1 -c1 -d${dur}s -s "$top/bench/churn.lua" "$url" | rps)
say "create+delete req/s, /8 holding $fill8 ports: $ch8"
say "create+delete req/s, empty /24:                  $ch24   (goal: the same)"

# 6. The same small database behind noauth and behind keystone (built-in identity).
start_small() {   # $1 = auth_strategy; sets sport, spid
    local dir; dir=$(mktemp -d "$state/small.XXXXXX")
    sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf '[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %s\nstate_path = %s\nauth_strategy = %s\n[identity]\nadmin_password = benchpw\n' \
        "$sport" "$dir" "$1" > "$dir/neutron.conf"
    "$bin" --config-file "$dir/neutron.conf" --config-file "$state/ml2_conf.ini" >"$dir/server.log" 2>&1 &
    spid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$sport/" >/dev/null && break; sleep 0.1; done
}
# Requests/s of a 1-client wrk run; $1 = url, $2 = extra header or "".
show_rps() { wrk -t1 -c1 -d${dur}s ${2:+-H "$2"} "$1" | rps; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
start_small noauth; na_port=$sport; na_pid=$spid
start_small keystone; ks_port=$sport; ks_pid=$spid
token=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "benchpw"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}' \
    "http://127.0.0.1:$ks_port/identity/v3/auth/tokens" | awk 'tolower($1)=="x-subject-token:" {print $2}' | tr -d '\r')
mkport() {  # $1 = port, $2 = token header or ""
    local n
    n=$(curl -s ${2:+-H "$2"} -X POST "http://127.0.0.1:$1/v2.0/networks" -d '{"network": {"name": "auth-bench"}}' | jget "['network']['id']")
    curl -s ${2:+-H "$2"} -X POST "http://127.0.0.1:$1/v2.0/ports" -d "{\"port\": {\"network_id\": \"$n\"}}" | jget "['port']['id']"
}
na_one=$(mkport "$na_port" "")
ks_one=$(mkport "$ks_port" "X-Auth-Token: $token")
# Alternate the two servers so drift on a shared machine hits both alike.
na_runs=; ks_runs=
for _ in 1 2 3; do
    na_runs="$na_runs $(show_rps "http://127.0.0.1:$na_port/v2.0/ports/$na_one" "")"
    ks_runs="$ks_runs $(show_rps "http://127.0.0.1:$ks_port/v2.0/ports/$ks_one" "X-Auth-Token: $token")"
done
na_med=$(echo $na_runs | tr ' ' '\n' | median); ks_med=$(echo $ks_runs | tr ' ' '\n' | median)
say "show a port req/s, noauth (median of 3):      $na_med   ($na_runs )"
say "show a port req/s, with a token (median of 3): $ks_med   ($ks_runs )"
say "token cost: $(awk -v a="$na_med" -v b="$ks_med" 'BEGIN {printf "%.1f%%", (a-b)*100/a}') fewer req/s   (goal: within 20%)"
kill "$na_pid" "$ks_pid"

mkdir -p "$top/bench/results"
dest=$top/bench/results/$(date -u +%F)-$(git -C "$top" rev-parse --short HEAD)$([ $quick = 1 ] && echo -quick || true).txt
cp "$out" "$dest"
echo "results: $dest"
