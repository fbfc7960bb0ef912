import Config
import Foundation
import Logging

/// The configured alert sinks, opened: log files held open, webhook secrets in hand. A reload builds a new set
/// (which reopens every log file: what logrotate expects after it moved the old one away).
public final class SinkSet: Sendable {
    public enum Sink: Sendable {
        case log(name: String, file: LogSink, giveUpAfter: TimeInterval)
        case webhook(name: String, settings: WebhookSettings)

        public var name: String {
            switch self {
            case .log(let name, _, _), .webhook(let name, _): return name
            }
        }
    }

    public let sinks: [Sink]

    public init(_ settings: [SinkSettings]) throws(LogSinkError) {
        var sinks: [Sink] = []
        for sink in settings {
            switch sink.kind {
            case .log(let path):
                sinks.append(.log(name: sink.name, file: try LogSink(path: path), giveUpAfter: 86_400))
            case .webhook(let webhook):
                sinks.append(.webhook(name: sink.name, settings: webhook))
            }
        }
        self.sinks = sinks
    }

    public func reopenLogs(logger: Logger) {
        for case .log(_, let file, _) in sinks {
            do { try file.reopen() } catch { logger.error("cannot reopen the alert log", metadata: ["error": "\(error)"]) }
        }
    }
}
