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
        // Whitespace libxml2 deems "ignorable" still separates words in running text.
        handler.ignorableWhitespace = handler.characters
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
    /// The fast path's output buffer, reused for every fragment (one per feed, not one per fragment).
    private var scratch: [UInt8] = []

    init(forceLibXML2: Bool = false) {
        self.forceLibXML2 = forceLibXML2
        // libxml2 2.9 initialises its dictionary globals lazily and without a lock: two threads making their first
        // contexts at once could leave its dictionary mutex held forever (seen: a poll hung in xmlRMutexLock).
        XMLDocumentReader.prepare()
        context = htmlNewParserCtxt()
        if let context {
            context.pointee.sax.pointee = HTMLText.saxHandler
        }
    }

    deinit {
        if let context { htmlFreeParserCtxt(context) }
    }

    func plainText(fromHTML html: String, keepParagraphBreaks: Bool) -> String {
        var html = html
        // Native Strings are contiguous: read their bytes in place instead of copying them into an Array.
        return html.withUTF8 { plainText(fromHTMLBytes: $0, keepParagraphBreaks: keepParagraphBreaks) }
    }

    func plainText(fromHTMLBytes html: UnsafeBufferPointer<UInt8>, keepParagraphBreaks: Bool) -> String {
        guard let base = html.baseAddress, html.count > 0 else { return "" }
        let hasAmpersand = memchr(base, 0x26, html.count) != nil
        let hasTag = memchr(base, 0x3C, html.count) != nil
        if !hasAmpersand && !hasTag {
            return keepParagraphBreaks ? WhitespaceCollapser.collapseKeepingNewlines(html) : WhitespaceCollapser.collapse(html)
        }
        // The fast path reads every entity itself (the full HTML5 table, double-encoded UTF-8), as the rewrite
        // below spells them for libxml2.
        if !forceLibXML2, SimpleHTMLText.plainText(html, keepParagraphs: keepParagraphBreaks, into: &scratch) {
            return String(decoding: scratch, as: UTF8.self)
        }
        // libxml2's HTML parser knows only the HTML 4 entities: spell the rest (&apos;, HTML5 names) numerically.
        let rewritten = hasAmpersand ? EntityRepair.numericHTML5EntitiesIfAny(html) : nil
        if let rewritten {
            return rewritten.withUnsafeBufferPointer { libxml2PlainText($0, keepParagraphBreaks: keepParagraphBreaks) }
        }
        return libxml2PlainText(html, keepParagraphBreaks: keepParagraphBreaks)
    }

    private func libxml2PlainText(_ source: UnsafeBufferPointer<UInt8>, keepParagraphBreaks: Bool) -> String {
        guard let context else { return WhitespaceCollapser.collapse(source) }
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
        return kind(forKey: key)
    }

    /// Keys are the lower-cased name's bytes packed big-endian into a UInt64 (last 8 bytes for longer names).
    static func kind(forKey key: UInt64) -> HTMLElementKind {
        switch key {
        case 0x736372697074: return .skipped  // script
        case 0x7374796C65: return .skipped  // style
        case 0x68656164: return .skipped  // head
        case 0x6E6F736372697074: return .skipped  // noscript
        case 0x74656D706C617465: return .skipped  // template
        case 0x696672616D65: return .skipped  // iframe
        case 0x6F626A656374: return .skipped  // object
        case 0x76673A7374796C65: return .skipped  // svg:style
        case 0x70: return .paragraph  // p
        case 0x646976: return .paragraph  // div
        case 0x6831: return .paragraph  // h1
        case 0x6832: return .paragraph  // h2
        case 0x6833: return .paragraph  // h3
        case 0x6834: return .paragraph  // h4
        case 0x6835: return .paragraph  // h5
        case 0x6836: return .paragraph  // h6
        case 0x6F636B71756F7465: return .paragraph  // blockquote
        case 0x707265: return .paragraph  // pre
        case 0x756C: return .paragraph  // ul
        case 0x6F6C: return .paragraph  // ol
        case 0x646C: return .paragraph  // dl
        case 0x7461626C65: return .paragraph  // table
        case 0x73656374696F6E: return .paragraph  // section
        case 0x61727469636C65: return .paragraph  // article
        case 0x686561646572: return .paragraph  // header
        case 0x666F6F746572: return .paragraph  // footer
        case 0x6E6176: return .paragraph  // nav
        case 0x6173696465: return .paragraph  // aside
        case 0x666967757265: return .paragraph  // figure
        case 0x6872: return .paragraph  // hr
        case 0x61646472657373: return .paragraph  // address
        case 0x666F726D: return .paragraph  // form
        case 0x6669656C64736574: return .paragraph  // fieldset
        case 0x6D61696E: return .paragraph  // main
        case 0x63656E746572: return .paragraph  // center
        case 0x626F6479: return .paragraph  // body
        case 0x68746D6C: return .paragraph  // html
        case 0x6272: return .line  // br
        case 0x6C69: return .line  // li
        case 0x7472: return .line  // tr
        case 0x7464: return .line  // td
        case 0x7468: return .line  // th
        case 0x6474: return .line  // dt
        case 0x6464: return .line  // dd
        case 0x63617074696F6E: return .line  // caption
        case 0x6763617074696F6E: return .line  // figcaption
        case 0x7468656164: return .line  // thead
        case 0x74626F6479: return .line  // tbody
        case 0x74666F6F74: return .line  // tfoot
        case 0x6F7074696F6E: return .line  // option
        case 0x6C6567656E64: return .line  // legend
        case 0x696D67: return .line  // img
        case 0x6672616D65: return .line  // frame
        case 0x6672616D65736574: return .line  // frameset
        case 0x656D626564: return .line  // embed
        default: return .inline
        }
    }

}

