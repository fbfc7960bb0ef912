#!/usr/bin/env bash
# Store benchmark: ingest N items (default 1,000,000) in per-feed transactions of 50 items, the way the pipeline
# writes a fetch (feed state + items; every 10th fetch also a match, an event, a fact and an alert to 2 sinks),
# items made with their dedup keys on a producer thread as the fetch workers do, one writer; then time `status` at that size. Both backends. References measured in the same run: the same number of rows
# of the same size bulk-inserted by the database's own CLI in one statement (sqlite3 / psql) into a table with the
# same indexes: the floor the store's per-item, per-transaction path is compared with.
# Bars (issue 4): SQLite >= 50,000 items/s; status <= 200 ms at 1,000,000 items.
# Usage: bench/30-store.sh path/to/tidings   (STORE_BENCH_ITEMS=200000 for a quicker run)
set -euo pipefail
binary=$(realpath "$1")
bench_driver="$(dirname "$binary")/tidings-bench"   # the benchmark drivers, built beside tidings
items=${STORE_BENCH_ITEMS:-1000000}
work=$(mktemp -d /tmp/tidings-bench-store.XXXXXX)
chmod 755 "$work"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
pgdata="$work/pg/data"
cleanup() {
  if [ -n "$pgbin" ] && [ -f "$pgdata/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap cleanup EXIT

# Runs a command, prints its stdout, and writes its peak RSS (KiB) to $work/rss.
measure() {
  python3 - "$work/rss" "$@" <<'PY'
import resource, subprocess, sys
out = subprocess.run(sys.argv[2:], check=True, stdout=subprocess.PIPE).stdout.decode()
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.stdout.write(out)
PY
}

# The reference: $items rows shaped like the bench's items, bulk-inserted in one statement.
reference_sql() {  # $1 = sqlite|postgres
  local series dedup_indexes dedup_table=""
  # The store's own layout per backend: PostgreSQL decides cross-feed duplicates by two unique indexes; SQLite
  # (schema 2) keeps those keys in memory, backed by the id-ordered table item_keys.
  if [ "$1" = sqlite ]; then
    dedup_indexes=""
    dedup_table="CREATE TABLE ref_item_keys (item_id INTEGER PRIMARY KEY, url_key INTEGER, content_key INTEGER);
INSERT INTO ref_item_keys SELECT id, url_key, content_key FROM ref_items;"
  else
    dedup_indexes="CREATE UNIQUE INDEX ref_url_key ON ref_items (url_key) WHERE duplicate_of IS NULL;
CREATE UNIQUE INDEX ref_content_key ON ref_items (content_key) WHERE duplicate_of IS NULL;"
  fi
  if [ "$1" = sqlite ]; then
    series="WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $items - 1) SELECT i FROM n"
  else
    series="SELECT i FROM generate_series(0, $items - 1) AS g(i)"
  fi
  local filler="'Officials said the talks covered supply schedules, joint exercises and the next round of negotiations, which is expected to take place in the coming weeks according to people familiar. '"
  cat <<SQL
CREATE TABLE ref_items (id INTEGER PRIMARY KEY, feed_id BIGINT NOT NULL, entry_id TEXT NOT NULL, title TEXT NOT NULL,
  link TEXT, canonical_url TEXT, published REAL, first_seen REAL NOT NULL, summary TEXT, content TEXT, html TEXT,
  fingerprint TEXT, url_key BIGINT, content_key BIGINT, duplicate_of BIGINT, UNIQUE (feed_id, entry_id));
$dedup_indexes
CREATE INDEX ref_first_seen ON ref_items (first_seen);
INSERT INTO ref_items (id, feed_id, entry_id, title, link, canonical_url, published, first_seen, summary,
  fingerprint, url_key, content_key)
SELECT i + 1, i / 50 % 1000, 'tag:site' || (i / 50 % 1000) || '.example,2025:' || i,
  'Story number ' || i || ' about the defence talks in region ' || (i % 31),
  'https://site' || (i / 50 % 97) || '.example/news/' || (i / 50 % 1000) || '/' || i || '?utm_source=rss&utm_medium=feed',
  'https://site' || (i / 50 % 97) || '.example/news/' || (i / 50 % 1000) || '/' || i,
  1750000000 + i / 50, 1750000000 + i / 50, 'Item ' || i || ': ' || $filler,
  '0123456789abcdef0123456789abcdef',
  (i / 50 % 97) * 281474976710656 + (i * 2654435761 % 268435456) * 1048576 + i,
  (i * 2654435761 % 2147483647) * 4294967296 + i
FROM ($series) AS s;
$dedup_table
SQL
}

now() { date +%s.%N; }

echo "store: $items items in per-feed transactions of 50, 1000 feeds"

# --- SQLite ---
# Several runs, each on a new file: on this shared 2-core machine one run's wall time swings by up to 2x with
# what the host does meanwhile (the writer's CPU time much less). Every run is printed; the median run is reported
# in full and judged against the bar.
runs=${STORE_BENCH_RUNS:-3}
sqlite_jsons=()
sqlite_rss=0
for run in $(seq 1 "$runs"); do
  rm -f "$work"/bench.db*
  # Each run starts with the previous one's 1.7 GB of writes on disk, not still being flushed beside it.
  sync
  sqlite_jsons+=("$(measure "$bench_driver" store-bench --sqlite "$work/bench.db" --items "$items")")
  sqlite_rss=$(( $(cat "$work/rss") > sqlite_rss ? $(cat "$work/rss") : sqlite_rss ))
done
sqlite_json=$(python3 - "${sqlite_jsons[@]}" <<'PY'
import json, sys
runs = [json.loads(raw) for raw in sys.argv[1:]]
for number, r in enumerate(runs, 1):
    print(f"  run {number}: {r['items_per_second']:,.0f} items/s ({r['ingest_seconds']:.1f} s wall, writer {r['ingest_cpu_seconds']:.1f} s CPU,"
          f" producer {r['producer_cpu_seconds']:.1f} s CPU, writer waited {r['writer_waited_for_producer_seconds']:.1f} s for it)", file=sys.stderr)
median = sorted(runs, key=lambda r: r["items_per_second"])[len(runs) // 2]
print(json.dumps(median))
PY
)
reference_sql sqlite > "$work/ref-sqlite.sql"
t0=$(now); sqlite3 "$work/ref.db" < "$work/ref-sqlite.sql"; t1=$(now)
sqlite_ref=$(python3 -c "print($items / ($t1 - $t0))")

# --- PostgreSQL ---
pg_json="" pg_ref="" pg_rss=""
if [ -n "$pgbin" ]; then
  mkdir -p "$work/pg"; chmod 755 "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
  as_pg "$pgbin/initdb" -D "$pgdata" --auth=trust --no-sync -U postgres --encoding=UTF8 --locale=C >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # Durable settings (fsync on, as a production server runs) except synchronous_commit, which the daemon's
  # at-least-once design tolerates; shared_buffers sized for a small server.
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -l "$work/pg/log" \
    -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c synchronous_commit=off" start >/dev/null
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres bench
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres ref
  pg_json=$(measure "$bench_driver" store-bench --postgres "postgresql://postgres@127.0.0.1:$port/bench" --items "$items")
  pg_rss=$(cat "$work/rss")
  reference_sql postgres | sed 's/id INTEGER PRIMARY KEY/id BIGINT PRIMARY KEY/; s/ REAL/ DOUBLE PRECISION/g' > "$work/ref-pg.sql"
  t0=$(now); "$pgbin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d ref -v ON_ERROR_STOP=1 -f "$work/ref-pg.sql"; t1=$(now)
  pg_ref=$(python3 -c "print($items / ($t1 - $t0))")
fi

python3 - "$sqlite_json" "$sqlite_ref" "$sqlite_rss" "$pg_json" "$pg_ref" "$pg_rss" <<'PY'
import json, sys
def report(name, raw, reference, rss, bar_rate):
    r = json.loads(raw)
    rate = r["items_per_second"]
    print(f"{name}: {r['store']}")
    print(f"  ingest        {r['items']:>9,} items in {r['ingest_seconds']:.1f} s = {rate:,.0f} items/s"
          + (f"  ({rate / bar_rate:.2f}x the {bar_rate:,} items/s bar)" if bar_rate else ""))
    print(f"  ingest CPU    {r['ingest_cpu_seconds']:.1f} s in the writer thread = {r['items_per_cpu_second']:,.0f} items per CPU-second"
          f" (process {r['process_cpu_seconds']:.1f} s with the producer thread making items and dedup keys, as fetch workers do)")
    print(f"  reference     {float(reference):,.0f} rows/s bulk INSERT … SELECT by the database's own CLI, same rows and indexes;"
          f" store/reference = {rate / float(reference):.2f}")
    print(f"  on disk       {r['bytes_on_disk'] / 1e6:,.0f} MB = {r['bytes_per_item']:,.0f} bytes per item (texts, keys, indexes)")
    print(f"  status        first {r['status_ms_first']:.1f} ms, median {r['status_ms_median']:.1f} ms, max {r['status_ms_max']:.1f} ms"
          f" at {r['status_items']:,} items  ({r['status_ms_median'] / 200:.3f}x the 200 ms bar)")
    if name.startswith("SQLite") and "first_write_ms_after_open" in r:
        print(f"  first write   {r['first_write_ms_after_open']:.0f} ms after reopening (SQLite: loads the in-memory dedup keys once)")
    if "dedup_index_bytes_loaded" in r:
        print(f"  dedup keys    {r['dedup_index_keys']:,} keys in memory: {r['dedup_index_bytes_loaded'] / 2**20:,.1f} MiB after reopening"
              f" = {r['dedup_index_bytes_per_item_loaded']:.1f} bytes per item ({r['dedup_index_bytes_after_ingest'] / 2**20:,.1f} MiB"
              f" = {r['dedup_index_bytes_per_item_after_ingest']:.1f} bytes per item as grown by ingest)")
    print(f"  peak RSS      {int(rss) / 1024:,.0f} MiB (driver process)")
    return rate
s = report("SQLite (median run)", sys.argv[1], sys.argv[2], sys.argv[3], 50_000)
print("  before        session 2 start (4 KiB pages, 64 MiB cache, generic insert path), 2026-11-22 03:19 UTC on this machine at 1M"
      " items: 35,275 items per CPU-second, 916 bytes per item; schema 1: 19,749 and 927 (docs/store.md)")
if sys.argv[4]:
    p = report("PostgreSQL", sys.argv[4], sys.argv[5], sys.argv[6], None)
    print(f"PostgreSQL/SQLite ingest ratio: {p / s:.2f}")
else:
    print("PostgreSQL: server binaries not installed, skipped")
PY
