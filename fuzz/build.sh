#!/usr/bin/env bash
# Builds the libFuzzer harnesses (swiftc -sanitize=fuzzer,address), one per input the daemon reads from outside:
#   feed-parser        Sources/Feeds (parser, HTML to text, dates, OPML), with its differential oracles
#   article-extractor  Sources/Articles (arbitrary HTML from the web)
#   config-toml        Sources/Config (the TOML configuration loader)
#   content-decoding   Sources/Feeds/Fetching/ContentDecoding.swift (gzip/deflate/br/zstd bodies)
#   replay-jsonl       Sources/Daemon/**/ReplayJSONLine.swift (replay's JSON-lines reader)
# Sources/Support (the shared helpers) is compiled first, as its own module, for the modules that import it.
# Kept out of Package.swift on purpose: a fuzzer executable target would break normal builds.
#
# Sources are found by directory, never listed by hand: each library module is every .swift file under
# Sources/<Module> (a file added, moved or renamed inside it needs no change here), compiled as its own module
# (so `import Feeds` in Articles works as in the package), and the one Daemon file is found by name anywhere
# under Sources. The harnesses are fuzz/targets/<name>.swift; FUZZ_TARGETS limits which are built.
# Output: .build/fuzz/<name>-fuzzer
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/opt/swift/usr/bin:$PATH
out="$root/.build/fuzz"
modules="$out/modules"
objects="$out/objects"
mkdir -p "$modules/CShims" "$objects"
opt=${FUZZ_OPT:--O}
flags=(-sanitize=fuzzer,address -g "$opt" -swift-version 6 -parse-as-library -enable-testing
       -I "$modules" -I "$root/Sources/CLibXML2" -I "$root/Sources/CCurl" -I "$root/Sources/CCompression"
       -Xcc -I/usr/include/libxml2)

# swift-log (Feeds logs through it): the package's checkout, fetched when missing.
if [ ! -d "$root/.build/checkouts/swift-log/Sources/Logging" ]; then
  (cd "$root" && swift package resolve)
fi

# The C shims, compiled with the same sanitizers, behind a module map of our own.
cat > "$modules/CShims/module.modulemap" <<MAP
module CShims {
    header "$root/Sources/CShims/include/CShims.h"
    export *
}
MAP
clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I/usr/include/libxml2 -I"$root/Sources/CShims/include" \
  "$root/Sources/CShims/shims.c" -o "$objects/CShims.o"

quiet() { grep -v "Cannot export local symbol" || true; }

# build_module NAME PACKAGE DIRECTORY...: every .swift file under the directories, as module NAME of PACKAGE
# (swift-log uses `package` access).
build_module() {
  local name=$1 package=$2; shift 2
  local sources
  mapfile -t sources < <(find "$@" -name '*.swift' | sort)
  [ "${#sources[@]}" -gt 0 ] || { echo "fuzz/build.sh: no Swift sources under $*" >&2; exit 1; }
  swiftc "${flags[@]}" -module-name "$name" -package-name "$package" -wmo -emit-module -emit-module-path "$modules/$name.swiftmodule" \
    -c -o "$objects/$name.o" "${sources[@]}" 2>&1 | quiet
  test "${PIPESTATUS[0]}" -eq 0
}

# build_fuzzer NAME OBJECT... [-- EXTRA_SOURCE...]: fuzz/targets/NAME.swift (+ extra sources) linked with objects.
build_fuzzer() {
  local name=$1; shift
  local objs=() extra=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do objs+=("$objects/$1.o"); shift; done
  [ "${1:-}" = "--" ] && { shift; extra=("$@"); }
  swiftc "${flags[@]}" -module-name "Fuzz_${name//-/_}" "$root/fuzz/targets/$name.swift" "${extra[@]}" \
    "${objs[@]}" "$objects/CShims.o" -lxml2 -lcurl -ldeflate -lbrotlidec -lzstd \
    -o "$out/$name-fuzzer" 2>&1 | quiet
  test "${PIPESTATUS[0]}" -eq 0
  echo "built $out/$name-fuzzer"
}

wanted=" ${FUZZ_TARGETS:-feed-parser article-extractor config-toml content-decoding replay-jsonl} "
want() { [[ "$wanted" == *" $1 "* ]]; }

if want feed-parser || want article-extractor || want content-decoding; then
  build_module Logging swift_log "$root/.build/checkouts/swift-log/Sources/Logging"
  build_module Support tidings "$root/Sources/Support"
  build_module Feeds tidings "$root/Sources/Feeds"
fi
if want feed-parser; then build_fuzzer feed-parser Logging Support Feeds; fi
if want content-decoding; then build_fuzzer content-decoding Logging Support Feeds; fi
if want article-extractor; then
  build_module Articles tidings "$root/Sources/Articles"
  build_fuzzer article-extractor Logging Support Feeds Articles
fi
if want config-toml; then
  build_module Config tidings "$root/Sources/Config"
  build_fuzzer config-toml Config
fi
if want replay-jsonl; then
  mapfile -t replay < <(find "$root/Sources" -name 'ReplayJSONLine.swift')
  [ "${#replay[@]}" -eq 1 ] || { echo "fuzz/build.sh: expected one ReplayJSONLine.swift under Sources" >&2; exit 1; }
  build_fuzzer replay-jsonl -- "${replay[0]}"
fi
