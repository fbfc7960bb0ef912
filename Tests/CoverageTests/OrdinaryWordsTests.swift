@testable import Coverage
import Foundation
import Testing

/// News told in ordinary words (no new name, number or date) inside a sentence that is otherwise known, and
/// quotations that run over several sentences. Sentences written for these tests.
@Suite struct OrdinaryWordsTests {
    private func judged(_ texts: [String], options: CoverageOptions = .init()) throws -> [TopicVerdict] {
        try Stories.judgedInOrder(texts, title: "Harbour master fined", options: options)
    }

    private let opening = "Harbour master Edmund Grimsdale of Tolworth was fined at Carrow Crown Court on Monday for letting an unsafe ferry sail."

    /// `follow`, after the opening, is news (reported alone) under `on` and a paraphrase under `off`.
    private func expectNews(_ follow: String, on: CoverageOptions = .init(), off: CoverageOptions = .init()) throws {
        let v = try judged([opening, follow], options: on)
        #expect(v[1].verdict == .newFacts, "\(v[1])")
        #expect(v[1].newFacts == [follow])
        let w = try judged([opening, follow], options: off)
        #expect(w[1].verdict == .noNewFacts, "\(w[1].newFacts)")
    }

    @Test func aNewPhraseInAMostlyKnownSentenceIsNews() throws {
        // Five new words side by side ("signed private compensation agreements with passengers") in a sentence of
        // nineteen units, the rest restated: under half new, no new clause, no new name or number.
        let follow = "Harbour master Edmund Grimsdale of Tolworth who was fined at Carrow Crown Court on Monday for letting an unsafe "
            + "ferry sail has signed private compensation agreements with passengers."
        // Without the run rule (a run longer than any sentence) it reads as a paraphrase.
        var off = CoverageOptions()
        off.minimumNewWordRun = 1_000
        try expectNews(follow, off: off)
    }

    @Test func aRewriteThatSwapsSingleWordsIsNoNews() throws {
        // New words, but each between known ones: another way of saying the known fact.
        let v = try judged([opening,
                            "Tolworth harbour master Edmund Grimsdale was penalised at Carrow Crown Court on Monday over letting an unsafe ferry leave."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
    }

    @Test func aRunShorterThanTheRuleIsNoNewsInALongKnownSentence() throws {
        // Three new words side by side ("sadly old vessel") in a long restatement stay a paraphrase.
        let v = try judged([opening,
                            "Harbour master Edmund Grimsdale of Tolworth was fined at Carrow Crown Court on Monday for letting the sadly old vessel, an unsafe ferry, sail."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
    }

    @Test func aNewPhraseInASentenceOfItsOwnIsNews() throws {
        // Three new words side by side ("carried rotten lifejackets") among known ones (Grimsdale, unsafe, ferry,
        // Tolworth, Monday): three of eight units, under every other rule. No three units in a row were stated
        // before, so the sentence is no rewrite of a known one.
        var off = CoverageOptions()
        off.minimumNewWordRunInNewWording = .max
        try expectNews("Grimsdale said the unsafe ferry from Tolworth carried rotten lifejackets on Monday.", off: off)
        // The same run inside a restatement that keeps the known wording ("Grimsdale of Tolworth was fined at Carrow
        // Crown Court") is a rewrite with a detail swapped in: no news.
        let x = try judged([opening,
                            "Harbour master Edmund Grimsdale of Tolworth was fined at Carrow Crown Court on Monday after an unsafe ferry carried rotten lifejackets."])
        #expect(x[1].verdict == .noNewFacts, "\(x[1].newFacts)")
    }

    @Test func aNewWordOrShortPhraseQuotedIsNews() throws {
        // One new quoted word in a sentence otherwise known: the speaker's own word is news.
        let v = try judged([opening + " Grimsdale told the court the ferry was safe.",
                            "Grimsdale told the court the ferry was \"seaworthy\"."])
        #expect(v[1].verdict == .newFacts, "\(v[1])")
        // The same word unquoted is one new word in a known sentence: a paraphrase.
        let w = try judged([opening + " Grimsdale told the court the ferry was safe.",
                            "Grimsdale told the court the ferry was seaworthy."])
        #expect(w[1].verdict == .noNewFacts, "\(w[1].newFacts)")
        // A quoted phrase the event already carried is no news.
        let x = try judged([opening + " Grimsdale called the inspection \"a farce\".",
                            "Grimsdale told Carrow Crown Court the inspection was \"a farce\"."])
        #expect(x[1].verdict == .noNewFacts, "\(x[1].newFacts)")
    }

    @Test func aOneLetterSlipInAShortQuoteIsNoNews() throws {
        // "smugglers" known; "smuggglers" (a letter doubled) quoted is the same word.
        let v = try judged([opening + " He said the port was open to smugglers.",
                            "Grimsdale said the port was open to \"smuggglers\"."])
        #expect(v[1].verdict == .noNewFacts, "\(v[1].newFacts)")
        // One letter away from a stop word ("haven" as in "haven't"): says nothing new.
        let w = try judged([opening + " He called the port a safe haven.",
                            "Grimsdale called the port a \"safe heaven\"."])
        #expect(w[1].verdict == .noNewFacts, "\(w[1].newFacts)")
    }

    @Test func aQuotationRunsOnOverTheSentencesOfItsParagraph() {
        let article = FactExtractor.analyze(title: "", text: """
            Grimsdale told the court: "The ferry passed every inspection that spring. Nobody on the harbour board ever \
            warned me about the hull." He was fined on Monday.

            His sister said: "We were told nothing.

            The board met again on Friday and approved the budget for the coming year.
            """)
        let texts = article.sentences.map(\.text)
        let inQuote = article.sentences.map { !$0.quotes.isEmpty }
        #expect(texts.count == 5, "\(texts)")
        // The second sentence carries no quotation mark at its start but is inside the quotation.
        #expect(texts[1].hasPrefix("Nobody"))
        #expect(inQuote[1], "\(texts[1])")
        // After the closing mark, outside again.
        #expect(!inQuote[2], "\(texts[2])")
        // A quotation left open at a paragraph's end does not run into the next paragraph.
        #expect(texts[4].hasPrefix("The board"))
        #expect(!inQuote[4], "\(texts[4])")
    }
}

/// Capitalised words that are not names: a role before a name, and the adjective a newspaper shouts before one.
/// Sentences written for these tests.
@Suite struct RoleAndShoutTests {
    private func labels(_ s: String) -> Set<String> { Set(FactExtractor.units(of: s).map(\.label)) }

    @Test func aRoleBeforeANameIsNoName() {
        let l = labels("The jury heard from Prosecutor Miriam Ashgrove and Detective Inspector Paul Renwick yesterday.")
        #expect(!l.contains("name:prosecutor"), "\(l)")
        #expect(!l.contains("name:detective") && !l.contains("name:inspector"), "\(l)")
        #expect(l.contains("name:ashgrove") && l.contains("name:renwick"), "\(l)")
    }

    @Test func aShoutedAdjectiveBeforeANameIsNoName() {
        let l = labels("FURIOUS Harold Venning stormed out of the council meeting.")
        #expect(!l.contains("name:furious"), "\(l)")
        #expect(l.contains("name:harold") && l.contains("name:venning"), "\(l)")
        // Capitalised at the start of an ordinary sentence, a word before a name is still read as part of it.
        #expect(labels("Harold Venning stormed out.").contains("name:harold"))
    }
}
