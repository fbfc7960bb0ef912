import Config
import Foundation

/// When digest periods end: at `digest_at` local time (in `digest_timezone`) and every `digest_every` after it.
/// Whole-day periods follow the calendar (08:00 stays 08:00 across daylight-saving changes) on a grid of days
/// counted from a fixed Monday, so a weekly digest always ends on the same weekday; shorter periods are a fixed
/// grid of seconds from the same anchor.
public struct DigestSchedule: Sendable, Equatable {
    public var every: TimeInterval
    public var atMinutes: Int
    public var timeZone: TimeZone

    public init(every: TimeInterval, atMinutes: Int, timeZone: TimeZone) {
        self.every = max(60, every)
        self.atMinutes = atMinutes
        self.timeZone = timeZone
    }

    public init(_ settings: EmailSettings) {
        self.init(every: settings.digestEvery, atMinutes: settings.digestAt,
                  timeZone: TimeZone(identifier: settings.digestTimezone) ?? TimeZone(identifier: "UTC")!)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The local day the grid counts from (Monday 3 January 2000).
    private var anchorDay: Date { calendar.date(from: DateComponents(year: 2000, month: 1, day: 3))! }

    private func at(day: Date) -> Date {
        // By wall-clock time, not minutes after midnight: on a daylight-saving day those differ by an hour.
        calendar.date(bySettingHour: atMinutes / 60, minute: atMinutes % 60, second: 0, of: day)!
    }

    /// The period that ended last at or before `now`: [start, end).
    public func lastPeriod(before now: Date) -> (start: Date, end: Date) {
        let whole = Int(every.rounded())
        if whole % 86_400 == 0 {
            let days = whole / 86_400
            var end = at(day: now)
            if end > now { end = at(day: calendar.date(byAdding: .day, value: -1, to: end)!) }
            let offset = calendar.dateComponents([.day], from: anchorDay, to: calendar.startOfDay(for: end)).day ?? 0
            let back = ((offset % days) + days) % days
            if back > 0 { end = at(day: calendar.date(byAdding: .day, value: -back, to: end)!) }
            let start = at(day: calendar.date(byAdding: .day, value: -days, to: end)!)
            return (start, end)
        }
        let anchor = at(day: anchorDay)
        let steps = (now.timeIntervalSince(anchor) / Double(whole)).rounded(.down)
        let end = anchor.addingTimeInterval(steps * Double(whole))
        return (end.addingTimeInterval(-Double(whole)), end)
    }
}
