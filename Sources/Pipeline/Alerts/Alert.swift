import Foundation
import Support

/// The verdicts that raise an alert (the others — no new facts, off topic — stay silent).
public enum AlertVerdict: String, Sendable, Codable {
    case newEvent = "new_event"
    case newFacts = "new_facts"
}

/// One alert: a (topic, article) pair whose verdict is `new_event` or `new_facts`, in the shape of
/// `../shared/spec/alert.example.json`, plus documented extra keys (`article.canonical_url`, `article.summary_only`).
public struct Alert: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        public var id: String
        public var title: String
        public var firstSeen: Date
        public var articles: Int
        public init(id: String, title: String, firstSeen: Date, articles: Int) {
            self.id = id; self.title = title; self.firstSeen = firstSeen; self.articles = articles
        }
    }

    public struct Article: Sendable, Equatable {
        public var title: String
        public var url: String
        public var canonicalURL: String?
        public var feed: String
        public var published: Date?
        public init(title: String, url: String, canonicalURL: String? = nil, feed: String, published: Date?) {
            self.title = title; self.url = url; self.canonicalURL = canonicalURL; self.feed = feed; self.published = published
        }
    }

    public var id: String
    public var created: Date
    public var topic: String
    public var verdict: AlertVerdict
    public var event: Event
    public var article: Article
    public var newFacts: [String]

    public init(id: String, created: Date, topic: String, verdict: AlertVerdict, event: Event, article: Article, newFacts: [String]) {
        self.id = id; self.created = created; self.topic = topic; self.verdict = verdict
        self.event = event; self.article = article; self.newFacts = newFacts
    }

    public var json: JSONValue {
        var articleMembers: [(String, JSONValue)] = [
            ("title", .string(article.title)),
            ("url", .string(article.url)),
        ]
        if let canonical = article.canonicalURL, canonical != article.url {
            articleMembers.append(("canonical_url", .string(canonical)))
        }
        articleMembers.append(("feed", .string(article.feed)))
        articleMembers.append(("published", article.published.map { .string(ISO8601Time.format($0)) } ?? .null))
        return .object([
            ("id", .string(id)),
            ("created", .string(ISO8601Time.format(created))),
            ("topic", .string(topic)),
            ("verdict", .string(verdict.rawValue)),
            ("event", .object([
                ("id", .string(event.id)),
                ("title", .string(event.title)),
                ("first_seen", .string(ISO8601Time.format(event.firstSeen))),
                ("articles", .int(event.articles)),
            ])),
            ("article", .object(articleMembers)),
            ("new_facts", .array(newFacts.map(JSONValue.string))),
        ])
    }

    /// The alert JSON on one line: the webhook body and one line of the log sink.
    public func renderJSON() -> String { json.serialized() }

    /// Slack/Mattermost-compatible body: `{"text": …}` with the headline linked and the new facts as bullets.
    public func renderSlack() -> String {
        JSONValue.object([("text", .string(slackText))]).serialized()
    }

    var slackText: String {
        let label = verdict == .newEvent ? "New event" : "New facts"
        var lines = ["*[\(topic)] \(label):* <\(Self.slackEscape(article.url))|\(Self.slackEscape(article.title))>"]
        if verdict == .newFacts, event.title != article.title {
            lines.append("Event: \(Self.slackEscape(event.title)) (\(event.articles) articles)")
        }
        for fact in newFacts { lines.append("• \(Self.slackEscape(fact))") }
        return lines.joined(separator: "\n")
    }

    /// Slack treats &, < and > as markup; everything else is literal.
    static func slackEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension Alert {
    /// Reads an alert back from its JSON (an outbox payload); nil when it is not in the contract's shape.
    public init?(json text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let id = object["id"] as? String, let created = (object["created"] as? String).flatMap(ISO8601Time.parse),
              let topic = object["topic"] as? String, let verdict = (object["verdict"] as? String).flatMap(AlertVerdict.init),
              let event = object["event"] as? [String: Any], let article = object["article"] as? [String: Any]
        else { return nil }
        self.init(
            id: id, created: created, topic: topic, verdict: verdict,
            event: Event(id: event["id"] as? String ?? "", title: event["title"] as? String ?? "",
                         firstSeen: (event["first_seen"] as? String).flatMap(ISO8601Time.parse) ?? created,
                         articles: event["articles"] as? Int ?? 1),
            article: Article(title: article["title"] as? String ?? "", url: article["url"] as? String ?? "",
                             canonicalURL: article["canonical_url"] as? String, feed: article["feed"] as? String ?? "",
                             published: (article["published"] as? String).flatMap(ISO8601Time.parse)),
            newFacts: object["new_facts"] as? [String] ?? [])
    }
}
