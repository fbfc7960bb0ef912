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
        let stripped = stripLeadingISODate(original)
        let n = stripped.count
        // Read in place (no copy of the sentence): this runs for the first sentence of every line.
        let restCount = stripped.withUnsafeBufferPointer { s -> Int? in
            let limit = min(n, 90)
            var i = 0
            while i < limit {
                let c = s[i]
                var sepEnd = -1
                if c == ":" && i + 1 < n && ScalarClass.isSpace(s[i + 1]) && !(i > 0 && ScalarClass.isDigit(s[i - 1]) && i + 2 < n && ScalarClass.isDigit(s[i + 2])) {
                    sepEnd = i + 1
                } else if (c == "—" || c == "–" || c == "-") && i > 0 && ScalarClass.isSpace(s[i - 1]) {
                    var j = i
                    while j < n && (s[j] == "-" || s[j] == "—" || s[j] == "–") { j += 1 }
                    if j < n && ScalarClass.isSpace(s[j]) { sepEnd = j }
                }
                if sepEnd > 0 {
                    let prefix = ScalarText.string(s[0..<i])
                    if isDatelinePrefix(prefix) {
                        let rest = SentenceSplitter.trim(Array(s[sepEnd...])[...])
                        var words = 0
                        WordTokenizer.forEachToken(Array(rest)) { _ in words += 1 }
                        if words >= 3 { return rest.count }
                    }
                    break
                }
                i += 1
            }
            return nil
        }
        if let restCount { return original[(original.endIndex - restCount)...] }
        return SentenceSplitter.trim(original[(original.endIndex - n)...])
    }

    private static func stripLeadingISODate(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        let end = s.endIndex
        var i = s.startIndex
        while i < end && ScalarClass.isSpace(s[i]) { i += 1 }
        let wordStart = i
        while i < end && ScalarClass.isLetter(s[i]) { i += 1 }
        let wordEnd = i
        if wordEnd - wordStart > 10 { return s }
        while i < end && ScalarClass.isSpace(s[i]) { i += 1 }
        // yyyy-mm-dd
        guard i + 10 <= end else { return s }
        for k in 0..<10 {
            let c = s[i + k]
            if k == 4 || k == 7 ? (c != "-") : !ScalarClass.isDigit(c) { return s }
        }
        let after = i + 10
        guard after == end || ScalarClass.isSpace(s[after]) else { return s }
        // The word before the date is checked last: most lines hold no date there, and a look-up per line showed.
        if wordEnd > wordStart && !Lexicon.datelineWords.contains(ScalarText.lowercased(s[wordStart..<wordEnd])) { return s }
        return s[after...]
    }


    private static func isDatelinePrefix(_ prefix: String) -> Bool {
        let list = TokenList(scanning: prefix)
        guard !list.tokens.isEmpty, list.tokens.count <= 12 else { return false }
        return list.withTokens { tokens in
            var words = 0
            for i in tokens.indices {
                let t = tokens[i]
                switch t.kind {
                case .number, .code: continue
                case .alpha:
                    words += 1
                    if t.startsUpper || t.allUpper { continue }
                    if Lexicon.datelineWords.contains(tokens.string(i)) { continue }
                    return false
                }
            }
            return words > 0
        }
    }

    /// False for lines and sentences that carry no fact whatever their words.
    static func statesFact(_ sentence: String, tokens: Tokens) -> Bool {
        guard let first = sentence.unicodeScalars.first else { return false }
        // Post signatures ("— Name (@handle) July 1, 2025") and agency tags ("-- PTI").
        if first == "—" || first == "–" || first == "-" || first == "~" { return false }
        if tokens.count < 4 { return false }
        let firstWord = tokens.string(0)
        // "Credit: PTI, Reuters", "Photo: …", "File photo of …", "Also read: …"
        if Lexicon.creditLabels.contains(firstWord) {
            let head = sentence.prefix(40)
            if head.contains(":") || head.contains("|") { return false }
            if firstWord == "file" && tokens.count > 1 && (tokens.valueIs(1, "photo") || tokens.valueIs(1, "image")) { return false }
        }
        // "(Reporting by A; Editing by B)", "By Jane Doe"
        if Lexicon.bylineOpeners.contains(firstWord) {
            if tokens.count > 1, tokens.valueIs(1, "by") { return false }
            if tokens.count > 2, tokens.valueIs(2, "by"), firstWord == "additional" { return false }
            if firstWord == "by" && tokens.count <= 8 && (1..<tokens.count).allSatisfy({ tokens[$0].startsUpper || tokens[$0].allUpper || tokens.valueIs($0, "and") }) { return false }
        }
        return true
    }

    /// False when `sentence` cannot normalise to `normalizedTitle`, judged from its first word alone; true when
    /// they may match (or when ASCII rules do not settle it). Most sentences differ from the headline at their
    /// first word, so this spares tokenizing them whole.
    static func mayNormalizeTo(_ sentence: String, _ normalizedTitle: String) -> Bool {
        let title = normalizedTitle.utf8
        var titleEnd = title.startIndex
        while titleEnd != title.endIndex && title[titleEnd] != 0x20 {
            if title[titleEnd] >= 0x80 { return true }
            titleEnd = title.index(after: titleEnd)
        }
        if titleEnd == title.startIndex { return true }
        let bytes = sentence.utf8
        var i = bytes.startIndex
        func isWord(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        // Skip to the first word; a non-ASCII byte before it could be a letter, so let the full check decide.
        while i != bytes.endIndex && !isWord(bytes[i]) {
            if bytes[i] >= 0x80 { return true }
            i = bytes.index(after: i)
        }
        var t = title.startIndex
        var runLength = 0
        while i != bytes.endIndex && isWord(bytes[i]) {
            let b = bytes[i]
            let lower = (b >= 0x41 && b <= 0x5A) ? b + 32 : b
            if t == titleEnd || title[t] != lower { return false }
            t = title.index(after: t)
            runLength += 1
            i = bytes.index(after: i)
        }
        // A one-letter run may open a dotted acronym ("U.S."), and a non-ASCII byte may continue the word.
        if runLength == 1 || (i != bytes.endIndex && bytes[i] >= 0x80) { return true }
        return t == titleEnd
    }

    /// Lower-cased words only, as the scorer compares headlines: the tokens, lower-cased, joined by spaces.
    /// Built into one byte buffer (no String per token): it runs for most sentences of every on-topic article.
    static func normalizedForComparison(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        WordTokenizer.forEachToken(ScalarText.scalars(of: s)) { token in
            if !out.isEmpty { out.append(0x20) }
            if ScalarText.isASCII(token) {
                for c in token {
                    let v = UInt8(truncatingIfNeeded: c.value)
                    out.append((v >= 0x41 && v <= 0x5A) ? v + 32 : v)
                }
            } else {
                out.append(contentsOf: ScalarText.string(token).lowercased().utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
