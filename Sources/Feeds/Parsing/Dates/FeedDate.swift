import Foundation
import Support

/// Dates as feeds write them, normalised to UTC.
///
/// Understood: RFC 822/2822/1123 (day name optional and not checked, 2- or 4-digit years, missing seconds,
/// named US zones, UT/GMT/UTC/Z, military letters, numeric ±hhmm / ±hh:mm, `GMT+hh:mm`, `Etc/GMT`, European
/// MET/CET/EET/MEST/CEST/BST/IST …, full month names, stray commas), `YYYY/MM/DD hh:mm:ss zone`,
/// RFC 3339 / ISO 8601 / W3CDTF (year, year-month, date, ordinal date, compact and two-digit-year forms,
/// space instead of `T`, fractional seconds, missing zone = UTC), asctime (`Sun Jan  4 16:29:06 2004`,
/// optionally with a zone before the year), and Greek month/day names. Anything else is nil.
public enum FeedDate {
    public static func parse(_ string: String) -> Date? {
        let text = trimASCIIWhitespace(string)
        guard !text.isEmpty, text.utf8.count < 200 else { return nil }
        if let date = FastDate.parse(text) { return date }
        if let date = ISO8601Parser.parse(text) { return date }
        return RFC822Parser.parse(text)
    }

    static func trimASCIIWhitespace(_ string: String) -> String {
        let trimmed = ASCIITrimming.trimming(string[...]) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }
        // Nothing trimmed (the usual case): the string itself, no copy.
        if trimmed.startIndex == string.startIndex && trimmed.endIndex == string.endIndex { return string }
        return String(trimmed)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form the conformance schema uses.
    public static func isoString(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (year, month, day, hour, minute, second) = CivilTime.components(fromUnix: seconds)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(abs(value))
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }
}

/// The lenient ISO-8601 / W3CDTF reader for feeds (feedparser's forms); the strict one for our own data is
/// `Support.ISO8601Time`. Both do their calendar arithmetic through `Support.CivilTime`.
enum ISO8601Parser {
    /// Two-digit years in ISO forms belong to the current century, as feedparser reads them.
    static let century = 2000

