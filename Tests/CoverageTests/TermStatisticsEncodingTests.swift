@testable import Coverage
import Foundation
import Testing

/// The compact form the daemon stores the IDF table in (Sources/Pipeline/Cycle/CoverageJudge.swift).
@Suite struct TermStatisticsEncodingTests {
    static func keys(_ document: Int) -> [UInt64] {
        // Term k appears in every k-th document: frequencies from 1 to 40, plus one term of its own per document.
        (1...40).filter { document % $0 == 0 }.map { UInt64($0) } + [UInt64(1_000_000 + document)]
    }

    @Test func aTableRoundTripsWithEveryCountAndTheDocumentTotal() throws {
        var statistics = TermStatistics()
        for d in 1...400 { statistics.add(document: Self.keys(d)) }
        let restored = try #require(TermStatistics(encoded: statistics.encoded()))
        #expect(restored.documents == 400)
        #expect(restored.termCount == statistics.termCount)
        for key in Array(1...40).map(UInt64.init) + [1_000_001, 1_000_400, 5] {
            #expect(restored.idf(key) == statistics.idf(key), "term \(key)")
        }
        // Learning goes on identically from the restored table.
        var a = statistics, b = restored
        #expect(a.add(document: Self.keys(401)) == b.add(document: Self.keys(401)))
    }

    @Test func aHalvedTableRoundTrips() throws {
        var statistics = TermStatistics()
        statistics.capacity = 100
        for d in 1...300 { statistics.add(document: Self.keys(d)) }
        #expect(statistics.termCount <= 100)
        let restored = try #require(TermStatistics(encoded: statistics.encoded()))
        #expect(restored.documents == statistics.documents)
        for key in Array(1...40).map(UInt64.init) { #expect(restored.idf(key) == statistics.idf(key), "term \(key)") }
    }

    @Test func bytesThatAreNotTheFormAreRefused() {
        var statistics = TermStatistics()
        statistics.add(document: [1, 2, 3])
        let good = statistics.encoded()
        #expect(good.count == 16 + 3 * 12)
        #expect(TermStatistics(encoded: Data()) == nil)
        #expect(TermStatistics(encoded: good.dropLast()) == nil)
        #expect(TermStatistics(encoded: Data(good) + Data([0])) == nil)
        #expect(TermStatistics(encoded: Data("{\"documents\":1}".utf8)) == nil)
        var otherFormat = good
        otherFormat[0] ^= 0xFF
        #expect(TermStatistics(encoded: otherFormat) == nil)
    }
}
