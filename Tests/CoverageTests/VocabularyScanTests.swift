@testable import Coverage
import Testing
import TestSupport

/// Matching tokenizes each article for the topics' vocabulary: ASCII text is read 64 bytes at a time from bit
/// masks, and only tokens a query could look at are kept (with their positions). These tests check that path
/// against the plain one, which keeps every token exactly as `WordTokenizer` finds them, on generated text
/// that mixes everything the fast path must hand back to the general loop.
@Suite struct VocabularyScanTests {

    static let pieces = [
        "bank", "Bank", "BANK", "central", "Central", "volcano", "volcanoes", "eruption", "lava", "tsunami", "a", "I",
        "x", "42", "18,000", "4.5", "2024-11-22", "U.S.", "E.U.", "U.S.A.", "A.", "J. Smith", "_X.Y.Z", "snake_case",
        "café", "São", "İstanbul", "naïve", "Zürich", "ﬁre", "\u{212A}elvin", "東京", "Москва", "१२३", "it’s", "x—y",
        "“quoted”", "internationalization", "counterrevolutionaries", "supercalifragilistic", "abcdefgh", "abcdefghi",
        "H20", "MI308s", "e\u{301}t\u{301}e", "word.", "end.", "(paren)", "\"q\"", "tab\tsep", "new\nline", "a.b",
        "ministry", "minister", "ministers", "defence", "defense", "India-US", "F404-GE-IN20",
    ]
    static let separators = [" ", " ", " ", "  ", ", ", ". ", "; ", "\n", " — ", "’", "", "-", "/", "_"]

    static func text(_ generator: inout SplitMix64, words: Int) -> String {
        var out = ""
        for _ in 0..<words {
            out += pieces.randomElement(using: &generator)!
            out += separators.randomElement(using: &generator)!
        }
        return out
    }

    /// Queries over words that do occur: single words (some upper case, so case-sensitive), prefixes and
    /// phrases of consecutive tokens, joined by OR/AND/NOT.
    static func queries(for tokens: [String], _ generator: inout SplitMix64) -> [TopicQuery] {
        let operators: Set<String> = ["AND", "OR", "NOT"]
        let usable = tokens.filter { !operators.contains($0) }
        guard !usable.isEmpty else { return [] }
        var out: [TopicQuery] = []
        for _ in 0..<4 {
            var terms: [String] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let i = Int.random(in: 0..<usable.count, using: &generator)
                let word = usable[i]
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: terms.append(word.lowercased())
                case 1: terms.append(word)
                case 2:
                    // Lower case, or as written (an all-capitals prefix is case-sensitive).
                    let prefix = String(word.prefix(Int.random(in: 1...3, using: &generator)))
                    terms.append((Bool.random(using: &generator) ? prefix.lowercased() : prefix) + "*")
                case 3 where i + 2 < usable.count: terms.append("\"\(usable[i]) \(usable[i + 1]) \(usable[i + 2])\"")
                default: terms.append("\"\(word.lowercased()) \(usable[(i + 1) % usable.count].lowercased())\"")
                }
            }
            let glue = [" OR ", " AND ", " OR NOT "].randomElement(using: &generator)!
            if let query = try? TopicQuery.parse(terms.joined(separator: glue)) { out.append(query) }
        }
        return out
    }

    @Test func everyTokenIsFoundAsTheWordTokenizerFindsIt() {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<200 {
            let title = Self.text(&generator, words: Int.random(in: 0...12, using: &generator))
            let text = Self.text(&generator, words: Int.random(in: 0...300, using: &generator))
            let doc = MatchableText(title: title, text: text)
            #expect(doc.tokens == WordTokenizer.tokens(in: title) + WordTokenizer.tokens(in: text))
            #expect(doc.positions == (0..<Int32(doc.count)).map { $0 })
        }
    }

    @Test func tokensKeptForAVocabularyAreExactlyThoseItsQueriesCanLookAt() {
        var generator = SplitMix64(seed: 2)
        var kept = 0, dropped = 0
        for round in 0..<300 {
            let title = Self.text(&generator, words: Int.random(in: 0...12, using: &generator))
            let text = Self.text(&generator, words: Int.random(in: 0...400, using: &generator))
            let full = MatchableText(title: title, text: text)
            let queries = Self.queries(for: full.tokens, &generator)
            let vocabulary = MatchVocabulary(queries: queries)
            let filtered = MatchableText(title: title, text: text, vocabulary: vocabulary)
            var expectedPositions: [Int32] = []
            var expectedTokens: [String] = []
            for i in 0..<full.count {
                let token = full.token(i)
                var bytes = Array(token.utf8)
                let ascii = bytes.allSatisfy { $0 < 0x80 }
                let may = bytes.withUnsafeMutableBufferPointer { b in
                    vocabulary.wordHashes.contains(full.hashes[i]) || vocabulary.mayMatchPrefix(UnsafeBufferPointer(b), ascii: ascii)
                }
                if may { expectedPositions.append(Int32(i)); expectedTokens.append(token) }
            }
            #expect(filtered.positions == expectedPositions, "round \(round)")
            #expect(filtered.tokens == expectedTokens, "round \(round)")
            #expect(filtered.hashes == expectedPositions.map { full.hashes[Int($0)] }, "round \(round)")
            for query in queries {
                #expect(query.matches(filtered) == query.matches(full), "round \(round): \(query.text)")
            }
            kept += filtered.count
            dropped += full.count - filtered.count
        }
        // The point of the vocabulary: most tokens are dropped, and some are kept.
        #expect(kept > 0 && dropped > kept)
    }

    @Test func queriesAgreeWithAndWithoutAVocabularyOnLongPlainText() throws {
        // Long ASCII text goes through the block path almost entirely; phrases, prefixes and case-sensitive
        // words must still see the same tokens and adjacency.
        var generator = SplitMix64(seed: 3)
        let queries = try [
            "\"central bank\" AND (volcano OR tsunami)", "volcano OR eruption OR lava", "minist* AND NOT BANK",
            "\"U.S. defence\" OR \"E.U. bank\"", "internationaliz* OR \"abcdefgh abcdefghi\"", "Zürich OR café OR KELVIN",
        ].map(TopicQuery.parse)
        let vocabulary = MatchVocabulary(queries: queries)
        var matched = 0
        for _ in 0..<300 {
            let text = Self.text(&generator, words: Int.random(in: 100...600, using: &generator))
            let full = MatchableText(title: "", text: text)
            let filtered = MatchableText(title: "", text: text, vocabulary: vocabulary)
            for query in queries {
                let expected = query.matches(full)
                #expect(query.matches(filtered) == expected, "\(query.text)")
                if expected { matched += 1 }
            }
        }
        #expect(matched > 100)
    }

    @Test func asciiWordBitsAgreeWithTheScalarClasses() {
        for byte in 0..<256 {
            let chunk = UInt64(byte) << 24 | 0x2020_2020_2020_2020 & ~(0xFF << 24)
            let bit = ASCIIWords.wordBits(chunk) >> 3 & 1
            let expected = byte < 0x80 && ScalarClass.isWord(Unicode.Scalar(UInt8(byte)))
            #expect((bit == 1) == expected, "byte \(byte)")
            #expect((ASCIIWords.dotBits(chunk) >> 3 & 1 == 1) == (byte == 0x2E), "byte \(byte)")
        }
    }
}
