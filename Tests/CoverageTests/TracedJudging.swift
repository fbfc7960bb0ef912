@testable import Coverage
import Foundation

/// The lines `CoverageEngine.explain` wrote, for tests that check why the engine decided as it did.
final class JudgeTrace: @unchecked Sendable { var lines: [String] = [] }

extension Stories {
    /// `articles` judged in order under one topic that every article matches, with `options`; the engine's reasons
    /// go to `trace` when one is given.
    static func judged(_ articles: [Article], options: CoverageOptions = .init(), trace: JudgeTrace? = nil) throws -> [TopicVerdict] {
        let everything = "a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR j* OR k* OR l* OR m* OR n* OR o* OR p* OR q* OR r* OR s* OR t* OR u* OR v* OR w* OR x* OR y* OR z*"
        var engine = CoverageEngine(topics: [try Topic(name: "all", queryText: everything)], options: options)
        if let trace { engine.explain = { trace.lines.append($0) } }
        return articles.compactMap { engine.judge($0).primary }
    }
}
