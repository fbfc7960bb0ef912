/// A TOML 1.0 parser that keeps the source position of every key and value, so configuration errors can say
/// `file:line:column`. Parsing stops at the first syntax error (what follows cannot be read reliably).
public enum TOML {
    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(text: text)
        return try parser.parseDocument()
    }
}

struct TOMLParser {
    private let scalars: [Unicode.Scalar]
    /// Index of the first scalar of every line, for turning an index into a line and column.
    private let lineStarts: [Int]
    private var index = 0
    /// Arrays and inline tables nest by recursion; a bound keeps hostile input from exhausting the stack.
    private var depth = 0
    private static let maximumDepth = 100

    init(text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        self.scalars = scalars
        self.lineStarts = starts
    }

    // MARK: Positions and errors

    func position(of offset: Int) -> SourcePosition {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourcePosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    private var here: SourcePosition { position(of: index) }

    private func error(_ message: String, at offset: Int? = nil) -> TOMLSyntaxError {
        TOMLSyntaxError(message, at: position(of: offset ?? index))
    }

    // MARK: Scanning

    private var atEnd: Bool { index >= scalars.count }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ ahead: Int) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private func looksAt(_ text: String) -> Bool {
        var offset = index
        for scalar in text.unicodeScalars {
            guard offset < scalars.count, scalars[offset] == scalar else { return false }
            offset += 1
        }
        return true
    }

    private mutating func skipWhitespace() {
        while let scalar = current, TOMLScalars.isWhitespace(scalar) { index += 1 }
    }

    private var atNewline: Bool { current == "\n" || (current == "\r" && peek(1) == "\n") }

    private mutating func consumeNewline() throws(TOMLSyntaxError) {
        if current == "\n" { index += 1; return }
        if current == "\r" && peek(1) == "\n" { index += 2; return }
        if current == "\r" { throw error("carriage return without a line feed") }
        throw error("expected a new line")
    }

    private mutating func skipComment() throws(TOMLSyntaxError) {
        guard current == "#" else { return }
        index += 1
        while let scalar = current, !atNewline {
            if TOMLScalars.isForbiddenControl(scalar) {
                throw error("control character \(TOMLScalars.describe(scalar)) is not allowed in a comment")
            }
            index += 1
        }
    }

