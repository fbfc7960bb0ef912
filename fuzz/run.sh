#!/usr/bin/env bash
# Runs the feed parser fuzzer for a bounded time (FUZZ_SECONDS, default 60), seeded with the conformance corpus
# (../shared/conformance/feeds, when present) and the project's own seeds (fuzz/seeds). New interesting inputs
# go to .build/fuzz/corpus; crashes to .build/fuzz/crash-*. Exit status is libFuzzer's: non-zero on a finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fuzzer="$root/.build/fuzz/feed-parser-fuzzer"
[ -x "$fuzzer" ] || bash "$root/fuzz/build.sh"
corpus="$root/.build/fuzz/corpus"
mkdir -p "$corpus"
seeds=("$root/fuzz/seeds" "$root/fuzz/regressions")
shared="$root/../shared/conformance/feeds"
if [ -d "$shared" ]; then
  # libFuzzer reads seed directories flat: gather the feed files (not the .expected.json) into one.
  flat="$root/.build/fuzz/shared-seeds"
  rm -rf "$flat"; mkdir -p "$flat"
  find "$shared" -type f ! -name '*.expected.json' ! -name '*.json' ! -name 'LICENSE*' -print0 \
    | while IFS= read -r -d '' file; do cp "$file" "$flat/$(echo "$file" | md5sum | cut -c1-16)"; done
  seeds+=("$flat")
else
  echo "fuzz: ../shared not present; seeding from fuzz/seeds only" >&2
fi
cd "$root/.build/fuzz"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$fuzzer" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" "${seeds[@]}"
