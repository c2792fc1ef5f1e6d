#!/bin/bash
# make demo: the user's scenario (the tutorial), for real, on this machine.
#
# Starts neutrino-server on 127.0.0.1:$NEUTRINO_PORT (9696) with its SQLite database and
# clouds.yaml under $NEUTRINO_STATE_DIR (state/), builds the lab (`neutrino lab up`, which
# runs neutrino-lab: nodes
# controller and compute as network namespaces, each with its agents), then replays the
# tutorial with the `neutrino` CLI, printing each step and checking each observable.
# Then the flat and vxlan chapters across the two nodes, security groups on the first
# network (docs/behaviour/tutorial.md §8a), and routing: the external network on the
# controller's eth2, a router, SNAT and a floating IP seen from the lab's outside host
# (§8b).  Afterwards it stays up until
# Ctrl-C, which removes everything it made; with ONCE=1 it exits after the replay, with
# status 0 only if every observable matched.  Needs root (network namespaces).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
state=${NEUTRINO_STATE_DIR:-$top/state}
port=${NEUTRINO_PORT:-9696}
export NEUTRINO_LAB=${NEUTRINO_LAB:-nlab}
once=${ONCE:-0}
build=${NEUTRINO_BUILD:-$top/build}
clouds=${NEUTRINO_CLOUDS_YAML:-$top/clouds.yaml}
N="$build/src/cli/neutrino"
SERVER="$build/src/server/neutrino-server"
ok=0 bad=0

if [ "$(id -u)" -ne 0 ]; then
    echo "make demo needs root: the lab's nodes are network namespaces" >&2
    exit 1
fi
mkdir -p "$state"
chmod 755 "$state"
export OS_CLIENT_CONFIG_FILE="$clouds" XDG_CACHE_HOME="$state/cache"

# --- helpers ------------------------------------------------------------------------
say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {    # prints the command as a user would type it, then runs it
    local shown="$*"
    case $1 in
        admin) shown="neutrino --os-cloud neutrino-admin ${*:2}" ;;
        demo) shown="neutrino --os-cloud neutrino-demo ${*:2}" ;;
        in_node) shown="ip netns exec $NEUTRINO_LAB-$2 ${*:3}" ;;
        "$N") shown="neutrino ${*:2}" ;;
    esac
    printf '$ %s\n' "$shown"
    "$@"
}
pass() { ok=$((ok + 1)); printf '   \033[32m✓ %s\033[0m\n' "$*"; }
fail() { bad=$((bad + 1)); printf '   \033[31m✗ %s\033[0m\n' "$*"; }
check() {   # check "what" "expected" "actual"
    if [ "$2" = "$3" ]; then pass "$1: $3"; else fail "$1: expected '$2', got '$3'"; fi
}
demo()  { "$N" --os-cloud neutrino-demo "$@"; }
admin() { "$N" --os-cloud neutrino-admin "$@"; }
in_node() { ip netns exec "$NEUTRINO_LAB-$1" "${@:2}"; }
# Waits (bounded) for the DHCP agent's port on network $2 (as cloud function $1) to be
# ACTIVE, so that it holds the subnet's first address before any instance asks for one.
dhcp_port_ready() {
    local p
    for _ in $(seq 100); do
        p=$("$1" port list --network "$2" --device-owner network:dhcp -f value -c ID)
        [ -n "$p" ] && [ "$("$1" port show "$p" -f value -c status)" = ACTIVE ] && return 0
        sleep 0.1
    done
    return 1
}

cleanup() {
    trap - INT TERM EXIT
    [ -n "${pinger:-}" ] && kill "$pinger" 2>/dev/null
    say "cleaning up"
    admin lab down 2>/dev/null || "$N" lab down 2>/dev/null
    if [ -f "$state/server.pid" ]; then
        kill "$(cat "$state/server.pid")" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$(cat "$state/server.pid")" 2>/dev/null || break; sleep 0.1; done
        rm -f "$state/server.pid"
    fi
}

