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
        let tokens = WordTokenizer.tokens(in: combined)
        let lowered = tokens.map { $0.lowercased() }
        self.tokens = tokens
        self.lowered = lowered
        self.exactSet = Set(tokens)
        self.loweredSet = Set(lowered)
    }
}
