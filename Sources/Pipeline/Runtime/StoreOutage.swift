import Foundation
import Logging
import Synchronization

/// Whether the store answers (PostgreSQL reachable, SQLite writable), shared by the daemon's loops (polling, each sink's delivery, the heartbeat): an
/// outage (PostgreSQL restarted, stopped or unreachable) is logged once when it starts and once when it ends,
/// instead of by every loop on every retry, and the loops back off while it lasts. The store reconnects by itself
/// (`PostgresStore` opens a fresh connection per attempt); nothing is lost meanwhile: a cycle whose writes failed
/// recorded nothing, so its feeds' items are taken in again once their leases end, and undelivered alerts stay in
/// the outbox.
public final class StoreOutage: Sendable {
    private struct State {
        var failures = 0
        var since: Date?
    }

    private let state = Mutex(State())
    private let logger: Logger
    public static let firstBackoff: Duration = .seconds(1)
    public static let maximumBackoff: Duration = .seconds(30)

    public init(logger: Logger) { self.logger = logger }

    public var isDown: Bool { state.withLock { $0.since != nil } }

    /// Records a failed store request; returns how long the caller waits before trying again.
    public func failed(_ error: any Error, during work: String) -> Duration {
        let (first, failures) = state.withLock { state -> (Bool, Int) in
            state.failures += 1
            if state.since == nil {
                state.since = Date()
                return (true, state.failures)
            }
            return (false, state.failures)
        }
        if first {
            logger.error("store unavailable; retrying with backoff", metadata: ["during": "\(work)", "error": "\(error)"])
        } else {
            logger.debug("store still unavailable", metadata: ["during": "\(work)", "error": "\(error)"])
        }
        return Self.backoff(afterFailures: failures)
    }

    /// Records a store request that worked; ends an outage.
    public func succeeded() {
        let ended = state.withLock { state -> (Date, Int)? in
            guard let since = state.since else { return nil }
            defer { state = State() }
            return (since, state.failures)
        }
        if let (since, failures) = ended {
            logger.notice("store available again", metadata: [
                "outage_seconds": "\(Int(Date().timeIntervalSince(since).rounded()))", "failed_requests": "\(failures)",
            ])
        }
    }

    /// 1 s, doubling per failure, at most 30 s.
    public static func backoff(afterFailures failures: Int) -> Duration {
        let doublings = min(max(failures - 1, 0), 10)
        return min(firstBackoff * (1 << doublings), maximumBackoff)
    }
}
