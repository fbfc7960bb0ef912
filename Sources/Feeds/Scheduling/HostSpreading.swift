import Foundation

extension Scheduler {
    /// Staggers the start times of feeds that share a host so they do not arrive as one burst: within a host,
    /// each feed starts at least a (jittered) gap after the previous one, the gap shrinking so that the whole
    /// host's batch fits in `window`. Feeds of different hosts do not affect each other. Order within a host is
    /// kept (earliest due first, then the order given); a feed never starts before it is due. `host` is the
    /// host a feed is fetched from (`HTTPHeaderValues.hostKey(of:)`), `due` its next poll. Returns each feed's
    /// start time, in the order given, so the caller keeps its own records and compares.
    public static func staggeredStarts<Feed, R: RandomNumberGenerator>(
        of feeds: [Feed], host: (Feed) -> String, due: (Feed) -> Date, spacing: TimeInterval, window: TimeInterval,
        using rng: inout R
    ) -> [Date] {
        var starts = feeds.map(due)
        var byHost: [String: [Int]] = [:]
        for (index, feed) in feeds.enumerated() { byHost[host(feed), default: []].append(index) }
        // Hosts in sorted order: a seeded generator gives the same jitter to the same host every run.
        for name in byHost.keys.sorted() {
            let group = byHost[name]!.sorted { (starts[$0], $0) < (starts[$1], $1) }
            let gap = group.count > 1 ? min(spacing, max(0, window) / Double(group.count - 1)) : 0
            var previous: Date?
            for index in group {
                if let previous {
                    let jitteredGap = gap * Double.random(in: 0.5...1.0, using: &rng)
                    starts[index] = max(starts[index], previous.addingTimeInterval(jitteredGap))
                }
                previous = starts[index]
            }
        }
        return starts
    }
}
