/// The mutable table tree the parser fills in, enforcing TOML 1.0's rules on who may define or extend a table:
/// a table is defined once, by a `[header]`, by dotted keys, or inline; inline tables and arrays are closed;
/// `[[header]]` appends only to arrays of tables. Frozen into `TOMLTable` values at the end.
final class TOMLTableNode {
    enum Origin {
        /// Created on the way to a deeper `[a.b.c]` header; may still be defined by its own header later.
        case implicit
        case header
        case dotted
        case inline
        case root
    }

    enum Child {
        case value(TOMLValue)
        case table(TOMLTableNode)
        case tableArray(TOMLTableArrayNode)
    }

    var origin: Origin
    var position: SourcePosition
    private(set) var keys: [String] = []
    private var children: [(keyPosition: SourcePosition, child: Child)] = []
    /// Built only for tables with many keys: most have a handful, where a linear search is cheaper than a
    /// dictionary per table (a 10,000-feed file has 10,000 tables).
    private var index: [String: Int]?
    private static let indexThreshold = 12

    init(origin: Origin, position: SourcePosition) {
        self.origin = origin
        self.position = position
    }

    private func slot(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    func child(_ key: String) -> (keyPosition: SourcePosition, child: Child)? { slot(of: key).map { children[$0] } }

    func set(_ key: String, _ child: Child, keyPosition: SourcePosition) {
        if let existing = slot(of: key) {
            children[existing].child = child
            return
        }
        keys.append(key)
        children.append((keyPosition, child))
        if index != nil {
            index?[key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        }
    }

    func freeze() -> TOMLTable {
        let entries = zip(keys, children).map { key, slot -> TOMLTable.Entry in
            let (keyPosition, child) = slot
            let value: TOMLValue
            switch child {
            case .value(let plain):
                value = plain
            case .table(let node):
                value = TOMLValue(.table(node.freeze()), at: node.position)
            case .tableArray(let array):
                value = TOMLValue(.array(array.elements.map { TOMLValue(.table($0.freeze()), at: $0.position) }), at: array.position)
            }
            return TOMLTable.Entry(key: key, keyPosition: keyPosition, value: value)
        }
        return TOMLTable(entries: entries, position: position)
    }
}

/// The tables of one `[[array]]`, in order.
final class TOMLTableArrayNode {
    var elements: [TOMLTableNode]
    /// Where the first `[[header]]` of this array is.
    let position: SourcePosition

    init(first: TOMLTableNode, position: SourcePosition) {
        self.elements = [first]
        self.position = position
    }
}

/// One part of a (possibly dotted) key, with where it was written.
struct TOMLKeyPart {
    let name: String
    let position: SourcePosition
}

enum TOMLTableRules {
    static func dottedName(_ parts: [TOMLKeyPart]) -> String {
        parts.map { part in
            let bare = !part.name.isEmpty && part.name.unicodeScalars.allSatisfy(TOMLScalars.isBareKey)
            return bare ? part.name : "\"\(part.name)\""
        }.joined(separator: ".")
    }

    private static func describe(_ child: TOMLTableNode.Child, keyPosition: SourcePosition) -> String {
        switch child {
        case .value(let value):
            if case .table = value.kind { return "an inline table (line \(keyPosition.line))" }
            return "a \(value.typeName) value (line \(keyPosition.line))"
        case .table(let node):
            return "a table (line \(node.position.line))"
        case .tableArray(let array):
            return "an array of tables (line \(array.position.line))"
        }
    }

    /// `key.path = value` inside `table`: every part but the last may only walk through tables that dotted keys
    /// of this same table created.
    static func insert(_ value: TOMLValue, at parts: [TOMLKeyPart], into table: TOMLTableNode) throws(TOMLSyntaxError) {
        var node = table
        for (index, part) in parts.dropLast().enumerated() {
            let soFar = dottedName(Array(parts[...index]))
            if let (keyPosition, existing) = node.child(part.name) {
                // A table only implied by a deeper header ([a.b.c] implies a.b) is still undefined: dotted keys
                // may define it, after which no [header] may (as other TOML 1.0 parsers read the spec).
                if case .table(let next) = existing, next.origin == .implicit {
                    next.origin = .dotted
                }
                guard case .table(let next) = existing, next.origin == .dotted else {
                    if case .table(let next) = existing {
                        throw TOMLSyntaxError(
                            "cannot add keys to table \"\(soFar)\" with a dotted key: it was defined by a header at line \(next.position.line)",
                            at: part.position)
                    }
                    throw TOMLSyntaxError(
                        "cannot use \"\(soFar)\" as a table: it is already \(describe(existing, keyPosition: keyPosition))",
                        at: part.position)
                }
                node = next
            } else {
                let next = TOMLTableNode(origin: .dotted, position: part.position)
                node.set(part.name, .table(next), keyPosition: part.position)
                node = next
            }
        }
        let last = parts[parts.count - 1]
        if let (keyPosition, existing) = node.child(last.name) {
            throw TOMLSyntaxError(
                "duplicate key \"\(dottedName(parts))\": already defined as \(describe(existing, keyPosition: keyPosition))",
                at: last.position)
        }
        node.set(last.name, .value(value), keyPosition: last.position)
    }

    /// Walks the parts of a `[header]` or `[[header]]` before the last one, creating implicit tables.
    private static func walkHeader(_ parts: [TOMLKeyPart], from root: TOMLTableNode) throws(TOMLSyntaxError) -> TOMLTableNode {
        var node = root
        for (index, part) in parts.dropLast().enumerated() {
            if let (keyPosition, existing) = node.child(part.name) {
                switch existing {
                case .table(let next):
                    node = next
                case .tableArray(let array):
                    node = array.elements[array.elements.count - 1]
                case .value:
                    throw TOMLSyntaxError(
                        "cannot use \"\(dottedName(Array(parts[...index])))\" as a table: it is already \(describe(existing, keyPosition: keyPosition))",
                        at: part.position)
                }
            } else {
                let next = TOMLTableNode(origin: .implicit, position: part.position)
                node.set(part.name, .table(next), keyPosition: part.position)
                node = next
            }
        }
        return node
    }

    static func defineTable(_ parts: [TOMLKeyPart], header: SourcePosition, root: TOMLTableNode) throws(TOMLSyntaxError) -> TOMLTableNode {
        let parent = try walkHeader(parts, from: root)
        let last = parts[parts.count - 1]
        let name = dottedName(parts)
        guard let (keyPosition, existing) = parent.child(last.name) else {
            let node = TOMLTableNode(origin: .header, position: header)
            parent.set(last.name, .table(node), keyPosition: last.position)
            return node
        }
        if case .table(let node) = existing {
            switch node.origin {
            case .implicit:
                node.origin = .header
                node.position = header
                return node
            case .header, .root:
                throw TOMLSyntaxError("table [\(name)] is defined twice (first at line \(node.position.line))", at: header)
            case .dotted, .inline:
                throw TOMLSyntaxError(
                    "table [\(name)] was already defined by dotted keys at line \(node.position.line)", at: header)
            }
        }
        throw TOMLSyntaxError(
            "cannot define table [\(name)]: \"\(name)\" is already \(describe(existing, keyPosition: keyPosition))",
            at: header)
    }

    static func appendTableArrayElement(_ parts: [TOMLKeyPart], header: SourcePosition, root: TOMLTableNode) throws(TOMLSyntaxError) -> TOMLTableNode {
        let parent = try walkHeader(parts, from: root)
        let last = parts[parts.count - 1]
        let name = dottedName(parts)
        let element = TOMLTableNode(origin: .header, position: header)
        guard let (keyPosition, existing) = parent.child(last.name) else {
            parent.set(last.name, .tableArray(TOMLTableArrayNode(first: element, position: header)), keyPosition: last.position)
            return element
        }
        guard case .tableArray(let array) = existing else {
            throw TOMLSyntaxError(
                "cannot append to [[\(name)]]: \"\(name)\" is already \(describe(existing, keyPosition: keyPosition))",
                at: header)
        }
        // Appended in place: a file with thousands of [[feed]] tables must not copy the array each time.
        array.elements.append(element)
        return element
    }
}
