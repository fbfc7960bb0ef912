/// A fingerprint of an item's words, so a story copied to another URL (syndication, mirrors) is recognised.
/// Case, punctuation and markup-induced spacing are ignored. Short texts get no fingerprint: "Daily briefing"
/// titles would otherwise merge unrelated stories.
public enum ContentFingerprint {
    /// Fewer words than this and the text is not distinctive enough to deduplicate on.
    public static let minimumWords = 12

    public static func compute(title: String, text: String?) -> String? {
        var hashA: UInt64 = 0xcbf2_9ce4_8422_2325
        var hashB: UInt64 = 0x8422_2325_cbf2_9ce4
        var count = 0
        for source in [title, text ?? ""] {
            var current: [UInt8] = []
            func flush() {
                guard !current.isEmpty else { return }
                for byte in current {
                    hashA = (hashA ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                    hashB = (hashB ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
                }
                hashA = (hashA ^ 0x20) &* 0x0000_0100_0000_01b3
                hashB = (hashB ^ 0x20) &* 0x0000_0100_0000_01b3
                count += 1
                current.removeAll(keepingCapacity: true)
            }
            for scalar in source.lowercased().unicodeScalars {
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    UTF8.encode(scalar) { current.append($0) }
                } else {
                    flush()
                }
            }
            flush()
        }
        guard count >= minimumWords else { return nil }
        return hex(hashA) + hex(hashB)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
