import Foundation

/// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/).
enum JSONFeedReader {
    static func parse(_ bytes: [UInt8], options: FeedParseOptions) throws(FeedParseError) -> ParsedFeed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw FeedParseError(.malformed, "not valid JSON: \(Self.describe(error))")
        }
        guard let root = object as? [String: Any] else {
            throw FeedParseError(.notAFeed, "JSON document is not an object")
        }
        let version = root["version"] as? String ?? ""
        guard version.contains("jsonfeed.org") || root["items"] is [Any] else {
            throw FeedParseError(.notAFeed, "JSON document has no JSON Feed version and no items")
        }
        var feed = ParsedFeed(format: version.contains("/1.1") ? .json11 : .json10)
        if !version.contains("jsonfeed.org") { feed.warnings.append("JSON Feed without a version URL") }
        feed.title = string(root["title"]).map(WhitespaceCollapser.collapse).flatMap(nonEmpty)
        feed.link = string(root["home_page_url"])
        feed.language = string(root["language"])
        let feedAuthors = authors(in: root)
        for case let item as [String: Any] in root["items"] as? [Any] ?? [] {
            var entry = FeedEntry()
            if let id = item["id"] {
                // The spec says string; numbers appear in the wild and must keep their identity.
                entry.id = string(id) ?? (id as? NSNumber)?.stringValue
            }
            entry.title = string(item["title"]).map(WhitespaceCollapser.collapse).flatMap(nonEmpty)
            entry.link = string(item["url"]) ?? string(item["external_url"])
            entry.published = string(item["date_published"]).flatMap(FeedDate.parse)
            entry.updated = string(item["date_modified"]).flatMap(FeedDate.parse)
            let itemAuthors = authors(in: item)
            entry.authors = itemAuthors.isEmpty ? feedAuthors : itemAuthors
            if let summary = string(item["summary"]) {
                entry.summary = nonEmpty(WhitespaceCollapser.collapse(summary))
            }
            if let html = string(item["content_html"]) {
                entry.contentHTML = html
                entry.content = nonEmpty(HTMLText.plainText(fromHTML: html, keepParagraphBreaks: options.keepParagraphBreaks))
            } else if let text = string(item["content_text"]) {
                entry.content = nonEmpty(options.keepParagraphBreaks ? text : WhitespaceCollapser.collapse(text))
            }
            entry.categories = (item["tags"] as? [Any] ?? []).compactMap { string($0) }
            for case let attachment as [String: Any] in item["attachments"] as? [Any] ?? [] {
                guard let url = string(attachment["url"]) else { continue }
                let length = (attachment["size_in_bytes"] as? NSNumber)?.intValue
                entry.enclosures.append(FeedEnclosure(url: url, type: string(attachment["mime_type"]), length: length))
            }
            feed.entries.append(entry)
        }
        StableIDs.assign(to: &feed, sourceURL: options.sourceURL)
        return feed
    }

    /// JSON Feed 1.1 `authors`; the deprecated 1.0 `author` only when `authors` names nobody (1.1 publishers
    /// write both for old readers, so reading both listed every name twice).
    private static func authors(in object: [String: Any]) -> [String] {
        func names(_ people: [Any]) -> [String] {
            var result: [String] = []
            for case let person as [String: Any] in people {
                if let name = string(person["name"]) ?? string(person["url"]), !result.contains(name) {
                    result.append(name)
                }
            }
            return result
        }
        let current = names(object["authors"] as? [Any] ?? [])
        if !current.isEmpty { return current }
        return object["author"].map { names([$0]) } ?? []
    }

    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String else { return nil }
        let trimmed = text.trimmedASCII
        return trimmed.isEmpty ? nil : text
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    private static func describe(_ error: Error) -> String {
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) : text
    }
}
