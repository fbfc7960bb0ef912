import Support

/// The title and text of one article, tokenized once so that every topic query can be evaluated against it
/// with look-ups rather than scans. Words are found by the stable hash of their lower-cased form (no String
/// hashing per token); a case-sensitive word, a prefix or a phrase then checks the tokens themselves.
///
/// Tokenized for a `MatchVocabulary` (the daemon's case), only the tokens some query could look at are kept,
/// each with its position among all the tokens so phrases still see adjacency; everything else is hashed,
/// looked up and dropped. Without a vocabulary every token is kept. The text is read as UTF-8 in place: ASCII
/// (most of most feeds) is classified and lower-cased by table, only other scalars are decoded. ASCII tokens
/// are compared byte by byte; anything else goes through String, so results are exactly those of String
/// comparison (canonical equivalence included).
public struct MatchableText: Sendable {
    /// UTF-8 of the kept tokens one after another, dotted acronyms already folded ("U.S." → "US").
    private let bytes: [UInt8]
    private let spans: [Span]
    /// Each kept token's position among all tokens of the article (phrases need adjacency).
    let positions: [Int32]
    /// Stable hashes of the kept tokens lower-cased, in order, and (when there are many) as a set.
    let hashes: [UInt64]
    private let hashSet: UInt64Set?

    private struct Span: Sendable {
        var start: Int32
        var end: Int32
        /// Pure ASCII: the byte-wise fast path applies.
        var ascii: Bool
    }

    /// Every token kept (tests, one-off matching).
    public init(title: String, text: String) {
        self.init(title: title, text: text, vocabulary: nil)
    }

    /// Only the tokens `vocabulary` could match kept; `nil` keeps all. Tokens never span title and text.
    public init(title: String, text: String, vocabulary: MatchVocabulary?) {
        var scanner = Scanner(vocabulary: vocabulary, estimate: vocabulary == nil ? (title.utf8.count + text.utf8.count) / 5 : 8)
        var title = title, text = text
        title.withUTF8 { scanner.scan($0) }
        text.withUTF8 { scanner.scan($0) }
        self.init(scanner)
    }

    private init(_ scanner: Scanner) {
        bytes = scanner.bytes
        spans = scanner.spans
        positions = scanner.positions
        hashes = scanner.hashes
        hashSet = scanner.hashes.count > Self.linearLookupLimit ? UInt64Set(scanner.hashes) : nil
    }

    /// Up to this many kept tokens a look-up scans the hashes: cheaper than building a set for them.
    private static let linearLookupLimit = 16

    /// For each ASCII code: its lower-case form when it is a letter or digit, else 0. One load replaces three
    /// range tests per character in the tokenizer's inner loop.
    private static let asciiWordLower: [UInt8] = (0..<128).map { (v: Int) -> UInt8 in
        switch v {
        case 0x41...0x5A: return UInt8(v + 32)
        case 0x30...0x39, 0x61...0x7A: return UInt8(v)
        default: return 0
        }
    }

    /// Finds the tokens exactly as `WordTokenizer.forEachToken` does (maximal runs of letters and digits, dotted
    /// acronyms folded), hashing each as it is read and keeping those the vocabulary may match.
    private struct Scanner {
        let vocabulary: MatchVocabulary?
        var bytes: [UInt8] = []
        var spans: [Span] = []
        var positions: [Int32] = []
        var hashes: [UInt64] = []
        var tokenCount: Int32 = 0
        /// A folded acronym's bytes while it is read.
        var folded: [UInt8] = []

        init(vocabulary: MatchVocabulary?, estimate: Int) {
            self.vocabulary = vocabulary
            spans.reserveCapacity(estimate)
            positions.reserveCapacity(estimate)
            hashes.reserveCapacity(estimate)
        }

