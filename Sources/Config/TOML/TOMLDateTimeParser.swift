/// RFC 3339 date-times as TOML 1.0 allows them: offset and local date-times, local dates, local times.
enum TOMLDateTimeParser {
    static func parseDateTime(_ token: [Unicode.Scalar], text: String, at position: SourcePosition) throws(TOMLSyntaxError) -> TOMLDateTime {
        var cursor = 0
        func fail(_ why: String) -> TOMLSyntaxError { TOMLSyntaxError("invalid date-time \"\(text)\": \(why)", at: position) }

        func digits(_ count: Int) throws(TOMLSyntaxError) -> Int {
            guard cursor + count <= token.count else { throw fail("too short") }
            var value = 0
            for offset in 0..<count {
                let scalar = token[cursor + offset]
                guard TOMLScalars.isDecimalDigit(scalar) else { throw fail("expected a digit at position \(cursor + offset + 1)") }
                value = value * 10 + Int(scalar.value - 48)
            }
            cursor += count
            return value
        }
        func expect(_ scalar: Unicode.Scalar) throws(TOMLSyntaxError) {
            guard cursor < token.count, token[cursor] == scalar else { throw fail("expected '\(scalar)' at position \(cursor + 1)") }
            cursor += 1
        }

        var date: TOMLDateTime.Date?
        if token.count >= 5, token[4] == "-" {
            let year = try digits(4)
            try expect("-")
            let month = try digits(2)
            try expect("-")
            let day = try digits(2)
            guard (1...12).contains(month) else { throw fail("month \(month) is out of range") }
            guard (1...daysIn(month: month, year: year)).contains(day) else { throw fail("day \(day) is out of range for the month") }
            date = TOMLDateTime.Date(year: year, month: month, day: day)
            if cursor == token.count { return TOMLDateTime(date: date, time: nil, offsetMinutes: nil) }
            guard token[cursor] == "T" || token[cursor] == "t" || token[cursor] == " " else {
                throw fail("expected 'T' or a space between the date and the time")
            }
            cursor += 1
        }

        let hour = try digits(2)
        try expect(":")
        let minute = try digits(2)
        try expect(":")
        let second = try digits(2)
        guard hour < 24 else { throw fail("hour \(hour) is out of range") }
        guard minute < 60 else { throw fail("minute \(minute) is out of range") }
        guard second <= 60 else { throw fail("second \(second) is out of range") }
        var nanosecond = 0
        if cursor < token.count, token[cursor] == "." {
            cursor += 1
            let fractionStart = cursor
            var scale = 100_000_000
            while cursor < token.count, TOMLScalars.isDecimalDigit(token[cursor]) {
                // Precision beyond nanoseconds is truncated, as TOML allows.
                nanosecond += Int(token[cursor].value - 48) * scale
                scale /= 10
                cursor += 1
            }
            guard cursor > fractionStart else { throw fail("the decimal point must be followed by digits") }
        }
        let time = TOMLDateTime.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond)

        var offset: Int?
        if cursor < token.count {
            guard date != nil else { throw fail("a local time cannot have a time-zone offset") }
            switch token[cursor] {
            case "Z", "z":
                cursor += 1
                offset = 0
            case "+", "-":
                let negative = token[cursor] == "-"
                cursor += 1
                let offsetHours = try digits(2)
                try expect(":")
                let offsetMinutes = try digits(2)
                guard offsetHours < 24, offsetMinutes < 60 else { throw fail("time-zone offset out of range") }
                offset = (negative ? -1 : 1) * (offsetHours * 60 + offsetMinutes)
            default:
                throw fail("unexpected \(TOMLScalars.describe(token[cursor]))")
            }
            guard cursor == token.count else { throw fail("unexpected characters after the time-zone offset") }
        }
        return TOMLDateTime(date: date, time: time, offsetMinutes: offset)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
