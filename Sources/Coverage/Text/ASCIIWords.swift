/// Word boundaries of ASCII text eight bytes at a time, without a branch per byte: the tokenizer's fast path
/// for the bulk of news text. A "word byte" is an ASCII letter or digit, as in `ScalarClass.isWord`.
enum ASCIIWords {
    private static let high: UInt64 = 0x8080_8080_8080_8080
    private static let lowerBits: UInt64 = 0x2020_2020_2020_2020

    /// One bit per byte of `chunk` (bit k for byte k, little-endian), set for an ASCII letter or digit.
    @inline(__always)
    static func wordBits(_ chunk: UInt64) -> UInt64 {
        // Per byte b < 0x80: b + (0x80 - lo) has bit 7 set exactly when b >= lo, with no carry into the next
        // byte. Bytes >= 0x80 are cleared at the end (`& ~chunk`).
        let lowered = chunk | lowerBits
        let digit = (chunk &+ 0x5050_5050_5050_5050) & ~(chunk &+ 0x4646_4646_4646_4646)
        let letter = (lowered &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(lowered &+ 0x0505_0505_0505_0505)
        let lanes = (digit | letter) & ~chunk & high
        return ((lanes >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// One bit per byte of `chunk`, set for a full stop.
    @inline(__always)
    static func dotBits(_ chunk: UInt64) -> UInt64 {
        // A byte is zero after the XOR exactly when it was a dot; the sum below sets bit 7 of every other byte.
        let y = chunk ^ 0x2E2E_2E2E_2E2E_2E2E
        let nonZero = ((y & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | y
        let lanes = ~nonZero & high
        return ((lanes >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// The first two bytes of a token folded to 10 bits (case ignored; a digit may share a letter's code).
    @inline(__always)
    static func bigram(_ first: UInt8, _ second: UInt8) -> Int { Int(first & 0x1F) << 5 | Int(second & 0x1F) }

    /// Whether any of the eight bytes is not ASCII.
    @inline(__always)
    static func hasNonASCII(_ chunk: UInt64) -> Bool { chunk & high != 0 }

    /// The first `count` (1...8) bytes of `chunk`, lower-cased (they are all letters or digits).
    @inline(__always)
    static func lowered(_ chunk: UInt64, count: Int) -> UInt64 {
        let mask: UInt64 = count >= 8 ? ~0 : (1 << UInt64(count &* 8)) &- 1
        return (chunk | lowerBits) & mask
    }

    @inline(__always)
    static func mix(_ state: UInt64, _ chunk: UInt64) -> UInt64 {
        let h = (state ^ chunk) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }

    static let seed: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// A cheap hash of a lower-case ASCII word: its bytes eight at a time (the last step zero-padded), then
    /// its length. Not stable across versions: it is only compared within one process, against
    /// `MatchVocabulary.quickHashes`.
    static func quickHash(of word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = seed
        var start = 0
        while start < word.count {
            var chunk: UInt64 = 0
            for k in 0..<min(8, word.count - start) { chunk |= UInt64(word[start + k]) << UInt64(8 * k) }
            h = mix(h, chunk)
            start += 8
        }
        return mix(h, UInt64(word.count))
    }
}
