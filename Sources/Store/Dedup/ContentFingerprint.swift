import Support

/// A fingerprint of an item's words, so a story copied to another URL (syndication, mirrors) is recognised.
/// Case, punctuation and markup-induced spacing are ignored. Short texts get no fingerprint: "Daily briefing"
/// titles would otherwise merge unrelated stories.
public enum ContentFingerprint {
    /// Fewer words than this and the text is not distinctive enough to deduplicate on.
    public static let minimumWords = 12

    /// The two 64-bit FNV-1a variants' starting values: `a` is plain FNV-1a over the words (lower-cased letters
    /// and digits, one space after each word); `b` adds a constant after each word byte's multiply.
    private static let startA: UInt64 = StableHash.offset
    private static let startB: UInt64 = 0x8422_2325_cbf2_9ce4

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
        let text = text ?? ""
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: wordsCapacity(title, text)) { buffer in
            withWords(title: title, text: text, buffer: buffer) { words, count in
                guard count >= minimumWords else { return nil }
                let (a, b) = hash(words, startA, startB)
                return hex(a, b)
            }
        }
    }

    /// `compute` for several items at once (one feed's), same results. Two items' hashes run side by side: each
    /// is a chain of dependent multiplies, one per byte, so one alone leaves the multiplier idle most cycles.
    /// The words of every pair are written into one buffer, allocated once for the whole batch (a block the size
    /// of two articles per item was a large malloc and free per item).
    public static func compute(_ items: [(title: String, text: String?)]) -> [String?] {
        var out: [String?] = []
        out.reserveCapacity(items.count)
        let texts = items.map { (title: $0.title, text: $0.text ?? "") }
        let largest = texts.reduce(0) { max($0, wordsCapacity($1.title, $1.text)) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * largest) { buffer in
            let firstBuffer = UnsafeMutableBufferPointer(rebasing: buffer[..<largest])
            let secondBuffer = UnsafeMutableBufferPointer(rebasing: buffer[largest...])
            var i = 0
            while i + 1 < texts.count {
                let (first, second) = withWords(title: texts[i].title, text: texts[i].text, buffer: firstBuffer) { words1, count1 in
                    withWords(title: texts[i + 1].title, text: texts[i + 1].text, buffer: secondBuffer) {
                        words2, count2 -> (String?, String?) in
                        switch (count1 >= minimumWords, count2 >= minimumWords) {
                        case (true, true):
                            let (h1, h2) = hashPair(words1, words2)
                            return (hex(h1.0, h1.1), hex(h2.0, h2.1))
                        case (true, false):
                            let (a, b) = hash(words1, startA, startB)
                            return (hex(a, b), nil)
                        case (false, true):
                            let (a, b) = hash(words2, startA, startB)
                            return (nil, hex(a, b))
                        case (false, false):
                            return (nil, nil)
                        }
                    }
                }
                out.append(first)
                out.append(second)
                i += 2
            }
            if i < texts.count {
                out.append(withWords(title: texts[i].title, text: texts[i].text, buffer: firstBuffer) { words, count in
                    guard count >= minimumWords else { return nil }
                    let (a, b) = hash(words, startA, startB)
                    return hex(a, b)
                })
            }
        }
        return out
    }

    /// Bytes the words of a title and text can take: a lower-case mapping is at most 1.5 times its scalar's
    /// bytes, a separator at most one byte.
    private static func wordsCapacity(_ title: String, _ text: String) -> Int {
        2 * (title.utf8.count + text.utf8.count) + 16
    }

    /// Calls `body` with the item's words as hashed (lower-cased, one space after each word, title then text) and
    /// their count, written into `buffer` (at least `wordsCapacity` bytes). Walks the UTF-8 bytes directly: ASCII
    /// (most of most feeds) is classified per byte without decoding a scalar, with selects rather than branches;
    /// only multi-byte sequences are decoded and go through Unicode properties. Same words, same bytes as a walk
    /// over `unicodeScalars` (a test keeps the two equal).
    private static func withWords<R>(title: String, text: String, buffer: UnsafeMutableBufferPointer<UInt8>,
                                     _ body: (UnsafeBufferPointer<UInt8>, Int) -> R) -> R {
        var title = title, text = text
        return title.withUTF8 { titleBytes in
            text.withUTF8 { textBytes in
                precondition(buffer.count >= 2 * (titleBytes.count + textBytes.count) + 16)
                return asciiWordByte.withUnsafeBufferPointer { table in
                    var filled = 0, words = 0
                    (filled, words) = writeWords(titleBytes, into: buffer, at: filled, words: words, table: table)
                    (filled, words) = writeWords(textBytes, into: buffer, at: filled, words: words, table: table)
                    return body(UnsafeBufferPointer(rebasing: buffer[..<filled]), words)
                }
            }
        }
    }

    /// Appends one text's words to `buffer` from `start`; returns the new end and word count. A text ends any
    /// word it ends with. Locals only: state kept in a closure's captures lived in memory and every byte waited
    /// on a store and a load.
    private static func writeWords(_ bytes: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>,
                                   at start: Int, words startWords: Int,
                                   table asciiWordByte: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var filled = start, words = startWords, inWord = false
        var index = 0
        let count = bytes.count
        let input = UnsafeRawPointer(bytes.baseAddress)
        let output = UnsafeMutableRawPointer(buffer.baseAddress)
        while index < count {
            // Eight ASCII bytes at a time while no byte is dropped: in running prose most groups are letters and
            // single separators, which come out one for one (letters lower-cased, separators as spaces).
            if let input, let output {
                while index + 8 <= count {
                    let group = input.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    guard let written = WordGroup.fold(group, afterWord: inWord) else { break }
                    output.storeBytes(of: written.bytes, toByteOffset: filled, as: UInt64.self)
                    filled &+= 8
                    words &+= written.wordEnds
                    inWord = written.endsInWord
                    index &+= 8
                }
            }
            // A run of ASCII with nothing but register arithmetic in the loop: a call in it (the scalar path) made
            // the counters live in memory, a store and a load on every byte. At most one group's worth, then the
            // fast path is tried again.
            let stop = min(count, index + 8)
            while index < stop {
                let byte = bytes[index]
                if byte >= 0x80 { break }
                let folded = asciiWordByte[Int(byte)]
                let isWord = folded != 0
                // A separator byte is written as the space that ends a word, and kept only right after one.
                buffer[filled] = isWord ? folded : 0x20
                filled &+= (isWord || inWord) ? 1 : 0
                words &+= (!isWord && inWord) ? 1 : 0
                inWord = isWord
                index += 1
            }
            if index < count && bytes[index] >= 0x80 {
                (index, filled, words, inWord) = writeScalar(bytes, at: index, into: buffer, filled: filled, words: words, inWord: inWord)
            }
        }
        if inWord {
            buffer[filled] = 0x20
            filled += 1
            words += 1
        }
        return (filled, words)
    }

    /// Eight ASCII bytes as a word pass writes them, computed for all eight at once (SWAR: each byte's class from
    /// carry-free additions into its top bit).
    enum WordGroup {
        private static let high: UInt64 = 0x8080_8080_8080_8080

        /// Top bit set in each byte that lies in lo...hi (bytes below 0x80, so no sum carries into the next byte).
        @inline(__always)
        private static func inRange(_ group: UInt64, _ lo: UInt8, _ hi: UInt8) -> UInt64 {
            let atLeastLo = group &+ UInt64(0x80 - lo) &* 0x0101_0101_0101_0101
            let aboveHi = group &+ UInt64(0x7F - hi) &* 0x0101_0101_0101_0101
            return atLeastLo & ~aboveHi & high
        }

        /// The eight output bytes, or nil when the group has a non-ASCII byte or drops a byte (a separator right
        /// after a separator, or at the start of a text): the byte loop handles those.
        @inline(__always)
        static func fold(_ group: UInt64, afterWord: Bool) -> (bytes: UInt64, wordEnds: Int, endsInWord: Bool)? {
            guard group & high == 0 else { return nil }
            let upper = inRange(group, 0x41, 0x5A)
            let isWord = upper | inRange(group, 0x61, 0x7A) | inRange(group, 0x30, 0x39)
            // Little-endian: the byte before byte i sits 8 bits lower.
            let afterWordByte = isWord << 8 | (afterWord ? 0x80 : 0)
            guard isWord | afterWordByte == high else { return nil }
            let separators = ~isWord & high
            let separatorBytes = (separators >> 7) &* 0xFF
            let folded = (group | upper >> 2) & ~separatorBytes | 0x2020_2020_2020_2020 & separatorBytes
            return (folded, separators.nonzeroBitCount, isWord >> 63 != 0)
        }
    }

    /// One multi-byte scalar at `index`: its lower-case bytes if it is a letter or digit, else the end of a word.
    @inline(never)
    private static func writeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into buffer: UnsafeMutableBufferPointer<UInt8>,
                                    filled start: Int, words startWords: Int, inWord wasInWord: Bool) -> (Int, Int, Int, Bool) {
        var filled = start, words = startWords, inWord = wasInWord
        let count = bytes.count
        let byte = bytes[index]
        // Swift strings hold valid UTF-8, so the lead byte gives the length and the bytes decode as-is.
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        var next = index + 1
        while next < index + length && next < count {
            value = value << 6 | (UInt32(bytes[next]) & 0x3F)
            next += 1
        }
        if let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
            for lower in scalar.properties.lowercaseMapping.utf8 {
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
        return (next, filled, words, inWord)
    }

    /// Both FNV variants over written words, no branch on the chains.
    @inline(__always)
    private static func hash(_ words: UnsafeBufferPointer<UInt8>, _ startA: UInt64, _ startB: UInt64) -> (UInt64, UInt64) {
        var a = startA, b = startB
        for byte in words {
            let value = UInt64(byte)
            let step: UInt64 = byte == 0x20 ? 0 : 0x9e37_79b9
            a = (a ^ value) &* StableHash.prime
            b = (b ^ value) &* StableHash.prime &+ step
        }
        return (a, b)
    }

    /// Two items' hashes in one loop (four independent chains), then the rest of the longer one alone.
    private static func hashPair(_ first: UnsafeBufferPointer<UInt8>,
                                 _ second: UnsafeBufferPointer<UInt8>) -> ((UInt64, UInt64), (UInt64, UInt64)) {
        var a1 = startA, b1 = startB, a2 = startA, b2 = startB
        let common = min(first.count, second.count)
        var k = 0
        while k < common {
            let x = UInt64(first[k]), y = UInt64(second[k])
            let stepX: UInt64 = x == 0x20 ? 0 : 0x9e37_79b9
            let stepY: UInt64 = y == 0x20 ? 0 : 0x9e37_79b9
            a1 = (a1 ^ x) &* StableHash.prime
            b1 = (b1 ^ x) &* StableHash.prime &+ stepX
            a2 = (a2 ^ y) &* StableHash.prime
            b2 = (b2 ^ y) &* StableHash.prime &+ stepY
            k += 1
        }
        let rest1 = hash(UnsafeBufferPointer(rebasing: first[common...]), a1, b1)
        let rest2 = hash(UnsafeBufferPointer(rebasing: second[common...]), a2, b2)
        return (rest1, rest2)
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

extension ContentFingerprint {
    /// What an item's fingerprint is computed from: its title and its content, else its summary.
    private static func input(of item: NewItem) -> (title: String, text: String?) { (item.title, item.content ?? item.summary) }

    public static func of(_ item: NewItem) -> String? {
        let (title, text) = input(of: item)
        return compute(title: title, text: text)
    }

    /// One feed's items, hashed two at a time (`compute(_:)`).
    public static func of(_ items: [NewItem]) -> [String?] { compute(items.map(input(of:))) }
}
