// libFuzzer harness for replay's JSON-lines reader (ReplayJSONLine.swift, found under Sources/Daemon by
// fuzz/build.sh and compiled into this harness, since the Daemon is an executable). `tidings replay` reads
// untrusted article streams line by line. Oracle: a line the fast reader accepts is a JSON object to Foundation
// too, with the same string for every top-level string field; a line Foundation refuses is refused.
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
        fatalError("ReplayJSONLine accepts what Foundation refuses: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
    for (key, value) in object {
        guard let string = value as? String else { continue }
        if line.strings[key] != string {
            fatalError("field \(key.debugDescription): \(line.strings[key].debugDescription) vs Foundation's \(string.debugDescription)")
        }
    }
    return 0
}
