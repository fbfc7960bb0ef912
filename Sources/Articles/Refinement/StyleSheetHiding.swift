import Foundation

/// Classes and ids that the page's own `<style>` sheets hide unconditionally.
///
/// Readability sees only inline `display:none`; pages also hide print-only credits, screen-reader copies,
/// "subscribe" overlays and duplicated teasers with a class rule in a stylesheet, and a reader never sees
/// that text. Only what is certain counts:
/// - a rule at the top level (not inside `@media`, `@supports`, …) whose declarations say `display: none` or
///   `visibility: hidden`, for a selector that is one class or one id, optionally with a tag (`.x`, `#x`, `div.x`);
/// - and no other rule anywhere in the sheets shows that class or id again (any selector naming it with a
///   `display`/`visibility` value other than none/hidden): those are toggled by scripts or media queries
///   (tabs, "read more", responsive variants), so their text may well be seen.
/// Bounded: at most `maxSheetBytes` of CSS are read, in one linear pass without a regex engine.
struct HiddenSelectors: Sendable {
    /// Hidden class names (as written, case-sensitive like HTML classes) with an optional required tag.
    private(set) var classes: [String: String?] = [:]
    private(set) var ids: [String: String?] = [:]

    static let maxSheetBytes = 1 << 20

    var isEmpty: Bool { classes.isEmpty && ids.isEmpty }

    init(sheets: [String]) {
        var hiddenClasses: [String: String?] = [:], hiddenIDs: [String: String?] = [:]
        var shownClasses: Set<String> = [], shownIDs: Set<String> = []
        var budget = Self.maxSheetBytes
        for sheet in sheets where budget > 0 {
            var bytes = Array(sheet.utf8.prefix(budget))
            budget -= bytes.count
            Self.stripComments(&bytes)
            Self.forEachRule(in: bytes) { selectors, declarations, topLevel in
                guard let effect = Self.visibilityEffect(of: declarations) else { return }
                for selector in selectors.split(separator: UInt8(ascii: ",")) {
                    let trimmed = Self.trim(selector)
                    if effect == .shows || !topLevel {
                        // Anything naming the class or id shows (or may show) it somewhere: not certain.
                        if effect == .shows {
                            Self.names(in: trimmed, prefix: UInt8(ascii: ".")).forEach { shownClasses.insert($0) }
                            Self.names(in: trimmed, prefix: UInt8(ascii: "#")).forEach { shownIDs.insert($0) }
                        }
                        continue
                    }
                    guard let simple = Self.simpleSelector(trimmed) else { continue }
                    if simple.isClass { hiddenClasses[simple.name] = simple.tag } else { hiddenIDs[simple.name] = simple.tag }
                }
            }
        }
        for name in shownClasses { hiddenClasses[name] = nil }
        for name in shownIDs { hiddenIDs[name] = nil }
        classes = hiddenClasses
        ids = hiddenIDs
    }

