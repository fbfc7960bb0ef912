/// Every word a set of topic queries can ask about: the lowered hashes of their whole words and their prefix
/// patterns. An article tokenized for a vocabulary keeps only the tokens that one of those words or prefixes
/// could match, which is what makes matching cheap: most of an article's tokens are then hashed, looked up in
/// this small table and forgotten, with no per-article set or position list built for them.
public struct MatchVocabulary: Sendable {
    let wordHashes: UInt64Set
    /// `ASCIIWords.quickHash` of every word whose lower-cased form is ASCII: what the block scanner looks up
    /// before it spends a byte-by-byte hash on a token.
    let quickHashes: UInt64Set
    /// 1,024 bits, one per `ASCIIWords.bigram` of a token's first two bytes, set for every bigram a word or
    /// prefix of the vocabulary starts with: most ASCII tokens are dismissed by one bit test, without being
    /// measured or hashed.
    let bigrams: [UInt64]
    /// Each prefix pattern as written and lower-cased (the two ways a token is compared with it).
    let prefixes: [(asWritten: String, lowered: String)]
    /// For each ASCII byte, whether an ASCII prefix pattern starts with it in lower case; a token whose first
    /// byte is not flagged needs no prefix comparison.
    let prefixFirstBytes: [Bool]
    /// A prefix pattern that is not pure ASCII: every token is compared with the prefixes.
    let hasNonASCIIPrefix: Bool

    public init(queries: [TopicQuery]) {
        var hashes = UInt64Set()
        var quick = UInt64Set()
        var bigrams = [UInt64](repeating: 0, count: 16)
        // A one-byte word or prefix is followed by any byte: every bigram it leads is set.
        func allow(_ lowered: [UInt8]) {
            guard let first = lowered.first else { bigrams = [UInt64](repeating: ~0, count: 16); return }
            let seconds: [UInt8] = lowered.count >= 2 ? [lowered[1]] : Array(0..<32)
            for second in seconds {
                let bigram = ASCIIWords.bigram(first, second)
                bigrams[bigram >> 6] |= 1 << UInt64(bigram & 63)
            }
        }
        var prefixes: [(asWritten: String, lowered: String)] = []
        for query in queries {
            for pattern in query.compiled.patterns {
                let lowered = Array(pattern.text.lowercased().utf8)
                if pattern.prefix {
                    prefixes.append((pattern.text, pattern.text.lowercased()))
                    // A prefix not in ASCII lower-cases into something no bigram test can rule out.
                    if lowered.allSatisfy({ $0 < 0x80 }) && pattern.text.utf8.allSatisfy({ $0 < 0x80 }) {
                        allow(lowered)
                    } else {
                        allow([])
                    }
                } else {
                    hashes.insert(pattern.loweredHash)
                    // A word whose lower-case form is not ASCII never equals an ASCII token.
                    if lowered.allSatisfy({ $0 < 0x80 }) {
                        quick.insert(lowered.withUnsafeBufferPointer { ASCIIWords.quickHash(of: $0) })
                        allow(lowered)
                    }
                }
            }
        }
        var first = [Bool](repeating: false, count: 128)
        var nonASCII = false
        for p in prefixes {
            guard let byte = p.lowered.utf8.first, byte < 0x80, p.asWritten.utf8.allSatisfy({ $0 < 0x80 }) else {
                nonASCII = true
                continue
            }
            first[Int(byte)] = true
        }
        wordHashes = hashes
        quickHashes = quick
        self.bigrams = bigrams
        self.prefixes = prefixes
        prefixFirstBytes = first
        hasNonASCIIPrefix = nonASCII
    }

    var hasPrefixes: Bool { !prefixes.isEmpty }

    /// Whether an ASCII token with this lower-cased first byte may start with a prefix.
    @inline(__always)
    func mayStartPrefix(asciiLead: UInt8) -> Bool { hasNonASCIIPrefix || prefixFirstBytes[Int(asciiLead & 0x7F)] }

    /// Whether a token starts with one of the prefixes in either of the ways a prefix is compared (case-
    /// sensitively as written, or lower-cased). With the word hashes, a superset of what the queries accept.
    @inline(__always)
    func mayMatchPrefix(_ token: UnsafeBufferPointer<UInt8>, ascii: Bool) -> Bool {
        guard !prefixes.isEmpty, let lead = token.first else { return false }
        if ascii && !hasNonASCIIPrefix {
            let lowerLead = lead >= 0x41 && lead <= 0x5A ? lead + 32 : lead
            guard prefixFirstBytes[Int(lowerLead)] else { return false }
        }
        let text = String(decoding: token, as: UTF8.self)
        for p in prefixes where MatchableText.hasLoweredPrefix(text, p.lowered) || text.hasPrefix(p.asWritten) { return true }
        return false
    }
}
