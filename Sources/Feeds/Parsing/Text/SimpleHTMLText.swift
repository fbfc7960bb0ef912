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
        var out = Builder(keepParagraphs: keepParagraphs, capacity: b.count)
        let n = b.count
        var i = 0

        while i < n {
            let c = b[i]
            switch c {
            case 0x20, 0x0A, 0x09, 0x0D, 0x0C:
                out.pendingSpace = true
                i += 1
            case 0x3C:  // <
                guard i + 1 < n else { return nil }
                var j = i + 1
                let closing = b[j] == 0x2F
                if closing { j += 1 }
                guard j < n, isLetter(b[j]) else { return nil }
                let nameStart = j
                while j < n, isLetter(b[j]) || isDigit(b[j]) { j += 1 }
                let nameEnd = j
                // Attributes: anything up to '>' outside quotes.
                var quote: UInt8 = 0
                while j < n {
                    let d = b[j]
                    if quote != 0 {
                        if d == quote { quote = 0 }
                    } else if d == 0x22 || d == 0x27 {
                        quote = d
                    } else if d == 0x3E {
                        break
                    } else if d == 0x3C {
                        return nil
                    }
                    j += 1
                }
                guard j < n, quote == 0 else { return nil }
                if nameEnd < n, b[nameEnd] != 0x3E, b[nameEnd] != 0x2F, !isSpaceByte(b[nameEnd]) { return nil }
                switch kind(b, nameStart, nameEnd) {
                case .skipped: return nil
                case .paragraph: out.boundary(2)
                case .line: out.boundary(1)
                case .inline: break
                }
                _ = closing
                i = j + 1
            case 0x26:  // &
                guard let (scalars, end) = reference(b, at: i) else { return nil }
                out.separator()
                for scalar in scalars { Windows1252.appendScalar(scalar, to: &out.bytes) }
                i = end
            default:
                if c < 0x20 || c == 0x7F { return nil }
                out.separator()
                // Copy the run of ordinary bytes at once.
                // Single spaces between words stay inside the run: whole sentences are copied in one go.
                var j = i + 1
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
        return out.bytes
    }

    /// Output with the pending separator logic of `TextSink` (a struct: no dynamic exclusivity checks).
    private struct Builder {
        var bytes: [UInt8] = []
        var pendingSpace = false
        var pendingBreak = 0
        let keepParagraphs: Bool

        init(keepParagraphs: Bool, capacity: Int) {
            self.keepParagraphs = keepParagraphs
            bytes.reserveCapacity(capacity)
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

    /// `&name;` or `&#…;` → its characters; a lone `&` before a non-name character stays `&`; nil otherwise.
    private static func reference(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> ([UInt32], Int)? {
        let n = b.count
        guard i + 1 < n else { return nil }
        let next = b[i + 1]
        if next == 0x23 {
            guard let numeric = EntityRepair.numericReference(b, at: i) else { return nil }
            var value = numeric.value
            if value >= 0x80 && value < 0xA0 { value = Windows1252.scalar(of: UInt8(value)) }
            guard value >= 0x20 || value == 0x09 || value == 0x0A || value == 0x0D, value != 0x7F,
                  value < 0x80 || value >= 0xA0, value < 0xD800 || value > 0xDFFF, value <= 0x10FFFF,
                  value != 0xFFFE, value != 0xFFFF else { return nil }
            return ([value], numeric.end)
        }
        if next == 0x20 || next == 0x0A || next == 0x09 || next == 0x0D { return ([0x26], i + 1) }
        guard isLetter(next) else { return nil }
        var j = i + 1
        while j < n, j - i <= 32, isLetter(b[j]) || isDigit(b[j]) { j += 1 }
        guard j < n, b[j] == 0x3B else { return nil }
        switch j - i - 1 {
        case 2 where b[i + 1] == 0x6C && b[i + 2] == 0x74: return ([0x3C], j + 1)  // lt
        case 2 where b[i + 1] == 0x67 && b[i + 2] == 0x74: return ([0x3E], j + 1)  // gt
        case 3 where b[i + 1] == 0x61 && b[i + 2] == 0x6D && b[i + 3] == 0x70: return ([0x26], j + 1)  // amp
        default: break
        }
        guard let scalars = HTMLEntityTable.table[String(decoding: b[(i + 1)..<j], as: UTF8.self)] else { return nil }
        return (scalars, j + 1)
    }

    @inline(__always) private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) private static func isSpaceByte(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x0C
    }

    private static func kind(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> HTMLElementKind {
        let length = end - start
        guard length <= 10 else { return .inline }
        var key: UInt64 = 0
        for index in start..<end { key = key << 8 | UInt64(b[index] | 0x20) }
        return HTMLElementKind.kind(forKey: key)
    }
}