    /// Whitespace, comments and new lines, as allowed between the elements of an array.
    private mutating func skipBlankSpace() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            if current == "#" { try skipComment() }
            if atNewline || current == "\r" { try consumeNewline(); continue }
            return
        }
    }

    private mutating func expectEndOfLine(after what: String) throws(TOMLSyntaxError) {
        skipWhitespace()
        try skipComment()
        if atEnd { return }
        if atNewline || current == "\r" { try consumeNewline(); return }
        throw error("unexpected \(TOMLScalars.describe(current!)) after \(what); expected the end of the line")
    }

    // MARK: Document

    mutating func parseDocument() throws(TOMLSyntaxError) -> TOMLTable {
        let root = TOMLTableNode(origin: .root, position: SourcePosition(line: 1, column: 1))
        var table = root
        while true {
            skipWhitespace()
            guard let scalar = current else { break }
            if scalar == "#" { try skipComment(); continue }
            if atNewline || scalar == "\r" { try consumeNewline(); continue }
            if scalar == "[" {
                let start = index
                let isArray = peek(1) == "["
                index += isArray ? 2 : 1
                skipWhitespace()
                let parts = try parseKey()
                skipWhitespace()
                if isArray {
                    guard looksAt("]]") else { throw error("expected ']]' to close the array-of-tables header") }
                    index += 2
                    table = try TOMLTableRules.appendTableArrayElement(parts, header: position(of: start), root: root)
                } else {
                    guard current == "]" else { throw error("expected ']' to close the table header") }
                    index += 1
                    table = try TOMLTableRules.defineTable(parts, header: position(of: start), root: root)
                }
                try expectEndOfLine(after: "the table header")
            } else {
                try parseKeyValue(into: table)
                try expectEndOfLine(after: "the value")
            }
        }
        return root.freeze()
    }

    private mutating func parseKeyValue(into table: TOMLTableNode) throws(TOMLSyntaxError) {
        let parts = try parseKey()
        skipWhitespace()
        guard current == "=" else {
            if atEnd || atNewline {
                throw error("expected '=' after the key \"\(TOMLTableRules.dottedName(parts))\"")
            }
            throw error("expected '=' after the key \"\(TOMLTableRules.dottedName(parts))\", found \(TOMLScalars.describe(current!))")
        }
        index += 1
        skipWhitespace()
        let value = try parseValue()
        try TOMLTableRules.insert(value, at: parts, into: table)
    }

    // MARK: Keys

    private mutating func parseKey() throws(TOMLSyntaxError) -> [TOMLKeyPart] {
        var parts: [TOMLKeyPart] = []
        while true {
            skipWhitespace()
            parts.append(try parseSimpleKey())
            skipWhitespace()
            guard current == "." else { return parts }
            index += 1
        }
    }

    private mutating func parseSimpleKey() throws(TOMLSyntaxError) -> TOMLKeyPart {
        let start = here
        switch current {
        case "\"":
            if looksAt("\"\"\"") { throw error("a key cannot be a multi-line string") }
            return TOMLKeyPart(name: try parseSingleLineString(quote: "\"", escapes: true).text, position: start)
        case "'":
            if looksAt("'''") { throw error("a key cannot be a multi-line string") }
            return TOMLKeyPart(name: try parseSingleLineString(quote: "'", escapes: false).text, position: start)
        default:
            let begin = index
            while let scalar = current, TOMLScalars.isBareKey(scalar) { index += 1 }
            guard index > begin else {
                if let scalar = current, !atNewline {
                    throw error("expected a key, found \(TOMLScalars.describe(scalar)) (keys are bare words of A-Z a-z 0-9 _ - or quoted)")
                }
                throw error("expected a key")
            }
            // Bare keys are ASCII: build the String from bytes, far cheaper than appending scalars.
            return TOMLKeyPart(name: String(decoding: scalars[begin..<index].lazy.map { UInt8(truncatingIfNeeded: $0.value) }, as: UTF8.self),
                               position: start)
        }
    }

    // MARK: Values

    private mutating func parseValue() throws(TOMLSyntaxError) -> TOMLValue {
        let start = here
        guard let scalar = current, !atNewline else { throw error("expected a value") }
        switch scalar {
        case "\"":
            let decoded = looksAt("\"\"\"")
                ? try parseMultilineString(quote: "\"", escapes: true) : try parseSingleLineString(quote: "\"", escapes: true)
            return TOMLValue(.string(decoded.text), at: start, sourceMap: decoded.sourceMap)
        case "'":
            let decoded = looksAt("'''")
                ? try parseMultilineString(quote: "'", escapes: false) : try parseSingleLineString(quote: "'", escapes: false)
            return TOMLValue(.string(decoded.text), at: start, sourceMap: decoded.sourceMap)
        case "[", "{":
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else {
                throw error("arrays and inline tables nested more than \(Self.maximumDepth) deep")
            }
            return scalar == "[" ? try parseArray() : try parseInlineTable()
        case "t", "f":
            if looksAt("true") { index += 4; try expectValueEnd(); return TOMLValue(.boolean(true), at: start) }
            if looksAt("false") { index += 5; try expectValueEnd(); return TOMLValue(.boolean(false), at: start) }
            throw error("invalid value (strings must be quoted; booleans are true and false)")
        default:
            if TOMLScalars.isDecimalDigit(scalar) || scalar == "+" || scalar == "-" || scalar == "i" || scalar == "n" {
                return try parseNumberOrDateTime()
            }
            throw error("invalid value starting with \(TOMLScalars.describe(scalar)) (strings must be quoted)")
        }
    }

    /// A bare value (number, boolean, date) must be followed by something that can end it.
    private func expectValueEnd() throws(TOMLSyntaxError) {
        guard let scalar = current else { return }
        switch scalar {
        case " ", "\t", "\n", "\r", "#", ",", "]", "}": return
        default: throw error("unexpected \(TOMLScalars.describe(scalar)) in a value")
        }
    }

    private mutating func parseArray() throws(TOMLSyntaxError) -> TOMLValue {
        let start = here
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlankSpace()
            if current == "]" { index += 1; break }
            guard !atEnd else { throw error("unterminated array (opened at \(start))") }
            elements.append(try parseValue())
            try skipBlankSpace()
            if current == "," { index += 1; continue }
            if current == "]" { index += 1; break }
            if atEnd { throw error("unterminated array (opened at \(start))") }
            throw error("expected ',' or ']' in the array, found \(TOMLScalars.describe(current!))")
        }
        return TOMLValue(.array(elements), at: start)
    }

    private mutating func parseInlineTable() throws(TOMLSyntaxError) -> TOMLValue {
        let start = here
        index += 1
        let node = TOMLTableNode(origin: .inline, position: start)
        skipWhitespace()
        if current == "}" {
            index += 1
            return TOMLValue(.table(node.freeze()), at: start)
        }
        while true {
            skipWhitespace()
            if current == "}" { throw error("a trailing comma is not allowed in an inline table") }
            if atEnd || atNewline || current == "\r" { throw error("an inline table must be on one line (opened at \(start))") }
            try parseKeyValue(into: node)
            skipWhitespace()
            if current == "," { index += 1; continue }
            if current == "}" { index += 1; break }
            if atEnd || atNewline || current == "\r" { throw error("an inline table must be on one line (opened at \(start))") }
            throw error("expected ',' or '}' in the inline table, found \(TOMLScalars.describe(current!))")
        }
        return TOMLValue(.table(node.freeze()), at: start)
    }

    // MARK: Strings

    typealias DecodedString = (text: String, sourceMap: TOMLStringSourceMap)

    private func finish(_ accumulator: TOMLStringAccumulator) -> DecodedString {
        let segments = zip(accumulator.segmentScalarOffsets, accumulator.segmentSourceIndices).map { scalarOffset, sourceIndex in
            TOMLStringSourceMap.Segment(scalarOffset: scalarOffset, position: position(of: sourceIndex))
        }
        return (String(decoding: accumulator.utf8, as: UTF8.self),
                TOMLStringSourceMap(segments: segments, scalarCount: accumulator.scalarCount))
    }

    /// A control character that must not stand raw in a string: basic strings could escape it, literal ones cannot.
    private func controlCharacterError(_ scalar: Unicode.Scalar, escapes: Bool) -> TOMLSyntaxError {
        escapes
            ? error("control character \(TOMLScalars.describe(scalar)) must be escaped in a string")
            : error("control character \(TOMLScalars.describe(scalar)) is not allowed in a literal string")
    }

    /// A basic (`"…"`, `escapes`) or literal (`'…'`) string on one line; the two differ only in backslash escapes.
    private mutating func parseSingleLineString(quote: Unicode.Scalar, escapes: Bool) throws(TOMLSyntaxError) -> DecodedString {
        let open = index
        index += 1
        var text = TOMLStringAccumulator()
        while true {
            guard let scalar = current, !atNewline, scalar != "\r" else {
                let multiline = String(repeating: String(quote), count: 3)
                throw error("unterminated string (opened at \(position(of: open)); use \(multiline) for multi-line strings)")
            }
            if scalar == quote { index += 1; break }
            let at = index
            if escapes && scalar == "\\" {
                text.append(try parseEscape(), from: at)
            } else {
                if TOMLScalars.isForbiddenControl(scalar) { throw controlCharacterError(scalar, escapes: escapes) }
                text.append(scalar, from: at)
                index += 1
            }
        }
        return finish(text)
    }

    /// The closing delimiter of a multi-line string: up to two quotes right before it belong to the string
    /// (`""""` ends with one quote of content), more than five in a row is an error.
    private mutating func consumeMultilineClose(quote: Unicode.Scalar, into text: inout TOMLStringAccumulator)
        throws(TOMLSyntaxError) {
        var quotes = 0
        while current == quote { quotes += 1; index += 1 }
        if quotes > 5 { throw error("too many quotes at the end of a multi-line string", at: index - quotes + 5) }
        for extra in 0..<(quotes - 3) { text.append(quote, from: index - quotes + extra) }
    }

    /// A multi-line basic (`"""…"""`, `escapes`) or literal (`'''…'''`) string; the two differ only in backslash escapes.
    private mutating func parseMultilineString(quote: Unicode.Scalar, escapes: Bool) throws(TOMLSyntaxError) -> DecodedString {
        let open = index
        let delimiter = String(repeating: String(quote), count: 3)
        index += 3
        if atNewline { try consumeNewline() }
        var text = TOMLStringAccumulator()
        while true {
            guard let scalar = current else { throw error("unterminated multi-line string (opened at \(position(of: open)))") }
            if scalar == quote && looksAt(delimiter) {
                try consumeMultilineClose(quote: quote, into: &text)
                break
            }
            if atNewline {
                text.append("\n", from: index)
                try consumeNewline()
                continue
            }
            if scalar == "\r" { throw error("carriage return without a line feed") }
            if escapes && scalar == "\\" {
                // A backslash ending a line swallows the line break and the whitespace that follows.
                var probe = index + 1
                while probe < scalars.count, TOMLScalars.isWhitespace(scalars[probe]) { probe += 1 }
                if probe < scalars.count, scalars[probe] == "\n" || (scalars[probe] == "\r" && probe + 1 < scalars.count && scalars[probe + 1] == "\n") {
                    index = probe
                    while let next = current, TOMLScalars.isWhitespace(next) || atNewline {
                        if atNewline { try consumeNewline() } else { index += 1 }
                    }
                    continue
                }
                let at = index
                text.append(try parseEscape(), from: at)
                continue
            }
            if TOMLScalars.isForbiddenControl(scalar) { throw controlCharacterError(scalar, escapes: escapes) }
            text.append(scalar, from: index)
            index += 1
        }
        return finish(text)
    }

    private mutating func parseEscape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        let backslash = index
        index += 1
        guard let code = current else { throw error("unterminated escape sequence") }
        index += 1
        switch code {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let length = code == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<length {
                guard let digit = current, TOMLScalars.isHexDigit(digit) else {
                    throw error("\\\(code) needs exactly \(length) hexadecimal digits", at: backslash)
                }
                value = value * 16 + UInt32(Int(String(digit), radix: 16)!)
                index += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("\\\(code)\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar value", at: backslash)
            }
            return scalar
        default:
            let shown = code.properties.isWhitespace || TOMLScalars.isForbiddenControl(code) || code == "\n"
                ? "a backslash followed by \(TOMLScalars.describe(code))" : "\\\(code)"
            throw error("invalid escape sequence \(shown) (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", at: backslash)
        }
    }

    // MARK: Numbers and dates

    private mutating func parseNumberOrDateTime() throws(TOMLSyntaxError) -> TOMLValue {
        let start = index
        while let scalar = current, Self.isNumberOrDateScalar(scalar) { index += 1 }
        // "1979-05-27 07:32:00": a space may separate a date from its time.
        if index - start == 10, current == " ", let hour1 = peek(1), let hour2 = peek(2), peek(3) == ":",
           TOMLScalars.isDecimalDigit(hour1), TOMLScalars.isDecimalDigit(hour2),
           scalars[start + 4] == "-" {
            index += 1
            while let scalar = current, Self.isNumberOrDateScalar(scalar) { index += 1 }
        }
        let token = Array(scalars[start..<index])
        try expectValueEnd()
        let position = position(of: start)
        let text = String(decoding: token.lazy.map { UInt8(truncatingIfNeeded: $0.value) }, as: UTF8.self)
        if token.count >= 5, token[4] == "-", token[0..<4].allSatisfy(TOMLScalars.isDecimalDigit) {
            return TOMLValue(.dateTime(try TOMLDateTimeParser.parseDateTime(token, text: text, at: position)), at: position)
        }
        if token.count >= 3, token[2] == ":", token[0..<2].allSatisfy(TOMLScalars.isDecimalDigit) {
            return TOMLValue(.dateTime(try TOMLDateTimeParser.parseDateTime(token, text: text, at: position)), at: position)
        }
        return try TOMLNumberParser.parse(text, at: position)
    }

    private static func isNumberOrDateScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "a"..."z", "A"..."Z", "_", "+", "-", ".", ":": true
        default: false
        }
    }
}
