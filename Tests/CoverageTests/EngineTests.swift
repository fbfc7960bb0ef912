import Coverage
import Foundation
import Testing

/// Articles written for these tests: a drone maker's battery recall, a separate factory story the same week,
/// and coverage that reprints, rewrites and extends them.
enum Stories {
    static let day0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func at(hours: Double) -> Date { day0.addingTimeInterval(hours * 3600) }

    static func article(_ id: String, hours: Double, _ title: String, _ text: String) -> Article {
        Article(id: id, feed: "test", url: "https://example.org/\(id)", published: at(hours: hours), title: title, text: text)
    }

    /// `texts` judged in order, one hour apart, under one topic that every article matches; the first one has
    /// `title` as its headline.
    static func judgedInOrder(_ texts: [String], title: String, options: CoverageOptions = .init()) throws -> [TopicVerdict] {
        let everything = "a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR j* OR k* OR l* OR m* OR n* OR o* OR p* OR q* OR r* OR s* OR t* OR u* OR v* OR w* OR x* OR y* OR z*"
        var engine = CoverageEngine(topics: [try Topic(name: "all", queryText: everything)], options: options)
        return texts.enumerated().compactMap { k, text in
            engine.judge(article("s\(k)", hours: Double(k), k == 0 ? title : "", text)).primary
        }
    }

    static let recall = article("recall-1", hours: 0, "Kestrel recalls 12,000 drones after battery fires", """
        OSLO (Reuters) - Kestrel Dynamics said on Monday it would recall 12,000 Falcon X2 delivery drones after \
        battery fires at two depots in Bergen and Trondheim.

        The recall covers every X2 built between March and June, the company said in a statement.

        Chief executive Ingrid Larsen said no one was hurt. "Safety comes before every delivery," she said.

        (Reporting by Ola Nordmann; Editing by Kari Hansen)
        """)

    static let reprint = article("recall-2", hours: 1, "Kestrel recalls 12,000 drones after battery fires", recall.text)

    static let rewrite = article("recall-3", hours: 5, "Battery fires force Kestrel drone recall", """
        Kestrel Dynamics is pulling back 12,000 of its Falcon X2 delivery drones after batteries caught fire at \
        depots in Bergen and Trondheim, the firm announced on Monday.

        All X2 units built from March to June are affected. Mr. Larsen's company said nobody was injured.
        """)

    static let update = article("recall-4", hours: 30, "Kestrel drone recall widens to Sweden", """
        Kestrel Dynamics widened its recall of Falcon X2 delivery drones on Tuesday to include 3,500 units \
        flying in Sweden, bringing the total to 15,500.

        The recall covers every X2 built between March and June, the company said.

        Swedish regulator Transportstyrelsen said it had grounded the drones pending an inspection.
        """)

    static let followUp = article("recall-5", hours: 24 * 4, "Kestrel blames supplier cells for drone fires", """
        Kestrel Dynamics said on Friday that faulty cells from supplier Voltaris caused the battery fires that \
        led to its recall of 15,500 Falcon X2 drones.

        Ingrid Larsen told reporters the company would seek compensation from Voltaris.
        """)

    static let factory = article("factory-1", hours: 48, "Kestrel to build drone plant in Ohio, hire 800", """
        Kestrel Dynamics will build a $450 million assembly plant in Dayton, Ohio, and hire 800 workers, \
        Governor Mike Rowe announced on Wednesday.

        Construction starts in September and the plant should open in 2027, producing cargo airframes for \
        American customers.
        """)

    static func topic() throws -> Topic { try Topic(name: "drones", queryText: "Kestrel AND drone*") }
}

@Suite struct EventGroupingTests {
    @Test func followUpsDaysLaterJoinAndAnotherStoryTheSameWeekStaysApart() throws {
        var engine = CoverageEngine(topics: [try Stories.topic()])
        let first = engine.judge(Stories.recall).primary
        let update = engine.judge(Stories.update).primary
        let factory = engine.judge(Stories.factory).primary
        let followUp = engine.judge(Stories.followUp).primary
        #expect(first?.verdict == .newEvent)
        #expect(update?.eventID == first?.eventID)
        #expect(factory?.verdict == .newEvent)
        #expect(factory?.eventID != first?.eventID)
        #expect(followUp?.eventID == first?.eventID)
        #expect(followUp?.eventArticleCount == 3)
    }

    @Test func eventIDsAreDeterministic() throws {
        var a = CoverageEngine(topics: [try Stories.topic()])
        var b = CoverageEngine(topics: [try Stories.topic()])
        let idA = a.judge(Stories.recall).primary?.eventID
        let idB = b.judge(Stories.recall).primary?.eventID
        #expect(idA != nil)
        #expect(idA == idB)
        var c = CoverageEngine(topics: [try Stories.topic()])
        #expect(c.judge(Stories.factory).primary?.eventID != idA)
    }

    @Test func expiredEventsAreForgotten() throws {
        var engine = CoverageEngine(topics: [try Stories.topic()])
        _ = engine.judge(Stories.recall)
        #expect(engine.eventCount == 1)
        engine.expire(before: Stories.at(hours: 1))
        #expect(engine.eventCount == 0)
        #expect(engine.judge(Stories.reprint).primary?.verdict == .newEvent)
    }

