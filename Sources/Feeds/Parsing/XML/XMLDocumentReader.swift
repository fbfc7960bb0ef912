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
    var entityLoop = false

    func record(_ error: UnsafeMutablePointer<xmlError>) {
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
    /// Never load anything from outside the document: not DTDs, not external entities, not over the network.
    private static let installRefusingLoader: Void = {
        // Once per process, before any thread parses (libxml2 wants its globals initialised first).
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    /// Call before parsing on several threads at once.
    static func prepare() { _ = installRefusingLoader }

    static let options: Int32 = Int32(
        XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
            | XML_PARSE_COMPACT.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue)
    // Deliberately absent: XML_PARSE_NOENT (substitutes external entities: reads local files),
    // XML_PARSE_DTDLOAD (fetches DTDs), XML_PARSE_HUGE (lifts the entity-expansion and depth limits).

    /// The caller owns the returned document and must `xmlFreeDoc` it.
    static func read(_ utf8: [UInt8], baseURL: String?, log: XMLErrorLog) -> xmlDocPtr? {
        read(utf8, baseURL: baseURL, log: log, lift: nil)
    }

    /// Like `read`, with the text `EntityRepair` lifted out of `utf8` put back by `lift` (see `TextLift`).
    /// `needsPlainParse` on the handler then tells the caller to parse again without lifting.
    static func read(_ utf8: [UInt8], baseURL: String?, log: XMLErrorLog, lift: TextLiftHandler?) -> xmlDocPtr? {
        _ = installRefusingLoader
        let logPointer = Unmanaged.passUnretained(log).toOpaque()
        xmlSetStructuredErrorFunc(logPointer) { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLErrorLog>.fromOpaque(context).takeUnretainedValue().record(error)
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        guard let lift else {
            return utf8.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    xmlReadMemory(chars.baseAddress, Int32(chars.count), baseURL, "UTF-8", options)
                }
            }
        }
        // xmlReadMemory with our own context: the same parse, plus the processing-instruction hook.
        guard let parser = xmlNewParserCtxt() else { return nil }
        defer { xmlFreeParserCtxt(parser) }
        lift.install(on: parser)
        return withExtendedLifetime(lift) {
            utf8.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    xmlCtxtReadMemory(parser, chars.baseAddress, Int32(chars.count), baseURL, "UTF-8", options)
                }
            }
        }
    }
}
