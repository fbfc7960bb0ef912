/// Puts the end tags of an ill-formed feed where their start tags say they belong, before libxml2's recovery
/// sees the document.
///
/// libxml2 2.9 recovers from a mismatched end tag by closing whatever element is open (`xmlParseEndTag2` ends
/// `ctxt->name`, not the element the tag names). One element left open therefore shifts every later end tag by
/// one: an unclosed `<itunes:category>` swallowed the items after it (0 entries, exit 0), and a raw `<br>` in an
/// RSS description made each following item a child of the previous one's description (1 of 4 items read).
/// This pass tracks open elements the way an HTML parser does and rewrites only what libxml2 would get wrong:
///
/// * an end tag that names an element open further out closes the elements inside it first (`</br>` is
///   inserted before `</description>`);
/// * an end tag that names no open element is dropped (libxml2 would close the current element with it);
/// * an `item` or `entry` start tag inside anything but a `channel`/root element, while no entry is open, closes
///   what was left open since the container (the boundaries of items are clear even when a child of the
///   channel was never closed); inside an open entry, it closes that entry first (an `<item>` is never a child
///   of an `<item>`).
///
/// Run only on documents libxml2 reported errors for: a well-formed document is left exactly as it is. Comments,
/// CDATA sections, processing instructions and the DOCTYPE are skipped; text is never touched; a `<` that
/// starts no plainly well-formed tag is left to libxml2. Inserted tags add no newline, so line numbers hold.
enum TagBalancer {
    struct Result {
        var bytes: [UInt8]
        /// One line per rewrite, for the feed's warnings (the first few; `count` has them all).
        var notes: [String]
        var count: Int
    }

    static let maximumNotes = 5
    /// Deeper nesting is left to libxml2 (which stops at 256 levels without XML_PARSE_HUGE).
    static let maximumDepth = 512

    static func balance(_ input: [UInt8]) -> Result {
        var output: [UInt8] = []
        var notes: [String] = []
        var count = 0
        var tooDeep = false
        input.withUnsafeBufferPointer { b in
            let n = b.count
            output.reserveCapacity(n + 64)
            var stack: [(name: Range<Int>, line: Int)] = []
            var copiedUpTo = 0
            var line = 1
            var lineCountedUpTo = 0
            func currentLine(_ at: Int) -> Int {
                while lineCountedUpTo < at {
                    if b[lineCountedUpTo] == 0x0A { line += 1 }
                    lineCountedUpTo += 1
                }
                return line
            }
            func name(_ range: Range<Int>) -> String { String(decoding: b[range], as: UTF8.self) }
            func sameName(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
                x.count == y.count && zip(x, y).allSatisfy { b[$0] == b[$1] }
            }
            func note(_ text: String) {
                count += 1
                if notes.count < maximumNotes { notes.append(text) }
            }
            /// Writes end tags for the elements above `depth` and pops them.
            func close(downTo depth: Int, at position: Int, because reason: String) {
                output.append(contentsOf: b[copiedUpTo..<position])
                copiedUpTo = position
                while stack.count > depth {
                    let open = stack.removeLast()
                    output.append(contentsOf: [0x3C, 0x2F])
                    output.append(contentsOf: b[open.name])
                    output.append(0x3E)
                    note("closed <\(name(open.name))> (line \(open.line)) \(reason) at line \(currentLine(position))")
                }
            }

            var i = 0
            while i < n {
                guard b[i] == 0x3C else { i += 1; continue }
                if startsWith(b, i, "<!--") {
                    i = find(b, "-->", from: i + 4).map { $0 + 3 } ?? n
                } else if startsWith(b, i, "<![CDATA[") {
                    i = find(b, "]]>", from: i + 9).map { $0 + 3 } ?? n
                } else if startsWith(b, i, "<?") {
                    i = find(b, "?>", from: i + 2).map { $0 + 2 } ?? n
                } else if startsWith(b, i, "<!") {
                    i = EntityRepair.doctypeEnd(b, from: i + 2)
                } else if i + 1 < n, b[i + 1] == 0x2F {
                    guard let (tagName, end) = endTag(b, at: i) else { i += 1; continue }
                    if let depth = stack.lastIndex(where: { sameName($0.name, tagName) }) {
                        if depth < stack.count - 1 {
                            close(downTo: depth + 1, at: i, because: "before </\(name(tagName))>")
                        }
                        stack.removeLast()
                    } else {
                        output.append(contentsOf: b[copiedUpTo..<i])
                        copiedUpTo = end
                        note("dropped </\(name(tagName))> at line \(currentLine(i)): no such element is open")
                    }
                    i = end
                } else {
                    guard let (tagName, end, selfClosing) = startTag(b, at: i) else { i += 1; continue }
                    if isEntry(b, tagName), let container = stack.lastIndex(where: { isContainer(b, $0.name) }) {
                        let openEntry = stack[(container + 1)...].firstIndex(where: { isEntry(b, $0.name) })
                        let keep = openEntry ?? (container + 1)
                        if stack.count > keep {
                            close(downTo: keep, at: i, because: "before <\(name(tagName))>")
                        }
                    }
                    if !selfClosing {
                        guard stack.count < maximumDepth else { tooDeep = true; return }
                        stack.append((tagName, currentLine(i)))
                    }
                    i = end
                }
            }
            output.append(contentsOf: b[copiedUpTo..<n])
        }
        if count == 0 || tooDeep || output.isEmpty { return Result(bytes: input, notes: [], count: 0) }
        return Result(bytes: output, notes: notes, count: count)
    }