    @Test func automaticExpiryKeepsMemoryBounded() throws {
        var options = CoverageOptions()
        options.automaticExpiry = 2 * 86_400
        options.eventWindow = 2 * 86_400
        var engine = CoverageEngine(topics: [try Stories.topic()], options: options)
        for day in 0..<200 {
            let a = Stories.article("gen-\(day)", hours: Double(day) * 24, "Kestrel drone item \(day)",
                                    "Kestrel Dynamics shipped \(1000 + day * 7) drones to Client\(day) in Region\(day).")
            _ = engine.judge(a)
        }
        #expect(engine.eventCount <= 5)
    }

    @Test func stateRoundTripsThroughTheStore() throws {
        var original = CoverageEngine(topics: [try Stories.topic()])
        _ = original.judge(Stories.recall)
        _ = original.judge(Stories.update)

        let encoded = try JSONEncoder().encode(original.eventStates(topic: "drones"))
        let statistics = try JSONEncoder().encode(original.termStatistics)
        var restarted = CoverageEngine(topics: [try Stories.topic()])
        restarted.load(try JSONDecoder().decode([EventState].self, from: encoded), topic: "drones")
        restarted.termStatistics = try JSONDecoder().decode(TermStatistics.self, from: statistics)
        #expect(restarted.eventStates(topic: "drones") == original.eventStates(topic: "drones"))

        let continued = original.judge(Stories.followUp).primary
        let resumed = restarted.judge(Stories.followUp).primary
        #expect(resumed == continued)
        #expect(resumed?.verdict == .newFacts)
    }
}

@Suite struct NewFactTests {
    private func judged(_ articles: [Article]) throws -> [TopicVerdict] {
        var engine = CoverageEngine(topics: [try Stories.topic()])
        return articles.compactMap { engine.judge($0).primary }
    }

    @Test func aNewEventReportsItsFactSentencesButNoBoilerplate() throws {
        let v = try judged([Stories.recall])[0]
        #expect(v.verdict == .newEvent)
        #expect(v.newFacts.first?.hasPrefix("Kestrel Dynamics said on Monday") == true)  // dateline removed
        #expect(v.newFacts.contains { $0.contains("Safety comes before every delivery") })
        #expect(!v.newFacts.contains { $0.contains("Reporting by") })
    }

    @Test func reprintsAndRewritesAddNothing() throws {
        let v = try judged([Stories.recall, Stories.reprint, Stories.rewrite])
        #expect(v[1].verdict == .noNewFacts)
        #expect(v[1].newFacts.isEmpty)
        #expect(v[2].verdict == .noNewFacts, "\(v[2].newFacts)")
    }

    @Test func anUpdateReportsOnlyTheSentencesWithNewFacts() throws {
        let v = try judged([Stories.recall, Stories.update])[1]
        #expect(v.verdict == .newFacts)
        #expect(v.newFacts.contains { $0.contains("3,500") })
        #expect(v.newFacts.contains { $0.contains("Transportstyrelsen") })
        #expect(!v.newFacts.contains { $0.hasPrefix("The recall covers every X2") })
    }

    @Test func aFollowUpReportsItsNewClaim() throws {
        let v = try judged([Stories.recall, Stories.update, Stories.followUp])[2]
        #expect(v.verdict == .newFacts)
        #expect(v.newFacts.contains { $0.contains("Voltaris caused") })
    }

    @Test func offTopicArticlesGetNoVerdict() throws {
        var engine = CoverageEngine(topics: [try Stories.topic()])
        let d = engine.judge(Stories.article("x", hours: 0, "Rain in Oslo", "It rained in Oslo on Monday, officials said."))
        #expect(d.topics.isEmpty)
        #expect(d.primary == nil)
        #expect(!d.alerts)
    }

    @Test func severalTopicsGetOneVerdictEachAndTheEstablishedEventLeads() throws {
        var engine = CoverageEngine(topics: [try Stories.topic(), try Topic(name: "norway", queryText: "Bergen OR Sweden")])
        _ = engine.judge(Stories.factory)  // drones only
        let d = engine.judge(Stories.recall)
        #expect(d.topics == ["drones", "norway"])
        #expect(d.verdicts.count == 2)
        #expect(d.primary?.verdict == .newEvent)
        #expect(d.primary?.topic == "drones")  // equal events (one article each): configuration order
        let again = engine.judge(Stories.reprint)
        #expect(again.verdicts.allSatisfy { $0.verdict == .noNewFacts })
        #expect(again.primary?.topic == "drones")

        // A story followed under "drones" reaches "norway" only with its update: for "norway" that is a new
        // event, but the line to show is the follow-up of the established story.
        var later = CoverageEngine(topics: [try Stories.topic(), try Topic(name: "sweden", queryText: "Sweden")])
        _ = later.judge(Stories.recall)
        let update = later.judge(Stories.update)
        #expect(update.verdicts.map(\.verdict) == [.newFacts, .newEvent])
        #expect(update.primary?.topic == "drones")
        #expect(update.primary?.verdict == .newFacts)
    }
}
