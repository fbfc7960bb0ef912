import Foundation
import Support

/// What one event knows: its identity, time span, the weighted terms that describe it (for grouping) and the
/// index of every fact unit its articles have stated (for novelty).
struct EventMemory {
    let id: String
    let topic: String
    let title: String
    let firstSeen: Date
    var lastSeen: Date
    /// Feed of the latest article (by time), for continuations (`CoverageOptions.continuationWindow`).
    var lastFeed: String = ""
    var articleCount: Int
    var centroid: UInt64Map<Float>
    var centroidNorm: Float
    var known: UInt64Set
    /// The similarities at which its later articles joined it (copies left out), summed, and how many
    /// (`usualJoinSimilarity`).
    var joinSimilaritySum: Double = 0
    var joins = 0

    init(id: String, topic: String, title: String, firstSeen: Date) {
        self.id = id
        self.topic = topic
        self.title = title
        self.firstSeen = firstSeen
        self.lastSeen = firstSeen
        self.articleCount = 0
        self.centroid = UInt64Map(minimumCapacity: 64)
        self.centroidNorm = 0
        self.known = UInt64Set(minimumCapacity: 256)
    }

    /// Deterministic from topic and first article, so two daemons sharing a store name the event alike.
    static func makeID(topic: String, firstArticleID: String) -> String {
        "evt_" + StableHash.hex(StableHash.hash(topic + "\u{1F}" + firstArticleID), digits: 12)
    }

    /// Cosine with `vector` (unit length).
    func similarity(to vector: [(key: UInt64, weight: Float)]) -> Float {
        similarity(to: vector, in: 0..<vector.count)
    }

    /// The part of the cosine with `vector` (unit length) that its terms in `range` contribute.
    func similarity(to vector: [(key: UInt64, weight: Float)], in range: Range<Int>) -> Float {
        guard centroidNorm > 0 else { return 0 }
        var dot: Float = 0
        for i in range {
            if let c = centroid[vector[i].key] { dot += c * vector[i].weight }
        }
        return dot / centroidNorm
    }

    /// The part of the cosine with `vector` (unit length) that its terms at `indices` contribute.
    func similarity(to vector: [(key: UInt64, weight: Float)], at indices: [Int]) -> Float {
        guard centroidNorm > 0 else { return 0 }
        var dot: Float = 0
        for i in indices {
            if let c = centroid[vector[i].key] { dot += c * vector[i].weight }
        }
        return dot / centroidNorm
    }

    /// Whether the article is about someone or something this event has never stated: a name of its subject
    /// (`AnalyzedArticle.subjectNames`) in none of its facts, headlines or grouping terms, under no other
    /// spelling. Look-alike events share people and the kind of action, and the second one usually opens with a
    /// name the first never gave ("Tara Vance checks into rehab" after days of "Lena Ross checks into rehab").
    func isNewSubject(_ subject: SubjectNames) -> Bool {
        for i in subject.keys.indices {
            let key = subject.keys[i]
            if !hasStated(key) && !subject.anyAliasKnown(i, in: known) { return true }
        }
        return false
    }

    /// The mean similarity at which its later articles joined it; nil before any did.
    var usualJoinSimilarity: Double? { joins > 0 ? joinSimilaritySum / Double(joins) : nil }

    /// Remembers the similarity at which an article joined, unless it is a copy (`reprintSimilarity` or more).
    mutating func noteJoin(similarity: Double, reprintSimilarity: Double) {
        guard similarity < reprintSimilarity else { return }
        joinSimilaritySum += similarity
        joins += 1
    }

    /// How many of the article's lead arguments (`AnalyzedArticle.leadArguments`) this event has never stated: in
    /// none of its facts or grouping terms. A follow-up's opening line restates the event's who and what and adds
    /// one or two things; the opening line of another event of the same kind names its own.
    func newArguments(_ arguments: [UInt64]) -> Int {
        var count = 0
        for key in arguments where !hasStated(key) { count += 1 }
        return count
    }

    /// Whether the event has stated the unit `key` as it is spelled: in a fact or among its grouping terms.
    private func hasStated(_ key: UInt64) -> Bool { known.contains(key) || centroid[key] != nil }

    /// How much of the cosine with `vector` its names, numbers, codes and dates (`strong`: their keys) carry, as
    /// a share of the whole; nil when they share nothing. A late join carried by ordinary words is another
    /// development of the same story (`CoverageOptions.lateJoinStrongShare`).
    func strongShare(of vector: [(key: UInt64, weight: Float)], strong: UInt64Set) -> Double? {
        var total: Float = 0, carried: Float = 0
        for t in vector {
            guard let c = centroid[t.key] else { continue }
            total += c * t.weight
            if strong.contains(t.key) { carried += c * t.weight }
        }
        return total > 0 ? Double(carried / total) : nil
    }

    mutating func absorb(vector: [(key: UInt64, weight: Float)], maximumTerms: Int) {
        for (k, w) in vector { centroid.update(k, initial: 0) { $0 + w } }
        // Trim back to the heaviest terms only when well over the limit, so the sort is amortised.
        if centroid.count > maximumTerms * 2 {
            let kept = centroid.pairs.sorted { $0.value > $1.value }.prefix(maximumTerms)
            centroid = UInt64Map(minimumCapacity: maximumTerms)
            for p in kept { centroid[p.key] = p.value }
        }
        var sum: Float = 0
        centroid.forEach { _, w in sum += w * w }
        centroidNorm = sum.squareRoot()
    }

    var state: EventState {
        let terms = centroid.pairs.sorted { $0.key < $1.key }
        return EventState(id: id, topic: topic, title: title, firstSeen: firstSeen, lastSeen: lastSeen,
                          articleCount: articleCount, centroidKeys: terms.map(\.key),
                          centroidWeights: terms.map(\.value), knownUnits: known.elements.sorted(),
                          lastFeed: lastFeed.isEmpty ? nil : lastFeed,
                          joinSimilaritySum: joins == 0 ? nil : joinSimilaritySum, joins: joins == 0 ? nil : joins)
    }

    init(state: EventState) {
        id = state.id
        topic = state.topic
        title = state.title
        firstSeen = state.firstSeen
        lastSeen = state.lastSeen
        lastFeed = state.lastFeed ?? ""
        articleCount = state.articleCount
        var c = UInt64Map<Float>(minimumCapacity: state.centroidKeys.count)
        var sum: Float = 0
        for (k, w) in zip(state.centroidKeys, state.centroidWeights) { c[k] = w; sum += w * w }
        centroid = c
        centroidNorm = sum.squareRoot()
        known = UInt64Set(state.knownUnits)
        joinSimilaritySum = state.joinSimilaritySum ?? 0
        joins = state.joins ?? 0
    }
}

/// An event as persisted by the store: enough to keep grouping follow-ups and judging novelty after a restart
/// or on another daemon.
public struct EventState: Sendable, Codable, Equatable {
    public var id: String
    public var topic: String
    public var title: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var articleCount: Int
    /// The event's grouping vector (stable 64-bit term keys and their weights).
    public var centroidKeys: [UInt64]
    public var centroidWeights: [Float]
    /// The fact index: stable 64-bit keys of every name, number, date, code and content word stated so far.
    public var knownUnits: [UInt64]
    /// Feed of the event's latest article; nil in states saved before it was kept.
    public var lastFeed: String?
    /// The similarities at which later articles joined, summed, and how many (`EventMemory.usualJoinSimilarity`);
    /// nil before any joined, or in states saved before they were kept.
    public var joinSimilaritySum: Double? = nil
    public var joins: Int? = nil
}
