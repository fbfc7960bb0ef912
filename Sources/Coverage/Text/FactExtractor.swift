import Support

/// Turns an article into sentences and fact units: names, numbers, dates, codes and content words.
public enum FactExtractor {
    public static func analyze(title: String, text: String) -> AnalyzedArticle {
        var cache = UnitCache()
        return analyze(title: title, text: text, cache: &cache)
    }

    static func analyze(title: String, text: String, cache: inout UnitCache) -> AnalyzedArticle {
        analyze(title: ScalarText.scalars(of: title), text: ScalarText.scalars(of: text), cache: &cache)
    }

    static func analyze(title: [Unicode.Scalar], text scalars: [Unicode.Scalar], cache: inout UnitCache) -> AnalyzedArticle {
        let split = SentenceSplitter.ranges(scalars)
        var prepared: [(text: String, line: Int, tokens: Range<Int>)] = []
        prepared.reserveCapacity(split.count)
        var list = TokenList(expectedScalars: scalars.count + title.count)
        for sentence in split {
            var slice = scalars[sentence.range]
            if sentence.indexInLine == 0 { slice = Boilerplate.stripDateline(slice) }
            // A quotation may run over several sentences of a paragraph ("…said: "We were told nothing. Nobody
            // came."): the later ones are inside it although they carry no quotation mark. A new paragraph starts
            // outside (one that continues a quote opens with a mark again).
            if sentence.indexInLine == 0 { list.quoteOpen = false }
            let range = list.scan(slice)
            list.markShouting(range, headline: false)
            prepared.append((ScalarText.string(slice), sentence.line, range))
        }
        list.quoteOpen = false
        let titleRange = list.scan(title[...])
        list.markShouting(titleRange, headline: true)
        var capitalizedMidSentence = UInt64Set(minimumCapacity: 64)
        for k in 0..<titleRange.lowerBound where list.tokens[k].kind == .alpha && list.tokens[k].startsUpper && !list.tokens[k].initial
            && !list.tokens[k].shouted {
            capitalizedMidSentence.insert(list.tokens[k].hash)
        }
        let posts = embeddedPosts(prepared.map { ($0.text, $0.line) })
        var sentences: [AnalyzedSentence] = []
        sentences.reserveCapacity(prepared.count)
        // The cache's scratch, reused from article to article: a new one per article regrew every buffer in it
        // from empty for the first sentences of each.
        var scratch = cache.scratch
        cache.scratch = ExtractionScratch()
        defer { cache.scratch = scratch.retainable ? scratch : ExtractionScratch() }
        for (i, p) in prepared.enumerated() {
            let (isFact, found) = list.withTokens(p.tokens) { tokens -> (Bool, SentenceUnits) in
                let isFact = Boilerplate.statesFact(p.text, tokens: tokens)
                return (isFact, isFact ? Self.units(tokens, capitalizedMidSentence: capitalizedMidSentence, dropAttribution: true,
                                                    cache: &cache, scratch: &scratch) : SentenceUnits())
            }
            sentences.append(AnalyzedSentence(text: p.text, isFact: isFact && !found.units.isEmpty, units: found.units,
                                              grams: found.grams, quotes: found.quotes, shortQuotes: found.shortQuotes, clauses: found.clauses, aliases: found.aliases,
                                              isEmbeddedPost: posts[i], line: p.line))
        }
        let titleUnits = list.withTokens(titleRange) {
            Self.units($0, capitalizedMidSentence: capitalizedMidSentence, dropAttribution: false, headline: true, cache: &cache,
                       scratch: &scratch).units
        }
        return AnalyzedArticle(sentences: sentences, titleUnits: titleUnits, title: ScalarText.string(title[...]))
    }

