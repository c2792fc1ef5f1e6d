#!/bin/bash
# Installs the Debian packages neutrino needs to build, test and run — only the missing ones,
# so a second run costs one dpkg query.  Usage: install-deps.sh [build|test|tempest|all]
set -euo pipefail
what=${1:-all}
build=(meson ninja-build pkg-config gcc libmicrohttpd-dev libjansson-dev libinih-dev
       libsqlite3-dev uuid-dev libcmocka-dev libsodium-dev libcurl4-gnutls-dev libmnl-dev
       libyaml-dev libpq-dev zlib1g-dev dnsmasq-base busybox iproute2 bridge-utils
       iptables ebtables ipset)
# conntrack: the firewall and L3 tests read the kernel's connections with it (the agents
# do not need it: they end connections over ctnetlink).  keepalived: the L3 agent runs it
# for HA routers (tests/agent/test_l3_ha.py, bench/l3_ha_failover_bench.py).
test=(conntrack keepalived clang libclang-rt-14-dev python3-openstacksdk python3-openstackclient python3-pytest
      python3-requests python3-yaml curl sqlite3 wrk busybox iproute2 chromium postgresql)
# tempest: OpenStack's conformance suite and its network plugin (make tempest).
tempest=(tempest neutron-tempest-plugin python3-subunit)
case $what in
    build) want=("${build[@]}") ;;
    test) want=("${build[@]}" "${test[@]}") ;;
    tempest) want=("${build[@]}" "${tempest[@]}") ;;
    all) want=("${build[@]}" "${test[@]}" "${tempest[@]}") ;;
    *) echo "usage: $0 [build|test|tempest|all]" >&2; exit 2 ;;
esac
missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (nodesource): only the commands matter.
if [ "$what" != build ] && [ "$what" != tempest ] && ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages and not root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The dashboard's browser tests drive chromium with playwright-core, from npm at the
# version package-lock.json pins.
if [ "$what" != build ] && [ "$what" != tempest ] && [ ! -d "$(dirname "$0")/../tests/gui/node_modules/playwright-core" ]; then
    echo "installing playwright-core (npm) for tests/gui"
    (cd "$(dirname "$0")/../tests/gui" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
