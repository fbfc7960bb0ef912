import Foundation
import CLibXML2
import CShims

/// The namespaces feeds use, recognised by URI (prefixes are arbitrary), or by a conventional prefix when a
/// broken feed forgot to declare it.
enum FeedNamespace {
    case none, rss090, rss10, rssOther, atom10, atom03, dc, dcterms, content, rdf, media, sy, xhtml, itunes, other

    static func classify(href: String) -> FeedNamespace {
        var uri = href.lowercased()
        while uri.hasSuffix("/") || uri.hasSuffix("#") { uri.removeLast() }
        switch uri {
        case "": return .none
        case "http://my.netscape.com/rdf/simple/0.9": return .rss090
        case "http://purl.org/rss/1.0": return .rss10
        case "http://backend.userland.com/rss", "http://backend.userland.com/rss2",
             "http://blogs.law.harvard.edu/tech/rss", "http://purl.org/net/rss1.1": return .rssOther
        case "http://www.w3.org/2005/atom": return .atom10
        case "http://purl.org/atom/ns", "http://example.com/newformat", "http://purl.org/atom/ns/draft-ietf-atompub-format-08":
            return .atom03
        case "http://purl.org/dc/elements/1.1", "http://purl.org/dc/elements/1.0": return .dc
        case "http://purl.org/dc/terms": return .dcterms
        case "http://purl.org/rss/1.0/modules/content": return .content
        case "http://www.w3.org/1999/02/22-rdf-syntax-ns": return .rdf
        case "http://search.yahoo.com/mrss", "http://video.search.yahoo.com/mrss", "http://tools.search.yahoo.com/mrss":
            return .media
        case "http://purl.org/rss/1.0/modules/syndication": return .sy
        case "http://www.w3.org/1999/xhtml": return .xhtml
        case "http://www.itunes.com/dtds/podcast-1.0.dtd": return .itunes
        default: return .other
        }
    }

    static func classify(prefix: String) -> FeedNamespace {
        switch prefix.lowercased() {
        case "dc": return .dc
        case "dcterms": return .dcterms
        case "content": return .content
        case "atom": return .atom10
        case "media": return .media
        case "sy": return .sy
        case "rdf": return .rdf
        case "xhtml": return .xhtml
        case "itunes": return .itunes
        default: return .other
        }
    }

    /// Core RSS element namespaces (RSS 0.9x/1.0/2.0 elements may appear in any of these).
    var isRSSCore: Bool { self == .none || self == .rss090 || self == .rss10 || self == .rssOther }
    var isAtom: Bool { self == .atom10 || self == .atom03 }
    /// RSS or Atom: the vocabularies whose elements make up a feed's structure.
    var isCore: Bool { isRSSCore || isAtom }
}

/// Read-only view of a libxml2 element, valid while its document lives.
struct XMLElement {
    let node: xmlNodePtr

    var localName: String {
        guard let name = node.pointee.name else { return "" }
        // Called for every element: find the colon in the C string (xmlStrchr), not by walking Characters.
        if node.pointee.ns == nil, let colon = xmlStrchr(name, 0x3A) {
            return String(cString: colon + 1)
        }
        return String(cString: name)
    }

    /// The element's namespace; an undeclared `prefix:name` is classified by its conventional prefix.
    func namespace(_ cache: inout [UnsafeRawPointer: FeedNamespace]) -> FeedNamespace {
        if let ns = node.pointee.ns {
            let key = UnsafeRawPointer(ns)
            if let known = cache[key] { return known }
            let kind = ns.pointee.href.map { FeedNamespace.classify(href: String(cString: $0)) } ?? .none
            cache[key] = kind
            return kind
        }
        guard let name = node.pointee.name, let colon = xmlStrchr(name, 0x3A) else { return .none }
        let prefix = UnsafeRawBufferPointer(start: name, count: UnsafeRawPointer(colon) - UnsafeRawPointer(name))
        return FeedNamespace.classify(prefix: String(decoding: prefix, as: UTF8.self))
    }