    /// Units of a single sentence, as `analyze` would find them (names recognised from mid-sentence capitals).
    public static func units(of sentence: String) -> [LabeledFactUnit] {
        var list = TokenList(scanning: sentence)
        list.markShouting(0..<list.tokens.count, headline: false)
        var caps = UInt64Set()
        for t in list.tokens where t.kind == .alpha && t.startsUpper && !t.initial && !t.shouted { caps.insert(t.hash) }
        var cache = UnitCache()
        cache.labels = [:]
        var scratch = ExtractionScratch()
        let found = list.withTokens {
            Self.units($0, capitalizedMidSentence: caps, dropAttribution: true, cache: &cache, scratch: &scratch).units
        }
        return found.map { LabeledFactUnit(key: $0.key, kind: $0.kind, label: cache.labels?[$0.key] ?? "?") }
    }

    /// Embedded posts: the text before a signature line ("— Name (@handle) July 1, 2025"), a truncated
    /// continuation right after it ("…"), and any sentence addressing @handles.
    static func embeddedPosts(_ sentences: [(text: String, line: Int)]) -> [Bool] {
        var marks = [Bool](repeating: false, count: sentences.count)
        for (i, s) in sentences.enumerated() {
            // Scanning the bytes directly: the generic `utf8.contains` was a visible share of the profile.
            if s.text.utf8.withContiguousStorageIfAvailable({ $0.contains(64) }) ?? s.text.utf8.contains(64) {
                let scalars = ScalarText.scalars(of: s.text)
                for k in 0..<(scalars.count - 1) where scalars[k] == "@" && ScalarClass.isWord(scalars[k + 1]) { marks[i] = true; break }
            }
            guard let first = s.text.unicodeScalars.first, first == "—" || first == "–" || first == "-",
                  s.text.contains("(@") else { continue }
            let previousLine = i > 0 && sentences[i - 1].line == s.line ? s.line : s.line - 1
            var k = i - 1
            while k >= 0 && sentences[k].line == previousLine { marks[k] = true; k -= 1 }
            if i + 1 < sentences.count, sentences[i + 1].text.hasSuffix("…") || sentences[i + 1].text.hasSuffix("...") {
                marks[i + 1] = true
            }
        }
        return marks
    }

    static let reportingVerbs: Set<String> = [
        "said", "says", "say", "added", "adds", "stated", "states", "noted", "notes", "told", "reported", "reports",
        "wrote", "writes", "posted", "tweeted", "according", "quoted", "cited", "explained", "observed", "remarked",
        "announced", "confirmed", "claimed", "insisted", "argued", "warned", "informed", "disclosed", "showed", "shows",
    ]

    /// Stable hashes of `reportingVerbs` (what `RawToken.hash` holds for words): most tokens are rejected by an
    /// integer look-up instead of hashing their String.
    static let reportingVerbHashes = UInt64Set(reportingVerbs.map { StableHash.hash($0) })
    static let accordingHash = StableHash.hash("according"), toHash = StableHash.hash("to")
    static let asHash = StableHash.hash("as"), perHash = StableHash.hash("per")

    /// Reads single fields of `tokens[k]`: passing or binding a whole token copies it and its Strings.
    @inline(__always)
    static func isReportingVerb(_ tokens: Tokens, _ k: Int) -> Bool {
        tokens[k].kind == .alpha && reportingVerbHashes.contains(tokens[k].hash) && reportingVerbs.contains(tokens.string(k))
    }

    /// Tokens that only say who said something: a short clause built around a reporting verb ("…, the ministry
    /// said in a release."), and "according to X" / "as per X" up to the next clause break.
    static func attributionMask(_ tokens: Tokens) -> [Bool] {
        var mask: [Bool] = []
        attributionMask(tokens, into: &mask)
        return mask
    }