/// Collapses runs of ASCII whitespace to one space and trims.
enum WhitespaceCollapser {
    /// Whether the bytes are not already collapsed (a run of spaces, a non-space whitespace byte, or a space
    /// at either end). Most feed text is already collapsed and every item's text is asked, so 16 bytes are
    /// looked at per step (a control byte or two spaces in a row send the rest to the exact byte loop).
    static func needsCollapsing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return false }
        if bytes[0] == 0x20 || bytes[count - 1] == 0x20 { return true }
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20)
        var index = 0
        while index + 17 <= count {
            let here = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let next = raw.loadUnaligned(fromByteOffset: index + 1, as: SIMD16<UInt8>.self)
            if EntityRepair.anyLane((here .< space) .| ((here .== space) .& (next .== space))) { break }
            index += 16
        }
        return needsCollapsing(bytes, from: index)
    }

    /// The byte loop from `start`, where the byte before (if any) is known not to start a problem on its own.
    private static func needsCollapsing(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var previousSpace = start == 0 || isSpace(bytes[start - 1])
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            let space = isSpace(byte)
            if space && (previousSpace || byte != 0x20) { return true }
            previousSpace = space
            index += 1
        }
        return previousSpace && !bytes.isEmpty
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
    }

    static func collapse(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if !needsCollapsing(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: collapsedBytes(bytes), as: UTF8.self)
    }

    static func collapse(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { collapse($0) }
    }

    /// Text that is already collapsed comes back as it is, without a copy.
    static func collapse(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            needsCollapsing(bytes) ? String(decoding: collapsedBytes(bytes), as: UTF8.self) : nil
        } ?? text
    }

    private static func collapsedBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
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
        return output
    }

    /// Like `collapse`, but a run holding a blank line stays a paragraph break ("\n\n").
    static func collapseKeepingNewlines(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if !needsCollapsing(bytes) { return String(decoding: bytes, as: UTF8.self) }
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

    static func collapseKeepingNewlines(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { collapseKeepingNewlines($0) }
    }
}
