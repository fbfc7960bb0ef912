import Support

/// Makes the `&`s of real-world feeds well-formed before libxml2 sees them.
///
/// libxml2 in recover mode silently drops `&mdash;` (no DTD defines it) and mangles a bare `&` in a URL.
/// Feeds are full of both, so: HTML named entities become numeric references, a `&` that starts no valid
/// reference becomes `&amp;`, and numeric references to C1 controls (`&#150;`) are read as windows-1252, as
/// browsers do. Comments, CDATA sections and the DOCTYPE are left alone; entities the document declares itself
/// are kept (libxml2 expands those, with its own loop protection).
enum EntityRepair {
    struct Result {
        var bytes: [UInt8]
        var changed: Int
        /// Text taken out of the document by `TextLift` (empty unless asked for): the XML reader puts it back.
        var lifted = LiftedText()
    }

    /// - Parameter liftText: replace long CDATA sections and long text runs that hold references or non-ASCII
    ///   characters by `TextLift` markers; the caller must then hand `lifted` to the XML reader.
    /// - Parameter predefinedAsNumeric: spell `&amp; &lt; &gt; &quot; &apos;` as numeric references too. Once
    ///   libxml2 2.9 has seen one well-formedness error, `xmlParseReference` returns early for every entity
    ///   reference (`if (!ctxt->wellFormed) return;`), predefined ones included, so in recover mode
    ///   `Architect &amp; Designer` became `Architect  Designer` and escaped HTML turned into tag soup. Character
    ///   references are read before that test and survive; they mean exactly the same in content and attributes.
    ///   Not counted in `changed`: nothing about the document is wrong.
    static func repair(_ input: [UInt8], liftText: Bool = false, predefinedAsNumeric: Bool = false) -> Result {
        var output: [UInt8]? = nil
        var changed = 0
        var declared: Set<String> = []
        var lifted = LiftedText()
        var markerCollision = false
        var liftingStopped = false

        input.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            var copiedUpTo = 0
            func flush(to position: Int) {
                if output == nil {
                    output = []
                    output!.reserveCapacity(n + 64)
                }
                output!.append(contentsOf: b[copiedUpTo..<position])
            }
            /// The `&` at `i` starts no reference: written as `&amp;`, and the scan moves past it.
            func escapeBareAmpersand() {
                flush(to: i)
                output!.append(contentsOf: Array("&amp;".utf8))
                copiedUpTo = i + 1
                changed += 1
                i += 1
            }
            func startsWith(_ at: Int, _ literal: StaticString) -> Bool {
                let count = literal.utf8CodeUnitCount
                guard at + count <= n else { return false }
                let p = literal.utf8Start
                for k in 0..<count where b[at + k] != p[k] { return false }
                return true
            }
            let rawBytes = UnsafeRawBufferPointer(b)
            func find(_ literal: StaticString, from start: Int) -> Int? {
                var j = start
                let first = literal.utf8Start[0]
                while j < n {
                    if j + 8 <= n, !hasByte(rawBytes.loadUnaligned(fromByteOffset: j, as: UInt64.self), first) {
                        j += 8
                        continue
                    }
                    if b[j] == first && startsWith(j, literal) { return j }
                    j += 1
                }
                return nil
            }

            // Text-run lifting: where the text after the last tag starts, in the input and (once every
            // repair before it is done) in the output.
            var pendingRunStart: Int? = nil
            var runStart: Int? = nil
            var runOutputStart = 0
            if liftText && n > 0 {
                flush(to: 0)
                // Bodies are most of a feed's bytes: grow the lifted text once, not by doubling.
                lifted.storage.reserveCapacity(n)
            }

            let raw = UnsafeRawBufferPointer(b)
            let lessThan = SIMD16<UInt8>(repeating: 0x3C), ampersand = SIMD16<UInt8>(repeating: 0x26)
            while i < n {
                // Skip sixteen, then eight bytes at a time while none is '<' or '&'.
                if i + 16 <= n {
                    let chunk = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                    if !anyLane((chunk .== lessThan) .| (chunk .== ampersand)) {
                        i += 16
                        continue
                    }
                }
                if i + 8 <= n {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if !hasByte(word, 0x3C) && !hasByte(word, 0x26) {
                        i += 8
                        continue
                    }
                }
                if let start = pendingRunStart, i >= start {
                    flush(to: start)
                    copiedUpTo = start
                    runOutputStart = output!.count
                    runStart = start
                    pendingRunStart = nil
                }
                let byte = b[i]
                if byte == 0x3C {  // <
                    if let start = runStart {
                        runStart = nil
                        if i - start >= TextLift.minimumLength {
                            flush(to: i)
                            copiedUpTo = i
                            TextLift.liftRun(from: runOutputStart, of: &output!, into: &lifted)
                        }
                    }
                    if startsWith(i, "<!--") {
                        pendingRunStart = nil
                        i = (find("-->", from: i + 4).map { $0 + 3 }) ?? n
                        continue
                    }
                    if startsWith(i, "<![CDATA[") {
                        pendingRunStart = nil
                        guard let close = find("]]>", from: i + 9) else { i = n; continue }
                        if liftText, !liftingStopped, let newlines = TextLift.liftableNewlines(b, content: (i + 9)..<close, sectionStart: i) {
                            flush(to: i)
                            TextLift.appendMarker(index: lifted.sections.count, newlines: newlines, to: &output!)
                            lifted.append(UnsafeBufferPointer(rebasing: b[(i + 9)..<close]))
                            copiedUpTo = close + 3
                        }
                        i = close + 3
                        continue
                    }
                    if liftText, startsWith(i, TextLift.markerStart) { markerCollision = true }
                    if startsWith(i, "<?") {
                        // A processing instruction: its data holds no references, and no marker may go inside
                        // it (the marker's `?>` would end the instruction: the fuzzer found a document whose
                        // unterminated `<?xm` was closed that way, so lifting turned a broken document into a
                        // well-formed one). Unterminated: nothing after it is lifted.
                        pendingRunStart = nil
                        if let close = find("?>", from: i + 2) {
                            i = close + 2
                        } else {
                            liftingStopped = true
                            i += 2
                        }
                        continue
                    }
                    if startsWith(i, "<!DOCTYPE") || startsWith(i, "<!doctype") {
                        pendingRunStart = nil
                        let end = doctypeEnd(b, from: i + 9)
                        collectDeclaredEntities(b, from: i, to: end, into: &declared)
                        i = end
                        continue
                    }
                    // A start or end tag (not a `<` inside the tag being read): text after it may be lifted.
                    if liftText, !liftingStopped, pendingRunStart == nil {
                        pendingRunStart = TextLift.tagEnd(b, at: i)
                    }
                    i += 1
                    continue
                }
                if byte != 0x26 {  // &
                    i += 1
                    continue
                }
                // The predefined entities are by far the most common: nothing to do (unless asked to respell them).
                if i + 4 < n {
                    let a = b[i + 1], c = b[i + 2], d = b[i + 3]
                    if (a == 0x6C || a == 0x67) && c == 0x74 && d == 0x3B {  // &lt; &gt;
                        if predefinedAsNumeric {
                            flush(to: i)
                            appendNumericReference(a == 0x6C ? 0x3C : 0x3E, to: &output!)
                            copiedUpTo = i + 4
                        }
                        i += 4
                        continue
                    }
                    if a == 0x61 && c == 0x6D && d == 0x70 && b[i + 4] == 0x3B {  // &amp;
                        if predefinedAsNumeric {
                            flush(to: i)
                            appendNumericReference(0x26, to: &output!)
                            copiedUpTo = i + 5
                        }
                        i += 5
                        continue
                    }
                }
                // A reference: &#123; &#x1F; &name;
                if let run = doubleEncodedRun(b, at: i) {
                    flush(to: i)
                    appendNumericReference(run.scalar, to: &output!)
                    copiedUpTo = run.end
                    changed += 1
                    i = run.end
                    continue
                }
                var j = i + 1
                if j < n && b[j] == 0x23 {  // #
                    j += 1
                    var hex = false
                    if j < n && (b[j] == 0x78 || b[j] == 0x58) { hex = true; j += 1 }
                    let digitsStart = j
                    var value: UInt32 = 0
                    while j < n, j - digitsStart < 8, let d = digitValue(b[j], hex: hex) {
                        value = value &* (hex ? 16 : 10) &+ d
                        j += 1
                    }
                    if j > digitsStart && j < n && b[j] == 0x3B {
                        let valid = isXMLChar(value)
                        if !valid || (hex && b[i + 2] == 0x58) {
                            // C1 controls read as windows-1252; invalid code points dropped; `&#X` fixed to `&#x`.
                            flush(to: i)
                            if value >= 0x80 && value < 0xA0 {
                                appendNumericReference(Windows1252.scalar(of: UInt8(value)), to: &output!)
                            } else if valid {
                                appendNumericReference(value, to: &output!)
                            }
                            copiedUpTo = j + 1
                            changed += 1
                        }
                        i = j + 1
                        continue
                    }
                    escapeBareAmpersand()
                    continue
                }
                let nameStart = j
                while j < n, j - nameStart < 40, isNameByte(b[j]) { j += 1 }
                if j > nameStart && j < n && b[j] == 0x3B {
                    let name = String(decoding: b[nameStart..<j], as: UTF8.self)
                    if isPredefined(b, nameStart, j) || declared.contains(name) {
                        if predefinedAsNumeric, !declared.contains(name), let value = predefinedValue(name) {
                            flush(to: i)
                            appendNumericReference(value, to: &output!)
                            copiedUpTo = j + 1
                        }
                        i = j + 1
                        continue
                    }
                    if let scalars = HTMLEntityTable.table[name] {
                        flush(to: i)
                        for scalar in scalars { appendNumericReference(scalar, to: &output!) }
                        copiedUpTo = j + 1
                        changed += 1
                        i = j + 1
                        continue
                    }
                }
                escapeBareAmpersand()
            }
            if output != nil { flush(to: n) }
        }
        // A document that holds the marker itself cannot be told apart from ours: repair it without lifting.
        if markerCollision && !lifted.sections.isEmpty { return repair(input, liftText: false) }
        if liftText && lifted.sections.isEmpty && changed == 0 { return Result(bytes: input, changed: 0) }
        return Result(bytes: output ?? input, changed: changed, lifted: lifted)
    }

    /// For HTML fragments: every named reference except the four libxml2's HTML parser must see as markup
    /// becomes numeric, so HTML5-only names (`&apos;`, `&hellip;` is HTML 4 but `&nbsp` without `;` is not) decode.
    static func numericHTML5Entities(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { numericHTML5EntitiesIfAny($0) } ?? input
    }

    /// `numericHTML5Entities` on bytes in place: nil when nothing needs rewriting.
    static func numericHTML5EntitiesIfAny(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8]? = nil
        do {
            let n = b.count
            var copiedUpTo = 0
            var i = 0
            let raw = UnsafeRawBufferPointer(b)
            while i < n {
                if i + 8 <= n, !hasByte(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), 0x26) {
                    i += 8
                    continue
                }
                guard b[i] == 0x26 else { i += 1; continue }
                if i + 4 < n {
                    let a = b[i + 1], c = b[i + 2], d = b[i + 3]
                    if (a == 0x6C || a == 0x67) && c == 0x74 && d == 0x3B { i += 4; continue }  // &lt; &gt;
                    if a == 0x61 && c == 0x6D && d == 0x70 && b[i + 4] == 0x3B { i += 5; continue }  // &amp;
                }
                // UTF-8 bytes written as Latin-1 references, and C1 references meaning windows-1252.
                if let run = doubleEncodedRun(b, at: i) {
                    if output == nil { output = []; output!.reserveCapacity(n + 16) }
                    output!.append(contentsOf: b[copiedUpTo..<i])
                    // A C1 control spelled this way means windows-1252 too (as a plain `&#128;` does).
                    let scalar = run.scalar >= 0x80 && run.scalar < 0xA0 ? Windows1252.scalar(of: UInt8(run.scalar)) : run.scalar
                    appendNumericReference(scalar, to: &output!)
                    copiedUpTo = run.end
                    i = run.end
                    continue
                }
                if i + 1 < n, b[i + 1] == 0x23 {
                    if let reference = numericReference(b, at: i), reference.value >= 0x80, reference.value < 0xA0 {
                        if output == nil { output = []; output!.reserveCapacity(n + 16) }
                        output!.append(contentsOf: b[copiedUpTo..<i])
                        appendNumericReference(Windows1252.scalar(of: UInt8(reference.value)), to: &output!)
                        copiedUpTo = reference.end
                        i = reference.end
                        continue
                    }
                    i += 1
                    continue
                }
                var j = i + 1
                while j < n, j - i <= 40, isNameByte(b[j]), b[j] != 0x3A { j += 1 }
                guard j > i + 1, j < n, b[j] == 0x3B else { i += 1; continue }
                let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                if name == "amp" || name == "lt" || name == "gt" || name == "quot" { i = j + 1; continue }
                guard let scalars = HTMLEntityTable.table[name] else { i = j + 1; continue }
                if output == nil { output = []; output!.reserveCapacity(n + 16) }
                output!.append(contentsOf: b[copiedUpTo..<i])
                for scalar in scalars { appendNumericReference(scalar, to: &output!) }
                copiedUpTo = j + 1
                i = j + 1
            }
            if output != nil { output!.append(contentsOf: b[copiedUpTo..<n]) }
        }
        return output
    }

    /// `&#123;` / `&#x7B;` at i: its value and the index after the `;`.
    static func numericReference(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, end: Int)? {
        let n = b.count
        guard i + 3 < n, b[i] == 0x26, b[i + 1] == 0x23 else { return nil }
        var j = i + 2
        var hex = false
        if b[j] == 0x78 || b[j] == 0x58 { hex = true; j += 1 }
        let start = j
        var value: UInt32 = 0
        while j < n, j - start < 8, let d = digitValue(b[j], hex: hex) {
            value = value &* (hex ? 16 : 10) &+ d
            j += 1
        }
        guard j > start, j < n, b[j] == 0x3B else { return nil }
        return (value, j + 1)
    }

    /// A numeric reference, or a named one (`&acirc;`) that stands for one character below U+0100.
    static func latin1Reference(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, end: Int)? {
        if i + 1 < b.count, b[i + 1] == 0x23 { return numericReference(b, at: i) }
        var j = i + 1
        while j < b.count, j - i <= 8, (b[j] >= 0x61 && b[j] <= 0x7A) || (b[j] >= 0x41 && b[j] <= 0x5A) { j += 1 }
        guard j > i + 2, j < b.count, b[j] == 0x3B, !isPredefined(b, i + 1, j) else { return nil }
        guard let scalars = HTMLEntityTable.table[String(decoding: b[(i + 1)..<j], as: UTF8.self)],
              scalars.count == 1, scalars[0] < 0x100 else { return nil }
        return (scalars[0], j + 1)
    }

    /// `&#226;&#128;&#166;`: UTF-8 bytes that were read as Latin-1 and written as references ("…" twice encoded).
    /// Only a complete, valid multi-byte sequence qualifies, so real Latin-1 text (`&#233;t&#233;`) is untouched.
    static func doubleEncodedRun(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, end: Int)? {
        guard let lead = latin1Reference(b, at: i), lead.value >= 0xC2, lead.value <= 0xF4 else { return nil }
        let needed = lead.value >= 0xF0 ? 3 : (lead.value >= 0xE0 ? 2 : 1)
        var bytes: [UInt8] = [UInt8(lead.value)]
        var end = lead.end
        for _ in 0..<needed {
            guard let next = latin1Reference(b, at: end), next.value >= 0x80, next.value <= 0xBF else { return nil }
            bytes.append(UInt8(next.value))
            end = next.end
        }
        let valid = bytes.withUnsafeBufferPointer { UTF8Scan.sequenceLength($0, 0) == bytes.count }
        guard valid, let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first else { return nil }
        return (scalar.value, end)
    }

    /// Whether any lane of a 16-byte comparison is set. The standard library's `any(_:)` asks the mask's
    /// `min()`, which is not inlined for `SIMD16<Int8>` (a call and a lane-by-lane loop per sixteen bytes, 1-2 %
    /// of a poll cycle's CPU); a set lane is all ones, so the two halves as integers say it at once.
    @inline(__always)
    static func anyLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return halves[0] | halves[1] != 0
    }

    /// Whether any byte of the word equals `value` (the classic SWAR zero-byte test).
    @inline(__always)
    static func hasByte(_ word: UInt64, _ value: UInt8) -> Bool {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(value))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    private static func predefinedValue(_ name: String) -> UInt32? {
        switch name {
        case "amp": 0x26
        case "lt": 0x3C
        case "gt": 0x3E
        case "quot": 0x22
        case "apos": 0x27
        default: nil
        }
    }

    private static func isPredefined(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        switch end - start {
        case 2: return (b[start] == 0x6C || b[start] == 0x67) && b[start + 1] == 0x74  // lt gt
        case 3: return b[start] == 0x61 && b[start + 1] == 0x6D && b[start + 2] == 0x70  // amp
        case 4:
            let word = String(decoding: b[start..<end], as: UTF8.self)
            return word == "quot" || word == "apos"
        default: return false
        }
    }

    @inline(__always)
    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
            || c == 0x2E || c == 0x3A || c >= 0x80
    }

    @inline(__always)
    private static func digitValue(_ c: UInt8, hex: Bool) -> UInt32? {
        if c >= 0x30 && c <= 0x39 { return UInt32(c - 0x30) }
        if hex {
            if c >= 0x61 && c <= 0x66 { return UInt32(c - 0x61 + 10) }
            if c >= 0x41 && c <= 0x46 { return UInt32(c - 0x41 + 10) }
        }
        return nil
    }

    static func isXMLChar(_ v: UInt32) -> Bool {
        if v == 0x9 || v == 0xA || v == 0xD { return true }
        if v < 0x20 { return false }
        if v >= 0x80 && v < 0xA0 { return false }  // legal XML, but really windows-1252 in feeds
        if v >= 0xD800 && v <= 0xDFFF { return false }
        if v == 0xFFFE || v == 0xFFFF { return false }
        return v <= 0x10FFFF
    }

    private static func appendNumericReference(_ value: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: Array("&#".utf8))
        out.append(contentsOf: Array(String(value).utf8))
        out.append(0x3B)
    }

    /// End (exclusive) of a DOCTYPE (or any `<!…>`) declaration, skipping its internal subset and quoted strings.
    static func doctypeEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        var depth = 0
        var quote: UInt8 = 0
        while i < b.count {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == 0x5B {
                depth += 1
            } else if c == 0x5D {
                depth -= 1
            } else if c == 0x3E && depth <= 0 {
                return i + 1
            }
            i += 1
        }
        return b.count
    }

    private static func collectDeclaredEntities(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                                into names: inout Set<String>) {
        let text = String(decoding: b[start..<end], as: UTF8.self)
        var rest = text[...]
        while let range = rest.range(of: "<!ENTITY") {
            let after = rest[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            if after.first != "%" {
                let name = after.prefix(while: { !$0.isWhitespace })
                if !name.isEmpty { names.insert(String(name)) }
            }
            rest = rest[range.upperBound...]
        }
    }
}