# --- the server -----------------------------------------------------------------------
if [ -f "$state/server.pid" ] && kill -0 "$(cat "$state/server.pid")" 2>/dev/null; then
    echo "stopping the previous demo server (pid $(cat "$state/server.pid"))"
    kill "$(cat "$state/server.pid")"
    for _ in $(seq 50); do kill -0 "$(cat "$state/server.pid")" 2>/dev/null || break; sleep 0.1; done
fi
"$N" lab down >/dev/null 2>&1    # a lab left by an interrupted run
rm -f "$state/neutrino.sqlite"* "$clouds"
sed -e "s|^state_path = .*|state_path = $state|" -e "s|^bind_port = .*|bind_port = $port|" \
    -e "s|^#bind_unix_socket = .*|bind_unix_socket = $state/neutrino.sock|" \
    -e "s|^clouds_yaml = .*|clouds_yaml = $clouds|" \
    -e "s|^#public_endpoint = .*|public_endpoint = http://127.0.0.1:$port|" \
    "$top/etc/neutron.conf" > "$state/neutron.conf"
# The URLs clients are told come from public_endpoint, not from their Host header.
grep -q '^public_endpoint' "$state/neutron.conf" ||
    sed -i "s|^\[identity\]|[identity]\npublic_endpoint = http://127.0.0.1:$port|" \
        "$state/neutron.conf"
grep -q '^bind_unix_socket' "$state/neutron.conf" ||
    sed -i "s|^\[DEFAULT\]|[DEFAULT]\nbind_unix_socket = $state/neutrino.sock|" "$state/neutron.conf"
"$SERVER" --config-file "$state/neutron.conf" --config-file "$top/etc/ml2_conf.ini" \
    >>"$state/server.log" 2>&1 &
echo $! > "$state/server.pid"
trap cleanup INT TERM EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.05; done
if ! curl -sf "http://127.0.0.1:$port/" >/dev/null; then
    echo "neutrino-server did not come up; see $state/server.log" >&2
    tail -20 "$state/server.log" >&2
    exit 1
fi
echo "neutrino-server on http://127.0.0.1:$port (pid $(cat "$state/server.pid")),"\
     "log $state/server.log, clouds.yaml $clouds"

# --- §1-§3: the lab, the agents -------------------------------------------------------
say "§1-3 the physical environment: nodes controller (eth0, eth1, eth2) and compute (eth0, eth1)"
show admin lab up --server-socket "$state/neutrino.sock" || { fail "lab up"; exit 1; }
show in_node controller ip -br addr
show in_node compute ip -br addr
echo "   (and the upstream router of the external network, the lab's host outside:)"
show in_node outside ip -br addr

say "§2, §5 agents: a linux-bridge agent on every node, the DHCP and L3 agents on the controller"
show admin network agent list
agents=$(admin network agent list -f value -c "Agent Type" -c Host -c Alive -c State | sort | tr '\n' ';')
check "agent list" "DHCP agent controller True True;L3 agent controller True True;Linux bridge agent compute True True;Linux bridge agent controller True True;" "$agents"

# --- §5: first_local_net as demo ------------------------------------------------------
say "§5 first local network, as the project user demo"
show demo network create first_local_net
show demo subnet create --network first_local_net --subnet-range 172.16.1.0/24 \
    --allocation-pool start=172.16.1.2,end=172.16.1.100 subnet_172_16_1_0
net1=$(demo network show first_local_net -f value -c id)
check "network type (admin's view)" "local" "$(admin network show first_local_net -f value -c provider:network_type)"
check "gateway (left empty: the first address)" "172.16.1.1" "$(demo subnet show subnet_172_16_1_0 -f value -c gateway_ip)"
dport=""
for _ in $(seq 100); do
    dport=$(demo port list --network first_local_net --device-owner network:dhcp -f value -c ID)
    [ -n "$dport" ] && [ "$(demo port show "$dport" -f value -c status)" = ACTIVE ] && break
    sleep 0.1