    static func attributionMask(_ tokens: Tokens, into mask: inout [Bool]) {
        mask.removeAll(keepingCapacity: true)
        mask.append(contentsOf: repeatElement(false, count: tokens.count))
        guard tokens.count >= 4 else { return }
        var clauseStart = 0
        for i in 1...tokens.count {
            guard i == tokens.count || tokens[i].clauseBreakBefore else { continue }
            let clause = clauseStart..<i
            // Only a clause that does not open the sentence: an opening clause is usually the fact itself.
            // Index loops read single fields; `contains(where:)` copied whole tokens (and their Strings).
            if clauseStart > 0, clause.count <= 9 {
                var hasVerb = false, hasQuote = false
                for k in clause {
                    if tokens[k].inQuote { hasQuote = true; break }
                    if !hasVerb && isReportingVerb(tokens, k) { hasVerb = true }
                }
                if hasVerb && !hasQuote { for k in clause { mask[k] = true } }
            }
            clauseStart = i
        }
        var i = 0
        while i + 1 < tokens.count {
            // Hashes first: comparing two Strings per token pair showed in the profile.
            let a = tokens[i].hash, b = tokens[i + 1].hash
            if (a == accordingHash && b == toHash && tokens.valueIs(i, "according") && tokens.valueIs(i + 1, "to"))
                || (a == asHash && b == perHash && tokens.valueIs(i, "as") && tokens.valueIs(i + 1, "per")) {
                var j = i
                repeat { mask[j] = true; j += 1 } while j < tokens.count && !tokens[j].clauseBreakBefore
                i = j
            } else {
                i += 1
            }
        }
    }

    /// "American", "Indian", "Chinese", "British": adjectives of nationality name no new party.
    static func isDemonym(_ w: String) -> Bool {
        w.count > 4 && (w.hasSuffix("ian") || w.hasSuffix("ean") || w.hasSuffix("ese") || w.hasSuffix("ican") || w.hasSuffix("ish"))
    }

