/// Building Strings from runs of scalars without the generic, allocation-heavy `UnicodeScalarView.append`
/// path: most news text is ASCII, which gets written as bytes straight into the new String.
enum ScalarText {
    @inline(__always)
    static func isASCII(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        for c in s where c.value >= 0x80 { return false }
        return true
    }

    static func string(_ s: ArraySlice<Unicode.Scalar>) -> String {
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
    static func lowercased(_ s: ArraySlice<Unicode.Scalar>) -> String {
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
    static func folded(_ s: ArraySlice<Unicode.Scalar>) -> String {
        if isASCII(s) { return lowercased(s) }
        return string(s).foldedForMatching
    }
}
