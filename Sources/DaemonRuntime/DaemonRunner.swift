import Config
import Foundation
import Logging
import Pipeline
import Store
import Support
import Synchronization

/// `tidings run`: poll, judge and deliver continuously until SIGTERM/SIGINT; reload on SIGHUP.
public final class DaemonRunner: Sendable {
    /// Exit statuses, per the contract.
    public enum Exit: Int32 {
        case success = 0
        case failure = 1
        case badConfig = 78
    }

    private struct Current: Sendable {
        var config: RuntimeConfig
        var sinks: SinkSet
    }

    private let configPath: String
    private let environment: [String: String]
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let judge: any TopicJudge
    private let current: Mutex<Current?> = Mutex(nil)
    private let lastSummary = Mutex<String>("starting")
    /// Sinks whose delivery loop is running (`deliveryLoop`).
    private let deliveringSinks = Mutex<Set<String>>([])
    /// Store outages, logged once each; the loops back off while one lasts.
    private let outage: StoreOutage

    /// How often the daemon proves it is alive in the store (the contract asks for at most 10 s).
    public static let heartbeatInterval: Duration = .seconds(5)
    /// How often a running daemon looks for leases and claims of dead processes of its host (also done at start).
    public static let deadOwnerCheckInterval: Duration = .seconds(60)
    /// The whole shutdown, from the signal to the exit, stays under the contract's 10 s.
    public static let shutdownBudget: Duration = .seconds(8)

    public init(configPath: String, judge: any TopicJudge, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configPath = configPath
        self.judge = judge
        self.logger = logger
        self.environment = environment
        self.notifier = SystemdNotifier(environment: environment)
        self.outage = StoreOutage(logger: logger)
    }

