import Foundation

/// Readability's tree helpers, over elements only unless said otherwise.
enum Traversal {
    /// Depth-first next element (`_getNextNode`); `skippingChildren` jumps over the node's subtree.
    static func nextElement(after node: Node, skippingChildren: Bool = false) -> Node? {
        if !skippingChildren, let child = node.firstElementChild { return child }
        if let sibling = node.nextElementSibling { return sibling }
        var current = node.parent
        while let ancestor = current {
            if let sibling = ancestor.nextElementSibling { return sibling }
            current = ancestor.parent
        }
        return nil
    }

    static func removeAndGetNext(_ node: Node) -> Node? {
        let next = nextElement(after: node, skippingChildren: true)
        node.remove()
        return next
    }

    /// `_hasAncestorTag`: `maxDepth` ≤ 0 means unlimited; the default looks at most 4 levels up.
    static func hasAncestor(_ node: Node, tag: String, maxDepth: Int = 3, where filter: ((Node) -> Bool)? = nil) -> Bool {
        var depth = 0
        var current = node
        while let parent = current.parent {
            if maxDepth > 0 && depth > maxDepth { return false }
            if parent.tag == tag && (filter?(parent) ?? true) { return true }
            current = parent
            depth += 1
        }
        return false
    }

    /// Exactly one element child, of `tag`, and no text of its own.
    static func hasSingleTag(inside element: Node, tag: String) -> Bool {
        var onlyChild: Node?
        var child = element.firstChild
        while let node = child {
            if node.isElement {
                if onlyChild != nil { return false }
                onlyChild = node
            } else if let last = node.text.unicodeScalars.last, !JSText.isWhitespace(last) {
                return false  // `/\S$/`: a text node ending in a visible character
            }
            child = node.nextSibling
        }
        return onlyChild?.tag == tag
    }

    static func isElementWithoutContent(_ node: Node) -> Bool {
        guard node.isElement, !node.hasVisibleText else { return false }
        let childCount = node.elementChildCount
        if childCount == 0 { return true }
        return childCount == node.countDescendants(tag: "br") + node.countDescendants(tag: "hr")
    }

    static func hasChildBlockElement(_ element: Node) -> Bool {
        unowned(unsafe) var current: Node? = element.firstChild
        while let node = current {
            if node.isElement && Hints.divToParagraphBlockers.contains(node.tag) { return true }
            current = node.nextInDocumentOrder(within: element)
        }
        return false
    }

    static func isPhrasingContent(_ node: Node) -> Bool {
        if node.isText || Hints.phrasingElements.contains(node.tag) { return true }
        guard node.tag == "a" || node.tag == "del" || node.tag == "ins" else { return false }
        var child = node.firstChild
        while let current = child {
            if !isPhrasingContent(current) { return false }
            child = current.nextSibling
        }
        return true
    }

    static func isWhitespace(_ node: Node) -> Bool {
        node.isText ? JSText.isBlank(node.text) : node.tag == "br"
    }

    /// `_nextNode`: from `node`, skip whitespace-only text to the next element or real text.
    static func skipWhitespace(from node: Node?) -> Node? {
        var current = node
        while let candidate = current, !candidate.isElement, JSText.isBlank(candidate.text) {
            current = candidate.nextSibling
        }
        return current
    }
}

enum Visibility {
    /// Hidden by inline style, the `hidden` attribute or `aria-hidden` (Readability's `_isProbablyVisible`).
    static func isProbablyVisible(_ node: Node) -> Bool {
        if let style = node.attribute("style"), isHiddenByStyle(style) { return false }
        if node.hasAttribute("hidden") { return false }
        if node.attribute("aria-hidden") == "true" && !node.className.contains("fallback-image") { return false }
        return true
    }

    static func isHiddenByStyle(_ style: String) -> Bool {
        // Most inline styles hide nothing; skip the parse unless a hiding value occurs at all.
        let lowered = SubstringSet.lowercasedBytes(style)
        guard SubstringSet.contains(lowered, Array("none".utf8)) || SubstringSet.contains(lowered, Array("hidden".utf8)) else {
            return false
        }
        var display: String?
        var visibility: String?
        for declaration in style.split(separator: ";") {
            guard let colon = declaration.firstIndex(of: ":") else { continue }
            let name = declaration[..<colon].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            var value = declaration[declaration.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if let bang = value.range(of: "!important") { value = String(value[..<bang.lowerBound]).trimmingCharacters(in: .whitespaces) }
            if name == "display" { display = value }
            if name == "visibility" { visibility = value }
        }
        return display == "none" || visibility == "hidden"
    }
}

/// A wall-clock allowance for one extraction, checked at loop boundaries.
struct TimeBudget {
    let deadline: ContinuousClock.Instant
    let allowance: Duration

    init(_ allowance: Duration) {
        self.allowance = allowance
        deadline = ContinuousClock.now.advanced(by: allowance)
    }

    func check() throws(ExtractionError) {
        if ContinuousClock.now > deadline { throw ExtractionError.timeBudgetExceeded(seconds: allowance.seconds) }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
