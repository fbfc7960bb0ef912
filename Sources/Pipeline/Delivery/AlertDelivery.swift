import Config
import Feeds
import Foundation
import Logging
import Store
import Synchronization

/// Drains the outbox, per sink, at least once: claim a batch (a lease other daemons respect), deliver, then mark
/// each alert delivered — or failed with the next attempt from `RetryPolicy`, or failed for good after
/// `give_up_after`. An outcome the store cannot take when it happens (a store outage between delivering and
/// marking) is kept and recorded at the sink's next pass, so a store that comes back within the claim's lease gets
/// it and the alert is not sent again. Only a crash or a stop before then leaves the claim to expire and the alert
/// to be sent again under the same id; receivers drop repeats by id.
public final class AlertDelivery: Sendable {
    public let store: any Store
    public let fetcher: Fetcher
    public let owner: String
    private let logger: Logger
    public static let batchSize = 100
    public static let claimLease: TimeInterval = 120
    /// Webhook requests in flight per sink.
    public static let parallelRequests = 8
    public static let requestTimeout: TimeInterval = 30
    /// How long one webhook request or SMTP session may take (`requestTimeout` unless a test asks for less).
    public let requestTimeout: TimeInterval
    /// Webhook alerts per claim: as many as `parallelRequests` can send in three rounds, so a batch against a
    /// receiver that accepts and never answers (every request running into its timeout) still ends inside the
    /// claim's lease and no other daemon takes it over midway.
    public static let webhookBatchSize = parallelRequests * 3
    /// E-mails are sent one after another, each up to `requestTimeout`: a batch small enough to finish inside
    /// its claim's lease even against a server that stalls every time, so no other daemon takes it over midway.
    public static let emailBatchSize = 3

    /// Owes digest e-mail sinks their periods' messages (checked on every pass, cheaply).
    public let digests: DigestQueue
    /// The daemon's shared view of the store's health; nil: claim failures are logged each time.
    private let outage: StoreOutage?
    /// Per sink, outcomes of deliveries that happened while the store could not record them, oldest first. At most
    /// one batch per sink: while they wait the store is down, and claiming the next batch fails too.
    private let unrecorded = Mutex<[String: [Outcome]]>([:])

    /// What one delivery attempt came to, as the outbox records it.
    struct Outcome: Sendable {
        let alertID: String
        /// nil: delivered.
        let error: String?
        /// With an error: when to try again; nil: failed for good.
        let nextAttempt: Date?
        let at: Date
    }

    public init(store: any Store, fetcher: Fetcher, owner: String, logger: Logger,
                requestTimeout: TimeInterval = AlertDelivery.requestTimeout, outage: StoreOutage? = nil) {
        self.store = store
        self.outage = outage
        self.requestTimeout = requestTimeout
        self.fetcher = fetcher
        self.owner = owner
        self.logger = logger
        self.digests = DigestQueue(store: store, logger: logger)
    }

