#!/bin/bash
# The CLI's round trip: `neutrino network list` (token cached after the first call) and,
# for reference, the openstack client doing the same.  Prints figures; asserts nothing.
#   make release && bench/cli_bench.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${NEUTRINO_BUILD:-$top/build-release}
work=$(mktemp -d /tmp/neutrino-cli-bench.XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/n.conf" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
state_path = $work
[identity]
public_endpoint = http://127.0.0.1:$port
CONF
"$build/src/server/neutrino-server" --config-file "$work/n.conf" > "$work/log" 2>&1 &
echo $! > "$work/pid"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.05; done
export OS_CLIENT_CONFIG_FILE=$work/clouds.yaml XDG_CACHE_HOME=$work/cache HOME=$work
N="$build/src/cli/neutrino --os-cloud neutrino-demo"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
first=$(ms $N network list)
for i in $(seq 20); do $N network create "net$i" -f value -c id >/dev/null; done
samples=()
for _ in $(seq 100); do samples+=("$(ms $N network list)"); done
sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
p50=$(echo "$sorted" | sed -n 50p); p90=$(echo "$sorted" | sed -n 90p); max=$(echo "$sorted" | tail -1)
printf 'neutrino network list (20 networks), token cached: p50 %.1f ms  p90 %.1f ms  max %.1f ms (goal < 20 ms)\n' \
    "$(echo "$p50/1000" | bc -l)" "$(echo "$p90/1000" | bc -l)" "$(echo "$max/1000" | bc -l)"
printf 'neutrino network list, first call (signs in, argon2id): %.1f ms\n' "$(echo "$first/1000" | bc -l)"
if command -v openstack >/dev/null; then
    o=$(ms openstack --os-cloud neutrino-demo network list)
    printf 'openstack network list: %.0f ms\n' "$(echo "$o/1000" | bc -l)"
fi
