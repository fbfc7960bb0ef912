import Config
import Foundation
import Logging
import Store
import Support

/// Owes each digest e-mail sink one message per ended period, through the outbox: the digest is stored as an
/// "alert" whose id names the sink and the period's end (`digest:<sink>:<end>`), so the store's idempotent
/// enqueue makes each period owed exactly once per sink, across restarts and daemons; from there the outbox
/// delivers it like any alert (retries, backoff, status). Only the last ended period is owed: a daemon down for
/// a week sends one digest for the last period, not seven.
public final class DigestQueue: Sendable {
    private let store: any Store
    private let logger: Logger
    /// Period ends already handled per sink in this process (sent, or found empty), to skip re-reading.
    private let handled = Locked<[String: Date]>([:])
    /// Most alerts one digest reads.
    public static let alertLimit = 10_000
    /// A period's digest is made this long after the period ends: an alert stamped just before the end may still
    /// be in a poll cycle's open transaction at the end, and must be in the digest.
    public static let settleDelay: TimeInterval = 60

    public init(store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public static func digestID(sink: String, end: Date) -> String { "digest:\(sink):\(ISO8601Time.format(end))" }

    /// Enqueues the last ended period's digest of every digest sink that is not owed it yet.
    /// Returns the ids newly enqueued.
    @discardableResult
    public func enqueueDue(_ sinks: SinkSet, now: Date = Date()) async -> [String] {
        var enqueued: [String] = []
        for case .email(let name, let sink) in sinks.sinks where sink.settings.mode == .digest {
            let period = DigestSchedule(sink.settings).lastPeriod(before: now.addingTimeInterval(-Self.settleDelay))
            if handled.value[name] == period.end { continue }
            let id = Self.digestID(sink: name, end: period.end)
            let store = self.store
            do {
                let owed = try await Blocking.run { () -> Bool in
                    if try store.read({ try $0.alertExists(id: id) }) { return false }
                    let digest = try Self.digest(store: store, since: period.start, until: period.end, topics: sink.topics,
                                                 context: sink.context)
                    if digest.isEmpty && !sink.settings.sendEmpty { return false }
                    return try store.write { try !$0.enqueueAlert(id: id, created: now, sinks: [name], payload: digest.json()).isEmpty }
                }
                if owed {
                    enqueued.append(id)
                    logger.info("digest due", metadata: ["sink": "\(name)", "until": "\(ISO8601Time.format(period.end))"])
                }
                handled.withLock { $0[name] = period.end }
            } catch {
                logger.error("cannot prepare a digest; trying again on the next pass",
                             metadata: ["sink": "\(name)", "error": "\(error)"])
            }
        }
        return enqueued
    }

    /// The digest of the alerts created in [since, until) (the same one `tidings digest` prints).
    public static func digest(store: any Store, since: Date, until: Date, topics: Set<String>?,
                              context: MailContext) throws -> Digest {
        let rows = try store.read { try $0.alerts(createdFrom: since, until: until, limit: alertLimit) }
        return Digest.build(alerts: rows.compactMap { Alert(json: $0.payload) }, since: since, until: until,
                            topics: topics, context: context)
    }
}
