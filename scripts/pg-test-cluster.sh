#!/bin/bash
# A private PostgreSQL for tests: its own directory, a unix socket in it, no TCP, trust
# authentication, fsync off.  PostgreSQL refuses to run as root, so as root the cluster
# belongs to 'nobody'.
#   pg-test-cluster.sh start DIR   prints the libpq connection string (database "neutrino")
#   pg-test-cluster.sh stop DIR    stops it and removes DIR
set -euo pipefail
cmd=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u nobody --)
case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U neutrino --no-sync >"$dir/initdb.log" 2>&1
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
        -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off" >/dev/null
    "${as[@]}" "$bin/createdb" -h "$dir" -U neutrino neutrino
    echo "host=$dir user=neutrino dbname=neutrino"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