done
show demo port list --network first_local_net --long
check "the network's one port: the DHCP port" "network:dhcp 172.16.1.2" \
    "$(demo port show "$dport" -f value -c device_owner) $(demo port show "$dport" -f json -c fixed_ips | grep -o '"ip_address": "[^"]*"' | cut -d'"' -f4)"
echo "   (the dashboard shows it as (${dport:0:13}))"
say "§5 on the controller: brctl show"
show in_node controller brctl show
check "bridge of first_local_net" "brq${net1:0:11}" \
    "$(in_node controller brctl show | awk -v b="brq${net1:0:11}" '$1 == b {print $1}')"
check "DHCP tap in it" "tap${dport:0:11}" \
    "$(in_node controller brctl show "brq${net1:0:11}" | awk 'NR > 1 {print $NF}' | grep "^tap${dport:0:11}$")"

# --- §6: instances ----------------------------------------------------------------------
say "§6 instances cirros-vm1 and cirros-vm2 on first_local_net"
show demo instance launch cirros-vm1 --network first_local_net
show demo instance launch cirros-vm2 --network first_local_net
for vm in cirros-vm1:172.16.1.3 cirros-vm2:172.16.1.4; do
    name=${vm%%:*} want=${vm#*:}
    check "$name address by DHCP" "$want" "$(demo instance show "$name" -f value -c 'IP Address')"
    mac=$(demo instance show "$name" -f value -c 'MAC Address')
    inside=$("$N" instance exec "$name" -- cat /sys/class/net/eth0/address)
    check "$name MAC inside = port MAC (fa:16:3e:…)" "$mac" "$inside"
    case $mac in fa:16:3e:*) ;; *) fail "$name MAC $mac is not fa:16:3e:…" ;; esac
done
tap1="tap$(demo instance show cirros-vm1 -f value -c Port | cut -c1-11)"
check "cirros-vm1's tap in the bridge" "$tap1" \
    "$(in_node controller brctl show "brq${net1:0:11}" | awk 'NR > 1 {print $NF}' | grep "^$tap1$")"
show "$N" instance exec cirros-vm2 -- busybox ping -c 2 -W 1 172.16.1.3 &&
    pass "cirros-vm2 pings cirros-vm1" || fail "cirros-vm2 cannot ping cirros-vm1"
for p in $(demo port list --network first_local_net -f value -c ID); do
    check "port ${p:0:13} status" "ACTIVE" "$(demo port show "$p" -f value -c status)"
done

say "§6 the question: an instance on the compute node, on the local network"
show demo instance launch cirros-vm4 --network first_local_net --node compute
check "cirros-vm4 gets no address (DHCP is on the controller; local stays on its node)" \
    "None" "$(demo instance show cirros-vm4 -f value -c 'IP Address')"
show demo instance delete cirros-vm4

# --- §7: second_local_net through the admin page ------------------------------------------
say "§7 second local network, created by admin for project demo"
show admin network create --project demo --provider-network-type local second_local_net
show admin subnet create --network second_local_net --subnet-range 172.16.1.0/24 \
    --allocation-pool start=172.16.1.101,end=172.16.1.200 subnet_second
net2=$(admin network show second_local_net -f value -c id)
dport2=""
for _ in $(seq 100); do
    dport2=$(admin port list --network second_local_net --device-owner network:dhcp -f value -c ID)
    [ -n "$dport2" ] && [ "$(admin port show "$dport2" -f value -c status)" = ACTIVE ] && break
    sleep 0.1
done
check "second_local_net belongs to demo" "$(demo network show first_local_net -f value -c project_id)" \
    "$(admin network show second_local_net -f value -c project_id)"
show in_node controller brctl show
check "its bridge and DHCP tap" "brq${net2:0:11} tap${dport2:0:11}" \
    "$(in_node controller brctl show "brq${net2:0:11}" | awk 'NR == 2 {print $1, $NF}')"
