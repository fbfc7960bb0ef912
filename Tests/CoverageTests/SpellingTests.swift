import Coverage
import Foundation
import Testing

/// One fact written in several ways is one fact: amounts, fractions, lengths of time, hyphenation, capitals
/// that are typography, a capital inside a known quotation, a one-letter slip in a long name, the acronym of a
/// title spelled out before. Sentences written for these tests.
@Suite struct SpellingTests {
    private func labels(_ s: String) -> Set<String> { Set(FactExtractor.units(of: s).map(\.label)) }

    @Test func amountsWrittenWithAMultiplierAreOneNumber() {
        for s in ["The firm was fined £4m on Friday.", "The firm was fined £4million on Friday.",
                  "The firm was fined 4 million pounds on Friday.", "The firm was fined £4,000,000 on Friday."] {
            #expect(labels(s).contains("number:4000000"), "\(s): \(labels(s))")
        }
        #expect(labels("Sales reached $2.5bn.").contains("number:2500000000"))
        #expect(labels("Four million people voted.").contains("number:4000000"))
    }

    @Test func fractionsInDigitsAndWordsAreOneNumber() {
        for s in ["The work took 2½ years.", "The work took two and a half years.", "The work took two-and-a-half years.",
                  "The work took 2.5 years."] {
            #expect(labels(s).contains("number:2.5"), "\(s): \(labels(s))")
        }
        #expect(labels("About ¾ of voters agreed.").contains("number:0.75"))
        #expect(!labels("Two teams and a half-time show.").contains("number:2.5"))
    }

    @Test func fractionsWithASlashAreOneNumber() {
        // "3 1/2", and "31/2": a "3½" whose sign became "1/2" run together with the whole number (plain text, OCR).
        for s in ["He was jailed for 3 1/2 years.", "He was jailed for 31/2 years.", "He was jailed for 3½ years."] {
            #expect(labels(s).contains("number:3.5"), "\(s): \(labels(s))")
            #expect(labels(s).contains("number:3.5 year"), "\(s): \(labels(s))")
            #expect(!labels(s).contains("number:31"), "\(s): \(labels(s))")
        }
        #expect(labels("About 1/4 of voters agreed.").contains("number:0.25"))
        #expect(labels("The race was 23/4 miles.").contains("number:2.75"))
        // Not fractions: a ratio, a date, a denominator of two digits.
        #expect(labels("Open 24/7 since March.").contains("number:24"))
        #expect(labels("It was filed on 11/2/2019 in Leeds.").contains("number:11"))
        #expect(labels("He scored 31/22 on the test.").contains("number:31"))
    }

    @Test func twoCapitalsAfterANameSayWhatKindNotWho() {
        let l = labels("The presenter of the Top Gear TV show quit.")
        #expect(l.contains("word:tv"), "\(l)")
        #expect(!l.contains("name:tv"), "\(l)")
        #expect(l.contains("name:gear"), "\(l)")
        #expect(labels("The Labour MP Jane Doe resigned.").contains("word:mp"))
        // Standing alone, two capitals name a party; three or more stay an acronym anywhere.
        #expect(labels("The union welcomed the EC decision.").contains("name:ec"))
        #expect(labels("He told Radio BBC on Monday.").contains("name:bbc"))
    }

    @Test func aLengthOfTimeIsAFactOfItsOwnButAnAgeIsNot() {
        #expect(labels("He was jailed for three months.").contains("number:3 month"))
        #expect(labels("He was jailed for 3 months.").contains("number:3 month"))
        #expect(labels("The two-year inquiry ended.").contains("number:2 year"))
        #expect(!labels("The 74-year-old man was freed.").contains { $0.hasPrefix("number:74 ") })
        #expect(!labels("He met three officers.").contains { $0.hasPrefix("number:3 ") })
    }

    @Test func shoutedOpeningWordsAndHeadlinesAreNotNames() {
        let l = labels("A FERRYMAN who lost his licence was fined yesterday.")
        #expect(!l.contains("name:ferryman"))
        #expect(l.contains("word:ferryman"))
        // Capitalised elsewhere in the text, the shouted word is still the name it is there.
        let article = FactExtractor.analyze(title: "",
                                            text: "NORVIK Shipping was fined yesterday. The fine on Norvik Shipping was the largest.")
        #expect(article.sentences[0].units.contains { $0.kind == .name })
        // An acronym opening an ordinary sentence is shouted only if nothing else: "BA" capitalised nowhere else.
        #expect(labels("Police in Leeds arrested a man.").contains("name:leeds"))
    }

