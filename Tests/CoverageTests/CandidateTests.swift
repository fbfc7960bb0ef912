import Coverage
import Foundation
import Testing

/// An open event must stay a candidate for every follow-up that can reach its bar, however many articles it has
/// gathered and however new the follow-up's rarest terms are. The engine once cut candidates on an article's
/// dozen heaviest terms alone: an event grown past its centroid's trim (here: a dozen articles of a crane
/// collapse, each with its own detail) lost the tail a follow-up shared, and a follow-up naming many new people
/// (its heaviest terms) was not compared at all, opened a new event and reported everything again.
@Suite struct CandidateTests {
    /// Made-up lower-case words ("bakiro", "dulomu"): consonant-vowel syllables without e or y, so the stemmer
    /// leaves them whole and no two collide.
    static func word(_ n: Int) -> String {
        let consonants = Array("bdfgklmnprtvz"), vowels = Array("aiou")
        var k = n, out = ""
        for _ in 0..<3 {
            out.append(consonants[k % consonants.count])
            k /= consonants.count
            out.append(vowels[k % vowels.count])
            k /= vowels.count
        }
        return out
    }

    static func name(_ n: Int) -> String {
        let w = word(n)
        return w.prefix(1).uppercased() + w.dropFirst()
    }

    /// The twelve articles of one event: the same core (place, company, what happened), each with about ninety
    /// details of its own, so the event's centroid outgrows its limit and is trimmed.
    static func eventArticles() -> [Article] {
        (0..<12).map { k in
            let details = (0..<90).map { word(1000 + k * 90 + $0) }
            let sentences = stride(from: 0, to: details.count, by: 10).map { "Inspectors listed " + details[$0..<$0 + 10].joined(separator: " ") + "." }
            let text = "A crane collapsed at Quenby harbour on Monday, injuring workers of Telvar Freight.\n\n"
                + sentences.joined(separator: " ")
            return Stories.article("crane-\(k)", hours: Double(k) / 3, "Crane collapse at Quenby harbour injures Telvar workers", text)
        }
    }

    /// A follow-up `hours` after the last article: the core again, and fourteen people never named before (its
    /// rarest, heaviest terms).
    static func followUp(hours: Double) -> Article {
        let people = (0..<14).map { "\(name(5000 + 2 * $0)) \(name(5001 + 2 * $0))" }
        let text = "The crane collapse at Quenby harbour injured workers of Telvar Freight on Monday.\n\n"
            + "Telvar Freight named the injured workers as " + people.joined(separator: ", ") + "."
        return Stories.article("crane-follow-\(hours)", hours: 11.0 / 3 + hours, "Telvar names workers injured in Quenby crane collapse", text)
    }

    @Test func aGrownEventStaysACandidateForHours() throws {
        let topic = try Topic(name: "harbours", queryText: "Quenby OR Telvar")
        for hours in [1.0, 3.0, 6.0] {
            var engine = CoverageEngine(topics: [topic])
            var candidates: [String] = []
            var first: String?
            for a in Self.eventArticles() {
                let v = engine.judge(a).primary
                if first == nil { first = v?.eventID }
                #expect(v?.eventID == first, "article \(a.id) split off its event")
            }
            engine.explain = { line in if line.contains("candidate") { candidates.append(line) } }
            let v = engine.judge(Self.followUp(hours: hours)).primary
            #expect(candidates.contains { $0.contains(first ?? "-") }, "no candidate \(hours) h after: \(candidates)")
            #expect(v?.eventID == first, "follow-up \(hours) h after opened \(v?.eventID ?? "nil"): \(candidates)")
            #expect(v?.verdict == .newFacts)
            #expect(v?.eventArticleCount == 13)
        }
    }

    /// The daemon restores the statistics and the open events into a fresh engine every cycle.
    @Test func aGrownEventRestoredFromTheStoreStaysACandidate() throws {
        let topic = try Topic(name: "harbours", queryText: "Quenby OR Telvar")
        var first = CoverageEngine(topics: [topic])
        var id: String?
        for a in Self.eventArticles() {
            let eventID = first.judge(a).primary?.eventID
            if id == nil { id = eventID }
        }
        #expect(first.eventCount == 1)
        var cycle = CoverageEngine(topics: [topic])
        cycle.termStatistics = first.termStatistics
        cycle.load(first.eventStates(topic: "harbours"), topic: "harbours")
        let v = cycle.judge(Self.followUp(hours: 3)).primary
        #expect(v?.eventID == id)
        #expect(v?.verdict == .newFacts)
    }

    @Test func theMadeUpWordsAreDistinctContentWords() {
        let words = (0..<3000).map(Self.word)
        #expect(Set(words).count == words.count)
        let labels = FactExtractor.units(of: "They listed " + words[0..<20].joined(separator: " ") + ".").map(\.label)
        #expect(labels.filter { $0.hasPrefix("word:") }.count == 21)
    }
}
