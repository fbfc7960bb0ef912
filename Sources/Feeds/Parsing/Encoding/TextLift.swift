import CLibXML2
import Support

/// Takes long text out of libxml2's way and gives it back through the SAX `characters` callback.
///
/// libxml2 2.9 reads CDATA sections, non-ASCII text and character references one character at a time
/// (`xmlParseCDSect`, `xmlParseCharDataComplex`, `xmlCurrentChar`, a callback per `&lt;`): on the news benchmark,
/// where most bytes are article bodies, that was a quarter of the whole parse. The entity-repair pass already
/// stops at every `<` and `&`, so it replaces each long CDATA section, and each long text run (between a tag and
/// the next `<`) that holds references or non-ASCII characters, by a processing instruction `<?tidings-cdata N?>`
/// (N indexes the lifted text; as many newlines as the original held, so line numbers in later error messages do
/// not move). The text itself, with references decoded, goes to `LiftedText`. When libxml2 reports the
/// instruction, `TextLiftHandler` passes the text to `characters`, which is what libxml2 does with a CDATA
/// section under `XML_PARSE_NOCDATA` and with character data and references: the tree comes out the same, text
/// nodes merged the same way (the tests compare both ways).
///
/// Only text libxml2 would pass through unchanged is lifted: no carriage return (libxml2 normalises line ends),
/// no U+FFFE/U+FFFF (not XML characters; the decoder removed every other forbidden character), no `]]>` in a text
/// run, only predefined and numeric references (a reference to an entity the document declares stays libxml2's),
/// and only in element content: a CDATA section whose nearest `<`/`>` before it is a `>`, a text run after a tag
/// with balanced quotes and no `<` inside. A document in which libxml2 reports any error or warning, or lifted
/// text turns up outside the root element, is parsed again without lifting: error positions (a marker is shorter
/// than the text it stands for, so columns after it differ) and recovery stay exactly libxml2's own.
enum TextLift {
    static let markerStart: StaticString = "<?tidings-cdata"
    static let target = "tidings-cdata"
    /// Short text costs libxml2 little; lifting it would only add bookkeeping.
    static let minimumLength = 64
    /// libxml2 refuses larger text nodes without XML_PARSE_HUGE: leave those to its own error path.
    static let maximumLength = 9_000_000

