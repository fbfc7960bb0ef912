import Foundation

/// schema.org metadata from `<script type="application/ld+json">`: the first Article-like object wins. It fills
/// the `PageMetadata` fields JSON-LD can give (title, byline, site name, published, body); `MetadataReader` puts
/// them first and falls back to the page's `<meta>` tags.
enum JSONLDReader {
    /// `^Article|…|APIReference$` of schema.org's Article subtypes (the alternation anchors only its ends).
    private static let articleTypesAnywhere = [
        "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report",
        "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
        "LiveBlogPosting", "DiscussionForumPosting", "TechArticle",
    ]

    static func isArticleType(_ value: Any?) -> Bool {
        if let list = value as? [Any] { return list.contains { isArticleType($0) } }
        guard let type = value as? String else { return false }
        if type.hasPrefix("Article") || type.hasSuffix("APIReference") { return true }
        return articleTypesAnywhere.contains { type.contains($0) }
    }

    private static func isSchemaOrg(_ value: String) -> Bool {
        var rest = Substring(value)
        if rest.hasPrefix("https://") { rest = rest.dropFirst(8) } else if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else { return false }
        return rest == "schema.org" || rest == "schema.org/"
    }

    /// `htmlTitle` breaks ties when `name` and `headline` disagree (some sites put the site name in `name`).
    static func read(_ scripts: [String], htmlTitle: () -> String) -> PageMetadata? {
        for script in scripts {
            var content = script.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.hasPrefix("<![CDATA[") { content.removeFirst(9) }
            if content.hasSuffix("]]>") { content.removeLast(3) }
            guard let data = content.data(using: .utf8),
                  let parsedAny = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { continue }

            var parsed: [String: Any]?
            if let array = parsedAny as? [Any] {
                parsed = array.lazy.compactMap { $0 as? [String: Any] }.first { isArticleType($0["@type"]) }
                if parsed == nil { continue }
            } else {
                parsed = parsedAny as? [String: Any]
            }
            guard var object = parsed else { continue }

            let context = object["@context"]
            let contextMatches: Bool
            if let text = context as? String {
                contextMatches = isSchemaOrg(text)
            } else if let map = context as? [String: Any], let vocab = map["@vocab"] as? String {
                contextMatches = isSchemaOrg(vocab)
            } else {
                contextMatches = false
            }
            guard contextMatches else { continue }

            if object["@type"] == nil, let graph = object["@graph"] as? [Any] {
                guard let found = graph.lazy.compactMap({ $0 as? [String: Any] }).first(where: { isArticleType($0["@type"]) }) else { continue }
                object = found
            }
            guard isArticleType(object["@type"]) else { continue }

            var metadata = PageMetadata()
            let name = object["name"] as? String
            let headline = object["headline"] as? String
            if let name, let headline, name != headline {
                let title = htmlTitle()
                let nameMatches = JSText.similarity(name, title) > 0.75
                let headlineMatches = JSText.similarity(headline, title) > 0.75
                metadata.title = headlineMatches && !nameMatches ? headline : name
            } else if let name {
                metadata.title = JSText.trim(name)
            } else if let headline {
                metadata.title = JSText.trim(headline)
            }
            if let author = object["author"] as? [String: Any], let authorName = author["name"] as? String {
                metadata.byline = JSText.trim(authorName)
            } else if let authors = object["author"] as? [Any], let first = authors.first as? [String: Any], first["name"] is String {
                metadata.byline = authors.compactMap { ($0 as? [String: Any])?["name"] as? String }
                    .map { JSText.trim($0) }.joined(separator: ", ")
            }
            if let publisher = object["publisher"] as? [String: Any], let publisherName = publisher["name"] as? String {
                metadata.siteName = JSText.trim(publisherName)
            }
            if let date = object["datePublished"] as? String { metadata.published = JSText.trim(date) }
            if let body = object["articleBody"] as? String { metadata.jsonLDBody = body }
            return metadata
        }
        return nil
    }
}