    /// True when the element's class list or id is one the sheets hide.
    func hides(_ node: Node) -> Bool {
        guard node.isElement else { return false }
        if !ids.isEmpty, let id = node.attribute("id"), let tag = ids[id], tag == nil || tag == node.tag { return true }
        if !classes.isEmpty, let className = node.attribute("class") {
            for name in className.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }) {
                if let tag = classes[String(name)], tag == nil || tag == node.tag { return true }
            }
        }
        return false
    }

    // MARK: parsing

    private enum Effect { case hides, shows }

    /// `display:none` or `visibility:hidden` hides; another `display`/`visibility` value shows; nil otherwise.
    private static func visibilityEffect(of declarations: ArraySlice<UInt8>) -> Effect? {
        var effect: Effect?
        for declaration in declarations.split(separator: UInt8(ascii: ";")) {
            guard let colon = declaration.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: lowered(trim(declaration[declaration.startIndex..<colon])), as: UTF8.self)
            guard name == "display" || name == "visibility" else { continue }
            var valueBytes = lowered(trim(declaration[(colon + 1)...]))
            if let bang = valueBytes.firstIndex(of: UInt8(ascii: "!")) { valueBytes = Array(trim(valueBytes[..<bang])) }
            let value = String(decoding: valueBytes, as: UTF8.self)
            if (name == "display" && value == "none") || (name == "visibility" && value == "hidden") {
                if effect == nil { effect = .hides }
            } else {
                effect = .shows
            }
        }
        return effect
    }

    /// `.name`, `#name`, `tag.name`, `tag#name`: one simple selector; anything else (descendants, pseudo-classes,
    /// attributes, compound classes) is nil.
    private static func simpleSelector(_ selector: ArraySlice<UInt8>) -> (isClass: Bool, name: String, tag: String?)? {
        guard let marker = selector.firstIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "#") }) else { return nil }
        let tagPart = selector[selector.startIndex..<marker]
        let namePart = selector[(marker + 1)...]
        guard !namePart.isEmpty, tagPart.allSatisfy(isTagByte), namePart.allSatisfy(isNameByte) else { return nil }
        let tag = tagPart.isEmpty ? nil : String(decoding: lowered(tagPart), as: UTF8.self)
        return (selector[marker] == UInt8(ascii: "."), String(decoding: namePart, as: UTF8.self), tag)
    }

    /// Every `.name` or `#name` in a selector of any shape.
    private static func names(in selector: ArraySlice<UInt8>, prefix: UInt8) -> [String] {
        var result: [String] = []
        var index = selector.startIndex
        while index < selector.endIndex {
            if selector[index] == prefix {
                var end = index + 1
                while end < selector.endIndex && isNameByte(selector[end]) { end += 1 }
                if end > index + 1 { result.append(String(decoding: selector[(index + 1)..<end], as: UTF8.self)) }
                index = end
            } else {
                index += 1
            }
        }
        return result
    }

    /// Calls `body(selectors, declarations, isTopLevel)` for each style rule, descending into at-rule blocks.
    private static func forEachRule(in bytes: [UInt8], _ body: (ArraySlice<UInt8>, ArraySlice<UInt8>, Bool) -> Void) {
        var depth = 0          // nesting of at-rule blocks (@media { … })
        var start = 0          // where the current prelude began
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                let prelude = trim(bytes[start..<index])
                if prelude.first == UInt8(ascii: "@") {
                    depth += 1
                    start = index + 1
                    index += 1
                    continue
                }
                // A style rule: its declarations run to the matching close brace (nested blocks skipped).
                var level = 1
                var end = index + 1
                while end < bytes.count && level > 0 {
                    if bytes[end] == UInt8(ascii: "{") { level += 1 } else if bytes[end] == UInt8(ascii: "}") { level -= 1 }
                    end += 1
                }
                body(prelude, bytes[(index + 1)..<max(index + 1, end - 1)], depth == 0)
                start = end
                index = end
                continue
            case UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                start = index + 1
            case UInt8(ascii: ";"):
                // Ends a statement without a block (`@import …;`, `@charset …;`) or stray garbage; starting
                // afresh also keeps every byte looked at a bounded number of times.
                start = index + 1
            default:
                break
            }
            index += 1
        }
    }

    private static func stripComments(_ bytes: inout [UInt8]) {
        guard bytes.count > 1 else { return }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*") {
                index += 2
                while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                index += 2
                output.append(32)
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        bytes = output
    }

    private static func trim<C: BidirectionalCollection>(_ bytes: C) -> C.SubSequence where C.Element == UInt8 {
        let isSpace: (UInt8) -> Bool = { $0 == 32 || ($0 >= 9 && $0 <= 13) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.endIndex..<bytes.endIndex]
        }
        return bytes[first...last]
    }

    private static func lowered<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        bytes.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
    }

    private static func isTagByte(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isTagByte(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte >= 128
    }
}

/// Removes what the page's own stylesheets hide (see `HiddenSelectors`), before Readability runs.
enum StyleSheetHiding {
    /// A hidden node holding more than this share of the body's text is not removed: pages that hide the
    /// story until a script reveals it would otherwise lose it all.
    static let maxShareOfPage = 0.5

    static func removeHidden(in document: Document, sheets: [String]) {
        guard !sheets.isEmpty, let body = document.body else { return }
        let hidden = HiddenSelectors(sheets: sheets)
        guard !hidden.isEmpty else { return }
        let removals = body.outermostDescendants(where: hidden.hides)
        guard !removals.isEmpty else { return }
        let total = Double(JSText.normalizedLength(of: body))
        for node in removals where Double(JSText.normalizedLength(of: node)) <= total * maxShareOfPage {
            if ReadabilityRunner.debugEnabled {
                FileHandle.standardError.write(Data("hidden by stylesheet: <\(node.tag) class=\(node.className) id=\(node.id)> \(JSText.normalized(node.textContent).prefix(80))\n".utf8))
            }
            node.remove()
        }
    }
}
