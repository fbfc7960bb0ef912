import Foundation

/// A small tmpfs (`mount -t tmpfs`, needs root) filled up but for a few KiB: the full disk of issue 17's tests.
public enum FullTmpfs {
    public struct Failure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { output }
    }

    /// Mounts a tmpfs of `kibibytes` at a fresh directory and fills it with a filler file but for 8 KiB, so a
    /// larger write starts and is cut short (the case that leaves half a line unless it is cut back).
    public static func mount(kibibytes: Int) throws -> (mount: URL, filler: URL) {
        let mount = try TestPaths.makeTemporaryDirectory("tidings-full")
        let result = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(kibibytes)k", "tmpfs", mount.path])
        guard result.status == 0 else { throw Failure(output: "mount -t tmpfs: \(result.stderr)") }
        let filler = mount.appendingPathComponent("filler")
        let fd = open(filler.path, O_WRONLY | O_CREAT, 0o600)
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        // The last partial block: byte by byte until nothing fits.
        while write(fd, block, 1) > 0 {}
        let size = lseek(fd, 0, SEEK_END)
        guard ftruncate(fd, size - 8192) == 0 else { throw Failure(output: "cannot make room: errno \(errno)") }
        return (mount, filler)
    }

    public static func unmount(_ mount: URL) {
        _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [mount.path])
        try? FileManager.default.removeItem(at: mount)
    }
}
