import Coverage
import Foundation
import Pipeline
import Store

/// `tidings try`: which stored items a topic query would match, with the daemon's own matcher (title and the
/// feed's longest text), newest first. Reads only; pages through the items newest-stored first and stops at the
/// first page entirely older than `since`, so a preview of a week does not read a year.
public struct QueryPreview: Sendable {
    public typealias Item = ArticleListing

    public var query: String
    public var total: Int
    /// Newest first, at most the limit asked for.
    public var items: [Item]

    public static let pageSize = 500

    public static func run(store: any Store, query text: String, parsed: TopicQuery, since: Date, limit: Int) throws -> QueryPreview {
        let vocabulary = MatchVocabulary(queries: [parsed])
        var matched: [Item] = []
        var total = 0
        try store.read { reader in
            var feeds: [Int64: FeedRecord] = [:]
            for feed in try reader.feeds() { feeds[feed.id] = feed }
            var before: Int64?
            while true {
                let page = try reader.items(beforeID: before, limit: pageSize)
                guard let last = page.last else { break }
                before = last.id
                var anyRecent = false
                for item in page where item.firstSeen >= since {
                    anyRecent = true
                    let content = item.content ?? "", summary = item.summary ?? ""
                    let text = content.utf8.count >= summary.utf8.count ? content : summary
                    guard parsed.matches(MatchableText(title: item.title, text: text, vocabulary: vocabulary)) else { continue }
                    total += 1
                    matched.append(Item(title: item.title, url: item.link, feed: feeds[item.feedID]?.configuredURL ?? "", feedName: feeds[item.feedID]?.name,
                                        published: item.published, seen: item.firstSeen))
                }
                if !anyRecent || page.count < pageSize { break }
            }
        }
        matched.sort { ($0.published ?? $0.seen) > ($1.published ?? $1.seen) }
        return QueryPreview(query: text, total: total, items: Array(matched.prefix(max(0, limit))))
    }
}

extension QueryPreview {
    /// `{"query","total","items":[{"title","url","feed","published"}]}`
    public var json: JSONValue {
        .object([
            ("query", .string(query)),
            ("total", .int(total)),
            ("items", .array(items.map { item in
                .object(EventList.articleMembers(item))
            })),
        ])
    }
}
