import Foundation
import Testing
import TestSupport

/// `make install` as a user runs it, into a temporary DESTDIR (through `install-files`, which installs without
/// building): the README installed with the documentation must find every docs/ file it names, and the unit's
/// Documentation= and ExecStart= must name files that were installed.
@Suite struct InstallLayoutTests {
    @Test func installedDocumentationAndUnitNameFilesThatExist() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.tidingsBinary.path),
                     "build tidings first: \(TestPaths.tidingsBinary.path)")
        let destdir = try TestPaths.makeTemporaryDirectory("tidings-install")
        defer { try? FileManager.default.removeItem(at: destdir) }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/make"),
                                    ["-s", "install-files", "DESTDIR=\(destdir.path)", "PREFIX=/opt/tidings",
                                     "RELEASE_BIN=\(TestPaths.tidingsBinary.path)"],
                                    currentDirectory: TestPaths.packageRoot)
        try #require(result.status == 0, "make install-files: \(result.stdout)\(result.stderr)")

        func installed(_ path: String) -> Bool { FileManager.default.fileExists(atPath: destdir.path + path) }
        let docRoot = "/opt/tidings/share/doc/tidings"
        let readme = try String(contentsOfFile: destdir.path + docRoot + "/README.md", encoding: .utf8)
        let named = Set(readme.matches(of: /docs\/[A-Za-z0-9_-]+\.(?:md|png)/).map { String($0.output) })
        #expect(named.contains("docs/web-event-page.png") && named.contains("docs/architecture.md"), "\(named.sorted())")
        for path in named.sorted() { #expect(installed(docRoot + "/" + path), "README names \(path), not installed") }

        let unit = try String(contentsOfFile: destdir.path + "/etc/systemd/system/tidings.service", encoding: .utf8)
        let documentation = try #require(unit.split(separator: "\n").first { $0.hasPrefix("Documentation=file://") })
        #expect(installed(String(documentation.dropFirst("Documentation=file://".count))), "\(documentation)")
        let exec = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let binary = try #require(exec.dropFirst("ExecStart=".count).split(separator: " ").first)
        #expect(binary == "/opt/tidings/bin/tidings" && installed(String(binary)), "\(exec)")
        #expect(installed("/etc/tidings/tidings.toml.example"))
    }
}