show demo instance launch cirros-vm3 --network second_local_net
check "cirros-vm3 address" "172.16.1.102" "$(demo instance show cirros-vm3 -f value -c 'IP Address')"
show "$N" instance exec cirros-vm3 -- busybox ping -c 1 -W 1 172.16.1.3 &&
    fail "cirros-vm3 reached cirros-vm1 across local networks" ||
    pass "cirros-vm3 cannot ping cirros-vm1 (different local networks)"

# --- next chapters: flat and vxlan across the two nodes ---------------------------------------
say "next chapter: a flat network on the physical network "provider" (eth1 of each node), instances on both nodes"
show admin network create --provider-network-type flat --provider-physical-network provider \
    --share flat_net
show admin subnet create --network flat_net --subnet-range 172.16.10.0/24 flat_subnet
dhcp_port_ready admin flat_net
show admin instance launch flat-vm1 --network flat_net
show admin instance launch flat-vm2 --network flat_net --node compute
check "flat-vm1 address" "172.16.10.3" "$(admin instance show flat-vm1 -f value -c 'IP Address')"
check "flat-vm2 (compute) gets its lease across the flat segment" "172.16.10.4" \
    "$(admin instance show flat-vm2 -f value -c 'IP Address')"
show "$N" instance exec flat-vm2 -- busybox ping -c 2 -W 1 172.16.10.3 &&
    pass "flat-vm2 pings flat-vm1 across nodes" || fail "flat-vm2 cannot ping flat-vm1"

say "next chapter: a vxlan network (unicast, l2population), instances on both nodes"
show admin network create --provider-network-type vxlan vxlan_net
show admin subnet create --network vxlan_net --subnet-range 172.16.20.0/24 vxlan_subnet
vni=$(admin network show vxlan_net -f value -c provider:segmentation_id)
dhcp_port_ready admin vxlan_net
show admin instance launch vx-vm1 --network vxlan_net
show admin instance launch vx-vm2 --network vxlan_net --node compute
check "vx-vm1 address" "172.16.20.3" "$(admin instance show vx-vm1 -f value -c 'IP Address')"
check "vx-vm2 (compute) gets its lease over the overlay" "172.16.20.4" \
    "$(admin instance show vx-vm2 -f value -c 'IP Address')"
check "MTU by DHCP on vxlan" "1450" "$("$N" instance exec vx-vm2 -- cat /sys/class/net/eth0/mtu)"
show in_node compute brctl show
check "vxlan-$vni on compute" "vxlan-$vni" \
    "$(in_node compute ip -br link show "vxlan-$vni" 2>/dev/null | awk '{print $1}' | cut -d@ -f1)"
show "$N" instance exec vx-vm2 -- busybox ping -c 2 -W 1 172.16.20.3 &&
    pass "vx-vm2 pings vx-vm1 over vxlan" || fail "vx-vm2 cannot ping vx-vm1"

# --- security groups on first_local_net ------------------------------------------------------
# Waits (polling, bounded) until a command succeeds (want 0) or fails (want 1); prints the
# seconds it took.
until_rc() {
    local want=$1 bound=$2 start=$EPOCHREALTIME rc
    shift 2
    while :; do
        "$@" >/dev/null 2>&1; rc=$?
        [ $((rc != 0)) -eq "$want" ] && break
        awk -v s="$start" -v n="$EPOCHREALTIME" -v b="$bound" 'BEGIN { exit !(n - s > b) }' && break
        sleep 0.05
    done
    printf '   (waited %s s)\n' "$(awk -v s="$start" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.2f", n - s }')"
    [ $((rc != 0)) -eq "$want" ]
}
replies() { grep -c 'bytes from' "$1" 2>/dev/null; }
ms_since() { awk -v s="$1" -v n="$EPOCHREALTIME" 'BEGIN { printf "%d", (n - s) * 1000 }'; }

