import Foundation
import Logging
import Pipeline
import Support

/// `tidings poll --once`: one cycle over the due feeds (or all), then one pass delivering what it alerted.
public enum PollOnce {
    public struct Outcome: Sendable {
        public var summary: CycleSummary
        public var delivery: AlertDelivery.Report
    }

    public static func run(config: RuntimeConfig, judge: any TopicJudge, all: Bool, logger: Logger,
                           progress: (@Sendable (Int, Int) -> Void)?) async throws -> Outcome {
        MallocTuning.limitArenas()
        let services = try Services.open(config)
        defer {
            services.fetcher.shutdown()
            services.store.close()
        }
        try await services.syncFeeds(config)
        await services.releaseLeasesOfDeadProcesses(logger: logger)
        let cycle = PollCycle(store: services.store, fetcher: services.fetcher, judge: judge,
                              articles: ArticlePages(fetcher: services.fetcher), owner: services.owner, logger: logger)
        // One cycle is all `poll --once` has: it is its own settle window, so everything is judged now.
        let summary = try await cycle.run(config: config, all: all, judgeAtOnce: true, progress: progress)
        let sinks = try SinkSet(config.config.alerts, feeds: config.config.feeds, eventPageBase: config.config.http.pageBase)
        let delivery = AlertDelivery(store: services.store, fetcher: services.fetcher, owner: services.owner, logger: logger)
        let report = await delivery.drain(sinks)
        return Outcome(summary: summary, delivery: report)
    }
}
