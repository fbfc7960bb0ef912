import Coverage
import Testing

@Suite struct QueryParserAndMatcherTests {
    private func matches(_ query: String, _ text: String, title: String = "") throws -> Bool {
        try TopicQuery.parse(query).matches(title: title, text: text)
    }

    @Test func precedenceIsNotThenAndThenOr() throws {
        // a OR b AND NOT c  ==  a OR (b AND (NOT c))
        #expect(try matches("alpha OR beta AND NOT gamma", "alpha gamma"))
        #expect(try !matches("alpha OR beta AND NOT gamma", "beta gamma"))
        #expect(try matches("alpha OR beta AND NOT gamma", "beta delta"))
        #expect(try !matches("(alpha OR beta) AND NOT gamma", "alpha gamma"))
    }

    @Test func adjacencyMeansAnd() throws {
        #expect(try matches("reactor coolant", "the coolant of the reactor leaked"))
        #expect(try !matches("reactor coolant", "the reactor is fine"))
        #expect(try matches("reactor (coolant OR turbine) NOT drill", "reactor turbine"))
    }

    @Test func lowerCaseOperatorsAreWords() throws {
        // "or" in lower case is a term (adjacency = AND), not an operator.
        #expect(try !matches("apples or pears", "apples and pears"))
        #expect(try matches("apples or pears", "apples or pears"))
    }

    @Test func phrasesMatchConsecutiveTokens() throws {
        #expect(try matches("\"interest rate\"", "raised the interest rate today"))
        #expect(try !matches("\"interest rate\"", "interest in the rate"))
        #expect(try matches("\"New Delhi\"", "talks in New-Delhi ended"))
    }

    @Test func trailingStarMatchesPrefixes() throws {
        #expect(try matches("semiconductor*", "Semiconductors rallied"))
        #expect(try matches("semiconductor*", "a semiconductor plant"))
        #expect(try !matches("semiconductor*", "semi conductor"))
        #expect(try matches("\"export licen*\"", "an export licensing regime"))
    }

    @Test func wholeTokensOnly() throws {
        #expect(try !matches("India", "Indiana and Indians and Indo-Pacific"))
        #expect(try !matches("defence", "defensive, defended, defending"))
        #expect(try matches("India AND US", "the India-US partnership"))
        #expect(try matches("India", "India's army"))
    }

    @Test func allCapsTermsAreCaseSensitive() throws {
        #expect(try !matches("US", "let us go"))
        #expect(try matches("US", "the US said"))
        #expect(try matches("us", "the US said"))
        #expect(try matches("FOMC", "The FOMC met"))
        #expect(try !matches("FOMC", "the fomc met"))
        #expect(try matches("nvidia", "NVIDIA results"))
    }

    @Test func dottedAcronymsFold() throws {
        #expect(try matches("US", "the U.S. Army"))
        #expect(try matches("EU", "E.U. rules"))
        #expect(try matches("US", "U.S.-made engines"))
        #expect(try matches("\"U.S. Army\"", "the US Army"))
        // One letter and a dot is an initial, not an acronym.
        #expect(try !matches("SJ", "S. J. Smith"))
    }

    @Test func titleAndTextAreBothSearched() throws {
        let q = try TopicQuery.parse("Hegseth AND Rajnath")
        #expect(q.matches(title: "Hegseth calls", text: "Rajnath answered"))
        #expect(!q.matches(title: "Hegseth calls", text: "nobody answered"))
    }

    @Test(arguments: [
        ("", 1, "empty"),
        ("alpha AND", 10, "ends too early"),
        ("(alpha OR beta", 1, "never closed"),
        ("alpha OR beta)", 14, "without a matching"),
        ("alpha \"open phrase", 7, "not closed"),
        ("AND alpha", 1, "needs a term on its left"),
        ("alpha OR OR beta", 10, "needs a term on its left"),
        ("alpha ()", 8, "term is missing before )"),
        ("alpha AND ***", 11, "no letters or digits"),
        ("NOT", 4, "ends too early"),
    ])
    func malformedQueriesNameTheColumn(query: String, column: Int, fragment: String) {
        #expect {
            _ = try TopicQuery.parse(query)
        } throws: { error in
            guard let error = error as? QueryError else { return false }
            return error.position == column && error.message.contains(fragment)
        }
    }

    @Test func topicErrorsNameTheTopic() {
        #expect {
            _ = try Topic(name: "fed-rates", queryText: "(Powell OR FOMC")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("fed-rates") && text.contains("column 1")
        }
    }
}
