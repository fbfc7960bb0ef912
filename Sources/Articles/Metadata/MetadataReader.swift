import Foundation

/// Title, byline, date and canonical URL from the page head: JSON-LD first, then Dublin Core, Open Graph,
/// Twitter and plain `<meta>`, then the `<title>` element with the site name trimmed (Readability's order).
struct PageMetadata {
    var title: String?
    var byline: String?
    var published: String?
    var canonicalURL: String?
    var siteName: String?
    var jsonLDBody: String?
}

enum MetadataReader {
    // `property` is a space-separated list; the first vocabulary:field pair in it counts.
    private static let propertyPattern = try! NSRegularExpression(
        pattern: #"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*"#,
        options: [.caseInsensitive])
    private static let namePattern = try! NSRegularExpression(
        pattern: #"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-\.:]\s*)?(author|creator|pub-date|description|title|site_name)\s*$"#,
        options: [.caseInsensitive])

    static func read(document: Document, jsonLD: [String], pageURL: String?) -> PageMetadata {
        let jsonMetadata = JSONLDReader.read(jsonLD) { articleTitle(document) }
        var values: [String: String] = [:]
        var extra: [String: String] = [:]
        for meta in document.root.descendants(tag: "meta") {
            guard let content = meta.attribute("content"), !content.isEmpty else { continue }
            var matched = false
            if let property = meta.attribute("property") {
                let range = NSRange(property.startIndex..., in: property)
                if let match = propertyPattern.firstMatch(in: property, range: range), let swiftRange = Range(match.range, in: property) {
                    let key = String(property[swiftRange]).lowercased().filter { !$0.isWhitespace }
                    values[key] = JSText.trim(content)
                    matched = true
                }
                if property.lowercased() == "og:url" { extra["og:url"] = JSText.trim(content) }
            }
            if !matched, let name = meta.attribute("name") {
                let range = NSRange(name.startIndex..., in: name)
                if namePattern.firstMatch(in: name, range: range) != nil {
                    let key = name.lowercased().filter { !$0.isWhitespace }.replacingOccurrences(of: ".", with: ":")
                    values[key] = JSText.trim(content)
                }
            }
            if let itemprop = meta.attribute("itemprop"), itemprop == "datePublished", extra["itemprop:datePublished"] == nil {
                extra["itemprop:datePublished"] = JSText.trim(content)
            }
        }

        func first(_ candidates: String?...) -> String? {
            for candidate in candidates { if let candidate, !candidate.isEmpty { return candidate } }
            return nil
        }

        var metadata = PageMetadata()
        metadata.title = first(jsonMetadata?.title, values["dc:title"], values["dcterm:title"], values["og:title"],
                               values["weibo:article:title"], values["weibo:webpage:title"], values["title"],
                               values["twitter:title"], values["parsely-title"]) ?? articleTitle(document)

        // article:author is often the author's profile URL, which is no byline.
        let articleAuthor = values["article:author"].flatMap { isURL($0) ? nil : $0 }
        metadata.byline = first(jsonMetadata?.byline, values["dc:creator"], values["dcterm:creator"], values["author"],
                                values["parsely-author"], articleAuthor)
        metadata.siteName = first(jsonMetadata?.siteName, values["og:site_name"])
        metadata.published = first(jsonMetadata?.published, values["article:published_time"], values["parsely-pub-date"],
                                   extra["itemprop:datePublished"], timeElementDate(document))
        metadata.jsonLDBody = jsonMetadata?.jsonLDBody

        metadata.title = metadata.title.map(unescapeEntities)
        metadata.byline = metadata.byline.map(unescapeEntities)
        metadata.siteName = metadata.siteName.map(unescapeEntities)
        metadata.published = metadata.published.map(unescapeEntities)
        metadata.canonicalURL = canonicalURL(document, ogURL: extra["og:url"], pageURL: pageURL)
        return metadata
    }

    /// Last resort for the date: a `<time datetime>` marked as the publication date, else the first one.
    private static func timeElementDate(_ document: Document) -> String? {
        let times = document.root.descendants(tag: "time").filter { !($0.attribute("datetime") ?? "").isEmpty }
        let marked = times.first { $0.attribute("itemprop") == "datePublished" || $0.hasAttribute("pubdate") }
        return (marked ?? times.first)?.attribute("datetime").map { JSText.trim($0) }
    }

