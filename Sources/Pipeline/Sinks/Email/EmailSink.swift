import Config
import Feeds
import Foundation
import Store

/// An e-mail sink, opened: its settings, what its messages say (outlets, event page links) and its topics.
/// Sends one outbox entry — an alert (mode each) or a digest (`digest:…` ids) — as one message.
public struct EmailSink: Sendable {
    public let settings: EmailSettings
    public let context: MailContext
    /// The sink's topic filter (nil: all), which a digest honours.
    public let topics: Set<String>?
    /// A PEM bundle of trusted certificate authorities instead of the system's (`ca_file`).
    public var caFile: String?

    public init(settings: EmailSettings, topics: [String]?, feeds: [FeedSettings], eventPageBase: String?) {
        self.settings = settings
        self.context = MailContext(from: settings.from, to: settings.to, feeds: feeds, eventPageBase: eventPageBase)
        self.topics = topics.map(Set.init)
        self.caFile = settings.caFile
    }

    public enum Failure: Sendable, Equatable {
        case transient(String)
        case permanent(String)
    }

    /// The message an outbox entry becomes; nil when the stored payload cannot be read (a permanent failure).
    public func message(for claim: OutboxAlert, now: Date = Date()) -> MailMessage? {
        if claim.alertID.hasPrefix("digest:") {
            guard let digest = Digest(json: claim.payload) else { return nil }
            return DigestMail.message(digest, key: claim.alertID, context: context, date: now)
        }
        guard let alert = Alert(json: claim.payload) else { return nil }
        return AlertMail.message(for: alert, context: context)
    }

    /// Sends one entry; nil when the server accepted it.
    public func send(_ claim: OutboxAlert, timeout: TimeInterval) async -> Failure? {
        guard let message = message(for: claim) else { return .permanent("stored payload is not a valid alert or digest") }
        let request = SMTPSender.Request(
            url: settings.smtpURL, requireTLS: settings.starttls && settings.smtpURL.hasPrefix("smtp://"),
            from: EmailAddress.bare(settings.from), recipients: settings.to.map(EmailAddress.bare),
            username: settings.username, password: settings.password?.value, caFile: caFile,
            message: Array(message.render().utf8), timeout: timeout, connectTimeout: min(timeout, 10))
        let cancellation = SMTPSender.Cancellation()
        let outcome = await withTaskCancellationHandler {
            (try? await Blocking.run { SMTPSender.send(request, cancellation: cancellation) }) ?? .transient("not sent")
        } onCancel: {
            cancellation.cancel()
        }
        switch outcome {
        case .accepted: return nil
        case .transient(let why): return .transient(why)
        case .permanent(let why): return .permanent(why)
        }
    }
}
