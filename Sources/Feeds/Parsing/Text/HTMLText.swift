import Foundation
import CLibXML2
import CShims

/// HTML → plain text with libxml2's forgiving HTML parser (SAX, no tree): entities decoded, script/style/head
/// dropped, a space (or a paragraph break) at block boundaries and `<br>`, runs of ASCII whitespace collapsed.
public enum HTMLText {
    /// - Parameter keepParagraphBreaks: keep block boundaries as "\n\n" (and `<br>`/list items as "\n")
    ///   instead of one space, for consumers that split text into paragraphs.
    public static func plainText(fromHTML html: String, keepParagraphBreaks: Bool = false) -> String {
        var utf8 = Array(html.utf8)
        if !utf8.contains(0x3C) && !utf8.contains(0x26) {
            return WhitespaceCollapser.collapse(utf8)
        }
        // libxml2's HTML parser knows only the HTML 4 entities: spell the rest (&apos;, HTML5 names) numerically.
        if utf8.contains(0x26) { utf8 = EntityRepair.numericHTML5Entities(utf8) }
        // An open element from the start keeps libxml2 from inventing <p> elements around loose text.
        utf8 = Array("<div>".utf8) + utf8 + Array("</div>".utf8)
        let sink = TextSink(keepParagraphs: keepParagraphBreaks)
        utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let context = htmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count)) else { return }
                defer {
                    if let document = context.pointee.myDoc { xmlFreeDoc(document) }
                    htmlFreeParserCtxt(context)
                }
                context.pointee.sax.pointee = HTMLText.saxHandler
                context.pointee.userData = Unmanaged.passUnretained(sink).toOpaque()
                _ = htmlCtxtUseOptions(context, HTMLText.options)
                _ = htmlParseDocument(context)
            }
        }
        return sink.finish()
    }

    private static let options: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue)

    nonisolated(unsafe) private static let saxHandler: xmlSAXHandler = {
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

/// Accumulates text with whitespace collapsed on the fly.
private final class TextSink {
    private var output: [UInt8] = []
    private var pendingSpace = false
    /// 0 none, 1 line break, 2 paragraph break (only when keeping paragraphs).
    private var pendingBreak = 0
    private var skipDepth = 0
    private let keepParagraphs: Bool

    init(keepParagraphs: Bool) {
        self.keepParagraphs = keepParagraphs
        output.reserveCapacity(256)
    }

    func start(_ name: UnsafePointer<xmlChar>) {
        switch HTMLElementKind.of(name) {
        case .skipped: skipDepth += 1
        case .paragraph: boundary(2)
        case .line: boundary(1)
        case .inline: break
        }
    }

    func end(_ name: UnsafePointer<xmlChar>) {
        switch HTMLElementKind.of(name) {
        case .skipped: skipDepth = max(0, skipDepth - 1)
        case .paragraph: boundary(2)
        case .line: boundary(1)
        case .inline: break
        }
    }

    private func boundary(_ strength: Int) {
        if keepParagraphs {
            pendingBreak = max(pendingBreak, strength)
        } else {
            pendingSpace = true
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard skipDepth == 0 else { return }
        for byte in bytes {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pendingSpace = true
                continue
            }
            if !output.isEmpty {
                if pendingBreak == 2 {
                    output.append(0x0A); output.append(0x0A)
                } else if pendingBreak == 1 {
                    output.append(0x0A)
                } else if pendingSpace {
                    output.append(0x20)
                }
            }
            pendingSpace = false
            pendingBreak = 0
            output.append(byte)
        }
    }

    func finish() -> String { String(decoding: output, as: UTF8.self) }
}

private enum HTMLElementKind {
    case inline, line, paragraph, skipped

    static func of(_ name: UnsafePointer<xmlChar>) -> HTMLElementKind {
        // Names arrive lower-cased from the HTML parser; compare without allocating.
        let length = strlen(name)
        guard length <= 10 else { return .inline }
        var key: UInt64 = 0
        for index in 0..<length { key = key << 8 | UInt64(name[index] | 0x20) }
        return table[key] ?? .inline
    }

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
}
