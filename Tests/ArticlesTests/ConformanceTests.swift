import Foundation
import Testing
import TestSupport

/// Scores `tidings extract` on ../shared/conformance/articles with its own scorer and fails below the
/// issue's bars. Needs ../shared (present in CI; a plain clone may not have it) and python3.
@Suite(.serialized) struct ConformanceTests {
    /// `TIDINGS_SHARED` points at the shared folder when the checkout is not next to it (e.g. a worktree).
    static var corpus: URL? {
        let environment = ProcessInfo.processInfo.environment["TIDINGS_SHARED"].map { URL(fileURLWithPath: $0) }
        guard let shared = environment ?? TestPaths.shared else { return nil }
        let corpus = shared.appendingPathComponent("conformance/articles")
        return FileManager.default.fileExists(atPath: corpus.appendingPathComponent("score.py").path) ? corpus : nil
    }

    /// Runs score.py and returns the numbers of its last line.
    static func score(onlyFrom list: String? = nil) throws -> [String: Double] {
        let corpus = try #require(Self.corpus)
        var arguments = [corpus.appendingPathComponent("score.py").path, corpus.path,
                         "--cmd", "\(TestPaths.tidingsBinary.path) extract {file} --url {url} --json", "--jobs", "2", "--quiet"]
        if let list { arguments += ["--only-from", corpus.appendingPathComponent(list).path] }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"), arguments)
        #expect(result.status == 0, "score.py failed: \(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("extraction:") })
        // "extraction: pages N, mean text-F1 0.000, median 0.000, title 0.000, byline 0.000"
        var values: [String: Double] = [:]
        for part in last.dropFirst("extraction:".count).split(separator: ",") {
            let words = part.split(separator: " ")
            guard let value = words.last.flatMap({ Double($0) }) else { continue }
            values[words.dropLast().joined(separator: " ")] = value
        }
        return values
    }

    @Test(.enabled(if: ConformanceTests.corpus != nil, "../shared/conformance/articles not present"))
    func wholeCorpusMeetsTheBars() throws {
        let values = try Self.score()
        #expect(values["pages"] == 129)
        #expect((values["mean text-F1"] ?? 0) >= 0.97, "\(values)")
        #expect((values["title"] ?? 0) >= 0.80, "\(values)")
        #expect((values["byline"] ?? 0) >= 0.60, "\(values)")
    }

    @Test(.enabled(if: ConformanceTests.corpus != nil, "../shared/conformance/articles not present"))
    func boilerplateHeavyPagesMeetTheBar() throws {
        let values = try Self.score(onlyFrom: "boilerplate-heavy.txt")
        #expect((values["mean text-F1"] ?? 0) >= 0.95, "\(values)")
    }
}
