@testable import Coverage
import Support
import Testing

/// The speed pass replaced general code with fast paths (tokens without Strings, one-pass ASCII words, packed
/// integer sorting, a set emptied by generation, inline query leaves). Each fast path is checked here against
/// what the general code gives, on inputs chosen to reach both the fast and the slow branch.
@Suite struct TokenListTests {
    private func values(_ text: String) -> [String] {
        let list = TokenList(scanning: text)
        return list.withTokens { t in t.indices.map { t.string($0) } }
    }

    private func kinds(_ text: String) -> [RawToken.Kind] { TokenList(scanning: text).tokens.map(\.kind) }

    @Test func asciiWordsAreFoldedAndHashedLikeTheirStrings() {
        let list = TokenList(scanning: "Kestrel DYNAMICS recalled drones")
        list.withTokens { t in
            #expect(t.indices.map { t.string($0) } == ["kestrel", "dynamics", "recalled", "drones"])
            for i in t.indices { #expect(t[i].hash == StableHash.hash(t.string(i))) }
            #expect(t[0].startsUpper && !t[0].allUpper)
            #expect(t[1].startsUpper && t[1].allUpper)
            #expect(!t[2].startsUpper && !t[2].allUpper)
        }
    }

    @Test func wordsBeyondAsciiTakeTheGeneralPathAndFoldDiacritics() {
        let list = TokenList(scanning: "Zürich café São")
        list.withTokens { t in
            #expect(t.indices.map { t.string($0) } == ["zurich", "cafe", "sao"])
            for i in t.indices { #expect(t[i].hash == StableHash.hash(t.string(i))) }
            #expect(t[0].startsUpper && !t[1].startsUpper)
        }
    }

    @Test func numbersAreNormalisedInPlace() {
        #expect(values("18,000 4.50 4.00 07 0.250 1.2.30") == ["18000", "4.5", "4", "7", "0.25", "1.2.3"])
        #expect(kinds("18,000 4.50") == [.number, .number])
    }

    @Test func ordinalsAndMultipliersStayNumbersAndCodesKeepTheirDigits() {
        let list = TokenList(scanning: "the 5th call, $5.5bn deal, 737s and H20 chips, MI308s")
        list.withTokens { t in
            let pairs = t.indices.map { (t[$0].kind, t.string($0)) }
            #expect(pairs.contains { $0 == (.number, "5") })
            let billions = t.indices.filter { t.string($0) == "5.5" }
            #expect(billions.count == 1)
            #expect(Lexicon.multiplierNames[Int(t[billions[0]].multiplier) - 1] == "billion")
            #expect(pairs.contains { $0 == (.code, "737") })    // a plural of a code is the code
            #expect(pairs.contains { $0 == (.code, "h20") })
            #expect(pairs.contains { $0 == (.code, "mi308") })
        }
    }

    @Test func acronymsUrlsAndClauseMarksAreRecorded() {
        let list = TokenList(scanning: "U.S. officials, see https://example.org/x, said \"no deal\" today")
        list.withTokens { t in
            #expect(t.indices.map { t.string($0) } == ["us", "officials", "see", "said", "no", "deal", "today"])
            #expect(t[0].allUpper)
            #expect(t[2].clauseBreakBefore)   // after the comma
            #expect(t[4].inQuote && t[5].inQuote && !t[6].inQuote)
        }
    }

    @Test func tokensOfSeveralSentencesShareOneBuffer() {
        var list = TokenList()
        let first = list.scan(ScalarText.scalars(of: "Alpha beta.")[...])
        let second = list.scan(ScalarText.scalars(of: "Gamma 42")[...])
        #expect(first == 0..<2 && second == 2..<4)
        list.withTokens(second) { t in
            #expect(t.count == 2)
            #expect(t.string(0) == "gamma" && t.string(1) == "42")
            #expect(t[0].initial)  // each scan starts a sentence
        }
    }
}

@Suite struct ScratchSetTests {
    // `#expect` cannot take a mutating call, so results are read into locals first.
    @Test func insertReportsNewKeysAndRemoveAllEmptiesIt() {
        var set = ScratchSet()
        let first = set.insert(7), again = set.insert(7), zero = set.insert(0)
        #expect(first && !again && zero)
        set.removeAll()
        let afterClear = set.insert(7), zeroAfterClear = set.insert(0)
        #expect(afterClear && zeroAfterClear)
    }

    @Test func growingKeepsEveryKeyOfTheCurrentGeneration() {
        var set = ScratchSet()
        _ = set.insert(1)
        set.removeAll()
        let keys = (1...500).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let fresh = keys.map { set.insert($0) }
        let repeated = keys.map { set.insert($0) }
        #expect(fresh.allSatisfy { $0 })
        #expect(repeated.allSatisfy { !$0 })
        let old = set.insert(1)  // from the generation emptied before growing
        #expect(old)
    }
}

@Suite struct GroupingOrderTests {
    @Test func packedSortGivesTheStableDescendingOrder() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            // Few distinct weights, so ties are common and stability shows.
            let vector = (0..<Int.random(in: 0...300, using: &generator)).map { i in
                (key: UInt64(i), weight: Float(Int.random(in: 1...20, using: &generator)) / 7)
            }
            let expected = vector.enumerated().sorted { a, b in
                a.element.weight > b.element.weight || (a.element.weight == b.element.weight && a.offset < b.offset)
            }.map(\.element)
            let sorted = CoverageEngine.sortedByWeight(vector)
            #expect(sorted.map(\.key) == expected.map(\.key))
            #expect(sorted.map(\.weight) == expected.map(\.weight))
        }
    }

