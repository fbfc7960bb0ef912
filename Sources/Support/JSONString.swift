/// JSON string literals, written the same way by every JSON the product prints (`parse --json`, alerts, status,
/// `replay`). Escapes what JSON requires (`"`, `\`, controls; `\b \f \n \r \t` by their short names, the other
/// controls as `\u00XX`), plus U+2028/U+2029: valid JSON, but they end a line for JavaScript consumers that
/// evaluate lines. Everything else is copied as UTF-8.
public enum JSONString {
    /// Appends `value` as a quoted JSON string: the byte writer's literal, so there is one escaping rule.
    public static func append(_ value: String, to output: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        append(value, to: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value` as a quoted JSON string to a byte buffer, copying runs that need no escape at once (writers
    /// of millions of lines, such as `replay`, write bytes; the other writers go through the `String` form).
    public static func append(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            out.append(0x22)
            var runStart = 0
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                // U+2028/U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
                let isLineSeparator = b == 0xE2 && i + 2 < n && bytes[i + 1] == 0x80
                    && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)
                guard b < 0x20 || b == 0x22 || b == 0x5C || isLineSeparator else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                case 0x0D: out.append(0x5C); out.append(0x72)
                case 0x09: out.append(0x5C); out.append(0x74)
                case 0x08: out.append(0x5C); out.append(0x62)
                case 0x0C: out.append(0x5C); out.append(0x66)
                case 0xE2: // \u2028 or \u2029
                    out.append(contentsOf: [0x5C, 0x75, 0x32, 0x30, 0x32, bytes[i + 2] == 0xA8 ? 0x38 : 0x39])
                    i += 2
                default:
                    let hex: StaticString = "0123456789abcdef"
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex.utf8Start[Int(b >> 4)], hex.utf8Start[Int(b & 15)]])
                }
                i += 1
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            out.append(0x22)
        }
    }

    /// `value` as a JSON string literal.
    public static func quote(_ value: String) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }
}