        mutating func scan(_ s: UnsafeBufferPointer<UInt8>) {
            MatchableText.asciiWordLower.withUnsafeBufferPointer { table in
                if let vocabulary {
                    vocabulary.wordHashes.withKeys { words in
                        vocabulary.quickHashes.withKeys { quick in
                            vocabulary.bigrams.withUnsafeBufferPointer { bigrams in
                                scan(s, table: table, words: words, quick: quick, bigrams: bigrams)
                            }
                        }
                    }
                } else {
                    scan(s, table: table, words: nil, quick: nil, bigrams: nil)
                }
            }
        }

        /// `words`: the vocabulary's whole-word hashes, read in place on every token kept; `quick`: their
        /// `ASCIIWords.quickHash`es, for the block path (with a vocabulary only: without one every token is kept,
        /// and hashed byte by byte anyway).
        private mutating func scan(_ s: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, words: UInt64Set.Keys?,
                                   quick: UInt64Set.Keys?, bigrams: UnsafeBufferPointer<UInt64>?) {
            guard let base = s.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            let n = s.count
            var i = 0
            // Up to here the text is read scalar by scalar (a non-ASCII byte was seen ahead).
            var generalUntil = 0
            while i < n {
                if let quick, let words, let bigrams, i >= generalUntil, i + Self.blockReach <= n {
                    if let ascii = Self.firstNonASCII(raw, from: i) {
                        generalUntil = ascii + 1
                    } else {
                        let (resume, general) = asciiBlock(s, raw: raw, at: i, words: words, quick: quick, bigrams: bigrams)
                        i = general ? step(s, at: resume, table: table, words: words) : resume
                        continue
                    }
                }
                i = step(s, at: i, table: table, words: words)
            }
        }

        /// A block covers 64 bytes of token starts, and a token starting near its end is read up to 8 bytes on.
        private static let blockReach = 72

        /// The first non-ASCII byte among the `blockReach` bytes from `start`, if any.
        @inline(__always)
        private static func firstNonASCII(_ raw: UnsafeRawPointer, from start: Int) -> Int? {
            var offset = 0
            while offset < blockReach {
                let chunk = raw.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)
                if ASCIIWords.hasNonASCII(chunk) { return start + offset + (chunk & 0x8080_8080_8080_8080).trailingZeroBitCount / 8 }
                offset += 8
            }
            return nil
        }

        /// The tokens starting in the 64 bytes from `base`, found from bit masks (the `blockReach` bytes from
        /// `base` are ASCII, and `base` is not inside a token). Most are only counted: one bit test on their first
        /// two bytes shows no word of the vocabulary starts that way. The others are measured and hashed cheaply
        /// eight bytes at a time, and only those whose cheap hash is the vocabulary's are hashed for real and kept.
        /// Returns where scanning goes on: past the last token read, or (`general`) at a token the general loop
        /// must read (a possible dotted acronym, a token running into non-ASCII or the end of the text).
        private mutating func asciiBlock(_ s: UnsafeBufferPointer<UInt8>, raw: UnsafeRawPointer, at base: Int,
                                         words: UInt64Set.Keys, quick: UInt64Set.Keys,
                                         bigrams: UnsafeBufferPointer<UInt64>) -> (Int, general: Bool) {
            var bits: UInt64 = 0
            var dots: UInt64 = 0
            var k = 0
            while k < 8 {
                let chunk = raw.loadUnaligned(fromByteOffset: base + 8 * k, as: UInt64.self)
                bits |= ASCIIWords.wordBits(chunk) << UInt64(8 * k)
                dots |= ASCIIWords.dotBits(chunk) << UInt64(8 * k)
                k += 1
            }
            let after = s[base + 64]
            var starts = bits & ~(bits << 1)
            // One-byte tokens followed by a dot may begin a dotted acronym ("U.S."), which the general loop reads;
            // the tokens before the first of them are read here.
            let afterIsWord = ASCIIWords.wordBits(UInt64(after)) & 1
            let singles = starts & ~((bits >> 1) | afterIsWord << 63)
            let dotAfter = (dots >> 1) | UInt64(after == 0x2E ? 1 : 0) << 63
            let candidates = singles & dotAfter
            var stop: (Int, general: Bool)? = nil
            if candidates != 0 {
                let first = candidates.trailingZeroBitCount
                starts &= (1 << UInt64(first)) &- 1
                stop = (base + first, true)
            }
            // The token reaching the end of the block (if it starts before any acronym) is measured in full: where
            // it ends is where the next block starts.
            var last = -1
            if stop == nil && bits >> 63 != 0 {
                last = 63 - starts.leadingZeroBitCount
                starts &= ~(1 << UInt64(last))
            }
            var resume = base + 64
            while starts != 0 {
                let start = base + starts.trailingZeroBitCount
                starts &= starts &- 1
                let bigram = ASCIIWords.bigram(s[start], s[start + 1])
                guard bigrams[bigram >> 6] & (1 << UInt64(bigram & 63)) != 0 else {
                    tokenCount += 1
                    continue
                }
                if let general = readToken(s, raw: raw, at: start, words: words, quick: quick, resume: &resume) { return general }
            }
            if last >= 0, let general = readToken(s, raw: raw, at: base + last, words: words, quick: quick, resume: &resume) {
                return general
            }
            return stop ?? (resume, false)
        }

