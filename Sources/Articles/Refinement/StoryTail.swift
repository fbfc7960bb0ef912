/// Furniture at the end of a story, which class names rarely mark: the lines a page appends after the last
/// sentence (a "More stories" heading over a list of links, "Subscribe to …", a row of link-only lines), an
/// epilogue set off by a rule (`<hr>`, a line of underscores, "###") and a press release's "About <company>"
/// boilerplate. docs/articles.md ("Beyond Readability") gives the reasons and bounds.
///
/// The article is read as a sequence of *lines* — block elements holding no other block (`p`, `li`, `h1`–`h6`,
/// a `div` of phrasing content, …), `<hr>`, and loose text — in document order; one linear pass.
enum StoryTail {
    /// The tail rules together remove at most this share of the article's text.
    static let maxShareOfArticle = 0.3
    /// An epilogue after a separator is at most this share of the article, and at most `maxEpilogueLength`.
    static let maxEpilogueShare = 0.25
    static let maxEpilogueLength = 1500
    /// "About <company>" and what follows it: at most this long (a press release's boilerplate and contacts).
    static let maxBoilerplateLength = 3000
    /// A trailing line is a link line when it is this short and links hold `linkLineShare` of its text.
    static let maxLinkLineLength = 300
    static let linkLineShare = 0.6

    struct Line {
        unowned(unsafe) let node: Node
        let length: Int
    }

    /// Elements that are lines by themselves (their subtree is one line).
    static let lineTags: Set<String> = [
        "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "dt", "dd", "table", "figure",
        "figcaption", "hr", "address",
    ]
    /// Elements that make a container hold lines rather than be one.
    static let blockTags: Set<String> = lineTags.union([
        "div", "section", "article", "ul", "ol", "dl", "header", "footer", "aside", "nav", "main", "center", "form",
    ])

    static func lines(of article: Node) -> [Line] {
        var lines: [Line] = []
        unowned(unsafe) var current: Node? = article.firstChild
        while let node = current {
            if node.isText {
                if node.textStats.visibleUnits > 0 { lines.append(Line(node: node, length: JSText.normalizedLength(of: node))) }
                current = node.nextInDocumentOrder(within: article)
                continue
            }
            if node.isElement && (lineTags.contains(node.tag) || !hasBlockChild(node)) {
                lines.append(Line(node: node, length: JSText.normalizedLength(of: node)))
                current = node.nextNodeSkippingChildren(within: article)
                continue
            }
            current = node.nextInDocumentOrder(within: article)
        }
        return lines
    }

    private static func hasBlockChild(_ node: Node) -> Bool {
        unowned(unsafe) var child: Node? = node.firstElementChild
        while let element = child {
            if blockTags.contains(element.tag) { return true }
            child = element.nextElementSibling
        }
        return false
    }

