import Foundation

/// The Readability content-scoring pass over one prepared copy of the page (`_grabArticle`, one attempt).
///
/// Paragraph-like elements are scored by length and commas; the score flows to up to five ancestors
/// (halved, then divided by 3×level), is discounted by link density, and the best container wins. Its
/// siblings join when they score close to it or read like prose. The result is then cleaned of forms,
/// share bars, link farms and other leftovers (`ArticleCleaner`).
struct ReadabilityFlags: OptionSet {
    let rawValue: Int
    static let stripUnlikelys = ReadabilityFlags(rawValue: 1)
    static let weightClasses = ReadabilityFlags(rawValue: 2)
    static let cleanConditionally = ReadabilityFlags(rawValue: 4)
    static let all: ReadabilityFlags = [.stripUnlikelys, .weightClasses, .cleanConditionally]
}

/// Shared state of the attempts: the byline found in the page survives a retry, as in Readability.
struct GrabState {
    var articleTitle: String
    var metadataHasByline: Bool
    var pageByline: String?
}

struct ContentGrabber {
    let document: Document
    let flags: ReadabilityFlags
    let budget: TimeBudget
    private static let candidatesKept = 5

    init(document: Document, flags: ReadabilityFlags, budget: TimeBudget) {
        self.document = document
        self.flags = flags
        self.budget = budget
    }

    var scoring: Scoring { Scoring(flags: flags) }