    // MARK: tags

    /// `</name>` (white space allowed before `>`): the name's range and the index after `>`.
    private static func endTag(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (Range<Int>, Int)? {
        let start = i + 2
        var j = start
        while j < b.count, isNameByte(b[j]) { j += 1 }
        guard j > start, isNameStart(b[start]) else { return nil }
        let nameEnd = j
        while j < b.count, isSpace(b[j]) { j += 1 }
        guard j < b.count, b[j] == 0x3E else { return nil }
        return (start..<nameEnd, j + 1)
    }

    /// `<name attributes>` or `<name attributes/>` with balanced quotes and no `<` before its end (the same
    /// test as text lifting's, `TextLift.tagEnd`).
    private static func startTag(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (Range<Int>, Int, Bool)? {
        let start = i + 1
        guard start < b.count, isNameStart(b[start]) else { return nil }
        var j = start
        while j < b.count, isNameByte(b[j]) { j += 1 }
        guard j < b.count, isSpace(b[j]) || b[j] == 0x3E || b[j] == 0x2F, let end = TextLift.tagEnd(b, at: i) else {
            return nil
        }
        return (start..<j, end, b[end - 2] == 0x2F)
    }

    /// The local name (after any prefix) of the tag name at `range`.
    private static func localName(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        guard let colon = range.lastIndex(where: { b[$0] == 0x3A }) else { return range }
        return (colon + 1)..<range.upperBound
    }

    private static func localNameIs(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        let local = localName(b, range)
        guard local.count == literal.utf8CodeUnitCount else { return false }
        for (k, index) in local.enumerated() where b[index] != literal.utf8Start[k] { return false }
        return true
    }

    private static func isEntry(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        localNameIs(b, range, "item") || localNameIs(b, range, "entry")
    }

    private static func isContainer(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        localNameIs(b, range, "channel") || localNameIs(b, range, "rss") || localNameIs(b, range, "RDF")
            || localNameIs(b, range, "feed")
    }

    // MARK: bytes

    private static func startsWith(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard at + count <= b.count else { return false }
        for k in 0..<count where b[at + k] != literal.utf8Start[k] { return false }
        return true
    }

    private static func find(_ b: UnsafeBufferPointer<UInt8>, _ literal: StaticString, from start: Int) -> Int? {
        var j = start
        while j < b.count {
            if b[j] == literal.utf8Start[0] && startsWith(b, j, literal) { return j }
            j += 1
        }
        return nil
    }

    @inline(__always)
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    @inline(__always)
    private static func isNameStart(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || c == 0x3A || c >= 0x80
    }

    @inline(__always)
    private static func isNameByte(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
    }
}
