import Foundation
import Testing
import TestSupport

/// Runs the built `tidings replay` (TestPaths.tidingsBinary) on ../shared/novelty-dev and scores it with the
/// set's own score.py. Needs ../shared (skipped, and said so, without it) and python3.
@Suite(.serialized) struct ReplayDevSetTests {
    static let bars: [String: Double] = [
        "alert-F1": 0.98, "fact-recall": 0.95, "fact-precision": 0.95, "event-B3F1": 0.97, "topic-F1": 1.0,
    ]

    @Test(.enabled(if: TestPaths.shared != nil, "../shared not present: the novelty dev set cannot be scored"))
    func devSetMeetsTheBars() throws {
        let set = TestPaths.shared!.appendingPathComponent("novelty-dev")
        let binary = TestPaths.tidingsBinary.path
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "python3", set.appendingPathComponent("score.py").path, set.path,
            "--cmd", "'\(binary)' replay --config {topics} {articles}",
        ])
        #expect(result.status == 0, "score.py failed: \(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("novelty:") })
        let fields = last.split(separator: " ").dropFirst().map(String.init)
        var metrics: [String: Double] = [:]
        for i in stride(from: 0, to: fields.count - 1, by: 2) { metrics[fields[i]] = Double(fields[i + 1]) }
        for (name, bar) in Self.bars {
            let value = try #require(metrics[name], "\(name) missing from: \(last)")
            #expect(value >= bar, "\(name) \(value) is below the bar \(bar): \(last)")
        }
    }

    @Test func badInputLinesAreReportedWithTheirLineNumberAndGoodOnesStillJudged() throws {
        let dir = try TestPaths.makeTemporaryDirectory("coverage-replay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("topics.toml")
        try """
            [[topic]]
            name = "drones"
            query = 'Kestrel AND drone*'
            """.write(to: config, atomically: true, encoding: .utf8)
        let articles = dir.appendingPathComponent("articles.jsonl")
        try """
            {"id": "a1", "feed": "f", "url": "u", "published": "2025-07-01T12:00:00Z", "title": "Kestrel recalls drones", "text": "Kestrel Dynamics recalled 12,000 drones on Monday after fires in Bergen."}
            {"id": "a2", "published": "yesterday", "title": "x", "text": "y"}
            not json at all

            {"id": "a3", "feed": "f", "url": "u", "published": "2025-07-01T13:00:00+02:00", "title": "Rain", "text": "It rained."}
            """.write(to: articles, atomically: true, encoding: .utf8)
        let result = try runProcess(TestPaths.tidingsBinary, ["replay", "--config", config.path, articles.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 2"))
        #expect(result.stderr.contains("\"published\""))
        #expect(result.stderr.contains("line 3"))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["id"] as? String == "a1")
        #expect(first["verdict"] as? String == "new_event")
        #expect((first["topics"] as? [String]) == ["drones"])
        #expect((first["new_facts"] as? [String])?.count == 1)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["verdict"] as? String == "off_topic")
        #expect(second["event"] is NSNull)
    }

    /// Escapes at many offsets (the reader skips plain runs eight bytes at a time) and characters that must be
    /// escaped on output (quotes, backslashes, control bytes), beyond ASCII too: what goes in comes back out.
    @Test func escapedTextSurvivesTheRoundTrip() throws {
        let dir = try TestPaths.makeTemporaryDirectory("coverage-replay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("topics.toml")
        try "[[topic]]\nname = \"drones\"\nquery = 'Kestrel AND drone*'\n".write(to: config, atomically: true, encoding: .utf8)
        let pieces = ["\"battery fires\"", "C:\\fleet\\x", "😀", "\u{01}", "Zürich", "tab\there"]
        let text = "Kestrel Dynamics grounded 300 drones in Zürich on Monday, citing \"battery fires\" at C:\\fleet\\x and more.\n\n"
            + "Officials found 😀 faults\u{01} in 12 units, a tab\there, and a quote \"ends here\" today."
        let object: [String: Any] = ["id": "e1", "published": "2025-07-01T12:00:00Z", "title": "Kestrel drone recall", "text": text]
        let line = try JSONSerialization.data(withJSONObject: object)
        let articles = dir.appendingPathComponent("articles.jsonl")
        try (line + Data("\n".utf8)).write(to: articles)
        let result = try runProcess(TestPaths.tidingsBinary, ["replay", "--config", config.path, articles.path])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        let decision = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(decision["verdict"] as? String == "new_event")
        let facts = try #require(decision["new_facts"] as? [String]).joined(separator: " ")
        for piece in pieces { #expect(facts.contains(piece), "\(piece) lost: \(facts)") }
    }

    @Test func anInvalidTopicQueryIsAConfigurationError() throws {
        let dir = try TestPaths.makeTemporaryDirectory("coverage-replay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("topics.toml")
        try "[[topic]]\nname = \"broken\"\nquery = '(alpha OR beta'\n".write(to: config, atomically: true, encoding: .utf8)
        let articles = dir.appendingPathComponent("articles.jsonl")
        try "".write(to: articles, atomically: true, encoding: .utf8)
        let result = try runProcess(TestPaths.tidingsBinary, ["replay", "--config", config.path, articles.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("broken"))
        // Located in the file: line 3, column 10 is the unclosed "(" (the query's first character).
        #expect(result.stderr.contains("topics.toml:3:10:"))
    }
}
