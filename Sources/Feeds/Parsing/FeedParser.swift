import CLibXML2
import CShims
import Support

/// Parses RSS 0.90–2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1 documents.
///
/// Never touches the file system or the network: no DTDs, no external entities. Internal entity expansion is
/// bounded (libxml2's loop detection plus our own budget), input size is capped before anything is parsed.
public enum FeedParser {
    /// Text produced by entity expansion beyond this many bytes per document means an entity bomb.
    static let entityBudgetFactor = 4
    static let entityBudgetFloor = 1 << 20

    /// Initialises libxml2; parse() does it too, but calling this first is cheaper than a race to do it.
    public static func prepare() { XMLDocumentReader.prepare() }

    public static func parse(_ bytes: [UInt8], options: FeedParseOptions = .init()) throws(FeedParseError) -> ParsedFeed {
        try parse(bytes, options: options, liftText: true)
    }

    /// `liftText: false` leaves all text to libxml2 (see `TextLift`); `streamEntries: false` reads every entry
    /// from the finished tree. The tests and the fuzzer compare both ways.
    static func parse(_ bytes: [UInt8], options: FeedParseOptions, liftText: Bool,
                      streamEntries: Bool = true) throws(FeedParseError) -> ParsedFeed {
        guard bytes.count <= options.maxBytes, bytes.count < Int(Int32.max) else {
            throw FeedParseError(.tooLarge, "document is \(bytes.count) bytes; the limit is \(options.maxBytes)")
        }
        guard let firstSignificant = bytes.firstIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
        else {
            throw FeedParseError(.empty, "document is empty")
        }
        if bytes[firstSignificant] == UInt8(ascii: "{") || (CharsetDecoder.byteOrderMark(bytes)?.0 == "utf-8"
            && bytes.count > 3 && bytes[3...].first(where: { $0 > 0x20 }) == UInt8(ascii: "{")) {
            return try JSONFeedReader.parse(bytes, options: options)
        }

        var bytes = bytes
        var junkWarning: String? = nil
        let byteOrderMark = CharsetDecoder.byteOrderMark(bytes)
        if byteOrderMark == nil || byteOrderMark?.0 == "utf-8", CharsetDecoder.sniffWideEncoding(bytes) == nil {
            let skip = byteOrderMark?.1 ?? 0
            if let junk = LeadingJunk.prefixLength(bytes, after: skip) {
                bytes.removeSubrange(skip..<(skip + junk))
                junkWarning = "ignored \(junk) byte(s) before the XML declaration"
            }
        }

        let decoded = CharsetDecoder.decode(bytes, transportCharset: options.charsetHint, precedence: .feed)
        let entityBudget = max(entityBudgetFloor, bytes.count * entityBudgetFactor)
        func newReader() -> FeedTreeReader {
            FeedTreeReader(entityBudget: entityBudget, keepParagraphBreaks: options.keepParagraphBreaks,
                           hasSourceURL: options.sourceURL != nil)
        }
        var (repaired, log, parsed) = readXML(decoded.utf8, baseURL: options.sourceURL, liftText: liftText,
                                              reader: newReader(), stream: streamEntries)
        if parsed.needsPlainParse && log.total == 0 {
            if let document = parsed.document { xmlFreeDoc(document) }
            (repaired, log, parsed) = readXML(decoded.utf8, baseURL: options.sourceURL, liftText: false,
                                              reader: newReader(), stream: false)
        }
        // libxml2 found errors: parse again from bytes whose end tags match their start tags (`TagBalancer`),
        // without lifting, whole tree, predefined references spelled numerically (`EntityRepair`). The errors
        // reported are the first parse's, at the document's own positions.
        var recovered: XMLErrorLog? = nil
        var balanced: TagBalancer.Result? = nil
        if log.total > 0 && !log.entityLoop {
            if let document = parsed.document { xmlFreeDoc(document) }
            if !repaired.lifted.sections.isEmpty {
                // Positions after a lifted section are off by the columns its marker saved: take the errors
                // from the document as written (one more parse, for broken documents with long text only).
                (repaired, log, parsed) = readXML(decoded.utf8, baseURL: options.sourceURL, liftText: false,
                                                  reader: newReader(), stream: false)
                if let document = parsed.document { xmlFreeDoc(document) }
            }
            recovered = log
            let balance = TagBalancer.balance(decoded.utf8)
            balanced = balance
            (repaired, log, parsed) = readXML(balance.bytes, baseURL: options.sourceURL, liftText: false,
                                              reader: newReader(), stream: false, predefinedAsNumeric: true)
            if parsed.document == nil && balance.count > 0 {
                // Balancing made things worse for libxml2 (never seen; cheap to guard): its own recovery then.
                balanced = nil
                (repaired, log, parsed) = readXML(decoded.utf8, baseURL: options.sourceURL, liftText: false,
                                                  reader: newReader(), stream: false, predefinedAsNumeric: true)
            }
        }
        let errors = recovered ?? log
        guard let document = parsed.document else {
            if log.entityLoop { throw FeedParseError(.entityLoop, "entity reference loop (entity expansion bomb)") }
            let first = errors.firstError
            throw FeedParseError(.malformed, "not XML: \(first?.message ?? "no document")", line: first?.line,
                                 column: first?.column)
        }
        defer { xmlFreeDoc(document) }
        if log.entityLoop {
            let first = log.entries.first { $0.code == Int32(XML_ERR_ENTITY_LOOP.rawValue) }
            throw FeedParseError(.entityLoop, "entity reference loop (entity expansion bomb)", line: first?.line,
                                 column: first?.column)
        }

        var reader = parsed.reader
        var feed: ParsedFeed
        do {
            feed = try reader.read(document: document)
        } catch {
            if error.kind == .notAFeed, let first = errors.firstError, errors.total > 0 {
                throw FeedParseError(.notAFeed, "\(error.message); first XML error: \(first.message)",
                                     line: first.line, column: first.column)
            }
            throw error
        }
        if reader.entityBudgetExceeded {
            throw FeedParseError(.entityLoop, "entity expansion exceeds \(entityBudget) bytes")
        }
        feed.encoding = decoded.charset
        feed.warnings = decoded.warnings
        if let junkWarning { feed.warnings.append(junkWarning) }
        if repaired.changed > 0 {
            feed.warnings.append("repaired \(repaired.changed) undefined entity or bare '&' reference(s)")
        }
        if errors.total > 0, let first = errors.firstError {
            var where_ = ""
            if let line = first.line { where_ = " at line \(line)" + (first.column.map { ", column \($0)" } ?? "") }
            feed.warnings.append("ill-formed XML recovered (\(errors.total) error(s)); first\(where_): \(first.message)")
        }
        if let balanced, balanced.count > 0 {
            let more = balanced.count > balanced.notes.count ? " (and \(balanced.count - balanced.notes.count) more)" : ""
            feed.warnings.append("tags balanced before recovery: " + balanced.notes.joined(separator: "; ") + more)
        }
        feed.repairUTF8MisreadAsLatin1()
        StableIDs.assign(to: &feed, sourceURL: options.sourceURL)
        return feed
    }
}

