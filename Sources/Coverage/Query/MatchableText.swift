/// The title and text of one article, tokenized once so that every topic query can be evaluated against it
/// with look-ups rather than scans. Words are found by the stable hash of their lower-cased form (no String
/// hashing per token); a case-sensitive word, a prefix or a phrase then checks the tokens themselves.
///
/// Tokens are kept as runs of scalars in one buffer, not as a String each: every article is matched, most
/// tokens are never looked at again, and building a String per token was a tenth of the per-article cost.
/// ASCII tokens are compared byte by byte; anything else goes through String, so results are exactly those of
/// String comparison (canonical equivalence included).
public struct MatchableText: Sendable {
    /// Scalars of all tokens, one after another; token `i` is `storage[starts[i]..<starts[i + 1]]`.
    private let storage: [Unicode.Scalar]
    private let starts: [Int32]
    /// Whether token `i` is pure ASCII (the byte-wise fast path applies).
    private let asciiToken: [Bool]
    /// Stable hashes of the lower-cased tokens, position by position, and as a set.
    let hashes: [UInt64]
    let hashSet: UInt64Set

    public init(title: String, text: String) {
        self.init(combined: title + "\n" + text)
    }

    public init(combined: String) {
        self.init(parts: [ScalarText.scalars(of: combined)])
    }

    /// Title and text as scalars (tokens never span the two).
    init(parts: [[Unicode.Scalar]]) {
        var storage: [Unicode.Scalar] = []
        var starts: [Int32] = [0]
        var ascii: [Bool] = []
        var hashes: [UInt64] = []
        let length = parts.reduce(0) { $0 + $1.count }
        let estimate = length / 5
        storage.reserveCapacity(length)
        starts.reserveCapacity(estimate + 1)
        ascii.reserveCapacity(estimate)
        hashes.reserveCapacity(estimate)
        var set = UInt64Set(minimumCapacity: estimate)
        for scalars in parts {
            WordTokenizer.forEachToken(scalars) { token in
                let h = Self.loweredHash(token)
                hashes.append(h)
                set.insert(h)
                storage.append(contentsOf: token)
                starts.append(Int32(storage.count))
                ascii.append(ScalarText.isASCII(token))
            }
        }
        self.storage = storage
        self.starts = starts
        self.asciiToken = ascii
        self.hashes = hashes
        self.hashSet = set
    }

    /// Tokens as written.
    public var tokens: [String] { (0..<count).map(token) }

    var count: Int { hashes.count }

    /// Token `i` as a String (the slow path, for non-ASCII comparisons).
    func token(_ i: Int) -> String { ScalarText.string(scalars(i)) }

    @inline(__always)
    private func scalars(_ i: Int) -> ArraySlice<Unicode.Scalar> { storage[Int(starts[i])..<Int(starts[i + 1])] }

    /// The stable hash of the lower-cased token, lower-casing ASCII on the fly.
    static func loweredHash(_ token: ArraySlice<Unicode.Scalar>) -> UInt64 {
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
        if caseSensitive {
            for i in 0..<count where tokenHasPrefix(i, prefix, prefixIsASCII: prefixIsASCII) { return true }
        } else {
            for i in 0..<count where tokenHasLoweredPrefix(i, prefix, prefixIsASCII: prefixIsASCII) { return true }
        }
        return false
    }

    /// `tokens[i] == word`.
    func tokenEquals(_ i: Int, _ word: String, wordIsASCII: Bool) -> Bool {
        guard asciiToken[i] && wordIsASCII else { return token(i) == word }
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
        guard asciiToken[i] && prefixIsASCII else { return token(i).hasPrefix(prefix) }
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
        guard asciiToken[i] && prefixIsASCII else { return Self.hasLoweredPrefix(token(i), prefix) }
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
