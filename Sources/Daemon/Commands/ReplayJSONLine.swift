/// A small, strict reader for one JSON object per line, keeping only its top-level string fields.
///
/// `tidings replay` reads hundreds of thousands of lines; this avoids building Foundation object graphs for
/// each. Anything that is not a well-formed JSON object is rejected with the byte offset of the problem.
struct ReplayJSONLine {
    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "not valid JSON at byte \(offset + 1): \(reason)" }
    }

    /// Top-level string fields, and the names of fields holding something else (numbers, null, objects…).
    var strings = Fields()
    var otherFields = Fields()

    /// A handful of named values, the last one of a name winning as in a dictionary. Lines have six fields or so:
    /// a scan of a small array beats hashing every key into a dictionary built per line.
    struct Fields {
        private var names: [String] = []
        private var values: [String] = []

        subscript(name: String) -> String? {
            get {
                var i = names.count - 1
                while i >= 0 {
                    if names[i] == name { return values[i] }
                    i -= 1
                }
                return nil
            }
            set {
                guard let newValue else { return }
                names.append(name)
                values.append(newValue)
            }
        }
    }

    init(_ bytes: [UInt8]) throws(Failure) {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        try p.expect(UInt8(ascii: "{"))
        p.skipSpace()
        if p.peek == UInt8(ascii: "}") {
            p.i += 1
        } else {
            while true {
                p.skipSpace()
                let key = try p.string()
                p.skipSpace()
                try p.expect(UInt8(ascii: ":"))
                p.skipSpace()
                if p.peek == UInt8(ascii: "\"") {
                    strings[key] = try p.string()
                } else {
                    otherFields[key] = try p.skipValue()
                }
                p.skipSpace()
                if p.peek == UInt8(ascii: ",") { p.i += 1; continue }
                try p.expect(UInt8(ascii: "}"))
                break
            }
        }
        p.skipSpace()
        if p.i != bytes.count { throw Failure(offset: p.i, reason: "unexpected text after the object") }
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        }

        mutating func expect(_ c: UInt8) throws(Failure) {
            guard peek == c else {
                throw Failure(offset: i, reason: "expected '\(Character(Unicode.Scalar(c)))'")
            }
            i += 1
        }

        mutating func string() throws(Failure) -> String {
            try expect(UInt8(ascii: "\""))
            var out: [UInt8] = []
            var start = i
            while true {
                // Skip the run of bytes that need no attention without bounds checks: the text field is most of
                // every line.
                i = bytes.withUnsafeBufferPointer { b in
                    var k = i
                    // Eight bytes at a time while none of them is a quote, a backslash or a control byte (the
                    // test may fire falsely on bytes ≥ 0x80, never miss; the byte loop then settles it).
                    if let base = b.baseAddress {
                        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                        while k + 8 <= b.count {
                            let x = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: k, as: UInt64.self)
                            let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
                            let hits = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((x &- ones &* 0x20) & ~x)
                            if hits & highs != 0 { break }
                            k += 8
                        }
                    }
                    while k < b.count {
                        let c = b[k]
                        if c == 0x22 || c == 0x5C || c < 0x20 { break }
                        k += 1
                    }
                    return k
                }
                guard i < bytes.count else { throw Failure(offset: i, reason: "unterminated string") }
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    defer { i += 1 }
                    // No escape met: decode straight from the line, without the intermediate copy.
                    if out.isEmpty { return String(decoding: bytes[start..<i], as: UTF8.self) }
                    out.append(contentsOf: bytes[start..<i])
                    return String(decoding: out, as: UTF8.self)
                }
                if c < 0x20 { throw Failure(offset: i, reason: "control character in a string") }
                if c == UInt8(ascii: "\\") {
                    out.append(contentsOf: bytes[start..<i])
                    i += 1
                    guard let e = peek else { throw Failure(offset: i, reason: "unterminated escape") }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                scalar = 0xFFFD
                            }
                        }
                        let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default:
                        throw Failure(offset: i - 1, reason: "invalid escape")
                    }
                    start = i
                    continue
                }
                i += 1
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= bytes.count else { throw Failure(offset: i, reason: "short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw Failure(offset: i, reason: "invalid \\u escape")
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }

        /// Skips any non-string value and says what it was.
        mutating func skipValue() throws(Failure) -> String {
            guard let c = peek else { throw Failure(offset: i, reason: "missing value") }
            switch c {
            case UInt8(ascii: "\""):
                _ = try string()
                return "a string"
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                i += 1
                skipSpace()
                if peek == close { i += 1; return c == UInt8(ascii: "{") ? "an object" : "an array" }
                while true {
                    skipSpace()
                    if c == UInt8(ascii: "{") {
                        _ = try string()
                        skipSpace()
                        try expect(UInt8(ascii: ":"))
                        skipSpace()
                    }
                    _ = try skipValue()
                    skipSpace()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    try expect(close)
                    return c == UInt8(ascii: "{") ? "an object" : "an array"
                }
            case UInt8(ascii: "t"): try literal("true"); return "a boolean"
            case UInt8(ascii: "f"): try literal("false"); return "a boolean"
            case UInt8(ascii: "n"): try literal("null"); return "null"
            default:
                let start = i
                while i < bytes.count, let b = peek, (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2B || b == 0x2E || b == 0x65 || b == 0x45 { i += 1 }
                guard i > start else { throw Failure(offset: i, reason: "unexpected character") }
                return "a number"
            }
        }

        mutating func literal(_ word: String) throws(Failure) {
            for b in word.utf8 {
                guard peek == b else { throw Failure(offset: i, reason: "invalid literal") }
                i += 1
            }
        }
    }
}