    var namespaceHref: String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }

    var children: XMLChildElements { XMLChildElements(first: node.pointee.children) }

    var hasElementChildren: Bool {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { return true }
            child = current.pointee.next
        }
        return false
    }

    /// An attribute by local name (any namespace unless one is given).
    func attribute(_ name: String, namespace: String? = nil) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if let attributeName = current.pointee.name, String(cString: attributeName) == name {
                let href = current.pointee.ns?.pointee.href.map { String(cString: $0) }
                if namespace == nil || href == namespace {
                    guard let value = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) else { return "" }
                    defer { tidings_xml_free(value) }
                    return String(cString: value)
                }
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// `xml:lang` in scope.
    var language: String? {
        guard let value = xmlNodeGetLang(node) else { return nil }
        defer { tidings_xml_free(value) }
        return String(cString: value)
    }

    /// The base URI in scope (xml:base, else the document URL), if any.
    var baseURI: String? {
        guard let value = xmlNodeGetBase(node.pointee.doc, node) else { return nil }
        defer { tidings_xml_free(value) }
        return String(cString: value)
    }

    /// Whether some ancestor-or-self declares xml:base (the document URL alone does not count).
    var hasXMLBase: Bool {
        var current: xmlNodePtr? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            if xmlHasNsProp(element, "base", "http://www.w3.org/XML/1998/namespace") != nil { return true }
            current = element.pointee.parent
        }
        return false
    }
}

struct XMLChildElements: Sequence, IteratorProtocol {
    var next_: xmlNodePtr?

    init(first: xmlNodePtr?) { next_ = first }

    mutating func next() -> XMLElement? {
        while let current = next_ {
            next_ = current.pointee.next
            if current.pointee.type == XML_ELEMENT_NODE { return XMLElement(node: current) }
        }
        return nil
    }
}

/// Collects the text of a subtree, expanding internal entities within a budget (billion-laughs guard).
struct XMLTextCollector {
    var budget: Int
    var exceeded = false

    init(budget: Int) { self.budget = budget }

    mutating func text(of node: xmlNodePtr) -> String {
        withText(of: node) { String(decoding: $0, as: UTF8.self) }
    }

    /// The subtree's text bytes, as `text(of:)` reads them, handed to `body` without making a String of them
    /// (for values that are collapsed or converted anyway: one copy less per value).
    mutating func withText<Result>(of node: xmlNodePtr, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        // The common case, one text child: straight from libxml2's buffer.
        if let child = node.pointee.children, child.pointee.next == nil,
           child.pointee.type == XML_TEXT_NODE || child.pointee.type == XML_CDATA_SECTION_NODE,
           let content = child.pointee.content {
            let length = Int(strlen(content))
            budget -= length
            if budget < 0 {
                exceeded = true
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return body(UnsafeBufferPointer(start: content, count: length))
        }
        var bytes: [UInt8] = []
        append(childrenOf: node, to: &bytes, depth: 0)
        return bytes.withUnsafeBufferPointer(body)
    }

    private mutating func append(childrenOf node: xmlNodePtr, to bytes: inout [UInt8], depth: Int) {
        var child = node.pointee.children
        while let current = child {
            append(node: current, to: &bytes, depth: depth)
            if exceeded { return }
            child = current.pointee.next
        }
    }

    private mutating func append(node: xmlNodePtr, to bytes: inout [UInt8], depth: Int) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            guard let content = node.pointee.content else { return }
            let length = Int(strlen(content))
            budget -= length
            if budget < 0 { exceeded = true; return }
            bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: length))
        case XML_ELEMENT_NODE:
            if depth > 256 { exceeded = true; return }
            append(childrenOf: node, to: &bytes, depth: depth + 1)
        case XML_ENTITY_REF_NODE:
            if depth > 40 { exceeded = true; return }
            guard let entity = xmlGetDocEntity(node.pointee.doc, node.pointee.name) else { return }
            var child = entity.pointee.children
            while let current = child {
                append(node: current, to: &bytes, depth: depth + 1)
                if exceeded { return }
                child = current.pointee.next
            }
        default:
            return
        }
    }
}

enum XMLMarkup {
    /// The serialised markup of a node's children (inner XML), for XHTML content.
    static func innerXML(of node: xmlNodePtr) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        var child = node.pointee.children
        while let current = child {
            xmlNodeDump(buffer, node.pointee.doc, current, 0, 0)
            child = current.pointee.next
        }
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }
}
