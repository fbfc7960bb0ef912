/// Newsroom boilerplate that states no fact: datelines, bylines, photo credits, post signatures, agency tags.
enum Boilerplate {
    /// "SAN FRANCISCO (Reuters) - X", "New Delhi [India], July 22 (ANI): X", "WASHINGTON — X", and scraped
    /// "date 2025-07-02 …" prefixes become "X". Only a prefix made of capitalised words, numbers and
    /// brackets counts as a dateline, so "Trump said: …" stays whole.
    static func stripDateline(_ sentence: String) -> String {
        let scalars = ScalarText.scalars(of: sentence)
        let kept = stripDateline(scalars[...])
        return kept.count == scalars.count ? sentence : ScalarText.string(kept)
    }

    static func stripDateline(_ original: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        let s = Array(stripLeadingISODate(original))
        let limit = min(s.count, 90)
        var i = 0
        while i < limit {
            let c = s[i]
            var sepEnd = -1
            if c == ":" && i + 1 < s.count && ScalarClass.isSpace(s[i + 1]) && !(i > 0 && ScalarClass.isDigit(s[i - 1]) && i + 2 < s.count && ScalarClass.isDigit(s[i + 2])) {
                sepEnd = i + 1
            } else if (c == "—" || c == "–" || c == "-") && i > 0 && ScalarClass.isSpace(s[i - 1]) {
                var j = i
                while j < s.count && (s[j] == "-" || s[j] == "—" || s[j] == "–") { j += 1 }
                if j < s.count && ScalarClass.isSpace(s[j]) { sepEnd = j }
            }
            if sepEnd > 0 {
                let prefix = ScalarText.string(s[0..<i])
                if isDatelinePrefix(prefix) {
                    let rest = SentenceSplitter.trim(s[sepEnd...])
                    var words = 0
                    WordTokenizer.forEachToken(Array(rest)) { _ in words += 1 }
                    if words >= 3 { return original[(original.endIndex - rest.count)...] }
                }
                break
            }
            i += 1
        }
        return SentenceSplitter.trim(original[(original.endIndex - s.count)...])
    }

    private static func stripLeadingISODate(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        let end = s.endIndex
        var i = s.startIndex
        while i < end && ScalarClass.isSpace(s[i]) { i += 1 }
        let wordStart = i
        while i < end && ScalarClass.isLetter(s[i]) { i += 1 }
        if i > wordStart {
            if i - wordStart > 10 || !Lexicon.datelineWords.contains(ScalarText.lowercased(s[wordStart..<i])) { return s }
        }
        while i < end && ScalarClass.isSpace(s[i]) { i += 1 }
        // yyyy-mm-dd
        let pattern: [Bool] = [true, true, true, true, false, true, true, false, true, true]
        guard i + pattern.count <= end else { return s }
        for (k, digit) in pattern.enumerated() {
            let c = s[i + k]
            if digit ? !ScalarClass.isDigit(c) : (c != "-") { return s }
        }
        let after = i + pattern.count
        guard after == end || ScalarClass.isSpace(s[after]) else { return s }
        return s[after...]
    }


    private static func isDatelinePrefix(_ prefix: String) -> Bool {
        let tokens = RawToken.scan(prefix)
        guard !tokens.isEmpty, tokens.count <= 12 else { return false }
        var words = 0
        for t in tokens {
            switch t.kind {
            case .number, .code: continue
            case .alpha:
                words += 1
                if t.startsUpper || t.allUpper { continue }
                if Lexicon.datelineWords.contains(t.lowered) { continue }
                return false
            }
        }
        return words > 0
    }

    /// False for lines and sentences that carry no fact whatever their words.
    static func statesFact(_ sentence: String, tokens: [RawToken]) -> Bool {
        guard let first = sentence.unicodeScalars.first else { return false }
        // Post signatures ("— Name (@handle) July 1, 2025") and agency tags ("-- PTI").
        if first == "—" || first == "–" || first == "-" || first == "~" { return false }
        if tokens.count < 4 { return false }
        let firstWord = tokens[0].lowered
        // "Credit: PTI, Reuters", "Photo: …", "File photo of …", "Also read: …"
        if Lexicon.creditLabels.contains(firstWord) {
            let head = sentence.prefix(40)
            if head.contains(":") || head.contains("|") { return false }
            if firstWord == "file" && tokens.count > 1 && (tokens[1].lowered == "photo" || tokens[1].lowered == "image") { return false }
        }
        // "(Reporting by A; Editing by B)", "By Jane Doe"
        if Lexicon.bylineOpeners.contains(firstWord) {
            if tokens.count > 1, tokens[1].lowered == "by" { return false }
            if tokens.count > 2, tokens[2].lowered == "by", firstWord == "additional" { return false }
            if firstWord == "by" && tokens.count <= 8 && tokens.dropFirst().allSatisfy({ $0.startsUpper || $0.allUpper || $0.lowered == "and" }) { return false }
        }
        return true
    }

    /// Lower-cased words only, as the scorer compares headlines.
    static func normalizedForComparison(_ s: String) -> String {
        WordTokenizer.tokens(in: s).map { $0.lowercased() }.joined(separator: " ")
    }
}
