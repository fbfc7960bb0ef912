import Foundation
import Pipeline
import Store
import Support

/// One event and its articles, as `tidings event` and `/events/{id}` show it.
public struct EventTimeline: Sendable {
    public var event: EventSummary
    public var articles: [EventArticleRecord]

    /// nil when the store has no such event.
    public static func load(_ store: any Store, id: String) throws -> EventTimeline? {
        try store.read { reader in
            guard let event = try reader.eventSummary(id: id) else { return nil }
            return EventTimeline(event: event, articles: try reader.eventArticles(eventID: id))
        }
    }

    /// `{"id","topic","title","first_seen","last_seen","closed","articles":[{"title","url","feed","published",
    /// "seen","verdict","new_facts"}]}`
    public var json: JSONValue {
        .object(EventList.identity(event) + [
            ("closed", .bool(event.closed)),
            ("articles", .array(articles.map { article in
                .object(EventList.articleMembers(article.article) + [
                    ("seen", .string(ISO8601Time.format(article.seen))),
                    ("verdict", .string(article.verdict)),
                    ("new_facts", .array(article.newFacts.map(JSONValue.string))),
                ])
            })),
        ])
    }
}

/// Event lists, as `tidings events` and `/api/events` show them.
public enum EventList {
    /// The members every article's JSON starts with (an event's timeline, a query preview): title, url, feed,
    /// published.
    static func articleMembers(_ article: ArticleListing) -> [(String, JSONValue)] {
        [("title", .string(article.title)), ("url", .optional(article.url)), ("feed", .string(article.feed)),
         ("published", article.published.map { .string(ISO8601Time.format($0)) } ?? .null)]
    }

    /// The members every event's JSON starts with: id, topic, title, first_seen, last_seen.
    static func identity(_ event: EventSummary) -> [(String, JSONValue)] {
        [("id", .string(event.id)), ("topic", .string(event.topic)), ("title", .string(event.title)),
         ("first_seen", .string(ISO8601Time.format(event.firstSeen))), ("last_seen", .string(ISO8601Time.format(event.lastSeen)))]
    }

    /// `{"events":[{"id","topic","title","first_seen","last_seen","articles","closed"}]}`
    public static func json(_ events: [EventSummary]) -> JSONValue {
        .object([("events", .array(events.map { event in
            .object(identity(event) + [
                ("articles", .int(event.articleCount)),
                ("closed", .bool(event.closed)),
            ])
        }))])
    }
}

/// Short human forms shared by the command line and the pages.
public enum HumanText {
    /// "3 min ago", "5 h ago", "2 d ago" (or "in 3 min" for a time ahead).
    public static func age(of date: Date, now: Date = Date()) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        let magnitude = abs(seconds)
        let text: String
        if magnitude < 90 { text = "\(magnitude) s" }
        else if magnitude < 5400 { text = "\(magnitude / 60) min" }
        else if magnitude < 172_800 { text = "\(magnitude / 3600) h" }
        else { text = "\(magnitude / 86_400) d" }
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// "2026-11-22 01:23 UTC"
    public static func utc(_ date: Date) -> String {
        let iso = ISO8601Time.format(date)  // 2026-11-22T01:23:39Z
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }

    /// The feed's name, else the host of its URL, else the URL.
    public static func outlet(feed: String, name: String?) -> String {
        if let name, !name.isEmpty { return name }
        if let host = URLComponents(string: feed)?.host, !host.isEmpty { return host }
        return feed
    }

    /// Cuts to `width` characters, with "…" when cut.
    public static func clip(_ text: String, _ width: Int) -> String {
        guard width > 1 else { return "" }
        return text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// Word-wraps to `width` columns, each line after the first indented by `indent` (within the width); a word
    /// longer than a line is cut.
    public static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = []
        var line = ""
        func limit() -> Int { max(1, width - (lines.isEmpty ? 0 : indent.count)) }
        for word in text.split(whereSeparator: \.isWhitespace) {
            if !line.isEmpty, line.count + 1 + word.count > limit() {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
            while line.count > limit() {
                let cut = limit()
                lines.append(String(line.prefix(cut)))
                line = String(line.dropFirst(cut))
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines.enumerated().map { $0.offset == 0 ? $0.element : indent + $0.element }
    }
}
