import Foundation
import CLibXML2

/// A text value read from a feed: its plain text and, when it was markup, the original markup.
struct TextValue {
    var plain: String?
    var html: String?
}

/// How an element's text is to be read.
enum TextRule {
    /// RSS title and friends: plain text unless it looks like HTML (feeds are inconsistent; feedparser guesses).
    case guessHTML
    /// RSS description, content:encoded: HTML.
    case html
    /// Atom text constructs: `type` (text/html/xhtml or a MIME type) and, in Atom 0.3, `mode`.
    case atom(version03: Bool)
    /// Plain text, whatever it looks like (ids, names, dates).
    case plain
}

struct TextReader {
    var collector: XMLTextCollector
    let keepParagraphBreaks: Bool
    let html = HTMLTextConverter()

    mutating func rawText(_ element: XMLElement) -> String {
        collector.text(of: element.node)
    }

    /// `rawText` collapsed, nil when empty: straight from the text's bytes, without a String of the raw text.
    mutating func plainText(_ element: XMLElement) -> String? {
        let collapsed = collector.withText(of: element.node) { WhitespaceCollapser.collapse($0) }
        return collapsed.isEmpty ? nil : collapsed
    }

    mutating func read(_ element: XMLElement, rule: TextRule) -> TextValue {
        switch rule {
        case .plain:
            return TextValue(plain: plainText(element), html: nil)
        case .html:
            return fromHTML(markupOrText(element))
        case .guessHTML:
            let raw = markupOrText(element)
            if element.hasElementChildren || Self.looksLikeHTML(raw) { return fromHTML(raw) }
            return TextValue(plain: nonEmpty(WhitespaceCollapser.collapse(raw)), html: nil)
        case .atom(let version03):
            return readAtom(element, version03: version03)
        }
    }