    /// The newline count of a liftable CDATA section's content, or nil when it must stay CDATA.
    static func liftableNewlines(_ b: UnsafeBufferPointer<UInt8>, content: Range<Int>, sectionStart: Int) -> Int? {
        guard content.count >= minimumLength, content.count <= maximumLength else { return nil }
        var back = sectionStart - 1
        while back >= 0, b[back] != 0x3E {
            if b[back] == 0x3C { return nil }
            back -= 1
        }
        guard back >= 0 else { return nil }

        var newlines = 0
        var i = content.lowerBound
        let end = content.upperBound
        let raw = UnsafeRawBufferPointer(b)
        while i < end {
            if i + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if !EntityRepair.hasByte(word, 0x0A) && !EntityRepair.hasByte(word, 0x0D)
                    && !EntityRepair.hasByte(word, 0xEF) {
                    i += 8
                    continue
                }
            }
            switch b[i] {
            case 0x0A: newlines += 1
            case 0x0D: return nil
            case 0xEF:
                if i + 2 < end, b[i + 1] == 0xBF, b[i + 2] == 0xBE || b[i + 2] == 0xBF { return nil }
            default: break
            }
            i += 1
        }
        return newlines
    }

    /// The index after the `>` of the start or end tag at `i`, or nil when `i` starts no tag or the tag is not
    /// plainly well-formed (unbalanced quotes, a `<` before its end).
    static func tagEnd(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let n = b.count
        var j = i + 1
        if j < n, b[j] == 0x2F { j += 1 }
        guard j < n else { return nil }
        let first = b[j]
        guard (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A) || first == 0x5F || first == 0x3A || first >= 0x80 else {
            return nil
        }
        var quote: UInt8 = 0
        while j < n {
            let c = b[j]
            if quote != 0 {
                if c == quote { quote = 0 } else if c == 0x3C { return nil }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == 0x3E {
                return j + 1
            } else if c == 0x3C {
                return nil
            }
            j += 1
        }
        return nil
    }

    /// Lifts the repaired text run `output[start...]` when it qualifies: decodes it into `lifted` and puts a
    /// marker in its place. Leaves `output` alone otherwise.
    static func liftRun(from start: Int, of output: inout [UInt8], into lifted: inout LiftedText) {
        guard output.count - start >= minimumLength, output.count - start <= maximumLength else { return }
        let storageStart = lifted.storage.count
        let decoded = output.withUnsafeBufferPointer { buffer in
            decode(UnsafeBufferPointer(rebasing: buffer[start...]), into: &lifted.storage)
        }
        guard let (newlines, namedReferences) = decoded else {
            lifted.storage.removeSubrange(storageStart...)
            return
        }
        lifted.sections.append(storageStart..<lifted.storage.count)
        lifted.namedReferences.append(namedReferences)
        output.removeSubrange(start...)
        appendMarker(index: lifted.sections.count - 1, newlines: newlines, to: &output)
    }

    /// Character data as libxml2 would deliver it: predefined and numeric references decoded. nil when the run
    /// holds anything libxml2 would treat otherwise, or is plain ASCII without references (libxml2 reads that
    /// fast itself).
    private static func decode(_ b: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> (Int, Bool)? {
        let n = b.count
        let raw = UnsafeRawBufferPointer(b)
        var newlines = 0
        var special = false
        var named = false
        var i = 0
        var copied = 0
        // The vectors are built once, outside the loop: built in it, they went through generic code per step.
        let nonASCII = SIMD16<UInt8>(repeating: 0x80), ampersand = SIMD16<UInt8>(repeating: 0x26)
        let newline = SIMD16<UInt8>(repeating: 0x0A), carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
        let bracket = SIMD16<UInt8>(repeating: 0x5D)
        while i < n {
            // Sixteen bytes at a time while none is non-ASCII, '&', a line end or ']' (most of a body).
            if i + 16 <= n {
                let chunk = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let special = (chunk .>= nonASCII) .| (chunk .== ampersand) .| (chunk .== newline)
                    .| (chunk .== carriageReturn) .| (chunk .== bracket)
                if !EntityRepair.anyLane(special) {
                    i += 16
                    continue
                }
            }
            if i + 8 <= n {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 && !EntityRepair.hasByte(word, 0x26)
                    && !EntityRepair.hasByte(word, 0x0A) && !EntityRepair.hasByte(word, 0x0D)
                    && !EntityRepair.hasByte(word, 0x5D) {
                    i += 8
                    continue
                }
            }
            let c = b[i]
            switch c {
            case 0x0A:
                newlines += 1
                i += 1
            case 0x0D:
                return nil
            case 0x5D:  // ]]> is not allowed in content
                if i + 2 < n, b[i + 1] == 0x5D, b[i + 2] == 0x3E { return nil }
                i += 1
            case 0x26:
                guard let (value, end) = reference(b, at: i) else { return nil }
                special = true
                if b[i + 1] != 0x23 { named = true }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
                Windows1252.appendScalar(value, to: &out)
                copied = end
                i = end
            default:
                if c >= 0x80 {
                    special = true
                    if c == 0xEF, i + 2 < n, b[i + 1] == 0xBF, b[i + 2] == 0xBE || b[i + 2] == 0xBF { return nil }
                }
                i += 1
            }
        }
        guard special else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n]))
        return (newlines, named)
    }

    /// A predefined or numeric reference at `i` (libxml2 delivers those as their character), else nil.
    private static func reference(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let n = b.count
        // libxml2 reads `&#x` only in lower case (the repair pass rewrites `&#X`).
        if i + 2 < n, b[i + 1] == 0x23, b[i + 2] == 0x58 { return nil }
        if let numeric = EntityRepair.numericReference(b, at: i) {
            let v = numeric.value
            // libxml2's IS_CHAR, minus what the repair pass never leaves behind.
            let isChar = v == 0x9 || v == 0xA || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD)
                || (v >= 0x10000 && v <= 0x10FFFF)
            // `&#13;` is left to libxml2 along with every other carriage return.
            return isChar && v != 0xD ? (v, numeric.end) : nil
        }
        func matches(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard i + count <= n else { return false }
            for k in 0..<count where b[i + k] != literal.utf8Start[k] { return false }
            return true
        }
        if matches("&lt;") { return (0x3C, i + 4) }
        if matches("&gt;") { return (0x3E, i + 4) }
        if matches("&amp;") { return (0x26, i + 5) }
        if matches("&quot;") { return (0x22, i + 6) }
        if matches("&apos;") { return (0x27, i + 6) }
        return nil
    }

    static func appendMarker(index: Int, newlines: Int, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: markerStart.utf8Start, count: markerStart.utf8CodeUnitCount))
        output.append(0x20)
        output.append(contentsOf: String(index).utf8)
        if newlines > 0 { output.append(contentsOf: repeatElement(0x0A, count: newlines)) }
        output.append(0x3F)
        output.append(0x3E)
    }
}

