/// A small mutable DOM, built once from libxml2's tree, on which the Readability-style passes run.
///
/// Readability rewrites the tree a lot (retags, moves, removes); doing that through libxml2 pointers would
/// mean freeing nodes mid-walk and copying attribute strings on every class/id check. Every node is owned by
/// its `Document`'s arena, so links are `unowned(unsafe)`: no reference counting on traversal, no recursive
/// deinit on long sibling chains or deep trees.
final class Node {
    enum Kind: UInt8 { case element, text }

    struct Attribute {
        var name: String
        var value: String
    }

    let kind: Kind
    /// Lower-case tag name for elements, "#text" for text nodes.
    var tag: String
    /// The character data of a text node.
    var text: String
    var attributes: [Attribute]

    unowned(unsafe) var parent: Node?
    unowned(unsafe) var firstChild: Node?
    unowned(unsafe) var lastChild: Node?
    unowned(unsafe) var previousSibling: Node?
    unowned(unsafe) var nextSibling: Node?

    /// Readability's per-node content score; nil until the node is initialised as a candidate.
    var contentScore: Double?
    /// Set by the data-table pass: tables that hold data rather than layout are never cleaned away.
    var isDataTable = false

    /// Whitespace shape of a text node, computed once: lengths are asked for over and over while scoring.
    struct TextStats {
        /// UTF-16 units of non-whitespace characters.
        var visibleUnits = 0
        /// Whitespace runs between the first and last visible character.
        var innerRuns = 0
        var leadingWhitespace = false
        var trailingWhitespace = false
        var isEmpty = true
    }

    lazy var textStats: TextStats = JSText.stats(of: text)

    init(kind: Kind, tag: String, text: String = "", attributes: [Attribute] = []) {
        self.kind = kind
        self.tag = tag
        self.text = text
        self.attributes = attributes
    }

    var isElement: Bool { kind == .element }
    var isText: Bool { kind == .text }

    // MARK: attributes

    // Index-based: iterating `attributes` by value would copy (and retain) every value string on each lookup.
    func attribute(_ name: String) -> String? {
        attributes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index].name == name { return buffer[index].value }
            return nil
        }
    }

    func hasAttribute(_ name: String) -> Bool {
        attributes.withUnsafeBufferPointer { buffer in buffer.indices.contains { buffer[$0].name == name } }
    }

    func setAttribute(_ name: String, _ value: String) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            attributes[index].value = value
        } else {
            attributes.append(Attribute(name: name, value: value))
        }
    }

    var className: String { attribute("class") ?? "" }
    var id: String { attribute("id") ?? "" }

    // MARK: tree edits

    /// Detaches the node from its parent (the node stays alive in the document arena).
    func remove() {
        guard let parent else { return }
        if let previousSibling { previousSibling.nextSibling = nextSibling } else { parent.firstChild = nextSibling }
        if let nextSibling { nextSibling.previousSibling = previousSibling } else { parent.lastChild = previousSibling }
        self.parent = nil
        previousSibling = nil
        nextSibling = nil
    }

    func appendChild(_ child: Node) {
        child.remove()
        child.parent = self
        child.previousSibling = lastChild
        if let lastChild { lastChild.nextSibling = child } else { firstChild = child }
        lastChild = child
    }

    func insertBefore(_ child: Node, _ reference: Node?) {
        guard let reference else { appendChild(child); return }
        child.remove()
        child.parent = self
        child.nextSibling = reference
        child.previousSibling = reference.previousSibling
        if let before = reference.previousSibling { before.nextSibling = child } else { firstChild = child }
        reference.previousSibling = child
    }

    /// Puts `replacement` where `self` is in the tree; `self` ends up detached.
    func replace(with replacement: Node) {
        guard let parent, replacement !== self else { return }
        let anchor = nextSibling
        remove()
        parent.insertBefore(replacement, anchor)
    }

    // MARK: navigation

    var firstElementChild: Node? {
        unowned(unsafe) var child: Node? = firstChild
        while let node = child, !node.isElement { child = node.nextSibling }
        return child
    }

    var nextElementSibling: Node? {
        unowned(unsafe) var sibling: Node? = nextSibling
        while let node = sibling, !node.isElement { sibling = node.nextSibling }
        return sibling
    }

    /// `first` and each node `next` leads to from it, in order: the element children or the ancestors.
    @inline(__always)
    private static func chain(from first: Node?, next: (Node) -> Node?) -> [Node] {
        var result: [Node] = []
        var current = first
        while let node = current { result.append(node); current = next(node) }
        return result
    }

    var children: [Node] { Node.chain(from: firstElementChild) { $0.nextElementSibling } }

    var elementChildCount: Int {
        var count = 0
        unowned(unsafe) var child: Node? = firstElementChild
        while let node = child { count += 1; child = node.nextElementSibling }
        return count
    }

    /// The next node in document order after this node's subtree, never leaving `root`.
    // Traversals use unowned(unsafe) locals: the arena keeps every node alive, and skipping the
    // retain/release pair per step makes walks over 100k-node pages several times faster.
    @inline(__always)
    func nextNodeSkippingChildren(within root: Node) -> Node? {
        unowned(unsafe) var node: Node = self
        while node !== root {
            if let sibling = node.nextSibling { return sibling }
            guard let up = node.parent else { return nil }
            node = up
        }
        return nil
    }

    /// The next node in document order (children first), never leaving `root`.
    @inline(__always)
    func nextInDocumentOrder(within root: Node) -> Node? {
        if let child = firstChild { return child }
        return nextNodeSkippingChildren(within: root)
    }

    /// Every descendant in document order (iterative: deep trees cannot exhaust the stack).
    @inline(__always)
    func forEachDescendant(_ body: (Node) -> Void) {
        unowned(unsafe) var current: Node? = firstChild
        while let node = current {
            body(node)
            current = node.nextInDocumentOrder(within: self)
        }
    }

    func descendants(tag: String) -> [Node] {
        var result: [Node] = []
        forEachDescendant { if $0.isElement && $0.tag == tag { result.append($0) } }
        return result
    }

    func descendants(tags: Set<String>) -> [Node] {
        var result: [Node] = []
        forEachDescendant { if $0.isElement && tags.contains($0.tag) { result.append($0) } }
        return result
    }

    func countDescendants(tag: String) -> Int {
        var count = 0
        forEachDescendant { if $0.isElement && $0.tag == tag { count += 1 } }
        return count
    }

    func hasDescendant(tag: String) -> Bool {
        unowned(unsafe) var current: Node? = firstChild
        while let node = current {
            if node.isElement && node.tag == tag { return true }
            current = node.nextInDocumentOrder(within: self)
        }
        return false
    }

    /// DOM `textContent`: the concatenated character data of the subtree.
    var textContent: String {
        if isText { return text }
        var result = ""
        forEachDescendant { if $0.isText { result += $0.text } }
        return result
    }

    var ancestors: [Node] { Node.chain(from: parent) { $0.parent } }
}

