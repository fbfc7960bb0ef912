#!/usr/bin/env bash
# A/B comparison of tidings binaries on the precompressed poll benchmark's cold cycle (issue 19): one nginx, one
# fixture (21-poll-precompressed.sh's), and rounds in which every binary runs `poll --once --all` into a fresh
# store, the order rotated each round. On a shared 2-core host a run's CPU-seconds move by ±10-15 % with the
# neighbours' load, more than most single changes save; runs of the binaries side by side see the same load, so
# the per-round differences against the first binary are the figure to read (their median, and how many rounds
# were lower), next to each binary's median and spread. Not named NN-*.sh: run-all.sh passes one binary.
# Usage: bench/ab-poll.sh BEFORE AFTER [MORE...]   (copy the before binary out of .build first)
#   TIDINGS_BENCH_ROUNDS=R (default 5)   TIDINGS_BENCH_FEEDS=N (default 10000; another N regenerates the fixture)
#   TIDINGS_BENCH_THREADS=FILE appends each run's per-thread CPU, run-queue wait and sleep (bench/thread-waits.py,
#   which finds the process by its executable: give the binaries themselves, not scripts that exec them)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BEFORE AFTER [MORE...]" >&2; exit 2; }
binaries=()
for binary in "$@"; do binaries+=("$(realpath "$binary")"); done
[ ${#binaries[@]} -le 8 ] || { echo "at most 8 binaries" >&2; exit 2; }
if [ -n "${TIDINGS_BENCH_THREADS:-}" ]; then
  for binary in "${binaries[@]}"; do
    # thread-waits.py would wait forever for a process named after a script that execs another file.
    [ "$(head -c 2 "$binary")" != '#!' ] || { echo "$binary is a script: TIDINGS_BENCH_THREADS needs executables" >&2; exit 2; }
  done
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${TIDINGS_BENCH_ROUNDS:-5}
letters=ABCDEFGH
source "$here/poll-common.sh"
source "$here/poll-static.sh"
poll_bench_setup ab
precompressed_fixture_and_server

echo "A/B, cold poll --once --all: $count feeds from $source_note; $rounds rounds of ${#binaries[@]} binaries"
labels=()
for index in "${!binaries[@]}"; do
  labels+=("${letters:index:1}")
  echo "  ${labels[index]}: ${binaries[index]}"
done
for ((round = 0; round < rounds; round++)); do
  for ((step = 0; step < ${#binaries[@]}; step++)); do
    index=$(((round + step) % ${#binaries[@]}))
    fresh_poll_store
    threads_pid=""
    if [ -n "${TIDINGS_BENCH_THREADS:-}" ]; then
      echo "--- ${labels[index]}, round $((round + 1))" >> "$TIDINGS_BENCH_THREADS"
      python3 "$here/thread-waits.py" "$TIDINGS_BENCH_THREADS" "${binaries[index]}" poll --once --all &
      threads_pid=$!
    fi
    phase "${labels[index]}" "${binaries[index]}" poll --once --all --config "$work/poll.toml"
    if [ -n "$threads_pid" ]; then wait "$threads_pid"; fi
  done
done

python3 - "${labels[@]}" <<PY
import statistics, sys
labels = sys.argv[1:]
raw = {$(for k in "${!runs[@]}"; do printf '"%s": "%s", ' "$k" "${runs[$k]}"; done)}
fig = {k: [tuple(map(float, r.split())) for r in v.strip(";").split(";")] for k, v in raw.items()}
def spread(values): return "%.2f (%.2f-%.2f)" % (statistics.median(values), min(values), max(values))
print()
reference = labels[0]
for label in labels:
    runs = fig[label]
    line = "%s: CPU-s %s, wall %s s, peak RSS %.1f MB" % (
        label, spread([r[1] for r in runs]), spread([r[0] for r in runs]), max(r[2] for r in runs))
    if label != reference:
        # Run i of each binary was in the same round, so these pairs saw about the same load.
        differences = [r[1] - a[1] for r, a in zip(runs, fig[reference])]
        line += "; vs %s per round: median %+.2f CPU-s (%+.1f %%), lower in %d of %d" % (
            reference, statistics.median(differences),
            100 * statistics.median(differences) / statistics.median(a[1] for a in fig[reference]),
            sum(d < 0 for d in differences), len(differences))
    print(line)
PY
