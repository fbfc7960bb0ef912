/// Splits article text into sentences.
///
/// Lines are hard boundaries (paragraphs, embedded posts, bullet items, captions). Inside a line a sentence ends
/// at `.`, `!`, `?` or `…` (plus closing quotes or brackets) followed by space and an upper-case letter, a digit,
/// an opening quote or bracket, `@`, `#` or a dash — unless the `.` closes an abbreviation or an initial
/// ("Mr.", "Jan.", "No. 5", "U.S.", "S. Jaishankar"). Decimals never end a sentence since no space follows
/// their point.
public enum SentenceSplitter {
    public struct Sentence: Sendable, Equatable {
        /// The sentence as written (trimmed; a bullet marker removed).
        public var text: String
        /// Index of the line (paragraph) it came from, and its position within that line.
        public var line: Int
        public var indexInLine: Int
    }

    public static func split(_ text: String) -> [Sentence] {
        let scalars = ScalarText.scalars(of: text)
        return ranges(scalars).map { Sentence(text: ScalarText.string(scalars[$0.range]), line: $0.line, indexInLine: $0.indexInLine) }
    }

    struct Span {
        var range: Range<Int>
        var line: Int
        var indexInLine: Int
    }

    /// Sentence positions in `scalars`, so callers can tokenize without converting the text again.
    static func ranges(_ scalars: [Unicode.Scalar]) -> [Span] {
        var out: [Span] = []
        var lineNumber = 0
        var lineStart = 0
        let n = scalars.count
        // Line ends are looked for in place, without a bounds check per scalar.
        scalars.withUnsafeBufferPointer { s in
            var i = 0
            while i <= n {
                if i == n || s[i] == "\n" || s[i] == "\r" || s[i] == "\u{2028}" || s[i] == "\u{2029}" {
                    if i > lineStart {
                        let line = stripBullet(scalars[lineStart..<i])
                        if !line.isEmpty {
                            var index = 0
                            for piece in splitLine(line) {
                                out.append(Span(range: piece, line: lineNumber, indexInLine: index))
                                index += 1
                            }
                            lineNumber += 1
                        }
                    }
                    lineStart = i + 1
                }
                i += 1
            }
        }
        return out
    }

    /// Plain sentence strings, for callers that need no positions.
    public static func sentences(_ text: String) -> [String] { split(text).map(\.text) }

    static func trim(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi && ScalarClass.isSpace(s[lo]) { lo += 1 }
        while hi > lo && ScalarClass.isSpace(s[hi - 1]) { hi -= 1 }
        return s[lo..<hi]
    }

    /// "- item", "* item", "• item", "1. item", "2) item": the marker is not part of the sentence.
    static func stripBullet(_ line: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        let t = trim(line)
        guard let first = t.first else { return [] }
        var i = t.startIndex
        if first == "•" || first == "▪" || first == "◦" || first == "·" || first == "*" || first == "-" || first == "‣" {
            i += 1
            // "-- PTI", "—" lines are not bullets; a bullet marker is followed by a space.
            guard i < t.endIndex, ScalarClass.isSpace(t[i]) else { return t }
            return trim(t[i...])
        }
        var digits = 0
        while i < t.endIndex && ScalarClass.isDigit(t[i]) && digits < 3 { i += 1; digits += 1 }
        if digits > 0, i + 1 < t.endIndex, t[i] == "." || t[i] == ")", ScalarClass.isSpace(t[i + 1]) {
            return trim(t[(i + 1)...])
        }
        return t
    }

    private static func isTerminal(_ s: Unicode.Scalar) -> Bool { s == "." || s == "!" || s == "?" || s == "…" }
    private static func isCloser(_ s: Unicode.Scalar) -> Bool {
        s == "\"" || s == "'" || s == "”" || s == "’" || s == ")" || s == "]" || s == "»"
    }
    private static func isOpener(_ s: Unicode.Scalar) -> Bool {
        s == "\"" || s == "'" || s == "“" || s == "‘" || s == "(" || s == "[" || s == "«"
    }
    private static func startsSentence(_ s: Unicode.Scalar) -> Bool {
        ScalarClass.isUpper(s) || ScalarClass.isDigit(s) || s == "@" || s == "#" || s == "—" || s == "–" || s == "-"
    }

