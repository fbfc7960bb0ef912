import Support

/// One sentence of an article, with the fact units it states.
public struct AnalyzedSentence: Sendable {
    /// The sentence as reported in alerts: dateline removed, otherwise as written.
    public let text: String
    /// False for boilerplate that states no fact: bylines, photo credits, post signatures, agency tags.
    public let isFact: Bool
    /// Distinct units, attribution ("the ministry said in a release") excluded.
    public let units: [FactUnit]
    /// Hashes of consecutive unit triples: what the sentence says in order, for recognising restated quotes.
    let grams: [UInt64]
    /// Each quotation in the sentence with at least two word triples: its triples and its unit keys.
    let quotes: [Quotation]
    /// Unit keys of the short quotations in the sentence (one to three units: a word or phrase put in the
    /// speaker's mouth, "called the ferry “seaworthy”").
    let shortQuotes: [UInt64]
    /// Unit keys of each clause (split at commas, dashes, brackets, quotes), for facts tucked into long sentences.
    let clauses: Clauses
    /// Other spellings of the sentence's facts (see `Aliases`).
    let aliases: Aliases
    /// Text of an embedded social-media post, which mostly restates what the article reports around it.
    public let isEmbeddedPost: Bool
    public let line: Int
}

public struct AnalyzedArticle: Sendable {
    public let sentences: [AnalyzedSentence]
    /// Units of the headline: they help group articles into events but are never reported as facts.
    public let titleUnits: [FactUnit]
    public let title: String
    /// The title as `Boilerplate.normalizedForComparison` gives it, computed once per article rather than once
    /// per sentence and topic (it showed in the profile).
    let normalizedTitle: String

    init(sentences: [AnalyzedSentence], titleUnits: [FactUnit], title: String) {
        self.sentences = sentences
        self.titleUnits = titleUnits
        self.title = title
        self.normalizedTitle = Boilerplate.normalizedForComparison(title)
    }

    /// A sentence that only repeats the headline (reported neither as a fact nor as news).
    func isHeadline(_ sentence: String) -> Bool {
        let length = sentence.utf8.count
        let titleLength = title.utf8.count
        guard length <= titleLength * 2 + 8, length * 2 + 8 >= titleLength,
              Boilerplate.mayNormalizeTo(sentence, normalizedTitle) else { return false }
        return Boilerplate.normalizedForComparison(sentence) == normalizedTitle
    }

    /// The names an article is about: those its headline and its lead (the first two fact sentences) both give;
    /// with no name in the headline, those of its first fact sentence. With the other spellings the lead
    /// sentences give them (`Aliases`).
    func subjectNames() -> SubjectNames {
        var subject = SubjectNames()
        var headline: [UInt64] = []
        for u in titleUnits where u.kind == .name { headline.append(u.key) }
        var seen = 0
        for s in sentences where s.isFact {
            for u in s.units where u.kind == .name && !subject.keys.contains(u.key)
                && (headline.isEmpty ? seen == 0 : headline.contains(u.key)) {
                subject.keys.append(u.key)
            }
            subject.aliases.append(s.aliases)
            seen += 1
            if seen == 2 { break }
        }
        return subject
    }

    /// What the article's opening line says happened to whom, where and how much: the names, numbers, codes and
    /// dates of its headline, or of its first fact sentence when the headline has no ordinary word (none, or a
    /// line of names and scores). Look-alike events differ in these arguments ("…stops *another challenger* in
    /// *another arena*"), not in their kind of action (`EventMemory.newArguments`).
    func leadArguments() -> [UInt64] {
        let line = titleUnits.contains { $0.kind == .word } ? titleUnits : sentences.first { $0.isFact }?.units ?? []
        return line.compactMap { u in
            switch u.kind {
            case .name, .number, .code, .date: return u.key
            case .word, .numberWord, .month, .weekday: return nil
            }
        }
    }

    /// Keys of the names, numbers, dates, months, weekdays and codes of the headline and fact sentences (the
    /// strong units), for `EventMemory.strongShare`.
    func strongKeys() -> UInt64Set {
        var keys = UInt64Set(minimumCapacity: 64)
        for u in titleUnits where u.kind.isStrong { _ = keys.insert(u.key) }
        for s in sentences where s.isFact { for u in s.units where u.kind.isStrong { _ = keys.insert(u.key) } }
        return keys
    }

    /// The fact sentences worth reporting, in order: each text once, headline repeats left out. The same for
    /// every topic the article matches, so the engine asks once per article.
    func reportableSentences() -> [Int] {
        var out: [Int] = []
        // Texts are told apart by a stable hash, and compared only when two hashes agree: hashing every sentence
        // into a Set<String> showed in the profile.
        var seen = UInt64Set(minimumCapacity: sentences.count)
        for (i, s) in sentences.enumerated() where s.isFact {
            var text = s.text
            if !seen.insert(text.withUTF8 { StableHash.hash($0) }) {
                if sentences[..<i].contains(where: { $0.isFact && $0.text == text }) { continue }
            }
            if isHeadline(s.text) { continue }
            out.append(i)
        }
        return out
    }
}

/// The names an article is about (`AnalyzedArticle.subjectNames`).
struct SubjectNames {
    var keys: [UInt64] = []
    /// Other spellings the lead sentences give their units.
    var aliases: [Aliases] = []

