extension Node {
    /// The descendants matching `filter` that are not inside another match, in document order; the subtree of
    /// a match is not walked (so each node is visited once).
    func outermostDescendants(where filter: (Node) -> Bool) -> [Node] {
        var matches: [Node] = []
        unowned(unsafe) var current: Node? = firstChild
        while let node = current {
            if node.isElement && filter(node) {
                matches.append(node)
                current = node.nextNodeSkippingChildren(within: self)
            } else {
                current = node.nextInDocumentOrder(within: self)
            }
        }
        return matches
    }
}