        /// Measures, hashes and (if the vocabulary may match it) keeps the ASCII token at `start`; moves `resume`
        /// past it when it runs beyond the block. Returns a position for the general loop when this token is its
        /// to read (it runs into non-ASCII or to the end of the text).
        @inline(__always)
        private mutating func readToken(_ s: UnsafeBufferPointer<UInt8>, raw: UnsafeRawPointer, at start: Int, words: UInt64Set.Keys,
                                        quick: UInt64Set.Keys, resume: inout Int) -> (Int, general: Bool)? {
            let n = s.count
            let first = raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)
            var length = (~ASCIIWords.wordBits(first)).trailingZeroBitCount
            var h: UInt64
            if length < 8 {
                h = ASCIIWords.mix(ASCIIWords.seed, ASCIIWords.lowered(first, count: length))
            } else {
                h = ASCIIWords.mix(ASCIIWords.seed, ASCIIWords.lowered(first, count: 8))
                var p = start + 8
                while true {
                    guard p + 8 <= n else { return (start, true) }
                    let chunk = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                    let run = (~ASCIIWords.wordBits(chunk)).trailingZeroBitCount
                    if run < 8 {
                        // A non-ASCII byte right after may be a letter of the same token.
                        if s[p + run] >= 0x80 { return (start, true) }
                        if run > 0 { h = ASCIIWords.mix(h, ASCIIWords.lowered(chunk, count: run)) }
                        length = p + run - start
                        break
                    }
                    h = ASCIIWords.mix(h, ASCIIWords.lowered(chunk, count: 8))
                    p += 8
                }
            }
            resume = max(resume, start + length)
            h = ASCIIWords.mix(h, UInt64(length))
            if quick.contains(h) || (vocabulary.unsafelyUnwrapped.hasPrefixes && vocabulary.unsafelyUnwrapped.mayStartPrefix(s[start], s[start + 1])) {
                let token = UnsafeBufferPointer(rebasing: s[start..<(start + length)])
                emit(token, hash: MatchableText.loweredHash(utf8: token, ascii: true), ascii: true, words: words)
            } else {
                tokenCount += 1
            }
            return nil
        }

        /// One step of the general loop from `i`: past one separator scalar, or past one token (read, hashed and
        /// kept if the vocabulary may match it). Returns where scanning goes on.
        private mutating func step(_ s: UnsafeBufferPointer<UInt8>, at start: Int, table: UnsafeBufferPointer<UInt8>,
                                   words: UInt64Set.Keys?) -> Int {
            let n = s.count
            var i = start
            let b = s[i]
            let startsLetter: Bool
            var length = 1
            if b < 0x80 {
                let lower = table[Int(b)]
                if lower == 0 { return i + 1 }
                startsLetter = lower >= 0x61
            } else {
                let (scalar, l) = Self.decode(s, i)
                length = l
                guard ScalarClass.isWord(scalar) else { return i + l }
                startsLetter = ScalarClass.isLetter(scalar)
            }
            // A dotted acronym needs a word boundary before it ("_" is the one non-token \w) and a dot after
            // its first letter: checked here so ordinary words never enter the slow path.
            if startsLetter && (i == 0 || s[i - 1] != 0x5F) && i + length < n && s[i + length] == 0x2E,
               let end = acronym(s, at: i, words: words) {
                return end
            }
            var h = StableHash.offset
            var ascii = true
            while i < n {
                let c = s[i]
                if c < 0x80 {
                    let lower = table[Int(c)]
                    if lower == 0 { break }
                    h = (h ^ UInt64(lower)) &* StableHash.prime
                    i += 1
                } else {
                    let (scalar, l) = Self.decode(s, i)
                    guard ScalarClass.isWord(scalar) else { break }
                    ascii = false
                    i += l
                }
            }
            let token = UnsafeBufferPointer(rebasing: s[start..<i])
            if !ascii { h = StableHash.hash(String(decoding: token, as: UTF8.self).lowercased()) }
            emit(token, hash: h, ascii: ascii, words: words)
            return i
        }

        /// At least two letter-dot pairs from `start`: the letters, then any word characters right after the
        /// last dot, make one token. Returns where scanning goes on, or nil when this is no acronym.
        private mutating func acronym(_ s: UnsafeBufferPointer<UInt8>, at start: Int, words: UInt64Set.Keys?) -> Int? {
            let n = s.count
            var j = start
            var pairs = 0
            folded.removeAll(keepingCapacity: true)
            while j < n {
                let (scalar, l) = Self.decode(s, j)
                guard ScalarClass.isLetter(scalar), j + l < n, s[j + l] == 0x2E else { break }
                folded.append(contentsOf: UnsafeBufferPointer(rebasing: s[j..<(j + l)]))
                pairs += 1
                j += l + 1
            }
            guard pairs >= 2 else { return nil }
            while j < n {
                let (scalar, l) = Self.decode(s, j)
                guard ScalarClass.isWord(scalar) else { break }
                folded.append(contentsOf: UnsafeBufferPointer(rebasing: s[j..<(j + l)]))
                j += l
            }
            let token = folded
            token.withUnsafeBufferPointer { t in
                let ascii = t.allSatisfy { $0 < 0x80 }
                emit(t, hash: MatchableText.loweredHash(utf8: t, ascii: ascii), ascii: ascii, words: words)
            }
            return j
        }

        @inline(__always)
        private mutating func emit(_ token: UnsafeBufferPointer<UInt8>, hash: UInt64, ascii: Bool, words: UInt64Set.Keys?) {
            let position = tokenCount
            tokenCount += 1
            if let words, let vocabulary {
                guard words.contains(hash) || vocabulary.mayMatchPrefix(token, ascii: ascii) else { return }
            }
            let start = Int32(bytes.count)
            bytes.append(contentsOf: token)
            spans.append(Span(start: start, end: Int32(bytes.count), ascii: ascii))
            positions.append(position)
            hashes.append(hash)
        }

        /// The scalar at `i` of valid UTF-8 (Swift strings hold valid UTF-8) and its length in bytes.
        @inline(__always)
        static func decode(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int) {
            let lead = s[i]
            if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            var k = i + 1
            let end = min(i + length, s.count)
            while k < end {
                value = value << 6 | (UInt32(s[k]) & 0x3F)
                k += 1
            }
            return (Unicode.Scalar(value) ?? "\u{FFFD}", end - i)
        }
    }

    /// Kept tokens as written (every token, without a vocabulary).
    public var tokens: [String] { (0..<count).map(token) }

    /// The number of kept tokens.
    var count: Int { hashes.count }

    /// Token `i` as a String (the slow path, for non-ASCII comparisons).
    func token(_ i: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[Int(spans[i].start)..<Int(spans[i].end)]), as: UTF8.self) }
    }

    /// The stable hash of a token's lower-cased UTF-8, lower-casing ASCII on the fly.
    static func loweredHash(utf8 token: UnsafeBufferPointer<UInt8>, ascii: Bool) -> UInt64 {
        guard ascii else { return StableHash.hash(String(decoding: token, as: UTF8.self).lowercased()) }
        var h = StableHash.offset
        for var b in token {
            if b >= 0x41 && b <= 0x5A { b += 32 }
            h = (h ^ UInt64(b)) &* StableHash.prime
        }
        return h
    }

    static func loweredHash(_ word: String) -> UInt64 { StableHash.hash(word.lowercased()) }
}

