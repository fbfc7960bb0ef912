/// The title and text of one article, tokenized once so that every topic query can be evaluated against it
/// with look-ups rather than scans. Words are found by the stable hash of their lower-cased form (no String
/// hashing per token); a case-sensitive word, a prefix or a phrase then checks the tokens themselves.
///
/// Tokens are kept as runs of scalars in one buffer, not as a String each: every article is matched, most
/// tokens are never looked at again, and building a String per token was a tenth of the per-article cost.
/// ASCII tokens are compared byte by byte; anything else goes through String, so results are exactly those of
/// String comparison (canonical equivalence included).
public struct MatchableText: Sendable {
    /// The text the tokens are read from (title and text one after the other), then the folded forms of dotted
    /// acronyms ("U.S." → "US"); token `i` is `storage[spans[i].start..<spans[i].end]`. Tokens point into the
    /// text rather than being copied out of it: most are never looked at after their hash.
    private let storage: [Unicode.Scalar]
    private let spans: [Span]
    /// Stable hashes of the lower-cased tokens, position by position, and as a set.
    let hashes: [UInt64]
    let hashSet: UInt64Set

    private struct Span: Sendable {
        var start: Int32
        var end: Int32
        /// Pure ASCII: the byte-wise fast path applies.
        var ascii: Bool
    }

    public init(title: String, text: String) {
        self.init(combined: title + "\n" + text)
    }

    public init(combined: String) {
        self.init(parts: [ScalarText.scalars(of: combined)])
    }

    /// Title and text as scalars (tokens never span the two).
    init(parts: [[Unicode.Scalar]]) {
        var storage: [Unicode.Scalar]
        if parts.count == 1 {
            storage = parts[0]
        } else {
            storage = []
            storage.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for p in parts { storage.append(contentsOf: p) }
        }
        let length = storage.count
        let estimate = length / 5
        var spans: [Span] = []
        var hashes: [UInt64] = []
        spans.reserveCapacity(estimate)
        hashes.reserveCapacity(estimate)
        var set = UInt64Set(minimumCapacity: estimate)
        var acronyms: [Unicode.Scalar] = []
        storage.withUnsafeBufferPointer { all in
            Self.asciiWordLower.withUnsafeBufferPointer { table in
                var partStart = 0
                for p in parts {
                    let s = UnsafeBufferPointer(rebasing: all[partStart..<(partStart + p.count)])
                    Self.tokenize(s, offset: partStart, length: length, table: table, spans: &spans, hashes: &hashes, set: &set,
                                  acronyms: &acronyms)
                    partStart += p.count
                }
            }
        }
        if !acronyms.isEmpty { storage.append(contentsOf: acronyms) }
        self.storage = storage
        self.spans = spans
        self.hashes = hashes
        self.hashSet = set
    }

    /// The tokens of one part, exactly as `WordTokenizer.forEachToken` finds them, hashed as they are scanned.
    /// Folded acronyms go to `acronyms`, which will follow the text (`length` scalars) in storage.
    /// For each ASCII code: its lower-case form when it is a letter or digit, else 0. One load replaces three
    /// range tests per character in the tokenizer's inner loop.
    private static let asciiWordLower: [UInt8] = (0..<128).map { (v: Int) -> UInt8 in
        switch v {
        case 0x41...0x5A: return UInt8(v + 32)
        case 0x30...0x39, 0x61...0x7A: return UInt8(v)
        default: return 0
        }
    }

    private static func tokenize(_ s: UnsafeBufferPointer<Unicode.Scalar>, offset: Int, length: Int, table: UnsafeBufferPointer<UInt8>,
                                 spans: inout [Span], hashes: inout [UInt64], set: inout UInt64Set, acronyms: inout [Unicode.Scalar]) {
        let n = s.count
        var i = 0
        while i < n {
            let c = s[i]
            if c.value < 0x80 {
                if table[Int(c.value)] == 0 { i += 1; continue }
            } else if !ScalarClass.isWord(c) {
                i += 1
                continue
            }
            if ScalarClass.isLetter(c) && (i == 0 || !ScalarClass.isRegexWord(s[i - 1])) {
                var j = i
                var pairs = 0
                while j + 1 < n && ScalarClass.isLetter(s[j]) && s[j + 1] == "." {
                    pairs += 1
                    j += 2
                }
                if pairs >= 2 {
                    let first = acronyms.count
                    var k = i
                    while k < j { acronyms.append(s[k]); k += 2 }
                    i = j
                    while i < n && ScalarClass.isWord(s[i]) { acronyms.append(s[i]); i += 1 }
                    let token = acronyms[first...]
                    let h = loweredHash(token)
                    spans.append(Span(start: Int32(length + first), end: Int32(length + acronyms.count), ascii: ScalarText.isASCII(token)))
                    hashes.append(h)
                    set.insert(h)
                    continue
                }
            }
            let start = i
            var h = StableHash.offset
            var ascii = true
            while i < n {
                let v = s[i].value
                if v < 0x80 {
                    let b = table[Int(v)]
                    if b == 0 { break }
                    h = (h ^ UInt64(b)) &* StableHash.prime
                } else {
                    guard ScalarClass.isWord(s[i]) else { break }
                    ascii = false
                }
                i += 1
            }
            if !ascii { h = StableHash.hash(ScalarText.lowercased(s[start..<i])) }
            spans.append(Span(start: Int32(offset + start), end: Int32(offset + i), ascii: ascii))
            hashes.append(h)
            set.insert(h)
        }
    }

