import Foundation
import Support

/// The JSON form of a parsed feed that `tidings parse --json` prints: exactly the schema of
/// ../shared/conformance/README.md (plus `path` when several inputs are listed, and `warnings` when the
/// document needed any repair).
extension ParsedFeed {
    public func schemaJSON(path: String? = nil) -> String {
        var json = Self.beginSchemaObject(path: path, title: title, link: link, language: language, updated: updated)
        json.key("entries")
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.key("id"); json.string(entry.id)
            json.key("title"); json.string(entry.title)
            json.key("link"); json.string(entry.link)
            json.key("published"); json.date(entry.published)
            json.key("updated"); json.date(entry.updated)
            json.key("authors"); json.strings(entry.authors)
            json.key("summary"); json.string(entry.summary)
            json.key("content"); json.string(entry.content)
            json.key("categories"); json.strings(entry.categories)
            json.key("enclosures")
            json.beginArray()
            for enclosure in entry.enclosures {
                json.beginObject()
                json.key("url"); json.string(enclosure.url)
                json.key("type"); json.string(enclosure.type)
                json.key("length")
                if let length = enclosure.length { json.raw(String(length)) } else { json.raw("null") }
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        // An extension of the schema: what was recovered from (ill-formed XML, leading junk, tags balanced,
        // mis-declared encodings), so no repair is silent. Absent when there is nothing to say.
        if !warnings.isEmpty {
            json.key("warnings"); json.strings(warnings)
        }
        json.endObject()
        return json.output
    }

    /// The opened document object with the members every form starts with: `path` (when given), then the feed's
    /// title, link, language and updated.
    private static func beginSchemaObject(path: String?, title: String?, link: String?, language: String?,
                                          updated: Date?) -> JSONWriter {
        var json = JSONWriter()
        json.beginObject()
        if let path { json.key("path"); json.string(path) }
        json.key("title"); json.string(title)
        json.key("link"); json.string(link)
        json.key("language"); json.string(language)
        json.key("updated"); json.date(updated)
        return json
    }

    /// The schema's shape for a document that could not be parsed, with the reason, so a consumer reading
    /// one JSON object per input still gets one.
    public static func failureJSON(path: String?, error: String) -> String {
        var json = beginSchemaObject(path: path, title: nil, link: nil, language: nil, updated: nil)
        json.key("entries"); json.beginArray(); json.endArray()
        json.key("error"); json.string(error)
        json.endObject()
        return json.output
    }
}

/// A minimal JSON writer: fixed key order, no Foundation round trip.
struct JSONWriter {
    private(set) var output = ""
    private var needsComma = [false]

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
    }

    mutating func beginObject() { separate(); output += "{"; needsComma.append(false) }
    mutating func endObject() { output += "}"; needsComma.removeLast() }
    mutating func beginArray() { separate(); output += "["; needsComma.append(false) }
    mutating func endArray() { output += "]"; needsComma.removeLast() }

    mutating func key(_ name: String) {
        separate()
        JSONString.append(name, to: &output)
        output += ":"
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ value: String?) {
        separate()
        if let value { JSONString.append(value, to: &output) } else { output += "null" }
        needsComma[needsComma.count - 1] = true
    }

    mutating func date(_ value: Date?) { string(value.map(FeedDate.isoString)) }

    mutating func raw(_ text: String) { separate(); output += text }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

}
