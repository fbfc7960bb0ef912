/// Readability's class/id vocabularies, matched as case-insensitive substrings on ASCII bytes (the same
/// thing its `/…|…/i` alternations do), without a regex engine on the hottest path.
struct SubstringSet: Sendable {
    private let needles: [[UInt8]]

    init(_ words: [String]) { needles = words.map { Array($0.utf8) } }

    func matches(_ haystack: [UInt8]) -> Bool {
        for needle in needles where Self.contains(haystack, needle) { return true }
        return false
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        let count = needle.count
        guard count > 0, haystack.count >= count else { return count == 0 }
        let first = needle[0]
        var index = 0
        let last = haystack.count - count
        while index <= last {
            if haystack[index] == first {
                var offset = 1
                while offset < count && haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == count { return true }
            }
            index += 1
        }
        return false
    }

    static func lowercasedBytes(_ text: String) -> [UInt8] {
        text.utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
    }
}

enum Hints {
    /// Containers that are almost never the article (navigation, comments, footers, pop-ups, ...).
    static let unlikelyCandidates = SubstringSet([
        "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus",
        "extra", "footer", "gdpr", "cookie", "consent", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox",
        "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager",
        "popup", "yom-remote",
    ])
    /// Words that rescue an otherwise unlikely container ("main-header" may still hold the story).
    static let maybeCandidate = SubstringSet(["and", "article", "body", "column", "content", "main", "mathjax", "shadow"])
    static let positive = SubstringSet([
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story",
    ])
    private static let negativeWords = SubstringSet([
        "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media",
        "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
        "shopping", "tags", "widget",
    ])
    static let byline = SubstringSet(["byline", "author", "dateline", "writtenby", "p-author"])

    /// `negative` also holds the bare word "hid" (`^hid$| hid$| hid |^hid `).
    static func isNegative(_ lowered: [UInt8]) -> Bool {
        if negativeWords.matches(lowered) { return true }
        let hid: [UInt8] = Array("hid".utf8)
        var index = 0
        while index + 3 <= lowered.count {
            if lowered[index] == hid[0] && lowered[index + 1] == hid[1] && lowered[index + 2] == hid[2] {
                let startOK = index == 0 || lowered[index - 1] == 32
                let endOK = index + 3 == lowered.count || lowered[index + 3] == 32
                if startOK && endOK { return true }
            }
            index += 1
        }
        return false
    }

    /// `(\b|_)(share|sharedaddy)(\b|_)`: "share" as a word of its own in a class or id.
    static func isShareElement(_ lowered: [UInt8]) -> Bool {
        let share = Array("share".utf8), daddy = Array("daddy".utf8)
        var index = 0
        while index + share.count <= lowered.count {
            defer { index += 1 }
            guard lowered[index..<(index + share.count)].elementsEqual(share) else { continue }
            let before = index == 0 ? UInt8(32) : lowered[index - 1]
            guard !isWordByte(before) || before == 95 else { continue }
            var stops = [index + share.count]
            let long = index + share.count + daddy.count
            if long <= lowered.count && lowered[(index + share.count)..<long].elementsEqual(daddy) { stops.append(long) }
            for stop in stops {
                let after = stop == lowered.count ? UInt8(32) : lowered[stop]
                if !isWordByte(after) || after == 95 { return true }
            }
        }
        return false
    }

    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 95
    }

    static let unlikelyRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"]

    /// Elements that make a `<div>` a block container rather than a paragraph in disguise.
    static let divToParagraphBlockers: Set<String> = ["blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul"]

    static let phrasingElements: Set<String> = [
        "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data", "datalist", "dfn", "em", "embed", "i",
        "img", "input", "kbd", "label", "mark", "math", "meter", "noscript", "object", "output", "progress", "q",
        "ruby", "samp", "script", "select", "small", "span", "strong", "sub", "sup", "textarea", "time", "var", "wbr",
    ]

    static let tagsToScore: Set<String> = ["section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"]

    /// Siblings of the top candidate keep their tag when merged; anything else becomes a div.
    static let keepTagWhenMerged: Set<String> = ["div", "article", "section", "p", "ol", "ul"]

    /// Embeds from these hosts count as content (videos), not as ads.
    static let videoHosts = SubstringSet([
        "//www.dailymotion.com", "//dailymotion.com", "//www.youtube.com", "//youtube.com",
        "//www.youtube-nocookie.com", "//youtube-nocookie.com", "//player.vimeo.com", "//www.player.vimeo.com",
        "//v.qq.com", "//www.v.qq.com", "//archive.org", "//www.archive.org", "//upload.wikimedia.org",
        "//www.upload.wikimedia.org", "//player.twitch.tv", "//www.player.twitch.tv",
    ])
}
