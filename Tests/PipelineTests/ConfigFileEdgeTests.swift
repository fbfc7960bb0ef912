import Config
@testable import DaemonRuntime
import Foundation
import Pipeline
import Testing
import TestSupport

/// The file edge of the configuration (`ConfigFile`): the file and secret files read from disk, and the
/// diagnostics for a file that cannot be read, still naming the file and the line.
@Suite("Configuration file edge: reading the file and secret files from disk")
struct ConfigFileEdgeTests {
    @Test("load(path:) reads the file; problems name it and the line")
    func fromDisk() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.toml")
        try Data("[store]\npath = \"db/t.db\"\n[[feed]]\nurl = \"file:f.xml\"\n".utf8).write(to: good)
        let (config, _) = try ConfigFile.load(path: good.path, environment: [:])
        #expect(config.store.path == folder.standardizedFileURL.path + "/db/t.db")

        let broken = folder.appendingPathComponent("broken.toml")
        try Data("[[feed]]\nurl = \"https://a.example/\"\n\n[poll]\ninterval = \"soon\"\n".utf8).write(to: broken)
        do {
            _ = try ConfigFile.load(path: broken.path, environment: [:])
            Issue.record("a broken file loaded")
        } catch {
            #expect(error.errors.map(\.description) == [
                "\(broken.path):5:12: poll.interval: invalid duration \"soon\": it must start with a whole number (use 30s, 10m, 2h, 1d)",
            ])
        }

        let missing = folder.appendingPathComponent("missing.toml").path
        do {
            _ = try ConfigFile.load(path: missing, environment: [:])
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.description == "\(missing): cannot read the configuration: no such file")
        }
        do {
            _ = try ConfigFile.load(path: folder.path, environment: [:])
            Issue.record("a directory loaded")
        } catch {
            #expect(error.description == "\(folder.path): cannot read the configuration: it is a directory")
        }

        let latin1 = folder.appendingPathComponent("latin1.toml")
        try Data([0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A, 0x62, 0x20, 0x3D, 0x20, 0x22, 0xE9, 0x22, 0x0A]).write(to: latin1)
        for needSecrets in [true, false] {
            do {
                _ = try RuntimeConfig.load(path: latin1.path, environment: [:], needSecrets: needSecrets)
                Issue.record("invalid UTF-8 loaded")
            } catch {
                #expect(error.description == "\(latin1.path):2:6: the file is not valid UTF-8 (TOML files must be UTF-8)")
            }
        }
    }

    @Test("a webhook secret file is read from disk when the configuration loads")
    func secretFileFromDisk() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("disk-secret\n".utf8).write(to: folder.appendingPathComponent("webhook-secret"))
        let configPath = folder.appendingPathComponent("t.toml")
        try Data("[[alert]]\ntype = \"webhook\"\nurl = \"https://h.example/\"\nsecret_file = \"webhook-secret\"\n".utf8).write(to: configPath)
        let (config, _) = try ConfigFile.load(path: configPath.path, environment: [:])
        guard case .webhook(let webhook) = config.alerts.first?.kind else {
            Issue.record("no webhook sink")
            return
        }
        #expect(webhook.secret?.value == "disk-secret")
        #expect(ConfigFile.readTextFile(folder.appendingPathComponent("absent").path) == .failure(ConfigLoader.FileReadFailure("no such file")))
    }

    @Test("status loads a configuration whose secrets only the daemon has; the daemon's load refuses it")
    func secretsOnlyTheDaemonHas() throws {
        let folder = try TestPaths.makeTemporaryDirectory("tidings-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configPath = folder.appendingPathComponent("t.toml").path
        try Data(("[[feed]]\nurl = \"https://a.example/\"\n[[alert]]\ntype = \"webhook\"\nurl = \"https://h.example/\"\n"
            + "secret_env = \"TIDINGS_EDGE_TEST_UNSET\"\n").utf8).write(to: URL(fileURLWithPath: configPath))
        let config = try RuntimeConfig.load(path: configPath, environment: [:], needSecrets: false)
        #expect(config.config.alerts.count == 1)
        do {
            _ = try RuntimeConfig.load(path: configPath, environment: [:])
            Issue.record("a secret the environment lacks was accepted")
        } catch {
            #expect(error.description.contains("TIDINGS_EDGE_TEST_UNSET"))
        }
    }
}
