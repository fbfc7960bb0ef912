import CLibXML2
import CShims

/// Parses HTML with libxml2 and copies the tree into a `Document`, within the page limits.
///
/// libxml2 runs in recover mode with network access off and no entity substitution, so broken markup yields
/// a best-effort tree and nothing outside the bytes is ever read. The copy is an iterative walk: a page nested
/// a million levels deep costs heap, never stack, and anything deeper than `maxDepth` is hoisted into its
/// deepest allowed ancestor so its text is kept.
struct TreeBuilder {
    struct Output {
        var document: Document
        /// Bodies of `<script type="application/ld+json">`, in document order, kept for the metadata pass.
        var jsonLD: [String]
        /// Bodies of the `<style>` elements that apply on screen, in document order (for `HiddenSelectors`).
        var styleSheets: [String] = []
        var warnings: [String]
    }

    /// Elements whose content never reaches the reader and that Readability discards first.
    private static let droppedElements: Set<String> = ["script", "style", "noscript", "template"]

    let maxDepth: Int
    let maxNodes: Int

    /// `utf8` must already be UTF-8 (the charset layer transcodes first).
    func build(utf8 html: [UInt8], baseURL: String?) throws(ExtractionError) -> Output {
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue)
        // An empty page is readable HTML with nothing in it, not a parse failure.
        if html.allSatisfy({ $0 == 32 || ($0 >= 9 && $0 <= 13) }) {
            let document = Document()
            document.root.appendChild(document.makeElement("body"))
            return Output(document: document, jsonLD: [], warnings: ["the page is empty"])
        }
        tidings_xml_initialize()   // libxml2's globals and entity loader set up once (CShims)
        guard let context = htmlNewParserCtxt() else {
            throw ExtractionError.unparseable(reason: "libxml2 could not allocate a parser")
        }
        defer { htmlFreeParserCtxt(context) }
        let parsed: htmlDocPtr? = html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                htmlCtxtReadMemory(context, pointer, Int32(buffer.count), baseURL, "UTF-8", options)
            }
        }
        guard let xmlDocument = parsed else {
            throw ExtractionError.unparseable(reason: "libxml2 returned no document")
        }
        defer { xmlFreeDoc(xmlDocument) }
        var output = copy(xmlDocument)
        // libxml2 halts (keeping what it built) when nesting passes its limit of 256 levels.
        if context.pointee.errNo == Int32(XML_ERR_INTERNAL_ERROR.rawValue) {
            output.warnings.append("libxml2 stopped parsing at its nesting limit; the page after that point is missing")
        }
        return output
    }

    private func copy(_ xmlDocument: htmlDocPtr) -> Output {
        let document = Document()
        var jsonLD: [String] = []
        var styleSheets: [String] = []
        var warnings: [String] = []
        var flattenedDeepNodes = false
        var truncated = false

        guard let xmlRoot = xmlDocGetRootElement(xmlDocument) else {
            document.root.appendChild(document.makeElement("body"))
            return Output(document: document, jsonLD: [], warnings: ["the page has no elements"])
        }

        // When libxml2's root is not <html> (it normally is), it becomes the only child of ours.
        let rootIsHTML = Self.name(of: xmlRoot) == "html"
        if rootIsHTML { document.root.attributes = Self.attributes(of: xmlRoot) }
        var current: xmlNodePtr? = rootIsHTML ? xmlRoot.pointee.children : xmlRoot
        let stopAt: xmlNodePtr? = rootIsHTML ? xmlRoot : xmlRoot.pointee.parent
        var parents: [Node] = []
        var domParent = document.root

        walk: while let xmlNode = current {
            var descend = false
            switch xmlNode.pointee.type {
            case XML_ELEMENT_NODE:
                let tag = Self.name(of: xmlNode)
                if tag == "script" {
                    if Self.attributeValue(of: xmlNode, named: "type")?.lowercased() == "application/ld+json" {
                        jsonLD.append(Self.textContent(of: xmlNode))
                    }
                } else if tag == "style" {
                    if Self.appliesOnScreen(media: Self.attributeValue(of: xmlNode, named: "media")) {
                        styleSheets.append(Self.textContent(of: xmlNode))
                    }
                } else if !Self.droppedElements.contains(tag) {
                    if document.nodeCount >= maxNodes {
                        truncated = true
                        break walk
                    }
                    let hasChildren = xmlNode.pointee.children != nil
                    if parents.count < maxDepth {
                        let element = document.makeElement(tag, attributes: Self.attributes(of: xmlNode))
                        domParent.appendChild(element)
                        if hasChildren {
                            parents.append(domParent)
                            domParent = element
                            descend = true
                        }
                    } else {
                        flattenedDeepNodes = true
                        if hasChildren {
                            parents.append(domParent)
                            descend = true
                        }
                    }
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = xmlNode.pointee.content {
                    let text = String(cString: content)
                    // libxml2 may split one run of character data; the DOM the algorithm expects has one node.
                    if let last = domParent.lastChild, last.isText {
                        last.text += text
                    } else if document.nodeCount < maxNodes {
                        domParent.appendChild(document.makeText(text))
                    } else {
                        truncated = true
                        break walk
                    }
                }
            default:
                break  // comments, processing instructions, DTD nodes carry no article text
            }

            if descend {
                current = xmlNode.pointee.children
                continue
            }
            var node = xmlNode
            while true {
                if let next = node.pointee.next {
                    current = next
                    break
                }
                guard let up = node.pointee.parent, up != stopAt, !parents.isEmpty else {
                    current = nil
                    break
                }
                node = up
                domParent = parents.removeLast()
            }
        }

        if flattenedDeepNodes {
            warnings.append("elements nested deeper than \(maxDepth) levels were flattened into their ancestor")
        }
        if truncated {
            warnings.append("the page has more than \(maxNodes) nodes; the rest was ignored")
        }
        Self.ensureBody(in: document)
        Self.closeParagraphsBeforeHTML5Blocks(in: document)
        return Output(document: document, jsonLD: jsonLD, styleSheets: styleSheets, warnings: warnings)
    }

    /// A `<style media=print>` (or any other query) does not decide what a reader sees on screen.
    private static func appliesOnScreen(media: String?) -> Bool {
        guard let media = media?.lowercased().filter({ $0 != " " }), !media.isEmpty else { return true }
        return media == "all" || media == "screen"
    }

    /// Readability works on `<body>`; a page without one gets one holding everything outside `<head>`.
    private static func ensureBody(in document: Document) {
        if document.body != nil { return }
        let body = document.makeElement("body")
        var child = document.root.firstChild
        while let node = child {
            child = node.nextSibling
            if !(node.isElement && node.tag == "head") { body.appendChild(node) }
        }
        document.root.appendChild(body)
    }

    /// HTML5 blocks libxml2's HTML4 rules do not know close an open `<p>` in browsers (`<p>a<figure>` is
    /// `<p>a</p><figure>`); libxml2 nests them inside the paragraph. Readability was built against the browser
    /// tree, so a block that is a direct child of a `<p>` moves out, with everything after it.
    private static let html5Blocks: Set<String> = [
        "article", "aside", "details", "dialog", "figcaption", "figure", "footer", "header", "hgroup", "main", "nav",
        "section", "summary",
    ]

    private static func closeParagraphsBeforeHTML5Blocks(in document: Document) {
        for paragraph in document.root.descendants(tag: "p") {
            guard let parent = paragraph.parent else { continue }
            var child = paragraph.firstChild
            while let node = child, !(node.isElement && html5Blocks.contains(node.tag)) { child = node.nextSibling }
            guard let firstBlock = child else { continue }
            let anchor = paragraph.nextSibling
            var moving: Node? = firstBlock
            while let node = moving {
                moving = node.nextSibling
                parent.insertBefore(node, anchor)
            }
        }
    }

    private static func name(of node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        let value = String(cString: name)
        return value.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) ? value.lowercased() : value
    }

    private static func attributes(of node: xmlNodePtr) -> [Node.Attribute] {
        var result: [Node.Attribute] = []
        var property = node.pointee.properties
        while let attribute = property {
            if let rawName = attribute.pointee.name {
                var name = String(cString: rawName)
                if name.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) { name = name.lowercased() }
                result.append(Node.Attribute(name: name, value: value(of: attribute)))
            }
            property = attribute.pointee.next
        }
        return result
    }

    private static func value(of attribute: xmlAttrPtr) -> String {
        var result = ""
        var child = attribute.pointee.children
        while let node = child {
            if let content = node.pointee.content { result += String(cString: content) }
            child = node.pointee.next
        }
        return result
    }

    private static func attributeValue(of node: xmlNodePtr, named wanted: String) -> String? {
        var property = node.pointee.properties
        while let attribute = property {
            if let rawName = attribute.pointee.name, String(cString: rawName).lowercased() == wanted {
                return value(of: attribute)
            }
            property = attribute.pointee.next
        }
        return nil
    }

    private static func textContent(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { tidings_xml_free(content) }
        return String(cString: content)
    }
}
