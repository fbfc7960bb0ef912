import Foundation
import Testing
import TestSupport

/// The unit file as shipped, checked by systemd's own tools (they work offline, without a running systemd).
@Suite struct SystemdUnitTests {
    static let unit = TestPaths.packageRoot.appendingPathComponent("systemd/tidings.service")
    static let analyzer = URL(fileURLWithPath: "/usr/bin/systemd-analyze")

    /// A copy of the unit whose ExecStart names the built binary: `verify` insists the executable exists.
    private func unitCopy() throws -> (directory: URL, unit: URL) {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-unit")
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let rewritten = text.replacingOccurrences(of: "ExecStart=/usr/local/bin/tidings",
                                                  with: "ExecStart=\(TestPaths.tidingsBinary.path)")
        #expect(rewritten != text, "ExecStart no longer starts with /usr/local/bin/tidings")
        let copy = directory.appendingPathComponent("tidings.service")
        try rewritten.write(to: copy, atomically: true, encoding: .utf8)
        return (directory, copy)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: analyzer.path) || TestEnvironment.strict, "systemd-analyze is not installed"))
    func verifyIsSilent() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.tidingsBinary.path),
                     "build tidings first: \(TestPaths.tidingsBinary.path)")
        let (directory, copy) = try unitCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(Self.analyzer, ["verify", "--man=no", copy.path], currentDirectory: directory)
        // verify exits 0 even for unknown keys; any output at all is a finding.
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "systemd-analyze verify: \(result.stdout)\(result.stderr)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: analyzer.path) || TestEnvironment.strict, "systemd-analyze is not installed"))
    func exposureIsAtMostTwoAndAHalf() throws {
        let (directory, copy) = try unitCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(Self.analyzer, ["security", "--offline=true", "--no-pager", copy.path], currentDirectory: directory)
        let line = try #require(result.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") },
                                "no exposure line in: \(result.stdout)\(result.stderr)")
        let number = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) },
                                  "unreadable exposure line: \(line)")
        #expect(number <= 2.5, "exposure \(number): \(line)")
    }

    @Test func unitHasTheRequiredSettings() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let settings = Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
        for required in ["Type=notify", "Restart=on-failure", "DynamicUser=yes", "StateDirectory=tidings",
                         "ConfigurationDirectory=tidings", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                         "NoNewPrivileges=yes", "CapabilityBoundingSet=", "SystemCallFilter=@system-service",
                         "ExecReload=/bin/kill -HUP $MAINPID",
                         "LoadCredential=webhook-secret:/etc/tidings/webhook-secret"] {
            #expect(settings.contains(required), "missing \(required)")
        }
        #expect(settings.contains { $0.hasPrefix("WatchdogSec=") })
        #expect(settings.contains { $0.hasPrefix("RestrictAddressFamilies=") })
    }
}
