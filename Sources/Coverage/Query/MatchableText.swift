/// The title and text of one article, tokenized once so that every topic query can be evaluated against it
/// with look-ups rather than scans. Words are found by the stable hash of their lower-cased form (no String
/// hashing per token); a case-sensitive word, a prefix or a phrase then checks the tokens themselves.
public struct MatchableText: Sendable {
    /// Tokens as written.
    public let tokens: [String]
    /// Stable hashes of the lower-cased tokens, position by position, and as a set.
    let hashes: [UInt64]
    let hashSet: UInt64Set

    public init(title: String, text: String) {
        self.init(combined: title + "\n" + text)
    }

    public init(combined: String) {
        self.init(parts: [Array(combined.unicodeScalars)])
    }

    /// Title and text as scalars (tokens never span the two).
    init(parts: [[Unicode.Scalar]]) {
        var tokens: [String] = []
        var hashes: [UInt64] = []
        let estimate = parts.reduce(0) { $0 + $1.count } / 5
        tokens.reserveCapacity(estimate)
        hashes.reserveCapacity(estimate)
        var set = UInt64Set(minimumCapacity: estimate)
        for scalars in parts {
            WordTokenizer.forEachToken(scalars) { token in
                let h = Self.loweredHash(token)
                hashes.append(h)
                set.insert(h)
                tokens.append(ScalarText.string(token))
            }
        }
        self.tokens = tokens
        self.hashes = hashes
        self.hashSet = set
    }

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
        return tokens.contains(word)
    }

    func containsPrefix(_ prefix: String, caseSensitive: Bool) -> Bool {
        if caseSensitive { return tokens.contains { $0.hasPrefix(prefix) } }
        return tokens.contains { Self.hasLoweredPrefix($0, prefix) }
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