    static func units(_ tokens: Tokens, capitalizedMidSentence: UInt64Set, dropAttribution: Bool, headline: Bool = false,
                      cache: inout UnitCache, scratch: inout ExtractionScratch) -> SentenceUnits {
        var mask = scratch.mask
        var consumed = scratch.consumed
        var seen = scratch.seen
        var sequence = scratch.sequence
        var clause = scratch.clause
        var aliases = scratch.aliases
        var initials = scratch.initials
        scratch = ExtractionScratch()  // empty: allocates nothing
        // Handed back when done, so the next sentence reuses the storage (the swap keeps each array unique).
        defer {
            scratch.mask = mask
            scratch.consumed = consumed
            scratch.seen = seen
            scratch.sequence = sequence
            scratch.clause = clause
            scratch.aliases = aliases
            scratch.initials = initials
        }
        aliases.removeAll(keepingCapacity: true)
        initials.removeAll(keepingCapacity: true)
        if dropAttribution {
            attributionMask(tokens, into: &mask)
        } else {
            mask.removeAll(keepingCapacity: true)
            mask.append(contentsOf: repeatElement(false, count: tokens.count))
        }
        consumed.removeAll(keepingCapacity: true)
        consumed.append(contentsOf: repeatElement(false, count: tokens.count))
        seen.removeAll()
        sequence.removeAll(keepingCapacity: true)
        clause.removeAll(keepingCapacity: true)
        var result = SentenceUnits()
        result.units.reserveCapacity(tokens.count)
        func add(_ unit: FactUnit, _ token: RawToken) {
            sequence.append((unit.key, token.inQuote, token.valueStart, token.valueCount))
            if !clause.contains(unit.key) { clause.append(unit.key) }
            if seen.insert(unit.key) { result.units.append(unit) }
        }
        var lastMonth: (month: String, index: Int)?
        func monthAt(_ i: Int) -> String? {
            guard i >= 0, i < tokens.count, !consumed[i], tokens[i].kind == .alpha, tokens[i].startsUpper else { return nil }
            return Lexicon.months[tokens.string(i)]
        }
        /// A number written in more than one token: "two and a half" / "2 and a half" (2.5, as "2½" is), "4 million"
        /// (4000000, as "£4m" is). The value and the last token used.
        func compoundNumber(_ value: String, at i: Int) -> (String, Int)? {
            // The byte search, not `String.contains(_: String)`: with Foundation imported that is `NSString.range(of:)`
            // through CoreFoundation, 2 % of a replay for this one check (the values are ASCII digit strings).
            guard i + 1 < tokens.count, !tokens[i + 1].clauseBreakBefore, !value.utf8.contains(UInt8(ascii: ".")) else { return nil }
            if tokens[i + 1].kind == .alpha, Self.multiplierWordHashes.contains(tokens[i + 1].hash),
               let m = Lexicon.multipliers[tokens.string(i + 1)], let index = Lexicon.multiplierNames.firstIndex(of: m) {
                consumed[i + 1] = true
                if let word = Lexicon.numberWords[m] { add(cache.make(.numberWord, word), tokens[i + 1]) }
                return (Self.scaled(value, by: Lexicon.multiplierFactors[index]), i + 1)
            }
            if i + 3 < tokens.count, tokens.valueIs(i + 1, "and"), tokens.valueIs(i + 2, "a"), !tokens[i + 3].clauseBreakBefore {
                let fraction: String? = tokens.valueIs(i + 3, "half") ? ".5" : tokens.valueIs(i + 3, "quarter") ? ".25" : nil
                if let fraction {
                    for k in (i + 1)...(i + 3) { consumed[k] = true }
                    return (value + fraction, i + 3)
                }
            }
            return nil
        }
        /// A length of time ("three months", "a two-year inquiry") is a fact of its own: a sentence saying "jailed
        /// for three months" says something new even when "three" was stated of something else. Ages
        /// ("74-year-old") are not durations.
        /// Initials of every run of three or four words with no break between them ("woman police constable" →
        /// "wpc", "Crown Prosecution Service" → "cps"), as name keys: an acronym of a title the event spelled out
        /// is not a new name. Learnt only (unit 0), never a unit of the sentence; not for headlines.
        func flushInitials() {
            if !headline {
                for length in 3...4 where initials.count >= length {
                    for start in 0...(initials.count - length) {
                        aliases.append(unit: 0, key: StableHash.hash(initials[start..<start + length], seed: FactUnitKind.name.seed))
                    }
                }
            }
            initials.removeAll(keepingCapacity: true)
        }
        func addDuration(_ value: String, after end: Int, _ t: RawToken) {
            guard Self.isDurationUnit(tokens, end + 1) else { return }
            if end + 2 < tokens.count, tokens.valueIs(end + 2, "old") { return }
            let unit = WordForms.key(tokens.string(end + 1))
            add(cache.make(.number, value + " " + unit), t)
        }
        // Who said it is no fact of the sentence, but the event has stated it: the names and words of an
        // attribution are learnt (unit 0, as `Aliases` learns initials), so "…, Luton Crown Court heard" after
        // "…, told the jury at Luton Crown Court" names nothing new.
        if dropAttribution {
            for i in tokens.indices where mask[i] && tokens[i].kind == .alpha && tokens[i].valueCount >= 2 {
                let info = cache.info(tokens.value(i), hash: tokens[i].hash)
                if info.isStopword { continue }
                aliases.append(unit: 0, key: info.word.key)
                if tokens[i].startsUpper { aliases.append(unit: 0, key: info.name.key) }
            }
        }
        for i in tokens.indices where !mask[i] && !consumed[i] && !tokens[i].afterSigil {
            let t = tokens[i]
            if t.clauseBreakBefore && !clause.isEmpty {
                result.clauses.append(clause)
                clause.removeAll(keepingCapacity: true)
            }
            if t.clauseBreakBefore || t.kind != .alpha || t.valueCount < 2 { flushInitials() }
            switch t.kind {
            case .number:
                if let day = Self.dayNumber(tokens.value(i)) {
                    if let m = monthAt(i - 1), !mask[i - 1] {
                        consumed[i - 1] = true
                        lastMonth = (m, i)
                        add(cache.make(.date, "\(m)-\(day)"), t)
                        continue
                    }
                    if let m = monthAt(i + 1) {
                        consumed[i + 1] = true
                        lastMonth = (m, i)
                        add(cache.make(.date, "\(m)-\(day)"), t)
                        continue
                    }
                    // The end of a range: "September 1 to 14", "May 5-6".
                    if let last = lastMonth, i - last.index <= 2 {
                        lastMonth = (last.month, i)
                        add(cache.make(.date, "\(last.month)-\(day)"), t)
                        continue
                    }
                }
                if t.multiplier > 0 {
                    // "£4m", "£4million", "4 million" and "4,000,000" are one amount.
                    let index = Int(t.multiplier) - 1
                    let amount = Self.scaled(tokens.string(i), by: Lexicon.multiplierFactors[index])
                    add(cache.make(.number, amount), t)
                    if let value = Lexicon.numberWords[Lexicon.multiplierNames[index]] { add(cache.make(.numberWord, value), t) }
                    addDuration(amount, after: i, t)
                } else if let (value, end) = compoundNumber(tokens.string(i), at: i) {
                    add(cache.make(.number, value), t)
                    addDuration(value, after: end, t)
                } else {
                    add(cache.make(.number, tokens.value(i)), t)
                    if Self.isDurationUnit(tokens, i + 1) { addDuration(tokens.string(i), after: i, t) }
                }
            case .code:
                add(cache.make(.code, tokens.value(i)), t)
            case .alpha:
                if t.valueCount < 2 { continue }
                let info = cache.info(tokens.value(i), hash: t.hash)
                if info.isStopword {
                    flushInitials()
                    continue
                }
                initials.append(tokens.bytes[Int(t.valueStart)])
                if let special = info.special {
                    // "May" opening a sentence is more likely the month than the verb; either way a date word.
                    if !info.specialIsMonth || t.startsUpper {
                        if special.kind == .numberWord, i + 1 < tokens.count, let value = Lexicon.numberWords[tokens.string(i)],
                           !value.utf8.contains(UInt8(ascii: "e")) {
                            // "two and a half", "four million", "three months": the same keys as the digits.
                            if let (combined, end) = compoundNumber(value, at: i) {
                                add(cache.make(.number, combined), t)
                                addDuration(combined, after: end, t)
                                continue
                            }
                            if Self.isDurationUnit(tokens, i + 1) { addDuration(value, after: i, t) }
                        }
                        add(special, t)
                        continue
                    }
                }
                var nameLike: Bool
                if t.allUpper && !t.shouted {
                    // Two capitals right after a name ("Top Gear TV", "Labour MP", "BBC TV") say what kind of thing
                    // the name is, as a role word does, not who: an ordinary word, news only with other new words.
                    // Standing alone ("the EC decision", "BA said") they name a party.
                    nameLike = !info.isTitleWord
                    if t.valueCount == 2, i > 0, !t.clauseBreakBefore, !t.hyphenBefore, tokens[i - 1].kind == .alpha,
                       tokens[i - 1].startsUpper, tokens[i - 1].valueCount >= 2,
                       !cache.info(tokens.value(i - 1), hash: tokens[i - 1].hash).isStopword {
                        nameLike = false
                    }
                } else if t.startsUpper && !info.isTitleWord {
                    if headline || t.initial || t.shouted {
                        // A capital that grammar demands says nothing, unless the word is capitalised elsewhere
                        // or a name follows at once ("Lisa Cook will…"). Not for a shouted word: a newspaper shouts
                        // the adjective before a name ("FURIOUS Jane Doe…"), and a shouted first name of a person
                        // named elsewhere in the text is capitalised there.
                        nameLike = capitalizedMidSentence.contains(t.hash)
                        if !nameLike && !headline && !t.shouted && i + 1 < tokens.count {
                            let next = tokens[i + 1]
                            if next.kind == .alpha && next.startsUpper && !next.shouted && !next.clauseBreakBefore && next.valueCount > 1 {
                                let nextInfo = cache.info(tokens.value(i + 1), hash: next.hash)
                                nameLike = !nextInfo.isTitleWord && !nextInfo.isStopword
                            }
                        }
                    } else {
                        nameLike = true
                    }
                    // A demonym's ending is also a first name's or a surname's ("Adrian", "Cavendish"): right before
                    // another name ("Adrian Littlebury") it is read as a name; before a role or a thing ("Indian Army",
                    // "British officials") it stays an adjective.
                    if nameLike && info.isDemonym && !Self.nameFollows(tokens, i, cache: &cache) { nameLike = false }
                } else {
                    nameLike = false
                }
                if nameLike {
                    add(info.name, t)
                    aliases.append(unit: info.name.key, key: info.word.key)
                    // A peer's territorial designation ("Lord Cavendish of Furness", "Baroness Doe of Kesteven") is
                    // part of the peer's style: it answers to the name it follows, so once the event knows the peer
                    // it is no new name.
                    if i >= 3, tokens.valueIs(i - 1, "of"), !t.clauseBreakBefore, !tokens[i - 1].clauseBreakBefore,
                       tokens[i - 2].kind == .alpha, tokens[i - 2].startsUpper, !tokens[i - 2].clauseBreakBefore,
                       tokens[i - 3].kind == .alpha, tokens[i - 3].startsUpper,
                       Self.peerStyleHashes.contains(tokens[i - 3].hash), Self.peerStyles.contains(tokens.string(i - 3)) {
                        // Either key: a peer's name may have been read as an ordinary word ("Cavendish" ends as a
                        // demonym does).
                        let peer = cache.info(tokens.value(i - 2), hash: tokens[i - 2].hash)
                        aliases.append(unit: info.name.key, key: peer.name.key)
                        aliases.append(unit: info.name.key, key: peer.word.key)
                    }
                    WordInfo.forEachSlipKey(tokens.value(i)) { aliases.append(unit: info.name.key, key: $0) }
                } else {
                    add(info.word, t)
                }
                // "over-reacted" is "overreacted": each part also answers to the compound as one word.
                if i + 1 < tokens.count, tokens[i + 1].hyphenBefore, tokens[i + 1].kind == .alpha {
                    let joined = cache.info(tokens.string(i) + tokens.string(i + 1), hash: StableHash.hash(tokens.value(i + 1), seed: t.hash)).word.key
                    aliases.append(unit: nameLike ? info.name.key : info.word.key, key: joined)
                    let nextInfo = cache.info(tokens.value(i + 1), hash: tokens[i + 1].hash)
                    aliases.append(unit: nextInfo.word.key, key: joined)
                    aliases.append(unit: nextInfo.name.key, key: joined)
                }
            }
        }
        flushInitials()
        if !clause.isEmpty { result.clauses.append(clause) }
        // Short quotations: runs of one to three quoted units.
        var runStart = -1
        for k in 0...sequence.count {
            let quoted = k < sequence.count && sequence[k].quoted
            if quoted && runStart < 0 { runStart = k }
            if !quoted && runStart >= 0 {
                if k - runStart <= 3 {
                    for j in runStart..<k {
                        // A slip of one letter in a known word is no new quotation ("safe heaven" for "safe
                        // haven"): every form of a quoted word with one letter left out answers for it, and a
                        // slip of a stop word says nothing.
                        let bytes = tokens.bytes[Int(sequence[j].start)..<Int(sequence[j].start + sequence[j].count)]
                        var slipOfStopword = false
                        if bytes.count >= 5, bytes.allSatisfy({ $0 >= 97 && $0 <= 122 }) {
                            for d in bytes.indices {
                                var variant = Array(bytes)
                                variant.remove(at: d - bytes.startIndex)
                                let text = String(decoding: variant, as: UTF8.self)
                                let info = cache.info(text, hash: StableHash.hash(text))
                                if info.isStopword { slipOfStopword = true }
                                aliases.append(unit: sequence[j].key, key: info.word.key)
                            }
                        }
                        if !slipOfStopword { result.shortQuotes.append(sequence[j].key) }
                    }
                }
                runStart = -1
            }
        }
        if sequence.count >= 3 {
            result.grams.reserveCapacity(sequence.count - 2)
            var quote = Quotation()
            for k in 0..<(sequence.count - 2) {
                let g = trigram(sequence[k].key, sequence[k + 1].key, sequence[k + 2].key)
                result.grams.append(g)
                if sequence[k].quoted && sequence[k + 1].quoted && sequence[k + 2].quoted {
                    if quote.grams.isEmpty { quote.keys.append(sequence[k].key); quote.keys.append(sequence[k + 1].key) }
                    quote.grams.append(g)
                    quote.keys.append(sequence[k + 2].key)
                } else if !quote.grams.isEmpty {
                    if quote.grams.count >= 2 { result.quotes.append(quote) }
                    quote = Quotation()
                }
            }
            if quote.grams.count >= 2 { result.quotes.append(quote) }
        }
        result.aliases = aliases.copiedToSize()
        return result
    }