    /// Lines to remove from the end of `article` (not yet removed), with the rule that took each.
    static func furniture(in article: Node, total: Int, author: String? = nil) -> [(Node, ArticleRefiner.Rule)] {
        let authorName = author.flatMap(firstAuthorName)
        let lines = lines(of: article)
        guard !lines.isEmpty, total > 0 else { return [] }
        // after[i]: text length of the lines after line i.
        var after = [Int](repeating: 0, count: lines.count)
        var running = 0
        for index in stride(from: lines.count - 1, through: 0, by: -1) {
            after[index] = running
            running += lines[index].length
        }
        let budget = Int(Double(total) * maxShareOfArticle)
        // 1. An epilogue: everything from the first separator or boilerplate label whose tail is short enough,
        //    provided no earlier separator splits the story itself (an essay's section breaks).
        var cut: Int?
        for (index, line) in lines.enumerated() {
            let isSeparator = Self.isSeparator(line)
            let isLabel = !isSeparator && line.length <= 60 && isBoilerplateLabel(line.node)
            guard isSeparator || isLabel else { continue }
            let tail = after[index]
            let bound = isSeparator
                ? min(Int(Double(total) * maxEpilogueShare), maxEpilogueLength)
                : min(budget, maxBoilerplateLength)
            if tail + line.length <= bound {
                let epilogue = lines[(index + 1)...]
                if (isLabel || isFurnitureEpilogue(epilogue))
                    && !epilogue.contains(where: { FurnitureRules.holdsEmbeddedPost($0.node) }) {
                    cut = index
                }
                break
            }
            if isSeparator { break }   // a break inside the story: not an epilogue
        }
        var end = cut ?? lines.count
        var removed = cut.map { lines[$0...].reduce(0) { $0 + $1.length } } ?? 0
        var result: [(Node, ArticleRefiner.Rule)] = cut.map { lines[$0...].map { ($0.node, .promo) } } ?? []
        // 2. From the end backwards: headings, link lines, separators and call-to-action lines, until a line
        //    of the story.
        while end > 0 {
            let line = lines[end - 1]
            let isBio = authorName.map { isAuthorLine(line, name: $0) } ?? false
            guard isBio || isTrailingFurniture(line), removed + line.length <= budget else { break }
            result.append((line.node, isBio ? .byline : .promo))
            removed += line.length
            end -= 1
        }
        // 3. Before the story's first line: a section label or breadcrumb written as a link line
        //    ("SmartNews", "Culture › Books"), and separators, within a small bound.
        var start = 0
        var leading = 0
        while start < end {
            let line = lines[start]
            guard isLeadingFurniture(line), leading + line.length <= min(maxLeadingLength, budget / 3) else { break }
            if line.length > 0 || isSeparator(line) { result.append((line.node, .promo)) }
            leading += line.length
            start += 1
        }
        return result
    }

    /// Leading link lines are at most this long each, and together.
    static let maxLeadingLineLength = 100
    static let maxLeadingLength = 300

    static func isLeadingFurniture(_ line: Line) -> Bool {
        let node = line.node
        if line.length == 0 { return node.isElement && !node.hasDescendant(tag: "img") }
        guard node.isElement, !FurnitureRules.holdsEmbeddedPost(node) else { return false }
        if isSeparator(line) { return true }
        return line.length <= maxLeadingLineLength
            && Double(linkedLength(of: node)) >= Double(line.length) * linkLineShare
    }

    static let headingTags: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// An author's biography or sign-off at the story's end, with no class to mark it: a line of at most
    /// `maxAuthorLineLength` that begins with the name of the page's author (its byline metadata).
    static let maxAuthorLineLength = 400

    static func isAuthorLine(_ line: Line, name: String) -> Bool {
        guard line.length > 0, line.length <= maxAuthorLineLength, line.node.isElement else { return false }
        return JSText.normalized(line.node.textContent).lowercased().hasPrefix(name)
    }

    /// The first author's name from a byline ("By Jane Doe and John Roe, Reuters" → "jane doe"), lower-cased;
    /// nil unless it is two to four words (a single word could begin any sentence).
    static func firstAuthorName(_ byline: String) -> String? {
        var name = JSText.normalized(byline).lowercased()
        if name.hasPrefix("by ") { name.removeFirst(3) }
        for separator in [",", " and ", " & ", "|", ";", " - ", " – "] {
            if let range = name.range(of: separator) { name = String(name[..<range.lowerBound]) }
        }
        name = name.trimmingCharacters(in: .whitespaces)
        let words = name.split(separator: " ")
        guard words.count >= 2 && words.count <= 4, name.count >= 6, !name.contains("http") else { return nil }
        return name
    }

    /// What follows a separator is an epilogue of furniture — not the story's last section, nor its notes and
    /// references — when it is mostly links (more stories, "full coverage at …"), holds a heading or a call to
    /// action, or is set in small print or italics throughout (a boilerplate or editor's note).
    static func isFurnitureEpilogue(_ lines: ArraySlice<Line>) -> Bool {
        var length = 0
        var linked = 0
        var allSmallPrint = true
        for line in lines where line.length > 0 {
            length += line.length
            guard line.node.isElement else { allSmallPrint = false; continue }
            linked += linkedLength(of: line.node)
            if headingTags.contains(line.node.tag) && line.length <= 120 { return true }
            if line.length <= 160,
               FurnitureRules.callToActionRule(JSText.normalized(line.node.textContent).lowercased()) != nil {
                return true
            }
            if allSmallPrint && !isSmallPrint(line.node) { allSmallPrint = false }
        }
        guard length > 0 else { return false }
        return Double(linked) >= Double(length) * 0.3 || allSmallPrint
    }

