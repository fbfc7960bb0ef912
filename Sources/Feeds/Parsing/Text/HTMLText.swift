import Foundation
import CLibXML2
import CShims

/// HTML → plain text with libxml2's forgiving HTML parser (SAX, no tree): entities decoded, script/style/head
/// dropped, a space (or a paragraph break) at block boundaries and `<br>`, runs of ASCII whitespace collapsed.
public enum HTMLText {
    /// - Parameter keepParagraphBreaks: keep block boundaries as "\n\n" (and `<br>`/list items as "\n")
    ///   instead of one space, for consumers that split text into paragraphs.
    public static func plainText(fromHTML html: String, keepParagraphBreaks: Bool = false) -> String {
        HTMLTextConverter().plainText(fromHTML: html, keepParagraphBreaks: keepParagraphBreaks)
    }

    static let options: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue | HTML_PARSE_COMPACT.rawValue)

    nonisolated(unsafe) static let saxHandler: xmlSAXHandler = {
        var handler = xmlSAXHandler()
        handler.startElement = { context, name, _ in
            guard let context, let name else { return }
            Unmanaged<TextSink>.fromOpaque(context).takeUnretainedValue().start(name)
        }
        handler.endElement = { context, name in
            guard let context, let name else { return }
            Unmanaged<TextSink>.fromOpaque(context).takeUnretainedValue().end(name)
        }
        handler.characters = { context, characters, length in
            guard let context, let characters, length > 0 else { return }
            Unmanaged<TextSink>.fromOpaque(context).takeUnretainedValue()
                .text(UnsafeBufferPointer(start: characters, count: Int(length)))
        }
        handler.cdataBlock = handler.characters
        // Errors go nowhere: broken HTML is the normal case here.
        handler.error = nil
        handler.warning = nil
        handler.fatalError = nil
        return handler
    }()
}

/// One libxml2 HTML parser context, reused for every fragment of one feed (creating a context costs more
/// than parsing a typical description). Not thread-safe: one per parse.
final class HTMLTextConverter {
    private let context: htmlParserCtxtPtr?
    private let sink = TextSink(keepParagraphs: false)
    /// Always use libxml2 (the differential tests compare both paths).
    let forceLibXML2: Bool

    init(forceLibXML2: Bool = false) {
        self.forceLibXML2 = forceLibXML2
        context = htmlNewParserCtxt()
        if let context {
            context.pointee.sax.pointee = HTMLText.saxHandler
        }
    }

    deinit {
        if let context { htmlFreeParserCtxt(context) }
    }

    func plainText(fromHTML html: String, keepParagraphBreaks: Bool) -> String {
        var source = Array(html.utf8)
        let hasAmpersand = source.contains(0x26)
        if !hasAmpersand && !source.contains(0x3C) {
            return keepParagraphBreaks ? WhitespaceCollapser.collapseKeepingNewlines(source) : WhitespaceCollapser.collapse(source)
        }
        guard let context else { return WhitespaceCollapser.collapse(source) }
        // libxml2's HTML parser knows only the HTML 4 entities: spell the rest (&apos;, HTML5 names) numerically.
        if hasAmpersand { source = EntityRepair.numericHTML5Entities(source) }
        if !forceLibXML2, let fast = source.withUnsafeBufferPointer({
            SimpleHTMLText.plainText($0, keepParagraphs: keepParagraphBreaks)
        }) {
            return String(decoding: fast, as: UTF8.self)
        }
        // An open element from the start keeps libxml2 from inventing <p> elements around loose text.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(source.count + 11)
        utf8.append(contentsOf: HTMLTextConverter.open)
        utf8.append(contentsOf: source)
        utf8.append(contentsOf: HTMLTextConverter.close)
        sink.reset(keepParagraphs: keepParagraphBreaks)
        // The reset inside htmlCtxtReadMemory keeps the SAX handler; userData is set again to be sure.
        context.pointee.userData = Unmanaged.passUnretained(sink).toOpaque()
        utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let document = htmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), nil, "UTF-8",
                                                  HTMLText.options)
                if let document { xmlFreeDoc(document) }
            }
        }
        return sink.finish()
    }

    private static let open = Array("<div>".utf8)
    private static let close = Array("</div>".utf8)
}

/// Accumulates text with whitespace collapsed on the fly.
/// State lives behind a raw pointer: SAX callbacks arrive per tiny text run, and class-property access would
/// pay a dynamic exclusivity check on every one of them.
final class TextSink {
    private struct State {
        var output: [UInt8] = []
        var pendingSpace = false
        /// 0 none, 1 line break, 2 paragraph break (only when keeping paragraphs).
        var pendingBreak = 0
        var skipDepth = 0
        var keepParagraphs = false
    }

    private let state: UnsafeMutablePointer<State>

