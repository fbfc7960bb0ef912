#!/usr/bin/env bash
# Runs the built test bundle under a watchdog. A test that never ends must not hold CI until its own limit with
# nothing to show: after TIDINGS_TEST_LIMIT seconds (default 1800; the whole run takes 2–3 minutes here on a quiet
# machine, up to ~8 beside other builds) this names the tests that started and never finished, prints every
# thread's stack of the test process (gdb, when installed) and of any `tidings` child still running, stops them all
# and fails.
set -uo pipefail
limit="${TIDINGS_TEST_LIMIT:-1800}"
log=".build/test.log"
mkdir -p .build

# setsid: the test processes and their children get a session of their own (swift test starts the bundle in a
# process group of its own, so a group is not enough), found again with pgrep -s.
# stdbuf: the bundle's output goes to a pipe, where it would sit in 4 KiB blocks; line by line, the log shows
# which tests ended when the watchdog looks.
setsid stdbuf -oL -eL swift test --skip-build "$@" > >(tee "$log") 2>&1 &
runner=$!

stacks() {
    local pid="$1"
    command -v gdb >/dev/null || { echo "(gdb not installed: no stacks)"; return; }
    timeout 120 gdb -p "$pid" -batch -ex "set pagination off" -ex "thread apply all bt 25" 2>/dev/null \
        | grep -E '^(Thread|#)' | head -400
}

waited=0
while kill -0 "$runner" 2>/dev/null; do
    sleep 5
    waited=$((waited + 5))
    if (( waited >= limit )); then
        echo
        echo "run-tests: the tests did not finish within ${limit} s. Started and never finished:"
        # "◇ Test name started." without a later "✔/✘ Test name passed/failed" line.
        python3 - "$log" <<'PY'
import re, sys
started, ended = [], set()
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"◇ Test (.+?) started\.", line)
    if m and m.group(1) != "run": started.append(m.group(1)); continue
    m = re.match(r"[✔✘] Test (.+?) (passed|failed)", line)
    if m: ended.add(m.group(1))
for name in dict.fromkeys(started):
    if name not in ended: print("  -", name)
PY
        members=$(pgrep -s "$runner")
        for pid in $members; do
            name=$(ps -o args= -p "$pid" | cut -c1-160)
            case "$name" in
                *PackageTests.xctest*|*/tidings\ *)
                    echo "--- stacks of $pid ($name) ---"
                    stacks "$pid" ;;
            esac
        done
        # Twice: a test may have started another child while the stacks were being taken.
        kill -KILL $members 2>/dev/null
        kill -KILL $(pgrep -s "$runner") 2>/dev/null
        wait "$runner" 2>/dev/null
        exit 1
    fi
done
wait "$runner"