    /// Tokens as written.
    public var tokens: [String] { (0..<count).map(token) }

    var count: Int { hashes.count }

    /// Token `i` as a String (the slow path, for non-ASCII comparisons).
    func token(_ i: Int) -> String { ScalarText.string(scalars(i)) }

    @inline(__always)
    private func scalars(_ i: Int) -> ArraySlice<Unicode.Scalar> { storage[Int(spans[i].start)..<Int(spans[i].end)] }

    /// The stable hash of the lower-cased token, lower-casing ASCII on the fly.
    static func loweredHash<C: Collection>(_ token: C) -> UInt64 where C.Element == Unicode.Scalar {
        var h = StableHash.offset
        for c in token {
            guard c.value < 0x80 else { return StableHash.hash(ScalarText.lowercased(token)) }
            var b = UInt8(truncatingIfNeeded: c.value)
            if b >= 0x41 && b <= 0x5A { b += 32 }
            h = (h ^ UInt64(b)) &* StableHash.prime
        }
        return h
    }

    static func loweredHash(_ word: String) -> UInt64 { StableHash.hash(word.lowercased()) }
}

extension MatchableText {
    @inline(__always)
    func contains(loweredHash: UInt64) -> Bool { hashSet.contains(loweredHash) }

    func containsExact(_ word: String, loweredHash: UInt64) -> Bool {
        guard hashSet.contains(loweredHash) else { return false }
        let wordIsASCII = word.utf8.allSatisfy { $0 < 0x80 }
        for i in 0..<count where tokenEquals(i, word, wordIsASCII: wordIsASCII) { return true }
        return false
    }

    func containsPrefix(_ prefix: String, caseSensitive: Bool) -> Bool {
        let prefixIsASCII = prefix.utf8.allSatisfy { $0 < 0x80 }
        if !caseSensitive && prefixIsASCII { return containsLoweredASCIIPrefix(prefix) }
        if caseSensitive {
            for i in 0..<count where tokenHasPrefix(i, prefix, prefixIsASCII: prefixIsASCII) { return true }
        } else {
            for i in 0..<count where tokenHasLoweredPrefix(i, prefix, prefixIsASCII: prefixIsASCII) { return true }
        }
        return false
    }

    /// `containsPrefix` for an ASCII prefix in lower case, the common case: every token is looked at, so the
    /// comparison runs in place over the buffers rather than through a call per token.
    private func containsLoweredASCIIPrefix(_ prefix: String) -> Bool {
        var prefix = prefix
        return prefix.withUTF8 { p in
            storage.withUnsafeBufferPointer { st in
                spans.withUnsafeBufferPointer { sp in
                    for i in 0..<sp.count {
                        let span = sp[i]
                        guard span.ascii else {
                            if tokenHasLoweredPrefix(i, String(decoding: p, as: UTF8.self), prefixIsASCII: true) { return true }
                            continue
                        }
                        let start = Int(span.start)
                        guard Int(span.end) - start >= p.count else { continue }
                        var k = 0
                        while k < p.count {
                            var b = UInt8(truncatingIfNeeded: st[start + k].value)
                            if b >= 0x41 && b <= 0x5A { b += 32 }
                            if b != p[k] { break }
                            k += 1
                        }
                        if k == p.count { return true }
                    }
                    return false
                }
            }
        }
    }

    /// `tokens[i] == word`.
    func tokenEquals(_ i: Int, _ word: String, wordIsASCII: Bool) -> Bool {
        guard spans[i].ascii && wordIsASCII else { return token(i) == word }
        let s = scalars(i)
        guard s.count == word.utf8.count else { return false }
        var k = s.startIndex
        for b in word.utf8 {
            if s[k].value != UInt32(b) { return false }
            k += 1
        }
        return true
    }

    /// `tokens[i].hasPrefix(prefix)`.
    func tokenHasPrefix(_ i: Int, _ prefix: String, prefixIsASCII: Bool) -> Bool {
        guard spans[i].ascii && prefixIsASCII else { return token(i).hasPrefix(prefix) }
        let s = scalars(i)
        guard s.count >= prefix.utf8.count else { return false }
        var k = s.startIndex
        for b in prefix.utf8 {
            if s[k].value != UInt32(b) { return false }
            k += 1
        }
        return true
    }

    /// `tokens[i].lowercased().hasPrefix(prefix)` (prefix already lower case).
    func tokenHasLoweredPrefix(_ i: Int, _ prefix: String, prefixIsASCII: Bool) -> Bool {
        guard spans[i].ascii && prefixIsASCII else { return Self.hasLoweredPrefix(token(i), prefix) }
        let s = scalars(i)
        guard s.count >= prefix.utf8.count else { return false }
        var k = s.startIndex
        for p in prefix.utf8 {
            let raw = UInt8(truncatingIfNeeded: s[k].value)
            let lower = (raw >= 0x41 && raw <= 0x5A) ? raw + 32 : raw
            if lower != p { return false }
            k += 1
        }
        return true
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
