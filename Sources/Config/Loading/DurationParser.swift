/// Durations as the configuration writes them: a whole number and a unit, `s`, `m`, `h` or `d` ("30s", "10m",
/// "2h", "1d"), or several such parts from larger to smaller units ("1h30m", "1d12h"). Whole numbers only:
/// "1.5h" is written "1h30m".
public enum DurationParser {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "invalid duration \"\(text)\": \(reason) (use 30s, 10m, 2h, 1d)" }
    }

    /// Seconds in each unit, largest first: the order parts must appear in.
    private static let units: [(unit: Character, seconds: Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
    /// Ten years: longer than any sensible interval or retention, and far from overflowing anything.
    public static let maximumSeconds = 10 * 365 * 86_400

    public static func parse(_ text: String) -> Result<Int, Failure> {
        func fail(_ reason: String) -> Result<Int, Failure> { .failure(Failure(text: text, reason: reason)) }
        guard let first = text.first else { return fail("it is empty") }
        guard first.isASCII, first.isNumber else { return fail("it must start with a whole number") }
        var total = 0
        var number = ""
        var lastUnitRank = -1
        for character in text {
            if character.isASCII, character.isNumber {
                number.append(character)
                guard number.count <= 12 else { return fail("the number is too large") }
                continue
            }
            guard let rank = units.firstIndex(where: { $0.unit == character }) else {
                if character == " " { return fail("spaces are not allowed") }
                if character == "." || character == "," { return fail("use whole numbers, e.g. 1h30m instead of 1.5h") }
                return fail("unknown unit '\(character)'")
            }
            guard !number.isEmpty else { return fail("a number must come before '\(character)'") }
            guard rank > lastUnitRank else { return fail("units must go from larger to smaller, each once (e.g. 1h30m)") }
            lastUnitRank = rank
            total += Int(number)! * units[rank].seconds
            guard total <= maximumSeconds else { return fail("longer than 10 years") }
            number = ""
        }
        guard number.isEmpty else {
            return fail(lastUnitRank < 0 ? "a unit is missing (s, m, h or d)" : "the last number has no unit")
        }
        return .success(total)
    }

    /// The shortest text `parse` reads back as `seconds`: 90 → "1m30s".
    public static func format(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in units where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}

/// Sizes as the configuration writes them: a whole number and a unit B, KB, MB or GB (case-insensitive; KiB,
/// MiB, GiB are accepted as synonyms). Units are 1024-based, as for memory: "10MB" is 10 × 1024 × 1024 bytes.
public enum SizeParser {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "invalid size \"\(text)\": \(reason) (use 512KB, 10MB, 1GB)" }
    }

    private static let units: [String: Int] = [
        "b": 1, "kb": 1 << 10, "kib": 1 << 10, "mb": 1 << 20, "mib": 1 << 20, "gb": 1 << 30, "gib": 1 << 30,
    ]

    public static func parse(_ text: String) -> Result<Int, Failure> {
        func fail(_ reason: String) -> Result<Int, Failure> { .failure(Failure(text: text, reason: reason)) }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = text.dropFirst(digits.count).lowercased()
        guard !digits.isEmpty else { return fail("it must start with a whole number") }
        guard digits.count <= 12, let number = Int(digits) else { return fail("the number is too large") }
        guard !unit.isEmpty else { return fail("a unit is missing (B, KB, MB or GB)") }
        guard let multiplier = units[unit] else {
            if unit.hasPrefix(" ") { return fail("no space between the number and the unit") }
            return fail("unknown unit \"\(text.dropFirst(digits.count))\"")
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes <= 1 << 50 else { return fail("too large") }
        return .success(bytes)
    }
}
