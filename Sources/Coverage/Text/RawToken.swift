import Support

/// A token of running text, with what the fact extractor needs to know about its surroundings.
///
/// Plain data with no String inside: its value (folded lower-case text for words and codes, the normalised value
/// for numbers) lives in the byte buffer of the `TokenList` that scanned it. Tokens with a String each cost a
/// String per word to build, a reference-counted copy whenever a token was read and a destroy pass per array;
/// that was about a fifth of the per-article profile.
struct RawToken {
    enum Kind: UInt8 { case alpha, number, code }
    var kind: Kind
    var startsUpper = false
    var allUpper = false
    /// First word of the sentence or of a quotation, where capitals say nothing about names.
    var initial = false
    /// A comma, colon, semicolon, dash, bracket or quote separates it from the previous token.
    var clauseBreakBefore = false
    /// Part of an @handle or #hashtag.
    var afterSigil = false
    /// Inside a quotation ("…" or “…”).
    var inQuote = false
    /// Joined to the previous word by a hyphen with no space ("over-reacted"): the two may also be written as one.
    var hyphenBefore = false
    /// Capitals as typography rather than grammar: the opening words of a newspaper's sentence ("A GAMEKEEPER
    /// who…") or an all-capitals headline. Such a word is a name only when the article capitalises it elsewhere.
    var shouted = false
    /// For a number written with a multiplier ("$5.5bn"): 1 + its index in `Lexicon.multiplierNames`; 0 for none.
    var multiplier: UInt8 = 0
    /// Where the value's UTF-8 lies in the list's byte buffer.
    var valueStart: Int32 = 0
    var valueCount: Int32 = 0
    /// Stable hash of the value for words, so caches and word lists skip hashing a String.
    var hash: UInt64 = 0

    init(kind: Kind) { self.kind = kind }
}

/// Tokens of several sentences scanned one after another, with their values' UTF-8 in one byte buffer: two
/// allocations per article instead of an array per sentence and a String per token.
struct TokenList {
    var tokens: [RawToken] = []
    var bytes: [UInt8] = []
    /// A quotation still open where the last scan ended: the next sentence of the paragraph starts inside it.
    var quoteOpen = false

    init() {}

    /// Room for the tokens of about `scalars` scalars of text, so scanning sentence by sentence does not regrow.
    init(expectedScalars scalars: Int) {
        tokens.reserveCapacity(scalars / 5 + 16)
        bytes.reserveCapacity(scalars + 16)
    }

    init(scanning text: String) {
        _ = scan(ScalarText.scalars(of: text)[...])
    }

    /// Appends the tokens of `slice` and returns their positions in `tokens`.
    @discardableResult
    mutating func scan(_ slice: ArraySlice<Unicode.Scalar>) -> Range<Int> {
        let first = tokens.count
        slice.withUnsafeBufferPointer { scan($0) }
        return first..<tokens.count
    }

