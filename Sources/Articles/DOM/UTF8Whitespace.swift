/// Whitespace at a UTF-8 position, in the two definitions the extractor needs, written once: JavaScript's (`\s`,
/// `trim()`; Readability's thresholds were tuned on it, see `JSText`) and Python's (`str.isspace`, which the
/// reference text renderer used; see `TextRenderer`). They differ on purpose, in exactly three places:
/// U+001C–U+001F and U+0085 (NEL) are Python whitespace only, U+FEFF (BOM) is JavaScript whitespace only.
enum UTF8Whitespace {
    enum Definition { case javaScript, python }

    /// Byte length of the whitespace character starting at `index`, or 0.
    @inline(__always)
    static func width(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ definition: Definition) -> Int {
        let lead = bytes[index]
        if lead < 0x80 {
            if (lead >= 9 && lead <= 13) || lead == 32 { return 1 }
            return definition == .python && lead >= 28 && lead <= 31 ? 1 : 0
        }
        let count = bytes.count
        switch lead {
        case 0xC2:  // U+00A0; U+0085 for Python
            guard index + 1 < count else { return 0 }
            let second = bytes[index + 1]
            return second == 0xA0 || (definition == .python && second == 0x85) ? 2 : 0
        case 0xE1:  // U+1680
            return index + 2 < count && bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80 ? 3 : 0
        case 0xE2:  // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
            guard index + 2 < count else { return 0 }
            let second = bytes[index + 1], third = bytes[index + 2]
            if second == 0x80 && ((0x80...0x8A).contains(third) || third == 0xA8 || third == 0xA9 || third == 0xAF) { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3:  // U+3000
            return index + 2 < count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 ? 3 : 0
        case 0xEF:  // U+FEFF for JavaScript
            guard definition == .javaScript else { return 0 }
            return index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF ? 3 : 0
        default:
            return 0
        }
    }
}
