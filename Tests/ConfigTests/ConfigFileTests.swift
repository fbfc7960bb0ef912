import Foundation
import Testing
import TestSupport
@testable import Config

@Suite("Configuration files: the contract example, the offline example, reading from disk")
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
        let (config, warnings) = try ConfigLoader.load(path: path, environment: [:])
        checkContract(config, warnings: warnings)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == ContractExample.text + "\n",
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
        let (config, warnings) = try ConfigLoader.load(path: root + "/examples/tidings.toml", environment: ["STATE_DIRECTORY": "/elsewhere"])
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

    @Test("load(path:) reads the file; problems name it and the line")
    func fromDisk() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.toml")
        try Data("[store]\npath = \"db/t.db\"\n[[feed]]\nurl = \"file:f.xml\"\n".utf8).write(to: good)
        let (config, _) = try ConfigLoader.load(path: good.path, environment: [:])
        #expect(config.store.path == folder.standardizedFileURL.path + "/db/t.db")

        let broken = folder.appendingPathComponent("broken.toml")
        try Data("[[feed]]\nurl = \"https://a.example/\"\n\n[poll]\ninterval = \"soon\"\n".utf8).write(to: broken)
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: broken.path, environment: [:]) }
        do {
            _ = try ConfigLoader.load(path: broken.path, environment: [:])
        } catch {
            #expect(error.errors.map(\.description) == [
                "\(broken.path):5:12: poll.interval: invalid duration \"soon\": it must start with a whole number (use 30s, 10m, 2h, 1d)",
            ])
        }

        let missing = folder.appendingPathComponent("missing.toml").path
        do {
            _ = try ConfigLoader.load(path: missing, environment: [:])
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.description == "\(missing): cannot read the configuration: no such file")
        }
        do {
            _ = try ConfigLoader.load(path: folder.path, environment: [:])
            Issue.record("a directory loaded")
        } catch {
            #expect(error.description.contains("it is a directory"))
        }

        let latin1 = folder.appendingPathComponent("latin1.toml")
        try Data([0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A, 0x62, 0x20, 0x3D, 0x20, 0x22, 0xE9, 0x22, 0x0A]).write(to: latin1)
        do {
            _ = try ConfigLoader.load(path: latin1.path, environment: [:])
            Issue.record("invalid UTF-8 loaded")
        } catch {
            #expect(error.description == "\(latin1.path):2:6: the file is not valid UTF-8 (TOML files must be UTF-8)")
        }
    }

    @Test("a webhook secret file is read from disk when the configuration loads")
    func secretFileFromDisk() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("disk-secret\n".utf8).write(to: folder.appendingPathComponent("webhook-secret"))
        let configPath = folder.appendingPathComponent("t.toml")
        try Data("[[alert]]\ntype = \"webhook\"\nurl = \"https://h.example/\"\nsecret_file = \"webhook-secret\"\n".utf8).write(to: configPath)
        let (config, _) = try ConfigLoader.load(path: configPath.path, environment: [:])
        guard case .webhook(let webhook) = config.alerts.first?.kind else {
            Issue.record("no webhook sink")
            return
        }
        #expect(webhook.secret?.value == "disk-secret")
    }
}
