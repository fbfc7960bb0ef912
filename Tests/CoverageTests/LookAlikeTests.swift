@testable import Coverage
import Foundation
import Testing

/// Look-alike events (same kind of action, same setting, another person) and who said what. Articles written
/// for these tests.
@Suite struct LookAlikeTests {
    static let rehab = [
        Stories.article("ross-1", hours: 0, "Lena Ross checks into rehab in Malibu", """
            Actress Lena Ross checked into a rehab clinic in Malibu on Tuesday, her publicist said.

            Ross, 34, had left a film set in Vancouver last month. The clinic offers a 30-day program.
            """),
        Stories.article("ross-2", hours: 3, "Lena Ross enters Malibu rehab clinic", """
            Lena Ross has entered a rehab clinic in Malibu for a 30-day program, according to her publicist.

            The actress left a film set in Vancouver last month.
            """),
        Stories.article("vance-1", hours: 14, "Tara Vance checks into rehab", """
            Actress Tara Vance has checked into a rehab clinic in Malibu, her representative said on Wednesday.

            Vance, 41, starred in the sitcom Harbor Lights and recently divorced the producer Mark Delaney after \
            eleven years of marriage. She had been due to open a musical written by her sister in Chicago this \
            autumn; the producers postponed it until spring. Her album, recorded in Nashville with the guitarist \
            Sam Okafor, came out in March. Fans left flowers and letters outside the Boston theatre where she last \
            performed.
            """),
    ]

    private func judged(_ articles: [Article], options: CoverageOptions = .init(), trace: Trace? = nil) throws -> [TopicVerdict] {
        let everything = "a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR j* OR k* OR l* OR m* OR n* OR o* OR p* OR q* OR r* OR s* OR t* OR u* OR v* OR w* OR x* OR y* OR z*"
        var engine = CoverageEngine(topics: [try Topic(name: "all", queryText: everything)], options: options)
        if let trace { engine.explain = { trace.lines.append($0) } }
        return articles.compactMap { engine.judge($0).primary }
    }

    final class Trace: @unchecked Sendable { var lines: [String] = [] }

    /// Same kind of story, same town, same clinic, another actress: similar enough to join (1.1 times the bar,
    /// as look-alike events of real news are), but about a name the event never gave.
    @Test func anotherPersonInTheSameKindOfStoryOpensItsOwnEvent() throws {
        let trace = Trace()
        let v = try judged(Self.rehab, trace: trace)
        #expect(v[1].verdict == .noNewFacts)
        #expect(v[2].verdict == .newEvent, "\(trace.lines)")
        #expect(trace.lines.contains { $0.contains("new subject name:tara,name:vance") })
        // Without the rule the same article joins Lena Ross's event.
        var off = CoverageOptions()
        off.newSubjectFactor = 1
        let w = try judged(Self.rehab, options: off)
        #expect(w[2].verdict == .newFacts)
        #expect(w[2].eventID == w[0].eventID)
    }

    @Test func aFollowUpAboutTheSameSubjectIsNotWeighedDown() throws {
        let followUp = Stories.article("ross-3", hours: 14, "Lena Ross leaves rehab early", """
            Actress Lena Ross has left the rehab clinic in Malibu after two weeks, her publicist said on Wednesday.

            Ross, 34, starred in the sitcom Harbor Lights and recently divorced the producer Mark Delaney after \
            eleven years of marriage. She had been due to open a musical written by her sister in Chicago this \
            autumn; the producers postponed it until spring.
            """)
        let trace = Trace()
        let v = try judged(Array(Self.rehab.prefix(2)) + [followUp], trace: trace)
        #expect(v[2].eventID == v[0].eventID, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("new subject") })
    }

    @Test func theSubjectIsWhatTheHeadlineAndLeadBothName() {
        func keys(_ labels: [String], in sentence: String) -> Set<UInt64> {
            Set(FactExtractor.units(of: sentence).filter { labels.contains($0.label) }.map(\.key))
        }
        let article = FactExtractor.analyze(title: "Tara Vance checks into rehab in Malibu", text: """
            Actress Tara Vance has checked into a clinic, her agent Sam Okafor said.

            Vance starred in Harbor Lights.
            """)
        #expect(Set(article.subjectNames().keys) == keys(["name:tara", "name:vance"], in: "Actress Tara Vance checked in."))
        // Without a name in the headline, the names of the first sentence.
        let untitled = FactExtractor.analyze(title: "", text: "Tara Vance has checked into a clinic.\n\nHer agent Sam Okafor confirmed it.")
        #expect(Set(untitled.subjectNames().keys) == keys(["name:tara", "name:vance"], in: "Actress Tara Vance checked in."))
    }

    /// The court named in "…, his lawyer told Carrow Crown Court" is not a fact of that sentence, but the event
    /// has stated it: "…, Carrow Crown Court heard" names nothing new.
    @Test func namesOfAnAttributionAreKnownToTheEvent() throws {
        let first = "Edmund Grimsdale let an unsafe ferry sail from Tolworth harbour on Monday, his lawyer told Carrow Crown Court."
        #expect(!FactExtractor.units(of: first).contains { $0.label == "name:carrow" })
        let v = try Stories.judgedInOrder([first, "Edmund Grimsdale let an unsafe ferry sail from Tolworth harbour on Monday, Carrow Crown Court heard."],
                                          title: "Harbour master in court")
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
    }