say "next chapter: security groups — cirros-vm1 and cirros-vm2 are in the project's group default"
sgdefault=$(demo security group list -f value -c ID -c Name | awk '$2 == "default" {print $1}')
show demo security group rule list default
port1=$(demo instance show cirros-vm1 -f value -c Port)
check "cirros-vm1's port is in group default" "['$sgdefault']" "$(demo port show "$port1" -f value -c security_group_ids)"
check "default admits its own members (ingress, remote group default)" "IPv4 ingress $sgdefault" \
    "$(demo security group rule list default --ingress -f value -c Direction -c Ethertype -c 'Remote Security Group' | grep IPv4)"
show "$N" instance exec cirros-vm1 -- busybox ping -c 1 -W 1 172.16.1.4 &&
    pass "cirros-vm1 pings cirros-vm2 (both members of default)" || fail "cirros-vm1 cannot ping cirros-vm2"

say "security groups: cirros-vm5 in a group of its own, with no ingress rule"
show demo security group create --description "no ingress rules" closed
show demo security group rule list closed
show demo instance launch cirros-vm5 --network first_local_net
ip5=$(demo instance show cirros-vm5 -f value -c 'IP Address')
port5=$(demo instance show cirros-vm5 -f value -c Port)
show demo port set "$port5" --no-security-group --security-group closed
check "cirros-vm5's port is only in closed" "['$(demo security group show closed -f value -c id)']" \
    "$(demo port show "$port5" -f value -c security_group_ids)"
echo "   (waiting for the agent to move cirros-vm5 into closed)"
until_rc 1 10 "$N" instance exec cirros-vm1 -- busybox ping -c 1 -W 1 "$ip5"
show "$N" instance exec cirros-vm1 -- busybox ping -c 1 -W 1 "$ip5" &&
    fail "cirros-vm1 reached cirros-vm5 through closed" ||
    pass "cirros-vm1 cannot ping cirros-vm5 (closed admits nothing)"
show "$N" instance exec cirros-vm5 -- busybox ping -c 1 -W 1 172.16.1.3 &&
    fail "cirros-vm5 reached cirros-vm1 from outside default" ||
    pass "cirros-vm5 cannot ping cirros-vm1 (default admits only its members)"

say "security groups: an ICMP rule from 172.16.1.0/24 opens cirros-vm5 (a ping is running meanwhile)"
pinglog="$state/sg-ping.log"
echo "\$ neutrino instance exec cirros-vm1 -- busybox ping -i 0.1 $ip5 &    # in the background"
"$N" instance exec cirros-vm1 -- stdbuf -oL busybox ping -i 0.1 -w 60 "$ip5" >"$pinglog" 2>&1 &
pinger=$!
for _ in $(seq 200); do grep -q '^PING' "$pinglog" && break; sleep 0.05; done
sleep 0.3    # a few requests go out before the rule: none is answered
check "replies before the rule" "0" "$(replies "$pinglog")"
start=$EPOCHREALTIME
created=$(show demo security group rule create closed --protocol icmp --remote-ip 172.16.1.0/24 \
    -f value -c id)
echo "$created"
rule=$(echo "$created" | tail -n 1)
deadline=$(awk -v n="$EPOCHREALTIME" 'BEGIN { printf "%.6f", n + 1 }')
while [ "$(replies "$pinglog")" = 0 ] &&
      awk -v d="$deadline" -v n="$EPOCHREALTIME" 'BEGIN { exit !(n < d) }'; do
    sleep 0.01
done
opened=$(ms_since "$start")
if [ "$(replies "$pinglog")" != 0 ]; then
    pass "cirros-vm1's ping gets replies ${opened} ms after the rule create command started"
else
    fail "no reply within a second of the rule"
fi

say "security groups: deleting the rule ends the ping already running"
for _ in $(seq 100); do [ "$(replies "$pinglog")" -ge 5 ] && break; sleep 0.05; done
before=$(replies "$pinglog")
start=$EPOCHREALTIME
show demo security group rule delete "$rule"
# Replies stop: none new for a second (bounded), while the ping keeps sending.
last=$(replies "$pinglog") quiet_since=$EPOCHREALTIME
for _ in $(seq 160); do
    now=$(replies "$pinglog")
    [ "$now" != "$last" ] && last=$now quiet_since=$EPOCHREALTIME
    awk -v s="$quiet_since" -v n="$EPOCHREALTIME" 'BEGIN { exit !(n - s > 1) }' && break
    sleep 0.05
