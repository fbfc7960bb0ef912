import Foundation
import Logging
import Pipeline
import Synchronization
import Support

/// A swift-log handler for stderr that journald reads well: under systemd (`$JOURNAL_STREAM` set) each line is
/// `<priority>message key=value…` with no timestamp (journald adds its own and maps the `<N>` prefix to a
/// priority); in a terminal or a pipe, lines carry a UTC timestamp and the level name instead.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let journal: Bool

    private static let writeLock = Mutex(())

    public init(label: String, level: Logger.Level = .info,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.logLevel = level
        self.journal = environment["JOURNAL_STREAM"].map { !$0.isEmpty } ?? false
    }

    /// Installs the handler for every logger of the process, at the level named by `$TIDINGS_LOG_LEVEL` if set.
    public static func bootstrap(defaultLevel: Logger.Level = .info) {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["TIDINGS_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, environment: environment) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        line(level: event.level, message: event.message, metadata: event.metadata)
    }

    func line(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?) -> Void {
        var merged = metadata
        if let explicit { merged.merge(explicit) { _, new in new } }
        var text = journal ? "<\(Self.priority(level))>" : "\(ISO8601Time.format(Date())) \(level.rawValue.uppercased()) "
        // Collapse newlines: one event, one journal entry.
        text += message.description.replacingOccurrences(of: "\n", with: " ")
        for key in merged.keys.sorted() {
            let value = "\(merged[key]!)"
            let quoted = value.contains(" ") || value.isEmpty ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value
            text += " \(key)=\(quoted.replacingOccurrences(of: "\n", with: " "))"
        }
        text += "\n"
        let bytes = Array(text.utf8)
        Self.writeLock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
    }

    /// syslog priorities, as sd-daemon(3) prefixes expect.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
