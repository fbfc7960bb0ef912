import Support

/// The predicate of a clause as grammar marks it: the first content word after an auxiliary or copula (`is`, `was`,
/// `were`, `been`, `has`, `had`, …; a manner adverb in -ly skipped: "had been sexually tortured"). It says what
/// happened to the subject or what is said of it ("was adjourned", "remained … was read out", "had gone off"), so
/// a predicate the event never stated, in a sentence of its own, is a new claim about known people
/// (`CoverageOptions.minimumNewWordRunWithNewPredicate`). Fed the sentence's tokens in order by the extractor.
struct PredicateMarks {
    /// Hashes of the lower-cased auxiliaries and copulas.
    static let auxiliaries: Set<UInt64> = Set(["is", "are", "was", "were", "be", "been", "being", "am", "has", "have",
                                               "had"].map { StableHash.hash($0) })

    private var pending = false

    /// A clause break ends the wait of an auxiliary before it.
    mutating func clauseBreak() { pending = false }

    /// A stop word: an auxiliary starts waiting for the word it governs; other function words ("was *then*
    /// arrested", "was *not* charged") leave the wait as it is.
    mutating func stopword(hash: UInt64) {
        if Self.auxiliaries.contains(hash) { pending = true }
    }

    /// A content unit of the sentence, in order; `adverb`: a word in -ly, which the wait skips. The predicate's
    /// key goes to `predicates` when it is an ordinary word (not a name, number or date).
    mutating func content(_ unit: FactUnit, adverb: Bool, into predicates: inout [UInt64]) {
        guard pending, !(adverb && unit.kind == .word) else { return }
        pending = false
        if unit.kind == .word { predicates.append(unit.key) }
    }
}
