import Foundation

/// A feed that is due, with the host it will be fetched from (`HTTPHeaderValues.hostKey(of:)`).
public struct DueFeed: Sendable, Hashable {
    public var key: String
    public var host: String
    public var due: Date

    public init(key: String, host: String, due: Date) {
        self.key = key
        self.host = host
        self.due = due
    }
}

extension Scheduler {
    /// Staggers the start times of feeds that share a host so they do not arrive as one burst: within a host,
    /// each feed starts at least a (jittered) gap after the previous one, the gap shrinking so that the whole
    /// host's batch fits in `window`. Feeds of different hosts do not affect each other. Order within a host is
    /// kept (earliest due first); a feed never starts before it is due.
    public static func stagger<R: RandomNumberGenerator>(_ feeds: [DueFeed], spacing: TimeInterval, window: TimeInterval,
                                                         using rng: inout R) -> [DueFeed] {
        var byHost: [String: [DueFeed]] = [:]
        for feed in feeds { byHost[feed.host, default: []].append(feed) }
        var staggered: [DueFeed] = []
        staggered.reserveCapacity(feeds.count)
        for host in byHost.keys.sorted() {
            let group = byHost[host]!.sorted { ($0.due, $0.key) < ($1.due, $1.key) }
            let gap = group.count > 1 ? min(spacing, max(0, window) / Double(group.count - 1)) : 0
            var previous: Date?
            for var feed in group {
                if let previous {
                    let jitteredGap = gap * Double.random(in: 0.5...1.0, using: &rng)
                    feed.due = max(feed.due, previous.addingTimeInterval(jitteredGap))
                }
                previous = feed.due
                staggered.append(feed)
            }
        }
        return staggered.sorted { ($0.due, $0.key) < ($1.due, $1.key) }
    }
}

/// SplitMix64: a small, fast, seedable generator so tests (and replays) get the same jitter every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
