@testable import Coverage
import Foundation
import Testing

/// An article about someone an event only mentioned on the way, never in a headline or lead, is less likely one of
/// its reports (`CoverageOptions.promotedSubjectFactor`). Articles written for these tests: a club signs one
/// striker, naming another signed the month before; the next day, news of that other striker.
@Suite struct PromotedSubjectTests {
    static let signing = Stories.article("kell-1", hours: 0, "Rovers sign striker Ade Kell from Dunmore", """
        Halden Rovers signed striker Ade Kell from Dunmore on Thursday for a club record fee of 3 million pounds.

        Kell, 24, scored 19 goals last season and joins on a four-year contract.

        He will compete for a place with Bo Marsh, who joined from Lisk City last month, manager Tom Grey said.
        """)

    /// About the striker the signing named in its last paragraph.
    static let injury = Stories.article("marsh-1", hours: 20, "Bo Marsh ruled out for the season", """
        Bo Marsh will miss the rest of the season after tearing a knee ligament in training, Halden Rovers said on Friday.

        The striker needs surgery and will be out for nine months, manager Tom Grey said.
        """)

    /// About the player the signing opened with.
    static let debut = Stories.article("kell-2", hours: 20, "Ade Kell ready for his Rovers debut", """
        Ade Kell will make his debut for Halden Rovers on Saturday, manager Tom Grey said on Friday.

        The striker trained with the squad for the first time and said he was fit.
        """)

    @Test func anArticleAboutSomeoneTheEventOnlyMentionedOpensItsOwnEvent() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged([Self.signing, Self.injury], trace: trace)
        #expect(v[1].verdict == .newEvent, "\(trace.lines)")
        #expect(trace.lines.contains { $0.contains("subject never opened with") }, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("new subject") }, "the event has named him")
        // Without the rule the club, the manager and the named striker carry it past the bar.
        var off = CoverageOptions()
        off.promotedSubjectFactor = 1
        let w = try Stories.judged([Self.signing, Self.injury], options: off)
        #expect(w[1].eventID == w[0].eventID)
    }

    @Test func anArticleAboutWhomTheEventOpenedWithJoins() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged([Self.signing, Self.debut], trace: trace)
        #expect(v[1].eventID == v[0].eventID, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("subject never opened with") })
    }

    @Test func openingNamesAreSavedWithTheEvent() throws {
        var engine = CoverageEngine(topics: [try Topic(name: "all", queryText: "a* OR b* OR h*")])
        _ = engine.judge(Self.signing)
        let state = try #require(engine.eventStates(topic: "all").first)
        #expect(!(state.openingNames ?? []).isEmpty)
        #expect(EventMemory(state: state).state == state)
    }
}
