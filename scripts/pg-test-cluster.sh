#!/bin/bash
# A private PostgreSQL for tests: its own directory, a unix socket in it, no TCP, fsync
# off.  The cluster's superuser is "postgres" (trusted on the socket, used only here);
# the tests connect as "neutrino", an ordinary role (no superuser, no CREATEDB or
# CREATEROLE) that owns database "neutrino" and signs in with a password — what the
# README asks operators to create.  PostgreSQL refuses to run as root, so as root the
# cluster belongs to 'nobody'.
#   pg-test-cluster.sh start DIR   prints the libpq connection string (database "neutrino")
#   pg-test-cluster.sh stop DIR    stops it and removes DIR
set -euo pipefail
cmd=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u nobody --)
password=neutrino-test-pw
case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --no-sync >"$dir/initdb.log" 2>&1
    # The superuser without a password, every other role with its own.
    printf 'local all postgres trust\nlocal all all scram-sha-256\n' \
        | "${as[@]}" tee "$dir/data/pg_hba.conf" >/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
        -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off" >/dev/null
    "${as[@]}" "$bin/psql" -h "$dir" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE neutrino LOGIN PASSWORD '$password' NOSUPERUSER NOCREATEDB NOCREATEROLE" \
        -c "CREATE DATABASE neutrino OWNER neutrino"
    echo "host=$dir user=neutrino password=$password dbname=neutrino"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