    /// Runs `body` with a read-only view of the tokens in `range`.
    func withTokens<R>(_ range: Range<Int>, _ body: (Tokens) -> R) -> R {
        tokens.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                body(Tokens(tokens: UnsafeBufferPointer(rebasing: t[range]), bytes: b))
            }
        }
    }

    /// All tokens, for one-sentence callers.
    func withTokens<R>(_ body: (Tokens) -> R) -> R { withTokens(0..<tokens.count, body) }

    private mutating func scan(_ s: UnsafeBufferPointer<Unicode.Scalar>) {
        // Both arrays are worked on as locals (moved out and back, so they stay uniquely referenced): appends to
        // locals compile to plain stores, appends through `self` re-checked the buffer every time.
        var out = bytes
        var tokens = self.tokens
        bytes = []
        self.tokens = []
        var quoted = quoteOpen
        defer {
            bytes = out
            self.tokens = tokens
            quoteOpen = quoted
        }
        let n = s.count
        // Grow geometrically: reserving exactly "count + n" for every sentence reallocated (and copied) the whole
        // list each time.
        if tokens.capacity < tokens.count + n / 5 { tokens.reserveCapacity(max(tokens.capacity * 2, tokens.count + n / 5)) }
        if out.capacity < out.count + n { out.reserveCapacity(max(out.capacity * 2, out.count + n)) }
        var i = 0
        var breakPending = false
        var initialPending = true
        var hyphenPending = false
        var scratch: [Unicode.Scalar] = []
        while i < n {
            let c = s[i]
            if ScalarClass.isSpace(c) { i += 1; continue }
            // URLs state no fact; skip the whole whitespace-delimited chunk.
            if c == "h" || c == "w", Self.startsURL(s, i) {
                while i < n && !ScalarClass.isSpace(s[i]) { i += 1 }
                continue
            }
            if !ScalarClass.isWord(c) {
                switch c {
                case ",", ";", ":", "(", ")", "[", "]", "—", "–":
                    breakPending = true
                    if c == ":" { initialPending = true }
                case "\"", "“", "”", "«", "»":
                    breakPending = true
                    if c == "“" || c == "«" { quoted = true } else if c == "”" || c == "»" { quoted = false } else { quoted.toggle() }
                    if quoted && i + 1 < n && ScalarClass.isWord(s[i + 1]) { initialPending = true }
                case "‘", "’", "'":
                    if c != "'" && c != "’" || (i + 1 < n && !ScalarClass.isWord(s[i + 1])) || i == 0 || !ScalarClass.isWord(s[i - 1]) {
                        breakPending = true
                        if c == "‘" && i + 1 < n && ScalarClass.isWord(s[i + 1]) { initialPending = true }
                    }
                case "-":
                    if i + 1 < n && s[i + 1] == "-" { breakPending = true }
                    if i > 0 && ScalarClass.isSpace(s[i - 1]) { breakPending = true }
                    if i > 0, i + 1 < n, ScalarClass.isLetter(s[i - 1]), ScalarClass.isLetter(s[i + 1]) { hyphenPending = true }
                case ".", "!", "?":
                    // The splitter already decided where sentences end: a point inside one closes an
                    // abbreviation or an initial ("Mr. Singh"), so the next word is not sentence-initial.
                    breakPending = true
                default: break
                }
                i += 1
                continue
            }
            let sigil = i > 0 && (s[i - 1] == "@" || s[i - 1] == "#")
            let valueStart = out.count
            var token = RawToken(kind: .alpha)  // every path below sets it
            if ScalarClass.isDigit(c) || Self.vulgarFraction(c) != nil {
                // The digits (and decimal points) go straight into the buffer; thousands separators are dropped.
                var decimal = false
                while i < n {
                    if ScalarClass.isDigit(s[i]) { out.append(UInt8(truncatingIfNeeded: s[i].value)); i += 1; continue }
                    if (s[i] == "," || s[i] == "."), i + 1 < n, ScalarClass.isDigit(s[i + 1]) {
                        if s[i] == "." { out.append(46); decimal = true }
                        i += 1
                        continue
                    }
                    break
                }
                // "2½" is 2.5, as "two and a half" is.
                if !decimal, i < n, let fraction = Self.vulgarFraction(s[i]) {
                    if out.count == valueStart { out.append(48) }
                    out.append(contentsOf: fraction.utf8)
                    i += 1
                } else if !decimal {
                    Self.slashedFraction(s, &i, &out, valueStart: valueStart)
                }
                let suffixStart = i
                while i < n && ScalarClass.isWord(s[i]) { i += 1 }
                if suffixStart == i {
                    Self.normalizeNumber(&out, from: valueStart)
                    token = RawToken(kind: .number)
                } else {
                    let suffixText = ScalarText.folded(s[suffixStart..<i])
                    if Lexicon.ordinalSuffixes.contains(suffixText) {
                        Self.normalizeNumber(&out, from: valueStart)
                        token = RawToken(kind: .number)
                    } else if let m = Lexicon.multipliers[suffixText], let index = Lexicon.multiplierNames.firstIndex(of: m) {
                        Self.normalizeNumber(&out, from: valueStart)
                        token = RawToken(kind: .number)
                        token.multiplier = UInt8(index + 1)
                    } else {
                        // A code keeps its digits as written ("737MAX" → "737max").
                        out.append(contentsOf: suffixText.utf8)
                        Self.dropPluralS(&out, from: valueStart)
                        token = RawToken(kind: .code)
                    }
                }
            } else {
                // Dotted acronyms fold as in the query language: "U.S." → "US".
                var acronym = false
                if ScalarClass.isLetter(c) && (i == 0 || !ScalarClass.isRegexWord(s[i - 1])) {
                    var j = i, pairs = 0
                    while j + 1 < n && ScalarClass.isLetter(s[j]) && s[j + 1] == "." { pairs += 1; j += 2 }
                    if pairs >= 2 {
                        scratch.removeAll(keepingCapacity: true)
                        var k = i
                        while k < j { scratch.append(s[k]); k += 2 }
                        i = j
                        acronym = true
                    }
                }
                // Fast path, most words: ASCII letters only, lowered, hashed and classified in one pass.
                var plain = !acronym
                if plain {
                    var k = i, uppers = 0, lowers = 0
                    var h = StableHash.offset
                    while k < n {
                        let v = s[k].value
                        if v >= 0x61 && v <= 0x7A {
                            lowers += 1
                        } else if v >= 0x41 && v <= 0x5A {
                            uppers += 1
                        } else {
                            // A digit or a letter beyond ASCII continues the word: the general path takes it.
                            if v >= 0x80 ? ScalarClass.isWord(s[k]) : (v >= 0x30 && v <= 0x39) { plain = false }
                            break
                        }
                        let lower = UInt8(truncatingIfNeeded: v) | 0x20
                        out.append(lower)
                        h = (h ^ UInt64(lower)) &* StableHash.prime
                        k += 1
                    }
                    if plain {
                        token = RawToken(kind: .alpha)
                        token.hash = h
                        token.startsUpper = s[i].value >= 0x41 && s[i].value <= 0x5A
                        token.allUpper = uppers + lowers >= 2 && lowers == 0 && uppers > 0
                        i = k
                    } else {
                        out.removeLast(out.count - valueStart)
                    }
                }
                if !plain {
                    let start = i
                    var hasDigit = false
                    while i < n && ScalarClass.isWord(s[i]) {
                        if ScalarClass.isNumber(s[i]) { hasDigit = true }
                        i += 1
                    }
                    if acronym {
                        scratch.append(contentsOf: s[start..<i])
                        token = scratch.withUnsafeBufferPointer { Self.word(&out, valueStart: valueStart, $0[...], hasDigit: hasDigit) }
                    } else {
                        token = Self.word(&out, valueStart: valueStart, s[start..<i], hasDigit: hasDigit)
                    }
                }
            }
            token.valueStart = Int32(valueStart)
            token.valueCount = Int32(out.count - valueStart)
            token.afterSigil = sigil
            token.inQuote = quoted
            token.hyphenBefore = hyphenPending && !breakPending
            hyphenPending = false
            token.clauseBreakBefore = breakPending
            token.initial = initialPending
            breakPending = false
            initialPending = false
            tokens.append(token)
        }
    }

    /// A run of letters (and digits: a code such as "H20") written into the buffer folded.
    private static func word(_ out: inout [UInt8], valueStart: Int, _ w: Slice<UnsafeBufferPointer<Unicode.Scalar>>, hasDigit: Bool) -> RawToken {
        if hasDigit {
            appendFolded(&out, w)
            Self.dropPluralS(&out, from: valueStart)
            return RawToken(kind: .code)
        }
        var token = RawToken(kind: .alpha)
        var letters = 0, uppers = 0, lowers = 0
        if ScalarText.isASCII(w) {
            var h = StableHash.offset
            for c in w {
                let v = UInt8(truncatingIfNeeded: c.value)
                let lower = (v >= 0x41 && v <= 0x5A) ? v + 32 : v
                out.append(lower)
                h = (h ^ UInt64(lower)) &* StableHash.prime
                if v >= 0x41 && v <= 0x5A { uppers += 1; letters += 1 } else if v >= 0x61 { lowers += 1; letters += 1 }
            }
            token.hash = h
        } else {
            let folded = ScalarText.string(w).foldedForMatching
            out.append(contentsOf: folded.utf8)
            token.hash = StableHash.hash(folded.utf8)
            for u in w where ScalarClass.isLetter(u) {
                letters += 1
                if ScalarClass.isUpper(u) { uppers += 1 } else if ScalarClass.isLower(u) { lowers += 1 }
            }
        }
        token.startsUpper = w.first.map(ScalarClass.isUpper) ?? false
        token.allUpper = letters >= 2 && lowers == 0 && uppers > 0
        return token
    }

    private static func appendFolded(_ out: inout [UInt8], _ w: Slice<UnsafeBufferPointer<Unicode.Scalar>>) {
        if ScalarText.isASCII(w) {
            for c in w {
                let v = UInt8(truncatingIfNeeded: c.value)
                out.append((v >= 0x41 && v <= 0x5A) ? v + 32 : v)
            }
        } else {
            out.append(contentsOf: ScalarText.string(w).foldedForMatching.utf8)
        }
    }

    /// "737s" → "737": a plural of a code is the code. The rule reads characters, so anything beyond ASCII goes
    /// through String.
    private static func dropPluralS(_ out: inout [UInt8], from start: Int) {
        let count = out.count - start
        guard count > 0, out[out.count - 1] == 115 else { return }
        var ascii = true
        for k in start..<out.count where out[k] >= 0x80 { ascii = false; break }
        if ascii {
            if count > 2, out[out.count - 2] >= 48, out[out.count - 2] <= 57 { out.removeLast() }
            return
        }
        var code = String(decoding: out[start...], as: UTF8.self)
        if code.hasSuffix("s"), code.count > 2, code.dropLast().last.map({ $0.isNumber }) == true {
            code.removeLast()
            out.removeSubrange(start...)
            out.append(contentsOf: code.utf8)
        }
    }

    /// "07" → "7", "4.50" → "4.5", "4.00" → "4": one number, one key. Rewrites the digits from `start` in place.
    private static func normalizeNumber(_ out: inout [UInt8], from start: Int) {
        let end = out.count
        var dot = end
        for k in start..<end where out[k] == 46 { dot = k; break }
        var integerStart = start
        while dot - integerStart > 1 && out[integerStart] == 48 { integerStart += 1 }
        var fractionEnd = end
        let fractionStart = min(dot + 1, end)
        while fractionEnd > fractionStart && out[fractionEnd - 1] == 48 { fractionEnd -= 1 }
        var w = start
        for k in integerStart..<dot { out[w] = out[k]; w += 1 }
        if fractionEnd > fractionStart {
            out[w] = 46
            w += 1
            for k in fractionStart..<fractionEnd { out[w] = out[k]; w += 1 }
        }
        out.removeLast(end - w)
    }

    /// A fraction written with a slash, after the whole number's digits were read into `out` and `i` stands after
    /// them: "3 1/2" is 3.5, "1/2" is 0.5, and "31/2" — a "3½" whose fraction sign became "1/2" in plain text or OCR
    /// — is 3.5 too (the last digit before the slash is the numerator). Halves and quarters only, a one-digit
    /// denominator not followed by another digit or slash: "24/7", "9/11" and "11/2/2019" stay as they are.
    static func slashedFraction(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ i: inout Int, _ out: inout [UInt8], valueStart: Int) {
        let n = s.count
        func fraction(at k: Int) -> (String, end: Int)? {
            // numerator digit at k, "/" at k+1, denominator at k+2, then no digit, slash or letter.
            guard k + 2 < n, ScalarClass.isDigit(s[k]), s[k + 1] == "/", ScalarClass.isDigit(s[k + 2]) else { return nil }
            if k + 3 < n, ScalarClass.isWord(s[k + 3]) || s[k + 3] == "/" { return nil }
            if k > 0, s[k - 1] == "/" { return nil }
            switch (s[k].value - 48, s[k + 2].value - 48) {
            case (1, 2): return (".5", k + 3)
            case (1, 4): return (".25", k + 3)
            case (3, 4): return (".75", k + 3)
            default: return nil
            }
        }
        let digits = out.count - valueStart
        guard digits >= 1 else { return }
        if i < n, s[i] == "/" {
            // The numerator was read as (the end of) the number: "1/2" or the run-together "31/2".
            guard let (decimals, end) = fraction(at: i - 1) else { return }
            if i - 2 >= 0, s[i - 2] == "/" { return }
            out.removeLast()
            if out.count == valueStart { out.append(48) }
            out.append(contentsOf: decimals.utf8)
            i = end
        } else if i + 1 < n, s[i] == " ", let (decimals, end) = fraction(at: i + 1) {
            // "3 1/2": a whole number, one space, a fraction.
            out.append(contentsOf: decimals.utf8)
            i = end
        }
    }

    /// The decimals of a vulgar fraction character ("½" → ".5").
    static func vulgarFraction(_ c: Unicode.Scalar) -> String? {
        guard c.value >= 0xBC else { return nil }
        switch c {
        case "½": return ".5"
        case "¼": return ".25"
        case "¾": return ".75"
        case "⅓": return ".33"
        case "⅔": return ".67"
        case "⅕": return ".2"
        case "⅛": return ".125"
        case "⅜": return ".375"
        case "⅝": return ".625"
        case "⅞": return ".875"
        default: return nil
        }
    }

    /// Marks typographic capitals in `range`: in a headline, every all-capitals word when most of its words are
    /// (at least three); in a sentence, the run of all-capitals words it opens with ("A GAMEKEEPER who…",
    /// "BRITISH Airways was…"), single capitals ("A") included in the run.
    mutating func markShouting(_ range: Range<Int>, headline: Bool) {
        if headline {
            var upper = 0, words = 0
            for k in range where tokens[k].kind == .alpha && tokens[k].valueCount >= 2 {
                words += 1
                if tokens[k].allUpper { upper += 1 }
            }
            guard upper >= 3, upper * 5 >= words * 3 else { return }
            for k in range where tokens[k].allUpper && !looksLikeAcronym(k) { tokens[k].shouted = true }
            return
        }
        var k = range.lowerBound
        while k < range.upperBound, tokens[k].kind == .alpha, tokens[k].allUpper || (tokens[k].valueCount == 1 && tokens[k].startsUpper) {
            if tokens[k].allUpper && !looksLikeAcronym(k) { tokens[k].shouted = true }
            k += 1
        }
    }

    /// Up to four letters and no vowel ("WPC", "BBC", "CPS"): initials, not a shouted word ("MAN", "COST").
    private func looksLikeAcronym(_ k: Int) -> Bool {
        let t = tokens[k]
        guard t.valueCount <= 4 else { return false }
        for j in Int(t.valueStart)..<Int(t.valueStart + t.valueCount) {
            switch bytes[j] {
            case 97, 101, 105, 111, 117: return false
            default: continue
            }
        }
        return true
    }

    private static func startsURL(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ i: Int) -> Bool {
        func has(_ p: StaticString) -> Bool {
            var k = i
            for b in UnsafeBufferPointer(start: p.utf8Start, count: p.utf8CodeUnitCount) {
                guard k < s.count, s[k].value == UInt32(b) else { return false }
                k += 1
            }
            return true
        }
        guard i == 0 || ScalarClass.isSpace(s[i - 1]) || s[i - 1] == "(" else { return false }
        return has("http://") || has("https://") || has("www.")
    }
}

/// A read-only view of some tokens of a `TokenList` and their values, valid inside `TokenList.withTokens`.
struct Tokens {
    let tokens: UnsafeBufferPointer<RawToken>
    let bytes: UnsafeBufferPointer<UInt8>

    var count: Int { tokens.count }
    var isEmpty: Bool { tokens.isEmpty }
    var indices: Range<Int> { 0..<tokens.count }

    @inline(__always)
    subscript(i: Int) -> RawToken { tokens[i] }

    /// The value's UTF-8.
    @inline(__always)
    func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let t = tokens[i]
        return UnsafeBufferPointer(rebasing: bytes[Int(t.valueStart)..<Int(t.valueStart + t.valueCount)])
    }

    /// The value as a String (for words: folded lower case).
    func string(_ i: Int) -> String { String(decoding: value(i), as: UTF8.self) }

    /// Whether token `i`'s value is exactly `word` (ASCII).
    @inline(__always)
    func valueIs(_ i: Int, _ word: StaticString) -> Bool {
        let v = value(i)
        guard v.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<v.count where v[k] != w[k] { return false }
        return true
    }
}
