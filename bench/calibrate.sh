#!/usr/bin/env bash
# Prints how fast this machine runs a fixed single-threaded CPU loop right now, so figures from different runs can
# be compared: on a shared 2-core VM the same work was seen taking from 2.2 s to 4.3 s within one hour.
set -euo pipefail
python3 - "${1:-now}" <<'PY'
import sys, time
start = time.perf_counter()
total = 0
for i in range(20_000_000):
    total += i * i
print(f"machine speed ({sys.argv[1]}): a fixed CPU loop took {time.perf_counter() - start:.2f} s (2.2 s on this machine when quiet)")
PY
