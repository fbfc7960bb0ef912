/// The title and text of one article, tokenized once so that every topic query can be evaluated against it
/// with set look-ups rather than scans. Case-sensitive words go through the lower-cased set first and scan the
/// tokens only when it hits.
public struct MatchableText: Sendable {
    public let tokens: [String]
    let lowered: [String]
    let loweredSet: Set<String>

    public init(title: String, text: String) {
        self.init(combined: title + "\n" + text)
    }

    public init(combined: String) {
        self.init(parts: [Array(combined.unicodeScalars)])
    }

    /// Title and text as scalars (tokens never span the two).
    init(parts: [[Unicode.Scalar]]) {
        var tokens: [String] = []
        var lowered: [String] = []
        let estimate = parts.reduce(0) { $0 + $1.count } / 5
        tokens.reserveCapacity(estimate)
        lowered.reserveCapacity(estimate)
        for scalars in parts {
            WordTokenizer.forEachToken(scalars) { token in
                let low = ScalarText.lowercased(token)
                lowered.append(low)
                // Most words of running text are already lower case: share the one String.
                var plainLower = true
                for c in token where c.value >= 0x80 || (c.value >= 0x41 && c.value <= 0x5A) { plainLower = false; break }
                tokens.append(plainLower ? low : ScalarText.string(token))
            }
        }
        self.tokens = tokens
        self.lowered = lowered
        self.loweredSet = Set(lowered)
    }
}

extension MatchableText {
    @inline(__always)
    func containsExact(_ word: String, lowered: String) -> Bool {
        guard loweredSet.contains(lowered) else { return false }
        return tokens.contains(word)
    }

    func containsPrefix(_ prefix: String, caseSensitive: Bool) -> Bool {
        if caseSensitive { return tokens.contains { $0.hasPrefix(prefix) } }
        return loweredSet.contains { $0.hasPrefix(prefix) }
    }
}
