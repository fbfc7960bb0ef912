#!/usr/bin/env bash
# Parse throughput: `tidings parse --stats` vs `xmllint --stream --noout` over the same generated corpus of
# realistic news feeds (>= 100 MB, deterministic), measured in the same run; plus tidings' peak RSS.
# Bars (issue 2): tidings parse time <= 2.0x xmllint's; peak RSS <= 50 MB.
# Usage: bench/10-parse.sh /path/to/tidings   (TIDINGS_BENCH_CACHE overrides the corpus cache directory;
#        PARSE_BENCH_MB the corpus size; PARSE_BENCH_JOBS the --jobs given to tidings, default: all CPUs)
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
size_mb=${PARSE_BENCH_MB:-110}
cache=${TIDINGS_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tidings-bench}
corpus="$cache/parse-corpus-${size_mb}mb-v1"
command -v xmllint >/dev/null || { echo "10-parse: xmllint not installed (apt-get install libxml2-utils)" >&2; exit 1; }
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus"; mkdir -p "$corpus"
  python3 "$here/generate_parse_corpus.py" "$corpus" "$size_mb"
  touch "$corpus/.complete"
fi

python3 - "$binary" "$corpus" "${PARSE_BENCH_JOBS:-}" <<'PY'
import glob, os, resource, subprocess, sys, time
binary, corpus, jobs = sys.argv[1], sys.argv[2], sys.argv[3]
files = sorted(glob.glob(os.path.join(corpus, "*.xml")))
total = sum(os.path.getsize(f) for f in files)

def run(cmd):
    """Wall seconds, CPU seconds and peak RSS (KiB) of one child, measured in a fresh helper process."""
    helper = ("import resource,subprocess,sys,time\n"
              "t=time.perf_counter();p=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE)\n"
              "w=time.perf_counter()-t;u=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
              "print(p.returncode,w,u.ru_utime+u.ru_stime,u.ru_maxrss);sys.stdout.flush()\n"
              "sys.stderr.write(p.stderr.decode(errors='replace')[-2000:])\n")
    out = subprocess.run([sys.executable, "-c", helper] + cmd, capture_output=True, text=True)
    rc, wall, cpu, rss = out.stdout.split()
    if int(rc) != 0:
        sys.exit("10-parse: %s exited %s: %s" % (cmd[0], rc, out.stderr.strip()[:500]))
    return float(wall), float(cpu), int(rss)

tidings_cmd = [binary, "parse", "--stats", corpus] + (["--jobs", jobs] if jobs else [])
xmllint_cmd = ["xmllint", "--stream", "--noout"] + files
# Warm the page cache, then alternate the two three times and keep each one's best run.
run(xmllint_cmd)
best = {"tidings": None, "xmllint": None}
for _ in range(3):
    for name, cmd in (("xmllint", xmllint_cmd), ("tidings", tidings_cmd)):
        result = run(cmd)
        if best[name] is None or result[0] < best[name][0]:
            best[name] = result
single = run([binary, "parse", "--stats", corpus, "--jobs", "1"])
mb = total / 1e6
tw, tc, trss = best["tidings"]
xw, xc, xrss = best["xmllint"]
print("corpus: %d files, %.1f MB (%s)" % (len(files), mb, corpus))
print("xmllint --stream --noout : %6.2f s wall  %6.1f MB/s   cpu %.2f s  peak RSS %.1f MB" % (xw, mb / xw, xc, xrss / 1024))
print("tidings parse --stats    : %6.2f s wall  %6.1f MB/s   cpu %.2f s  peak RSS %.1f MB  (all CPUs)" % (tw, mb / tw, tc, trss / 1024))
print("tidings parse --jobs 1   : %6.2f s wall  %6.1f MB/s   cpu %.2f s  peak RSS %.1f MB" % (single[0], mb / single[0], single[1], single[2] / 1024))
ratio = tw / xw
print("ratio tidings/xmllint wall: %.2fx (bar <= 2.0x) %s" % (ratio, "PASS" if ratio <= 2.0 else "FAIL"))
print("ratio tidings/xmllint cpu : %.2fx (one core: --jobs 1 cpu / xmllint cpu = %.2fx)" % (tc / xc, single[1] / xc))
print("peak RSS tidings: %.1f MB (bar <= 50 MB) %s" % (trss / 1024, "PASS" if trss / 1024 <= 50 else "FAIL"))
PY
