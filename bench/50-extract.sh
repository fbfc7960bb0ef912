#!/usr/bin/env bash
# Article extraction throughput and peak memory over ../shared/conformance/articles (129 pages, 23 MiB),
# in one process (`tidings extract --stats`), so process start-up is not what is measured.
# Reference in the same run: libxml2 alone (`xmllint --html --noout`) parsing the same files.
# Usage: bench/50-extract.sh RELEASE_BINARY   (TIDINGS_SHARED overrides the shared folder)
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
shared=${TIDINGS_SHARED:-$here/../../shared}
corpus="$shared/conformance/articles"
if [ ! -f "$corpus/score.py" ]; then
  echo "50-extract: $corpus not present, skipped"
  exit 0
fi
rounds=${ROUNDS:-3}
python3 - "$binary" "$corpus" "$rounds" <<'PY'
import glob, os, re, resource, subprocess, sys, time

binary, corpus, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
pages = sorted(glob.glob(os.path.join(corpus, "*", "source.html")))
size = sum(os.path.getsize(p) for p in pages)

def run(argv, check=True):
    """Runs argv alone; returns (wall s, cpu s, peak RSS KiB, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # xmllint reports every markup error of these real pages on stderr; only its exit matters.
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if check and proc.returncode != 0:
        sys.exit(f"50-extract: {argv[0]} failed: {proc.stderr.decode('utf-8', 'replace').strip()[-200:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss, proc.stdout.decode("utf-8", "replace")

best_tidings = best_xmllint = None
rss_tidings = rss_xmllint = 0
for _ in range(rounds):
    # xmllint first: ru_maxrss is a high-water mark over all children, so the larger process must come last.
    wall, cpu, rss, _ = run(["xmllint", "--html", "--noout", *pages], check=False)  # exits 1 on markup errors
    best_xmllint = cpu if best_xmllint is None else min(best_xmllint, cpu)
    rss_xmllint = max(rss_xmllint, rss)
for _ in range(rounds):
    wall, cpu, rss, out = run([binary, "extract", "--stats", *pages])
    match = re.search(r"wall s ([\d.]+), pages/s [\d.]+, cpu s ([\d.]+)", out)
    in_process_wall, in_process_cpu = float(match.group(1)), float(match.group(2))
    best_wall = in_process_wall if best_tidings is None else min(best_wall, in_process_wall)
    best_tidings = in_process_cpu if best_tidings is None else min(best_tidings, in_process_cpu)
    rss_tidings = max(rss_tidings, rss)

n = len(pages)
print(f"extract: {n} pages, {size / 1048576:.1f} MiB, best of {rounds}")
print(f"  tidings extract   {n / best_tidings:7.1f} pages/cpu-s  {size / best_tidings / 1048576:6.1f} MiB/s  (extraction only, one thread)")
print(f"                    {n / best_wall:7.1f} pages/s wall-clock (lower while other jobs share the cores)")
print(f"  xmllint --html    {n / best_xmllint:7.1f} pages/cpu-s  {size / best_xmllint / 1048576:6.1f} MiB/s  (libxml2 parse only, whole process)")
print(f"  ratio             {best_tidings / best_xmllint:7.2f}x the CPU time of parsing alone (bar: >= 50 pages/s)")
print(f"  peak RSS          tidings {rss_tidings / 1024:.1f} MiB (all pages loaded up front: {size / 1048576:.1f} MiB), xmllint {rss_xmllint / 1024:.1f} MiB")
PY
