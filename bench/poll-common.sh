# Shared by the poll benchmarks (20-poll.sh, 21-poll-precompressed.sh); sourced after they set $here.

# poll_bench_setup NAME: the knobs both benchmarks take (count, concurrency, per_host from TIDINGS_BENCH_*), and
# a work folder ($work, /tmp/tidings-bench-NAME.*) removed on exit, with nginx stopped if it runs.
poll_bench_setup() {
  count=${TIDINGS_BENCH_FEEDS:-10000}
  concurrency=${TIDINGS_BENCH_CONCURRENCY:-64}
  per_host=${TIDINGS_BENCH_PER_HOST:-64}
  work=$(mktemp -d "/tmp/tidings-bench-$1.XXXXXX")
  nginx_pid=""
  trap poll_bench_cleanup EXIT
}

poll_bench_cleanup() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}

# write_nginx_conf ROOT EVENTS HTTP LISTEN: $work/nginx.conf for one worker serving ROOT on a free loopback port
# ($port): the parts both benchmarks share (the feed types, the access log in the `bench` format `phase` counts,
# temp files under $work) with each one's EVENTS block, HTTP directives (compression, sendfile) and LISTEN options.
write_nginx_conf() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/tmp"
  cat > "$work/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 16384;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { $2 }
http {
    types { application/rss+xml rss; application/atom+xml atom; }
    log_format bench '\$status|\$http_if_none_match|\$http_if_modified_since|\$sent_http_content_encoding';
    access_log $work/access.log bench;
    client_body_temp_path $work/tmp/body; proxy_temp_path $work/tmp/proxy; fastcgi_temp_path $work/tmp/fcgi;
    uwsgi_temp_path $work/tmp/uwsgi; scgi_temp_path $work/tmp/scgi;
$3
    server { listen 127.0.0.1:$port$4; root $1; }
}
CONF
}

# bench_urls PATHS: $work/urls.txt (each path on this server) and $work/curl-cold.cfg (curl's cold floor over them).
bench_urls() {
  sed "s#^#http://127.0.0.1:$port#" "$1" > "$work/urls.txt"
  awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$work/urls.txt" > "$work/curl-cold.cfg"
}

# write_poll_config [EXTRA]: $work/poll.toml polling $work/feeds.opml into $work/poll.db with the benchmark's
# concurrency, and EXTRA (TOML, e.g. topics) after it.
write_poll_config() {
  cat > "$work/poll.toml" <<TOML
opml = "$work/feeds.opml"
[store]
path = "$work/poll.db"
[poll]
concurrency = $concurrency
per_host = $per_host
${1:-}
TOML
}

# start_nginx PORT: nginx on $work/nginx.conf in the foreground of a background job (nginx_pid), ready on PORT.
start_nginx() {
  /usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
  nginx_pid=$!
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && break
    sleep 0.1
  done
}

# write_opml URLS OPML: an OPML file with one outline per URL.
write_opml() {
  python3 - "$1" "$2" <<'PY'
import sys
from xml.sax.saxutils import quoteattr
with open(sys.argv[1]) as source, open(sys.argv[2], "w") as target:
    target.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench</title></head><body>\n')
    for line in source:
        target.write('<outline type="rss" xmlUrl=%s/>\n' % quoteattr(line.strip()))
    target.write("</body></opml>\n")
PY
}

# phase NAME command...: runs one measured command against a fresh access log ($work/access.log, nginx's
# `bench` format), prints one line, keeps the figures: wall/cpu/rss[NAME] (last run), runs[NAME] ("w c r;" per
# run, appended) and counts_NAME (nginx's request counts).
declare -A wall cpu rss runs
phase() {
  local name=$1; shift
  : > "$work/access.log"
  local figures w c r status counts
  figures=$(python3 "$here/measure.py" "$@" 2> "$work/$name.out")
  read -r w c r status <<< "$figures"
  wall[$name]=$w; cpu[$name]=$c; rss[$name]=$r
  runs[$name]+="$w $c $r;"
  sleep 0.3   # nginx logs a request just after answering it: let the last lines land
  counts=$(awk -F'|' '{ total++; s[$1]++; if ($2 != "-" || $3 != "-") cond++; if ($4 == "gzip") gz++ }
    END { printf "requests=%d 200=%d 304=%d other=%d conditional=%d gzip=%d", total, s[200], s[304], total-s[200]-s[304], cond, gz }' "$work/access.log")
  printf '%-16s wall %7.2f s  cpu %7.2f s  peak RSS %6.1f MB  exit %s  nginx: %s\n' "$name" "$w" "$c" "$r" "$status" "$counts"
  sed 's/^/                 /' "$work/$name.out" | tail -n 2
  eval "counts_$name=\"\$counts\""
}