    /// Whether a capitalised word that is neither a role nor a stop word follows token `i` with no break.
    static func nameFollows(_ tokens: Tokens, _ i: Int, cache: inout UnitCache) -> Bool {
        guard i + 1 < tokens.count else { return false }
        let next = tokens[i + 1]
        guard next.kind == .alpha, next.startsUpper, !next.shouted, !next.clauseBreakBefore, !next.hyphenBefore, next.valueCount > 1 else { return false }
        let info = cache.info(tokens.value(i + 1), hash: next.hash)
        return !info.isTitleWord && !info.isStopword && !info.isDemonym
    }

    /// Styles of peers, whose name may carry a territorial designation ("Lord X of Y").
    static let peerStyles: Set<String> = ["lord", "lady", "baron", "baroness", "viscount", "viscountess", "earl", "countess",
                                          "marquess", "marchioness"]
    static let peerStyleHashes = UInt64Set(peerStyles.map { StableHash.hash($0) })

    static let multiplierWordHashes = UInt64Set(["million", "billion", "thousand", "trillion", "bn", "mn", "crore", "lakh"].map { StableHash.hash($0) })
    static let durationUnits: Set<String> = ["second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
                                             "month", "months", "year", "years", "decade", "decades", "century", "centuries"]
    static let durationUnitHashes = UInt64Set(durationUnits.map { StableHash.hash($0) })

