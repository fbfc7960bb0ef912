/// Readability's page preparation before scoring: placeholder images out, `<br><br>` runs made into
/// paragraphs, `<font>` made `<span>`. (Scripts, styles and noscript never entered the tree.)
enum DocumentPrep {
    static func prepare(_ document: Document) {
        removePlaceholderImages(document.root)
        if let body = document.body { replaceDoubleBreaks(in: body, document: document) }
        document.root.forEachDescendant { node in
            if node.isElement && node.tag == "font" { document.retag(node, to: "span") }
        }
    }

    /// Images with no source of any kind are lazy-load placeholders; they would skew image counts.
    private static func removePlaceholderImages(_ root: Node) {
        for image in root.descendants(tag: "img") {
            let hasSource = image.attributes.contains { attribute in
                ["src", "srcset", "data-src", "data-srcset"].contains(attribute.name)
                    || [".jpg", ".jpeg", ".png", ".webp"].contains { attribute.value.lowercased().contains($0) }
            }
            if !hasSource { image.remove() }
        }
    }

    /// `foo<br><br>bar` → `foo<p>bar</p>`: two or more breaks in a row end a paragraph.
    private static func replaceDoubleBreaks(in body: Node, document: Document) {
        for lineBreak in body.descendants(tag: "br") {
            var next = lineBreak.nextSibling
            var replaced = false
            while let candidate = Traversal.skipWhitespace(from: next), candidate.isElement, candidate.tag == "br" {
                replaced = true
                next = candidate.nextSibling
                candidate.remove()
            }
            guard replaced, lineBreak.parent != nil else { continue }
            let paragraph = document.makeElement("p")
            lineBreak.replace(with: paragraph)
            var sibling = paragraph.nextSibling
            while let node = sibling {
                if node.isElement && node.tag == "br",
                   let after = Traversal.skipWhitespace(from: node.nextSibling), after.isElement, after.tag == "br" {
                    break
                }
                if !Traversal.isPhrasingContent(node) { break }
                sibling = node.nextSibling
                paragraph.appendChild(node)
            }
            while let last = paragraph.lastChild, Traversal.isWhitespace(last) { last.remove() }
            if let parent = paragraph.parent, parent.tag == "p" { document.retag(parent, to: "div") }
        }
    }
}
