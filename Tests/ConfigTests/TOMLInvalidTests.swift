import Testing
@testable import Config

/// Each invalid document, the position the error must point at, and words its message must contain.
@Suite("TOML: invalid documents are rejected at the right place")
struct TOMLInvalidTests {
    struct Case: CustomStringConvertible, Sendable {
        let source: String
        let line: Int
        let column: Int
        let words: String
        var description: String { source.debugDescription }
    }

    static let cases: [Case] = [
        // Keys and structure
        Case(source: "a = 1\na = 2", line: 2, column: 1, words: "duplicate key \"a\""),
        Case(source: "a.b = 1\na.b = 2", line: 2, column: 3, words: "duplicate key \"a.b\""),
        Case(source: "a = 1\na.b = 2", line: 2, column: 1, words: "already a integer"),
        Case(source: "[a]\n[a]", line: 2, column: 1, words: "defined twice"),
        Case(source: "[a]\nb = 1\n[a.b]", line: 3, column: 1, words: "already a integer"),
        Case(source: "a.b = 1\n[a]", line: 2, column: 1, words: "already defined by dotted keys"),
        Case(source: "[fruit]\napple.color = 'red'\n[fruit.apple]", line: 3, column: 1, words: "dotted keys"),
        Case(source: "[a.b.c]\nz = 9\n[a]\nb.c.t = 1", line: 4, column: 3, words: "defined by a header"),
        Case(source: "[a.b.c]\n[a]\nb.d = 1\n[a.b]", line: 4, column: 1, words: "already defined by dotted keys"),
        Case(source: "a = {x = 1}\n[a]", line: 2, column: 1, words: "inline table"),
        Case(source: "a = {x = 1}\n[a.b]", line: 2, column: 2, words: "inline table"),
        Case(source: "a = {x = 1}\na.y = 2", line: 2, column: 1, words: "inline table"),
        Case(source: "a = []\n[[a]]", line: 2, column: 1, words: "array"),
        Case(source: "[[a]]\n[a]", line: 2, column: 1, words: "array of tables"),
        Case(source: "[a]\n[[a]]", line: 2, column: 1, words: "cannot append"),
        Case(source: "a = {x = 1, x = 2}", line: 1, column: 13, words: "duplicate key"),
        Case(source: "key", line: 1, column: 4, words: "expected '='"),
        Case(source: "key = ", line: 1, column: 7, words: "expected a value"),
        Case(source: "= 1", line: 1, column: 1, words: "expected a key"),
        Case(source: "a b = 1", line: 1, column: 3, words: "expected '='"),
        Case(source: "a = 1 b = 2", line: 1, column: 7, words: "end of the line"),
        Case(source: "[a", line: 1, column: 3, words: "']'"),
        Case(source: "[[a]", line: 1, column: 4, words: "']]'"),
        Case(source: "[]", line: 1, column: 2, words: "expected a key"),
        Case(source: "[a] b = 1", line: 1, column: 5, words: "end of the line"),
        Case(source: "a.\"\"\"b\"\"\" = 1", line: 1, column: 3, words: "multi-line"),
        Case(source: "é = 1", line: 1, column: 1, words: "expected a key"),
        // Strings
        Case(source: "a = \"abc", line: 1, column: 9, words: "unterminated string"),
        Case(source: "a = \"abc\nb = 1", line: 1, column: 9, words: "unterminated string"),
        Case(source: "a = 'abc", line: 1, column: 9, words: "unterminated string"),
        Case(source: "a = \"\"\"abc", line: 1, column: 11, words: "unterminated multi-line"),
        Case(source: "a = '''abc\n", line: 2, column: 1, words: "unterminated multi-line"),
        Case(source: "a = \"bad \\q escape\"", line: 1, column: 10, words: "invalid escape sequence \\q"),
        Case(source: "a = \"\\u12\"", line: 1, column: 6, words: "4 hexadecimal digits"),
        Case(source: "a = \"\\uD800\"", line: 1, column: 6, words: "not a Unicode scalar"),
        Case(source: "a = \"\\U00110000\"", line: 1, column: 6, words: "not a Unicode scalar"),
        Case(source: "a = \"tab\u{01}\"", line: 1, column: 9, words: "control character U+0001"),
        Case(source: "a = \"\"\"x\"\"\"\"\"\"", line: 1, column: 14, words: "too many quotes"),
        // Basic and literal strings (one line or multi-line) share a parser: each keeps its own wording.
        Case(source: "a = \"abc", line: 1, column: 9, words: "use \"\"\" for multi-line strings"),
        Case(source: "a = 'abc", line: 1, column: 9, words: "use ''' for multi-line strings"),
        Case(source: "'k\u{01}' = 1", line: 1, column: 3, words: "U+0001 is not allowed in a literal string"),
        Case(source: "a = \"x\u{01}\"", line: 1, column: 7, words: "U+0001 must be escaped in a string"),
        Case(source: "a = 'x\u{01}'", line: 1, column: 7, words: "U+0001 is not allowed in a literal string"),
        Case(source: "a = \"\"\"x\u{01}\"\"\"", line: 1, column: 9, words: "U+0001 must be escaped in a string"),
        Case(source: "a = '''x\u{01}'''", line: 1, column: 9, words: "U+0001 is not allowed in a literal string"),
        Case(source: "a = '''x''''''", line: 1, column: 14, words: "too many quotes"),
        Case(source: "a = '''x\r'''", line: 1, column: 9, words: "carriage return without a line feed"),
        Case(source: "a = \"x\" # bell \u{07}", line: 1, column: 16, words: "comment"),
        // Numbers
        Case(source: "a = 01", line: 1, column: 5, words: "leading zeros"),
        Case(source: "a = 1__0", line: 1, column: 5, words: "underscores"),
        Case(source: "a = _1", line: 1, column: 5, words: "invalid value"),
        Case(source: "a = 1_", line: 1, column: 5, words: "underscores"),
        Case(source: "a = 0x", line: 1, column: 5, words: "base-16"),
        Case(source: "a = +0x10", line: 1, column: 5, words: "invalid number"),
        Case(source: "a = 0o8", line: 1, column: 5, words: "base-8"),
        Case(source: "a = 9223372036854775808", line: 1, column: 5, words: "64-bit"),
        Case(source: "a = 1.", line: 1, column: 5, words: "decimal point"),
        Case(source: "a = .5", line: 1, column: 5, words: "invalid value"),
        Case(source: "a = 1e", line: 1, column: 5, words: "exponent"),
        Case(source: "a = 1e999", line: 1, column: 5, words: "range"),
        Case(source: "a = 12abc", line: 1, column: 5, words: "invalid number"),
        Case(source: "a = truer", line: 1, column: 9, words: "unexpected"),
        Case(source: "a = truth", line: 1, column: 5, words: "booleans are true and false"),
        Case(source: "a = True", line: 1, column: 5, words: "invalid value"),
        Case(source: "a = bare", line: 1, column: 5, words: "strings must be quoted"),
        // Dates
        Case(source: "a = 1979-13-27", line: 1, column: 5, words: "month 13"),
        Case(source: "a = 2023-02-29", line: 1, column: 5, words: "day 29"),
        Case(source: "a = 1979-05-27T25:00:00", line: 1, column: 5, words: "hour 25"),
        Case(source: "a = 1979-05-27T07:32", line: 1, column: 5, words: "invalid date-time"),
        Case(source: "a = 07:32:00Z", line: 1, column: 5, words: "local time cannot have"),
        Case(source: "a = 1979-05-27T07:32:00+25:00", line: 1, column: 5, words: "offset out of range"),
        // Arrays and inline tables
        Case(source: "a = [1 2]", line: 1, column: 8, words: "expected ',' or ']'"),
        Case(source: "a = [1,,2]", line: 1, column: 8, words: "invalid value"),
        Case(source: "a = [1, 2", line: 1, column: 10, words: "unterminated array"),
        Case(source: "a = {x = 1,}", line: 1, column: 12, words: "trailing comma"),
        Case(source: "a = {x = 1\n}", line: 1, column: 11, words: "one line"),
        Case(source: "a = {x = 1 y = 2}", line: 1, column: 12, words: "expected ',' or '}'"),
        // Line ends
        Case(source: "a = 1\rb = 2", line: 1, column: 6, words: "carriage return"),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) {
        do {
            let table = try TOML.parse(testCase.source)
            Issue.record("parsed as \(render(table))")
        } catch {
            #expect(error.position == SourcePosition(line: testCase.line, column: testCase.column), "\(error)")
            #expect(error.message.contains(testCase.words), "\(error)")
        }
    }

    @Test("deep nesting is an error, not a stack overflow")
    func deepNesting() {
        let source = "a = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: TOMLSyntaxError.self) { try TOML.parse(source) }
        let inline = "a = " + String(repeating: "{b = ", count: 5_000) + "1" + String(repeating: "}", count: 5_000)
        #expect(throws: TOMLSyntaxError.self) { try TOML.parse(inline) }
    }
}