    public func run() async -> Exit {
        MallocTuning.limitArenas()
        let signals = SignalEvents()
        let config: RuntimeConfig
        do {
            config = try RuntimeConfig.load(path: configPath, environment: environment)
        } catch {
            for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
            return .badConfig
        }
        for warning in config.warnings { logger.warning("\(warning)") }

        let services: Services
        let sinks: SinkSet
        do {
            services = try Services.open(config)
            sinks = try SinkSet(config.config.alerts, feeds: config.config.feeds, eventPageBase: config.config.http.pageBase)
        } catch {
            logger.critical("cannot start: \(error)")
            return .failure
        }
        defer { services.store.close() }
        do {
            try await services.syncFeeds(config)
        } catch {
            logger.critical("cannot record the configured feeds in the store: \(error)")
            return .failure
        }
        await services.releaseLeasesOfDeadProcesses(logger: logger)
        current.withLock { $0 = Current(config: config, sinks: sinks) }

        let started = Date()
        let pid = Int(getpid())
        let host = ProcessInfo.processInfo.hostName
        do {
            try await Blocking.run { try services.store.heartbeat(daemonID: services.owner, pid: pid, host: host, started: started, now: Date()) }
        } catch {
            logger.critical("cannot write the heartbeat: \(error)")
            return .failure
        }
        logger.info("tidings running", metadata: ["config": "\(configPath)", "summary": "\(config.summary)", "pid": "\(pid)"])
        notifier.ready(status: "serving: \(config.summary)")

        let cycle = PollCycle(store: services.store, fetcher: services.fetcher, judge: judge,
                              articles: ArticlePages(fetcher: services.fetcher), owner: services.owner, logger: logger)
        let delivery = AlertDelivery(store: services.store, fetcher: services.fetcher, owner: services.owner, logger: logger,
                                     outage: outage)

        let workers = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.heartbeatLoop(services: services, started: started) }
                group.addTask { await self.pollLoop(cycle) }
                group.addTask { await self.deliveryLoop(delivery) }
                group.addTask { await self.retentionLoop(services: services) }
            }
        }

        var stopSignal: Int32 = SIGTERM
        for await event in signals.events {
            switch event {
            case .reload:
                await reload(services: services)
            case .stop(let signal):
                stopSignal = signal
            }
            if case .stop = event { break }
        }

        logger.info("stopping", metadata: ["signal": "\(stopSignal == SIGINT ? "SIGINT" : "SIGTERM")"])
        notifier.stopping()
        // No new work: cancel the loops and abort transfers in flight (their feeds' leases are released and they
        // are fetched again on the next start; a webhook POST sent in full may wait a little for its response);
        // a store transaction already running completes or rolls back. The fetcher's shutdown blocks, so it runs
        // off the cooperative pool (the delivery loop needs a thread to record a response that arrives meanwhile),
        // and its time counts against the budget.
        let stopStarted = ContinuousClock.now
        workers.cancel()
        let fetcher = services.fetcher
        _ = try? await Blocking.run { fetcher.shutdown() }
        let remaining = Self.shutdownBudget - (ContinuousClock.now - stopStarted)
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await workers.value; return true }
            group.addTask { try? await Task.sleep(for: max(remaining, .milliseconds(500))); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished { logger.warning("in-flight work did not finish within the shutdown budget; exiting anyway") }
        logger.info("stopped")
        return .success
    }

    // MARK: - Loops

    private func heartbeatLoop(services: Services, started: Date) async {
        let pid = Int(getpid()), host = ProcessInfo.processInfo.hostName
        let interval = min(Self.heartbeatInterval, notifier.watchdogInterval ?? Self.heartbeatInterval)
        var lastBeat = ContinuousClock.now - Self.heartbeatInterval
        var lastAnswer = ContinuousClock.now
        var lastDeadCheck = ContinuousClock.now
        while !Task.isCancelled {
            // Another daemon of this host on a shared store may die while this one runs: what it held is taken
            // back within a minute, not after its leases.
            if ContinuousClock.now - lastDeadCheck >= Self.deadOwnerCheckInterval, !outage.isDown {
                await services.releaseLeasesOfDeadProcesses(logger: logger)
                lastDeadCheck = .now
            }
            if ContinuousClock.now - lastBeat >= Self.heartbeatInterval {
                do {
                    try await Blocking.run {
                        try services.store.heartbeat(daemonID: services.owner, pid: pid, host: host, started: started, now: Date())
                    }
                    lastBeat = .now
                    outage.succeeded()
                } catch {
                    _ = outage.failed(error, during: "heartbeat")
                }
                lastAnswer = .now
            }
            // The watchdog is fed only while store calls come back (with a beat or an error): a daemon wedged in
            // one gets restarted, while one waiting out a store outage keeps running and reconnects by itself.
            if ContinuousClock.now - lastAnswer < Self.heartbeatInterval * 3 { notifier.watchdog() }
            try? await Task.sleep(for: interval)
        }
    }

    private func pollLoop(_ cycle: PollCycle) async {
        while !Task.isCancelled {
            guard let config = current.withLock({ $0?.config }) else { return }
            do {
                let summary = try await cycle.run(config: config, limit: max(64, config.config.poll.concurrency * 4))
                // A cycle's bodies and items are gone now: give their pages back before the daemon idles.
                MallocTuning.trim()
                if summary.feeds > 0 {
                    Metrics.shared.record(cycle: summary)
                    logger.info("\(summary.line)", metadata: ["alerts": "\(summary.alerts)"])
                    lastSummary.withLock { $0 = summary.line }
                    notifier.status("\(summary.line); \(summary.alerts) alerts")
                    continue
                }
            } catch {
                // A cycle throws only when the store fails it (leasing, syncing): wait the outage out.
                try? await Task.sleep(for: outage.failed(error, during: "poll cycle"))
                continue
            }
            // Nothing was due: look again shortly (feeds may be due every second in demos and tests).
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One delivery loop per configured sink, so a sink that hangs (a webhook that accepts and never answers, a
    /// log file on a full disk) delays only its own alerts; sinks added by a reload get a loop within 500 ms, and
    /// a removed sink's loop ends.
    private func deliveryLoop(_ delivery: AlertDelivery) async {
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                guard let sinks = current.withLock({ $0?.sinks }) else { break }
                await delivery.digests.enqueueDue(sinks)
                for sink in sinks.sinks where deliveringSinks.withLock({ $0.insert(sink.name).inserted }) {
                    let name = sink.name
                    group.addTask {
                        await self.sinkDeliveryLoop(name, delivery)
                        self.deliveringSinks.withLock { _ = $0.remove(name) }
                    }
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
            group.cancelAll()
        }
    }

    private func sinkDeliveryLoop(_ name: String, _ delivery: AlertDelivery) async {
        while !Task.isCancelled {
            // The current set's sink of that name: a reload's new settings apply from the next batch.
            guard let sink = current.withLock({ $0?.sinks.sinks.first { $0.name == name } }) else { return }
            let report = await delivery.deliverBatch(sink)
            if let backoff = report.storeBackoff {
                try? await Task.sleep(for: backoff)
            } else if report.claimed == 0 {
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func retentionLoop(services: Services) async {
        try? await Task.sleep(for: .seconds(60))
        while !Task.isCancelled {
            if let retention = current.withLock({ $0?.config.config.store.retention }), retention > 0 {
                let cutoff = Date().addingTimeInterval(-retention)
                do {
                    let report = try await Blocking.run { try services.store.prune(olderThan: cutoff, dropClosedEventsBefore: cutoff) }
                    let done = report.nonZero
                    if !done.isEmpty {
                        logger.info("retention", metadata: .init(uniqueKeysWithValues: done.map { ($0.count.rawValue, "\($0.value)") }))
                    }
                } catch {
                    logger.error("retention prune failed", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    // MARK: - Reload

    private func reload(services: Services) async {
        notifier.send(["RELOADING=1", "STATUS=reloading configuration"])
        defer { notifier.ready(status: "serving: \(current.withLock { $0?.config.summary } ?? "")") }
        let old = current.withLock { $0 }
        // The log files are reopened whatever happens to the configuration (logrotate's HUP).
        old?.sinks.reopenLogs(logger: logger)

        let fresh: RuntimeConfig
        do {
            fresh = try RuntimeConfig.load(path: configPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            logger.error("reload rejected, keeping the running configuration: \(error.errors.count) problem(s)")
            for diagnostic in error.diagnostics { logger.error("reload: \(diagnostic)") }
            return
        }
        if let old, fresh.config.store != old.config.config.store {
            logger.warning("reload: the [store] section changed; a store change takes effect on restart only")
        }
        if let old, fresh.config.poll != old.config.config.poll {
            logger.notice("reload: [poll] limits (concurrency, timeouts, sizes) take effect on restart; intervals apply now")
        }
        let sinks: SinkSet
        do {
            sinks = try SinkSet(fresh.config.alerts, feeds: fresh.config.feeds, eventPageBase: fresh.config.http.pageBase)
            try await services.syncFeeds(fresh)
        } catch {
            logger.error("reload rejected, keeping the running configuration: \(error)")
            return
        }
        current.withLock { $0 = Current(config: fresh, sinks: sinks) }
        for warning in fresh.warnings { logger.warning("reload: \(warning)") }
        logger.info("configuration reloaded", metadata: ["summary": "\(fresh.summary)"])
    }
}