    @inline(__always)
    static func isDurationUnit(_ tokens: Tokens, _ k: Int) -> Bool {
        k < tokens.count && tokens[k].kind == .alpha && !tokens[k].clauseBreakBefore && durationUnitHashes.contains(tokens[k].hash)
            && durationUnits.contains(tokens.string(k))
    }

    /// `value` times `factor`, written as the tokenizer writes plain numbers ("5.5" × 1e9 → "5500000000").
    static func scaled(_ value: String, by factor: Double) -> String {
        guard let v = Double(value) else { return value }
        let product = (v * factor).rounded()
        guard product < 1e18 else { return value }
        return String(Int64(product))
    }

    /// A day of the month as a date would write it: one or two digits, 1 to 31 (the value is normalised, so
    /// "07" arrived as "7").
    static func dayNumber(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        guard value.count >= 1, value.count <= 2 else { return nil }
        var day = 0
        for b in value {
            guard b >= 48 && b <= 57 else { return nil }
            day = day * 10 + Int(b - 48)
        }
        return day >= 1 && day <= 31 ? day : nil
    }

    @inline(__always)
    static func trigram(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var h = a &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (b &+ 0x632B_E59B_D9B4_E019)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (c &+ 0x8CB9_2BA7_2F3D_8DD7)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}

