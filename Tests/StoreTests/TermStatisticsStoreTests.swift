import Foundation
import Store
import Testing
import TestSupport

/// The coverage engine's term statistics live in the store beside the events, one opaque row per topic.
@Suite struct TermStatisticsStoreTests {
    @Test(arguments: Backend.allCases)
    func statisticsRoundTripPerTopicAndAreReplaced(_ backend: Backend) throws {
        try withStore(backend) { store, location in
            // Every byte value, and a payload past a page, so no text conversion or truncation can hide.
            let payload = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            try store.write { t in
                let (noVersion, noRecord) = (try t.termStatisticsVersion(topic: "storms"), try t.termStatistics(topic: "storms"))
                #expect(noVersion == nil)
                #expect(noRecord == nil)
                try t.saveTermStatistics(topic: "storms", version: -42, payload: payload)
                try t.saveTermStatistics(topic: "floods", version: 7, payload: Data([1, 2]))
            }
            // Another handle (separate connections) reads what was committed.
            let other = try location.open()
            defer { other.close() }
            let (version, storms, floods) = try other.read { r in
                (try r.termStatisticsVersion(topic: "storms"), try r.termStatistics(topic: "storms"),
                 try r.termStatistics(topic: "floods"))
            }
            #expect(version == -42)
            #expect(storms == payload)
            #expect(floods == Data([1, 2]))
            try other.write { t in
                try t.saveTermStatistics(topic: "storms", version: Int64.max, payload: Data([9]))
            }
            let (replaced, replacedVersion, floodsVersion) = try store.read { r in
                (try r.termStatistics(topic: "storms"), try r.termStatisticsVersion(topic: "storms"),
                 try r.termStatisticsVersion(topic: "floods"))
            }
            #expect(replaced == Data([9]))
            #expect(replacedVersion == Int64.max)
            #expect(floodsVersion == 7)
        }
    }

    @Test(arguments: Backend.allCases)
    func aFailedTransactionKeepsTheStatisticsItFound(_ backend: Backend) throws {
        struct Abort: Error {}
        try withStore(backend) { store, _ in
            try store.write { t in try t.saveTermStatistics(topic: "storms", version: 1, payload: Data([1])) }
            #expect(throws: Abort.self) {
                try store.write { t in
                    try t.saveTermStatistics(topic: "storms", version: 2, payload: Data([2]))
                    throw Abort()
                }
            }
            let kept = try store.read { r in try r.termStatistics(topic: "storms") }
            #expect(kept == Data([1]))
        }
    }
}
