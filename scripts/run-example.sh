#!/usr/bin/env bash
# Runs the daemon on the offline example (file: feeds under examples/feeds, SQLite store and alert log under
# examples/state) and shows the alert log as alerts arrive. Ctrl-C stops both.
#   usage: scripts/run-example.sh path/to/tidings        (make run does this with the release binary)
# The example starts from a fresh state each time (KEEP_STATE=1 keeps the previous store and log).
set -euo pipefail
binary=$(realpath "$1")
cd "$(dirname "$0")/.."

if [ "${KEEP_STATE:-0}" != 1 ]; then rm -rf examples/state; fi
mkdir -p examples/state
touch examples/state/alerts.jsonl

"$binary" run --config examples/tidings.toml 2> examples/state/daemon.log &
daemon=$!
stop() {
  kill -TERM "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  [ -n "${tailer:-}" ] && kill "$tailer" 2>/dev/null || true
}
trap stop EXIT INT TERM

echo "tidings is running (pid $daemon) on examples/tidings.toml; log: examples/state/daemon.log"
# The web page's address, as the daemon logged it (the [http] listen default is 127.0.0.1:8725).
for _ in $(seq 300); do
  page=$(grep -o 'web page at http://[^ ]*' examples/state/daemon.log 2>/dev/null | head -1 | sed 's/^web page at //' || true)
  [ -n "$page" ] && break
  if grep -q 'web page not started' examples/state/daemon.log 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -n "${page:-}" ]; then
  echo "web page: $page  (events, Atom feed of alerts: ${page}alerts.atom, metrics: ${page}metrics)"
else
  echo "web page: not started (see examples/state/daemon.log)"
fi
echo "alerts (examples/state/alerts.jsonl), as they arrive; Ctrl-C to stop:"
echo
tail -n +1 -F examples/state/alerts.jsonl 2>/dev/null | python3 -u -c '
import json, sys
for line in sys.stdin:
    try:
        alert = json.loads(line)
    except ValueError:
        continue
    print("%s  %-9s [%s] %s" % (alert["created"], alert["verdict"], alert["topic"], alert["article"]["title"]))
    count = alert["event"]["articles"]
    print("           %s  (event: %s, %d article%s)" % (alert["article"]["url"], alert["event"]["title"], count, "" if count == 1 else "s"))
    for fact in alert["new_facts"]:
        print("           + " + fact)
    print()
' &
tailer=$!
wait "$daemon"
