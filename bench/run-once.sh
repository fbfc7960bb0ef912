#!/usr/bin/env bash
# usage: run-once.sh BINARY CONFIG LOG FEEDS PORT — `tidings run` until FEEDS feeds were polled, then SIGTERM; the
# web server on PORT is asked for /metrics and / every half second meanwhile, so its threads, buffers and store
# handle are in the process's peak RSS. Used by the poll benchmarks (20-poll.sh, 21-poll-precompressed.sh).
"$1" run --config "$2" 2> "$3" &
pid=$!
requests=0
for _ in $(seq 2400); do
  polled=$(grep -o 'polled [0-9]* feeds' "$3" | awk '{ n += $2 } END { print n + 0 }')
  [ "$polled" -ge "$4" ] && break
  kill -0 "$pid" 2>/dev/null || break
  curl -s -o /dev/null "http://127.0.0.1:$5/metrics" && curl -s -o /dev/null "http://127.0.0.1:$5/" && requests=$((requests + 2))
  sleep 0.5
done
echo "polled $polled feeds; $requests web requests answered during the cycle" >&2
kill -TERM "$pid"
wait "$pid"