extension MatchableText {
    @inline(__always)
    func contains(loweredHash: UInt64) -> Bool {
        if let hashSet { return hashSet.contains(loweredHash) }
        for h in hashes where h == loweredHash { return true }
        return false
    }

    func containsExact(_ word: String, loweredHash: UInt64) -> Bool {
        guard contains(loweredHash: loweredHash) else { return false }
        let wordIsASCII = word.utf8.allSatisfy { $0 < 0x80 }
        for i in 0..<count where hashes[i] == loweredHash && tokenEquals(i, word, wordIsASCII: wordIsASCII) { return true }
        return false
    }

    func containsPrefix(_ prefix: String, caseSensitive: Bool) -> Bool {
        let prefixIsASCII = prefix.utf8.allSatisfy { $0 < 0x80 }
        if caseSensitive {
            for i in 0..<count where tokenHasPrefix(i, prefix, prefixIsASCII: prefixIsASCII) { return true }
        } else {
            for i in 0..<count where tokenHasLoweredPrefix(i, prefix, prefixIsASCII: prefixIsASCII) { return true }
        }
        return false
    }

    /// Calls `body` with the bytes of token `i` (ASCII tokens only are compared this way).
    @inline(__always)
    private func withTokenBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(spans[i].start)..<Int(spans[i].end)])) }
    }

    /// `tokens[i] == word`.
    func tokenEquals(_ i: Int, _ word: String, wordIsASCII: Bool) -> Bool {
        guard spans[i].ascii && wordIsASCII else { return token(i) == word }
        return withTokenBytes(i) { t in t.elementsEqual(word.utf8) }
    }

    /// `tokens[i].hasPrefix(prefix)`.
    func tokenHasPrefix(_ i: Int, _ prefix: String, prefixIsASCII: Bool) -> Bool {
        guard spans[i].ascii && prefixIsASCII else { return token(i).hasPrefix(prefix) }
        return withTokenBytes(i) { t in
            guard t.count >= prefix.utf8.count else { return false }
            return zip(t, prefix.utf8).allSatisfy { $0 == $1 }
        }
    }

    /// `tokens[i].lowercased().hasPrefix(prefix)` (prefix already lower case).
    func tokenHasLoweredPrefix(_ i: Int, _ prefix: String, prefixIsASCII: Bool) -> Bool {
        guard spans[i].ascii && prefixIsASCII else { return Self.hasLoweredPrefix(token(i), prefix) }
        return withTokenBytes(i) { t in
            guard t.count >= prefix.utf8.count else { return false }
            return zip(t, prefix.utf8).allSatisfy { raw, p in ((raw >= 0x41 && raw <= 0x5A) ? raw + 32 : raw) == p }
        }
    }

    /// `token.lowercased().hasPrefix(prefix)` (prefix already lower case) without building a String for ASCII.
    static func hasLoweredPrefix(_ token: String, _ prefix: String) -> Bool {
        var t = token.utf8.makeIterator()
        for p in prefix.utf8 {
            guard let raw = t.next() else { return false }
            guard raw < 0x80, p < 0x80 else { return token.lowercased().hasPrefix(prefix) }
            let lower = (raw >= 0x41 && raw <= 0x5A) ? raw + 32 : raw
            if lower != p { return false }
        }
        return true
    }
}
