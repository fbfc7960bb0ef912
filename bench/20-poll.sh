#!/usr/bin/env bash
# Poll benchmark (issue 3): 10,000 generated feeds (RSS and Atom, 20 items, 30-60 KB) served by nginx on
# loopback with gzip; a cold cycle (all 200), a warm cycle (all conditional -> 304) and a cycle after 100 feeds
# changed, each with wall time, CPU seconds, peak RSS and nginx's count of 200/304; and in the same run the
# transfer floor, `curl --parallel --parallel-max 64` over the same URLs (cold, and warm with the same validators).
# The driver is `tidings-bench fetch-bench`: the Fetcher plus the feed parser on every changed body, without the store.
# This is the on-the-fly variant (nginx gzips every response, which slows curl's floor as much as tidings);
# 21-poll-precompressed.sh, run next by `make bench`, is the same cycle on precompressed feeds (gzip_static).
# Usage: bench/20-poll.sh path/to/tidings   (TIDINGS_BENCH_FEEDS=N for a smaller set)
set -euo pipefail
binary=$(realpath "$1")
bench_driver="$(dirname "$binary")/tidings-bench"   # the benchmark drivers, built beside tidings
here=$(cd "$(dirname "$0")" && pwd)
cache=$here/out/poll-cache
source "$here/poll-common.sh"
poll_bench_setup poll

