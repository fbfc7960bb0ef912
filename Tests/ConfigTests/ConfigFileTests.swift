import Foundation
import Testing
import TestSupport
@testable import Config

@Suite("Configuration files: the contract example, the offline example, bytes that are not UTF-8")
struct ConfigFileTests {
    /// What the contract file must give, whichever copy is loaded.
    private func checkContract(_ config: TidingsConfig, warnings: [ConfigDiagnostic]) {
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(config.store.path == "/var/lib/tidings/tidings.db")
        #expect(config.store.retention == 30 * 86_400)
        #expect(config.poll == PollSettings())
        #expect(config.feeds.map(\.url) == [
            "https://example.org/world/rss.xml", "file:///usr/share/tidings/examples/feeds/wire.xml",
        ])
        #expect(config.feeds.allSatisfy { !$0.fetchArticles && $0.interval == nil && $0.name == nil })
        #expect(config.topics.map(\.name) == ["india-us-defence"])
        #expect(config.topics.first?.query.hasPrefix("(India OR \"New Delhi\" OR Indian) AND") == true)
        #expect(config.alerts.map(\.name) == ["log", "webhook-1"])
        #expect(config.alerts.first?.kind == .log(path: "/var/lib/tidings/alerts.jsonl"))
        #expect(config.alerts.last?.kind == .webhook(WebhookSettings(
            url: "https://hooks.example.org/tidings", format: .json, secretEnv: nil, secretFile: nil, secret: nil, giveUpAfter: 86_400)))
    }

    @Test("the contract ../shared/spec/tidings.example.toml loads without a warning",
          .enabled(if: TestPaths.shared != nil, "../shared is not present (the embedded copy is still tested)"))
    func sharedContract() throws {
        let path = try #require(TestPaths.shared).appendingPathComponent("spec/tidings.example.toml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (config, warnings) = try ConfigFixture.load(text, path: path)
        checkContract(config, warnings: warnings)
        #expect(text == ContractExample.text + "\n",
                "the embedded copy in ContractExample.swift is out of date")
    }

    @Test("the embedded copy of the contract loads the same way")
    func embeddedContract() throws {
        let (config, warnings) = try ConfigFixture.load(ContractExample.text)
        checkContract(config, warnings: warnings)
    }

    @Test("the contract with its commented-out keys enabled still loads")
    func contractWithOptionalKeys() throws {
        var text = ContractExample.text
        for line in ["# retention = \"30d\"", "# interval = \"15m\"", "# min_interval = \"5m\"", "# max_interval = \"6h\"",
                     "# concurrency = 64", "# per_host = 4", "# timeout = \"30s\"", "# connect_timeout = \"10s\"",
                     "# max_bytes = \"10MB\"", "# first_fetch = \"alert\"", "# opml = ", "# name = \"Example World\"",
                     "# interval = \"5m\"", "# fetch_articles = false", "# format = \"json\"", "# secret_env = ",
                     "# topics = [", "# give_up_after = \"24h\""] {
            let uncommented = String(line.dropFirst(2))
            let count = text.components(separatedBy: line).count - 1
            #expect(count >= 1, "\(line) not found in the contract")
            text = text.replacingOccurrences(of: line, with: uncommented)
        }
        let (config, _) = try ConfigFixture.load(text, environment: ["TIDINGS_WEBHOOK_SECRET": "k"])
        #expect(config.opml == "/etc/tidings/feeds.opml")
        #expect(config.feeds.first?.name == "Example World")
        #expect(config.feeds.first?.interval == 300)
        #expect(config.alerts.last?.topics == ["india-us-defence"])
        guard case .webhook(let webhook) = config.alerts.last?.kind else {
            Issue.record("the last sink is not a webhook")
            return
        }
        #expect(webhook.secret == WebhookSecret("k"))
    }

    @Test("examples/tidings.toml: SQLite and the alert log under examples/state/, four file: feeds in examples/feeds/")
    func offlineExample() throws {
        let root = TestPaths.packageRoot.standardizedFileURL.path
        let path = root + "/examples/tidings.toml"
        let (config, warnings) = try ConfigFixture.load(try String(contentsOfFile: path, encoding: .utf8),
                                                        environment: ["STATE_DIRECTORY": "/elsewhere"], path: path)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(config.store.path == root + "/examples/state/tidings.db")
        #expect(config.feeds.map(\.url) == ["wire", "outlet-a", "outlet-b", "unrelated"].map {
            "file://" + URLRules.percentEncodePath(root) + "/examples/feeds/\($0).xml"
        })
        #expect(config.poll.interval == 5)
        #expect(config.poll.minInterval == 1)
        #expect(config.topics.count == 1)
        #expect(config.alerts.map(\.kind) == [.log(path: root + "/examples/state/alerts.jsonl")])
    }

    @Test("bytes that are not UTF-8 are reported at the first bad byte; an unreadable file names the file")
    func bytes() throws {
        let latin1: [UInt8] = [0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A, 0x62, 0x20, 0x3D, 0x20, 0x22, 0xE9, 0x22, 0x0A]
        let path = ConfigFixture.path
        do {
            _ = try ConfigLoader.parse(bytes: latin1, path: path, environment: [:], workingDirectory: "/",
                                       readFile: { _ in .failure(ConfigLoader.FileReadFailure("no such file")) })
            Issue.record("invalid UTF-8 loaded")
        } catch {
            #expect(error.description == "\(path):2:6: the file is not valid UTF-8 (TOML files must be UTF-8)")
        }
        let (config, _) = try ConfigLoader.parse(bytes: Array(ConfigFixture.oneFeed.utf8), path: path, environment: [:],
                                                 workingDirectory: "/", readFile: { _ in .success("") })
        #expect(config.feeds.map(\.url) == ["https://example.org/rss.xml"])
        #expect(ConfigLoader.unreadable(path: path, ConfigLoader.FileReadFailure("no such file")).description
                    == "\(path): cannot read the configuration: no such file")
    }
}
