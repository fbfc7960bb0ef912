import Foundation
import Support

/// One digest: per topic, each event that had alerts in [since, until), newest event first, with its new facts
/// de-duplicated in the order they arrived and the articles that brought them. Built once when a period is due
/// and stored as the outbox payload, so a retry sends the same digest whatever was pruned meanwhile.
public struct Digest: Sendable, Equatable, Codable {
    public struct Source: Sendable, Equatable, Codable {
        public var outlet: String
        public var url: String
        public var published: Date?
    }

    public struct Event: Sendable, Equatable, Codable {
        public var id: String
        public var title: String
        public var firstSeen: Date
        /// Newest alert of the event in the period: the order of events.
        public var latest: Date
        public var articles: Int
        public var isNew: Bool
        public var facts: [String]
        public var sources: [Source]
    }

    public struct Topic: Sendable, Equatable, Codable {
        public var name: String
        public var events: [Event]
    }

    public var since: Date
    public var until: Date
    public var topics: [Topic]

    public var eventCount: Int { topics.reduce(0) { $0 + $1.events.count } }
    public var factCount: Int { topics.reduce(0) { $0 + $1.events.reduce(0) { $0 + $1.facts.count } } }
    public var isEmpty: Bool { eventCount == 0 }

    /// Groups alerts (any order) into a digest; `topics` nil keeps every topic.
    public static func build(alerts: [Alert], since: Date, until: Date, topics filter: Set<String>?,
                             context: MailContext) -> Digest {
        // In the order the facts arrived: alerts of one cycle share a creation time, and within an event each
        // alert saw one article more than the one before.
        let ordered = alerts.filter { filter?.contains($0.topic) ?? true }.sorted {
            ($0.created, $0.event.articles, $0.id) < ($1.created, $1.event.articles, $1.id)
        }
        var byTopic: [String: [String: Event]] = [:]
        var seenFacts: [String: Set<String>] = [:]
        for alert in ordered {
            let key = alert.event.id
            var event = byTopic[alert.topic]?[key] ?? Event(
                id: key, title: alert.event.title, firstSeen: alert.event.firstSeen, latest: alert.created,
                articles: alert.event.articles, isNew: false, facts: [], sources: [])
            event.latest = max(event.latest, alert.created)
            event.articles = max(event.articles, alert.event.articles)
            if alert.verdict == .newEvent { event.isNew = true }
            let factKey = alert.topic + "\u{1F}" + key
            for fact in alert.newFacts where !(seenFacts[factKey]?.contains(fact) ?? false) {
                seenFacts[factKey, default: []].insert(fact)
                event.facts.append(fact)
            }
            if !event.sources.contains(where: { $0.url == alert.article.url }) {
                event.sources.append(Source(outlet: context.outlet(feed: alert.article.feed, articleURL: alert.article.url),
                                            url: alert.article.url, published: alert.article.published))
            }
            byTopic[alert.topic, default: [:]][key] = event
        }
        let topics = byTopic.keys.sorted().map { name in
            Topic(name: name, events: byTopic[name]!.values.sorted { ($0.latest, $0.id) > ($1.latest, $1.id) })
        }
        return Digest(since: since, until: until, topics: topics)
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public init?(json: String) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let decoded = try? decoder.decode(Digest.self, from: Data(json.utf8)) else { return nil }
        self = decoded
    }

    public init(since: Date, until: Date, topics: [Topic]) {
        self.since = since
        self.until = until
        self.topics = topics
    }
}

/// A digest as text (what `tidings digest --print` shows) and as a message.
public enum DigestMail {
    public static func subject(_ digest: Digest) -> String {
        let topicPart = digest.topics.count == 1 ? "[\(digest.topics[0].name)] " : ""
        let facts = digest.factCount, events = digest.eventCount
        let summary = events == 0 ? "nothing new"
            : "\(events) event\(events == 1 ? "" : "s"), \(facts) new fact\(facts == 1 ? "" : "s")"
        return "\(topicPart)Digest until \(ISO8601Time.format(digest.until)): \(summary)"
    }

    public static func text(_ digest: Digest, context: MailContext) -> String {
        var lines = ["tidings digest, \(ISO8601Time.format(digest.since)) to \(ISO8601Time.format(digest.until))", ""]
        if digest.isEmpty { lines += ["No alerts in this period.", ""] }
        for topic in digest.topics {
            lines += ["== [\(topic.name)] \(topic.events.count) event\(topic.events.count == 1 ? "" : "s") ==", ""]
            for event in topic.events {
                lines.append("\(event.isNew ? "New event" : "Event"): \(event.title)")
                lines.append("  \(event.articles) article\(event.articles == 1 ? "" : "s"), first seen \(ISO8601Time.format(event.firstSeen))")
                lines += event.facts.map { "  * \($0)" }
                lines += event.sources.map { "  - \($0.outlet): \($0.url)" }
                if let page = context.eventPage(event.id) { lines.append("  Event page: \(page)") }
                lines.append("")
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func html(_ digest: Digest, context: MailContext) -> String {
        let h = HTMLEscape.text
        var html = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>\(h(subject(digest)))</title></head><body>",
                    "<p>tidings digest, \(h(ISO8601Time.format(digest.since))) to \(h(ISO8601Time.format(digest.until)))</p>"]
        if digest.isEmpty { html.append("<p>No alerts in this period.</p>") }
        for topic in digest.topics {
            html.append("<h2>[\(h(topic.name))]</h2>")
            for event in topic.events {
                html.append("<h3>\(event.isNew ? "New event: " : "")\(h(event.title))</h3>")
                html.append("<p style=\"color:#666\">\(event.articles) article\(event.articles == 1 ? "" : "s"), first seen \(h(ISO8601Time.format(event.firstSeen)))</p>")
                if !event.facts.isEmpty { html.append("<ul>" + event.facts.map { "<li>\(h($0))</li>" }.joined() + "</ul>") }
                html.append("<p>" + event.sources.map { "<a href=\"\(h($0.url))\">\(h($0.outlet))</a>" }.joined(separator: " · ") + "</p>")
                if let page = context.eventPage(event.id) { html.append("<p><a href=\"\(h(page))\">The event's page</a></p>") }
            }
        }
        html.append("</body></html>")
        return html.joined(separator: "\n")
    }

    /// `key` names the digest uniquely (sink and period end), so a digest sent twice keeps one Message-ID.
    public static func message(_ digest: Digest, key: String, context: MailContext, date: Date) -> MailMessage {
        MailMessage(from: context.from, to: context.to, subject: subject(digest), date: date,
                    messageID: "\(MIMEEncoding.idLabel(key))@\(context.domain)",
                    listID: context.listID(topic: digest.topics.count == 1 ? digest.topics[0].name : nil),
                    extraHeaders: [("X-Tidings-Digest", "\(ISO8601Time.format(digest.since)) \(ISO8601Time.format(digest.until))")],
                    text: text(digest, context: context), html: html(digest, context: context))
    }
}
