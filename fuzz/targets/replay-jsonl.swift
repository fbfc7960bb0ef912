// libFuzzer harness for replay's JSON-lines reader (ReplayJSONLine.swift, found under Sources/Daemon by
// fuzz/build.sh and compiled into this harness, since the Daemon is an executable). `tidings replay` reads
// untrusted article streams line by line. Oracles: never a crash or memory error, and a line both it and
// Foundation's JSONSerialization accept gives the same string for every top-level string field.
// The reader is more lenient than JSON: the first short runs found lines it accepts that Foundation refuses
// (invalid UTF-8 in a string, read as U+FFFD; an unpaired surrogate escape `\ude00`, read as U+FFFD; a number
// with a leading zero, `07.5`). None loses text a valid line would carry, and the reader belongs to the daemon's
// replay command, so those are reported (fuzz/regressions/replay-jsonl/lenient-*) rather than failed on here.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let line: ReplayJSONLine
    do {
        line = try ReplayJSONLine(bytes)
    } catch {
        _ = error.description
        return 0
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: []) as? [String: Any] else {
        return 0
    }
    for (key, value) in object {
        guard let string = value as? String else { continue }
        if line.strings[key] != string {
            fatalError("field \(key.debugDescription): \(line.strings[key].debugDescription) vs Foundation's \(string.debugDescription)")
        }
    }
    return 0
}
