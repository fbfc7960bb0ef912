#!/usr/bin/env bash
# Runs every benchmark script in bench/ (bench/NN-*.sh), each given the release binary.
set -euo pipefail
binary=$(realpath "$1")
cd "$(dirname "$0")"
status=0
for script in [0-9][0-9]-*.sh; do
  [ -e "$script" ] || continue
  echo "=== $script"
  bash "$script" "$binary" || { echo "bench: $script failed" >&2; status=1; }
done
exit $status