    static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard let first = chars.first, first == UInt8(ascii: "-") || isDigit(first) else { return nil }
        // Split date part and time part at 'T' or a space followed by a digit.
        var splitIndex: Int? = nil
        for (index, char) in chars.enumerated() {
            if char == UInt8(ascii: "T") || char == UInt8(ascii: "t") { splitIndex = index; break }
            if char == UInt8(ascii: " ") { splitIndex = index; break }
        }
        let datePart = Array(chars[..<(splitIndex ?? chars.count)])
        var timePart = splitIndex.map { Array(chars[($0 + 1)...]) } ?? []
        while timePart.first == UInt8(ascii: " ") { timePart.removeFirst() }
        guard let (year, month, day) = parseDate(datePart) else { return nil }
        if timePart.isEmpty { return CivilTime.date(year: year, month: month, day: day) }
        guard let (hour, minute, second, offset) = parseTime(timePart) else { return nil }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                              offsetSeconds: offset)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func parseDate(_ d: [UInt8]) -> (Int, Int, Int)? {
        let parts = d.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false).map { ArraySlice($0) }
        let dash = UInt8(ascii: "-")
        if d.first == dash {
            // -YYMM, -YY-MM, -YY (truncated ISO 8601)
            let rest = Array(d.dropFirst())
            if rest.count == 4, let yy = number(rest[0..<2]), let mm = number(rest[2..<4]) {
                return (century + yy, mm, 1)
            }
            let restParts = rest.split(separator: dash, omittingEmptySubsequences: false)
            if restParts.count == 2, restParts[0].count == 2, restParts[1].count == 2,
               let yy = number(restParts[0]), let mm = number(restParts[1]) {
                return (century + yy, mm, 1)
            }
            return nil
        }
        switch parts.count {
        case 1:
            let p = parts[0]
            switch p.count {
            case 4: return number(p).map { ($0, 1, 1) }  // YYYY
            case 6:  // YYMMDD
                guard let yy = number(p.prefix(2)), let mm = number(p.dropFirst(2).prefix(2)),
                      let dd = number(p.suffix(2)) else { return nil }
                return (century + yy, mm, dd)
            case 8:  // YYYYMMDD
                guard let y = number(p.prefix(4)), let mm = number(p.dropFirst(4).prefix(2)),
                      let dd = number(p.suffix(2)) else { return nil }
                return (y, mm, dd)
            case 5:  // YYDDD ordinal
                guard let yy = number(p.prefix(2)), let ordinal = number(p.suffix(3)) else { return nil }
                return fromOrdinal(century + yy, ordinal)
            case 7:  // YYYYDDD ordinal
                guard let y = number(p.prefix(4)), let ordinal = number(p.suffix(3)) else { return nil }
                return fromOrdinal(y, ordinal)
            default: return nil
            }
        case 2:
            // YYYY-MM, YYYY-DDD, YY-MM? (only the first two are ISO)
            guard let y = number(parts[0]), let second = number(parts[1]) else { return nil }
            let year = parts[0].count == 2 ? century + y : y
            guard parts[0].count == 4 || parts[0].count == 2 else { return nil }
            if parts[1].count == 3 { return fromOrdinal(year, second) }
            guard parts[1].count == 2 else { return nil }
            return (year, second, 1)
        case 3:
            guard let y = number(parts[0]), let m = number(parts[1]), let dd = number(parts[2]),
                  parts[0].count == 4 || parts[0].count == 2, (1...3).contains(parts[1].count),
                  (1...2).contains(parts[2].count) else { return nil }
            return (parts[0].count == 2 ? century + y : y, m, dd)
        default:
            return nil
        }
    }

    private static func fromOrdinal(_ year: Int, _ ordinal: Int) -> (Int, Int, Int)? {
        guard ordinal >= 1, ordinal <= (CivilTime.isLeap(year) ? 366 : 365) else { return nil }
        var remaining = ordinal
        for month in 1...12 {
            let length = CivilTime.daysIn(month: month, year: year)
            if remaining <= length { return (year, month, remaining) }
            remaining -= length
        }
        return nil
    }

    /// hh:mm[:ss[.fff]][zone] or hhmm[ss]; zone Z, ±hh:mm, ±hhmm, ±hh.
    private static func parseTime(_ t: [UInt8]) -> (Int, Int, Double, Int)? {
        var index = 0
        var clock: [UInt8] = []
        while index < t.count, isDigit(t[index]) || t[index] == UInt8(ascii: ":") || t[index] == UInt8(ascii: ".")
                || t[index] == UInt8(ascii: ",") {
            clock.append(t[index]); index += 1
        }
        var zone = Array(t[index...])
        while zone.first == UInt8(ascii: " ") { zone.removeFirst() }
        var fraction = 0.0
        if let dot = clock.firstIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }) {
            let digits = clock[(dot + 1)...]
            guard digits.allSatisfy(isDigit) else { return nil }
            if !digits.isEmpty, let value = Double("0." + String(decoding: digits, as: UTF8.self)) { fraction = value }
            clock = Array(clock[..<dot])
        }
        let fields = clock.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map { ArraySlice($0) }
        var hour = 0, minute = 0, second = 0
        if fields.count == 1 {
            let f = fields[0]
            guard f.count == 4 || f.count == 6 || f.count == 2 else { return nil }
            hour = number(f.prefix(2)) ?? 99
            minute = f.count >= 4 ? number(f.dropFirst(2).prefix(2)) ?? 99 : 0
            second = f.count == 6 ? number(f.suffix(2)) ?? 99 : 0
        } else if fields.count == 2 || fields.count == 3 {
            guard fields.allSatisfy({ (1...2).contains($0.count) }) else { return nil }
            hour = number(fields[0]) ?? 99
            minute = number(fields[1]) ?? 99
            second = fields.count == 3 ? number(fields[2]) ?? 99 : 0
        } else {
            return nil
        }
        guard let offset = zoneOffset(zone) else { return nil }
        return (hour, minute, Double(second) + fraction, offset)
    }

    static func zoneOffset(_ zone: [UInt8]) -> Int? {
        if zone.isEmpty { return 0 }
        let text = String(decoding: zone, as: UTF8.self)
        if text == "Z" || text == "z" { return 0 }
        if let named = RFC822Parser.namedZones[text.uppercased()] { return named * 60 }
        return RFC822Parser.numericOffset(text)
    }
}

