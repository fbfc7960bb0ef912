import Foundation
import Support

/// The scheduler's memory as the store keeps it: the same JSON `JSONEncoder` writes for `FeedScheduleState`
/// (dates as seconds since 2001, nil fields left out), written and read by hand.
///
/// Why: every feed of every cycle reads and writes this state once. Foundation's JSONDecoder and JSONEncoder
/// spent about 13 % of a warm (all-304) cycle's CPU on these few flat fields; this costs a few microseconds.
/// Anything this reader does not expect (nested values, odd types) makes it return nil, and callers then fall
/// back to `JSONDecoder`, so rows written by any earlier version read exactly as before.
extension FeedScheduleState {
    public func compactJSON() -> String {
        var output = "{\"consecutiveFailures\":\(consecutiveFailures),\"consecutiveUnchanged\":\(consecutiveUnchanged)"
        if let lastChange, lastChange.timeIntervalSinceReferenceDate.isFinite {
            output += ",\"lastChange\":\(lastChange.timeIntervalSinceReferenceDate)"
        }
        if let changeInterval, changeInterval.isFinite { output += ",\"changeInterval\":\(changeInterval)" }
        if let pendingRedirect {
            output += ",\"pendingRedirect\":"
            JSONString.append(pendingRedirect, to: &output)
        }
        output += ",\"pendingRedirectSeen\":\(pendingRedirectSeen),\"retired\":\(retired)"
        if let lastError {
            output += ",\"lastError\":"
            JSONString.append(lastError, to: &output)
        }
        output += "}"
        return output
    }

    /// Reads what `compactJSON` (or `JSONEncoder`) wrote; nil when the text is anything else.
    public init?(compactJSON text: String) {
        var reader = FlatJSONReader(Array(text.utf8))
        guard let fields = reader.readObject() else { return nil }
        var state = FeedScheduleState()
        // JSONDecoder requires the non-optional fields: one bit each.
        var required = 0
        for (key, value) in fields {
            switch (key, value) {
            case ("consecutiveFailures", .number(let number)):
                guard let integer = Int(exactly: number) else { return nil }
                state.consecutiveFailures = integer
                required |= 1
            case ("consecutiveUnchanged", .number(let number)):
                guard let integer = Int(exactly: number) else { return nil }
                state.consecutiveUnchanged = integer
                required |= 2
            case ("pendingRedirectSeen", .number(let number)):
                guard let integer = Int(exactly: number) else { return nil }
                state.pendingRedirectSeen = integer
                required |= 4
            case ("lastChange", .number(let seconds)): state.lastChange = Date(timeIntervalSinceReferenceDate: seconds)
            case ("changeInterval", .number(let seconds)): state.changeInterval = seconds
            case ("pendingRedirect", .string(let url)): state.pendingRedirect = url
            case ("lastError", .string(let reason)): state.lastError = reason
            case ("retired", .bool(let retired)):
                state.retired = retired
                required |= 8
            case ("lastChange", .null), ("changeInterval", .null), ("pendingRedirect", .null), ("lastError", .null):
                break
            case ("consecutiveFailures", _), ("consecutiveUnchanged", _), ("pendingRedirectSeen", _), ("retired", _),
                 ("lastChange", _), ("changeInterval", _), ("pendingRedirect", _), ("lastError", _):
                return nil   // a known key with the wrong type: JSONDecoder decides
            default:
                break        // unknown keys are ignored, as JSONDecoder does
            }
        }
        guard required == 15 else { return nil }
        self = state
    }
}

/// A reader for one flat JSON object of strings, numbers, booleans and nulls (no nesting).
struct FlatJSONReader {
    enum Value: Equatable {
        case string(String), number(Double), bool(Bool), null
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func readObject() -> [(String, Value)]? {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var fields: [(String, Value)] = []
        skipSpace()
        if take(UInt8(ascii: "}")) { return finished() ? fields : nil }
        while true {
            skipSpace()
            guard let key = readString() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            guard let value = readValue() else { return nil }
            fields.append((key, value))
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            return finished() ? fields : nil
        }
    }

    private mutating func finished() -> Bool {
        skipSpace()
        return index == bytes.count
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func takeWord(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<length).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += length }
        return matches
    }

    private mutating func readValue() -> Value? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return readString().map(Value.string)
        case UInt8(ascii: "t"): return takeWord("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return takeWord("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return takeWord("null") ? .null : nil
        default: return readNumber().map(Value.number)
        }
    }

    private mutating func readNumber() -> Double? {
        let start = index
        while index < bytes.count, let scalar = Optional(bytes[index]),
              (scalar >= UInt8(ascii: "0") && scalar <= UInt8(ascii: "9")) || scalar == UInt8(ascii: "-")
                || scalar == UInt8(ascii: "+") || scalar == UInt8(ascii: ".") || scalar == UInt8(ascii: "e")
                || scalar == UInt8(ascii: "E") {
            index += 1
        }
        guard index > start, let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)),
              number.isFinite else { return nil }
        return number
    }

    private mutating func readString() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        // Fast path: no escapes (the usual case) is one String straight from the bytes.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            return text
        }
        var scalars = String.UnicodeScalarView()
        var plainStart = index
        func flushPlain(_ bytes: ArraySlice<UInt8>, into scalars: inout String.UnicodeScalarView) {
            if !bytes.isEmpty { scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flushPlain(bytes[plainStart..<index], into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { return nil }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            flushPlain(bytes[plainStart..<index], into: &scalars)
            index += 1
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                guard let unit = readHex4() else { return nil }
                if (0xD800...0xDBFF).contains(unit) {
                    guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = readHex4(),
                          (0xDC00...0xDFFF).contains(low),
                          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else { return nil }
                    scalars.append(scalar)
                } else {
                    guard let scalar = Unicode.Scalar(unit) else { return nil }
                    scalars.append(scalar)
                }
            default:
                return nil
            }
            plainStart = index
        }
        return nil
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= bytes.count,
              bytes[index..<index + 4].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
              let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
        index += 4
        return value
    }
}