extension FeedParser {
    /// Entity repair, then libxml2; with `liftText`, long text bypasses libxml2's slow readers (`TextLift`).
    /// Entries are read by `reader` as they end during the parse, and their subtrees freed (see
    /// `FeedTreeReader.elementEnded`): the tree never holds more than one entry's content.
    /// `predefinedAsNumeric`: for the recovery parse only (see `EntityRepair.repair`); it moves columns, so the
    /// parses whose errors are reported keep the references as written.
    static func readXML(_ utf8: [UInt8], baseURL: String?, liftText: Bool, reader: FeedTreeReader, stream: Bool,
                        predefinedAsNumeric: Bool = false)
        -> (EntityRepair.Result, XMLErrorLog,
            (document: xmlDocPtr?, needsPlainParse: Bool, reader: FeedTreeReader)) {
        let repaired = EntityRepair.repair(utf8, liftText: liftText, predefinedAsNumeric: predefinedAsNumeric)
        let log = XMLErrorLog()
        let streaming = StreamingReader(reader)
        let hooks = ParseHooks(elementEnded: stream ? { streaming.reader.elementEnded($0) } : nil)
        guard !repaired.lifted.sections.isEmpty else {
            let document = XMLDocumentReader.read(repaired.bytes, baseURL: baseURL, log: log, hooks: hooks)
            // Recovery from XML errors can rearrange what an entry read early held (the fuzzer found one):
            // a document with any error or warning is read again from the whole tree.
            return (repaired, log, (document, stream && log.total > 0, streaming.reader))
        }
        return repaired.lifted.storage.withUnsafeBufferPointer { storage in
            let lift = TextLiftHandler(storage: storage, lifted: repaired.lifted)
            hooks.lift = lift
            let document = XMLDocumentReader.read(repaired.bytes, baseURL: baseURL, log: log, hooks: hooks)
            // Error positions after a marker would be off by the columns it saved, and recovery from errors
            // is libxml2's business: any error or warning means the plain parse decides (the bytes before the
            // error were cheap; feeds with errors are the minority).
            return (repaired, log, (document, lift.needsPlainParse || log.total > 0, streaming.reader))
        }
    }
}

/// The feed reader, boxed so the parse-time hook can update it.
final class StreamingReader {
    var reader: FeedTreeReader
    init(_ reader: FeedTreeReader) { self.reader = reader }
}

/// Entry ids that survive re-polls: the published id, else the link, else a hash of feed + title + date.
enum StableIDs {
    static func assign(to feed: inout ParsedFeed, sourceURL: String?) {
        let feedKey = sourceURL ?? feed.link ?? feed.title ?? ""
        for index in feed.entries.indices {
            let entry = feed.entries[index]
            if let id = entry.id, !id.isEmpty {
                feed.entries[index].stableID = id
            } else if let link = entry.link, !link.isEmpty {
                feed.entries[index].stableID = link
            } else {
                let date = (entry.published ?? entry.updated).map { String(Int64($0.timeIntervalSince1970)) } ?? ""
                let material = [feedKey, entry.title ?? "", date, entry.title == nil ? (entry.summary ?? "") : ""]
                    .joined(separator: "\u{1F}")
                feed.entries[index].stableID = "tidings:" + fnv1a128Hex(material)
            }
        }
    }

    /// Two independent 64-bit FNV-1a hashes (the second over the bytes xor 0x5A, from another start): enough to keep
    /// ids apart within one feed, and stable across runs.
    static func fnv1a128Hex(_ text: String) -> String {
        let first = StableHash.hash(text.utf8)
        let second = StableHash.hash(text.utf8.lazy.map { $0 ^ 0x5A }, seed: 0x6c62_272e_07bb_0142)
        return StableHash.hex(first) + StableHash.hex(second)
    }
}
