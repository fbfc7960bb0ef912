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
    static func normalizedLength(of node: Node) -> Int {
        var counter = LengthCounter()
        if node.isText {
            counter.feed(node.text)
        } else {
            node.forEachDescendant { if $0.isText { counter.feed($0.text) } }
        }
        return counter.length
    }

    static func normalizedLength(_ text: String) -> Int {
        var counter = LengthCounter()
        counter.feed(text)
        return counter.length
    }

    struct LengthCounter {
        private(set) var length = 0
        private var started = false
        private var pendingRun = 0
        private var pendingUnits = 0

        mutating func feed(_ text: String) {
            for scalar in text.unicodeScalars {
                if JSText.isWhitespace(scalar) {
                    if started {
                        pendingRun += 1
                        pendingUnits = scalar.utf16.count
                    }
                    continue
                }
                if pendingRun > 0 {
                    length += pendingRun == 1 ? pendingUnits : 1
                    pendingRun = 0
                }
                started = true
                length += scalar.value > 0xFFFF ? 2 : 1
            }
        }
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
