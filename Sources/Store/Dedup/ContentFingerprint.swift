/// A fingerprint of an item's words, so a story copied to another URL (syndication, mirrors) is recognised.
/// Case, punctuation and markup-induced spacing are ignored. Short texts get no fingerprint: "Daily briefing"
/// titles would otherwise merge unrelated stories.
public enum ContentFingerprint {
    /// Fewer words than this and the text is not distinctive enough to deduplicate on.
    public static let minimumWords = 12

    /// Two 64-bit FNV-1a variants over the words (lower-cased letters and digits), one space between words.
    private struct Hasher {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        var words = 0
        var inWord = false

        mutating func add(_ byte: UInt8) {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
            inWord = true
        }

        mutating func endWord() {
            guard inWord else { return }
            a = (a ^ 0x20) &* 0x0000_0100_0000_01b3
            b = (b ^ 0x20) &* 0x0000_0100_0000_01b3
            words += 1
            inWord = false
        }
    }

    public static func compute(title: String, text: String?) -> String? {
        var hasher = Hasher()
        for var source in [title, text ?? ""] {
            // Walk the UTF-8 bytes (ASCII, most of most feeds, needs no decoding; this runs for every stored item).
            source.withUTF8 { bytes in
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte < 0x80 {
                        add(ascii: byte, to: &hasher)
                        index += 1
                        continue
                    }
                    // Swift strings hold valid UTF-8, so the lead byte gives the length.
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                    for offset in 1..<length where index + offset < bytes.count {
                        value = value << 6 | (UInt32(bytes[index + offset]) & 0x3F)
                    }
                    if let scalar = Unicode.Scalar(value) { add(nonASCII: scalar, to: &hasher) } else { hasher.endWord() }
                    index += length
                }
            }
            hasher.endWord()
        }
        guard hasher.words >= minimumWords else { return nil }
        return hex(hasher.a) + hex(hasher.b)
    }

    private static func add(ascii byte: UInt8, to hasher: inout Hasher) {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): hasher.add(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): hasher.add(byte + 32)
        default: hasher.endWord()
        }
    }

    private static func add(nonASCII scalar: Unicode.Scalar, to hasher: inout Hasher) {
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
            for lower in scalar.properties.lowercaseMapping.utf8 { hasher.add(lower) }
        } else {
            hasher.endWord()
        }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
