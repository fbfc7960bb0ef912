import CLibXML2
import CShims

/// Errors libxml2 reported while reading one document.
final class XMLErrorLog {
    struct Entry {
        var message: String
        var line: Int?
        var column: Int?
        var code: Int32
        var fatal: Bool
    }

    var entries: [Entry] = []
    var total = 0
    /// Set while entries are read during the parse: tree functions may report there, but those are no XML errors.
    var paused = false
    var entityLoop = false

    func record(_ error: UnsafeMutablePointer<xmlError>) {
        if paused { return }
        total += 1
        let code = error.pointee.code
        if code == Int32(XML_ERR_ENTITY_LOOP.rawValue) { entityLoop = true }
        guard entries.count < 20 else { return }
        var message = error.pointee.message.map { String(cString: $0) } ?? "XML error \(code)"
        while message.last == "\n" || message.last == " " { message.removeLast() }
        let line = error.pointee.line > 0 ? Int(error.pointee.line) : nil
        let column = error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil
        entries.append(Entry(message: message, line: line, column: column, code: code,
                             fatal: error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue))
    }

    var firstError: Entry? { entries.first(where: { $0.fatal }) ?? entries.first }
}

/// Reads UTF-8 bytes into a libxml2 tree with everything dangerous switched off.
enum XMLDocumentReader {
    /// Never load anything from outside the document (not DTDs, not external entities, not over the network), and
    /// libxml2's globals initialised before any thread parses: `tidings_xml_initialize` (CShims), once per process.
    static func prepare() { tidings_xml_initialize() }

    static let options: Int32 = Int32(
        XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
            | XML_PARSE_COMPACT.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue)
    // Deliberately absent: XML_PARSE_NOENT (substitutes external entities: reads local files),
    // XML_PARSE_DTDLOAD (fetches DTDs), XML_PARSE_HUGE (lifts the entity-expansion and depth limits).

    /// The caller owns the returned document and must `xmlFreeDoc` it.
    static func read(_ utf8: [UInt8], baseURL: String?, log: XMLErrorLog) -> xmlDocPtr? {
        reportingErrors(to: log) {
            utf8.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    xmlReadMemory(chars.baseAddress, Int32(chars.count), baseURL, "UTF-8", options)
                }
            }
        }
    }

    /// Like `read`, with parse-time hooks: lifted text put back (see `TextLift`), entries read as they end.
    static func read(_ utf8: [UInt8], baseURL: String?, log: XMLErrorLog, hooks: ParseHooks) -> xmlDocPtr? {
        reportingErrors(to: log) { () -> xmlDocPtr? in
            // xmlReadMemory with our own context: the same parse, plus the hooks.
            guard let parser = xmlNewParserCtxt() else { return nil }
            defer { xmlFreeParserCtxt(parser) }
            hooks.install(on: parser, log: log)
            return withExtendedLifetime(hooks) {
                utf8.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        xmlCtxtReadMemory(parser, chars.baseAddress, Int32(chars.count), baseURL, "UTF-8", options)
                    }
                }
            }
        }
    }

    /// Runs one parse with libxml2 initialised and its structured errors going to `log` (unset again after).
    private static func reportingErrors<Parsed>(to log: XMLErrorLog, _ parse: () -> Parsed) -> Parsed {
        tidings_xml_initialize()
        let logPointer = Unmanaged.passUnretained(log).toOpaque()
        xmlSetStructuredErrorFunc(logPointer) { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLErrorLog>.fromOpaque(context).takeUnretainedValue().record(error)
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return parse()
    }
}

/// SAX hooks layered over libxml2's tree builder for one parse (the tree comes out as without them, minus the
/// children of entries already read).
final class ParseHooks {
    var lift: TextLiftHandler?
    /// Called with each element that has just ended; returning true means "read: free its children".
    var elementEnded: ((xmlNodePtr) -> Bool)?
    private var defaultInstruction: processingInstructionSAXFunc?
    private var defaultEndElement: endElementNsSAX2Func?
    private var log: XMLErrorLog?

    init(lift: TextLiftHandler? = nil, elementEnded: ((xmlNodePtr) -> Bool)? = nil) {
        self.lift = lift
        self.elementEnded = elementEnded
    }

    func install(on parser: xmlParserCtxtPtr, log: XMLErrorLog) {
        self.log = log
        parser.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        let sax = parser.pointee.sax!
        defaultInstruction = sax.pointee.processingInstruction
        defaultEndElement = sax.pointee.endElementNs
        // Called for every element and instruction: reach the hooks without retain/release traffic.
        sax.pointee.processingInstruction = { context, target, data in
            guard let context, let owner = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return }
            Unmanaged<ParseHooks>.fromOpaque(owner)._withUnsafeGuaranteedRef { $0.instruction(context, target, data) }
        }
        sax.pointee.endElementNs = { context, localName, prefix, uri in
            guard let context, let owner = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return }
            Unmanaged<ParseHooks>.fromOpaque(owner)._withUnsafeGuaranteedRef {
                $0.elementEnd(context, localName, prefix, uri)
            }
        }
    }

    private func instruction(_ context: UnsafeMutableRawPointer, _ target: UnsafePointer<xmlChar>?,
                             _ data: UnsafePointer<xmlChar>?) {
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        if let lift, lift.instruction(parser: parser, target: target, data: data) { return }
        defaultInstruction?(context, target, data)
    }

    private func elementEnd(_ context: UnsafeMutableRawPointer, _ localName: UnsafePointer<xmlChar>?,
                            _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?) {
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        let ended = parser.pointee.node
        defaultEndElement?(context, localName, prefix, uri)
        guard let ended, let onEnd = elementEnded, Self.mayBeEntry(ended), let localName, let name = ended.pointee.name,
              name == localName || xmlStrEqual(name, localName) != 0 else { return }
        // Reading may call tree functions that report to the error handler: those are not parse errors.
        log?.paused = true
        let read = onEnd(ended)
        log?.paused = false
        if read, let children = ended.pointee.children {
            // The parser keeps no pointer into a closed element's children: text that follows is added
            // after the element itself (the parent's last child), so freeing them is safe.
            ended.pointee.children = nil
            ended.pointee.last = nil
            xmlFreeNodeList(children)
        }
    }

    /// Entries are children of the root or of a child of the root (the channel): skip deeper elements cheaply.
    @inline(__always)
    private static func mayBeEntry(_ node: xmlNodePtr) -> Bool {
        guard let parent = node.pointee.parent, let grandparent = parent.pointee.parent else { return false }
        return grandparent.pointee.type == XML_DOCUMENT_NODE
            || grandparent.pointee.parent?.pointee.type == XML_DOCUMENT_NODE
    }
}