    /// Wire copy sent in takes: the second take of a court report, minutes after the first, has no headline and
    /// mostly new detail. It continues the story when it comes from the same feed; the same text from another
    /// feed is compared as any article is.
    @Test func aHeadlinelessTakeFromTheSameFeedContinuesTheStory() throws {
        func article(_ id: String, minutes: Double, feed: String, _ title: String, _ text: String) -> Article {
            Article(id: id, feed: feed, url: "https://example.org/\(id)", published: Stories.at(hours: minutes / 60), title: title, text: text)
        }
        let first = article("take-1", minutes: 0, feed: "wire", "Life for man who killed neighbour", """
            A former taxi driver who stabbed his neighbour to death at her home in Tolworth was jailed for life today.

            Dennis Hallam, 58, was convicted of the murder of Edith Crane at Carrow Crown Court.
            """)
        let takeText = """
            The jury of seven women and five men took four hours to reach their verdict after a nine-day trial.

            Neighbours found the body on a Sunday morning after noticing her garden gate left open overnight, and \
            detectives traced fibres from a blue rope to a lock-up garage Hallam rented near the station.
            """
        let trace = Trace()
        let v = try judged([first, article("take-2", minutes: 6, feed: "wire", "", takeText)], trace: trace)
        #expect(v[1].eventID == v[0].eventID, "\(trace.lines)")
        let w = try judged([first, article("take-2", minutes: 6, feed: "other", "", takeText)])
        #expect(w[1].verdict == .newEvent)
        var off = CoverageOptions()
        off.continuationBarFactor = 1
        let x = try judged([first, article("take-2", minutes: 6, feed: "wire", "", takeText)], options: off)
        #expect(x[1].verdict == .newEvent)
        // A feed whose items have no headline at all (posts): an untitled item is no continuation.
        let untitledFirst = article("post-1", minutes: 0, feed: "wire", "", first.text)
        let y = try judged([untitledFirst, article("post-2", minutes: 6, feed: "wire", "", takeText)])
        #expect(y[1].verdict == .newEvent)
    }

    /// Another outlet's report of the same event hours later names the event's people in its headline and lead
    /// but shares little else: it needs less than an article that opens with someone new (the bar rises with the
    /// gap more slowly for it, `knownSubjectRiseHours`), so it joins where a look-alike at the same similarity
    /// would not.
    @Test func aReportAboutTheEventsOwnPeopleHoursLaterJoinsOnAThinnerBar() throws {
        let oath = Stories.article("oath-1", hours: 0, "Marta Kessel sworn in as governor of Elbridge", """
            Marta Kessel was sworn in as the 31st governor of Elbridge on Monday on the steps of the capitol in Harwick.

            Kessel, 52, a former prosecutor, took the oath from Chief Justice Alan Pryor before a crowd of about 4,000 people.

            She is the first woman to hold the office.
            """)
        func speech(_ id: String, _ name: String) -> Article {
            Stories.article(id, hours: 6, "\(name) vows to fight for working families", """
                \(name) vowed at her inauguration to fight for working families and to rebuild roads and bridges.

                In a speech of twenty minutes she spoke of her father's bakery, of nurses working double shifts and \
                of farmers hit by drought, and promised a budget that balances without new taxes.

                Among the guests were the singer Rosa Delgado, who performed the anthem, and the retired astronaut \
                Owen Fairley, who flew on two shuttle missions.

                Police closed six streets downtown; vendors sold hot cider and scarves in the team colours of the \
                Linwood Hawks.

                The Reverend Thomas Acheson of St Brigid's led a prayer for the soldiers of the 88th Brigade serving \
                in Cordova, and a choir of 120 pupils from Linwood sang.

                A lunch for donors followed at the Belmont Hotel, where tickets cost $2,500.
                """)
        }
        let trace = Trace()
        let v = try judged([oath, speech("oath-2", "Marta Kessel")], trace: trace)
        #expect(v[1].eventID == v[0].eventID, "\(trace.lines)")
        // The bar it cleared is below the usual one six hours on, and its similarity between the two.
        let options = CoverageOptions()
        let known = options.similarityNeeded(afterGap: 6 * 3600, knownSubject: true)
        let usual = options.similarityNeeded(afterGap: 6 * 3600)
        #expect(known < usual)
        #expect(trace.lines.contains { $0.contains(String(format: "needed %.3f", known)) }, "\(trace.lines)")
        // With the usual rise it opens its own event.
        var off = CoverageOptions()
        off.knownSubjectRiseHours = off.joinRiseHours
        let w = try judged([oath, speech("oath-2", "Marta Kessel")], options: off)
        #expect(w[1].verdict == .newEvent)
        // The same report about someone the event never named keeps the usual bar and stays apart.
        let x = try judged([oath, speech("oath-3", "Dana Whitlock")])
        #expect(x[1].verdict == .newEvent)
    }

    /// The bar for an article about the event's people starts where the usual one does and rises more slowly.
    @Test func theBarForTheEventsOwnPeopleRisesMoreSlowly() {
        let options = CoverageOptions()
        #expect(options.similarityNeeded(afterGap: 0, knownSubject: true) == options.similarityNeeded(afterGap: 0))
        for hours in [1.0, 6, 24, 72] {
            #expect(options.similarityNeeded(afterGap: hours * 3600, knownSubject: true) < options.similarityNeeded(afterGap: hours * 3600))
        }
    }
}
