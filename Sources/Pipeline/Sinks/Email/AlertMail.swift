import Config
import Foundation
import Support

/// What a message says, whichever way it is sent: who it is from and to, the outlets' names, and where event
/// pages are served (nil: no web page, so no link).
public struct MailContext: Sendable {
    public var from: String
    public var to: [String]
    /// Feed URL → the feed's configured name, shown as the article's outlet.
    public var outlets: [String: String]
    /// Base URL of the web page's event pages (`http://127.0.0.1:8080`); a message links to
    /// `<base>/events/<event id>` when set.
    public var eventPageBase: String?

    public init(from: String, to: [String], outlets: [String: String] = [:], eventPageBase: String? = nil) {
        self.from = from
        self.to = to
        self.outlets = outlets
        self.eventPageBase = eventPageBase
    }

    /// The outlets are the configured feeds' names.
    public init(from: String, to: [String], feeds: [FeedSettings], eventPageBase: String?) {
        var outlets: [String: String] = [:]
        for feed in feeds { if let name = feed.name { outlets[feed.url] = name } }
        self.init(from: from, to: to, outlets: outlets, eventPageBase: eventPageBase)
    }

    var domain: String { EmailAddress.domain(from) }

    func outlet(feed: String, articleURL: String) -> String {
        if let name = outlets[feed] { return name }
        if let host = URLComponents(string: articleURL)?.host, !host.isEmpty { return host }
        return feed
    }

    func eventPage(_ eventID: String) -> String? {
        guard var base = eventPageBase, !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        let escaped = eventID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? eventID
        return base + "/events/" + escaped
    }

    func listID(topic: String?) -> String {
        let label = topic.map { MIMEEncoding.idLabel($0).lowercased() + ".alerts" } ?? "digest.alerts"
        return "tidings \(topic ?? "digest") <\(label).\(domain)>"
    }
}

/// One alert as one message. The first alert of an event (its `new_event`) gets a Message-ID derived from the
/// event id; every later alert of the event replies to that id (In-Reply-To, References), so mail clients show
/// one thread per event. Both ids are deterministic, so a message sent twice (at-least-once) is one message to
/// clients that drop duplicate ids.
public enum AlertMail {
    public static func threadRootID(eventID: String, topic: String, domain: String) -> String {
        "event-\(MIMEEncoding.idLabel(eventID)).\(MIMEEncoding.idLabel(topic))@\(domain)"
    }

    public static func message(for alert: Alert, context: MailContext) -> MailMessage {
        let root = threadRootID(eventID: alert.event.id, topic: alert.topic, domain: context.domain)
        let isFirst = alert.verdict == .newEvent
        let label = isFirst ? "New event" : "New facts"
        let outlet = context.outlet(feed: alert.article.feed, articleURL: alert.article.url)
        let when = ISO8601Time.format(alert.article.published ?? alert.created)
        let page = context.eventPage(alert.event.id)

        var text = ["\(label) in [\(alert.topic)]", "", "Event: \(alert.event.title) (\(alert.event.articles) article\(alert.event.articles == 1 ? "" : "s"))", ""]
        text += [alert.article.title, "\(outlet), \(when)", alert.article.url, ""]
        if !alert.newFacts.isEmpty {
            text.append(isFirst ? "What it says:" : "New facts:")
            text += alert.newFacts.map { "  * \($0)" }
            text.append("")
        }
        if let page { text += ["Event page: \(page)", ""] }
        text += ["-- ", "tidings alert \(alert.id), topic \(alert.topic)"]

        let h = HTMLEscape.text
        var html = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>\(h(alert.article.title))</title></head><body>",
                    "<p>\(label) in <b>[\(h(alert.topic))]</b></p>",
                    "<h2>\(h(alert.event.title))</h2>",
                    "<p><a href=\"\(h(alert.article.url))\">\(h(alert.article.title))</a><br>\(h(outlet)), \(h(when))</p>"]
        if !alert.newFacts.isEmpty {
            html.append("<p>\(isFirst ? "What it says:" : "New facts:")</p><ul>")
            html += alert.newFacts.map { "<li>\(h($0))</li>" }
            html.append("</ul>")
        }
        if let page { html.append("<p><a href=\"\(h(page))\">The event's page</a></p>") }
        html.append("<p style=\"color:#666\">tidings alert \(h(alert.id)), topic \(h(alert.topic))</p></body></html>")

        return MailMessage(
            from: context.from, to: context.to, subject: "[\(alert.topic)] \(label): \(alert.article.title)",
            date: alert.created,
            messageID: isFirst ? root : "alert-\(MIMEEncoding.idLabel(alert.id))@\(context.domain)",
            inReplyTo: isFirst ? nil : root, listID: context.listID(topic: alert.topic),
            extraHeaders: [("X-Tidings-Alert-Id", alert.id), ("X-Tidings-Event-Id", alert.event.id),
                           ("X-Tidings-Topic", alert.topic), ("X-Tidings-Verdict", alert.verdict.rawValue)],
            text: text.joined(separator: "\n"), html: html.joined(separator: "\n"))
    }
}
