@testable import Coverage
import Testing

@Suite struct TokenizerTests {
    @Test func tokensAreRunsOfLettersAndDigitsWithAcronymsFolded() {
        #expect(WordTokenizer.tokens(in: "India-US ties, U.S. and E.U. rules; F404-GE-IN20 engines.")
                == ["India", "US", "ties", "US", "and", "EU", "rules", "F404", "GE", "IN20", "engines"])
        #expect(WordTokenizer.tokens(in: "India's São Paulo café") == ["India", "s", "São", "Paulo", "café"])
    }
}

@Suite struct SentenceSplitterTests {
    private func split(_ text: String) -> [String] { SentenceSplitter.sentences(text) }

    @Test func abbreviationsAndInitialsDoNotEndSentences() {
        #expect(split("Mr. Singh met Dr. Rao on Jan. 5 at No. 10 Downing St. in London. They talked.")
                == ["Mr. Singh met Dr. Rao on Jan. 5 at No. 10 Downing St. in London.", "They talked."])
        #expect(split("S. Jaishankar met officials in the U.S. The talks went well.")
                == ["S. Jaishankar met officials in the U.S. The talks went well."])
        #expect(split("The vote was held in the U.K. on Friday. Results came later.")
                == ["The vote was held in the U.K. on Friday.", "Results came later."])
    }

    @Test func decimalsAndNumbersStayWhole() {
        #expect(split("Shares fell 6.9% to $5.5 billion. The index rose 1.2 points.")
                == ["Shares fell 6.9% to $5.5 billion.", "The index rose 1.2 points."])
    }

    @Test func quotesCloseWithTheirSentence() {
        #expect(split("\"We have made no decisions,\" Powell said. \"Risks remain.\" Markets fell.")
                == ["\"We have made no decisions,\" Powell said.", "\"Risks remain.\"", "Markets fell."])
        #expect(split("He said no. Then he left.") == ["He said no.", "Then he left."])
    }

    @Test func linesEmbeddedPostsAndBulletsAreSeparate() {
        let text = """
        Glad to speak with @SecDef today. Great call.
        — A Minister (@minister) July 1, 2025
        Key points:
        - Engines will arrive in March
        • A plant will open in 2027
        2. Talks resume next week
        """
        #expect(split(text) == [
            "Glad to speak with @SecDef today.", "Great call.", "— A Minister (@minister) July 1, 2025",
            "Key points:", "Engines will arrive in March", "A plant will open in 2027", "Talks resume next week",
        ])
    }

    @Test func agencyTagsSplitOff() {
        #expect(split("The jets are also flown by the Navy. -- PTI") == ["The jets are also flown by the Navy.", "-- PTI"])
    }
}

@Suite struct WordFormTests {
    @Test func britishAndAmericanSpellingsAreOne() {
        #expect(WordForms.key("defence") == WordForms.key("defense"))
        #expect(WordForms.key("licence") == WordForms.key("license"))
        #expect(WordForms.key("organised") == WordForms.key("organized"))
        #expect(WordForms.key("realise") == WordForms.key("realize"))
        #expect(WordForms.key("labour") == WordForms.key("labor"))
        #expect(WordForms.key("favoured") == WordForms.key("favored"))
        #expect(WordForms.key("centre") == WordForms.key("center"))
        #expect(WordForms.key("analyse") == WordForms.key("analyze"))
        #expect(WordForms.key("travelled") == WordForms.key("traveled"))
    }

    @Test func inflectionsJoinButDifferentWordsStayApart() {
        #expect(WordForms.key("chips") == WordForms.key("chip"))
        #expect(WordForms.key("delayed") == WordForms.key("delay"))
        #expect(WordForms.key("indefinitely") == WordForms.key("indefinite"))
        #expect(WordForms.key("deliveries") == WordForms.key("delivery"))
        #expect(WordForms.key("exercise") != WordForms.key("exercize"))
        #expect(WordForms.key("hour") == "hour")
        #expect(WordForms.key("promise") != WordForms.key("promize"))
    }

    @Test func foldingRemovesCaseAndDiacritics() {
        #expect("Café Zürich".foldedForMatching == "cafe zurich")
        #expect("ASCII".foldedForMatching == "ascii")
    }
}

@Suite struct NameFormTests {
    @Test func anyFormOfAKnownNameIsKnownToTheFactIndex() {
        let first = Set(FactExtractor.units(of: "Defence Minister Rajnath Singh spoke to his counterpart.").map(\.key))
        for form in ["Shri Rajnath Singh called again.", "Mr. Singh called again.", "Rajnath Singh called again.",
                     "The call with Rajnath went well."] {
            let names = FactExtractor.units(of: form).filter { $0.kind == .name }
            #expect(!names.isEmpty, "\(form)")
            #expect(names.allSatisfy { first.contains($0.key) }, "\(form)")
        }
    }
}

@Suite struct FactUnitTests {
    private func labels(_ s: String) -> Set<String> { Set(FactExtractor.units(of: s).map(\.label)) }

    @Test func numbersDatesNamesAndCodes() {
        let l = labels("The Army received 18,000 H20s worth $5.5bn from Boeing on July 22, 2025.")
        #expect(l.contains("number:18000"))
        #expect(l.contains("code:h20"))
        #expect(l.contains("number:5500000000"))  // $5.5bn is one amount: 5.5 billion
        #expect(l.contains("name:boeing"))
        #expect(l.contains("date:july-22"))
        #expect(l.contains("number:2025"))
        #expect(!l.contains("number:22"))
    }

    @Test func numberWordsEqualDigits() {
        let words = FactExtractor.units(of: "They spoke three times about seven teams.").filter { $0.kind == .numberWord }
        let digits = FactExtractor.units(of: "They spoke 3 times about 7 teams.").filter { $0.kind == .number }
        #expect(Set(words.map(\.key)) == Set(digits.map(\.key)))
    }

    @Test func attributionIsNotPartOfTheFact() {
        let l = labels("The helicopters will be based in Jodhpur, a PIB press release said.")
        #expect(l.contains("name:jodhpur"))
        #expect(!l.contains("name:pib"))
        let m = labels("According to Reuters, the plant will close in 2027.")
        #expect(!m.contains("name:reuters"))
        #expect(m.contains("number:2027"))
    }

    @Test func datelinesBylinesAndCreditsStateNoFact() {
        let article = FactExtractor.analyze(title: "Headline", text: """
            SAN FRANCISCO (Reuters) - The company cut 4,000 jobs on Tuesday.

            Credit: PTI, Reuters

            (Reporting by Jane Doe; Editing by John Roe)

            New Delhi [India], July 22 (ANI): The Army received three helicopters.
            """)
        let facts = article.sentences.filter(\.isFact).map(\.text)
        #expect(facts == ["The company cut 4,000 jobs on Tuesday.", "The Army received three helicopters."])
    }
}