    static func splitLine(_ line: ArraySlice<Unicode.Scalar>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let n = line.endIndex
        var start = line.startIndex
        var i = line.startIndex
        let base = line.startIndex
        while i < n {
            // Skip to the next sentence-ending mark in place.
            i = line.withUnsafeBufferPointer { b -> Int in
                var k = i - base
                while k < b.count && !isTerminal(b[k]) { k += 1 }
                return k + base
            }
            guard i < n else { break }
            let punctStart = i
            while i < n && isTerminal(line[i]) { i += 1 }
            let punctEnd = i
            while i < n && isCloser(line[i]) { i += 1 }
            let closeEnd = i
            var j = i
            while j < n && ScalarClass.isSpace(line[j]) { j += 1 }
            guard j > i, j < n else { continue }
            var k = j
            if isOpener(line[k]) && k + 1 < n { k += 1 }
            guard startsSentence(line[k]) else { continue }
            if punctEnd - punctStart == 1 && line[punctStart] == "." && endsWithAbbreviation(line[start..<punctStart], next: line[j...]) {
                continue
            }
            let piece = trim(line[start..<closeEnd])
            if !piece.isEmpty { out.append(piece.startIndex..<piece.endIndex) }
            start = j
            i = j
        }
        let rest = trim(line[start..<n])
        if !rest.isEmpty { out.append(rest.startIndex..<rest.endIndex) }
        return out
    }

    /// Words whose trailing `.` marks an abbreviation rather than a sentence end.
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "mx", "dr", "st", "jr", "sr", "prof", "gen", "lt", "col", "capt", "cmdr", "cdr", "maj", "sgt",
        "adm", "gov", "sen", "rep", "rs", "no", "nos", "vs", "v", "etc", "inc", "corp", "ltd", "co", "plc", "bros",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "fig", "est",
        "dept", "govt", "mt", "ft", "rev", "hon", "sh", "smt", "messrs", "mme", "mlle", "brig", "cpl", "pvt", "supt",
        "insp", "ave", "blvd", "rd", "vol", "ch", "art", "sec", "para", "op", "cf", "al", "ca", "viz", "pp", "esp",
    ]

    static func endsWithAbbreviation(_ before: ArraySlice<Unicode.Scalar>, next: ArraySlice<Unicode.Scalar>) -> Bool {
        var lo = before.endIndex
        while lo > before.startIndex && !ScalarClass.isSpace(before[lo - 1]) { lo -= 1 }
        var word = before[lo..<before.endIndex]
        while let f = word.first, isOpener(f) { word = word.dropFirst() }
        guard !word.isEmpty else { return false }
        var letters = 0, dots = 0, others = 0
        for s in word {
            if ScalarClass.isLetter(s) { letters += 1 } else if s == "." { dots += 1 } else { others += 1 }
        }
        // An initial ("S. Jaishankar") or the tail of a dotted acronym ("U.S", "e.g").
        if others == 0 && letters == 1 && dots == 0 { return true }
        if others == 0 && dots > 0 && letters == dots + 1 {
            var alternating = true
            var expectLetter = true
            for s in word {
                if expectLetter != ScalarClass.isLetter(s) { alternating = false; break }
                expectLetter.toggle()
            }
            if alternating { return true }
        }
        let lowered = ScalarText.lowercased(word)
        if abbreviations.contains(lowered) {
            // "No." and "Nos." abbreviate only before a number: "said no. The …" ends a sentence.
            if lowered == "no" || lowered == "nos" { return next.first.map(ScalarClass.isDigit) ?? false }
            return true
        }
        return false
    }
}
