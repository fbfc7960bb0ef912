import Foundation

/// Publication dates as ISO-8601, keeping the page's own UTC offset (converting would move the calendar date).
enum DateNormalizer {
    private static let isoPattern = try! NSRegularExpression(
        pattern: #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"#)
    private static let isoPrefix = try! NSRegularExpression(
        pattern: #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"#)

    static func iso8601(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return nil }
        let range = NSRange(value.startIndex..., in: value)
        if isoPattern.firstMatch(in: value, range: range) != nil { return value }
        if let match = isoPrefix.firstMatch(in: value, range: range), let prefix = Range(match.range, in: value) {
            return String(value[prefix])
        }
        return rfc2822(value)
    }

    /// "Fri, 24 Jul 2015 05:36:09 +0100" → "2015-07-24T05:36:09+01:00".
    private static func rfc2822(_ value: String) -> String? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            guard let date = formatter.date(from: value) else { continue }
            let offsetText = value.split(separator: " ").last.map(String.init) ?? "+0000"
            let offset = TimeZone(identifier: "GMT") .flatMap { _ in parseOffset(offsetText) } ?? 0
            let zone = TimeZone(secondsFromGMT: offset) ?? TimeZone(secondsFromGMT: 0)!
            let output = DateFormatter()
            output.locale = Locale(identifier: "en_US_POSIX")
            output.timeZone = zone
            output.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
            return output.string(from: date)
        }
        return nil
    }

    private static func parseOffset(_ text: String) -> Int? {
        guard text.count == 5, let sign = text.first, sign == "+" || sign == "-",
              let hours = Int(text.dropFirst().prefix(2)), let minutes = Int(text.suffix(2)) else { return 0 }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}