enum RFC822Parser {
    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let english = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                    "november", "december"]
        for (index, name) in english.enumerated() { table[name] = index + 1 }
        for (index, name) in full.enumerated() { table[name] = index + 1 }
        table["sept"] = 9
        // Greek abbreviations (feeds from Greek publishers): genitive and nominative forms.
        let greek: [(String, Int)] = [
            ("ιαν", 1), ("φεβ", 2), ("μάώ", 3), ("μαρ", 3), ("μάρ", 3), ("απρ", 4), ("άπρ", 4), ("μάι", 5), ("μαϊ", 5),
            ("μαι", 5), ("ιούν", 6), ("ιον", 6), ("ιουν", 6), ("ιούλ", 7), ("ιολ", 7), ("ιουλ", 7), ("αύγ", 8),
            ("αυγ", 8), ("σεπ", 9), ("οκτ", 10), ("νοέ", 11), ("νοε", 11), ("δεκ", 12),
        ]
        for (name, month) in greek { table[name] = month }
        return table
    }()

    static let dayNames: Set<String> = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "tues", "thur", "thurs", "κυρ", "δευ", "τρι", "τετ", "πεμ", "παρ", "σαβ",
    ]

    /// Zone names → minutes east of UTC.
    static let namedZones: [String: Int] = {
        var zones: [String: Int] = [
            "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "ETC/GMT": 0, "ETC/UTC": 0, "WET": 0,
            "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
            "AST": -240, "ADT": -180, "HST": -600, "AKST": -540, "AKDT": -480, "NST": -210, "NDT": -150,
            "ET": -300, "CT": -360, "MT": -420, "PT": -480, "AT": -240,
            "BST": 60, "IST": 60, "WEST": 60, "CET": 60, "MET": 60, "MEZ": 60, "CEST": 120, "MEST": 120, "MESZ": 120,
            "EET": 120, "EEST": 180, "MSK": 180, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "ACST": 570,
            "AWST": 480, "NZST": 720, "NZDT": 780, "HKT": 480, "SGT": 480, "PHT": 480,
        ]
        // Military zones: A–I = +1…+9, K–M = +10…+12, N–Y = −1…−12, Z = 0 (RFC 1123 reading, not RFC 822's
        // inverted one that RFC 2822 calls out as unreliable).
        for (index, letter) in "ABCDEFGHI".enumerated() { zones[String(letter)] = (index + 1) * 60 }
        for (index, letter) in "KLM".enumerated() { zones[String(letter)] = (index + 10) * 60 }
        for (index, letter) in "NOPQRSTUVWXY".enumerated() { zones[String(letter)] = -(index + 1) * 60 }
        return zones
    }()

    /// "+0100", "-01:01", "+01", "GMT-01:01", "UTC+2" → seconds east of UTC.
    static func numericOffset(_ raw: String) -> Int? {
        var text = Substring(raw)
        for prefix in ["GMT", "UTC", "UT"] where text.uppercased().hasPrefix(prefix) && text.count > prefix.count {
            text = text.dropFirst(prefix.count)
            break
        }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let body = text.dropFirst()
        var hours: Int?, minutes: Int?
        if let colon = body.firstIndex(of: ":") {
            let h = body[..<colon], m = body[body.index(after: colon)...]
            guard (1...2).contains(h.count), m.count == 2 else { return nil }
            hours = Int(h); minutes = Int(m)
        } else if body.count == 4 {
            hours = Int(body.prefix(2)); minutes = Int(body.suffix(2))
        } else if (1...2).contains(body.count) {
            hours = Int(body); minutes = 0
        }
        guard let hours, let minutes, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":") }),
              hours <= 23, minutes <= 59 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == "-" ? -seconds : seconds
    }

    /// `am`/`pm`/`a.m.`/`p.m.` → "a" or "p" (as a byte), else nil.
    private static func meridiem(_ lower: String) -> UInt8? {
        switch lower {
        case "am", "a.m.", "a.m": 0x61
        case "pm", "p.m.", "p.m": 0x70
        default: nil
        }
    }

    static func parse(_ text: String) -> Date? {
        // Tokens: split on whitespace and commas; keep "+0100"-style zones whole.
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .map { String($0) }
        var day: Int?, month: Int?, year: Int?, yearDigits = 0
        var hour = 0, minute = 0, second = 0, sawTime = false
        var offset: Int? = nil
        var unknown = 0
        // "8:19 pm", "8:19pm", "8:19 p.m.": a 12-hour clock.
        var meridiem: UInt8? = nil
        for var token in tokens {
            var lower = token.lowercased()
            if sawTime, meridiem == nil, let marker = Self.meridiem(lower) {
                meridiem = marker
                continue
            }
            if token.contains(":"), lower.count > 2, let marker = Self.meridiem(String(lower.suffix(2))) {
                meridiem = marker
                token.removeLast(2)
                lower.removeLast(2)
            }
            let trimmedLower = lower.hasSuffix(".") ? String(lower.dropLast()) : lower
            if dayNames.contains(trimmedLower) { continue }
            if month == nil, let value = months[trimmedLower] {
                month = value
                continue
            }
            if token.contains(":") && !sawTime && token.first?.isNumber == true {
                // hh:mm[:ss], possibly glued to a zone ("08:49:37+0100").
                var clock = Substring(token)
                if let zoneStart = clock.firstIndex(where: { $0 == "+" || $0 == "-" }) {
                    guard let value = numericOffset(String(clock[zoneStart...])) else { return nil }
                    offset = value
                    clock = clock[..<zoneStart]
                }
                let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
                let numbers = fields.compactMap { field -> Int? in
                    guard (1...2).contains(field.count), field.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                    return Int(field)
                }
                guard fields.count == 2 || fields.count == 3, numbers.count == fields.count else { return nil }
                hour = numbers[0]; minute = numbers[1]
                second = numbers.count == 3 ? numbers[2] : 0
                sawTime = true
                continue
            }
            if token.contains("/"), token.first?.isNumber == true, day == nil {
                // YYYY/MM/DD (Perforce and friends)
                let fields = token.split(separator: "/")
                guard fields.count == 3, let y = Int(fields[0]), let m = Int(fields[1]), let d = Int(fields[2]),
                      fields[0].count == 4 else { return nil }
                year = y; yearDigits = 4; month = m; day = d
                continue
            }
            if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
                guard token.count <= 4, let value = Int(token) else { return nil }
                if day == nil && token.count <= 2 {
                    day = value
                } else if year == nil && (2...4).contains(token.count) {
                    year = value; yearDigits = token.count
                } else {
                    return nil
                }
                continue
            }
            if offset == nil {
                let upper = token.uppercased()
                if let named = namedZones[upper] { offset = named * 60; continue }
                if let numeric = numericOffset(token) { offset = numeric; continue }
            }
            unknown += 1
            if unknown > 1 { return nil }
            // One unknown word (a zone we do not know, a stray "at") is ignored… unless it looks like a zone.
            if token.first == "+" || token.first == "-" || token.uppercased().hasPrefix("GMT") { return nil }
        }
        guard let day, let month, var year else { return nil }
        if let meridiem {
            guard sawTime, (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == 0x70 ? 12 : 0)
        }
        if yearDigits == 2 { year += year < 50 ? 2000 : 1900 }
        if yearDigits == 3 { year += 1900 }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: Double(second),
                              offsetSeconds: offset ?? 0)
    }

}