    public struct Report: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var claimed = 0
        /// Set when the store could not be asked for claims: how long to wait before asking again.
        public var storeBackoff: Duration?
        public init() {}
    }

    /// One pass over every sink: claims and delivers one batch each.
    public func deliverOnce(_ sinks: SinkSet) async -> Report {
        var report = Report()
        await digests.enqueueDue(sinks)
        await withTaskGroup(of: Report.self) { group in
            for sink in sinks.sinks { group.addTask { await self.deliverBatch(sink) } }
            for await part in group {
                report.delivered += part.delivered
                report.retrying += part.retrying
                report.failed += part.failed
                report.claimed += part.claimed
            }
        }
        return report
    }

    /// Delivers until nothing is claimable right now (used by `poll --once` and at shutdown-free moments).
    public func drain(_ sinks: SinkSet, maxPasses: Int = 1000) async -> Report {
        var total = Report()
        for _ in 0..<maxPasses {
            let report = await deliverOnce(sinks)
            total.delivered += report.delivered
            total.retrying += report.retrying
            total.failed += report.failed
            total.claimed += report.claimed
            if report.claimed == 0 || Task.isCancelled { break }
        }
        return total
    }

    /// Claims and delivers one batch for one sink. The daemon runs one loop of these per sink, so a sink that
    /// hangs holds back only its own alerts.
    public func deliverBatch(_ sink: SinkSet.Sink) async -> Report {
        let store = self.store, owner = self.owner, name = sink.name
        let now = Date()
        let limit: Int
        switch sink {
        case .email: limit = Self.emailBatchSize
        case .webhook: limit = Self.webhookBatchSize
        case .log: limit = Self.batchSize
        }
        var report = Report()
        await recordOwedOutcomes(sink: name, into: &report)
        let claims: [OutboxAlert]
        do {
            claims = try await Blocking.run {
                try store.claimAlerts(sink: name, now: now, limit: limit, owner: owner, leaseFor: Self.claimLease)
            }
        } catch {
            if let outage {
                report.storeBackoff = outage.failed(error, during: "claiming alerts for sink \(name)")
            } else {
                logger.error("cannot claim alerts", metadata: ["sink": "\(name)", "error": "\(error)"])
            }
            return report
        }
        outage?.succeeded()
        guard !claims.isEmpty else { return report }
        report.claimed = claims.count

        switch sink {
        case .log(_, let file, let giveUpAfter):
            let lines = claims.map(\.payload)
            do {
                try await Blocking.run { try file.append(lines) }
                for claim in claims { await settle(claim, sink: name, error: nil, retryAfter: nil, giveUpAfter: giveUpAfter, into: &report) }
            } catch {
                for claim in claims {
                    await settle(claim, sink: name, error: "\(error)", retryAfter: nil, giveUpAfter: giveUpAfter, into: &report)
                }
            }

        case .webhook(_, let settings):
            let outcomes = await withTaskGroup(of: (OutboxAlert, String?, TimeInterval?).self) { group in
                var results: [(OutboxAlert, String?, TimeInterval?)] = []
                var running = 0
                for claim in claims {
                    if running >= Self.parallelRequests, let done = await group.next() {
                        results.append(done)
                        running -= 1
                    }
                    running += 1
                    group.addTask { await self.post(claim, settings: settings) }
                }
                for await done in group { results.append(done) }
                return results
            }
            for (claim, error, retryAfter) in outcomes {
                await settle(claim, sink: name, error: error, retryAfter: retryAfter, giveUpAfter: settings.giveUpAfter, into: &report)
            }

        case .email(_, let email):
            // One SMTP session per message, in order: mail servers limit connections per client, and a thread's
            // messages read best when they arrive in the order they were judged.
            for claim in claims {
                if Task.isCancelled { break }
                let failure = await email.send(claim, timeout: requestTimeout)
                switch failure {
                case nil:
                    await settle(claim, sink: name, error: nil, retryAfter: nil, giveUpAfter: email.settings.giveUpAfter, into: &report)
                case .transient(let why)?:
                    await settle(claim, sink: name, error: why, retryAfter: nil, giveUpAfter: email.settings.giveUpAfter, into: &report)
                case .permanent(let why)?:
                    await settle(claim, sink: name, error: why, retryAfter: nil, giveUpAfter: email.settings.giveUpAfter,
                                 permanent: true, into: &report)
                }
            }
        }
        return report
    }

    /// One webhook request; returns the error (nil: delivered) and any Retry-After.
    private func post(_ claim: OutboxAlert, settings: WebhookSettings) async -> (OutboxAlert, String?, TimeInterval?) {
        let body: String
        switch settings.format {
        case .json: body = claim.payload
        case .slack:
            guard let alert = Alert(json: claim.payload) else { return (claim, "stored alert is not valid alert JSON", nil) }
            body = alert.renderSlack()
        }
        let headers = WebhookHeaders.make(alertID: claim.alertID, body: body, secret: settings.secret?.utf8Bytes,
                                          unixTime: Int(Date().timeIntervalSince1970))
        let result = await fetcher.post(url: settings.url, headers: headers.map { "\($0.0): \($0.1)" },
                                        body: Array(body.utf8), timeout: requestTimeout)
        if let failure = result.failure { return (claim, failure.description, failure.retryAfter ?? result.retryAfter) }
        if let status = result.status, !(200..<300).contains(status) { return (claim, "http \(status)", result.retryAfter) }
        return (claim, nil, nil)
    }

    /// `permanent`: the receiver refused for good (an SMTP 5xx): failed at once, no retry.
    private func settle(_ claim: OutboxAlert, sink: String, error: String?, retryAfter: TimeInterval?,
                        giveUpAfter: TimeInterval, permanent: Bool = false, into report: inout Report) async {
        let now = Date()
        var next: Date? = nil
        if let error {
            let decision = permanent ? .giveUp : RetryPolicy(giveUpAfter: giveUpAfter)
                .decide(attempt: claim.attempts, retryAfter: retryAfter, alertAge: now.timeIntervalSince(claim.created))
            if case .retry(let delay) = decision { next = now.addingTimeInterval(delay) }
            logger.warning(next == nil ? "alert delivery failed for good" : "alert delivery failed; will retry",
                           metadata: ["sink": "\(sink)", "alert": "\(claim.alertID)", "attempt": "\(claim.attempts)",
                                      "error": "\(error)"])
        }
        let outcome = Outcome(alertID: claim.alertID, error: error, nextAttempt: next, at: now)
        if let failure = await record(outcome, sink: sink, into: &report) {
            unrecorded.withLock { $0[sink, default: []].append(outcome) }
            logger.error("cannot record a delivery outcome; it is recorded when the store answers again (a stop before then sends the alert again once its claim expires)",
                         metadata: ["sink": "\(sink)", "alert": "\(claim.alertID)", "error": "\(failure)"])
        }
    }

    /// Writes an outcome to the outbox and counts it; the store's error when it could not (nothing counted).
    private func record(_ outcome: Outcome, sink: String, into report: inout Report) async -> (any Error)? {
        let store = self.store, owner = self.owner
        do {
            if let error = outcome.error {
                _ = try await Blocking.run {
                    try store.markFailed(alertID: outcome.alertID, sink: sink, owner: owner, error: error,
                                         nextAttempt: outcome.nextAttempt, now: outcome.at)
                }
                if outcome.nextAttempt == nil { report.failed += 1 } else { report.retrying += 1 }
                Metrics.shared.record(delivery: outcome.nextAttempt == nil ? "failed" : "retrying", sink: sink)
            } else {
                _ = try await Blocking.run { try store.markDelivered(alertID: outcome.alertID, sink: sink, owner: owner, now: outcome.at) }
                report.delivered += 1
                Metrics.shared.record(delivery: "delivered", sink: sink)
            }
            return nil
        } catch {
            return error
        }
    }

    /// Records the sink's outcomes that waited for the store, oldest first; at the first the store still cannot
    /// take, that one and the rest wait for the next pass. The claims are this daemon's until their lease ends, so
    /// nobody else has sent these alerts meanwhile; once a lease has ended the store keeps whoever claimed since.
    private func recordOwedOutcomes(sink: String, into report: inout Report) async {
        let owed = unrecorded.withLock { $0.removeValue(forKey: sink) ?? [] }
        for (index, outcome) in owed.enumerated() {
            if await record(outcome, sink: sink, into: &report) != nil {
                let rest = Array(owed[index...])
                unrecorded.withLock { $0[sink] = rest + ($0[sink] ?? []) }
                return
            }
        }
        if !owed.isEmpty {
            logger.notice("recorded delivery outcomes that waited for the store", metadata: ["sink": "\(sink)", "outcomes": "\(owed.count)"])
        }
    }
}
