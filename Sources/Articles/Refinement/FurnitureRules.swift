/// How `ArticleRefiner` recognises page furniture: by element, by class/id vocabulary, by short-text pattern.
/// Vocabularies are matched like Readability's, as case-insensitive substrings of "class id".
enum FurnitureRules {
    /// Photo and video captions and credits.
    static let captionWords = SubstringSet(["caption", "credit"])
    /// Blocks that point elsewhere: other stories, sign-ups, sharing, galleries, advertising.
    static let promoWords = SubstringSet([
        "related", "recommend", "promo", "newsletter", "subscribe", "signup", "sign-up", "more-stories",
        "morestories", "read-more", "readmore", "outbrain", "taboola", "trending", "most-popular", "mostpopular",
        "most-read", "mostread", "gallery", "slideshow", "carousel", "advert", "sponsor", "author-bio", "authorbio",
        "about-author", "about-the-author",
    ])
    /// The standfirst under the headline (a summary of the story, often repeating its first paragraph).
    /// Not "dek"/"deck": on the pages developed on, hand-made main texts kept a "deck" as often as not.
    static let standfirstWords = SubstringSet([
        "standfirst", "subtitle", "sub-title", "subheadline", "sub-headline", "strapline", "kicker",
    ])
    static let standfirstItemprops: Set<String> = ["alternativeheadline", "description", "abstract"]
    /// Who wrote it and when: metadata, read separately, not story text.
    static let bylineWords = SubstringSet([
        "byline", "author", "dateline", "timestamp", "pubdate", "publish-date", "published", "post-date",
        "posted-on", "entry-date", "article-date", "date-time", "datetime",
    ])
    /// Class/id words that count only as whole words (split at anything not a letter or digit):
    /// "date" must not match "update" or "candidate".
    static let bylineTokens: Set<String> = ["date", "dates", "time", "meta"]

    /// Short lines that credit a picture or count a gallery's pictures.
    static let creditPrefixes = PrefixSet([
        "photo:", "photos:", "photograph:", "photographs:", "image:", "images:", "picture:", "pictures:", "credit:",
        "credits:", "photo by ", "photos by ", "photo credit", "image credit", "image via ", "photo via ",
        "foto:", "fotos:", "bild:", "imagen:", "crédit photo", "фото:",
    ])
    /// Picture agencies' and photographers' credits, which end a caption: a short line holding one is a caption.
    static let creditMarks = SubstringSet([
        "getty images", "ap photo", "(photo:", "(photo by", "(photo credit", "(image:", "(image credit", "photo courtesy",
        "image courtesy", "courtesy photo", "shutterstock", "istockphoto", "(reuters/", "/reuters)", "afp photo",
        "epa-efe", "(foto:", "foto: ",
    ])

