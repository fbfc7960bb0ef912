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

        mutating func endWord() {
            guard inWord else { return }
            a = (a ^ 0x20) &* 0x0000_0100_0000_01b3
            b = (b ^ 0x20) &* 0x0000_0100_0000_01b3
            words += 1
            inWord = false
        }
    }

    /// ASCII byte → the byte hashed for it inside a word (letters lower-cased, digits as-is), or 0 for a word
    /// separator: one load instead of three range tests per byte.
    private static let asciiWordByte: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt8(byte) + 32
        default: return 0
        }
    }

    public static func compute(title: String, text: String?) -> String? {
        var hasher = Hasher()
        feed(title, into: &hasher)
        if let text { feed(text, into: &hasher) }
        guard hasher.words >= minimumWords else { return nil }
        return hex(hasher.a, hasher.b)
    }

    /// Walks the UTF-8 bytes directly: ASCII (most of most feeds) is classified per byte without decoding a
    /// scalar; only multi-byte sequences are decoded and go through Unicode properties. Same words, same bytes
    /// hashed as a walk over `unicodeScalars` (a test keeps the two equal on mixed text).
    private static func feed(_ source: String, into hasher: inout Hasher) {
        var source = source
        source.withUTF8 { bytes in hasher = hashWords(bytes, from: hasher) }
        hasher.endWord()
    }

    /// The loop over one text's bytes. A function of its own with the hasher as a plain local: captured by a
    /// closure, the state lived in memory and every byte paid loads and stores on the hash's dependency chain.
    private static func hashWords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Hasher) -> Hasher {
        asciiWordByte.withUnsafeBufferPointer { table in hashWords(bytes, from: start, table: table) }
    }

    /// Two passes over pieces of the text, so the hashes' dependency chains carry no branch: the first writes
    /// the words as they are hashed (lower-cased, one space after each) into a small buffer, with selects
    /// rather than branches on each byte; the second runs both FNV variants over that buffer unconditionally.
    /// Same bytes hashed as the one-pass walk (a test keeps the two equal on mixed text); one branch per byte
    /// on the hash chain cost a mispredicted jump at every word boundary.
    private static func hashWords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Hasher,
                                  table asciiWordByte: UnsafeBufferPointer<UInt8>) -> Hasher {
        let capacity = 1024
        // Everything the loop updates is a local of this closure: captured by a nested function, the state
        // lived in memory and every byte waited on a store and a load.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity + 8) { buffer in
            var a = start.a, b = start.b, words = start.words, inWord = start.inWord
            var filled = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    let folded = asciiWordByte[Int(byte)]
                    let isWord = folded != 0
                    // A separator byte is written as the space that ends a word, and kept only right after one.
                    buffer[filled] = isWord ? folded : 0x20
                    filled &+= (isWord || inWord) ? 1 : 0
                    words &+= (!isWord && inWord) ? 1 : 0
                    inWord = isWord
                    index += 1
                } else {
                    // Swift strings hold valid UTF-8, so the lead byte gives the length and the bytes decode as-is.
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    var next = index + 1
                    while next < index + length && next < count {
                        value = value << 6 | (UInt32(bytes[next]) & 0x3F)
                        next += 1
                    }
                    index = next
                    if let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                        for lower in scalar.properties.lowercaseMapping.utf8 {
                            if filled == capacity + 8 { (a, b) = drain(buffer, filled, a, b); filled = 0 }
                            buffer[filled] = lower
                            filled += 1
                        }
                        inWord = true
                    } else if inWord {
                        buffer[filled] = 0x20
                        filled += 1
                        words += 1
                        inWord = false
                    }
                }
                if filled >= capacity { (a, b) = drain(buffer, filled, a, b); filled = 0 }
            }
            (a, b) = drain(buffer, filled, a, b)
            return Hasher(a: a, b: b, words: words, inWord: inWord)
        }
    }

    /// The second pass: both FNV variants over the buffered words, no branch on the chains. Values in and out,
    /// not inout: an inout count lived in memory and the first pass paid a store and a load on it per byte.
    @inline(__always)
    private static func drain(_ buffer: UnsafeMutableBufferPointer<UInt8>, _ filled: Int, _ hashA: UInt64,
                              _ hashB: UInt64) -> (UInt64, UInt64) {
        var a = hashA, b = hashB
        var k = 0
        while k < filled {
            let byte = UInt64(buffer[k])
            let step: UInt64 = byte == 0x20 ? 0 : 0x9e37_79b9
            a = (a ^ byte) &* 0x0000_0100_0000_01b3
            b = (b ^ byte) &* 0x0000_0100_0000_01b3 &+ step
            k += 1
        }
        return (a, b)
    }

    /// Both halves as 32 lower-case hex digits, written into the string's own buffer (one allocation).
    private static func hex(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            for position in 0..<32 {
                let value = position < 16 ? high : low
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * (position % 16))) & 0x0f
                buffer[position] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 32
        }
    }
}
