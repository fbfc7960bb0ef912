/// A query tree flattened into an array in pre-order, evaluated with short-circuit and no reference counting
/// (the recursive enum retained its child arrays on every visit, a visible share of per-article cost with
/// dozens of topics).
struct CompiledQuery: Sendable {
    enum Kind: UInt8, Sendable { case and, or, not, sequence }

    struct Op: Sendable {
        var kind: Kind
        /// Children for and/or; for a sequence, the number of its words in `patterns`.
        var count: Int32
        /// For a sequence, where its words start in `patterns`.
        var first: Int32
        /// Index just past this node's subtree.
        var end: Int32
    }

    private(set) var ops: [Op] = []
    private(set) var patterns: [WordPattern] = []

    init(_ root: QueryNode) { append(root) }

    private mutating func append(_ node: QueryNode) {
        let at = ops.count
        switch node {
        case .and(let kids), .or(let kids):
            let kind: Kind
            if case .and = node { kind = .and } else { kind = .or }
            ops.append(Op(kind: kind, count: Int32(kids.count), first: 0, end: 0))
            for k in kids { append(k) }
        case .not(let kid):
            ops.append(Op(kind: .not, count: 1, first: 0, end: 0))
            append(kid)
        case .sequence(let words):
            ops.append(Op(kind: .sequence, count: Int32(words.count), first: Int32(patterns.count), end: 0))
            patterns.append(contentsOf: words)
        }
        ops[at].end = Int32(ops.count)
    }

    func matches(_ doc: MatchableText) -> Bool {
        ops.withUnsafeBufferPointer { ops in
            patterns.withUnsafeBufferPointer { patterns in
                Self.evaluate(0, ops, patterns, doc)
            }
        }
    }

    private static func evaluate(_ i: Int, _ ops: UnsafeBufferPointer<Op>, _ patterns: UnsafeBufferPointer<WordPattern>,
                                 _ doc: MatchableText) -> Bool {
        let op = ops[i]
        switch op.kind {
        case .sequence:
            let words = patterns[Int(op.first)..<Int(op.first + op.count)]
            return QueryNode.sequenceMatches(words, doc)
        case .not:
            return !evaluate(i + 1, ops, patterns, doc)
        case .and:
            var child = i + 1
            for _ in 0..<op.count {
                if !evaluate(child, ops, patterns, doc) { return false }
                child = Int(ops[child].end)
            }
            return true
        case .or:
            var child = i + 1
            for _ in 0..<op.count {
                if evaluate(child, ops, patterns, doc) { return true }
                child = Int(ops[child].end)
            }
            return false
        }
    }
}
