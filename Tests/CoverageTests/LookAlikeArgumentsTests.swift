@testable import Coverage
import Foundation
import Testing

/// Look-alike events told apart by what the opening line names (another opponent, arena, city, date), and the
/// later articles of the second event following it rather than the first event updated minutes before.
/// Articles written for these tests.
@Suite struct LookAlikeArgumentsTests {
    static let pike = Stories.article("pike-1", hours: 0, "Viktor Hale keeps his heavyweight belts against Omar Pike", """
        Viktor Hale kept his heavyweight belts on Saturday, stopping Omar Pike in the sixth round in front of a sell-out crowd.

        Hale, 37, floored the challenger twice before the referee waved the fight off. It was the champion's ninth \
        straight title defence and his trainer Lou Brandt said he would fight again in the spring.

        Pike had not been stopped in his professional career.
        """)

    /// Another title defence of the same champion, with the same trainer: its lead names only the champion (no new
    /// subject), but its headline names five things the first fight never had.
    static func kwame(headline: String = "Viktor Hale stops Dario Kwame at Elbe Arena in Hamburg on May 9") -> Article {
        Stories.article("kwame-1", hours: 30, headline, """
            Viktor Hale defended his heavyweight belts with a stoppage in the fourth round, his trainer Lou Brandt said.

            The champion dropped his opponent with a left hook and the referee stepped in.

            Dario Kwame, the challenger, had won all of his 22 fights before the bout at Elbe Arena in Hamburg on \
            May 9, which drew 11,000 fans.
            """)
    }

    static let pikeRematch = Stories.article("pike-2", hours: 40, "Omar Pike says he will fight Viktor Hale again", """
        Omar Pike said he would ask for a rematch with Viktor Hale after losing in the sixth round in front of a sell-out crowd.

        Pike, who had never been stopped before, said the referee waved the fight off too early.
        """)

    static let kwameRematch = Stories.article("kwame-2", hours: 40.5, "Kwame's camp wants a rematch with Viktor Hale", """
        Dario Kwame will ask for a rematch with Viktor Hale, his manager said.

        Kwame said the referee waved the fight off too early in front of a sell-out crowd.
        """)

    @Test func anOpeningLineOfNewOpponentPlaceAndDateOpensItsOwnEvent() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged([Self.pike, Self.kwame()], trace: trace)
        #expect(v[1].verdict == .newEvent, "\(trace.lines)")
        #expect(trace.lines.contains { $0.contains("5 new lead arguments") }, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("new subject") }, "the lead is about the event's own champion")
        // Without the rule it clears the bar by half again and joins the first fight.
        var off = CoverageOptions()
        off.newArgumentsFactor = 1
        let w = try Stories.judged([Self.pike, Self.kwame()], options: off)
        #expect(w[1].eventID == w[0].eventID)
    }

    @Test func aFollowUpWhoseHeadlineRestatesTheEventIsNotWeighedDown() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged([Self.pike, Self.kwame(headline: "Viktor Hale keeps his belts with a fourth-round stoppage")], trace: trace)
        #expect(v[1].eventID == v[0].eventID, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("new lead arguments") })
    }

    /// The first fight's event was updated half an hour before, so its bar is at the floor and the second fight's
    /// follow-up clears it by the larger multiple; it clears its own event's bar by well over half again and is
    /// more similar to it, and joins it.
    @Test func aLaterArticleFollowsTheEventItIsMostSimilarToAmongThoseItClearly() throws {
        let articles = [Self.pike, Self.kwame(), Self.pikeRematch, Self.kwameRematch]
        let trace = JudgeTrace()
        let v = try Stories.judged(articles, trace: trace)
        #expect(v[1].verdict == .newEvent)
        #expect(v[2].eventID == v[0].eventID)
        #expect(v[3].eventID == v[1].eventID, "\(trace.lines)")
        // By the multiple of the bar alone it joins the first fight's event.
        var off = CoverageOptions()
        off.clearMargin = .infinity
        let w = try Stories.judged(articles, options: off)
        #expect(w[1].verdict == .newEvent)
        #expect(w[3].eventID == w[0].eventID)
    }

    /// The event `CandidateChoice` picks among candidates given as (similarity, needed), in order.
    private func chosen(_ candidates: [(similarity: Double, needed: Double)]) -> Int? {
        var choice = CandidateChoice(clearMargin: 1.5)
        for (i, c) in candidates.enumerated() { choice.offer(i, similarity: c.similarity, needed: c.needed) }
        return choice.chosen
    }

    @Test func theChoiceTakesTheMostSimilarOfTheClearlyClearedElseTheLargestMultiple() {
        // Cleared by 3.3 and 2.6 times: the more similar one, although the other's multiple is larger.
        #expect(chosen([(0.35, 0.106), (0.41, 0.155)]) == 1)
        // Only one cleared by half again: that one, though the other is more similar.
        #expect(chosen([(0.30, 0.25), (0.20, 0.12)]) == 1)
        // None cleared that clearly (1.14 and 1.46 times): the largest multiple, not the more similar.
        #expect(chosen([(0.277, 0.244), (0.171, 0.117)]) == 1)
        // Under every bar: none.
        #expect(chosen([(0.10, 0.18)]) == nil)
    }
}
