import Foundation
import Synchronization

/// The daemon's own counters for `/metrics`: what the store cannot tell afterwards (fetch outcomes, cycle
/// durations, delivery attempts). Counted in process, so they start at zero with the process, as Prometheus
/// counters may. One lock, touched a few times per cycle and per delivery batch: never on a per-item path.
public final class Metrics: Sendable {
    public static let shared = Metrics()

    /// Upper bounds of `tidings_poll_cycle_seconds`' buckets (+Inf implied).
    public static let cycleBuckets: [Double] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    public struct Snapshot: Sendable, Equatable {
        /// result (`changed`, `not_modified`, `failed`) → count.
        public var fetches: [String: Int64] = [:]
        public var items: Int64 = 0
        /// (topic, verdict) → alerts made.
        public var alerts: [AlertKind: Int64] = [:]
        /// (sink, result) → delivery attempts (`delivered`, `retrying`, `failed`).
        public var deliveries: [DeliveryKind: Int64] = [:]
        /// Cumulative counts per bucket of `cycleBuckets`, then the +Inf count.
        public var cycleBucketCounts: [Int64] = Array(repeating: 0, count: Metrics.cycleBuckets.count)
        public var cycleCount: Int64 = 0
        public var cycleSum: Double = 0
    }

    public struct AlertKind: Sendable, Hashable, Comparable {
        public var topic: String
        public var verdict: String
        public init(topic: String, verdict: String) { self.topic = topic; self.verdict = verdict }
        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.topic, lhs.verdict) < (rhs.topic, rhs.verdict) }
    }

    public struct DeliveryKind: Sendable, Hashable, Comparable {
        public var sink: String
        public var result: String
        public init(sink: String, result: String) { self.sink = sink; self.result = result }
        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.sink, lhs.result) < (rhs.sink, rhs.result) }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// One poll cycle's outcome (only cycles that polled something).
    public func record(cycle summary: CycleSummary) {
        state.withLock { state in
            state.fetches["changed", default: 0] += Int64(summary.changed)
            state.fetches["not_modified", default: 0] += Int64(summary.notModified)
            state.fetches["failed", default: 0] += Int64(summary.failed)
            state.items += Int64(summary.newItems)
            for (kind, count) in summary.alertKinds { state.alerts[kind, default: 0] += Int64(count) }
            for (index, bound) in Self.cycleBuckets.enumerated() where summary.seconds <= bound {
                state.cycleBucketCounts[index] += 1
            }
            state.cycleCount += 1
            state.cycleSum += summary.seconds
        }
    }

    public func record(delivery result: String, sink: String) {
        state.withLock { $0.deliveries[DeliveryKind(sink: sink, result: result), default: 0] += 1 }
    }
}
