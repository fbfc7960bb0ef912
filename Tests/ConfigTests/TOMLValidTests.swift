import Testing
@testable import Config

@Suite("TOML: valid documents")
struct TOMLValidTests {
    @Test("values of every type", arguments: [
        ("a = \"x\"", "{a: \"x\"}"),
        ("a = 'C:\\path'", "{a: \"C:\\path\"}"),
        ("a = 42", "{a: 42}"),
        ("a = +17", "{a: 17}"),
        ("a = -0", "{a: 0}"),
        ("a = 1_000_000", "{a: 1000000}"),
        ("a = 0xDEAD_beef", "{a: 3735928559}"),
        ("a = 0o755", "{a: 493}"),
        ("a = 0b1101", "{a: 13}"),
        ("a = 9223372036854775807", "{a: 9223372036854775807}"),
        ("a = -9223372036854775808", "{a: -9223372036854775808}"),
        ("a = 3.25", "{a: 3.25f}"),
        ("a = -1e3", "{a: -1000.0f}"),
        ("a = 6.626e-34", "{a: 6.626e-34f}"),
        ("a = 1E+2", "{a: 100.0f}"),
        ("a = 9_224_617.445_991", "{a: 9224617.445991f}"),
        ("a = inf", "{a: inff}"),
        ("a = -inf", "{a: -inff}"),
        ("a = nan", "{a: nanf}"),
        ("a = true", "{a: true}"),
        ("a = false", "{a: false}"),
        ("a = 1979-05-27T07:32:00Z", "{a: <offset date-time 1979-05-27T07:32:00Z>}"),
        ("a = 1979-05-27T00:32:00.999999-07:00", "{a: <offset date-time 1979-05-27T00:32:00.999999-07:00>}"),
        ("a = 1979-05-27 07:32:00+05:30", "{a: <offset date-time 1979-05-27T07:32:00+05:30>}"),
        ("a = 1979-05-27t07:32:00z", "{a: <offset date-time 1979-05-27T07:32:00Z>}"),
        ("a = 1979-05-27T07:32:00", "{a: <local date-time 1979-05-27T07:32:00>}"),
        ("a = 1979-05-27", "{a: <local date 1979-05-27>}"),
        ("a = 2024-02-29", "{a: <local date 2024-02-29>}"),
        ("a = 07:32:00", "{a: <local time 07:32:00>}"),
        ("a = 00:32:00.5", "{a: <local time 00:32:00.5>}"),
        ("a = []", "{a: []}"),
        ("a = [1, 'two', [3.0], {x = 4}]", "{a: [1, \"two\", [3.0f], {x: 4}]}"),
        ("a = {}", "{a: {}}"),
        ("a = { x = 1, y.z = 'w' }", "{a: {x: 1, y: {z: \"w\"}}}"),
    ] as [(String, String)])
    func value(source: String, expected: String) {
        #expect(parseRendered(source) == expected)
    }