    /// Month and weekday names and time words (English and a few other languages) for `isDateOnly`.
    static let dateWords: Set<String> = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
        "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "am", "pm", "a", "m", "p", "gmt", "utc", "bst", "cet", "cest",
        "est", "edt", "cst", "cdt", "pst", "pdt", "et", "pt", "ist", "at", "on", "de", "del", "um", "uhr", "le", "à",
        "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "janvier", "février", "mars",
        "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "enero", "febrero",
        "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
        "today", "yesterday", "updated", "published", "posted",
    ]

    /// A line that is only a date or time ("November 18, 2019", "18.11.2019 | 10:32", "Mon 18 Nov 2019 09.00 GMT").
    static func isDateOnly(_ text: String) -> Bool {
        guard text.count <= 60 else { return false }
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard !words.isEmpty, words.count <= 10 else { return false }
        var digits = 0
        var named = false
        for word in words {
            if word.allSatisfy(\.isNumber) {
                digits += 1
                continue
            }
            // "18th", "1st"
            if word.first?.isNumber == true, ["st", "nd", "rd", "th"].contains(String(word.drop(while: \.isNumber))) {
                digits += 1
                continue
            }
            if !dateWords.contains(String(word)) { return false }
            if monthAndDayNames.contains(String(word)) { named = true }
        }
        // A day, month, year and a time at most: more numbers are data ("2020-08-01 18:00 | 200 | 4084").
        guard digits >= 1, digits <= 6 else { return false }
        // Numbers alone (a table's cells, "2, 3, 5") are a date only in a date's shape: 18.11.2019, 2019-11-18.
        return named || isNumericDate(text)
    }

    private static let monthAndDayNames: Set<String> = dateWords.subtracting([
        "am", "pm", "a", "m", "p", "gmt", "utc", "bst", "cet", "cest", "est", "edt", "cst", "cdt", "pst", "pdt", "et",
        "pt", "ist", "at", "on", "de", "del", "um", "uhr", "le", "à", "today", "yesterday", "updated", "published",
        "posted",
    ])

    /// "18.11.2019", "11/18/2019 10:32", "2019-11-18 09:00" (a day, month and year of 4 digits, one separator).
    private static func isNumericDate(_ text: String) -> Bool {
        let first = text.split(separator: " ").first.map(String.init) ?? ""
        for separator: Character in [".", "/", "-"] {
            let parts = first.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }) else {
                continue
            }
            if parts.contains(where: { $0.count == 4 }) { return true }
        }
        return false
    }

    /// "5 min read", "3 minute read", "Reading time: 4 minutes".
    static func isReadingTime(_ text: String) -> Bool {
        if text.hasPrefix("reading time") || text.hasPrefix("estimated reading time") { return text.count <= 40 }
        let words = text.split(separator: " ")
        guard words.count == 3 || words.count == 4, words[0].allSatisfy(\.isNumber) else { return false }
        return (words[1].hasPrefix("min")) && words.last == "read"
    }

    /// Short lines that date the page rather than tell the story.
    static let datelinePrefixes = PrefixSet([
        "published ", "updated ", "posted ", "last updated", "first published", "publicado ", "actualizado ",
        "veröffentlicht", "aktualisiert", "publié ", "mis à jour", "pubblicato ", "aggiornato ",
    ])
    /// A block whose whole text is one of these labels an advertisement slot.
    static let adLabels: Set<String> = [
        "ad", "ads", "advert", "advertisement", "advertising", "sponsored", "anzeige", "werbung", "publicité",
        "publicidad", "pubblicità", "реклама",
    ]
    /// Blocks a short pattern may judge; inline text inside a paragraph is never cut on its own.
    static let blockTags: Set<String> = ["p", "div", "span", "li", "small", "em", "strong", "h2", "h3", "h4", "h5", "h6"]
    /// Embedded posts (tweets, Instagram, TikTok, …) and quotations: part of the story when they sit in it.
    static let embedTags: Set<String> = ["blockquote", "q"]

    static func rule(for node: Node) -> ArticleRefiner.Rule? {
        switch node.tag {
        case "figcaption", "figure": return .caption
        case "nav": return .promo
        case "time", "address": return .byline
        default: break
        }
        if node.attribute("role") == "navigation" { return .promo }
        if isTeaserCard(node) { return .promo }
        let former = node.attribute(ArticleRefiner.formerClassAttribute)
        if let className = node.attribute("class"), hasHidingClass(className) { return .hidden }
        if let former, hasHidingClass(former) { return .hidden }
        var matchBytes = node.matchBytes
        if let former { matchBytes += [32] + SubstringSet.lowercasedBytes(former) }
        if matchBytes.count > 1 {
            if captionWords.matches(matchBytes) { return .caption }
            if promoWords.matches(matchBytes) || Hints.isShareElement(matchBytes) { return .promo }
            if bylineWords.matches(matchBytes) || hasToken(in: matchBytes, from: bylineTokens) { return .byline }
            if standfirstWords.matches(matchBytes) { return .standfirst }
        }
        if let itemprop = node.attribute("itemprop"), standfirstItemprops.contains(itemprop.lowercased()) {
            return .standfirst
        }
        guard blockTags.contains(node.tag) || node.tag == "ul" || node.tag == "ol" else { return nil }
        // A line is judged as a whole: text inside a paragraph or an inline element is part of that line.
        if let parent = node.parent, parent.tag == "p" || Hints.phrasingElements.contains(parent.tag) || parent.tag == "a" {
            return nil
        }
        // Tag and topic lists; short author biographies. Whole class words, and only on blocks: a `span.tag`
        // inside a sentence is the sentence's.
        if matchBytes.count > 1 {
            if hasToken(in: matchBytes, from: tagListTokens) { return .promo }
            if hasToken(in: matchBytes, from: bioTokens) { return .byline }
        }
        guard node.tag != "ul" && node.tag != "ol" else { return nil }
        return textRule(for: node)
    }

    static let tagListTokens: Set<String> = ["tag", "tags", "tagged", "topics", "keywords", "categories"]
    static let bioTokens: Set<String> = ["bio", "bios", "biography"]

    /// Patterns in the text of short blocks: credits, datelines, ad labels, gallery counters.
    private static func textRule(for node: Node) -> ArticleRefiner.Rule? {
        guard isSmallSubtree(node), !isInsideData(node) else { return nil }
        let length = JSText.normalizedLength(of: node)
        guard length > 0 && length <= 160 else { return nil }
        let text = JSText.normalized(node.textContent).lowercased()
        let bytes = Array(text.utf8)
        if adLabels.contains(text) { return .promo }
        // Dates, counters and reading times need a digit; most lines have none, so those checks are skipped.
        let hasDigit = bytes.contains { $0 >= 48 && $0 <= 57 }
        if creditPrefixes.matchesStart(bytes) || (hasDigit && isGalleryCounter(text)) { return .caption }
        if creditMarks.matches(bytes) { return .caption }
        if hasDigit && datelinePrefixes.matchesStart(bytes) { return .byline }
        if hasDigit && (isDateOnly(text) || isReadingTime(text)) { return .byline }
        if let rule = callToActionRule(text, bytes: bytes) { return rule }
        if isImageCaption(node, text: text) { return .caption }
        return nil
    }

    /// A caption without a caption class: a short line right after a picture that repeats the picture's
    /// `alt` text, or is centred under it in small print or italics.
    static func isImageCaption(_ node: Node, text: String) -> Bool {
        // Climb while `node` opens its parent: `<center><em>caption</em></center>` follows the image as a whole.
        unowned(unsafe) var line = node
        var depth = 0
        while previousContentSibling(of: line) == nil, let parent = line.parent, depth < 3,
              blockTags.contains(parent.tag) || parent.tag == "center" {
            line = parent
            depth += 1
        }
        guard let previous = previousContentSibling(of: line) else { return false }
        let image: Node?
        if previous.tag == "img" {
            image = previous
        } else if !previous.hasVisibleText, let only = previous.descendants(tag: "img").first {
            image = only
        } else {
            image = nil
        }
        guard let image else { return false }
        if let alt = image.attribute("alt"), !alt.isEmpty, JSText.normalized(alt).lowercased() == text { return true }
        // One mark alone does not make a caption: a sponsor's disclosure or an editor's note can follow a picture
        // in italics, and some pages centre every line.
        return StoryTail.isSmallPrint(node) && (isCentred(node) || isCentred(line))
    }

    /// The caption line right after a picture inside a paragraph (`<p><img …><span>caption</span></p>`, where
    /// the line rules, which judge whole lines, do not look): the next sibling, if short, repeating the `alt`
    /// text or centred in small print.
    static func captionAfterImage(_ image: Node) -> Node? {
        unowned(unsafe) var sibling: Node? = image.nextSibling
        while let candidate = sibling, candidate.isText || candidate.tag == "br" {
            if candidate.isText && candidate.textStats.visibleUnits > 0 { return nil }
            sibling = candidate.nextSibling
        }
        guard let next = sibling, next.isElement, isSmallSubtree(next), !isInsideData(next) else { return nil }
        let length = JSText.normalizedLength(of: next)
        guard length > 0 && length <= 160 else { return nil }
        let text = JSText.normalized(next.textContent).lowercased()
        if let alt = image.attribute("alt"), !alt.isEmpty, JSText.normalized(alt).lowercased() == text { return next }
        return StoryTail.isSmallPrint(next) && (isCentred(next) || next.parent.map(isCentred) == true) ? next : nil
    }

    /// The previous sibling element, skipping whitespace and `<br>`; nil when text comes first.
    private static func previousContentSibling(of node: Node) -> Node? {
        unowned(unsafe) var sibling: Node? = node.previousSibling
        while let candidate = sibling {
            if candidate.isText {
                if candidate.textStats.visibleUnits > 0 { return nil }
            } else if candidate.isElement && candidate.tag != "br" {
                return candidate
            }
            sibling = candidate.previousSibling
        }
        return nil
    }

    private static func isCentred(_ node: Node) -> Bool {
        if node.tag == "center" || node.attribute("align")?.lowercased() == "center" { return true }
        guard let style = node.attribute("style")?.lowercased() else { return false }
        return style.contains("text-align: center") || style.contains("text-align:center")
    }

    /// Lines that ask the reader to do something else — subscribe, sign up, follow, read another story — or
    /// disclose affiliate links, count comments, credit the reporting: page furniture written as plain text.
    /// `text` is one whole short line, normalised and lower-cased.
    static func callToActionRule(_ text: String, bytes: [UInt8]? = nil) -> ArticleRefiner.Rule? {
        let bytes = bytes ?? Array(text.utf8)
        if callToActionPrefixes.matchesStart(bytes) || relatedLabelPrefixes.matchesStart(bytes) {
            return .promo
        }
        if furnitureLines.contains(text) || isCommentCount(text) { return .promo }
        if reportingCreditPrefixes.matchesStart(bytes) { return .byline }
        return nil
    }

    static let callToActionPrefixes = PrefixSet([
        "subscribe to ", "subscribe now", "subscribe for ", "subscribe today", "sign up for ", "sign up to ",
        "sign up now", "sign up here", "follow us ", "follow us:", "like us on ", "join us on ",
        "this post may contain affiliate", "this post contains affiliate", "this article contains affiliate",
        "this article may contain affiliate", "this page contains affiliate", "this post may contain links",
        "disclosure:", "want more stories like this", "get the latest ", "download our app", "download the app",
        "tell us what you think", "leave a comment", "share this article", "share this story", "share this post",
        "tags:", "filed under", "abonnieren sie", "melden sie sich", "abonnez-vous", "inscrivez-vous", "suscríbete",
        "assine ", "iscriviti", "share on ",
    ])
    /// Labels that head a list of links to other stories ("More:", "Related:", "Read also").
    static let relatedLabelPrefixes = PrefixSet([
        "related:", "[related", "(related", "more:", "see also", "also read", "read also", "read more:", "read next",
        "you may also like", "you might also like", "you may be interested", "more from ", "more stories",
        "recommended:", "read:", "watch:", "listen:", "related coverage", "lesen sie auch", "lesen sie mehr", "mehr zum thema", "lire aussi", "à lire aussi",
        "a lire aussi", "voir aussi", "leia também", "leia mais", "lee también", "leer más", "leggi anche",
        "читайте также",
    ])
    /// Whole lines that label a button or a count, not a sentence.
    static let furnitureLines: Set<String> = [
        "comments", "comment", "no comments", "share", "share this", "tweet", "email", "print", "loading",
        "loading...", "loading content", "loading content ...", "loading content...", "read more", "more",
        "continue reading", "back to top", "top", "story continues below advertisement",
        "article continues below advertisement", "story continues below", "article continues below",
        "continue reading below", "scroll to continue with content", "tweet this", "pin it", "email this",
    ]
    /// "Reporting by …; Editing by …": the wire's staff credit at the end.
    static let reportingCreditPrefixes = PrefixSet([
        "additional reporting by", "reporting by ", "editing by ", "writing by ", "compiled by ", "contributing: ",
    ])

    /// "12 comments", "3 Comments".
    static func isCommentCount(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        return words.count == 2 && words[0].allSatisfy(\.isNumber) && words[1].hasPrefix("comment")
    }

    /// A label line ("More:", "Related:") is followed by the links it heads: each next sibling that is
    /// nothing but links (a list of them, or a line), at most `maxFollowingLinks` of them.
    static let maxFollowingLinks = 10

    static func linksAfterLabel(_ label: Node) -> [Node] {
        let text = JSText.normalized(label.textContent).lowercased()
        guard text.count <= 40, relatedLabelPrefixes.matchesStart(Array(text.utf8)) else { return [] }
        var result: [Node] = []
        unowned(unsafe) var sibling: Node? = label.nextElementSibling
        while let node = sibling, result.count < maxFollowingLinks, isLinksOnly(node) {
            result.append(node)
            sibling = node.nextElementSibling
        }
        return result
    }

    /// A short block whose text is (almost) all links: a line of links or a list of them.
    static func isLinksOnly(_ node: Node) -> Bool {
        let length = JSText.normalizedLength(of: node)
        guard length > 0, length <= 1000 else { return false }
        return Double(StoryTail.linkedLength(of: node)) >= Double(length) * 0.8
    }

    /// Class names that mean "not displayed" in Bootstrap, Tailwind, WordPress, Foundation and most themes.
    /// Whole class names only: `hidden-xs` or `field--label-hidden` hide something else or only sometimes.
    static let hidingClasses: Set<String> = [
        "hidden", "hide", "d-none", "is-hidden", "u-hidden", "visually-hidden", "visuallyhidden", "sr-only",
        "screen-reader-text", "screen-reader-only", "element-invisible", "invisible",
    ]

    static func hasHidingClass(_ className: String) -> Bool {
        for name in className.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            where hidingClasses.contains(name.lowercased()) {
            return true
        }
        return false
    }

    /// A card for another story: an `<article>` (or schema.org Article item) nested in the story whose
    /// heading is a link, with little text besides. The story's own heading is not a link to elsewhere.
    static func isTeaserCard(_ node: Node) -> Bool {
        guard node.tag == "article" || (node.attribute("itemtype")?.hasSuffix("Article") ?? false) else { return false }
        guard JSText.normalizedLength(of: node) <= ArticleRefiner.teaserCardLength else { return false }
        for heading in node.descendants(tags: headingTags) where heading.hasDescendant(tag: "a") || heading.parent?.tag == "a" {
            return true
        }
        return false
    }

    static let headingTags: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// Code listings and tables hold data, not page furniture: their lines are never judged by their text.
    private static func isInsideData(_ node: Node) -> Bool {
        var current = node.parent
        var depth = 0
        while let ancestor = current, depth < 8 {
            if ancestor.tag == "pre" || ancestor.tag == "code" || ancestor.tag == "table" { return true }
            current = ancestor.parent
            depth += 1
        }
        return false
    }

    /// At most 32 nodes below: a short line, not a container (keeps the pattern checks linear on any page).
    private static func isSmallSubtree(_ node: Node) -> Bool {
        var count = 0
        unowned(unsafe) var current: Node? = node.firstChild
        while let child = current {
            count += 1
            if count > 32 { return false }
            current = child.nextInDocumentOrder(within: node)
        }
        return true
    }

    /// "Image 3 of 12", "1 / 12", "Photo 2 of 9".
    static func isGalleryCounter(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        guard words.count <= 5, words.contains(where: { $0.allSatisfy(\.isNumber) }) else { return false }
        let isCounter = words.contains("of") || words.contains("/")
        let first = words.first.map(String.init) ?? ""
        return isCounter && (["image", "photo", "picture", "slide"].contains(first) || first.allSatisfy(\.isNumber))
    }

    private static func hasToken(in matchBytes: [UInt8], from tokens: Set<String>) -> Bool {
        var start = 0
        for index in 0...matchBytes.count {
            let isBoundary = index == matchBytes.count || !isAlphanumeric(matchBytes[index])
            guard isBoundary else { continue }
            if index > start, index - start <= 10,
               tokens.contains(String(decoding: matchBytes[start..<index], as: UTF8.self)) {
                return true
            }
            start = index + 1
        }
        return false
    }

    @inline(__always)
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
    }

    /// Classes of the blockquotes that social networks' embed codes write (the post's text, shown as a card).
    static let embeddedPostWords = SubstringSet([
        "tweet", "twitter", "instagram", "tiktok", "facebook", "fb-post", "reddit", "bluesky", "mastodon",
        "threads", "embedded-post", "social-embed",
    ])

    /// True when `node` holds an embedded social post (`blockquote.twitter-tweet`, `blockquote.instagram-media`, …).
    /// Readability strips containers whose class says "social" before scoring; when such a container carries
    /// the posts the story quotes, they are the story.
    static func holdsSocialEmbed(_ node: Node) -> Bool {
        unowned(unsafe) var current: Node? = node.firstChild
        while let child = current {
            if child.isElement && child.tag == "blockquote" && embeddedPostWords.matches(child.matchBytes) { return true }
            current = child.nextInDocumentOrder(within: node)
        }
        return false
    }

    /// An embedded post or quotation inside a block keeps the block.
    static func holdsEmbeddedPost(_ node: Node) -> Bool {
        if embedTags.contains(node.tag) { return true }
        unowned(unsafe) var current: Node? = node.firstChild
        while let child = current {
            if child.isElement && embedTags.contains(child.tag) { return true }
            current = child.nextInDocumentOrder(within: node)
        }
        return false
    }
}

/// Lower-case prefixes matched against a line's lower-cased UTF-8 bytes (cheaper than `String.hasPrefix` over
/// a hundred prefixes for every short line of a page).
struct PrefixSet: Sendable {
    private let prefixes: [[UInt8]]

    init(_ words: [String]) { prefixes = words.map { Array($0.utf8) } }

    func matchesStart(_ bytes: [UInt8]) -> Bool {
        for prefix in prefixes where prefix.count <= bytes.count {
            var index = 0
            while index < prefix.count && bytes[index] == prefix[index] { index += 1 }
            if index == prefix.count { return true }
        }
        return false
    }
}
