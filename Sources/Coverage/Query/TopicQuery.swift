/// A boolean topic query (see docs/coverage.md, "Query language").
///
/// Grammar, precedence NOT > AND > OR, juxtaposition = AND, operators only in upper case:
///     expr  := and ("OR" and)*
///     and   := unary (["AND"] unary)*
///     unary := "NOT" unary | atom
///     atom  := "(" expr ")" | "\"phrase words\"" | word | word*
public struct TopicQuery: Sendable, CustomStringConvertible {
    public let text: String
    let root: QueryNode
    let compiled: CompiledQuery

    public static func parse(_ text: String) throws(QueryError) -> TopicQuery {
        var parser = QueryParser(text: text)
        let root = try parser.parseQuery()
        return TopicQuery(text: text, root: root, compiled: CompiledQuery(root))
    }

    public func matches(_ doc: MatchableText) -> Bool { compiled.matches(doc) }

    public func matches(title: String, text: String) -> Bool {
        matches(MatchableText(title: title, text: text, vocabulary: MatchVocabulary(queries: [self])))
    }

    public var description: String { root.description }
}

/// One word of a term or phrase: compared case-sensitively when written without lower-case letters.
struct WordPattern: Sendable {
    let text: String
    /// Stable hash of the word lower-cased: the first look-up, whatever the case rule.
    let loweredHash: UInt64
    let caseSensitive: Bool
    let prefix: Bool
    /// ASCII words compare with ASCII tokens byte by byte.
    let isASCII: Bool

    @inline(__always)
    func present(in doc: MatchableText) -> Bool {
        caseSensitive ? doc.containsExact(text, loweredHash: loweredHash) : doc.contains(loweredHash: loweredHash)
    }

    init(word: String, prefix: Bool) {
        var hasLetter = false
        var hasLower = false
        for s in word.unicodeScalars {
            if ScalarClass.isLetter(s) { hasLetter = true }
            if ScalarClass.isLower(s) { hasLower = true }
        }
        caseSensitive = hasLetter && !hasLower
        text = caseSensitive ? word : word.lowercased()
        loweredHash = MatchableText.loweredHash(word)
        self.prefix = prefix
        isASCII = text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Whether token `i` of `doc` is this word.
    @inline(__always)
    func matches(_ doc: MatchableText, at i: Int) -> Bool {
        if prefix {
            return caseSensitive ? doc.tokenHasPrefix(i, text, prefixIsASCII: isASCII)
                                 : doc.tokenHasLoweredPrefix(i, text, prefixIsASCII: isASCII)
        }
        return doc.hashes[i] == loweredHash && (!caseSensitive || doc.tokenEquals(i, text, wordIsASCII: isASCII))
    }
}

indirect enum QueryNode: Sendable, CustomStringConvertible {
    case and([QueryNode])
    case or([QueryNode])
    case not(QueryNode)
    case sequence([WordPattern])

    static func sequenceMatches<Words: RandomAccessCollection>(_ words: Words, _ doc: MatchableText) -> Bool
        where Words.Element == WordPattern, Words.Index == Int {
        let base = words.startIndex
        let first = words[base]
        if words.count == 1 {
            if !first.prefix { return first.present(in: doc) }
            return doc.containsPrefix(first.text, caseSensitive: first.caseSensitive)
        }
        // A phrase: cheap rejection through the hashes before scanning positions.
        for w in words where !w.prefix {
            if !doc.contains(loweredHash: w.loweredHash) { return false }
        }
        // The kept tokens of a phrase are consecutive among all tokens, so they are next to each other here too.
        let n = doc.count, m = words.count
        guard n >= m else { return false }
        var i = 0
        while i <= n - m {
            if first.matches(doc, at: i) {
                let position = doc.positions[i]
                var j = 1
                while j < m && doc.positions[i + j] == position + Int32(j) && words[base + j].matches(doc, at: i + j) { j += 1 }
                if j == m { return true }
            }
            i += 1
        }
        return false
    }

    var description: String {
        switch self {
        case .and(let kids): return "AND(" + kids.map(\.description).joined(separator: ", ") + ")"
        case .or(let kids): return "OR(" + kids.map(\.description).joined(separator: ", ") + ")"
        case .not(let kid): return "NOT(\(kid))"
        case .sequence(let words):
            let body = words.map(\.text).joined(separator: " ") + (words.last?.prefix == true ? "*" : "")
            return words.count > 1 ? "\"\(body)\"" : body
        }
    }
}
