import Config
import Foundation
import Logging

/// The configured alert sinks, opened: log files held open, webhook secrets in hand. A reload builds a new set
/// (which reopens every log file: what logrotate expects after it moved the old one away).
public final class SinkSet: Sendable {
    public enum Sink: Sendable {
        case log(name: String, file: LogSink, giveUpAfter: TimeInterval)
        case webhook(name: String, settings: WebhookSettings)
        case email(name: String, sink: EmailSink)

        public var name: String {
            switch self {
            case .log(let name, _, _), .webhook(let name, _), .email(let name, _): return name
            }
        }
    }

    public let sinks: [Sink]

    /// `feeds` name the outlets in e-mails; `eventPageBase` is where the web page serves event pages (nil: off,
    /// and e-mails carry no link to one).
    public init(_ settings: [SinkSettings], feeds: [FeedSettings] = [], eventPageBase: String? = nil) throws(LogSinkError) {
        var sinks: [Sink] = []
        for sink in settings {
            switch sink.kind {
            case .log(let path):
                sinks.append(.log(name: sink.name, file: try LogSink(path: path), giveUpAfter: 86_400))
            case .webhook(let webhook):
                sinks.append(.webhook(name: sink.name, settings: webhook))
            case .email(let email):
                sinks.append(.email(name: sink.name, sink: EmailSink(settings: email, topics: sink.topics, feeds: feeds,
                                                                     eventPageBase: eventPageBase)))
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