/// The text `TextLift` took out of one document: one buffer, one range per marker index.
struct LiftedText {
    var storage: [UInt8] = []
    var sections: [Range<Int>] = []
    /// Per section: whether it held a named (predefined) reference. libxml2 drops those from text once the
    /// document has stopped being well-formed, so such a section cannot be handed back after an error.
    var namedReferences: [Bool] = []

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let start = storage.count
        storage.append(contentsOf: bytes)
        sections.append(start..<storage.count)
        namedReferences.append(false)
    }
}

/// The parse-time half of `TextLift`: `ParseHooks` hands it every processing instruction.
final class TextLiftHandler {
    /// The lifted text; valid during the parse.
    let storage: UnsafeBufferPointer<UInt8>
    let sections: [Range<Int>]
    let namedReferences: [Bool]
    /// Lifted text came back where libxml2 would not have read it as plain character data (outside the root
    /// element, or holding `&lt;` after a well-formedness error): the caller parses again without lifting.
    private(set) var needsPlainParse = false

    init(storage: UnsafeBufferPointer<UInt8>, lifted: LiftedText) {
        self.storage = storage
        sections = lifted.sections
        namedReferences = lifted.namedReferences
    }

    /// Handles the instruction if it is one of ours (returns true), else leaves it to libxml2.
    func instruction(parser: xmlParserCtxtPtr, target: UnsafePointer<xmlChar>?, data: UnsafePointer<xmlChar>?) -> Bool {
        guard let target, Self.isLiftTarget(target), let index = Self.index(data), index < sections.count else {
            return false
        }
        guard parser.pointee.node != nil, parser.pointee.wellFormed != 0 || !namedReferences[index] else {
            needsPlainParse = true
            return true
        }
        let range = sections[index]
        guard !range.isEmpty, let base = storage.baseAddress, let characters = parser.pointee.sax.pointee.characters
        else { return true }
        characters(UnsafeMutableRawPointer(parser), base + range.lowerBound, Int32(range.count))
        return true
    }

    private static func isLiftTarget(_ target: UnsafePointer<xmlChar>) -> Bool {
        var index = 0
        for byte in TextLift.target.utf8 {
            if target[index] != byte { return false }
            index += 1
        }
        return target[index] == 0
    }

    private static func index(_ data: UnsafePointer<xmlChar>?) -> Int? {
        guard let data else { return nil }
        var value = 0
        var p = data
        while p.pointee >= 0x30 && p.pointee <= 0x39 {
            value = value * 10 + Int(p.pointee - 0x30)
            if value > Int(Int32.max) { return nil }
            p += 1
        }
        return p == data ? nil : value
    }
}
