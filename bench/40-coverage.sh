#!/usr/bin/env bash
# Coverage engine throughput: `tidings replay` over a generated stream of 100,000 articles on 50 topics.
# Prints articles/s overall and per 10,000-article slice (the cost per article must not grow with the number of
# articles seen), RSS at each slice and peak RSS. Reference, measured in the same run on the same file: a
# Python pass that json-parses every line (the least any consumer of the stream must do), and `wc -l`.
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tidings-bench/coverage-100k"
articles="${COVERAGE_BENCH_ARTICLES:-100000}"
if [ ! -s "$cache/articles.jsonl" ] || [ "$(wc -l < "$cache/articles.jsonl")" -ne "$articles" ]; then
  echo "generating $articles articles into $cache"
  python3 "$here/coverage_stream.py" "$cache" --articles "$articles" --topics 50
fi

python3 - "$binary" "$cache" <<'PY'
import json, os, resource, subprocess, sys, time

binary, cache = sys.argv[1], sys.argv[2]
topics, articles = os.path.join(cache, "topics.toml"), os.path.join(cache, "articles.jsonl")
size_mb = os.path.getsize(articles) / 1e6

TICKS = os.sysconf("SC_CLK_TCK")

def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0

def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

# Reference 1: json-parse every line in Python.
t0 = time.perf_counter()
n_ref = 0
with open(articles, "rb") as f:
    for line in f:
        json.loads(line)
        n_ref += 1
py_s = time.perf_counter() - t0
# Reference 2: wc -l.
t0 = time.perf_counter()
subprocess.run(["wc", "-l", articles], check=True, capture_output=True)
wc_s = time.perf_counter() - t0

slice_size = 10_000
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
proc = subprocess.Popen([binary, "replay", "--config", topics, articles], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 16)
slices, count, last_t, last_cpu = [], 0, t0, 0.0
verdicts = {}
for line in proc.stdout:
    count += 1
    v = json.loads(line)["verdict"]
    verdicts[v] = verdicts.get(v, 0) + 1
    if count % slice_size == 0:
        now, cpu = time.perf_counter(), cpu_seconds(proc.pid)
        slices.append((count, slice_size / (now - last_t), slice_size / max(cpu - last_cpu, 1e-3), rss_kib(proc.pid)))
        last_t, last_cpu = now, cpu
err = proc.stderr.read().decode()
proc.wait()
total_s = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
peak_kib = after.ru_maxrss
if proc.returncode != 0 or count != n_ref:
    sys.exit(f"replay failed (exit {proc.returncode}, {count}/{n_ref} lines): {err[-500:]}")

rate = count / total_s
cpu_rate = count / cpu_s
load = os.getloadavg()[0]
print(f"stream: {count} articles, {size_mb:.0f} MB, 50 topics; verdicts {dict(sorted(verdicts.items()))}")
print(f"machine load average during the run: {load:.1f} on {os.cpu_count()} cores (wall figures suffer when it is high)")
print(f"tidings replay (wall):   {total_s:7.2f} s  {rate:9.0f} articles/s  ({size_mb / total_s:.1f} MB/s)")
print(f"tidings replay (CPU):    {cpu_s:7.2f} s  {cpu_rate:9.0f} articles/s per core (user+sys of the replay process)")
print(f"reference python json:   {py_s:7.2f} s  {n_ref / py_s:9.0f} lines/s     replay/python time ratio {total_s / py_s:.2f}")
print(f"reference wc -l:         {wc_s:7.2f} s                        replay/wc time ratio {total_s / max(wc_s, 1e-6):.0f}")
print(f"peak RSS (replay + python reader's children): {peak_kib / 1024:.1f} MiB")
print("per 10k-article slice — flat means cost per article does not grow with articles seen:")
print("  articles   wall rate    CPU rate      RSS")
for n, r, c, rss in slices:
    memory = f"{rss / 1024:7.1f} MiB" if rss else "  (exited)"
    print(f"  {n:8d}  {r:8.0f}/s  {c:8.0f}/s  {memory}")
if slices:
    print(f"last/first slice CPU-rate ratio: {slices[-1][2] / slices[0][2]:.2f}; "
          f"last/middle: {slices[-1][2] / slices[len(slices) // 2][2]:.2f}")
print(f"bar >= 5000 articles/s on one core: CPU-time rate {cpu_rate:.0f}/s -> {'ok' if cpu_rate >= 5000 else 'BELOW'}")
PY