echo "generating $count feeds in $cache (cached between runs)"
python3 "$here/gen_feeds.py" "$cache" --count "$count"
cat "$cache"/feeds/* > /dev/null   # page cache warm for every contender alike

write_nginx_conf "$cache" "worker_connections 4096;" "    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 1000000;
    gzip on;
    gzip_types application/rss+xml application/atom+xml;
    gzip_vary on;" ""
start_nginx "$port"

bench_urls "$cache/urls-template.txt"


echo "feeds: $count  nginx: 1 worker on 127.0.0.1:$port  tidings: concurrency $concurrency, per-host $per_host"
echo "(all feeds live on one host, so per_host = concurrency like curl's 64 connections; per_host 4 is shown too)"
phase curl_cold curl --silent --compressed --parallel --parallel-max 64 -K "$work/curl-cold.cfg"
phase tidings_cold "$bench_driver" fetch-bench "$work/urls.txt" --etag-file "$work/etags.tsv" \
  --concurrency "$concurrency" --per-host "$per_host"

# curl's warm floor sends the same validators tidings stored (one --next block per URL).
python3 - "$work/etags.tsv" "$work/curl-warm.cfg" <<'PY'
import sys
with open(sys.argv[1]) as source, open(sys.argv[2], "w") as target:
    for number, line in enumerate(source):
        url, etag, modified = line.rstrip("\n").split("\t")
        if number: target.write("next\n")
        target.write('url = "%s"\noutput = "/dev/null"\ncompressed\n' % url)
        if etag: target.write('header = "If-None-Match: %s"\n' % etag.replace("\\", "\\\\").replace('"', '\\"'))
        if modified: target.write('header = "If-Modified-Since: %s"\n' % modified)
PY
phase curl_warm curl --silent --parallel --parallel-max 64 -K "$work/curl-warm.cfg"
phase tidings_warm "$bench_driver" fetch-bench "$work/urls.txt" --etag-file "$work/etags.tsv" \
  --concurrency "$concurrency" --per-host "$per_host"
# The production default per_host = 4, for comparison (the benchmark's one host holds all feeds; curl uses 64).
cp "$work/etags.tsv" "$work/etags-per-host-4.tsv"
phase tidings_warm_ph4 "$bench_driver" fetch-bench "$work/urls.txt" --etag-file "$work/etags-per-host-4.tsv" \
  --concurrency "$concurrency" --per-host 4
python3 "$here/gen_feeds.py" "$cache" --count "$count" --change 100 --round "$(date +%s)"
phase tidings_changed "$bench_driver" fetch-bench "$work/urls.txt" --etag-file "$work/etags.tsv" \
  --concurrency "$concurrency" --per-host "$per_host"


# The real thing: `tidings poll --once --all` over the same URLs (OPML), SQLite store in the temp dir, parsing,
# dedup keys, topic matching (two topics whose words the generator never writes: matching costs, judging does not)
# and the store's writes included. Cold = empty store; warm = every feed conditional; changed = 100 feeds rewritten.
write_opml "$work/urls.txt" "$work/feeds.opml"
topics=$(cat <<'TOML'
[[topic]]
name = "volcanoes"
query = 'volcano OR eruption OR lava'
[[topic]]
name = "bank-volcano"
query = '"central bank" AND (volcano OR tsunami)'
TOML
)
write_poll_config "$topics"
phase poll_cold "$binary" poll --once --all --config "$work/poll.toml"
phase poll_warm "$binary" poll --once --all --config "$work/poll.toml"
python3 "$here/gen_feeds.py" "$cache" --count "$count" --change 100 --round "$(date +%s)1"
phase poll_changed "$binary" poll --once --all --config "$work/poll.toml"

# The daemon as it runs in production: `tidings run` with its web server on (issue 13), a fresh store, until its
# first cycle has polled every feed; the wrapper fetches /metrics and / every half second meanwhile, so the
# server's threads, buffers and store handle are in the peak.
web_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed "s#$work/poll.db#$work/run.db#" "$work/poll.toml" > "$work/run.toml"
printf '[http]\nlisten = "127.0.0.1:%s"\n' "$web_port" >> "$work/run.toml"
phase run_cold_web bash "$here/run-once.sh" "$binary" "$work/run.toml" "$work/run.log" "$count" "$web_port"

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
verdict() { python3 -c "print('PASS' if $1 else 'FAIL')"; }
cold_ratio=$(ratio "${wall[tidings_cold]}" "${wall[curl_cold]}")
warm_ratio=$(ratio "${wall[tidings_warm]}" "${wall[curl_warm]}")
peak=$(python3 -c "print(max(${rss[tidings_cold]}, ${rss[tidings_warm]}, ${rss[tidings_warm_ph4]}, ${rss[tidings_changed]}))")
warm_all_304=$(awk -v n="$count" -F'[= ]' '{ for (i=1;i<NF;i++) { v[$i]=$(i+1) } } END { print (v["304"]==n && v["conditional"]==n) ? "yes" : "no" }' <<< "$counts_tidings_warm")
echo
echo "fetch-bench (Fetcher + parser, no store):"
echo "cold:  tidings ${wall[tidings_cold]} s vs curl floor ${wall[curl_cold]} s = ${cold_ratio}x (bar <= 2x, bodies parsed) $(verdict "$cold_ratio <= 2")"
echo "warm:  tidings ${wall[tidings_warm]} s vs curl floor ${wall[curl_warm]} s = ${warm_ratio}x (bar <= 1.5x) $(verdict "$warm_ratio <= 1.5"); all $count conditional and 304: $warm_all_304"
echo "warm with per_host = 4: ${wall[tidings_warm_ph4]} s = $(ratio "${wall[tidings_warm_ph4]}" "${wall[curl_warm]}")x the curl floor (information; the bar is measured like curl, one host with 64 connections)"
echo "peak RSS of tidings over the three cycles: ${peak} MB (bar <= 64 MB) $(verdict "$peak <= 64")"
echo "cpu:   tidings cold ${cpu[tidings_cold]} s, warm ${cpu[tidings_warm]} s, changed ${cpu[tidings_changed]} s; curl cold ${cpu[curl_cold]} s, warm ${cpu[curl_warm]} s"

echo
echo "tidings poll --once --all (store, parsing, matching included):"
poll_cold_ratio=$(ratio "${wall[poll_cold]}" "${wall[curl_cold]}")
poll_warm_ratio=$(ratio "${wall[poll_warm]}" "${wall[curl_warm]}")
poll_peak=$(python3 -c "print(max(${rss[poll_cold]}, ${rss[poll_warm]}, ${rss[poll_changed]}))")
echo "poll cold:    ${wall[poll_cold]} s wall, ${cpu[poll_cold]} CPU-s = ${poll_cold_ratio}x the curl floor (bar <= 2x) $(verdict "$poll_cold_ratio <= 2")"
echo "poll warm:    ${wall[poll_warm]} s wall, ${cpu[poll_warm]} CPU-s = ${poll_warm_ratio}x the curl floor (bar <= 1.5x) $(verdict "$poll_warm_ratio <= 1.5")  nginx: $counts_poll_warm"
echo "poll changed: ${wall[poll_changed]} s wall, ${cpu[poll_changed]} CPU-s  nginx: $counts_poll_changed"
echo "poll peak RSS over the three cycles: ${poll_peak} MB (bar <= 64 MB) $(verdict "$poll_peak <= 64")"
echo "tidings run, web server on, first cycle: ${wall[run_cold_web]} s wall, peak RSS ${rss[run_cold_web]} MB (bar <= 64 MB) $(verdict "${rss[run_cold_web]} <= 64")"
