import Foundation
import Testing
import TestSupport

/// Servers started by the tests (PostgreSQL through pg_ctl) outlive the call that started them. Any descriptor of
/// the test process they inherit stays open until the whole run ends: an inherited write end of another test's
/// pipe kept that test reading to EOF forever (the CI run hung). Children must see only stdin, stdout, stderr.
@Suite("Spawned programs inherit no descriptors")
struct SpawnIsolationTests {
    /// A pipe made the way C libraries make them (no close-on-exec), and its inode as /proc shows it.
    static func leakyPipe() throws -> (read: Int32, write: Int32, name: String) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        var info = stat()
        #expect(fstat(fds[1], &info) == 0)
        return (fds[0], fds[1], "pipe:[\(info.st_ino)]")
    }

    /// What the descriptors of a shell started by `start` point at, one per line.
    static func descriptorTargets(_ start: (_ shellCommand: String) throws -> Void) throws -> String {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-spawn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let listing = directory.appendingPathComponent("fds.txt")
        try start("ls -l /proc/$$/fd > \(listing.path)")
        return try String(contentsOf: listing, encoding: .utf8)
    }

    @Test func spawnDetachedClosesEverythingButTheStandardThree() throws {
        let pipe = try Self.leakyPipe()
        defer { close(pipe.read); close(pipe.write) }
        let targets = try Self.descriptorTargets { command in
            let status = try spawnDetached(["/bin/sh", "-c", command])
            #expect(status == 0)
        }
        #expect(!targets.isEmpty)
        #expect(!targets.contains(pipe.name), "the child inherited our pipe:\n\(targets)")
    }

    @Test func foundationProcessClosesThemToo() throws {
        let pipe = try Self.leakyPipe()
        defer { close(pipe.read); close(pipe.write) }
        let targets = try Self.descriptorTargets { command in
            let result = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
            #expect(result.status == 0)
        }
        #expect(!targets.isEmpty)
        #expect(!targets.contains(pipe.name), "the child inherited our pipe:\n\(targets)")
    }
}
