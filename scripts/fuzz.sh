#!/bin/bash
# Runs every libFuzzer target of build-fuzz/: first over its checked-in corpus (a
# regression run: every file once), then for a short time from a scratch copy of the
# corpus (the checked-in one is never modified).  Usage: fuzz.sh [seconds per target]
# Ends with "fuzz: P passed, F failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-15}
work=$(mktemp -d /tmp/neutrino-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Targets run side by side, one per core (FUZZ_JOBS): each is one process bound by its
# time box, so two cores halve the phase.  Each writes its verdict to a file of its
# own; they are shown in the targets' order once all have ended.
jobs=${FUZZ_JOBS:-$(nproc)}

# One target: the corpus regression run, then the time-boxed run; "ok" or "FAILED" in
# $work/<name>.verdict.
fuzz_one() {
    local target=$1 name corpus log
    name=$(basename "$target"); corpus=$top/tests/fuzz/corpus/${name#fuzz_}
    log=$work/$name.log
    mkdir -p "$work/$name"
    cp -r "$corpus"/. "$work/$name"/ 2>/dev/null
    if "$target" -runs=0 "$corpus" >"$log" 2>&1 &&
       "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
           -artifact_prefix="$work/$name-" "$work/$name" >>"$log" 2>&1; then
        echo ok >"$work/$name.verdict"
    else
        echo FAILED >"$work/$name.verdict"
    fi
}

targets=()
for target in "$top"/build-fuzz/tests/fuzz/fuzz_*; do
    [ -f "$target" ] && [ -x "$target" ] || continue
    targets+=("$target")
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
    done
    fuzz_one "$target" &
done
wait

for target in "${targets[@]}"; do
    name=$(basename "$target"); log=$work/$name.log
    if [ "$(cat "$work/$name.verdict" 2>/dev/null)" = ok ]; then
        runs=$(grep -oE '#[0-9]+' "$log" | tail -1)
        echo "fuzz $name: ok (${runs#\#} runs)"
        passed=$((passed + 1))
    else
        mkdir -p "$top/check-logs"; cp "$log" "$top/check-logs/$name.log"
        cp "$work/$name"-* "$top/check-logs/" 2>/dev/null
        echo "fuzz $name: FAILED (see check-logs/$name.log)"
        tail -30 "$log"
        failed=$((failed + 1))
    fi
done
[ $((passed + failed)) -gt 0 ] || { echo "no fuzz targets built"; failed=1; }
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
