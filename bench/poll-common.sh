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
