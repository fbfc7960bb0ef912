/// Text helpers with JavaScript's notions of whitespace and length, because Readability's thresholds
/// (25 characters, 100 per point, 500 for success) were tuned on `String.prototype.trim` and UTF-16 lengths.
enum JSText {
    /// ECMAScript WhiteSpace + LineTerminator: what `\s` and `trim()` match.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }

    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        return String(scalars[first...last])
    }

    static func isBlank(_ text: String) -> Bool {
        !text.unicodeScalars.contains { !isWhitespace($0) }
    }

    /// `_getInnerText`: trimmed, and every run of two or more whitespace characters made one space.
    static func normalized(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingWhitespace: [Unicode.Scalar] = []
        var started = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                if started { pendingWhitespace.append(scalar) }
                continue
            }
            if !pendingWhitespace.isEmpty {
                if pendingWhitespace.count == 1 { result.append(pendingWhitespace[0]) } else { result.append(" ") }
                pendingWhitespace.removeAll(keepingCapacity: true)
            }
            started = true
            result.append(scalar)
        }
        return String(result)
    }

    /// `_getInnerText(node).length` without building the string: UTF-16 units, trimmed, runs collapsed.
    /// Every JavaScript whitespace character is one UTF-16 unit, so a run counts 1 whether kept or collapsed.
    static func normalizedLength(of node: Node) -> Int {
        var combiner = StatsCombiner()
        if node.isText {
            combiner.add(node.textStats)
        } else {
            unowned(unsafe) var current: Node? = node.firstChild
            while let child = current {
                if child.isText { combiner.add(child.textStats) }
                current = child.nextInDocumentOrder(within: node)
            }
        }
        return combiner.length
    }

    struct StatsCombiner {
        private(set) var length = 0
        private var started = false
        private var pendingWhitespace = false

        @inline(__always)
        mutating func add(_ stats: Node.TextStats) {
            if stats.isEmpty { return }
            if stats.visibleUnits == 0 {
                if started { pendingWhitespace = true }
                return
            }
            if started && (pendingWhitespace || stats.leadingWhitespace) { length += 1 }
            length += stats.visibleUnits + stats.innerRuns
            started = true
            pendingWhitespace = stats.trailingWhitespace
        }
    }

    static func stats(of text: String) -> Node.TextStats {
        var stats = Node.TextStats()
        var text = text
        text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return }
            stats.isEmpty = false
            var index = 0
            var sawVisible = false
            var inRun = false
            while index < bytes.count {
                let width = whitespaceWidth(bytes, index)
                if width > 0 {
                    if !sawVisible { stats.leadingWhitespace = true }
                    inRun = true
                    index += width
                    continue
                }
                if inRun && sawVisible { stats.innerRuns += 1 }
                inRun = false
                sawVisible = true
                let lead = bytes[index]
                if lead < 0x80 {
                    stats.visibleUnits += 1
                    index += 1
                } else if lead >= 0xF0 {
                    stats.visibleUnits += 2
                    index += 4
                } else {
                    stats.visibleUnits += 1
                    index += lead >= 0xE0 ? 3 : 2
                }
            }
            stats.trailingWhitespace = inRun && sawVisible
        }
        return stats
    }

    static func normalizedLength(_ text: String) -> Int {
        var counter = LengthCounter()
        counter.feed(text)
        return counter.length
    }

    /// Byte length of the JavaScript whitespace character starting at `index`, or 0 (UTF-8 input).
    @inline(__always)
    static func whitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        UTF8Whitespace.width(bytes, index, .javaScript)
    }

    /// Streams text pieces and counts what `_getInnerText(...).length` would be, in UTF-16 units.
    struct LengthCounter {
        private(set) var length = 0
        private var started = false
        private var pendingRun = 0

        mutating func feed(_ text: String) {
            var text = text
            text.withUTF8 { feed($0) }
        }

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
            var index = 0
            let count = bytes.count
            while index < count {
                let lead = bytes[index]
                let width = JSText.whitespaceWidth(bytes, index)
                if width > 0 {
                    if started { pendingRun += 1 }
                    index += width
                    continue
                }
                if pendingRun > 0 {
                    // One whitespace character stays as it is; a run of two or more becomes one space.
                    length += 1
                    pendingRun = 0
                }
                started = true
                if lead < 0x80 {
                    length += 1
                    index += 1
                } else if lead >= 0xF0 {
                    length += 2
                    index += 4
                } else {
                    length += 1
                    index += lead >= 0xE0 ? 3 : 2
                }
            }
        }
    }

    /// Commas in the subtree's text (normalisation never adds or removes one).
    static func commaCount(of node: Node) -> Int {
        if node.isText { return commaCount(node.text) }
        var count = 0
        node.forEachDescendant { if $0.isText { count += commaCount($0.text) } }
        return count
    }

    /// ASCII commas only (`_getCharCount(e, ",")`).
    static func asciiCommaCount(of node: Node) -> Int {
        var count = 0
        node.forEachDescendant { if $0.isText { count += $0.text.utf8.reduce(0) { $1 == 44 ? $0 + 1 : $0 } } }
        return count
    }

    /// Commas of the scripts Readability recognises (Latin, Arabic, CJK full-width, ...).
    static func commaCount(_ text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x2C, 0x60C, 0xFE50, 0xFE10, 0xFE11, 0x2E41, 0x2E34, 0x2E32, 0xFF0C: count += 1
            default: break
            }
        }
        return count
    }

    /// `str.split(/\s+/).length`: empty leading/trailing pieces count, as in JavaScript.
    static func wordCount(_ text: String) -> Int {
        var count = 1
        var inRun = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                if !inRun { count += 1; inRun = true }
            } else {
                inRun = false
            }
        }
        return count
    }

    /// Lower-cased ASCII words (`/\W+/` without the `u` flag splits on every non-ASCII character too).
    static func asciiTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
            if (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) || lower == 95 {
                current.append(lower)
            } else if !current.isEmpty {
                tokens.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
        return tokens
    }

    /// Readability's `_textSimilarity`: 1 when B's words all occur in A, falling with B's unshared text.
    static func similarity(_ textA: String, _ textB: String) -> Double {
        let tokensA = asciiTokens(textA)
        let tokensB = asciiTokens(textB)
        guard !tokensA.isEmpty, !tokensB.isEmpty else { return 0 }
        let setA = Set(tokensA)
        let unique = tokensB.filter { !setA.contains($0) }
        let uniqueLength = unique.isEmpty ? 0 : unique.reduce(0) { $0 + $1.utf8.count } + unique.count - 1
        let totalLength = tokensB.reduce(0) { $0 + $1.utf8.count } + tokensB.count - 1
        return 1 - Double(uniqueLength) / Double(totalLength)
    }
}
