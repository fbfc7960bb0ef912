#!/usr/bin/env bash
# Configuration loading at scale: `tidings check-config` on a generated file of 10,000 [[feed]] tables and
# 200 topics (the size of the poll benchmark's feed list), against Python's tomllib parsing the same file
# in the same run. Prints CPU seconds, wall time and peak RSS of each, and the ratio.
set -euo pipefail
binary=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/tidings.toml" <<'PY'
import sys
lines = ['[store]', 'path = "bench.db"', '', '[poll]', 'interval = "15m"', '']
for i in range(10_000):
    lines += ['[[feed]]', f'url = "https://host{i % 500}.example.org/feeds/{i}.xml"', f'name = "Feed number {i}"', '']
for i in range(200):
    lines += ['[[topic]]', f'name = "topic-{i}"', f"query = '(alpha{i} OR \"beta {i}\") AND NOT gamma*'", '']
lines += ['[[alert]]', 'type = "log"', 'path = "alerts.jsonl"']
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
PY

python3 - "$binary" "$work/tidings.toml" <<'PY'
import os, resource, subprocess, sys, time
binary, config = sys.argv[1], sys.argv[2]

def measure(command, runs=5):
    best = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            sys.exit(f"{command[0]} failed ({result.returncode}): {result.stderr[-500:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if best is None or cpu < best[0]:
            best = (cpu, wall)
    return best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

def peak_rss(command):
    """Peak RSS of one run alone (RUSAGE_CHILDREN would keep the maximum over every child so far)."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    return usage.ru_maxrss / 1024

size = os.path.getsize(config) / 1024
(tidings_cpu, tidings_wall), _ = measure([binary, "check-config", "--config", config])
tidings_rss = peak_rss([binary, "check-config", "--config", config])
reference = [sys.executable, "-c", "import tomllib,sys; tomllib.load(open(sys.argv[1],'rb'))", config]
(python_cpu, python_wall), _ = measure(reference)
python_rss = peak_rss(reference)

print(f"config: {size:.0f} KB, 10,000 feeds, 200 topics (best of 5 runs by CPU time)")
print(f"  tidings check-config (parse + validate): CPU {tidings_cpu:.3f} s, wall {tidings_wall:.3f} s, peak RSS {tidings_rss:.1f} MB")
print(f"  python3 tomllib (parse only, reference): CPU {python_cpu:.3f} s, wall {python_wall:.3f} s, peak RSS {python_rss:.1f} MB")
print(f"  ratio tidings/tomllib CPU: {tidings_cpu / python_cpu:.2f}")
PY
