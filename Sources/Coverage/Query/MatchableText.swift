/// The title and text of one article, tokenized once so that every topic query can be evaluated against it
/// with set look-ups rather than scans.
public struct MatchableText: Sendable {
    public let tokens: [String]
    let lowered: [String]
    let exactSet: Set<String>
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
                tokens.append(ScalarText.string(token))
                lowered.append(ScalarText.lowercased(token))
            }
        }
        self.tokens = tokens
        self.lowered = lowered
        self.exactSet = Set(tokens)
        self.loweredSet = Set(lowered)
    }
}
