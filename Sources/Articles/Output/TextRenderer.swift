import Foundation

/// Plain text of the article tree with the conventions of the corpus' `html_to_text.py`: a blank line
/// around block elements, `<br>` a line break, whitespace runs one space (kept inside `<pre>`), lines
/// trimmed, never more than one blank line.
enum TextRenderer {
    static let blockTags: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol",
        "optgroup", "option", "p", "plaintext", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul", "xmp",
    ]
    static let skippedTags: Set<String> = ["script", "style", "template", "noscript", "svg", "head", "title"]

    static func render(_ root: Node) -> String {
        var raw = String.UnicodeScalarView()
        var preDepth = 0

        func close(_ element: Node) {
            guard blockTags.contains(element.tag) else { return }
            raw.append("\n"); raw.append("\n")
            if element.tag == "pre" && preDepth > 0 { preDepth -= 1 }
        }

        var current = root.firstChild
        while let node = current {
            var descend = false
            if node.isText {
                appendText(node.text, preserving: preDepth > 0, to: &raw)
            } else if !skippedTags.contains(node.tag) {
                if node.tag == "br" {
                    raw.append("\n")
                } else if blockTags.contains(node.tag) {
                    raw.append("\n"); raw.append("\n")
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
        return tidy(String(raw))
    }

    /// Python's `str.isspace()` set (Unicode White_Space plus the C0 separators), which the corpus uses.
    @inline(__always)
    static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(scalar.value) || scalar.properties.isWhitespace
    }

    private static func appendText(_ text: String, preserving: Bool, to raw: inout String.UnicodeScalarView) {
        if preserving {
            var previousWasCR = false
            for scalar in text.unicodeScalars {
                if scalar == "\r" {
                    raw.append("\n")
                    previousWasCR = true
                    continue
                }
                if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
                previousWasCR = false
                raw.append(scalar)
            }
            return
        }
        var inRun = false
        for scalar in text.unicodeScalars {
            if isPythonWhitespace(scalar) {
                if !inRun { raw.append(" "); inRun = true }
            } else {
                raw.append(scalar)
                inRun = false
            }
        }
    }

    /// Per line: inner whitespace runs to one space, trimmed; then at most one blank line in a row.
    static func tidy(_ raw: String) -> String {
        var lines: [String] = []
        for line in raw.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            var cleaned = String.UnicodeScalarView()
            var pendingSpace = false
            for scalar in line {
                if isPythonWhitespace(scalar) {
                    pendingSpace = !cleaned.isEmpty
                } else {
                    if pendingSpace { cleaned.append(" "); pendingSpace = false }
                    cleaned.append(scalar)
                }
            }
            lines.append(String(cleaned))
        }
        var output: [String] = []
        var blankRun = 0
        for line in lines {
            if line.isEmpty {
                blankRun += 1
                if blankRun == 1 { output.append(line) }
            } else {
                blankRun = 0
                output.append(line)
            }
        }
        while output.first?.isEmpty == true { output.removeFirst() }
        while output.last?.isEmpty == true { output.removeLast() }
        return output.joined(separator: "\n")
    }

    static func paragraphCount(_ text: String) -> Int {
        guard !text.isEmpty else { return 0 }
        return text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.count
    }
}