    static let smallPrintTags: Set<String> = ["small", "em", "i", "sub", "sup"]

    /// Set smaller or in italics: the line is (or sits in, or consists of one) `small`/`em`/`i`, or an inline
    /// style sets its font size.
    static func isSmallPrint(_ node: Node) -> Bool {
        var current: Node? = node
        var depth = 0
        while let element = current, depth < 4 {
            if smallPrintTags.contains(element.tag) { return true }
            if let style = element.attribute("style")?.lowercased(), style.contains("font-size") { return true }
            current = element.parent
            depth += 1
        }
        // <p><em>…</em></p>: one emphasised child holding all the text.
        if let only = node.firstElementChild, only.nextElementSibling == nil, smallPrintTags.contains(only.tag),
           JSText.normalizedLength(of: only) == JSText.normalizedLength(of: node) {
            return true
        }
        return false
    }

    static func isTrailingFurniture(_ line: Line) -> Bool {
        let node = line.node
        if line.length == 0 { return node.isElement && !node.hasDescendant(tag: "img") }
        guard node.isElement, !FurnitureRules.holdsEmbeddedPost(node) else { return false }
        if isSeparator(line) { return true }
        if headingTags.contains(node.tag) && line.length <= 120 { return true }
        if line.length <= maxLinkLineLength && Double(linkedLength(of: node)) >= Double(line.length) * linkLineShare {
            return true
        }
        if line.length <= 160, FurnitureRules.callToActionRule(JSText.normalized(node.textContent).lowercased()) != nil {
            return true
        }
        return false
    }

    /// `<hr>`, or a line of nothing but rule characters ("___", "* * *", "—") or the press-release end mark
    /// "###" / "-ends-".
    static func isSeparator(_ line: Line) -> Bool {
        if line.node.isElement && line.node.tag == "hr" { return true }
        guard line.length >= 3, line.length <= 40 else { return false }
        let text = JSText.normalized(line.node.textContent).lowercased()
        if text == "-ends-" || text == "- ends -" || text == "ends" { return true }
        return text.unicodeScalars.allSatisfy { separatorScalars.contains($0) }
    }

    private static let separatorScalars: Set<Unicode.Scalar> = ["_", "-", "*", "#", "=", "~", "—", "–", "•", "·", " "]

    /// The heading of a press release's boilerplate: "About Acme", "About the author", "Media contact",
    /// "Forward-looking statements", and the same in a few languages. A whole short line.
    static func isBoilerplateLabel(_ node: Node) -> Bool {
        guard node.isElement else { return false }
        let text = JSText.normalized(node.textContent).lowercased()
            .trimmingCharacters(in: [":", " ", "."])
        if boilerplateLabels.contains(text) { return true }
        let words = text.split(separator: " ")
        guard words.count >= 2 && words.count <= 6 else { return false }
        return aboutPrefixes.contains(where: { text.hasPrefix($0) })
    }

    static let aboutPrefixes = ["about ", "über ", "à propos d", "a propos d", "acerca de ", "informazioni su "]
    static let boilerplateLabels: Set<String> = [
        "media contact", "media contacts", "press contact", "press contacts", "media inquiries", "press inquiries",
        "investor contact", "investor contacts", "contacts", "pressekontakt", "contact presse",
        "forward-looking statements", "forward looking statements", "safe harbor statement",
        "cautionary statement regarding forward-looking statements",
    ]

    /// Characters of text inside links.
    static func linkedLength(of node: Node) -> Int {
        var length = 0
        unowned(unsafe) var current: Node? = node.firstChild
        while let child = current {
            if child.isElement && child.tag == "a" {
                length += JSText.normalizedLength(of: child)
                current = child.nextNodeSkippingChildren(within: node)
                continue
            }
            current = child.nextInDocumentOrder(within: node)
        }
        if node.tag == "a" { return JSText.normalizedLength(of: node) }
        return length
    }
}
