import Foundation

/// Proleptic Gregorian arithmetic without Calendar (fast, and no time-zone database surprises): the one copy, for
/// the feed-date readers and the strict ISO-8601 reader.
public enum CivilTime {
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func components(fromUnix seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        var days = Int(seconds / 86400)
        var rest = Int(seconds % 86400)
        if rest < 0 { rest += 86400; days -= 1 }
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    /// nil when a field is out of range (31 February, hour 25, …).
    public static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0,
                     offsetSeconds: Int = 0) -> Date? {
        guard (0...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0...24).contains(hour), (0...59).contains(minute), second >= 0, second < 61 else { return nil }
        if hour == 24 && (minute != 0 || second != 0) { return nil }
        let whole = Double(days(year: year, month: month, day: day)) * 86400 + Double(hour * 3600 + minute * 60)
        return Date(timeIntervalSince1970: whole + second.rounded(.down) - Double(offsetSeconds))
    }
}