done
stopped=$(awk -v s="$start" -v q="$quiet_since" 'BEGIN { printf "%d", (q - s) * 1000 }')
tail -n 3 "$pinglog" | sed 's/^/   /'
if kill -0 "$pinger" 2>/dev/null && awk -v s="$quiet_since" -v n="$EPOCHREALTIME" 'BEGIN { exit !(n - s > 1) }'; then
    pass "replies stopped (${before} before the delete, $(replies "$pinglog") in all, last ${stopped} ms after it) while the ping kept sending"
else
    fail "the running ping still gets replies after the rule's delete"
fi
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null

say "security groups: cirros-vm5 takes an address that is not its port's"
show "$N" instance exec cirros-vm5 -- busybox ping -c 1 -W 1 172.16.1.2 &&
    pass "cirros-vm5 pings the DHCP port from its own address" || fail "cirros-vm5 cannot ping the DHCP port"
show "$N" instance exec cirros-vm5 -- ip address add 172.16.1.250/24 dev eth0
show "$N" instance exec cirros-vm5 -- busybox ping -c 1 -W 1 -I 172.16.1.250 172.16.1.2 &&
    fail "cirros-vm5 sent from 172.16.1.250" ||
    pass "cirros-vm5 cannot send from 172.16.1.250 (port security)"

say "security groups: port security off on cirros-vm5's port (its groups cleared first)"
show demo port set "$port5" --disable-port-security &&
    fail "port security went off while the port had groups" ||
    pass "the API refuses port security off while the port is in a group"
show demo port set "$port5" --no-security-group --disable-port-security
check "cirros-vm5's port: no groups, port security off" "[] False" \
    "$(demo port show "$port5" -f value -c security_group_ids) $(demo port show "$port5" -f value -c port_security_enabled)"
echo "   (waiting for the agent to take cirros-vm5's filter away)"
until_rc 0 10 "$N" instance exec cirros-vm5 -- busybox ping -c 1 -W 1 -I 172.16.1.250 172.16.1.2
show "$N" instance exec cirros-vm5 -- busybox ping -c 1 -W 1 -I 172.16.1.250 172.16.1.2 &&
    pass "cirros-vm5 sends from 172.16.1.250 without port security" ||
    fail "cirros-vm5 cannot send from 172.16.1.250 without port security"

# --- routing: the external network, a router, SNAT, a floating IP ------------------------------
# Counts, in the outside host, the echo requests that come from address $1 (accepted, as
# the chain's policy would: the rule is there for its counter).
count_from() { in_node outside iptables -A INPUT -p icmp --icmp-type echo-request -s "$1" -j ACCEPT; }
counted_from() {
    in_node outside iptables -nvx -L INPUT | awk -v s="$1" '$8 == s {print $1; exit}'
}

say "next chapter: routing — the external network ext-net on the controller's eth2 (physical network external)"
show admin network create --external --provider-network-type flat \
    --provider-physical-network external ext-net
show admin subnet create --network ext-net --subnet-range 10.10.10.0/24 --no-dhcp \
    --gateway 10.10.10.1 --allocation-pool start=10.10.10.100,end=10.10.10.200 ext-subnet
check "ext-net is external (router:external)" "True" "$(admin network show ext-net -f value -c router:external)"
check "its gateway: the outside host" "10.10.10.1" "$(admin subnet show ext-subnet -f value -c gateway_ip)"