    private mutating func readAtom(_ element: XMLElement, version03: Bool) -> TextValue {
        let declared = (element.attribute("type") ?? (version03 ? "text/plain" : "text")).lowercased()
            .trimmedASCII
        let type: String
        switch declared {
        case "text", "": type = "text/plain"
        case "html": type = "text/html"
        case "xhtml": type = "application/xhtml+xml"
        default: type = declared
        }
        let mode = element.attribute("mode")?.lowercased()
        let isHTML = type == "text/html"
        let isXHTML = type == "application/xhtml+xml" || type.hasSuffix("+xml") && type.contains("html")
        if mode == "base64" {
            let encoded = rawText(element).filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                return TextValue(plain: nil, html: nil)
            }
            let decoded = String(decoding: data, as: UTF8.self)
            if isHTML || isXHTML { return fromHTML(decoded) }
            return TextValue(plain: nonEmpty(WhitespaceCollapser.collapse(decoded)), html: nil)
        }
        if mode == "escaped" {
            let raw = rawText(element)
            if isHTML || isXHTML { return fromHTML(raw) }
            return TextValue(plain: nonEmpty(WhitespaceCollapser.collapse(raw)), html: nil)
        }
        if isXHTML {
            return fromHTML(xhtmlMarkup(element))
        }
        if isHTML {
            // TypePad wraps escaped HTML in an XHTML div: the div's text is the markup.
            if let div = singleXHTMLDiv(element) { return fromHTML(rawText(div)) }
            return fromHTML(markupOrText(element))
        }
        let isTextual = type.hasPrefix("text/") || type.hasSuffix("/xml") || type.hasSuffix("+xml")
        if !version03 && !isTextual && !element.hasElementChildren {
            // Atom 1.0: any other media type is base64 (RFC 4287 §4.1.3.3); shown literally once decoded.
            let encoded = rawText(element).filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) {
                return TextValue(plain: nonEmpty(WhitespaceCollapser.collapse(String(decoding: data, as: UTF8.self))),
                                 html: nil)
            }
        }
        if element.hasElementChildren {
            // Markup inside a text construct that claims to be text (Atom 0.3 mode="xml" default): show its text.
            return fromHTML(XMLMarkup.innerXML(of: element.node))
        }
        return TextValue(plain: nonEmpty(WhitespaceCollapser.collapse(rawText(element))), html: nil)
    }

    /// XHTML content: the children of the wrapping `<div>` when there is exactly one, else all children.
    private func xhtmlMarkup(_ element: XMLElement) -> String {
        var onlyDiv: XMLElement? = nil
        var elementCount = 0
        var hasText = false
        var child = element.node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                elementCount += 1
                onlyDiv = XMLElement(node: current)
            } else if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                if Self.hasVisibleText(content) { hasText = true }
            }
            child = current.pointee.next
        }
        if elementCount == 1, !hasText, let div = onlyDiv, div.localName == "div" {
            return XMLMarkup.innerXML(of: div.node)
        }
        return XMLMarkup.innerXML(of: element.node)
    }

    private func singleXHTMLDiv(_ element: XMLElement) -> XMLElement? {
        var found: XMLElement? = nil
        var child = element.node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                if found != nil { return nil }
                found = XMLElement(node: current)
            } else if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content,
                      Self.hasVisibleText(content) {
                return nil
            }
            child = current.pointee.next
        }
        guard let div = found, div.localName == "div", div.namespaceHref == "http://www.w3.org/1999/xhtml",
              !div.hasElementChildren else { return nil }
        return div
    }

    /// Only the element's own text nodes (an RSS `<category>` with a stray `<image>` inside keeps its term).
    func directText(_ element: XMLElement) -> String {
        var bytes: [UInt8] = []
        var child = element.node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
               let content = current.pointee.content {
                bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(strlen(content))))
            }
            child = current.pointee.next
        }
        return WhitespaceCollapser.collapse(bytes)
    }

    private mutating func markupOrText(_ element: XMLElement) -> String {
        element.hasElementChildren ? XMLMarkup.innerXML(of: element.node) : rawText(element)
    }

    private func fromHTML(_ markup: String) -> TextValue {
        let plain = html.plainText(fromHTML: markup, keepParagraphBreaks: keepParagraphBreaks)
        return TextValue(plain: nonEmpty(plain), html: markup.isEmpty ? nil : markup)
    }

    private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// Whether a text node holds anything but whitespace. The text is usually a whole escaped-HTML body whose
    /// first bytes answer the question: decide on ASCII bytes, and build a String (Unicode whitespace) only
    /// when a non-ASCII byte comes before any visible ASCII one.
    static func hasVisibleText(_ content: UnsafePointer<xmlChar>) -> Bool {
        var p = content
        while p.pointee != 0 {
            let byte = p.pointee
            if byte >= 0x80 { return String(cString: content).contains(where: { !$0.isWhitespace }) }
            if !(byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)) { return true }
            p += 1
        }
        return false
    }

    /// feedparser's rule: a closing tag or an entity reference makes a "plain" value HTML.
    static func looksLikeHTML(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { looksLikeHTML($0) }
    }

    static func looksLikeHTML(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x3C, i + 2 < bytes.count, bytes[i + 1] == 0x2F, isLetter(bytes[i + 2]) {
                var j = i + 2
                while j < bytes.count, isLetter(bytes[j]) || (bytes[j] >= 0x30 && bytes[j] <= 0x39) { j += 1 }
                if j < bytes.count, bytes[j] == 0x3E { return true }
            }
            if byte == 0x26 {
                var j = i + 1
                if j < bytes.count, bytes[j] == 0x23 { j += 1 }
                let start = j
                while j < bytes.count, isLetter(bytes[j]) || (bytes[j] >= 0x30 && bytes[j] <= 0x39) || bytes[j] == 0x5F {
                    j += 1
                }
                if j > start, j < bytes.count, bytes[j] == 0x3B { return true }
            }
            i += 1
        }
        return false
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
}
