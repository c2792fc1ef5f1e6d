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

mkdir -p "$top/bench/results"
dest=$top/bench/results/$(date -u +%F)-$(git -C "$top" rev-parse --short HEAD)$([ $quick = 1 ] && echo -quick).txt
cp "$out" "$dest"
echo "results: $dest"
