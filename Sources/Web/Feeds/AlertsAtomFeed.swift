import Foundation
import Pipeline
import Store
import Support

/// `/alerts.atom` and `/topics/{name}/alerts.atom`: Atom 1.0 (RFC 4287) of the latest alerts, so any feed reader
/// can subscribe to "only what is new". Entry id from the alert id, link to the article, title = verdict and
/// article title, content = the new facts as an HTML list, updated = alert time.
enum AlertsAtomFeed {
    static let entries = 50
    /// A topic's feed looks this far back through all alerts (alerts carry their topic only in the payload).
    static let topicScan = 2000

    static func render(store: any Store, topic: String?, now: Date) throws -> String {
        let recent = try store.read { try $0.recentAlerts(limit: topic == nil ? entries : topicScan) }
        var alerts: [Alert] = []
        for stored in recent {
            guard let alert = Alert(json: stored.payload), topic == nil || alert.topic == topic else { continue }
            alerts.append(alert)
            if alerts.count == entries { break }
        }
        let feedID = "tag:tidings,2026:alerts" + (topic.map { "/" + HTML.segment($0) } ?? "")
        let selfPath = topic.map { "/topics/\(HTML.segment($0))/alerts.atom" } ?? "/alerts.atom"
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(HTML.escape(feedID))</id>
            <title>\(HTML.escape(topic.map { "tidings alerts: \($0)" } ?? "tidings alerts"))</title>
            <updated>\(ISO8601Time.format(alerts.first?.created ?? now))</updated>
            <author><name>tidings</name></author>
            <generator>tidings</generator>
            <link rel="self" href="\(HTML.escape(selfPath))"/>

            """
        for alert in alerts {
            let verdict = alert.verdict == .newEvent ? "New event" : "New facts"
            let facts = "<ul>" + alert.newFacts.map { "<li>" + HTML.escape($0) + "</li>" }.joined() + "</ul>"
            xml += """
                <entry>
                <id>tag:tidings,2026:alert/\(HTML.escape(alert.id))</id>
                <title>\(HTML.escape("\(verdict): \(alert.article.title)"))</title>
                <link rel="alternate" href="\(HTML.escape(alert.article.url))"/>
                <updated>\(ISO8601Time.format(alert.created))</updated>
                <category term="\(HTML.escape(alert.topic))"/>
                <content type="html">\(HTML.escape(facts))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }
}
