#!/usr/bin/env bash
# Poll benchmark, precompressed variant (issue 19): the same cycle as 20-poll.sh, but nginx serves `.gz` twins made
# beforehand (`gzip_static on`), so the server spends no CPU compressing and curl's time is the pure transfer floor.
# (20-poll.sh keeps the on-the-fly variant: nginx compresses every response, which slows the floor as much as
# tidings.) Measured in one run, each with wall time, CPU seconds (user + system, children included) and peak RSS:
#   curl_cold   curl --parallel --parallel-max 64 --compressed over the 10,000 URLs (all 200)
#   poll_cold   tidings poll --once --all, fresh SQLite store, no topics (all 200)
#   curl_warm   the same URLs with the validators tidings stored (all 304)
#   poll_warm   tidings poll --once --all again (all 304)
#   run_web     tidings run with [http] listening, fresh store, until its first cycle polled every feed, the web
#               server asked for /metrics and / every half second meanwhile: the peak RSS with the web server on
# Fixture: ../shared/bench/poll_fixture.py when present (RSS/Atom, 20 items, 30-60 KB), generated once under
# bench/out/poll-static; without ../shared, bench/gen_feeds.py's feeds with gzip'd twins (said in the output).
# Usage: bench/21-poll-precompressed.sh path/to/tidings
#   TIDINGS_BENCH_FEEDS=N (default 10000)  TIDINGS_BENCH_REPEAT=R (cold+warm pairs, default 1; medians printed)
#   TIDINGS_BENCH_WEB=0 skips the run_web phase
#   TIDINGS_BENCH_THREADS=FILE appends poll_cold's per-thread CPU, run-queue wait and sleep (bench/thread-waits.py)
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
repeat=${TIDINGS_BENCH_REPEAT:-1}
source "$here/poll-common.sh"
source "$here/poll-static.sh"
poll_bench_setup static

precompressed_fixture_and_server

echo "precompressed variant: $count feeds from $source_note; nginx 1 worker, gzip_static on, 127.0.0.1:$port"
echo "tidings: concurrency $concurrency, per_host $per_host, fresh SQLite store, no topics"
for ((run = 1; run <= repeat; run++)); do
  [ "$repeat" -gt 1 ] && echo "--- run $run of $repeat"
  fresh_poll_store
  phase curl_cold curl --silent --compressed --parallel --parallel-max 64 -K "$work/curl-cold.cfg"
  threads_pid=""
  if [ -n "${TIDINGS_BENCH_THREADS:-}" ]; then
    python3 "$here/thread-waits.py" "$TIDINGS_BENCH_THREADS" "$binary" poll --once --all &
    threads_pid=$!
  fi
  phase poll_cold "$binary" poll --once --all --config "$work/poll.toml"
  if [ -n "$threads_pid" ]; then wait "$threads_pid"; fi
  # curl's warm floor sends the validators tidings stored (one `next` block per URL).
  sqlite3 -separator $'\t' "$work/poll.db" "SELECT url, coalesce(etag, ''), coalesce(last_modified, '') FROM feeds" |
    python3 -c '
import sys
out = open(sys.argv[1], "w")
for number, line in enumerate(sys.stdin):
    url, etag, modified = line.rstrip("\n").split("\t")
    if number: out.write("next\n")
    out.write("url = \"%s\"\noutput = \"/dev/null\"\ncompressed\n" % url)
    if etag: out.write("header = \"If-None-Match: %s\"\n" % etag.replace("\\", "\\\\").replace("\"", "\\\""))
    if modified: out.write("header = \"If-Modified-Since: %s\"\n" % modified)
' "$work/curl-warm.cfg"
  phase curl_warm curl --silent --parallel --parallel-max 64 -K "$work/curl-warm.cfg"
  phase poll_warm "$binary" poll --once --all --config "$work/poll.toml"
done

if [ "${TIDINGS_BENCH_WEB:-1}" != 0 ]; then
  web_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sed "s#$work/poll.db#$work/run.db#" "$work/poll.toml" > "$work/run.toml"
  printf '[http]\nlisten = "127.0.0.1:%s"\n' "$web_port" >> "$work/run.toml"
  phase run_web bash "$here/run-once.sh" "$binary" "$work/run.toml" "$work/run.log" "$count" "$web_port"
fi

# Medians (and spreads) over the runs; the ratio is wall-clock against the floor measured in the same run.
python3 - "$repeat" "${TIDINGS_BENCH_WEB:-1}" <<PY
import statistics, sys
runs, web = int(sys.argv[1]), sys.argv[2] != "0"
raw = {$(for k in "${!runs[@]}"; do printf '"%s": "%s", ' "$k" "${runs[$k]}"; done)}
fig = {k: [tuple(map(float, r.split())) for r in v.strip(";").split(";")] for k, v in raw.items()}
def med(name, i): return statistics.median(r[i] for r in fig[name])
def span(name, i):
    values = [r[i] for r in fig[name]]
    return "" if len(values) < 2 else " (%.2f-%.2f)" % (min(values), max(values))
print()
print("precompressed, %d run(s)%s:" % (runs, ", medians (min-max)" if runs > 1 else ""))
for kind, bar in (("cold", 2.0), ("warm", 1.5)):
    ratios = [p[0] / c[0] for p, c in zip(fig["poll_" + kind], fig["curl_" + kind])]
    ratio = statistics.median(ratios)
    passes = sum(r <= bar for r in ratios)
    print("poll %s: %.2f s wall%s, %.2f CPU-s%s, peak RSS %.1f MB vs curl floor %.2f s wall%s = %.2fx (bar <= %.1fx) %s%s"
          % (kind, med("poll_" + kind, 0), span("poll_" + kind, 0), med("poll_" + kind, 1), span("poll_" + kind, 1),
             max(r[2] for r in fig["poll_" + kind]), med("curl_" + kind, 0), span("curl_" + kind, 0), ratio, bar,
             "PASS" if ratio <= bar else "FAIL", "" if runs == 1 else "  (%d of %d runs within the bar)" % (passes, runs)))
peak = max(r[2] for k in ("poll_cold", "poll_warm") for r in fig[k])
print("poll peak RSS: %.1f MB (bar <= 64 MB) %s" % (peak, "PASS" if peak <= 64 else "FAIL"))
if web:
    w, c, r = fig["run_web"][0]
    print("tidings run, web server on, first cycle: %.2f s wall, %.2f CPU-s, peak RSS %.1f MB (bar <= 64 MB) %s"
          % (w, c, r, "PASS" if r <= 64 else "FAIL"))
PY