say "routing: a vxlan network of project demo behind router1, whose gateway is on ext-net"
show admin network create --project demo --provider-network-type vxlan routed_net
show demo subnet create --network routed_net --subnet-range 192.168.30.0/24 routed_subnet
show demo router create router1
show demo router set router1 --external-gateway ext-net
show demo router add subnet router1 routed_subnet
router1=$(demo router show router1 -f value -c id)
gwip=$(demo router show router1 -f json -c external_gateway_info | grep -o '"ip_address": "[^"]*"' | cut -d'"' -f4)
case $gwip in 10.10.10.1[0-9][0-9]|10.10.10.200) pass "router1's gateway address from ext-net's pool: $gwip" ;;
    *) fail "router1's gateway address '$gwip' is not from ext-net's pool" ;; esac
dhcp_port_ready admin routed_net
show demo instance launch r-vm1 --network routed_net --node compute
check "r-vm1 (compute) address" "192.168.30.3" "$(demo instance show r-vm1 -f value -c 'IP Address')"
check "r-vm1's default route: router1's interface (the subnet's gateway)" "192.168.30.1" \
    "$("$N" instance exec r-vm1 -- ip route show default | awk '{print $3}')"
echo "   (the L3 agent builds router1 in the controller: its namespace qrouter-<id>)"
for _ in $(seq 100); do
    "$N" lab enter controller -- ip netns | grep -q "qrouter-$router1" && break
    sleep 0.1
done
show "$N" lab enter controller -- ip netns
check "router1's namespace on the controller" "qrouter-$router1" \
    "$("$N" lab enter controller -- ip netns | awk -v n="qrouter-$router1" '$1 == n {print $1}')"
show "$N" lab enter controller -- ip netns exec "qrouter-$router1" ip -br addr

say "routing: r-vm1 reaches the outside host, which sees router1's gateway address (SNAT)"
ip1=$(demo instance show r-vm1 -f value -c 'IP Address')
count_from "$gwip"
count_from "$ip1"
until_rc 0 10 "$N" instance exec r-vm1 -- busybox ping -c 1 -W 1 10.10.10.1
show "$N" instance exec r-vm1 -- busybox ping -c 2 -W 1 10.10.10.1 &&
    pass "r-vm1 pings the outside host 10.10.10.1" || fail "r-vm1 cannot ping the outside host"
show in_node outside iptables -nvx -L INPUT
snat=$(counted_from "$gwip") direct=$(counted_from "$ip1")
if [ "${snat:-0}" -ge 2 ] && [ "${direct:-0}" -eq 0 ]; then
    pass "the outside host saw r-vm1's pings from $gwip ($snat), none from $ip1 (SNAT)"
else
    fail "the outside host saw ${snat:-0} pings from $gwip and ${direct:-0} from $ip1"
fi

say "routing: a floating IP for r-vm1, reached from the outside host"
show demo security group rule create default --protocol icmp
show demo floating ip create ext-net
fipid=$(demo floating ip list --network ext-net -f value -c ID | head -n 1)
fip=$(demo floating ip show "$fipid" -f value -c floating_ip_address)
show demo floating ip set --port "$(demo instance show r-vm1 -f value -c Port)" "$fipid"
check "the floating IP is r-vm1's" "$ip1" "$(demo floating ip show "$fipid" -f value -c fixed_ip_address)"
until_rc 0 10 in_node outside busybox ping -c 1 -W 1 "$fip"
show in_node outside busybox ping -c 2 -W 1 "$fip" &&
    pass "the outside host pings r-vm1 at its floating IP $fip" ||
    fail "the outside host cannot ping the floating IP $fip"

say "routing: dissociating the floating IP cuts the outside host's running ping"
fiplog="$state/fip-ping.log"
echo "\$ ip netns exec $NEUTRINO_LAB-outside busybox ping -i 0.1 $fip &    # in the background"
in_node outside stdbuf -oL busybox ping -i 0.1 -w 60 "$fip" >"$fiplog" 2>&1 &
pinger=$!
for _ in $(seq 100); do [ "$(replies "$fiplog")" -ge 5 ] && break; sleep 0.05; done
before=$(replies "$fiplog")
start=$EPOCHREALTIME
show demo floating ip unset --port "$fipid"
last=$(replies "$fiplog") quiet_since=$EPOCHREALTIME
for _ in $(seq 160); do
    now=$(replies "$fiplog")
    [ "$now" != "$last" ] && last=$now quiet_since=$EPOCHREALTIME
    awk -v s="$quiet_since" -v n="$EPOCHREALTIME" 'BEGIN { exit !(n - s > 1) }' && break
    sleep 0.05
