# The precompressed poll benchmark's fixture and server (issue 19), shared by 21-poll-precompressed.sh and
# ab-poll.sh; sourced after poll-common.sh's poll_bench_setup. precompressed_fixture_and_server: the feeds of
# ../shared/bench/poll_fixture.py (generated once under bench/out/poll-static), or bench/gen_feeds.py's with gzip'd
# twins without ../shared ($source_note says which), served by nginx with gzip_static on; leaves $work/urls.txt,
# $work/curl-cold.cfg and $work/feeds.opml (one outline per feed), $port and nginx running.
precompressed_fixture_and_server() {
  fixture="$root/../shared/bench/poll_fixture.py"
  if [ -f "$fixture" ]; then
    www=$here/out/poll-static/www
    export POLL_ROOT=$here/out/poll-static
    if ! python3 -c "import json,sys; sys.exit(0 if json.load(open('$POLL_ROOT/corpus.json'))['n'] == $count and json.load(open('$POLL_ROOT/corpus.json'))['mutations'] == 0 else 1)" 2>/dev/null; then
      echo "generating $count feeds with ../shared/bench/poll_fixture.py in $POLL_ROOT (cached between runs)"
      python3 "$fixture" gen --n "$count"
    fi
    source_note="../shared/bench/poll_fixture.py (seed 42), precompressed .gz twins"
    for ((i = 0; i < count; i++)); do printf '/feeds/%05d.xml\n' "$i"; done > "$work/paths.txt"
  else
    echo "../shared/bench/poll_fixture.py not found: using bench/gen_feeds.py's feeds with gzip'd twins instead"
    cache=$here/out/poll-static-own
    python3 "$here/gen_feeds.py" "$cache" --count "$count"
    # gzip_static does not compare mtimes: make every twin again when its feed is newer.
    if [ -e "$cache/.twins" ]; then
      find "$cache/feeds" -type f ! -name '*.gz' -newer "$cache/.twins" -print0 | xargs -0 -r gzip -6 -k -f -n
    else
      find "$cache/feeds" -type f ! -name '*.gz' -print0 | xargs -0 -r gzip -6 -k -f -n
    fi
    touch "$cache/.twins"
    www=$cache
    source_note="bench/gen_feeds.py, gzip -6 twins"
    cp "$cache/urls-template.txt" "$work/paths.txt"
  fi
  cat "$www"/feeds/* > /dev/null   # page cache warm for every contender alike

  write_nginx_conf "$www" "worker_connections 8192; multi_accept on;" "    default_type application/rss+xml;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    etag on;
    gzip off;
    gzip_static on;
    gzip_vary on;" " backlog=4096"
  start_nginx "$port"

  bench_urls "$work/paths.txt"
  write_opml "$work/urls.txt" "$work/feeds.opml"
}

# fresh_poll_store: no $work/poll.db (nor its WAL), and $work/poll.toml polling the OPML into it.
fresh_poll_store() {
  rm -f "$work"/poll.db*
  write_poll_config
}
