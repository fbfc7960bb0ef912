#!/usr/bin/env bash
# Runs every fuzzer built by fuzz/build.sh for FUZZ_SECONDS each (default 60), one after the other, and prints one
# line per target: `<target>: Done N runs in S second(s), cov C, ft F, corpus K`. Exit status 1 when any target
# found something (a crash, an oracle's fatalError, a leak of time or memory past the limits) or did not run.
#
# Seeds: fuzz/seeds/<target>, fuzz/regressions/<target> (every input a fuzzer ever broke: libFuzzer runs each
# seed first, so a regression fails the run at once), and for the feed parser and the article extractor the
# shared corpora when ../shared is present. New interesting inputs go to .build/fuzz/corpus/<target>; findings
# to .build/fuzz/findings/<target>/ — copy each into fuzz/regressions/<target>/ with a name saying what it broke,
# and fix the cause. FUZZ_TARGETS limits which targets run.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build/fuzz"
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-feed-parser article-extractor config-toml content-decoding replay-jsonl}

# flat_copy NAME DIR PATTERN...: libFuzzer reads seed directories flat, so gather a shared corpus into one.
flat_copy() {
  local flat="$out/shared-seeds/$1" source=$2; shift 2
  rm -rf "$flat"; mkdir -p "$flat"
  find "$source" -type f "$@" -print0 \
    | while IFS= read -r -d '' file; do cp "$file" "$flat/$(echo "$file" | md5sum | cut -c1-16)"; done
  echo "$flat"
}

shared="$root/../shared"
failed=0
for target in $targets; do
  fuzzer="$out/$target-fuzzer"
  if [ ! -x "$fuzzer" ]; then
    FUZZ_TARGETS=$target bash "$root/fuzz/build.sh" || { echo "$target: BUILD FAILED"; failed=1; continue; }
  fi
  seeds=("$root/fuzz/seeds/$target" "$root/fuzz/regressions/$target")
  max_len=65536
  case $target in
    feed-parser)
      if [ -d "$shared/conformance/feeds" ]; then
        seeds+=("$(flat_copy feeds "$shared/conformance/feeds" ! -name '*.json' ! -name 'LICENSE*')")
      fi ;;
    article-extractor)
      if [ -d "$shared/conformance/articles" ]; then
        seeds+=("$(flat_copy articles "$shared/conformance/articles" -name '*.html' -size -256k)")
      fi ;;
    config-toml) max_len=16384 ;;
    replay-jsonl) max_len=4096 ;;
  esac
  corpus="$out/corpus/$target"
  findings="$out/findings/$target"
  log="$out/$target.log"
  rm -rf "$findings"; mkdir -p "$corpus" "$findings"
  # SWIFT_BACKTRACE: the Swift runtime's own crash reporter trips ASan after a fatalError; libFuzzer reports.
  (cd "$out" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$fuzzer" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
    "$corpus" "${seeds[@]}" > "$log" 2>&1)
  status=$?
  done_line=$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' | sed 's/: /=/g; s/ /, /g')
  if [ "$status" -ne 0 ] || [ -z "$done_line" ]; then
    echo "$target: FINDING or failure (exit $status), see $log and $findings/"
    grep -E 'ERROR|Fatal error|fatalError|SUMMARY|deadly signal|timeout' "$log" | head -5 | sed 's/^/    /'
    failed=1
  else
    echo "$target: $done_line; $stats"
  fi
done
exit $failed
