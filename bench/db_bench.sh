#!/bin/bash
# The server benchmark's load (bench/run.sh parts 1-4) on three set-ups, side by side:
#   sqlite  one server on SQLite (WAL, synchronous=NORMAL: survives a killed process)
#   pg      one server on PostgreSQL
#   pg2     two servers on one PostgreSQL, the clients split between them
# PostgreSQL is a private cluster (unix socket only) with its defaults for durability:
# fsync on and synchronous_commit on, so an acknowledged write survives even a crash of
# the machine — more than SQLite's setting promises.  With --async it runs with
# synchronous_commit=off, SQLite's promise (a killed server process loses nothing).
# Prints figures, asserts nothing (machines are shared).
# Usage: bench/db_bench.sh [--quick] [--async]   Results: bench/results/<date>-<commit>-db.txt
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
quick=0 async=0
for a in "$@"; do
    case $a in --quick) quick=1 ;; --async) async=1 ;; *) echo "usage: $0 [--quick] [--async]" >&2; exit 2 ;; esac
done
dur=5 fill_n=10000; [ $quick = 1 ] && { dur=2; fill_n=2000; }
"$top/scripts/install-deps.sh" all >/dev/null
make -s -C "$top" release >/dev/null
bin=$top/build-release/src/server/neutrino-server
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
state=$(mktemp -d /tmp/neutrino-dbbench.XXXXXX)
chown nobody:nogroup "$state"
pids=() pg_up=0
as_pg() { runuser -u nobody -- "$@"; }
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ $pg_up = 1 ] && as_pg "$pgbin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
jget() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
rps() { awk '/Non-2xx/ {bad=$5} /Requests\/sec/ {r=$2} END {if (bad) print "FAILED (" bad " non-2xx)"; else print r}'; }
out=$state/results.txt
say() { echo "$*" | tee -a "$out"; }

sync_commit=on; [ $async = 1 ] && sync_commit=off
as_pg "$pgbin/initdb" -D "$state/pg" -A trust -U neutrino --locale=C -E UTF8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$state/pg" -l "$state/pg.log" -w start \
    -o "-k $state -c listen_addresses='' -c synchronous_commit=$sync_commit -c max_connections=100" >/dev/null
pg_up=1
printf '[ml2]\ntype_drivers = local,flat,vlan,gre,vxlan\ntenant_network_types = local\n' > "$state/ml2_conf.ini"

# start_server NAME CONNECTION: starts one server; sets 'url'.
start_server() {
    local dir=$state/$1 port; port=$(free_port)
    mkdir -p "$dir"
    printf '[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %s\nstate_path = %s\nauth_strategy = noauth\n[database]\nconnection = %s\n' \
        "$port" "$dir" "$2" > "$dir/neutron.conf"
    "$bin" --config-file "$dir/neutron.conf" --config-file "$state/ml2_conf.ini" >"$dir/server.log" 2>&1 &
    pids+=($!)
    url=http://127.0.0.1:$port
    for _ in $(seq 100); do curl -sf "$url/" >/dev/null && return; sleep 0.1; done
    echo "server $1 did not start" >&2; tail "$dir/server.log" >&2; exit 1
}
stop_servers() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }

# creates URLS CLIENTS: port creates/s with CLIENTS connections split over URLS.
creates() {
    local urls=($1) clients=$2 n=${#urls[@]} total=0 f wrks=()
    local per=$(( clients / n )) i=0
    for u in "${urls[@]}"; do
        NETWORK=$net wrk -t1 -c$per -d${dur}s -s "$top/bench/create.lua" "$u/v2.0/ports" > "$state/wrk.$i" &
        wrks+=($!)
        i=$((i + 1))
    done
    wait "${wrks[@]}"
    for f in $(seq 0 $((n - 1))); do
        r=$(rps < "$state/wrk.$f")
        case $r in FAILED*) echo "$r"; return ;; esac
        total=$(awk -v a="$total" -v b="$r" 'BEGIN {printf "%.0f", a + b}')
    done
    echo "$total"
}

bench_setup() {   # $1 = label, $2.. = server urls
    local label=$1; shift
    local first=$1 urls="$*"
    net=$(curl -s -X POST "$first/v2.0/networks" -d '{"network": {"name": "db-bench"}}' | jget "['network']['id']")
    curl -s -o /dev/null -X POST "$first/v2.0/subnets" -d "{\"subnet\": {\"network_id\": \"$net\", \"ip_version\": 4, \"cidr\": \"10.0.0.0/14\"}}"
    c1=$(creates "$first" 1)
    c8=$(creates "$urls" 8)
    # A second network of exactly fill_n ports, made by bulk creates spread over the
    # servers, for the list.
    net=$(curl -s -X POST "$first/v2.0/networks" -d '{"network": {"name": "db-bench-list"}}' | jget "['network']['id']")
    curl -s -o /dev/null -X POST "$first/v2.0/subnets" -d "{\"subnet\": {\"network_id\": \"$net\", \"ip_version\": 4, \"cidr\": \"10.8.0.0/16\"}}"
    body=$(python3 -c "import json; print(json.dumps({'ports': [{'network_id': '$net'}]*100}))")
    local servers=($urls)
    for i in $(seq $(( fill_n / 100 ))); do
        curl -s -o /dev/null -X POST "${servers[i % ${#servers[@]}]}/v2.0/ports" -d "$body"
    done
    total=$(curl -s "$first/v2.0/ports?network_id=$net&fields=id" | jget "['ports'].__len__()")
    times=$(for _ in $(seq 10); do curl -s -o /dev/null -w '%{time_total}\n' "$first/v2.0/ports?network_id=$net"; done | sort -n)
    list=$(echo "$times" | sed -n 5p | awk '{printf "%.1f", $1*1000}')
    one=$(curl -s "$first/v2.0/ports?network_id=$net&limit=1" | jget "['ports'][0]['id']")
    show=$(wrk -t1 -c1 -d${dur}s --latency "$first/v2.0/ports/$one")
    p50=$(echo "$show" | awk '$1=="50%" {print $2}')
    showr=$(echo "$show" | rps)
    printf '%-6s %12s %12s %18s %14s %10s\n' "$label" "$c1" "$c8" "$list ($total)" "$showr" "$p50" | tee -a "$out"
}

say "neutrino-server on SQLite vs PostgreSQL $(date -u +%FT%TZ) commit $(git -C "$top" rev-parse --short HEAD) ($(nproc) CPUs; PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), synchronous_commit=$sync_commit)"
say "$(printf '%-6s %12s %12s %18s %14s %10s' setup 'creates/s 1c' 'creates/s 8c' 'list ms (ports)' 'show req/s' 'show p50')"

start_server sqlite "sqlite:///$state/sqlite/neutrino.sqlite"
bench_setup sqlite "$url"
stop_servers

as_pg "$pgbin/createdb" -h "$state" -U neutrino one
start_server pg "postgresql:///one?host=$state&user=neutrino"
bench_setup pg "$url"
stop_servers

as_pg "$pgbin/createdb" -h "$state" -U neutrino two
start_server pg2a "postgresql:///two?host=$state&user=neutrino"; url_a=$url
start_server pg2b "postgresql:///two?host=$state&user=neutrino"; url_b=$url
bench_setup pg2 "$url_a" "$url_b"
stop_servers

mkdir -p "$top/bench/results"
dest=$top/bench/results/$(date -u +%F)-$(git -C "$top" rev-parse --short HEAD)-db$([ $async = 1 ] && echo -async || true)$([ $quick = 1 ] && echo -quick || true).txt
cp "$out" "$dest"
echo "results: $dest"