    @Test("string escapes, including \\u and \\U")
    func escapes() {
        #expect(parseRendered(#"a = "tab\there\nline \"q\" back\\slash \b\f\r""#)
                == "{a: \"tab\there\nline \"q\" back\\slash \u{08}\u{0C}\r\"}")
        #expect(parseRendered(#"a = "\u00E9t\u00e9 \U0001F600""#) == "{a: \"été 😀\"}")
        #expect(parseRendered("a = \"naïve ☃\"") == "{a: \"naïve ☃\"}")
    }

    @Test("multi-line basic strings: first newline trimmed, line-ending backslash, quotes at the end")
    func multilineBasic() {
        #expect(parseRendered("a = \"\"\"\nRoses\nViolets\"\"\"") == "{a: \"Roses\nViolets\"}")
        #expect(parseRendered("a = \"\"\"\nThe quick \\\n\n    brown \\\n   fox.\"\"\"") == "{a: \"The quick brown fox.\"}")
        #expect(parseRendered("a = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"")
                == "{a: \"Here are two quotation marks: \"\". Simple enough.\"}")
        #expect(parseRendered("a = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"")
                == "{a: \"\"This,\" she said, \"is just a pointless statement.\"\"}")
        #expect(parseRendered("a = \"\"\"x\"\"\"\"\"") == "{a: \"x\"\"\"}")
        #expect(parseRendered("a = \"\"\"\r\nwindows\r\nlines\"\"\"") == "{a: \"windows\nlines\"}")
        #expect(parseRendered("a = \"\"\"trailing \\   \n  spaces\"\"\"") == "{a: \"trailing spaces\"}")
    }

    @Test("literal strings keep backslashes; multi-line literal strings too")
    func literal() {
        #expect(parseRendered(#"a = '<\i\c*\s*>'"#) == #"{a: "<\i\c*\s*>"}"#)
        #expect(parseRendered("a = '''\nI [dw]on't need \\d{2} apples'''") == "{a: \"I [dw]on't need \\d{2} apples\"}")
        #expect(parseRendered("a = ''''That,' she said, 'is still pointless.''''")
                == "{a: \"'That,' she said, 'is still pointless.'\"}")
    }

    @Test("keys: bare, quoted, dotted, with whitespace around dots")
    func keys() {
        #expect(parseRendered("bare_key-1 = 1\n\"quoted key\" = 2\n'lit' = 3\n\"\" = 4") == "{bare_key-1: 1, quoted key: 2, lit: 3, : 4}")
        #expect(parseRendered("physical.color = 'orange'\nphysical.shape = 'round'\nsite.\"google.com\" = true")
                == "{physical: {color: \"orange\", shape: \"round\"}, site: {google.com: true}}")
        #expect(parseRendered("a . b . c = 1") == "{a: {b: {c: 1}}}")
        #expect(parseRendered("3.14159 = 'pi'") == "{3: {14159: \"pi\"}}")
    }

    @Test("tables, implicit super-tables, sub-tables of dotted tables")
    func tables() {
        #expect(parseRendered("[a.b.c]\nx = 1\n[a]\ny = 2") == "{a: {b: {c: {x: 1}}, y: 2}}")
        #expect(parseRendered("[fruit]\napple.color = 'red'\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true")
                == "{fruit: {apple: {color: \"red\", taste: {sweet: true}, texture: {smooth: true}}}}")
        #expect(parseRendered("[ j . \"ʞ\" . 'l' ]\nx = 1") == "{j: {ʞ: {l: {x: 1}}}}")
        #expect(parseRendered("[a]\n[a.b]\n[c]") == "{a: {b: {}}, c: {}}")
        // A table only implied by a header may be defined by dotted keys.
        #expect(parseRendered("[a.b.c]\n[a]\nb.d = 1") == "{a: {b: {c: {}, d: 1}}}")
    }

    @Test("arrays of tables, nested, with sub-tables")
    func arraysOfTables() {
        let source = """
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """
        #expect(parseRendered(source) == """
            {fruits: [{name: "apple", physical: {color: "red"}, varieties: [{name: "red delicious"}, {name: "granny smith"}]}, \
            {name: "banana", varieties: [{name: "plantain"}]}]}
            """)
    }

    @Test("arrays across lines with comments and a trailing comma")
    func multilineArrays() {
        let source = """
            a = [
              1, # one
              2,
              # nothing here
              3,
            ]
            b = [ [ 1, 2 ], ["a", 'b'] ]
            """
        #expect(parseRendered(source) == "{a: [1, 2, 3], b: [[1, 2], [\"a\", \"b\"]]}")
    }

    @Test("comments, blank lines, CRLF line ends, a byte-order mark")
    func layout() {
        #expect(parseRendered("\u{FEFF}# comment\r\n\r\n  a = 1 # trailing\r\n\t[t] # c\r\nb = 2\r\n") == "{a: 1, t: {b: 2}}")
        #expect(parseRendered("") == "{}")
        #expect(parseRendered("# only a comment") == "{}")
    }

    @Test("positions of keys, values and tables")
    func positions() throws {
        let document = try TOML.parse("""
            # header comment
            [poll]
              interval = "5m"
            [[feed]]
            url = 'x'
            [[feed]]
               url = "y"
            """)
        let poll = try #require(document["poll"]?.tableValue)
        #expect(poll.position == SourcePosition(line: 2, column: 1))
        let interval = try #require(poll.entry("interval"))
        #expect(interval.keyPosition == SourcePosition(line: 3, column: 3))
        #expect(interval.value.position == SourcePosition(line: 3, column: 14))
        let feeds = try #require(document["feed"]?.arrayValue)
        #expect(feeds.map(\.position) == [SourcePosition(line: 4, column: 1), SourcePosition(line: 6, column: 1)])
        #expect(feeds[1].tableValue?["url"]?.position == SourcePosition(line: 7, column: 10))
    }

    @Test("every decoded scalar of a string knows its file position, across escapes and lines")
    func scalarPositions() throws {
        let document = try TOML.parse("a = \"x\\ty\"\nb = '''\nab\ncd'''")
        let a = try #require(document["a"])
        #expect(a.scalarPositions.map(\.column) == [6, 7, 9])
        let b = try #require(document["b"])
        #expect(b.stringValue == "ab\ncd")
        #expect(b.scalarPositions == [
            SourcePosition(line: 3, column: 1), SourcePosition(line: 3, column: 2), SourcePosition(line: 3, column: 3),
            SourcePosition(line: 4, column: 1), SourcePosition(line: 4, column: 2),
        ])
    }

    @Test("columns count characters, not bytes")
    func unicodeColumns() throws {
        let document = try TOML.parse("\"ключ\" = \"значение\"   # é\nnext = 1")
        #expect(document.entry("ключ")?.value.position == SourcePosition(line: 1, column: 10))
        #expect(document.entry("next")?.keyPosition == SourcePosition(line: 2, column: 1))
    }
}