done
stopped=$(awk -v s="$start" -v q="$quiet_since" 'BEGIN { printf "%d", (q - s) * 1000 }')
tail -n 3 "$fiplog" | sed 's/^/   /'
if [ "$before" -ge 5 ] && kill -0 "$pinger" 2>/dev/null &&
   awk -v s="$quiet_since" -v n="$EPOCHREALTIME" 'BEGIN { exit !(n - s > 1) }'; then
    pass "the outside host's replies stopped (${before} before, $(replies "$fiplog") in all, last ${stopped} ms after the unset) while its ping kept sending"
else
    fail "the outside host's ping of $fip was not cut (${before} replies before the unset, $(replies "$fiplog") in all)"
fi
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null
pinger=""
check "the floating IP is no one's" "None" "$(demo floating ip show "$fipid" -f value -c port_id)"

say "routing: first_local_net leaves through router1 too (its interface takes the subnet's gateway 172.16.1.1)"
show demo router add subnet router1 subnet_172_16_1_0
check "router1's interface on first_local_net" "172.16.1.1" \
    "$(demo port list --device-id "$router1" --network first_local_net -f json -c 'Fixed IP Addresses' | grep -o '"ip_address": "[^"]*"' | cut -d'"' -f4)"
check "cirros-vm1's default route (by DHCP): the subnet's gateway" "172.16.1.1" \
    "$("$N" instance exec cirros-vm1 -- ip route show default | awk '{print $3}')"
until_rc 0 10 "$N" instance exec cirros-vm1 -- busybox ping -c 1 -W 1 10.10.10.1
show "$N" instance exec cirros-vm1 -- busybox ping -c 2 -W 1 10.10.10.1 &&
    pass "cirros-vm1 (first_local_net, controller) pings the outside host through router1" ||
    fail "cirros-vm1 cannot reach the outside host"
extnet=$(admin network show ext-net -f value -c id)
gwport=$(admin port list --device-id "$router1" --device-owner network:router_gateway -f value -c ID)
show in_node controller brctl show "brq${extnet:0:11}"
check "ext-net's bridge on the controller: eth2 and router1's gateway tap" "eth2 tap${gwport:0:11}" \
    "$(in_node controller brctl show "brq${extnet:0:11}" | awk 'NR > 1 {print $NF}' | sort | xargs)"
check "the controller's 10.10.10.10 moved from eth2 to that bridge" "brq${extnet:0:11} 10.10.10.10/24" \
    "$(in_node controller ip -br -4 addr show to 10.10.10.0/24 | awk '{print $1, $3}')"

# --- the end ---------------------------------------------------------------------------------
say "result: $ok observables matched, $bad did not"
if [ "$once" = 1 ]; then
    [ "$bad" -eq 0 ]
    exit
fi
cat <<MSG

neutrino is up with the tutorial's lab (lab $NEUTRINO_LAB):
  API (and the dashboard's address): http://127.0.0.1:$port/
  clouds.yaml:       $clouds  (clouds neutrino-admin, neutrino-demo)
  try:               export OS_CLIENT_CONFIG_FILE=$clouds NEUTRINO_LAB=$NEUTRINO_LAB
                     $N --os-cloud neutrino-demo network list
                     $N --os-cloud neutrino-admin network agent list
                     $N instance exec cirros-vm1 -- ip addr
                     ip netns exec $NEUTRINO_LAB-controller brctl show
                     $N lab enter controller -- ip netns    # the routers
                     ip netns exec $NEUTRINO_LAB-outside busybox ping $fip
Ctrl-C removes the lab and stops the server.
MSG
while kill -0 "$(cat "$state/server.pid")" 2>/dev/null; do sleep 1; done
