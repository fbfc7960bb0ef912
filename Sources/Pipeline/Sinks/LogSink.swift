import Foundation
import Synchronization

public struct LogSinkError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errno: Int32
    public var description: String {
        let reason = String(cString: strerror(errno))
        return "alert log \(path): \(operation) failed: \(isDiskFull ? "disk full (\(reason))" : reason)"
    }
    public var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT }
}

/// The JSON-lines alert log: one alert per line, appended with O_APPEND (so concurrent writers never interleave
/// within a line) and fsync'd before an alert counts as delivered. `reopen()` closes and opens the path again,
/// which is what logrotate's "move, then HUP" expects.
public final class LogSink: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32>

    public init(path: String) throws(LogSinkError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        descriptor = Mutex(try Self.open(path))
    }

    deinit {
        descriptor.withLock { fd in if fd >= 0 { close(fd) } }
    }

    private static func open(_ path: String) throws(LogSinkError) -> Int32 {
        let fd = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw LogSinkError(path: path, operation: "open", errno: errno) }
        return fd
    }

    /// Appends the lines (each without its newline) and makes them durable. Either every line is on disk when
    /// this returns, or it throws and the caller retries them all (at-least-once: a retry may repeat a line).
    public func append(_ lines: [String]) throws(LogSinkError) {
        guard !lines.isEmpty else { return }
        var payload = lines.joined(separator: "\n")
        payload += "\n"
        let path = self.path
        let failure: LogSinkError? = descriptor.withLock { fd in
            if fd < 0 {
                do throws(LogSinkError) { fd = try Self.open(path) } catch { return error }
            }
            let bytes = Array(payload.utf8)
            // Where the file ended: a write cut short (a full disk) is cut back to here, so no half line is left
            // for the retry to follow.
            let end = lseek(fd, 0, SEEK_END)
            let failure = bytes.withUnsafeBufferPointer { buffer -> LogSinkError? in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return LogSinkError(path: path, operation: "write", errno: errno)
                    }
                    offset += written
                }
                if fsync(fd) != 0 { return LogSinkError(path: path, operation: "fsync", errno: errno) }
                return nil
            }
            if failure != nil, end >= 0 { _ = ftruncate(fd, end) }
            return failure
        }
        if let failure { throw failure }
    }

    /// Opens the path again (after logrotate moved the file away). On failure the old descriptor is kept.
    public func reopen() throws(LogSinkError) {
        let fresh = try Self.open(path)
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = fresh
        }
    }
}
