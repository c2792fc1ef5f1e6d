#!/bin/bash
# make demo: starts neutrino-server on 127.0.0.1:9696 with its SQLite database under
# state/ (the sample configuration in etc/), and prints how to reach it.
# Until the tutorial lands this is the whole demo; stop it with: kill $(cat state/server.pid)
# The built-in identity service is on: clouds.yaml for users admin and demo is written at
# the repository's root on the first start.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
state=${NEUTRINO_STATE_DIR:-$top/state}
port=${NEUTRINO_PORT:-9696}
mkdir -p "$state"
if [ -f "$state/server.pid" ] && kill -0 "$(cat "$state/server.pid")" 2>/dev/null; then
    echo "stopping the previous demo server (pid $(cat "$state/server.pid"))"
    kill "$(cat "$state/server.pid")"
    for _ in $(seq 50); do kill -0 "$(cat "$state/server.pid")" 2>/dev/null || break; sleep 0.1; done
fi
# clouds.yaml goes to the repository's root, where `openstack` looks first (the current
# directory) when run from there.
sed -e "s|^state_path = .*|state_path = $state|" -e "s|^bind_port = .*|bind_port = $port|" \
    -e "s|^clouds_yaml = .*|clouds_yaml = $top/clouds.yaml|" \
    "$top/etc/neutron.conf" > "$state/neutron.conf"
cp "$top/etc/ml2_conf.ini" "$state/ml2_conf.ini"
"$top/build/src/server/neutrino-server" --config-file "$state/neutron.conf" \
    --config-file "$state/ml2_conf.ini" >>"$state/server.log" 2>&1 &
echo $! > "$state/server.pid"
for _ in $(seq 50); do
    if curl -sf "http://127.0.0.1:$port/" >/dev/null; then
        cat <<MSG
neutrino-server is running (pid $(cat "$state/server.pid")) on http://127.0.0.1:$port
  database: $state/neutrino.sqlite      log: $state/server.log
  identity: users admin and demo; their passwords are in $top/clouds.yaml
  try (from $top, or with OS_CLIENT_CONFIG_FILE=$top/clouds.yaml):
            openstack --os-cloud neutrino-demo network create first_local_net
            openstack --os-cloud neutrino-demo subnet create --network first_local_net \\
                --subnet-range 172.16.1.0/24 subnet_172_16_1_0
            openstack --os-cloud neutrino-admin network list --long
  stop:     kill \$(cat $state/server.pid)
MSG
        exit 0
    fi
    sleep 0.1
done
echo "neutrino-server did not come up; see $state/server.log" >&2
tail -20 "$state/server.log" >&2
exit 1