    init(keepParagraphs: Bool) {
        state = .allocate(capacity: 1)
        state.initialize(to: State(keepParagraphs: keepParagraphs))
        state.pointee.output.reserveCapacity(1024)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    func reset(keepParagraphs: Bool) {
        state.pointee.keepParagraphs = keepParagraphs
        state.pointee.output.removeAll(keepingCapacity: true)
        state.pointee.pendingSpace = false
        state.pointee.pendingBreak = 0
        state.pointee.skipDepth = 0
    }

    func start(_ name: UnsafePointer<xmlChar>) {
        switch HTMLElementKind.of(name) {
        case .skipped: state.pointee.skipDepth += 1
        case .paragraph: boundary(2)
        case .line: boundary(1)
        case .inline: break
        }
    }

    func end(_ name: UnsafePointer<xmlChar>) {
        switch HTMLElementKind.of(name) {
        case .skipped: state.pointee.skipDepth = max(0, state.pointee.skipDepth - 1)
        case .paragraph: boundary(2)
        case .line: boundary(1)
        case .inline: break
        }
    }

    private func boundary(_ strength: Int) {
        if state.pointee.keepParagraphs {
            state.pointee.pendingBreak = max(state.pointee.pendingBreak, strength)
        } else {
            state.pointee.pendingSpace = true
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        let s = state
        guard s.pointee.skipDepth == 0 else { return }
        let n = bytes.count
        var i = 0
        while i < n {
            while i < n, Self.isSpace(bytes[i]) {
                s.pointee.pendingSpace = true
                i += 1
            }
            guard i < n else { break }
            var j = i + 1
            while j < n, !Self.isSpace(bytes[j]) { j += 1 }
            if !s.pointee.output.isEmpty {
                if s.pointee.pendingBreak == 2 {
                    s.pointee.output.append(0x0A); s.pointee.output.append(0x0A)
                } else if s.pointee.pendingBreak == 1 {
                    s.pointee.output.append(0x0A)
                } else if s.pointee.pendingSpace {
                    s.pointee.output.append(0x20)
                }
            }
            s.pointee.pendingSpace = false
            s.pointee.pendingBreak = 0
            s.pointee.output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
            i = j
        }
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
    }

    func finish() -> String { String(decoding: state.pointee.output, as: UTF8.self) }
}

enum HTMLElementKind {
    case inline, line, paragraph, skipped

    static func of(_ name: UnsafePointer<xmlChar>) -> HTMLElementKind {
        // Names arrive lower-cased from the HTML parser; compare without allocating.
        let length = strlen(name)
        guard length <= 10 else { return .inline }
        var key: UInt64 = 0
        for index in 0..<length { key = key << 8 | UInt64(name[index] | 0x20) }
        return table[key] ?? .inline
    }

    static func kind(forKey key: UInt64) -> HTMLElementKind { table[key] ?? .inline }

    private static let table: [UInt64: HTMLElementKind] = {
        func key(_ text: String) -> UInt64 { text.utf8.reduce(0) { $0 << 8 | UInt64($1) } }
        var result: [UInt64: HTMLElementKind] = [:]
        for name in ["script", "style", "head", "noscript", "template", "iframe", "object", "svg:style"] {
            result[key(name)] = .skipped
        }
        for name in ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table",
                     "section", "article", "header", "footer", "nav", "aside", "figure", "hr", "address", "form",
                     "fieldset", "main", "center", "body", "html"] {
            result[key(name)] = .paragraph
        }
        for name in ["br", "li", "tr", "td", "th", "dt", "dd", "caption", "figcaption", "thead", "tbody", "tfoot",
                     "option", "legend", "img", "frame", "frameset", "embed"] {
            result[key(name)] = .line
        }
        return result
    }()
}

/// Collapses runs of ASCII whitespace to one space and trims.
enum WhitespaceCollapser {
    static func collapse(_ bytes: [UInt8]) -> String {
        var needsWork = false
        var previousSpace = true
        for byte in bytes {
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
            if isSpace && (previousSpace || byte != 0x20) { needsWork = true; break }
            previousSpace = isSpace
        }
        if !needsWork && !previousSpace { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pending = false
        for byte in bytes {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pending = true
                continue
            }
            if pending && !output.isEmpty { output.append(0x20) }
            pending = false
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func collapse(_ text: String) -> String { collapse(Array(text.utf8)) }

    /// Like `collapse`, but a run holding a blank line stays a paragraph break ("\n\n").
    static func collapseKeepingNewlines(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pending = false
        var newlines = 0
        for byte in bytes {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pending = true
                if byte == 0x0A { newlines += 1 }
                continue
            }
            if pending && !output.isEmpty {
                if newlines >= 2 { output.append(0x0A); output.append(0x0A) } else { output.append(0x20) }
            }
            pending = false
            newlines = 0
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }
}
