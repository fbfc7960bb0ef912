/// TOML 1.0 integers (decimal, 0x, 0o, 0b; underscores between digits) and floats (fraction and/or exponent,
/// inf, nan).
enum TOMLNumberParser {
    static func parse(_ text: String, at position: SourcePosition) throws(TOMLSyntaxError) -> TOMLValue {
        func fail(_ why: String) -> TOMLSyntaxError { TOMLSyntaxError("invalid number \"\(text)\": \(why)", at: position) }

        switch text {
        case "inf", "+inf": return TOMLValue(.float(.infinity), at: position)
        case "-inf": return TOMLValue(.float(-.infinity), at: position)
        case "nan", "+nan", "-nan": return TOMLValue(.float(.nan), at: position)
        default: break
        }

        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
            let digits = text.dropFirst(2)
            let isDigit: (Character) -> Bool = { $0.isHexDigit && Int(String($0), radix: radix) != nil }
            guard isValidDigitGroup(digits, isDigit: isDigit) else {
                throw fail("expected base-\(radix) digits after \(prefix), underscores only between digits")
            }
            guard let value = UInt64(digits.replacingOccurrences(of: "_", with: ""), radix: radix), value <= UInt64(Int64.max) else {
                throw fail("out of the 64-bit integer range")
            }
            return TOMLValue(.integer(Int64(value)), at: position)
        }

        var body = Substring(text)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        let isDecimal: (Character) -> Bool = { $0.isASCII && $0.isNumber }

        // Split into integer part, optional fraction, optional exponent.
        let exponentIndex = body.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = exponentIndex.map { body[..<$0] } ?? body
        let exponent = exponentIndex.map { body[body.index(after: $0)...] }
        let dotIndex = mantissa.firstIndex(of: ".")
        let integerPart = dotIndex.map { mantissa[..<$0] } ?? mantissa
        let fraction = dotIndex.map { mantissa[mantissa.index(after: $0)...] }

        guard isValidDigitGroup(integerPart, isDigit: isDecimal) else {
            if integerPart.isEmpty { throw fail("digits are needed before the decimal point or exponent") }
            throw fail("only digits, with underscores between digits, are allowed")
        }
        if integerPart.count > 1 && integerPart.hasPrefix("0") { throw fail("leading zeros are not allowed") }

        if fraction == nil && exponent == nil {
            guard let value = Int64(sign + integerPart.replacingOccurrences(of: "_", with: "")) else {
                throw fail("out of the 64-bit integer range")
            }
            return TOMLValue(.integer(value), at: position)
        }
        if let fraction, !isValidDigitGroup(fraction, isDigit: isDecimal) {
            throw fail("the decimal point must be followed by digits")
        }
        if var exponent {
            if let first = exponent.first, first == "+" || first == "-" { exponent = exponent.dropFirst() }
            guard isValidDigitGroup(exponent, isDigit: isDecimal) else { throw fail("the exponent needs digits") }
        }
        guard let value = Double(sign + body.replacingOccurrences(of: "_", with: "")) else { throw fail("not a number") }
        guard value.isFinite else { throw fail("out of the range of a 64-bit float") }
        return TOMLValue(.float(value), at: position)
    }

    /// Non-empty, digits only, each underscore between two digits.
    static func isValidDigitGroup(_ text: Substring, isDigit: (Character) -> Bool) -> Bool {
        guard let first = text.first, let last = text.last, isDigit(first), isDigit(last) else { return false }
        var previousWasUnderscore = false
        for character in text {
            if character == "_" {
                if previousWasUnderscore { return false }
                previousWasUnderscore = true
            } else if isDigit(character) {
                previousWasUnderscore = false
            } else {
                return false
            }
        }
        return true
    }
}

private extension Substring {
    func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}

private extension String {
    func replacingOccurrences(of target: Character, with replacement: String) -> String {
        Substring(self).replacingOccurrences(of: target, with: replacement)
    }
}