    /// Whether the lead gives the name at `index` another spelling `known` holds.
    func anyAliasKnown(_ index: Int, in known: UInt64Set) -> Bool {
        aliases.contains { $0.anyKnown(for: keys[index], in: known) }
    }
}

struct SentenceUnits {
    var units: [FactUnit] = []
    var grams: [UInt64] = []
    var quotes: [Quotation] = []
    var shortQuotes: [UInt64] = []
    var clauses = Clauses()
    var aliases = Aliases()
}

/// Keys under which a sentence's facts may be written elsewhere: a unit counts as known when its own key or one
/// of its aliases is, and learning a sentence learns its aliases too. A name's alias is the same word in lower
/// case (a capital inside a quotation, a word a headline shouts); each part of a hyphenated compound has the
/// compound written as one word ("over-reacted" / "overreacted"); a long name has its one-letter-deletion
/// neighbourhood, so two spellings one letter apart meet ("Grobbelaar" / "Grobbelar"). Keys that name no unit of
/// the sentence (`unit` 0) are only learnt: the initials of runs of words ("woman police constable" → WPC).
struct Aliases: Sendable {
    var units: [UInt64] = []
    var keys: [UInt64] = []

    mutating func append(unit: UInt64, key: UInt64) {
        units.append(unit)
        keys.append(key)
    }

    mutating func removeAll(keepingCapacity: Bool) {
        units.removeAll(keepingCapacity: keepingCapacity)
        keys.removeAll(keepingCapacity: keepingCapacity)
    }

    /// The same aliases in arrays of their own, each of exactly their size (one allocation each, none when empty).
    /// Copied into new buffers: `Array(units)` would share the scratch's, and the scratch's next sentence would then
    /// copy it anyway.
    func copiedToSize() -> Aliases { Aliases(units: Self.copy(units), keys: Self.copy(keys)) }

    private static func copy(_ source: [UInt64]) -> [UInt64] {
        var copy: [UInt64] = []
        copy.reserveCapacity(source.count)
        copy.append(contentsOf: source)
        return copy
    }

    /// Whether one of `unit`'s aliases is in `known`.
    func anyKnown(for unit: UInt64, in known: UInt64Set) -> Bool {
        for k in units.indices where units[k] == unit && known.contains(keys[k]) { return true }
        return false
    }
}

/// The clauses of a sentence as one flat list of keys and where each clause ends: two arrays per sentence rather
/// than one per clause.
struct Clauses: Sendable, Sequence {
    var keys: [UInt64] = []
    var ends: [Int32] = []

    mutating func append(_ clause: [UInt64]) {
        keys.append(contentsOf: clause)
        ends.append(Int32(keys.count))
    }

    var count: Int { ends.count }

    struct Iterator: IteratorProtocol {
        let clauses: Clauses
        var index = 0
        var start = 0

        mutating func next() -> ArraySlice<UInt64>? {
            guard index < clauses.ends.count else { return nil }
            let end = Int(clauses.ends[index])
            defer { start = end; index += 1 }
            return clauses.keys[start..<end]
        }
    }

    func makeIterator() -> Iterator { Iterator(clauses: self) }
}

/// Working arrays of `FactExtractor.units`, reused from one sentence to the next: allocating them afresh for
/// every sentence was a visible share of the per-article cost.
struct ExtractionScratch {
    var mask: [Bool] = []
    var consumed: [Bool] = []
    var seen = ScratchSet()
    var sequence: [(key: UInt64, quoted: Bool, start: Int32, count: Int32)] = []
    var clause: [UInt64] = []
    /// A sentence's aliases while they are found, copied out at its end at their exact size: grown in place from
    /// empty, sentence after sentence (a name's one-letter slips alone are a dozen keys), their regrowth was ~5 % of
    /// the instructions of a replay.
    var aliases = Aliases()
    var initials: [UInt8] = []

    /// Small enough to keep for the next article: one very long sentence must not hold its buffers for good.
    var retainable: Bool { sequence.capacity <= 4096 && aliases.units.capacity <= 16_384 }
}

/// A set of UInt64 keys emptied in constant time (entries carry the generation that wrote them).
struct ScratchSet {
    /// Empty until the first insert, so an empty set costs no allocation.
    private var keys: [UInt64] = []
    private var stamps: [UInt32] = []
    private var generation: UInt32 = 1
    private var count = 0
    private var mask = 0

    mutating func removeAll() {
        generation &+= 1
        if generation == 0 {
            for i in stamps.indices { stamps[i] = 0 }
            generation = 1
        }
        count = 0
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: ((key &* 0x9E37_79B9_7F4A_7C15) >> 32) & UInt64(mask)) }

    /// True when `key` was not in the set.
    mutating func insert(_ key: UInt64) -> Bool {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        while stamps[i] == generation {
            if keys[i] == key { return false }
            i = (i + 1) & mask
        }
        keys[i] = key
        stamps[i] = generation
        count += 1
        return true
    }

    private mutating func grow() {
        var live: [UInt64] = []
        for i in keys.indices where stamps[i] == generation { live.append(keys[i]) }
        keys = [UInt64](repeating: 0, count: max(64, keys.count * 2))
        stamps = [UInt32](repeating: 0, count: keys.count)
        mask = keys.count - 1
        generation = 1
        count = 0
        for k in live { _ = insert(k) }
    }
}

struct Quotation: Sendable {
    var grams: [UInt64] = []
    var keys: [UInt64] = []
}
