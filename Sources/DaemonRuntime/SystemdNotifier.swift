import Foundation

/// The systemd notify protocol without libsystemd: one datagram per message to the AF_UNIX socket named by
/// `$NOTIFY_SOCKET` (a leading `@` names the abstract namespace). Outside systemd the variable is unset and every
/// call is a no-op, so the daemon runs the same in a terminal.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?
    /// Half of `$WATCHDOG_USEC` when the watchdog is on for this process: how often to send WATCHDOG=1.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if let microseconds = environment["WATCHDOG_USEC"].flatMap(UInt64.init), microseconds > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            watchdogInterval = .microseconds(Int64(microseconds / 2))
        } else {
            watchdogInterval = nil
        }
    }

    public var isActive: Bool { socketPath != nil }

    public func ready(status: String? = nil) { send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? [])) }
    public func status(_ text: String) { send(["STATUS=\(text)"]) }
    public func watchdog() { send(["WATCHDOG=1"]) }
    public func stopping() { send(["STOPPING=1"]) }
    public func reloading() { send(["RELOADING=1"]) }

    /// Sends newline-separated assignments; returns false when the socket is unset or the send failed (systemd
    /// treats a missing notification as a failure on its side; the daemon itself carries on).
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let socketPath else { return false }
        // A newline inside a value would start a new assignment: flatten it.
        let message = assignments.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        // Abstract names are length-delimited (no trailing NUL); filesystem paths are NUL-terminated.
        let pathLength = pathBytes.first == 0 ? pathBytes.count : pathBytes.count + 1
        let addressLength = socklen_t(MemoryLayout<sa_family_t>.size + pathLength)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, addressLength) }
            }
        }
        return sent == bytes.count
    }
}