    private static func canonicalURL(_ document: Document, ogURL: String?, pageURL: String?) -> String? {
        let link = document.root.descendants(tag: "link").first { link in
            (link.attribute("rel") ?? "").lowercased().split(separator: " ").contains("canonical")
                && !(link.attribute("href") ?? "").isEmpty
        }
        guard let raw = link?.attribute("href") ?? ogURL else { return nil }
        let trimmed = JSText.trim(raw)
        if let pageURL, let base = URL(string: pageURL), let resolved = URL(string: trimmed, relativeTo: base) {
            return resolved.absoluteString
        }
        return trimmed
    }

    private static func isURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme else { return false }
        return !scheme.isEmpty
    }

    /// Meta values are often escaped twice; undo the common entities and numeric references once more.
    static func unescapeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let entity = text[text.index(after: index)..<semicolon]
            var replacement: String?
            switch entity {
            case "quot": replacement = "\""
            case "amp": replacement = "&"
            case "apos": replacement = "'"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            default:
                if entity.hasPrefix("#") {
                    let digits = entity.dropFirst()
                    var value: UInt32?
                    if digits.first == "x" || digits.first == "X" {
                        value = UInt32(digits.dropFirst(), radix: 16)
                    } else {
                        value = UInt32(digits, radix: 10)
                    }
                    if let raw = value {
                        let safe = (raw == 0 || raw > 0x10FFFF || (0xD800...0xDFFF).contains(raw)) ? 0xFFFD : raw
                        replacement = Unicode.Scalar(safe).map { String(Character($0)) }
                    }
                }
            }
            if let replacement {
                result += replacement
                index = text.index(after: semicolon)
            } else {
                result.append(character)
                index = text.index(after: index)
            }
        }
        return result
    }

    // MARK: <title>

    /// `document.title`: the first `<title>` outside SVG, ASCII whitespace stripped and collapsed.
    static func documentTitle(_ document: Document) -> String {
        var found: Node?
        var current = document.root.firstChild
        while let node = current {
            if node.isElement && node.tag == "svg" {
                current = node.nextNodeSkippingChildren(within: document.root)
                continue
            }
            if node.isElement && node.tag == "title" { found = node; break }
            current = node.firstChild ?? node.nextNodeSkippingChildren(within: document.root)
        }
        guard let title = found else { return "" }
        let pieces = title.textContent.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
        return JSText.trim(pieces.joined(separator: " "))
    }

    private static let separators: Set<Character> = ["|", "-", "–", "—", "\\", "/", ">", "»"]
    private static let hierarchicalSeparators: Set<Character> = ["\\", "/", ">", "»"]

    private static func isSpace(_ character: Character) -> Bool {
        character.unicodeScalars.count == 1 && JSText.isWhitespace(character.unicodeScalars.first!)
    }

    /// Readability's `_getArticleTitle`: `<title>` minus the site name around " | ", " - ", " » " or ": ".
    static func articleTitle(_ document: Document) -> String {
        let original = documentTitle(document)
        var current = original
        var hadHierarchicalSeparators = false
        let characters = Array(original)

        var separatorPositions: [Int] = []
        var index = 0
        while index + 2 < characters.count {
            if isSpace(characters[index]) && separators.contains(characters[index + 1]) && isSpace(characters[index + 2]) {
                separatorPositions.append(index)
                index += 3
            } else {
                index += 1
            }
        }

        if let last = separatorPositions.last {
            hadHierarchicalSeparators = separatorPositions.contains { hierarchicalSeparators.contains(characters[$0 + 1]) }
            current = String(characters[..<last])
            if JSText.wordCount(current) < 3 {
                if let firstSeparator = characters.firstIndex(where: { separators.contains($0) }) {
                    current = String(characters[(firstSeparator + 1)...])
                }
            }
        } else if current.contains(": ") {
            let trimmed = JSText.trim(current)
            let headingMatches = document.root.descendants(tags: ["h1", "h2"]).contains { JSText.trim($0.textContent) == trimmed }
            if !headingMatches, let lastColon = original.lastIndex(of: ":"), let firstColon = original.firstIndex(of: ":") {
                current = String(original[original.index(after: lastColon)...])
                if JSText.wordCount(current) < 3 {
                    current = String(original[original.index(after: firstColon)...])
                } else if JSText.wordCount(String(original[..<firstColon])) > 5 {
                    current = original
                }
            }
        } else if current.utf16.count > 150 || current.utf16.count < 15 {
            let headings = document.root.descendants(tag: "h1")
            if headings.count == 1 { current = JSText.normalized(headings[0].textContent) }
        }

        current = JSText.normalized(current)
        let wordCount = JSText.wordCount(current)
        let originalWithoutSeparators = String(original.filter { !separators.contains($0) })
        if wordCount <= 4 && (!hadHierarchicalSeparators || wordCount != JSText.wordCount(originalWithoutSeparators) - 1) {
            current = original
        }
        return current
    }
}
