/// Word tokens exactly as the query semantics define them: maximal runs of letters or digits, after folding
/// dotted acronyms ("U.S." → "US", "E.U." → "EU"). "India-US" gives India, US; "India's" gives India, s.
public enum WordTokenizer {
    public static func tokens(in text: String) -> [String] {
        let scalars = ScalarText.scalars(of: text)
        var out: [String] = []
        out.reserveCapacity(scalars.count / 5)
        forEachToken(scalars) { out.append(ScalarText.string($0)) }
        return out
    }

    /// Calls `body` with each token; the dotted-acronym fold needs a word boundary before the first letter and
    /// at least two letter-dot pairs, as in the dev set scorer's reference regex
    /// (`_DOTTED_ACRONYM_RE` in ../shared/novelty-dev/novelty_common.py).
    static func forEachToken(_ s: [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        let n = s.count
        var i = 0
        var folded: [Unicode.Scalar] = []
        while i < n {
            guard ScalarClass.isWord(s[i]) else { i += 1; continue }
            if ScalarClass.isLetter(s[i]) && (i == 0 || !ScalarClass.isRegexWord(s[i - 1])) {
                var j = i
                var pairs = 0
                while j + 1 < n && ScalarClass.isLetter(s[j]) && s[j + 1] == "." {
                    pairs += 1
                    j += 2
                }
                if pairs >= 2 {
                    folded.removeAll(keepingCapacity: true)
                    var k = i
                    while k < j { folded.append(s[k]); k += 2 }
                    i = j
                    while i < n && ScalarClass.isWord(s[i]) { folded.append(s[i]); i += 1 }
                    body(folded[...])
                    continue
                }
            }
            let start = i
            while i < n && ScalarClass.isWord(s[i]) { i += 1 }
            body(s[start..<i])
        }
    }
}
