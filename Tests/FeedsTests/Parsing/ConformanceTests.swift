import Foundation
import Testing
import TestSupport

/// The shared feedparser-derived corpus, scored by its own checker (../shared/conformance/compare.py) against the
/// built binary. Needs ../shared (or $TIDINGS_SHARED, for worktrees that sit elsewhere); skipped, and says so,
/// without it.
@Suite("Feed conformance (../shared)") struct ConformanceTests {
    static var shared: URL? {
        if let shared = TestPaths.shared { return shared }
        guard let path = ProcessInfo.processInfo.environment["TIDINGS_SHARED"],
              FileManager.default.fileExists(atPath: path) else { return nil }
        return URL(fileURLWithPath: path)
    }

    static var ready: Bool {
        shared != nil && (FileManager.default.isExecutableFile(atPath: TestPaths.tidingsBinary.path) || TestEnvironment.strict)
    }

    @Test(.enabled(if: ready, "../shared not present or tidings binary not built"))
    func scoresAtLeast97PercentAssertedAndAllFields() throws {
        let shared = try #require(Self.shared)
        let checker = shared.appendingPathComponent("conformance/compare.py")
        let corpus = shared.appendingPathComponent("conformance/feeds")
        let command = "\(TestPaths.tidingsBinary.path) parse {file} --json"
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", checker.path, corpus.path, "--cmd", command, "--timeout", "20"])
        #expect(result.status == 0, "compare.py failed: \(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        // conformance: asserted A/B (x%), fields C/D (y%)
        let numbers = last.split(whereSeparator: { !$0.isNumber && $0 != "/" }).filter { $0.contains("/") }
            .map { $0.split(separator: "/").compactMap { Double($0) } }
        try #require(numbers.count == 2 && numbers.allSatisfy { $0.count == 2 && $0[1] > 0 }, "unexpected: \(last)")
        let asserted = numbers[0][0] / numbers[0][1]
        let fields = numbers[1][0] / numbers[1][1]
        #expect(asserted >= 0.97, "\(last)")
        #expect(fields >= 0.97, "\(last)")
    }
}
