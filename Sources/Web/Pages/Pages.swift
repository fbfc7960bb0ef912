import Foundation
import Pipeline
import Store

/// The three pages: `/` (topics with their latest events, feed health), `/topics/{name}`, `/events/{id}`.
/// Plain semantic HTML, one inline stylesheet, no script, nothing loaded from elsewhere.
enum Pages {
    static let eventsPerTopicOnIndex = 5

    static func index(store: any Store, topics: [String], now: Date) throws -> String {
        var body = "<h1>News by topic</h1>\n"
        for topic in topics {
            let events = try store.read { try $0.events(EventQuery(topic: topic, limit: eventsPerTopicOnIndex)) }
            body += "<section>\n<h2><a href=\"/topics/\(HTML.segment(topic))\">\(HTML.escape(topic))</a></h2>\n"
            if events.isEmpty {
                body += "<p class=\"meta\">No events yet.</p>\n"
            } else {
                body += "<ul>\n"
                for event in events {
                    let newest = try store.read { try $0.eventArticles(eventID: event.id) }
                        .last { !$0.newFacts.isEmpty }?.newFacts.last
                    body += "<li>" + eventLine(event, now: now)
                    if let newest { body += "<br><mark>\(HTML.escape(newest))</mark>" }
                    body += "</li>\n"
                }
                body += "</ul>\n"
            }
            body += "</section>\n"
        }
        // Counts and the troubled few, not every feed's row: a page view at 10,000 feeds stays small.
        let (summary, troubled) = try store.read { (try $0.summary(), try $0.troubledFeeds(limit: 50)) }
        body += feedHealth(summary, troubled)
        return HTML.page(title: "News by topic", body: body)
    }

    static func topic(store: any Store, name: String, now: Date) throws -> String {
        let events = try store.read { try $0.events(EventQuery(topic: name, limit: 200)) }
        var body = "<h1>\(HTML.escape(name))</h1>\n<p class=\"meta\"><a href=\"/topics/\(HTML.segment(name))/alerts.atom\">alerts feed of this topic</a></p>\n"
        if events.isEmpty { body += "<p class=\"meta\">No events yet.</p>\n" }
        body += "<ul>\n" + events.map { "<li>" + eventLine($0, now: now) + "</li>\n" }.joined() + "</ul>\n"
        return HTML.page(title: name, body: body)
    }

    static func event(_ timeline: EventTimeline, now: Date) -> String {
        let event = timeline.event
        var body = "<h1>\(HTML.escape(event.title))</h1>\n"
        body += "<p class=\"meta\">Topic <a href=\"/topics/\(HTML.segment(event.topic))\">\(HTML.escape(event.topic))</a> · "
        body += "\(event.articleCount) article\(event.articleCount == 1 ? "" : "s") · first seen \(HTML.time(event.firstSeen, now: now))"
        body += event.closed ? " · closed" : " · open"
        body += "</p>\n<ol class=\"timeline\">\n"
        for article in timeline.articles {
            body += "<li class=\"\(HTML.escape(article.verdict))\">"
            body += "<span class=\"verdict\">\(HTML.escape(article.verdict.replacingOccurrences(of: "_", with: " ")))</span> "
            body += "<span class=\"meta\">\(HTML.time(article.seen, now: now)) · "
            body += HTML.escape(HumanText.outlet(feed: article.feed, name: article.feedName)) + "</span><br>"
            body += "<strong>\(HTML.link(article.url, article.title))</strong>"
            if !article.newFacts.isEmpty {
                body += "\n<ul class=\"facts\">" + article.newFacts.map { "<li><mark>\(HTML.escape($0))</mark></li>" }.joined() + "</ul>"
            }
            body += "</li>\n"
        }
        body += "</ol>\n"
        return HTML.page(title: event.title, body: body)
    }

    static func notFound(_ what: String) -> String {
        HTML.page(title: "Not found", body: "<h1>Not found</h1>\n<p>\(HTML.escape(what))</p>\n")
    }

    private static func eventLine(_ event: EventSummary, now: Date) -> String {
        "<a href=\"/events/\(HTML.segment(event.id))\">\(HTML.escape(event.title))</a> "
            + "<span class=\"meta\">\(event.articleCount) article\(event.articleCount == 1 ? "" : "s") · "
            + "updated \(HTML.time(event.updated, now: now))\(event.closed ? " · closed" : "")</span>"
    }

    private static func feedHealth(_ summary: StoreSummary, _ troubled: [FeedRecord]) -> String {
        let total = summary.feedStates.values.reduce(0, +)
        var html = "<section>\n<h2>Feeds</h2>\n<p>\(total) feed\(total == 1 ? "" : "s"): "
        html += FeedState.allCases.compactMap { state in
            summary.feedStates[state].map { "\($0) \(HTML.escape(state.rawValue))" }
        }.joined(separator: ", ") + "</p>\n"
        if !troubled.isEmpty {
            html += "<table>\n<tr><th>feed</th><th>state</th><th>error</th></tr>\n"
            for feed in troubled {
                html += "<tr class=\"failing\"><td>\(HTML.escape(HumanText.outlet(feed: feed.url, name: feed.name)))</td>"
                html += "<td>\(HTML.escape(feed.state.rawValue))</td><td>\(HTML.escape(feed.lastError ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</section>\n"
    }
}
