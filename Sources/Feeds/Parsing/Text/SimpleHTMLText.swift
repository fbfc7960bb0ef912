import Support

/// The fast path of `HTMLText`: plain text from HTML fragments that are simple enough to read without a full
/// HTML parser, with the same result libxml2's parser gives (a differential test holds the two together).
///
/// Measured on the news benchmark corpus, libxml2's HTML parser took longer than the whole XML parse, and most
/// feed markup is simple: paragraphs, links, emphasis, images, entities. "Simple" means: tags are `<name …>` /
/// `</name>` with balanced quotes; no comments, doctype, CDATA or processing instructions; no script, style or
/// other element whose content is dropped; every `&` starts a known entity or numeric reference that ends in `;`,
/// or is followed by a character that cannot start one; no control characters. Anything else returns nil and
/// goes to libxml2.
enum SimpleHTMLText {
    static func plainText(_ b: UnsafeBufferPointer<UInt8>, keepParagraphs: Bool) -> [UInt8]? {
        var bytes: [UInt8] = []
        return plainText(b, keepParagraphs: keepParagraphs, into: &bytes) ? bytes : nil
    }

    /// `plainText` into `output` (emptied first, its capacity kept): a converter reuses one buffer for every
    /// fragment of a feed instead of allocating one the size of each fragment. False when the fragment is not
    /// simple (`output` then holds nothing useful).
    static func plainText(_ b: UnsafeBufferPointer<UInt8>, keepParagraphs: Bool, into output: inout [UInt8]) -> Bool {
        var out = Builder(keepParagraphs: keepParagraphs)
        swap(&out.bytes, &output)
        out.bytes.removeAll(keepingCapacity: true)
        out.bytes.reserveCapacity(b.count)
        // The open elements, at most `maximumDepth`, in a stack-allocated buffer (no heap block per fragment).
        let simple = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: maximumDepth) { stack in
            read(b, into: &out, stack: stack)
        }
        swap(&out.bytes, &output)
        return simple
    }

    private static let maximumDepth = 64

    private static func read(_ b: UnsafeBufferPointer<UInt8>, into out: inout Builder,
                             stack: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        var depth = 0
        let n = b.count
        var i = 0

        while i < n {
            let c = b[i]
            switch c {
            case 0x20, 0x0A, 0x09, 0x0D:  // not 0x0C: libxml2 drops a form feed rather than spacing it
                out.pendingSpace = true
                i += 1
            case 0x3C:  // <
                guard i + 1 < n else { return false }
                var j = i + 1
                let closing = b[j] == 0x2F
                if closing { j += 1 }
                guard j < n, isLetter(b[j]) else { return false }
                let nameStart = j
                while j < n, isLetter(b[j]) || isDigit(b[j]) { j += 1 }
                let nameEnd = j
                // Attributes, read the way libxml2 does; anything unusual is not simple.
                guard let tagEnd = attributesEnd(b, from: j) else { return false }
                j = tagEnd
                if nameEnd < n, b[nameEnd] != 0x3E, b[nameEnd] != 0x2F, !isSpaceByte(b[nameEnd]) { return false }
                guard let key = nameKey(b, nameStart, nameEnd) else { return false }
                let selfClosing = b[j - 1] == 0x2F
                if closing {
                    // libxml2 ignores or auto-closes around mismatched end tags: only exact nesting is simple.
                    guard !Tags.isVoid(key), depth > 0, stack[depth - 1] == key else { return false }
                    depth -= 1
                } else if Tags.isVoid(key) {
                    if !Tags.isPhrasing(key) && !Tags.opensSafely(key, inside: depth > 0 ? stack[depth - 1] : Tags.div) {
                        return false
                    }
                } else {
                    guard !selfClosing else { return false }
                    if Tags.isPhrasing(key) {
                        if key == Tags.a && depth > 0 && stack[depth - 1] == Tags.a { return false }
                    } else if !Tags.opensSafely(key, inside: depth > 0 ? stack[depth - 1] : Tags.div) {
                        return false
                    }
                    guard depth < maximumDepth else { return false }
                    stack[depth] = key
                    depth += 1
                }
                switch HTMLElementKind.kind(forKey: key) {
                case .skipped: return false
                case .paragraph: out.boundary(2)
                case .line: out.boundary(1)
                case .inline: break
                }
                i = j + 1
            case 0x26:  // &
                guard let found = reference(b, at: i) else { return false }
                out.separator()
                switch found.scalars {
                case .one(let scalar): Windows1252.appendScalar(scalar, to: &out.bytes)
                case .several(let scalars): for scalar in scalars { Windows1252.appendScalar(scalar, to: &out.bytes) }
                }
                i = found.end
            default:
                if c < 0x20 || c == 0x7F { return false }
                // Text where HTML allows none (directly in a table or list) is moved around by libxml2.
                if depth > 0, Tags.holdsNoText(stack[depth - 1]) { return false }
                out.separator()
                // Copy the run of ordinary bytes at once.
                // Single spaces between words stay inside the run: whole sentences are copied in one go.
                var j = skipOrdinaryWords(b, from: i + 1)
                while j < n {
                    let d = b[j]
                    if d > 0x20 && d != 0x3C && d != 0x26 && d != 0x7F {
                        j += 1
                    } else if d == 0x20 && j + 1 < n && b[j + 1] > 0x20 && b[j + 1] != 0x3C && b[j + 1] != 0x26
                                && b[j + 1] != 0x7F {
                        j += 2
                    } else {
                        break
                    }
                }
                out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j]))
                i = j
            }
        }
        return true
    }

    /// Skips sixteen bytes at a time while the byte loop after it would take them all: no byte below 0x20, no
    /// '<', '&' or DEL, and every space followed by an ordinary byte (the loop takes a space only together with
    /// the byte after it). The loop stops at the first byte that is none of these, so a group without one is
    /// taken whole; a group with one is left to the loop, which stops exactly there. Text runs are most of a
    /// body's bytes, and the byte loop costs several branches a byte (the eight-byte SWAR test before this one
    /// cost about three instructions a byte).
    @inline(__always)
    private static func skipOrdinaryWords(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = b.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var j = start
        let space = SIMD16<UInt8>(repeating: 0x20)
        let less = SIMD16<UInt8>(repeating: 0x3C), amp = SIMD16<UInt8>(repeating: 0x26)
        let del = SIMD16<UInt8>(repeating: 0x7F)
        // The byte after each lane is read too (j + 17 <= n).
        while j + 17 <= n {
            let here = raw.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self)
            let next = raw.loadUnaligned(fromByteOffset: j + 1, as: SIMD16<UInt8>.self)
            let special = (here .< space) .| (here .== less) .| (here .== amp) .| (here .== del)
            let nextOrdinary = (next .> space) .& (next .!= less) .& (next .!= amp) .& (next .!= del)
            let stop = special .| ((here .== space) .& .!nextOrdinary)
            if EntityRepair.anyLane(stop) { break }
            j += 16
        }
        return j
    }

    /// Output with the pending separator logic of `TextSink` (a struct: no dynamic exclusivity checks).
    private struct Builder {
        var bytes: [UInt8] = []
        var pendingSpace = false
        var pendingBreak = 0
        let keepParagraphs: Bool

        init(keepParagraphs: Bool) {
            self.keepParagraphs = keepParagraphs
        }

        @inline(__always) mutating func separator() {
            if !bytes.isEmpty {
                if pendingBreak == 2 {
                    bytes.append(0x0A); bytes.append(0x0A)
                } else if pendingBreak == 1 {
                    bytes.append(0x0A)
                } else if pendingSpace {
                    bytes.append(0x20)
                }
            }
            pendingSpace = false
            pendingBreak = 0
        }

        @inline(__always) mutating func boundary(_ strength: Int) {
            if keepParagraphs { pendingBreak = max(pendingBreak, strength) } else { pendingSpace = true }
        }
    }

    /// Index of the '>' closing a tag whose attributes start at `start`: `name`, `name=value`, `name="value"`,
    /// `name='value'`, separated by whitespace, optionally ending in '/'. nil for anything else (quotes inside
    /// names, '<' anywhere, control characters, a missing '>'), which libxml2 reads in its own way.
    private static func attributesEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let n = b.count
        var j = start
        while true {
            while j < n, isSpaceByte(b[j]) { j += 1 }
            guard j < n else { return nil }
            if b[j] == 0x3E { return j }
            if b[j] == 0x2F {
                return j + 1 < n && b[j + 1] == 0x3E ? j + 1 : nil
            }
            // Attribute name.
            let nameStart = j
            while j < n, isAttributeNameByte(b[j]) { j += 1 }
            guard j > nameStart, j < n else { return nil }
            while j < n, isSpaceByte(b[j]) { j += 1 }
            guard j < n else { return nil }
            guard b[j] == 0x3D else { continue }  // a name without a value
            j += 1
            while j < n, isSpaceByte(b[j]) { j += 1 }
            guard j < n else { return nil }
            let quote = b[j]
            if quote == 0x22 || quote == 0x27 {
                j += 1
                while j < n, b[j] != quote {
                    if b[j] == 0x3C || b[j] < 0x09 { return nil }
                    j += 1
                }
                guard j < n else { return nil }
                j += 1
                // The next thing must be whitespace, '/' or '>'.
                guard j < n, isSpaceByte(b[j]) || b[j] == 0x3E || b[j] == 0x2F else { return nil }
            } else {
                let valueStart = j
                while j < n, !isSpaceByte(b[j]), b[j] != 0x3E {
                    let c = b[j]
                    if c == 0x22 || c == 0x27 || c == 0x3C || c == 0x3D || c == 0x60 || c < 0x20 { return nil }
                    j += 1
                }
                guard j > valueStart else { return nil }
            }
        }
    }

    @inline(__always) private static func isAttributeNameByte(_ c: UInt8) -> Bool {
        isLetter(c) || isDigit(c) || c == 0x2D || c == 0x5F || c == 0x3A || c == 0x2E
    }

    /// A reference's characters: one (almost always: no array to allocate) or the table's several.
    enum ReferenceScalars {
        case one(UInt32)
        case several([UInt32])
    }

    /// `&name;` or `&#…;` → its characters; a lone `&` before a non-name character stays `&`; nil otherwise.
    private static func reference(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalars: ReferenceScalars, end: Int)? {
        let n = b.count
        guard i + 1 < n else { return nil }
        let next = b[i + 1]
        if next == 0x23 {
            guard let numeric = EntityRepair.numericReference(b, at: i) else { return nil }
            if let run = doubleEncoded(b, at: i, firstValue: numeric.value) { return run }
            guard let value = numericScalar(numeric.value) else { return nil }
            return (.one(value), numeric.end)
        }
        if next == 0x20 || next == 0x0A || next == 0x09 || next == 0x0D { return (.one(0x26), i + 1) }
        guard isLetter(next) else { return nil }
        var j = i + 1
        while j < n, j - i <= 32, isLetter(b[j]) || isDigit(b[j]) { j += 1 }
        guard j < n, b[j] == 0x3B else { return nil }
        switch j - i - 1 {
        case 2 where b[i + 1] == 0x6C && b[i + 2] == 0x74: return (.one(0x3C), j + 1)  // lt
        case 2 where b[i + 1] == 0x67 && b[i + 2] == 0x74: return (.one(0x3E), j + 1)  // gt
        case 3 where b[i + 1] == 0x61 && b[i + 2] == 0x6D && b[i + 3] == 0x70: return (.one(0x26), j + 1)  // amp
        // quot: predefined in XML, so not in `HTMLEntityTable` (the XML repair's table); an HTML 4 entity that
        // libxml2's HTML parser reads as '"'. Without this case every fragment with a quote went to libxml2.
        case 4 where b[i + 1] == 0x71 && b[i + 2] == 0x75 && b[i + 3] == 0x6F && b[i + 4] == 0x74: return (.one(0x22), j + 1)
        default: break
        }
        guard let scalars = HTMLEntityTable.table[String(decoding: b[(i + 1)..<j], as: UTF8.self)] else { return nil }
        if scalars.count == 1, let run = doubleEncoded(b, at: i, firstValue: scalars[0]) { return run }
        return (scalars.count == 1 ? .one(scalars[0]) : .several(scalars), j + 1)
    }

    /// A numeric reference's character as the HTML converter reads it (C1 controls as windows-1252), or nil for
    /// one libxml2 would treat differently.
    private static func numericScalar(_ raw: UInt32) -> UInt32? {
        var value = raw
        if value >= 0x80 && value < 0xA0 { value = Windows1252.scalar(of: UInt8(value)) }
        guard value >= 0x20 || value == 0x09 || value == 0x0A || value == 0x0D, value != 0x7F,
              value < 0x80 || value >= 0xA0, value < 0xD800 || value > 0xDFFF, value <= 0x10FFFF,
              value != 0xFFFE, value != 0xFFFF else { return nil }
        return value
    }

    /// UTF-8 bytes written as Latin-1 references (`&#226;&#128;&#166;`): the character they spell, read the way
    /// `EntityRepair.numericHTML5Entities` rewrites them for the libxml2 path (this path reads the fragment
    /// without that rewrite). Only a reference worth 0xC2–0xF4 can start one.
    @inline(__always)
    private static func doubleEncoded(_ b: UnsafeBufferPointer<UInt8>, at i: Int, firstValue: UInt32)
        -> (scalars: ReferenceScalars, end: Int)? {
        guard firstValue >= 0xC2 && firstValue <= 0xF4, let run = EntityRepair.doubleEncodedRun(b, at: i),
              let value = numericScalar(run.scalar) else { return nil }
        return (.one(value), run.end)
    }

    @inline(__always) private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) private static func isSpaceByte(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D
    }

    /// The lower-cased name packed into a UInt64 (as `HTMLElementKind` keys it); nil for names too long to
    /// pack, except the two long names feeds use.
    private static func nameKey(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        let length = end - start
        var key: UInt64 = 0
        for index in start..<end { key = key << 8 | UInt64(b[index] | 0x20) }
        if length <= 8 { return key }
        return length == 10 && (key == Tags.blockquote || key == Tags.figcaption) ? key : nil
    }

    /// Just enough of libxml2's HTML 4 content rules (htmlStartClose) to know when a start tag would make it
    /// close an open element on its own; when unsure, the answer is "not safe" and libxml2 reads the fragment.
    private enum Tags {
        static let a: UInt64 = 0x61
        static let div: UInt64 = 0x646976
        static let li: UInt64 = 0x6C69, td: UInt64 = 0x7464, th: UInt64 = 0x7468, tr: UInt64 = 0x7472
        static let dd: UInt64 = 0x6464, dt: UInt64 = 0x6474, dl: UInt64 = 0x646C, ul: UInt64 = 0x756C, ol: UInt64 = 0x6F6C
        static let table: UInt64 = 0x7461626C65, tbody: UInt64 = 0x74626F6479, thead: UInt64 = 0x7468656164
        static let tfoot: UInt64 = 0x74666F6F74, caption: UInt64 = 0x63617074696F6E
        static let blockquote: UInt64 = 0x6F636B71756F7465, figcaption: UInt64 = 0x6763617074696F6E

        /// Phrasing elements: in libxml2's table they close nothing but `head` (and `a` closes `a`).
        static func isPhrasing(_ key: UInt64) -> Bool {
            switch key {
            case 0x61, 0x61626272, 0x62, 0x626469, 0x62646F, 0x626967, 0x63697465, 0x636F6465, 0x64656C, 0x64666E,
                 0x656D, 0x666F6E74, 0x69, 0x696E73, 0x6B6264, 0x6C6162656C, 0x6D61726B, 0x71, 0x73, 0x73616D70,
                 0x736D616C6C, 0x7370616E, 0x737472696B65, 0x7374726F6E67, 0x737562, 0x737570, 0x74696D65, 0x7474,
                 0x75, 0x766172,
                 0x6272, 0x696D67, 0x776272:  // br img wbr
                return true
            default:
                return false
            }
        }

        /// Elements with no end tag: br img wbr hr input meta link area base col embed param source track.
        static func isVoid(_ key: UInt64) -> Bool {
            switch key {
            case 0x6272, 0x696D67, 0x776272, 0x6872, 0x696E707574, 0x6D657461, 0x6C696E6B, 0x61726561, 0x62617365,
                 0x636F6C, 0x656D626564, 0x706172616D, 0x736F75726365, 0x747261636B:
                return true
            default:
                return false
            }
        }

        /// Containers no start tag closes: div section article blockquote figure header footer nav aside main
        /// center figcaption.
        static func isContainer(_ key: UInt64) -> Bool {
            switch key {
            case 0x646976, 0x73656374696F6E, 0x61727469636C65, 0x6F636B71756F7465, 0x666967757265, 0x686561646572,
                 0x666F6F746572, 0x6E6176, 0x6173696465, 0x6D61696E, 0x63656E746572, 0x6763617074696F6E:
                return true
            default:
                return false
            }
        }

        static func holdsNoText(_ key: UInt64) -> Bool {
            key == table || key == tbody || key == thead || key == tfoot || key == tr || key == ul || key == ol
                || key == dl
        }

        /// Whether a non-phrasing element can start inside `top` without libxml2 auto-closing `top`.
        static func opensSafely(_ key: UInt64, inside top: UInt64) -> Bool {
            if key == 0x68746D6C || key == 0x626F6479 || key == 0x68656164 { return false }  // html body head
            if isContainer(top) { return true }
            switch top {
            case li: return key != li
            case td, th: return key != td && key != th && key != tr && key != tbody && key != thead && key != tfoot
            case dd, dt: return key != dd && key != dt && key != dl
            case ul, ol: return key == li
            case dl: return key == dt || key == dd
            case table: return key == tr || key == tbody || key == thead || key == tfoot || key == caption
            case tbody, thead, tfoot: return key == tr
            case tr: return key == td || key == th
            default: return false
            }
        }
    }
}
