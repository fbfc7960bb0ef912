import Foundation
import Testing
import TestSupport

/// `tidings check-config` as a user runs it: the built binary, real files, exit statuses.
@Suite("tidings check-config")
struct CheckConfigCommandTests {
    private func write(_ text: String, to folder: URL, as name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TIDINGS_CONFIG"] = nil
        environment["STATE_DIRECTORY"] = nil
        return environment.merging(extra) { $1 }
    }

    @Test("a valid file: exit 0 and a one-line summary; warnings printed with their line")
    func valid() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write("""
            [store]
            path = "t.db"
            [[feed]]
            url = "file:feeds/a.xml"
            colour = "red"
            [[topic]]
            name = "t"
            query = "x"
            [[alert]]
            type = "log"
            path = "alerts.jsonl"
            """, to: folder, as: "tidings.toml")
        let result = try runProcess(TestPaths.tidingsBinary, ["check-config", "--config", path], environment: environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(path): OK: 1 feed, 1 topic, 1 sink, store sqlite:\(folder.standardizedFileURL.path)/t.db (1 warning)\n")
        #expect(result.stderr == "\(path):5:1: warning: feed[1].colour: unknown key (ignored)\n")
    }

    @Test("a broken file: exit 78 and every problem as file:line:column: message")
    func broken() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write("""
            [poll]
            interval = "5 minutes"

            [[feed]]
            url = "ftp://example.org/feed"

            [[alert]]
            type = "pager"
            """, to: folder, as: "broken.toml")
        let result = try runProcess(TestPaths.tidingsBinary, ["check-config", "--config", path], environment: environment())
        #expect(result.status == 78)
        #expect(result.stdout.isEmpty)
        // Warnings (here: no topics) come too, marked as such; the errors are what must be there.
        let lines = result.stderr.split(separator: "\n").map(String.init).filter { !$0.contains(": warning: ") }
        #expect(lines.count == 4, "\(result.stderr)")
        #expect(lines.first == "\(path):2:12: poll.interval: invalid duration \"5 minutes\": spaces are not allowed (use 30s, 10m, 2h, 1d)")
        #expect(lines.dropFirst().first?.hasPrefix("\(path):5:7: feed[1].url: invalid URL") == true)
        #expect(lines.dropFirst(2).first?.hasPrefix("\(path):8:8: alert[1].type: unknown sink type \"pager\"") == true)
        #expect(lines.last == "\(path): invalid configuration: 3 errors")
    }

    @Test("a TOML syntax error: exit 78 with its line and column")
    func syntaxError() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write("[[feed]\nurl = 1\n", to: folder, as: "syntax.toml")
        let result = try runProcess(TestPaths.tidingsBinary, ["check-config", "--config", path], environment: environment())
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("\(path):1:7: expected ']]' to close the array-of-tables header\n"))
    }

    @Test("without --config: $TIDINGS_CONFIG, else /etc/tidings/tidings.toml")
    func defaultPath() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write("[[feed]]\nurl = \"https://a.example/f\"\n[[topic]]\nname = \"t\"\nquery = \"x\"\n[[alert]]\ntype = \"log\"\npath = \"a.jsonl\"\n",
                             to: folder, as: "env.toml")
        let fromEnvironment = try runProcess(TestPaths.tidingsBinary, ["check-config"],
                                             environment: environment(["TIDINGS_CONFIG": path, "STATE_DIRECTORY": "/var/lib/tidings"]))
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stdout == "\(path): OK: 1 feed, 1 topic, 1 sink, store sqlite:/var/lib/tidings/tidings.db\n")

        // Nothing at the built-in default path on a test machine: exit 78, naming that path.
        guard !FileManager.default.fileExists(atPath: "/etc/tidings/tidings.toml") else { return }
        let fallback = try runProcess(TestPaths.tidingsBinary, ["check-config"], environment: environment())
        #expect(fallback.status == 78)
        #expect(fallback.stderr.hasPrefix("/etc/tidings/tidings.toml: cannot read the configuration: no such file\n"))
    }

    @Test("the offline example checks clean")
    func offlineExample() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("examples/tidings.toml").path
        let result = try runProcess(TestPaths.tidingsBinary, ["check-config", "--config", path], environment: environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("OK: 4 feeds, 1 topic, 1 sink, store sqlite:"))
    }
}
