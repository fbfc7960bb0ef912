import Coverage
import Foundation
@testable import Pipeline
import Store
import Testing
import TestSupport

/// A restart changes no verdict: one stream judged straight through, and the same stream with the judge and the
/// store handle thrown away in the middle (a restarted daemon rebuilds everything from the store), give the same
/// verdict, event and new facts for every article. Before the term statistics were stored this failed: the
/// restarted judge weighed terms from its prior, not from what the topic had seen.
@Suite struct RestartVerdictTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static let people = ["Maria Okafor", "Tomas Lindqvist", "Aiko Brennan", "Farid Haddad", "Greta Novak",
                         "Samuel Adeyemi", "Lucia Ferreira", "Pavel Horak", "Nadia Rahman", "Oscar Whitfield",
                         "Ingrid Solberg", "Kwame Mensah"]
    static let places = ["Harwick", "Lenmouth", "Castlebrook", "Dunmere", "Ashby Vale", "Pellston", "Roxford",
                         "Westmoor", "Kilburne", "Tarrow", "Fenwick", "Brightwell"]
    static let matters = ["bridge collapse", "hospital contract", "school closure", "water leak", "bus strike",
                          "factory fire", "pension fund", "harbour dredging", "library sale", "tram delay",
                          "flood barrier", "market licence"]
    static let details = ["engineers", "invoices", "cracks", "auditors", "emails", "receipts", "pumps", "drivers",
                          "ledgers", "valves", "surveyors", "contracts", "permits", "sensors", "tenders", "budgets",
                          "witnesses", "inspectors", "minutes", "photographs"]

    /// Twelve events of one topic (an inquiry hearing one matter a day), four articles each, starting one after
    /// another so that events open on both sides of a restart. Every article ends with a sentence the whole
    /// topic shares (learnt as common, its terms weigh little; forgotten, they weigh like a rare name). Each
    /// article repeats its event's core and part of what earlier ones said, and adds details of its own.
    static func stream() -> [JudgeArticle] {
        let base = Date(timeIntervalSince1970: 1_750_000_000)
        var articles: [JudgeArticle] = []
        for event in 0..<12 {
            for round in 0..<4 {
                let who = people[event], place = places[event], matter = matters[event]
                // The last article of each event retells the first: nothing new in it.
                let retold = round == 3 ? 0 : round
                let told = (0..<3).map { details[(event * 5 + retold * 2 + $0) % details.count] }
                let text = "\(who) criticised the \(matter) in \(place), the Quenby inquiry heard.\n\n"
                    + "\(told[0].capitalized), \(told[1]) and \(told[2]) from \(place) were shown to \(who) "
                    + "after \(retold * 40 + event + 12) complaints."
                let key = "https://example.org/e\(event)/r\(round)"
                let published = base.addingTimeInterval(Double(event * 5 + round * 3) * 3600 + Double(event) * 60)
                articles.append(JudgeArticle(itemID: 0, key: key, title: "\(who) on \(place) \(matter)", text: text,
                                             url: key, feedURL: "https://example.org/feed\(event % 3)",
                                             published: published, firstSeen: published))
            }
        }
        articles.sort { $0.firstSeen < $1.firstSeen }
        for i in articles.indices { articles[i].itemID = Int64(i + 1) }
        return articles
    }

    /// Judges `articles` in chunks as a poll cycle does (topic lock, open events, judge, save, one transaction
    /// per chunk); `restartAfter` chunks in, the judge and the store handle are replaced by fresh ones.
    static func judgeAll(_ articles: [JudgeArticle], location: String, restartAfter: Int?,
                         query: String = "Quenby") throws -> (verdicts: [JudgeVerdict], events: [EventState]) {
        let topic = CompiledTopic(name: "inquiries", query: try TopicQuery.parse(query))
        var store = try StoreFactory.open(location: location)
        var judge = CoverageJudge()
        var verdicts: [JudgeVerdict] = []
        let chunks = stride(from: 0, to: articles.count, by: 5).map { Array(articles[$0..<min($0 + 5, articles.count)]) }
        for (index, chunk) in chunks.enumerated() {
            if index == restartAfter {
                store.close()
                store = try StoreFactory.open(location: location)
                judge = CoverageJudge()
            }
            let judged = try store.write { t -> [JudgeVerdict] in
                try t.lockTopic(topic.name)
                let before = try t.openEvents(topic: topic.name)
                let (verdicts, events) = try judge.judge(topic: topic, articles: chunk, openEvents: before,
                                                         transaction: t, now: chunk.last!.firstSeen)
                for event in events where !before.contains(event) { try t.saveEvent(event) }
                return verdicts
            }
            verdicts += judged
        }
        // The events as the store holds them at the end: what the next article would be weighed against.
        let stored = try store.read { r in try r.openEvents(topic: topic.name) }
        store.close()
        return (verdicts, try stored.map { try JSONDecoder().decode(EventState.self, from: $0.state) })
    }

    /// What shapes the next verdict about an event: its size, its grouping vector (weighted by the term
    /// statistics when its articles were judged) and the facts it knows (a set: their order is not meaning).
    static func summary(_ state: EventState) -> String {
        "\(state.id) \(state.articleCount) \(state.centroidKeys) \(state.centroidWeights) \(Set(state.knownUnits).sorted())"
    }

    static func freshLocation(_ backend: Backend) throws -> String {
        switch backend {
        case .sqlite:
            return try TestPaths.makeTemporaryDirectory("tidings-restart").appendingPathComponent("t.db").path
        case .postgres:
            return try PostgresServer.shared().createDatabase()
        }
    }

    @Test(arguments: Backend.allCases)
    func aRestartInTheMiddleChangesNoVerdictOrFact(_ backend: Backend) throws {
        let articles = Self.stream()
        let straight = try Self.judgeAll(articles, location: try Self.freshLocation(backend), restartAfter: nil)
        // The stream must exercise the engine: events grow, facts are added and withheld.
        #expect(Set(straight.verdicts.map(\.verdict)) == ["new_event", "new_facts", "no_new_facts"])
        #expect(straight.events.count > 3, "the stream's events merged: \(straight.events.map(\.articleCount))")
        for restartAfter in [2, 5, 8, 12] {
            let restarted = try Self.judgeAll(articles, location: try Self.freshLocation(backend), restartAfter: restartAfter)
            #expect(restarted.verdicts.count == straight.verdicts.count)
            for (i, (a, b)) in zip(straight.verdicts, restarted.verdicts).enumerated() {
                #expect(a == b, "article \(i) (\(articles[i].key)) judged otherwise after a restart at chunk \(restartAfter)")
            }
            let sameEvents = restarted.events.map(Self.summary) == straight.events.map(Self.summary)
            #expect(sameEvents, "the stored events (sizes, grouping vectors, known facts) differ after a restart at chunk \(restartAfter)")
        }
    }
}