/// Owns every node created for one page; nodes are freed together when the document goes.
final class Document {
    private(set) var arena: [Node] = []
    /// The `<html>` element.
    var root: Node

    init() {
        root = Node(kind: .element, tag: "html")
        arena.reserveCapacity(4096)
        arena.append(root)
    }

    var nodeCount: Int { arena.count }

    func makeElement(_ tag: String, attributes: [Node.Attribute] = []) -> Node {
        let node = Node(kind: .element, tag: tag, attributes: attributes)
        arena.append(node)
        return node
    }

    func makeText(_ text: String) -> Node {
        let node = Node(kind: .text, tag: "#text", text: text)
        arena.append(node)
        return node
    }

    var body: Node? { rootChild(tagged: "body") }

    var head: Node? { rootChild(tagged: "head") }

    /// The first element child of `root` with this tag.
    private func rootChild(tagged tag: String) -> Node? {
        var child = root.firstElementChild
        while let node = child {
            if node.tag == tag { return node }
            child = node.nextElementSibling
        }
        return nil
    }

    /// Gives `node` a new tag name in place (Readability's `_setNodeTag`); attributes and score stay.
    func retag(_ node: Node, to tag: String) { node.tag = tag }
}

extension Document {
    /// A deep copy, for Readability's retries: each pass mutates the tree, and a retry starts from the
    /// prepared page again. Iterative, like every other walk here.
    func deepCopy() -> Document {
        let copy = Document()
        copy.root.attributes = root.attributes
        var current = root.firstChild
        var copiedParent = copy.root
        var parents: [Node] = []
        while let node = current {
            let clone = node.isText ? copy.makeText(node.text) : copy.makeElement(node.tag, attributes: node.attributes)
            copiedParent.appendChild(clone)
            if let child = node.firstChild {
                parents.append(copiedParent)
                copiedParent = clone
                current = child
                continue
            }
            var climbing = node
            while true {
                if let sibling = climbing.nextSibling {
                    current = sibling
                    break
                }
                guard let up = climbing.parent, up !== root, !parents.isEmpty else {
                    current = nil
                    break
                }
                climbing = up
                copiedParent = parents.removeLast()
            }
        }
        return copy
    }
}

extension Node {
    /// True when some text node below holds a non-whitespace character (stops at the first one).
    var hasVisibleText: Bool {
        if isText { return textStats.visibleUnits > 0 }
        unowned(unsafe) var current: Node? = firstChild
        while let node = current {
            if node.isText && node.textStats.visibleUnits > 0 { return true }
            current = node.nextInDocumentOrder(within: self)
        }
        return false
    }

    /// Lower-cased "class id", the string Readability matches its vocabularies against.
    var matchBytes: [UInt8] {
        var bytes: [UInt8] = []
        if let className = attribute("class") { bytes = SubstringSet.lowercasedBytes(className) }
        bytes.append(32)
        if let id = attribute("id") { bytes += SubstringSet.lowercasedBytes(id) }
        return bytes
    }
}
