import CLibXML2
import CShims
import Support

/// Feed subscriptions from an OPML file: every `<outline xmlUrl=…>`, at any depth (folders are outlines too).
public enum OPMLReader {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var message: String
        public var line: Int?
        public var description: String { line.map { "\(message) (line \($0))" } ?? message }
    }

    public static func feeds(from bytes: [UInt8], maxBytes: Int = FeedParseOptions.defaultMaxBytes) throws -> [(url: String, title: String?)] {
        guard bytes.count <= maxBytes else { throw Error(message: "OPML file is \(bytes.count) bytes; the limit is \(maxBytes)") }
        guard !bytes.isEmpty else { throw Error(message: "OPML file is empty") }
        let decoded = CharsetDecoder.decode(bytes, transportCharset: nil, precedence: .feed)
        let repaired = EntityRepair.repair(decoded.utf8).bytes
        let log = XMLErrorLog()
        guard let document = XMLDocumentReader.read(repaired, baseURL: nil, log: log) else {
            throw Error(message: "not XML: \(log.firstError?.message ?? "no document")", line: log.firstError?.line)
        }
        defer { xmlFreeDoc(document) }
        if log.entityLoop { throw Error(message: "entity reference loop in OPML file", line: nil) }
        guard let root = xmlDocGetRootElement(document), XMLElement(node: root).localName.lowercased() == "opml" else {
            throw Error(message: "root element is not <opml>", line: log.firstError?.line)
        }
        var result: [(url: String, title: String?)] = []
        var seen: Set<String> = []
        collect(XMLElement(node: root), depth: 0, into: &result, seen: &seen)
        return result
    }

    private static func collect(_ element: XMLElement, depth: Int, into result: inout [(url: String, title: String?)],
                                seen: inout Set<String>) {
        guard depth < 64 else { return }
        for child in element.children {
            let name = child.localName.lowercased()
            if name == "outline" {
                let url = (child.attribute("xmlUrl") ?? child.attribute("xmlurl") ?? child.attribute("url"))
                    .map(trimmingWhitespace)
                if let url, !url.isEmpty, child.attribute("type")?.lowercased() != "link", seen.insert(url).inserted {
                    let title = (child.attribute("title") ?? child.attribute("text")).map(trimmingWhitespace)
                    result.append((url: url, title: title?.isEmpty == false ? title : nil))
                }
                collect(child, depth: depth + 1, into: &result, seen: &seen)
            } else if name == "body" {
                collect(child, depth: depth + 1, into: &result, seen: &seen)
            }
        }
    }

    /// Leading and trailing Unicode white space removed. Foundation's `trimmingCharacters(in:)` bridges through
    /// NSString: with 10,000 outlines it was a twentieth of a whole warm poll cycle.
    static func trimmingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
