import Foundation

/// Readability's `_prepArticle`: strips what survived inside the chosen container but is not article —
/// forms, embeds, share bars, asides, link lists, empty paragraphs — judged by content, not by tag alone.
struct ArticleCleaner {
    let document: Document
    let flags: ReadabilityFlags
    let budget: TimeBudget

    private var scoring: Scoring { Scoring(flags: flags) }
    private static let shareTextLimit = 500
    private static let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
    private static let textish: Set<String> = Hints.divToParagraphBlockers.union(["span", "li", "td"])
    private static let embeds: Set<String> = ["object", "embed", "iframe"]

    func clean(_ article: Node) throws(ExtractionError) {
        markDataTables(article)
        fixLazyFigures(article)

        try cleanConditionally(article, tag: "form")
        try cleanConditionally(article, tag: "fieldset")
        for tag in ["object", "embed", "footer", "link", "aside"] { removeAll(article, tag: tag) }

        // Share bars inside the article, but never a top-level block itself.
        for topLevel in article.children {
            removeMatching(under: topLevel) { node, matchBytes in
                Hints.isShareElement(matchBytes) && node.textContent.utf16.count < Self.shareTextLimit
            }
        }

        for tag in ["iframe", "input", "textarea", "select", "button"] { removeAll(article, tag: tag) }
        for heading in article.descendants(tags: ["h1", "h2"]).reversed() where heading.parent != nil {
            if scoring.classWeight(heading) < 0 { heading.remove() }
        }

        try cleanConditionally(article, tag: "table")
        try cleanConditionally(article, tag: "ul")
        try cleanConditionally(article, tag: "div")

        for paragraph in article.descendants(tag: "p").reversed() where paragraph.parent != nil {
            let media = paragraph.descendants(tags: ["img", "embed", "object", "iframe"]).count
            if media == 0 && !paragraph.hasVisibleText { paragraph.remove() }
        }
        for lineBreak in article.descendants(tag: "br") {
            if let next = Traversal.skipWhitespace(from: lineBreak.nextSibling), next.isElement, next.tag == "p" {
                lineBreak.remove()
            }
        }
    }

    // MARK: unconditional removal

    /// `_clean`: removes every `tag` element, except embeds of known video hosts.
    private func removeAll(_ root: Node, tag: String) {
        let isEmbed = Self.embeds.contains(tag)
        for node in root.descendants(tag: tag).reversed() where node.parent != nil {
            if isEmbed && isVideoEmbed(node) { continue }
            node.remove()
        }
    }

    private func isVideoEmbed(_ node: Node) -> Bool {
        for attribute in node.attributes where Hints.videoHosts.matches(SubstringSet.lowercasedBytes(attribute.value)) {
            return true
        }
        return false
    }

    private func removeMatching(under root: Node, _ filter: (Node, [UInt8]) -> Bool) {
        let end = Traversal.nextElement(after: root, skippingChildren: true)
        var next = Traversal.nextElement(after: root)
        while let node = next, node !== end {
            if filter(node, node.matchBytes) {
                next = Traversal.removeAndGetNext(node)
            } else {
                next = Traversal.nextElement(after: node)
            }
        }
    }

    // MARK: conditional removal

    /// `_cleanConditionally`: removes `tag` elements that look like chrome — more images than paragraphs,
    /// list items outside lists, inputs, mostly links, lone embeds, no text. Bottom-up, like upstream.
    private func cleanConditionally(_ root: Node, tag: String) throws(ExtractionError) {
        guard flags.contains(.cleanConditionally) else { return }
        let nodes = root.descendants(tag: tag)
        for (index, node) in nodes.enumerated().reversed() where node.parent != nil {
            if index & 63 == 0 { try budget.check() }
            if shouldRemove(node, tag: tag) { node.remove() }
        }
    }

    /// Element counts of a subtree, gathered in one walk.
    private struct Census {
        var paragraphs = 0, images = 0, listItems = 0, inputs = 0, embeds = 0
        var hasVideoEmbed = false, hasDataTable = false, hasLists = false, hasHeadings = false
    }

    private func census(_ node: Node) -> Census {
        var result = Census()
        node.forEachDescendant { element in
            guard element.isElement else { return }
            switch element.tag {
            case "p": result.paragraphs += 1
            case "img": result.images += 1
            case "li": result.listItems += 1
            case "input": result.inputs += 1
            case "object", "embed", "iframe":
                if isVideoEmbed(element) { result.hasVideoEmbed = true }
                result.embeds += 1
            case "table": if element.isDataTable { result.hasDataTable = true }
            case "ul", "ol": result.hasLists = true
            case "h1", "h2", "h3", "h4", "h5", "h6": result.hasHeadings = true
            default: break
            }
        }
        return result
    }