    private func judged(_ texts: [String]) throws -> [TopicVerdict] {
        try Stories.judgedInOrder(texts, title: "Harbour master fined")
    }

    private let opening = "Harbour master Edmund Grimsdale of Tolworth was fined at Carrow Crown Court on Monday."

    @Test func hyphenatedAndJoinedCompoundsAreOneWord() throws {
        let v = try judged([opening + " His lawyer said police had over-reacted to the complaint.",
                            "Police overreacted to the complaint, Grimsdale's lawyer said."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        let w = try judged([opening + " His lawyer said police had overreacted to the complaint.",
                            "Police over-reacted to the complaint, Grimsdale's lawyer said."])
        #expect(w[1].verdict == .noNewFacts, "\(w[1].newFacts)")
    }

    @Test func aCapitalInsideAKnownQuotationIsNoNewName() throws {
        let v = try judged([opening + " He told the court the harbour was \"run by the old guard\".",
                            "Grimsdale said the harbour was \"run by the Old Guard\"."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
    }

    @Test func aOneLetterSlipInALongKnownNameIsNoNewName() throws {
        let v = try judged([opening, "Edmund Grimsdal of Tolworth was fined at Carrow Crown Court."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        // Another name is news.
        let w = try judged([opening, "Edmund Grimsdale and Alfred Pemberton were fined at Carrow Crown Court."])
        #expect(w[1].verdict == .newFacts)
    }

    @Test func aSlashedOrRunTogetherFractionOfAKnownTermIsNoNewFact() throws {
        let v = try judged([opening + " He was jailed for 2½ years.", "Grimsdale was jailed for 21/2 years at Carrow Crown Court."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        let w = try judged([opening + " He was jailed for 2½ years.", "Grimsdale was jailed for 2 1/2 years at Carrow Crown Court."])
        #expect(w[1].verdict == .noNewFacts, "\(w[1].newFacts)")
        let x = try judged([opening + " He was jailed for 2½ years.", "Grimsdale was jailed for 31/2 years at Carrow Crown Court."])
        #expect(x[1].verdict == .newFacts, "another term is news")
    }

    @Test func twoCapitalsAfterAKnownNameAreNoNewFact() throws {
        let v = try judged([opening + " He presents the Harbour Watch programme.",
                            "Harbour Watch TV presenter Edmund Grimsdale was fined at Carrow Crown Court."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        let w = try judged([opening, "The EC fined Edmund Grimsdale at Carrow Crown Court."])
        #expect(w[1].verdict == .newFacts, "two capitals standing alone name a party")
    }

    @Test func aFirstNameWithADemonymsEndingIsAName() {
        #expect(labels("The court heard that Adrian Littlewood shot him.").contains("name:adrian"))
        #expect(labels("Police said Damian Rourke was arrested.").contains("name:damian"))
        // Before a role, a body or an ordinary word, the demonym stays an adjective.
        #expect(labels("The jury heard from Indian Army officers.").contains("word:indian"))
        #expect(labels("He met British officials in Leeds.").contains("word:british"))
        #expect(labels("The Canadian Prime Minister spoke.").contains("word:canadian"))
    }

    @Test func aPeersTerritorialDesignationIsNoNewName() throws {
        let v = try judged([opening + " The harbour belongs to Lord Pemberton.",
                            "Grimsdale was fined at Carrow Crown Court over the harbour of Lord Pemberton of Wexcombe."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        // A peer's name that reads as an ordinary word (its ending is a demonym's) still carries its designation.
        let u = try judged([opening + " The harbour belongs to Lord Garnish.",
                            "Grimsdale was fined at Carrow Crown Court over the harbour of Lord Garnish of Wexcombe."])
        #expect(u[1].verdict == .noNewFacts, "\(u[1].newFacts)")
        // Not for a peer the event never named, nor for a place after any other name.
        let w = try judged([opening, "Grimsdale was fined at Carrow Crown Court over the harbour of Lord Pemberton of Wexcombe."])
        #expect(w[1].verdict == .newFacts)
        let x = try judged([opening, "Edmund Grimsdale of Wexcombe was fined at Carrow Crown Court."])
        #expect(x[1].verdict == .newFacts, "\(x[1].newFacts)")
    }

    @Test func theAcronymOfATitleSpelledOutIsNoNewName() throws {
        let v = try judged([opening + " The arrest was made by a woman police constable from Tolworth.",
                            "A WPC from Tolworth arrested Grimsdale, Carrow Crown Court heard."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        let w = try judged([opening, "A WPC from Tolworth arrested Grimsdale, Carrow Crown Court heard."])
        #expect(w[1].verdict == .newFacts, "an acronym never spelled out is new")
    }
}