    /// Returns the article container (detached from the page), or nil when the page has no body.
    func grab(state: inout GrabState) throws(ExtractionError) -> Node? {
        guard let page = document.body else { return nil }
        let elementsToScore = try prepareAndCollect(state: &state)
        try budget.check()
        let topCandidates = score(elementsToScore)
        if ReadabilityRunner.debugEnabled {
            FileHandle.standardError.write(Data("candidates \(topCandidates.map { "\($0.tag).\($0.className)#\($0.id)=\($0.contentScore ?? 0)" })\n".utf8))
        }
        try budget.check()
        let topCandidate = chooseTopCandidate(topCandidates, page: page)
        let content = mergeSiblings(of: topCandidate)
        try ArticleCleaner(document: document, flags: flags, budget: budget).clean(content)
        return content
    }

    // MARK: node prepping

    private func prepareAndCollect(state: inout GrabState) throws(ExtractionError) -> [Node] {
        var elementsToScore: [Node] = []
        var shouldRemoveTitleHeader = true
        let stripUnlikelys = flags.contains(.stripUnlikelys)
        var visited = 0
        var current: Node? = document.root

        while let node = current {
            visited += 1
            if visited & 1023 == 0 { try budget.check() }
            let matchBytes = node.matchBytes
            // Beyond Readability: the page's own `<html>` and `<body>` are never judged as blocks. Their
            // class describes the page ("header-spacing", "has-sidebar") or hides it until scripts load;
            // upstream would remove the whole document and fall back to every text of the body.
            let isPage = node === document.root || node.tag == "body"

            if !isPage && !Visibility.isProbablyVisible(node) {
                current = Traversal.removeAndGetNext(node)
                continue
            }
            if node.attribute("aria-modal") == "true" && node.attribute("role") == "dialog" {
                current = Traversal.removeAndGetNext(node)
                continue
            }
            if state.pageByline == nil && !state.metadataHasByline && isValidByline(node, matchBytes) {
                state.pageByline = JSText.trim(bylineSource(of: node).textContent)
                current = Traversal.removeAndGetNext(node)
                continue
            }
            if shouldRemoveTitleHeader && headerDuplicatesTitle(node, title: state.articleTitle) {
                shouldRemoveTitleHeader = false
                current = Traversal.removeAndGetNext(node)
                continue
            }
            if stripUnlikelys && !isPage {
                if Hints.unlikelyCandidates.matches(matchBytes) && !Hints.maybeCandidate.matches(matchBytes)
                    && !Traversal.hasAncestor(node, tag: "table") && !Traversal.hasAncestor(node, tag: "code")
                    && node.tag != "body" && node.tag != "a" && !FurnitureRules.holdsSocialEmbed(node) {
                    current = Traversal.removeAndGetNext(node)
                    continue
                }
                if let role = node.attribute("role"), Hints.unlikelyRoles.contains(role) {
                    current = Traversal.removeAndGetNext(node)
                    continue
                }
            }
            switch node.tag {
            case "div", "section", "header", "h1", "h2", "h3", "h4", "h5", "h6":
                if Traversal.isElementWithoutContent(node) {
                    current = Traversal.removeAndGetNext(node)
                    continue
                }
            default:
                break
            }
            if Hints.tagsToScore.contains(node.tag) { elementsToScore.append(node) }

            var next = node
            if node.tag == "div" {
                wrapPhrasingRuns(in: node)
                // A div holding one paragraph and no text of its own is that paragraph.
                if Traversal.hasSingleTag(inside: node, tag: "p") && scoring.linkDensity(node) < 0.25 {
                    let paragraph = node.firstElementChild!
                    ArticleRefiner.carryClass(from: node, to: paragraph)
                    node.replace(with: paragraph)
                    next = paragraph
                    elementsToScore.append(paragraph)
                } else if !Traversal.hasChildBlockElement(node) {
                    document.retag(node, to: "p")
                    elementsToScore.append(node)
                }
            }
            current = Traversal.nextElement(after: next)
        }
        return elementsToScore
    }

    /// Puts runs of phrasing content directly inside a div into paragraphs, so loose text gets scored.
    private func wrapPhrasingRuns(in div: Node) {
        var paragraph: Node?
        var child = div.firstChild
        while let node = child {
            let next = node.nextSibling
            if Traversal.isPhrasingContent(node) {
                if let paragraph {
                    paragraph.appendChild(node)
                } else if !Traversal.isWhitespace(node) {
                    let wrapper = document.makeElement("p")
                    node.replace(with: wrapper)
                    wrapper.appendChild(node)
                    paragraph = wrapper
                }
            } else if let open = paragraph {
                while let last = open.lastChild, Traversal.isWhitespace(last) { last.remove() }
                paragraph = nil
            }
            child = next
        }
    }

    private func isValidByline(_ node: Node, _ matchBytes: [UInt8]) -> Bool {
        guard node.isElement else { return false }
        let relIsAuthor = node.attribute("rel") == "author"
        let itempropIsAuthor = node.attribute("itemprop")?.contains("author") ?? false
        guard relIsAuthor || itempropIsAuthor || Hints.byline.matches(matchBytes) else { return false }
        let length = JSText.trim(node.textContent).utf16.count
        return length > 0 && length < 100
    }

    /// Within a byline block, an `itemprop="name"` element holds just the author's name.
    private func bylineSource(of node: Node) -> Node {
        let end = Traversal.nextElement(after: node, skippingChildren: true)
        var next = Traversal.nextElement(after: node)
        while let candidate = next, candidate !== end {
            if let itemprop = candidate.attribute("itemprop"), itemprop.contains("name") { return candidate }
            next = Traversal.nextElement(after: candidate)
        }
        return node
    }

    private func headerDuplicatesTitle(_ node: Node, title: String) -> Bool {
        guard node.tag == "h1" || node.tag == "h2" else { return false }
        let heading = JSText.trim(node.textContent)
        return JSText.similarity(title, heading) > 0.75
    }

    // MARK: scoring

    private func score(_ elementsToScore: [Node]) -> [Node] {
        let measures = SubtreeMeasures(root: document.root)
        var candidates: [Node] = []
        for element in elementsToScore {
            guard let parent = element.parent, parent.isElement else { continue }
            let length = measures.length(of: element) ?? JSText.normalizedLength(of: element)
            if length < 25 { continue }
            var ancestors: [Node] = []
            var up = element.parent
            while let ancestor = up, ancestors.count < 5 {
                ancestors.append(ancestor)
                up = ancestor.parent
            }
            if ancestors.isEmpty { continue }

            var contentScore = 1.0
            contentScore += Double(JSText.commaCount(of: element) + 1)
            contentScore += Double(min(length / 100, 3))

            for (level, ancestor) in ancestors.enumerated() {
                // The <html> element (whose parent is the document) is never a candidate.
                guard ancestor.isElement, let ancestorParent = ancestor.parent, ancestorParent.isElement else { continue }
                if ancestor.contentScore == nil {
                    ancestor.contentScore = scoring.initialScore(ancestor)
                    candidates.append(ancestor)
                }
                let divider: Double = level == 0 ? 1 : (level == 1 ? 2 : Double(level) * 3)
                ancestor.contentScore! += contentScore / divider
            }
        }

        var top: [Node] = []
        for candidate in candidates {
            // Good content has few links; scale by how much of the text is not link text.
            let linkDensity = measures.linkDensity(of: candidate) ?? scoring.linkDensity(candidate)
            let adjusted = candidate.contentScore! * (1 - linkDensity)
            candidate.contentScore = adjusted
            for index in 0..<Self.candidatesKept {
                if index >= top.count || adjusted > top[index].contentScore! {
                    top.insert(candidate, at: index)
                    if top.count > Self.candidatesKept { top.removeLast() }
                    break
                }
            }
        }
        return top
    }

    // MARK: choosing the container

    /// The chosen container, or a fresh div holding the whole body when nothing scored.
    private func chooseTopCandidate(_ topCandidates: [Node], page: Node) -> Node {
        guard var topCandidate = topCandidates.first, topCandidate.tag != "body" else {
            let container = document.makeElement("div")
            while let child = page.firstChild { container.appendChild(child) }
            page.appendChild(container)
            container.contentScore = scoring.initialScore(container)
            return container
        }

        // Several near-equal candidates under one ancestor: the story is split, take the ancestor.
        let bestScore = topCandidate.contentScore!
        var alternativeAncestors: [[Node]] = []
        for candidate in topCandidates.dropFirst() where candidate.contentScore! / bestScore >= 0.75 {
            alternativeAncestors.append(candidate.ancestors)
        }
        let minimumTopCandidates = 3
        if alternativeAncestors.count >= minimumTopCandidates {
            var parent = topCandidate.parent
            while let ancestor = parent, ancestor.tag != "body" {
                var listsContaining = 0
                for list in alternativeAncestors where listsContaining < minimumTopCandidates {
                    if list.contains(where: { $0 === ancestor }) { listsContaining += 1 }
                }
                if listsContaining >= minimumTopCandidates {
                    topCandidate = ancestor
                    break
                }
                parent = ancestor.parent
            }
        }
        if topCandidate.contentScore == nil { topCandidate.contentScore = scoring.initialScore(topCandidate) }

        // A parent scoring higher than its child (bonus from other paragraphs) holds more of the story.
        var parent = topCandidate.parent
        var lastScore = topCandidate.contentScore!
        let scoreThreshold = lastScore / 3
        while let ancestor = parent, ancestor.tag != "body" {
            guard let parentScore = ancestor.contentScore else {
                parent = ancestor.parent
                continue
            }
            if parentScore < scoreThreshold { break }
            if parentScore > lastScore {
                topCandidate = ancestor
                break
            }
            lastScore = parentScore
            parent = ancestor.parent
        }

        // An only child: use the parent, so sibling merging sees the neighbours.
        parent = topCandidate.parent
        while let ancestor = parent, ancestor.tag != "body", ancestor.elementChildCount == 1 {
            topCandidate = ancestor
            parent = ancestor.parent
        }
        if topCandidate.contentScore == nil { topCandidate.contentScore = scoring.initialScore(topCandidate) }
        return topCandidate
    }

    // MARK: sibling merging

    private func mergeSiblings(of topCandidate: Node) -> Node {
        let content = document.makeElement("div")
        guard let parent = topCandidate.parent else {
            content.appendChild(topCandidate)
            return content
        }
        let topScore = topCandidate.contentScore ?? 0
        let threshold = max(10, topScore * 0.2)
        let topClass = topCandidate.className
        for sibling in parent.children {
            var append = false
            if sibling === topCandidate {
                append = true
            } else {
                var bonus = 0.0
                if !topClass.isEmpty && sibling.className == topClass { bonus += topScore * 0.2 }
                if let score = sibling.contentScore, score + bonus >= threshold {
                    append = true
                } else if sibling.tag == "p" {
                    let linkDensity = scoring.linkDensity(sibling)
                    let text = JSText.normalized(sibling.textContent)
                    let length = text.utf16.count
                    if length > 80 && linkDensity < 0.25 {
                        append = true
                    } else if length < 80 && length > 0 && linkDensity == 0 && Self.hasSentenceEnd(text) {
                        append = true
                    }
                }
            }
            if append {
                if !Hints.keepTagWhenMerged.contains(sibling.tag) { document.retag(sibling, to: "div") }
                content.appendChild(sibling)
            }
        }
        return content
    }

    /// `/\.( |$)/`: a full stop followed by a space or the end.
    private static func hasSentenceEnd(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 46 {
            if index + 1 == bytes.count || bytes[index + 1] == 32 { return true }
        }
        return false
    }
}
