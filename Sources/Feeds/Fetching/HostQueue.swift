/// Pending work grouped by host, handed out round-robin across hosts so that no host ever has more than its
/// limit in flight and one busy host cannot starve the others. O(1) per operation; confined to one thread.
struct HostQueue<Element> {
    private struct Host {
        var pending: [Element] = []
        var head = 0
        var inFlight = 0
        var isReady = false
        var hasPending: Bool { head < pending.count }
    }

    private var hosts: [String: Host] = [:]
    /// Hosts with pending work and a free slot, in the order they get their next turn.
    private var ready: [String] = []
    private var readyHead = 0
    private let limit: (String) -> Int
    private(set) var pendingCount = 0

    init(limit: @escaping (String) -> Int) { self.limit = limit }

    var isEmpty: Bool { pendingCount == 0 }

    mutating func enqueue(_ element: Element, host: String) {
        hosts[host, default: Host()].pending.append(element)
        pendingCount += 1
        markReadyIfEligible(host)
    }

    /// The next element whose host has a free slot; counts it as in flight until `finished(host:)`.
    mutating func next() -> (element: Element, host: String)? {
        while readyHead < ready.count {
            let host = ready[readyHead]
            readyHead += 1
            compactReadyIfWorthIt()
            guard var state = hosts[host] else { continue }
            state.isReady = false
            guard state.hasPending, state.inFlight < limit(host) else { hosts[host] = state; continue }
            let element = state.pending[state.head]
            state.head += 1
            if state.head > 256 && state.head * 2 > state.pending.count {
                state.pending.removeFirst(state.head)
                state.head = 0
            }
            state.inFlight += 1
            pendingCount -= 1
            hosts[host] = state
            markReadyIfEligible(host)
            return (element, host)
        }
        return nil
    }

    mutating func finished(host: String) {
        guard var state = hosts[host] else { return }
        state.inFlight = max(0, state.inFlight - 1)
        if !state.hasPending && state.inFlight == 0 {
            hosts[host] = nil
            return
        }
        hosts[host] = state
        markReadyIfEligible(host)
    }

    func inFlight(host: String) -> Int { hosts[host]?.inFlight ?? 0 }

    /// Removes and returns every pending element matching `predicate` (cancellation, shutdown).
    mutating func removeAll(where predicate: (Element) -> Bool) -> [Element] {
        var removed: [Element] = []
        for key in Array(hosts.keys) {
            guard var state = hosts[key] else { continue }
            let live = state.pending[state.head...]
            var kept: [Element] = []
            for element in live {
                if predicate(element) { removed.append(element) } else { kept.append(element) }
            }
            pendingCount -= live.count - kept.count
            state.pending = kept
            state.head = 0
            if kept.isEmpty && state.inFlight == 0 { hosts[key] = nil } else { hosts[key] = state }
        }
        return removed
    }

    private mutating func markReadyIfEligible(_ host: String) {
        guard var state = hosts[host], !state.isReady, state.hasPending, state.inFlight < limit(host) else { return }
        state.isReady = true
        hosts[host] = state
        ready.append(host)
    }

    private mutating func compactReadyIfWorthIt() {
        if readyHead > 1024 && readyHead * 2 > ready.count {
            ready.removeFirst(readyHead)
            readyHead = 0
        }
    }
}