    @Test func zeroOrNonFiniteWeightsFallBackToTheGeneralSort() {
        let vector: [(key: UInt64, weight: Float)] = [(1, 0.5), (2, 0), (3, .infinity), (4, 0.5)]
        #expect(CoverageEngine.sortedByWeight(vector).map(\.key) == [3, 1, 4, 2])
    }
}

@Suite struct QueryLeafTests {
    private func matches(_ query: String, _ text: String) throws -> Bool {
        try TopicQuery.parse(query).matches(title: "", text: text)
    }

    @Test func singleWordLeavesAnsweredInlineAgreeWithTheGeneralPath() throws {
        // Plain words (inline leaves) mixed with a case-sensitive word, a prefix and a phrase (general path),
        // under AND, OR and NOT.
        let q = "(alpha OR beta OR \"gamma delta\") AND (epsil* OR ZETA) AND NOT eta"
        #expect(try matches(q, "Alpha and epsilons"))
        #expect(try matches(q, "gamma delta ZETA"))
        #expect(try !matches(q, "gamma then delta ZETA"))
        #expect(try !matches(q, "beta zeta"))              // ZETA is case-sensitive
        #expect(try !matches(q, "beta ZETA and Eta"))       // eta is not
        #expect(try matches("NOT alpha", "beta"))
        #expect(try !matches("NOT alpha", "ALPHA"))
        #expect(try matches("alpha beta", "beta, then alpha"))
    }
}

@Suite struct IntegerSortTests {
    @Test func sortsLikeTheStandardSortAtEverySize() {
        var generator = SystemRandomNumberGenerator()
        for n in [0, 1, 2, 3, 15, 16, 17, 40, 300, 2000] {
            var values = Set<UInt64>()
            while values.count < n { values.insert(UInt64.random(in: 0...UInt64.max, using: &generator)) }
            var shuffled = Array(values)
            shuffled.shuffle(using: &generator)
            for input in [shuffled, shuffled.sorted(), shuffled.sorted(by: >)] {
                var a = input
                a.withUnsafeMutableBufferPointer { IntegerSort.sort($0, depthLimit: 128) }
                #expect(a == input.sorted())
                var limited = input
                limited.withUnsafeMutableBufferPointer { IntegerSort.sort($0, depthLimit: 1) }
                #expect(limited == input.sorted())
            }
        }
    }
}

@Suite struct HashTableTests {
    @Test func insertIfAbsentAndUpdateAgreeWithADictionary() {
        var map = UInt64Map<UInt32>(minimumCapacity: 4)
        var reference: [UInt64: UInt32] = [:]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let key = UInt64.random(in: 0...400, using: &generator)  // 0 included: kept aside by the table
            if Bool.random(using: &generator) {
                let added = map.insertIfAbsent(key, 7)
                #expect(added == (reference[key] == nil))
                if reference[key] == nil { reference[key] = 7 }
            } else {
                map.update(key, initial: 0) { $0 &+ 1 }
                reference[key, default: 0] &+= 1
            }
        }
        #expect(map.count == reference.count)
        for (k, v) in reference { #expect(map[k] == v) }
    }
}
