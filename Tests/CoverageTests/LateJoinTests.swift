@testable import Coverage
import Foundation
import Testing

/// Days after an event's latest article, an article that shares mostly the story's ordinary words with it (not its
/// people and figures) is the story's next development, another event. Articles written for these tests: a mayor's
/// offer over garage fees and a tram lane, then three days later the standoff ended in a deal.
@Suite struct LateJoinTests {
    static let offer = Stories.article("offer-1", hours: 0, "Mayor Ida Quill offers to freeze garage fees if the council backs a tram lane", """
        Mayor Ida Quill of Harlow offered on Monday to freeze downtown garage fees for two years if the city council \
        backs her tram lane on Corran Street.

        The council has blocked the tram lane twice, saying downtown shops would lose parking.

        Quill said the garage fees would stay at $4 an hour. Councillor Abel Stroud called the offer a bribe.
        """)

    static let offerReaction = Stories.article("offer-2", hours: 6, "Harlow council split over mayor's garage fee offer", """
        Harlow councillors were split on Monday over Mayor Ida Quill's offer to freeze garage fees in exchange for \
        a tram lane on Corran Street.

        Councillor Abel Stroud said the $4 fee was already too high and the tram lane would hurt shops.
        """)

    /// Three days on, the same offer: its people and figures carry the similarity.
    static let offerFollowUp = Stories.article("offer-3", hours: 80, "Stroud asks Quill to put the garage fee offer in writing", """
        Councillor Abel Stroud asked Mayor Ida Quill on Thursday to put her offer to freeze the $4 garage fee in \
        writing before the council votes on the Corran Street tram lane.

        Quill said the offer stood for two years.
        """)

    /// Three days on, the deal that ended the standoff: garages, parking, the tram lane, the council and the mayor,
    /// hardly a name or figure of the offer.
    static let deal = Stories.article("deal-1", hours: 80, "Garages reopen after the council and the mayor end the downtown standoff", """
        The downtown garages in Harlow reopened on Thursday after the council and the mayor ended their standoff \
        over parking and the tram lane.

        The council agreed to let the tram lane go ahead for a trial of three months, and the mayor dropped her \
        demand that shops pay for the garages.

        Shop owners said parking downtown had been a mess for weeks and the standoff had cost them customers. The \
        mayor said the garages would stay open at night.
        """)

    @Test func aLateArticleSharingTheStorysWordsButNotItsNamesOpensItsOwnEvent() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged([Self.offer, Self.offerReaction, Self.deal], trace: trace)
        #expect(v[1].eventID == v[0].eventID)
        #expect(v[2].verdict == .newEvent, "\(trace.lines)")
        #expect(trace.lines.contains { $0.contains("days on, names and numbers carry") }, "\(trace.lines)")
        // Without the rule it clears the bar and joins the offer.
        var off = CoverageOptions()
        off.lateJoinFactor = 1
        let w = try Stories.judged([Self.offer, Self.offerReaction, Self.deal], options: off)
        #expect(w[2].eventID == w[0].eventID)
    }

    @Test func aLateFollowUpCarriedByTheEventsPeopleAndFiguresJoins() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged([Self.offer, Self.offerReaction, Self.offerFollowUp], trace: trace)
        #expect(v[2].eventID == v[0].eventID, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("names and numbers carry") })
    }

    /// The same deal hours after the offer is not weighed down: the rule is for joins days after the event's
    /// latest article.
    @Test func theRuleWaitsForTheGap() throws {
        let sameDay = Article(id: "deal-0", feed: "test", url: "https://example.org/deal-0", published: Stories.at(hours: 8),
                              title: Self.deal.title, text: Self.deal.text)
        let trace = JudgeTrace()
        _ = try Stories.judged([Self.offer, Self.offerReaction, sameDay], trace: trace)
        #expect(!trace.lines.contains { $0.contains("names and numbers carry") }, "\(trace.lines)")
    }

    @Test func theShareCountsOnlyTermsTheEventHolds() {
        var event = EventMemory(id: "e", topic: "t", title: "", firstSeen: Stories.day0)
        event.absorb(vector: [(key: 1, weight: 0.6), (key: 2, weight: 0.8)], maximumTerms: 10)
        // Key 1 strong, key 2 a word, key 3 in no event: 0.36 of 1.0 carried by the strong term.
        let share = event.strongShare(of: [(key: 1, weight: 0.6), (key: 2, weight: 0.8), (key: 3, weight: 0.5)], strong: UInt64Set([1, 3]))
        #expect(abs((share ?? -1) - 0.36) < 1e-6)
        #expect(event.strongShare(of: [(key: 3, weight: 1)], strong: UInt64Set([3])) == nil)
    }
}