    private func shouldRemove(_ node: Node, tag: String) -> Bool {
        if tag == "table" && node.isDataTable { return false }
        if Traversal.hasAncestor(node, tag: "table", maxDepth: -1, where: { $0.isDataTable }) { return false }
        if Traversal.hasAncestor(node, tag: "code") { return false }
        let counts = census(node)
        if counts.hasDataTable { return false }

        let weight = scoring.classWeight(node)
        if weight < 0 { return true }
        if JSText.asciiCommaCount(of: node) >= 10 { return false }

        let contentLength = JSText.normalizedLength(of: node)
        var isList = tag == "ul" || tag == "ol"
        if !isList && counts.hasLists {
            var listLength = 0
            for list in node.descendants(tags: ["ul", "ol"]) { listLength += JSText.normalizedLength(of: list) }
            // JavaScript division: 0/0 is NaN (never > 0.9), n/0 is Infinity.
            isList = contentLength == 0 ? listLength > 0 : Double(listLength) / Double(contentLength) > 0.9
        }

        // Any video embed keeps the node (upstream returns early while counting embeds).
        if counts.hasVideoEmbed { return false }
        // Only short texts can be a lone "Advertisement" or "Loading…"; skip building longer strings.
        if contentLength <= 20 && Self.isAdOrLoadingText(JSText.normalized(node.textContent)) { return true }

        let images = counts.images, paragraphs = counts.paragraphs
        let listItems = counts.listItems - 100
        let isFigureChild = Traversal.hasAncestor(node, tag: "figure")
        var cachedLinkDensity: Double?
        func linkDensity() -> Double {
            if let cachedLinkDensity { return cachedLinkDensity }
            let value = scoring.linkDensity(node)
            cachedLinkDensity = value
            return value
        }
        func headingDensity() -> Double {
            counts.hasHeadings ? scoring.textDensity(node, tags: Self.headings) : 0
        }
        /// `textDensity == 0` for the text-ish tags: no such descendant holds visible text.
        func hasNoTextishText() -> Bool {
            var current = node.firstChild
            while let child = current {
                if child.isElement && Self.textish.contains(child.tag) && child.hasVisibleText { return false }
                current = child.firstChild ?? child.nextNodeSkippingChildren(within: node)
            }
            return true
        }

        let remove = (!isFigureChild && images > 1 && Double(paragraphs) / Double(images) < 0.5)
            || (!isList && listItems > paragraphs)
            || (counts.inputs > paragraphs / 3)
            || (!isList && !isFigureChild && contentLength < 25 && (images == 0 || images > 2) && linkDensity() > 0
                && headingDensity() < 0.9)
            || (!isList && weight < 25 && linkDensity() > 0.2)
            || (weight >= 25 && linkDensity() > 0.5)
            || ((counts.embeds == 1 && contentLength < 75) || counts.embeds > 1)
            || (images == 0 && (contentLength == 0 || hasNoTextishText()))

        // A list of images (one per item) is a gallery, not chrome.
        if isList && remove {
            for child in node.children where child.elementChildCount > 1 { return true }
            if images == counts.listItems { return false }
        }
        return remove
    }

    private static let adWords: Set<String> = [
        "ad", "advertising", "advertisement", "pub", "publicité", "werb", "werbung", "广告", "реклама", "anuncio",
    ]
    private static let loadingWords = ["loading", "正在加载", "загрузка", "chargement", "cargando"]

    static func isAdOrLoadingText(_ text: String) -> Bool {
        let lowered = text.lowercased()
        if adWords.contains(lowered) { return true }
        for word in loadingWords where lowered == word || lowered == word + "…" || lowered == word + "..." {
            return true
        }
        return false
    }

    // MARK: tables and figures

    /// `_markDataTables`: tables with captions, headers, many cells etc. hold data and are kept whole.
    private func markDataTables(_ root: Node) {
        for table in root.descendants(tag: "table") {
            table.isDataTable = isDataTable(table)
        }
    }

    private func isDataTable(_ table: Node) -> Bool {
        if table.attribute("role") == "presentation" { return false }
        if table.attribute("datatable") == "0" { return false }
        if let summary = table.attribute("summary"), !summary.isEmpty { return true }
        if let caption = table.descendants(tag: "caption").first, caption.firstChild != nil { return true }
        for tag in ["col", "colgroup", "tfoot", "thead", "th"] where table.hasDescendant(tag: tag) { return true }
        if table.hasDescendant(tag: "table") { return false }

        var rows = 0
        var columns = 0
        for row in table.descendants(tag: "tr") {
            rows += Int(row.attribute("rowspan") ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 1
            var columnsInRow = 0
            for cell in row.descendants(tag: "td") {
                columnsInRow += Int(cell.attribute("colspan") ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 1
            }
            columns = max(columns, columnsInRow)
        }
        if columns == 1 || rows == 1 { return false }
        if rows >= 10 || columns > 4 { return true }
        return rows * columns > 10
    }

    /// Lazy-loaded figures carry their image URL in a data attribute; upstream adds the `<img>`, which
    /// then counts as media when judging the figure's container.
    private func fixLazyFigures(_ root: Node) {
        for figure in root.descendants(tag: "figure") where !figure.hasDescendant(tag: "img") && !figure.hasDescendant(tag: "picture") {
            for attribute in figure.attributes where !["src", "srcset", "alt"].contains(attribute.name)
                && Self.looksLikeImageURL(attribute.value) {
                figure.appendChild(document.makeElement("img", attributes: [Node.Attribute(name: "src", value: attribute.value)]))
                break
            }
        }
    }

    private static func looksLikeImageURL(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let hasExtension = [".jpg", ".jpeg", ".png", ".webp"].contains { trimmed.contains($0) }
        return hasExtension && !trimmed.isEmpty
    }
}
