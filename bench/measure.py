#!/usr/bin/env python3
"""Runs one command and prints `wall_s cpu_s peak_rss_mb exit_status` for it (its children included), then the
command's own stdout last line on stderr. Peak RSS is ru_maxrss of RUSAGE_CHILDREN: this process starts one
child, so it is that child's (or its largest descendant's) peak."""
import resource
import subprocess
import sys
import time

started = time.monotonic()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f %.1f %d" % (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, completed.returncode))
lines = (completed.stdout.strip().splitlines() or [""]) + (completed.stderr.strip().splitlines()[-3:])
sys.stderr.write("\n".join(line for line in lines if line) + "\n")
