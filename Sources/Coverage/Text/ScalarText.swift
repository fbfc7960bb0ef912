import Support

/// Building Strings from runs of scalars without the generic, allocation-heavy `UnicodeScalarView.append`
/// path: most news text is ASCII, which gets written as bytes straight into the new String.
enum ScalarText {
    /// `Array(text.unicodeScalars)` without its two generic passes (one to count, one to copy): news text is
    /// mostly ASCII, whose bytes are the scalars; anything else is decoded from the UTF-8 as it comes.
    static func scalars(of text: String) -> [Unicode.Scalar] {
        var text = text
        return text.withUTF8 { bytes -> [Unicode.Scalar] in
            var ascii = true
            for b in bytes where b >= 0x80 { ascii = false; break }
            if ascii {
                return [Unicode.Scalar](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                    for i in 0..<bytes.count { buffer[i] = Unicode.Scalar(bytes[i]) }
                    count = bytes.count
                }
            }
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(bytes.count)
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            while case .scalarValue(let scalar) = decoder.decode(&iterator) { out.append(scalar) }
            return out
        }
    }

    @inline(__always)
    static func isASCII<C: Collection>(_ s: C) -> Bool where C.Element == Unicode.Scalar {
        for c in s where c.value >= 0x80 { return false }
        return true
    }

    static func string<C: Collection>(_ s: C) -> String where C.Element == Unicode.Scalar {
        if isASCII(s) {
            return String(unsafeUninitializedCapacity: s.count) { buffer in
                var i = 0
                for c in s { buffer[i] = UInt8(truncatingIfNeeded: c.value); i += 1 }
                return i
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s)
        return String(view)
    }

    /// Lower case only (the query language's case folding).
    static func lowercased<C: Collection>(_ s: C) -> String where C.Element == Unicode.Scalar {
        if isASCII(s) {
            return String(unsafeUninitializedCapacity: s.count) { buffer in
                var i = 0
                for c in s {
                    let v = UInt8(truncatingIfNeeded: c.value)
                    buffer[i] = (v >= 0x41 && v <= 0x5A) ? v + 32 : v
                    i += 1
                }
                return i
            }
        }
        return string(s).lowercased()
    }

    /// Lower case without diacritics (the fact index's folding).
    static func folded<C: Collection>(_ s: C) -> String where C.Element == Unicode.Scalar {
        if isASCII(s) { return lowercased(s) }
        return string(s).foldedForMatching
    }
}
