/// Normalised text length and link-text length of every element, computed bottom-up in one pass.
///
/// Scoring asks for the link density of every candidate, and candidates nest (each paragraph feeds five
/// ancestors), so measuring each one separately walks the same text again and again. The tree does not
/// change while candidates are scored, so one pass serves them all. Only valid until the next edit.
struct SubtreeMeasures {
    /// Whitespace-aware summary of a stretch of text, composable left to right.
    struct Summary {
        /// `_getInnerText(…).length` of the stretch: visible units plus one per inner whitespace run.
        var length = 0
        var hasVisible = false
        var leadingWhitespace = false
        var trailingWhitespace = false
        /// For a stretch with no visible character: whether it has any whitespace at all.
        var hasWhitespace = false

        init() {}

        init(_ stats: Node.TextStats) {
            guard !stats.isEmpty else { return }
            if stats.visibleUnits == 0 {
                hasWhitespace = true
                return
            }
            hasVisible = true
            length = stats.visibleUnits + stats.innerRuns
            leadingWhitespace = stats.leadingWhitespace
            trailingWhitespace = stats.trailingWhitespace
        }

        mutating func append(_ next: Summary) {
            guard next.hasVisible else {
                if next.hasWhitespace {
                    if hasVisible { trailingWhitespace = true } else { hasWhitespace = true }
                }
                return
            }
            guard hasVisible else {
                let leading = next.leadingWhitespace || hasWhitespace
                self = next
                leadingWhitespace = leading
                return
            }
            length += next.length + ((trailingWhitespace || next.leadingWhitespace) ? 1 : 0)
            trailingWhitespace = next.trailingWhitespace
        }
    }

    private var summaries: [ObjectIdentifier: Summary] = [:]
    private var linkLengths: [ObjectIdentifier: Double] = [:]

    init(root: Node) {
        var elements: [Node] = [root]
        root.forEachDescendant { if $0.isElement { elements.append($0) } }
        summaries.reserveCapacity(elements.count)
        linkLengths.reserveCapacity(elements.count)
        // Reverse document order visits every element after all of its descendants.
        for element in elements.reversed() {
            var summary = Summary()
            var linkLength = 0.0
            var child = element.firstChild
            while let node = child {
                if node.isText {
                    summary.append(Summary(node.textStats))
                } else if node.isElement {
                    let id = ObjectIdentifier(node)
                    let childSummary = summaries[id] ?? Summary()
                    summary.append(childSummary)
                    linkLength += linkLengths[id] ?? 0
                    if node.tag == "a" { linkLength += Double(childSummary.length) * Scoring.linkWeight(node) }
                }
                child = node.nextSibling
            }
            summaries[ObjectIdentifier(element)] = summary
            linkLengths[ObjectIdentifier(element)] = linkLength
        }
    }

    func length(of node: Node) -> Int? { summaries[ObjectIdentifier(node)]?.length }

    /// Same value as `Scoring.linkDensity(_:)` on the unchanged tree.
    func linkDensity(of node: Node) -> Double? {
        let id = ObjectIdentifier(node)
        guard let summary = summaries[id], let linkLength = linkLengths[id] else { return nil }
        return summary.length == 0 ? 0 : linkLength / Double(summary.length)
    }
}
