/// Rules on top of Readability, applied to the container it chose (after its own cleaning), for what a
/// reader skips as page furniture even inside the story's column: captions and photo credits, promo,
/// related-story, newsletter and share blocks, bylines and datelines (kept as metadata, not text).
///
/// Each rule is general — element roles, class/id vocabularies and short-text patterns seen across sites —
/// never keyed to a site, and bounded so that it cannot take the story itself: a block holding more than
/// `maxShareOfArticle` of the article's text is never removed, whatever its class says, and embedded posts
/// and quotations are never furniture. docs/articles.md ("Beyond Readability") gives each rule's reason.
struct ArticleRefiner {
    /// A block with more than this share of the article's visible text is story, whatever its class says.
    static let maxShareOfArticle = 0.3
    /// Together, the rules may remove at most this share of the article's text (else none is applied).
    static let maxRemovedShare = 0.5
    /// Longest text of a nested `<article>` card that can be a teaser for another story.
    static let teaserCardLength = 600

    enum Rule: Equatable {
        /// `figcaption`, caption/credit classes, "Photo: …" lines, gallery counters.
        case caption
        /// related/recommended/promo/newsletter/subscribe/share/trending/gallery blocks.
        case promo
        /// byline/author/dateline/timestamp blocks, author boxes, `time`/`address` lines, "Updated 3:27 pm …".
        case byline
        /// Utility classes that hide an element in every common CSS framework (`hidden`, `sr-only`, …).
        case hidden
        /// The standfirst (dek, subtitle, kicker) under the headline: a summary, not the story's text.
        case standfirst

        /// Longest text (UTF-16 units, normalised) a block removed under the rule may hold.
        var maxLength: Int {
            switch self {
            case .caption: return 600
            case .promo: return 3000
            case .byline: return 600   // an author box: name, picture, a short biography
            case .hidden: return 5000
            case .standfirst: return 400
            }
        }
    }

    /// Readability replaces a div holding one paragraph by that paragraph, and the div's class ("caption",
    /// "byline") goes with it. The furniture rules still need it; it rides along in an attribute of its own,
    /// which nothing in Readability reads, so upstream's decisions are unchanged.
    static let formerClassAttribute = "data-tidings-former-class"

    static func carryClass(from container: Node, to child: Node) {
        let own = container.className + " " + container.id + " " + (container.attribute(formerClassAttribute) ?? "")
        guard own.contains(where: { $0 != " " }) else { return }
        child.setAttribute(formerClassAttribute, own + " " + (child.attribute(formerClassAttribute) ?? ""))
    }

    /// Removes furniture from `article` in place; returns what was removed, per rule (for tests and tracing).
    @discardableResult
    static func refine(_ article: Node, author: String? = nil) -> [(Rule, String)] {
        let total = max(1, JSText.normalizedLength(of: article))
        var removals: [(Node, Rule)] = []
        var chosen = Set<ObjectIdentifier>()
        func choose(_ node: Node, _ rule: Rule) {
            if chosen.insert(ObjectIdentifier(node)).inserted { removals.append((node, rule)) }
        }
        unowned(unsafe) var current: Node? = article.firstChild
        while let node = current {
            if chosen.contains(ObjectIdentifier(node)) {   // a caption or a label's links, chosen ahead
                current = node.nextNodeSkippingChildren(within: article)
                continue
            }
            if node.isElement && node.tag == "img", let caption = FurnitureRules.captionAfterImage(node),
               !FurnitureRules.holdsEmbeddedPost(caption) {
                choose(caption, .caption)
            }
            if node.isElement, let rule = FurnitureRules.rule(for: node) {
                let length = JSText.normalizedLength(of: node)
                if length <= rule.maxLength && Double(length) <= Double(total) * maxShareOfArticle
                    && !FurnitureRules.holdsEmbeddedPost(node) {
                    choose(node, rule)
                    if rule == .promo {
                        // "More:" over a list of links to other stories: the links go with their label.
                        for links in FurnitureRules.linksAfterLabel(node) { choose(links, .promo) }
                    }
                    current = node.nextNodeSkippingChildren(within: article)
                    continue
                }
            }
            current = node.nextInDocumentOrder(within: article)
        }
        // Furniture is the lesser part of an article page. When the rules would take most of the text, the
        // page is something else (an index of teasers, a photo essay): Readability's result stands.
        var removedLength = 0
        for (node, _) in removals { removedLength += JSText.normalizedLength(of: node) }
        if Double(removedLength) > Double(total) * maxRemovedShare { return [] }
        var removed: [(Rule, String)] = []
        for (node, rule) in removals where node.parent != nil {
            removed.append((rule, JSText.normalized(node.textContent)))
            node.remove()
        }
        // Then the end of the story, where furniture is seldom marked by class: epilogues after a rule,
        // "About <company>" boilerplate, trailing headings, link lines and calls to action.
        for (node, rule) in StoryTail.furniture(in: article, total: total, author: author) where node.parent != nil {
            removed.append((rule, JSText.normalized(node.textContent)))
            node.remove()
        }
        return removed
    }
}
