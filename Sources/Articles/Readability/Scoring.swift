/// Class/id weights, tag priors and link density: the signals every Readability decision leans on.
struct Scoring {
    let flags: ReadabilityFlags

    /// `_initializeNode`: a prior by tag (divs are likely containers, lists and headings are not) plus class hints.
    func initialScore(_ node: Node) -> Double {
        var score = 0.0
        switch node.tag {
        case "div": score += 5
        case "pre", "td", "blockquote": score += 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": score -= 3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": score -= 5
        default: break
        }
        return score + Double(classWeight(node))
    }

    /// ±25 for each of class and id that reads like content ("article", "story") or like chrome ("sidebar").
    func classWeight(_ node: Node) -> Int {
        guard flags.contains(.weightClasses) else { return 0 }
        var weight = 0
        let className = node.className
        if !className.isEmpty {
            let lowered = SubstringSet.lowercasedBytes(className)
            if Hints.isNegative(lowered) { weight -= 25 }
            if Hints.positive.matches(lowered) { weight += 25 }
        }
        let id = node.id
        if !id.isEmpty {
            let lowered = SubstringSet.lowercasedBytes(id)
            if Hints.isNegative(lowered) { weight -= 25 }
            if Hints.positive.matches(lowered) { weight += 25 }
        }
        return weight
    }

    /// Share of the text that sits inside links; in-page anchors (`#…`) count for 30%.
    func linkDensity(_ element: Node) -> Double {
        let textLength = JSText.normalizedLength(of: element)
        if textLength == 0 { return 0 }
        var linkLength = 0.0
        element.forEachDescendant { node in
            guard node.isElement, node.tag == "a" else { return }
            linkLength += Double(JSText.normalizedLength(of: node)) * Self.linkWeight(node)
        }
        return linkLength / Double(textLength)
    }

    /// In-page anchors (`href="#…"`) are navigation within the story, so their text counts 30%.
    static func linkWeight(_ link: Node) -> Double {
        let href = link.attribute("href") ?? ""
        return href.utf8.count > 1 && href.utf8.first == 35 ? 0.3 : 1
    }

    /// Share of the text inside descendants with one of `tags` (nested matches count again, as upstream).
    func textDensity(_ element: Node, tags: Set<String>) -> Double {
        let textLength = JSText.normalizedLength(of: element)
        if textLength == 0 { return 0 }
        var childrenLength = 0
        element.forEachDescendant { node in
            if node.isElement && tags.contains(node.tag) { childrenLength += JSText.normalizedLength(of: node) }
        }
        return Double(childrenLength) / Double(textLength)
    }
}