extension String {
    /// Trimmed of ASCII whitespace only (U+00A0 and friends are content), without Foundation's slow path.
    var trimmedASCII: String { FeedDate.trimASCIIWhitespace(self) }
}

/// The two shapes nearly every feed uses, read straight from the bytes; anything else goes to the full parsers.
enum FastDate {
    static func parse(_ text: String) -> Date? {
        var copy = text
        return copy.withUTF8 { bytes in
            guard let first = bytes.first else { return nil }
            if first >= 0x30 && first <= 0x39 { return iso(bytes) }
            return rfc822(bytes)
        }
    }

    @inline(__always)
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var value = 0
        for k in 0..<count {
            let c = b[at + k]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }

    /// YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)
    private static func iso(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 20, let year = digits(b, 0, 4), b[4] == 0x2D, let month = digits(b, 5, 2), b[7] == 0x2D,
              let day = digits(b, 8, 2), b[10] == 0x54, let hour = digits(b, 11, 2), b[13] == 0x3A,
              let minute = digits(b, 14, 2), b[16] == 0x3A, let second = digits(b, 17, 2) else { return nil }
        var i = 19
        if i < b.count, b[i] == 0x2E {
            i += 1
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 0x5A && i + 1 == b.count {
            offset = 0
        } else if (b[i] == 0x2B || b[i] == 0x2D) && i + 6 == b.count, let h = digits(b, i + 1, 2), b[i + 3] == 0x3A,
                  let m = digits(b, i + 4, 2), h <= 23, m <= 59 {
            offset = (h * 3600 + m * 60) * (b[i] == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: Double(second),
                              offsetSeconds: offset)
    }

    /// [Day, ]D[D] Mon YYYY HH:MM:SS (GMT|UT|UTC|Z|±HHMM)
    private static func rfc822(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        let n = b.count
        if i < n, isLetter(b[i]) {
            while i < n, isLetter(b[i]) { i += 1 }
            guard i < n, b[i] == 0x2C else { return nil }
            i += 1
            while i < n, b[i] == 0x20 { i += 1 }
        }
        let dayStart = i
        while i < n, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        guard i - dayStart >= 1, i - dayStart <= 2, let day = digits(b, dayStart, i - dayStart), i < n, b[i] == 0x20
        else { return nil }
        i += 1
        guard i + 4 <= n, isLetter(b[i]), isLetter(b[i + 1]), isLetter(b[i + 2]), b[i + 3] == 0x20 else { return nil }
        let key = UInt32(b[i] | 0x20) << 16 | UInt32(b[i + 1] | 0x20) << 8 | UInt32(b[i + 2] | 0x20)
        guard let month = monthNumber(key) else { return nil }
        i += 4
        guard let year = digits(b, i, 4), i + 4 < n, b[i + 4] == 0x20 else { return nil }
        i += 5
        guard let hour = digits(b, i, 2), i + 8 <= n, b[i + 2] == 0x3A, let minute = digits(b, i + 3, 2),
              b[i + 5] == 0x3A, let second = digits(b, i + 6, 2) else { return nil }
        i += 8
        guard i < n, b[i] == 0x20 else { return nil }
        i += 1
        let zoneLength = n - i
        var offset = 0
        if (b[i] == 0x2B || b[i] == 0x2D) && zoneLength == 5, let h = digits(b, i + 1, 2), let m = digits(b, i + 3, 2),
           h <= 23, m <= 59 {
            offset = (h * 3600 + m * 60) * (b[i] == 0x2D ? -1 : 1)
        } else if zoneLength == 3 && b[i] == 0x47 && b[i + 1] == 0x4D && b[i + 2] == 0x54 {  // GMT
            offset = 0
        } else if zoneLength == 3 && b[i] == 0x55 && b[i + 1] == 0x54 && b[i + 2] == 0x43 {  // UTC
            offset = 0
        } else if zoneLength == 2 && b[i] == 0x55 && b[i + 1] == 0x54 {  // UT
            offset = 0
        } else {
            return nil
        }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: Double(second),
                              offsetSeconds: offset)
    }

    @inline(__always)
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    /// The English month abbreviations, three lower-case letters packed into one number as the fast path reads them.
    private static let monthKeys: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { (name: String) in name.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

    private static func monthNumber(_ key: UInt32) -> Int? {
        monthKeys.firstIndex(of: key).map { $0 + 1 }
    }
}
