import Testing
@testable import Articles

/// The fast paths must agree with the plain definitions they replace.
@Suite struct MeasureTests {
    static let html = """
        <html><body> <div class="a">  lead\u{00A0}\u{00A0}text <a href="#x">anchor  link</a>\n\n<span> </span><b>bold</b>
        <p>para\u{3000}graph <a href="/y"> out <i>nested <a href="/z">inner</a></i></a> tail </p><p></p><p> \t </p>
        <ul><li>one</li> <li>two  three</li></ul>𝒳 wide 😀 chars</div>  </body></html>
        """

    static func document() throws -> Document {
        try TreeBuilder(maxDepth: 256, maxNodes: 10_000).build(utf8: Array(html.utf8), baseURL: nil).document
    }

    @Test func normalizedLengthMatchesTheStringDefinition() throws {
        let document = try Self.document()
        document.root.forEachDescendant { node in
            #expect(JSText.normalizedLength(of: node) == JSText.normalized(node.textContent).utf16.count, "\(node.tag)")
        }
    }

    @Test func subtreeMeasuresMatchPerNodeComputation() throws {
        let document = try Self.document()
        let measures = SubtreeMeasures(root: document.root)
        let scoring = Scoring(flags: .all)
        document.root.forEachDescendant { node in
            guard node.isElement else { return }
            #expect(measures.length(of: node) == JSText.normalizedLength(of: node), "\(node.tag)")
            #expect(measures.linkDensity(of: node) == scoring.linkDensity(node), "\(node.tag)")
        }
    }

    @Test func renderedTextFollowsTheCorpusConventions() throws {
        let document = try Self.document()
        let text = TextRenderer.render(try #require(document.body))
        // U+3000 (ideographic space) is whitespace for the corpus too.
        #expect(text == "lead text anchor link bold\n\npara graph out nested inner tail\n\none\n\ntwo three\n\n𝒳 wide 😀 chars")
        #expect(TextRenderer.paragraphCount(text) == 5)
    }
}
