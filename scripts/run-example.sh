#!/usr/bin/env bash
# Runs tidings on the offline example: until the daemon lands, parses the example feeds.
set -euo pipefail
binary=$1
cd "$(dirname "$0")/.."
exec "$binary" parse examples/feeds
