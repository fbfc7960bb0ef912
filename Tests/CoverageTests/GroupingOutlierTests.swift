@testable import Coverage
import Foundation
import Testing

/// An article far less similar to an event than the event's own follow-ups were, whose opening names what the event
/// never stated, is the other event of a look-alike pair (`CoverageOptions.outlierShare`). Articles written for these
/// tests: a food company's recall told three ways, then the same company's bakery hours later.
@Suite struct GroupingOutlierTests {
    static let recall = [
        Stories.article("jar-1", hours: 0, "Brightwell Foods recalls 40,000 jars of Sunmeadow peanut butter over salmonella", """
            Brightwell Foods said on Tuesday it was recalling 40,000 jars of its Sunmeadow peanut butter after salmonella \
            was found in a batch made at its Dorrington plant.

            The recall covers jars with best-before dates in March, the company said. Shoppers should return them to \
            the store for a refund.

            No illnesses have been reported, Brightwell said.
            """),
        Stories.article("jar-2", hours: 2, "Salmonella scare: check your cupboard for Sunmeadow", """
            Anyone who bought Sunmeadow spread this winter should look at the label: Brightwell Foods wants 40,000 jars \
            back because of salmonella.

            Health inspectors traced the bacteria to one production run in Dorrington. Stores will hand back the money. \
            So far nobody has become sick, according to inspectors.
            """),
        Stories.article("jar-3", hours: 4, "Dorrington factory at centre of Sunmeadow salmonella recall", """
            Inspectors spent the day at the Dorrington factory where Brightwell Foods makes Sunmeadow, after salmonella \
            turned up in a production run.

            Brightwell has asked for 40,000 jars to be returned. Workers said the line had been stopped since the \
            weekend while it was cleaned.
            """),
    ]

    /// The same company, hours later, about something else: its name carries the similarity past the bar, and its
    /// headline names a town and a number the recall never stated.
    static let bakery = Stories.article("plant-1", hours: 6, "Brightwell Foods to open a bakery in Harwick with 200 jobs", """
        Brightwell Foods will open a bakery next spring to make bread and biscuits for supermarkets in the north.

        The company said building work would start in the autumn.

        The site in Harwick was chosen for its rail links, finance director Mara Quint said.
        """)

    /// The same story under a headline that names nothing the recall did not: as far from the recall's usual
    /// similarity, but with no sign in its opening of another event.
    static let plainBakery = Stories.article("plant-0", hours: 6, "Brightwell Foods to open a bakery", """
        Brightwell Foods will open a bakery next spring, hiring 200 workers to make bread and biscuits for \
        supermarkets in the north.

        The site in Harwick was chosen for its rail links, finance director Mara Quint said.
        """)

    static let shelves = Stories.article("jar-4", hours: 6, "Supermarkets clear Sunmeadow from shelves", """
        Supermarkets across the region took Sunmeadow off their shelves on Wednesday as the salmonella recall widened \
        to smaller shops.

        Brightwell Foods said it had so far got back 12,000 of the 40,000 jars and that a second batch was being tested.
        """)

    @Test func aFarLessSimilarArticleOpeningWithWhatTheEventNeverStatedOpensItsOwnEvent() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged(Self.recall + [Self.bakery], trace: trace)
        #expect(v[1].eventID == v[0].eventID && v[2].eventID == v[0].eventID)
        #expect(v[3].verdict == .newEvent, "\(trace.lines)")
        #expect(trace.lines.contains { $0.contains("outlier") }, "\(trace.lines)")
        // Without the rule the company's name carries it past the bar and it joins the recall.
        var off = CoverageOptions()
        off.outlierFactor = 1
        let w = try Stories.judged(Self.recall + [Self.bakery], options: off)
        #expect(w[3].eventID == w[0].eventID)
    }

    @Test func aFollowUpInOtherWordsStillJoins() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged(Self.recall + [Self.shelves], trace: trace)
        #expect(v[3].eventID == v[0].eventID, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("outlier") })
    }

    /// Far below the usual similarity alone is no sign of another event: the later reports of a long event carry
    /// only its newest facts.
    @Test func theRuleNeedsAnOpeningThatNamesWhatTheEventNeverStated() throws {
        let trace = JudgeTrace()
        let v = try Stories.judged(Self.recall + [Self.plainBakery], trace: trace)
        #expect(v[3].eventID == v[0].eventID, "\(trace.lines)")
        #expect(!trace.lines.contains { $0.contains("outlier") })
    }

    /// Before any article joined, the event has no usual similarity and the rule does not apply.
    @Test func theRuleNeedsJoins() throws {
        let trace = JudgeTrace()
        _ = try Stories.judged([Self.recall[0], Self.bakery], trace: trace)
        #expect(!trace.lines.contains { $0.contains("outlier") }, "\(trace.lines)")
    }

    /// Copies say nothing of how far a report may stray: joins at `reprintSimilarity` or more are not counted.
    @Test func copiesAreNotCountedInTheUsualSimilarity() {
        var event = EventMemory(id: "e", topic: "t", title: "", firstSeen: Stories.day0)
        #expect(event.usualJoinSimilarity == nil)
        event.noteJoin(similarity: 0.97, reprintSimilarity: 0.8)
        #expect(event.usualJoinSimilarity == nil)
        event.noteJoin(similarity: 0.4, reprintSimilarity: 0.8)
        event.noteJoin(similarity: 0.6, reprintSimilarity: 0.8)
        #expect(abs((event.usualJoinSimilarity ?? 0) - 0.5) < 1e-9)
        // Saved and restored with the event.
        #expect(EventMemory(state: event.state).usualJoinSimilarity == event.usualJoinSimilarity)
    }
}
