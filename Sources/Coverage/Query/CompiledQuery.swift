/// A query tree flattened into an array in pre-order, evaluated with short-circuit and no reference counting
/// (the recursive enum retained its child arrays on every visit, a visible share of per-article cost with
/// dozens of topics).
struct CompiledQuery: Sendable {
    /// `word` is a sequence of one case-insensitive whole word, the commonest leaf: it is answered by one look-up
    /// in the article's hash set, inline in its parent, without a call (the recursion cost more than the look-ups).
    enum Kind: UInt8, Sendable { case and, or, not, sequence, word }

    struct Op: Sendable {
        var kind: Kind
        /// Children for and/or; for a sequence, the number of its words in `patterns`.
        var count: Int32
        /// For a sequence, where its words start in `patterns`.
        var first: Int32
        /// Index just past this node's subtree.
        var end: Int32
        /// For a word, the stable hash of its lower-cased form.
        var hash: UInt64 = 0
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
            if words.count == 1 && !words[0].prefix && !words[0].caseSensitive {
                ops.append(Op(kind: .word, count: 1, first: Int32(patterns.count), end: 0, hash: words[0].loweredHash))
            } else {
                ops.append(Op(kind: .sequence, count: Int32(words.count), first: Int32(patterns.count), end: 0))
            }
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
        case .word:
            return doc.contains(loweredHash: op.hash)
        case .sequence:
            let words = patterns[Int(op.first)..<Int(op.first + op.count)]
            return QueryNode.sequenceMatches(words, doc)
        case .not:
            let kid = ops[i + 1]
            return kid.kind == .word ? !doc.contains(loweredHash: kid.hash) : !evaluate(i + 1, ops, patterns, doc)
        case .and:
            var child = i + 1
            for _ in 0..<op.count {
                let kid = ops[child]
                if !(kid.kind == .word ? doc.contains(loweredHash: kid.hash) : evaluate(child, ops, patterns, doc)) { return false }
                child = Int(kid.end)
            }
            return true
        case .or:
            var child = i + 1
            for _ in 0..<op.count {
                let kid = ops[child]
                if kid.kind == .word ? doc.contains(loweredHash: kid.hash) : evaluate(child, ops, patterns, doc) { return true }
                child = Int(kid.end)
            }
            return false
        }
    }
}
