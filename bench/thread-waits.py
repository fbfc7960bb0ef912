#!/usr/bin/env python3
"""Where a process's threads spend their lifetime: on a CPU, runnable but waiting for one (run queue), or asleep
(blocked on a lock, a condition, I/O, poll). Issue 19: tells a pipeline that waits on itself from one that waits
for cores. Reads /proc/PID/task/*/schedstat (run ns, run-queue wait ns, slices) every 50 ms until the process ends,
so nothing needs perf or root; a thread's figures are its last sample (at most 50 ms short).

Usage: bench/thread-waits.py OUT EXECUTABLE [ARG...]
  waits for a process whose argv[0] is EXECUTABLE and whose arguments include every ARG, follows it to its end,
  and appends one line per thread and a total to OUT. (bench/21-poll-precompressed.sh runs it for poll_cold
  with TIDINGS_BENCH_THREADS=FILE.)"""
import glob
import os
import sys
import time

out, wanted = sys.argv[1], [os.fsencode(a) for a in sys.argv[3:]]
executables = {os.fsencode(sys.argv[2]), os.fsencode(os.path.realpath(sys.argv[2]))}


def find():
    for directory in glob.glob("/proc/[0-9]*"):
        try:
            argv = open(directory + "/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0] in executables and all(arg in argv for arg in wanted):
            return directory
    return None


process = None
while process is None:
    process = find()
    if process is None:
        time.sleep(0.01)
first, last = {}, {}
while os.path.exists(process):
    for task in glob.glob(process + "/task/*"):
        try:
            name = open(task + "/comm").read().strip()
            run, wait, slices = map(int, open(task + "/schedstat").read().split())
        except (OSError, ValueError):
            continue
        now = time.monotonic()
        first.setdefault(task, now)
        last[task] = (name, run / 1e9, wait / 1e9, slices, now)
    time.sleep(0.05)
rows, total = [], [0.0, 0.0, 0.0]
for task, (name, run, wait, slices, seen) in last.items():
    life = max(seen - first[task], run + wait)
    asleep = life - run - wait
    rows.append((run, "%-7s %-20s cpu %6.2f s  run-queue %6.2f s  asleep %6.2f s  (%d slices)"
                 % (os.path.basename(task), name, run, wait, asleep, slices)))
    total[0] += run; total[1] += wait; total[2] += asleep
with open(out, "a") as target:
    for _, line in sorted(rows, reverse=True):
        target.write(line + "\n")
    target.write("all threads: cpu %.2f s, run-queue %.2f s, asleep %.2f s\n" % tuple(total))
