#!/bin/bash
# Runs every test suite and ends with one line "N passed, N failed[, N skipped]".
#   unit tests (cmocka)         debug build and ASan+UBSan build
#   API tests (pytest, openstacksdk against a real neutrino-server)
#                               debug build and ASan+UBSan build, each on SQLite and
#                               on a private PostgreSQL (with two servers sharing it)
#   agent tests (pytest, the linux-bridge agent in network namespaces)
#                               debug build and ASan+UBSan build
#   fuzzers (libFuzzer, clang)  corpus regression + a short time-boxed run, a target
#                               per core at once
#   tempest (OpenStack's conformance suite, tests/tempest/run.sh) against the debug
#                               build with the lab's agents, in the background from the
#                               debug build on (it waits on the server most of its
#                               time); TEMPEST=0 leaves it out
# The PostgreSQL API suite and the agent suite of each build run at the same time.
# Exits non-zero if anything failed.  Logs of failed suites are kept in check-logs/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
logs=$top/check-logs
rm -rf "$logs"; mkdir -p "$logs"
passed=0 failed=0 skipped=0
PY=/usr/bin/python3

note() { printf '== %s\n' "$*"; }
add() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + ${3:-0})); }

# Runs two suites at once (they share nothing: the PostgreSQL API suite and the
# namespace lab), each printing and counting into files of its own, then shows their
# output in the order given and adds up their counts.  Halves the wall time of the
# pair on two cores, since both spend much of it waiting on servers and packets.
# Waits on the pair's own PIDs: a bare `wait` would also wait for tempest, which runs
# in the background from the start (it held the suites after the pair until tempest
# ended: 7 of a 33-minute run).
run_together() {
    local i out c pids=()
    for i in 1 2; do
        out=$logs/together-$i c=cmd$i
        rm -f "$out.txt" "$out.counts"
        ( passed=0 failed=0 skipped=0
          eval "${!c}" >"$out.txt" 2>&1
          echo "$passed $failed $skipped" >"$out.counts" ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    for i in 1 2; do
        out=$logs/together-$i
        cat "$out.txt"
        if [ -s "$out.counts" ]; then
            add $(cat "$out.counts")
        else
            echo "   the suite did not finish"; add 0 1
        fi
    done
}

# meson test: per-test results from its summary ("Ok: N", "Fail: N", "Skipped: N").
run_unit() {
    local dir=$1 name=$2 log=$logs/unit-$2.log
    note "unit tests ($name)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        meson test -C "$dir" --print-errorlogs >"$log" 2>&1
    local ok fail skip
    ok=$(awk '/^Ok:/ {print $2}' "$log"); fail=$(awk '/^Fail:/ {print $2}' "$log")
    skip=$(awk '/^Skipped:/ {print $2}' "$log")
    local timeout; timeout=$(awk '/^Timeout:/ {print $2}' "$log")
    ok=${ok:-0}; fail=$(( ${fail:-0} + ${timeout:-0} )); skip=${skip:-0}
    if [ "$ok" = 0 ] && [ "$fail" = 0 ]; then fail=1; fi   # the suite did not run at all
    echo "   $ok passed, $fail failed, $skip skipped"
    [ "$fail" -gt 0 ] && tail -40 "$log"
    add "$ok" "$fail" "$skip"
}

# pytest suites: "api" (tests/api) or "agent" (tests/agent, the namespace lab).
# NEUTRINO_TEST_DB in the environment picks the database (sqlite by default).
run_api() {
    local server=$1 name=$2 suite=$3 log=$logs/$3-$2.log
    [ "$suite" = api ] && note "API tests ($name)" || note "agent tests ($name)"
    NEUTRINO_SERVER=$server ASAN_OPTIONS=detect_leaks=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        timeout 1200 $PY -m pytest -q -p no:cacheprovider "tests/$suite" >"$log" 2>&1
    local line p f s e
    line=$(grep -E '^(=+ )?[0-9]+ (passed|failed)|^(=+ )?(no tests ran|[0-9]+ error)' "$log" | tail -1)
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    s=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+')
    e=$(echo "$line" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+')
    p=${p:-0}; f=$(( ${f:-0} + ${e:-0} )); s=${s:-0}
    if [ "$p" = 0 ] && [ "$f" = 0 ]; then f=1; fi
    echo "   $p passed, $f failed, $s skipped"
    [ "$f" -gt 0 ] && grep -E '^(FAILED|ERROR)' "$log" | head -40
    add "$p" "$f" "$s"
}

# The dashboard in chromium (tests/gui, node's test runner over playwright-core).
run_gui() {
    local server=$1 name=$2 log=$logs/gui-$2.log
    note "dashboard tests ($name)"
    NEUTRINO_SERVER=$server GUI_ARTIFACTS=$logs/gui-$name ASAN_OPTIONS=detect_leaks=1 \
        timeout 600 node --test --test-reporter=tap tests/gui/ >"$log" 2>&1
    local p f
    p=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
    f=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
    p=${p:-0}; f=${f:-0}
    if [ "$p" = 0 ] && [ "$f" = 0 ]; then f=1; fi
    echo "   $p passed, $f failed"
    [ "$f" -gt 0 ] && grep -E '^not ok|error:' "$log" | head -20
    add "$p" "$f"
}

# tempest in the background: started once the debug build exists, collected at the end.
tempest_pid=
start_tempest() {
    [ "${TEMPEST:-1}" = 0 ] && return
    note "tempest: started in the background (log check-logs/tempest.log)"
    RESULTS_DIR=$logs/tempest tests/tempest/run.sh >"$logs/tempest.log" 2>&1 &
    tempest_pid=$!
}

collect_tempest() {
    [ -n "$tempest_pid" ] || return
    note "tempest"
    wait "$tempest_pid"
    local line p f s
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/tempest.log" | tail -1)
    p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}' | tr -d ,)
    s=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+')
    p=${p:-0}; f=${f:-1}; s=${s:-0}
    grep -E '^tempest|REGRESSION|known failures' "$logs/tempest.log" | sed 's/^/   /'
    echo "   $p passed, $f failed, $s skipped"
    [ "$f" -gt 0 ] && tail -20 "$logs/tempest.log"
    add "$p" "$f" "$s"
}

run_fuzz() {
    local log=$logs/fuzz.log
    note "fuzzers"
    scripts/fuzz.sh "${FUZZ_SECONDS:-15}" >"$log" 2>&1
    local line p f
    line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
    p=${p:-0}; f=${f:-1}
    echo "   $p passed, $f failed"
    [ "$f" -gt 0 ] && tail -20 "$log"
    add "$p" "$f"
}

build_ok=1
note "building (debug, asan, fuzz)"
make -s build >"$logs/build.log" 2>&1 || { echo "   debug build failed"; tail -30 "$logs/build.log"; build_ok=0; add 0 1; }
make -s asan >"$logs/build-asan.log" 2>&1 || { echo "   asan build failed"; tail -30 "$logs/build-asan.log"; add 0 1; }
make -s fuzz >"$logs/build-fuzz.log" 2>&1 || { echo "   fuzz build failed"; tail -30 "$logs/build-fuzz.log"; add 0 1; }

if [ "$build_ok" = 1 ]; then
    start_tempest
    run_unit build debug
    run_api "$top/build/src/server/neutrino-server" debug api
    cmd1='NEUTRINO_TEST_DB=postgresql run_api "$top/build/src/server/neutrino-server" debug-postgresql api'
    cmd2='run_api "$top/build/src/server/neutrino-server" debug agent'
    run_together
    run_gui "$top/build/src/server/neutrino-server" debug
fi
if [ -x build-asan/src/server/neutrino-server ]; then
    run_unit build-asan asan
    run_api "$top/build-asan/src/server/neutrino-server" asan api
    cmd1='NEUTRINO_TEST_DB=postgresql run_api "$top/build-asan/src/server/neutrino-server" asan-postgresql api'
    cmd2='run_api "$top/build-asan/src/server/neutrino-server" asan agent'
    run_together
    run_gui "$top/build-asan/src/server/neutrino-server" asan
fi
if [ -d build-fuzz/tests/fuzz ]; then
    run_fuzz
fi
collect_tempest

if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
