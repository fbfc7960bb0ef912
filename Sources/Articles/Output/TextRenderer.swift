/// Plain text of the article tree with the conventions of the corpus' `html_to_text.py`: a blank line
/// around block elements, `<br>` a line break, whitespace runs one space (kept inside `<pre>`), lines
/// trimmed, never more than one blank line. Works on UTF-8 bytes: this runs on every extracted page.
enum TextRenderer {
    static let blockTags: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol",
        "optgroup", "option", "p", "plaintext", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul", "xmp",
    ]
    static let skippedTags: Set<String> = ["script", "style", "template", "noscript", "svg", "head", "title"]

    private static let newline: UInt8 = 10
    private static let space: UInt8 = 32

    static func render(_ root: Node) -> String {
        var raw: [UInt8] = []
        var preDepth = 0

        func close(_ element: Node) {
            guard blockTags.contains(element.tag) else { return }
            raw.append(newline); raw.append(newline)
            if element.tag == "pre" && preDepth > 0 { preDepth -= 1 }
        }

        var current = root.firstChild
        while let node = current {
            var descend = false
            if node.isText {
                appendText(node.text, preserving: preDepth > 0, to: &raw)
            } else if !skippedTags.contains(node.tag) {
                if node.tag == "br" {
                    raw.append(newline)
                } else if blockTags.contains(node.tag) {
                    raw.append(newline); raw.append(newline)
                    if node.tag == "pre" { preDepth += 1 }
                }
                if node.firstChild != nil { descend = true } else if node.tag != "br" { close(node) }
            }
            if descend {
                current = node.firstChild
                continue
            }
            var climbing = node
            current = nil
            while true {
                if let sibling = climbing.nextSibling {
                    current = sibling
                    break
                }
                guard let parent = climbing.parent, parent !== root else { break }
                close(parent)
                climbing = parent
            }
        }
        return raw.withUnsafeBufferPointer { tidy($0) }
    }

    /// Byte length of the Python whitespace character (`str.isspace`) at `index`, or 0; "\n" counts.
    @inline(__always)
    static func whitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        UTF8Whitespace.width(bytes, index, .python)
    }

    private static func appendText(_ text: String, preserving: Bool, to raw: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            if preserving {
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == 13 {
                        raw.append(newline)
                        if index + 1 < bytes.count && bytes[index + 1] == newline { index += 1 }
                    } else {
                        raw.append(byte)
                    }
                    index += 1
                }
                return
            }
            var index = 0
            var inRun = false
            while index < bytes.count {
                let width = whitespaceWidth(bytes, index)
                if width > 0 {
                    if !inRun { raw.append(space); inRun = true }
                    index += width
                } else {
                    raw.append(bytes[index])
                    inRun = false
                    index += 1
                }
            }
        }
    }

    static func tidy(_ text: String) -> String {
        var text = text
        return text.withUTF8 { tidy($0) }
    }

    /// Per line: inner whitespace runs to one space, trimmed; then at most one blank line in a row.
    static func tidy(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var line: [UInt8] = []
        var pendingNewlines = 0  // newlines owed before the next non-empty line (at most 2)
        var wroteAny = false

        func flushLine() {
            if line.isEmpty {
                if wroteAny { pendingNewlines = min(pendingNewlines + 1, 2) }
                return
            }
            if wroteAny {
                for _ in 0..<max(pendingNewlines, 1) { output.append(newline) }
            }
            output.append(contentsOf: line)
            wroteAny = true
            pendingNewlines = 1
            line.removeAll(keepingCapacity: true)
        }

        var index = 0
        var pendingSpace = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline {
                flushLine()
                pendingSpace = false
                index += 1
                continue
            }
            let width = whitespaceWidth(bytes, index)
            if width > 0 {
                pendingSpace = !line.isEmpty
                index += width
                continue
            }
            if pendingSpace { line.append(space); pendingSpace = false }
            line.append(byte)
            index += 1
        }
        flushLine()
        return String(decoding: output, as: UTF8.self)
    }

    /// Blocks of text separated by blank lines.
    static func paragraphCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return 0 }
            var count = 1
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == newline && bytes[index + 1] == newline {
                    count += 1
                    index += 2
                } else {
                    index += 1
                }
            }
            return count
        }
    }
}
