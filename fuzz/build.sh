#!/usr/bin/env bash
# Builds the libFuzzer harness for the feed parser: swiftc -sanitize=fuzzer,address over the parser sources
# (Sources/Feeds/Parsing) and fuzz/FeedParserFuzzer.swift. Kept out of Package.swift on purpose: a fuzzer
# executable target would break normal builds. Output: .build/fuzz/feed-parser-fuzzer
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/opt/swift/usr/bin:$PATH
out="$root/.build/fuzz"
mkdir -p "$out/modules/CShims"
# The C shims (tidings_xml_free) the parser calls, compiled with the same sanitizers.
cat > "$out/modules/CShims/module.modulemap" <<MAP
module CShims {
    header "$root/Sources/CShims/include/CShims.h"
    export *
}
MAP
clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I/usr/include/libxml2 -I"$root/Sources/CShims/include" \
  "$root/Sources/CShims/shims.c" -o "$out/shims.o"
# The parser sources plus the one Feeds file they use from outside Parsing (the JSON string writer).
mapfile -t sources < <(find "$root/Sources/Feeds/Parsing" -name '*.swift' | sort)
sources+=("$root/Sources/Feeds/JSONString.swift")
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name FeedsFuzz -swift-version 6 \
  -I "$root/Sources/CLibXML2" -I "$out/modules/CShims" -Xcc -I/usr/include/libxml2 \
  "${sources[@]}" "$root/fuzz/FeedParserFuzzer.swift" "$out/shims.o" \
  -lxml2 -lcurl -o "$out/feed-parser-fuzzer" 2>&1 | { grep -v "Cannot export local symbol" || true; }
echo "built $out/feed-parser-fuzzer"
