import Support

/// Grammar marks of a claim that the bag of a sentence's units cannot see (session 14a).
///
/// A sentence that restates a known story in other words mostly swaps single words between known ones; the new
/// claims that slip past the word counts are the ones grammar carries with few new words:
/// - **negation**: "…admits no liability", "he did not resign" — every content word may be known, what is new is
///   that it is denied. The negated word (the first content unit after `not`, `no`, `never`, `n't`, `nor`,
///   `neither` in the same clause) is keyed under its own seed, so "did not resign" is known only after some
///   article said "not resign" (or "never resigned", "didn't resign") of the event.
/// - **a new predicate after an auxiliary or copula**: "he was arrested after…", "she remained…", "had been
///   sexually tortured" — the first content word after `is`/`was`/`were`/`been`/`has`/`had`… (a manner adverb in
///   -ly skipped) says what happened to the subject; when the event never stated that word, the sentence claims
///   something new about known people.
/// Both are only marks; `Novelty.judge` decides (knobs `CoverageOptions.negationIsNews`, `newPredicateIsNews`).
struct ClaimMarks {
    /// Seed of a negated unit's key: the unit's key folded into it, so it never equals a unit's own key.
    static let negationSeed = StableHash.hash("negated:")
    /// Hashes of the lower-cased negators (`t` is the tail of `didn't`, which the tokenizer splits off).
    static let negators: Set<UInt64> = Set(["not", "no", "never", "t", "nor", "neither"].map { StableHash.hash($0) })
    /// Hashes of the auxiliaries and copulas after which a content word is the predicate.
    static let auxiliaries: Set<UInt64> = Set(["is", "are", "was", "were", "be", "been", "being", "am", "has", "have",
                                               "had"].map { StableHash.hash($0) })

    private var negationPending = false
    private var auxiliaryPending = false

    /// A clause break ends whatever a negator or auxiliary before it was waiting for.
    mutating func clauseBreak() {
        negationPending = false
        auxiliaryPending = false
    }

    /// A stop word: a negator or an auxiliary starts waiting for the content word it governs; other function
    /// words ("was *then* arrested", "was *not* charged") leave the wait as it is.
    mutating func stopword(hash: UInt64) {
        if Self.negators.contains(hash) { negationPending = true }
        if Self.auxiliaries.contains(hash) { auxiliaryPending = true }
    }

    /// A content unit of the sentence, in order. `adverb`: a word in -ly, which an auxiliary's wait skips.
    mutating func content(_ unit: FactUnit, adverb: Bool, into result: inout SentenceUnits) {
        if negationPending {
            negationPending = false
            let key = Self.negated(unit.key)
            result.negations.append(key)
            // Learnt with the sentence (a learn-only alias), so a rewrite of the same denial is not news again.
            result.aliases.append(unit: 0, key: key)
        }
        if auxiliaryPending && !(adverb && unit.kind == .word) {
            auxiliaryPending = false
            if unit.kind == .word { result.predicates.append(unit.key) }
        }
    }

    static func negated(_ key: UInt64) -> UInt64 {
        var h = negationSeed
        for shift in stride(from: 0, to: 64, by: 8) { h = StableHash.step(h, UInt8(truncatingIfNeeded: key >> UInt64(shift))) }
        return h
    }
}
