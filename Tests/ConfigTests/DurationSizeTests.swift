import Testing
@testable import Config

@Suite("Durations and sizes")
struct DurationSizeTests {
    @Test("durations", arguments: [
        ("1s", 1), ("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400), ("1d12h", 129_600),
        ("2h0m5s", 7205), ("0s", 0), ("90m", 5400), ("0010s", 10),
    ] as [(String, Int)])
    func validDuration(text: String, seconds: Int) throws {
        #expect(try DurationParser.parse(text).get() == seconds)
    }

    @Test("invalid durations say why", arguments: [
        ("", "empty"), ("5", "a unit is missing"), ("5 m", "spaces"), ("1.5h", "whole numbers"), ("m", "must start with a whole number"), ("1hm", "a number must come before 'm'"),
        ("30m1h", "larger to smaller"), ("1h1h", "larger to smaller"), ("1h30", "no unit"), ("3w", "unknown unit 'w'"),
        ("5M", "unknown unit 'M'"), ("99999999999d", "longer than 10 years"), ("-5s", "must start with a whole number"), ("5s ", "spaces"),
        ("9999999999999s", "too large"),
    ] as [(String, String)])
    func invalidDuration(text: String, reason: String) {
        switch DurationParser.parse(text) {
        case .success(let seconds): Issue.record("\"\(text)\" parsed as \(seconds)s")
        case .failure(let failure):
            #expect(failure.reason.contains(reason), "\(failure)")
            #expect(failure.description.hasSuffix("(use 30s, 10m, 2h, 1d)"))
        }
    }

    @Test("formatting reads back", arguments: [1, 59, 60, 61, 3600, 5400, 86_400, 90_061])
    func formatRoundTrip(seconds: Int) throws {
        #expect(try DurationParser.parse(DurationParser.format(seconds)).get() == seconds)
    }

    @Test("sizes are 1024-based", arguments: [
        ("1B", 1), ("512KB", 524_288), ("10MB", 10_485_760), ("1GB", 1_073_741_824), ("2kb", 2048), ("3MiB", 3_145_728), ("1gib", 1 << 30),
    ] as [(String, Int)])
    func validSize(text: String, bytes: Int) throws {
        #expect(try SizeParser.parse(text).get() == bytes)
    }

    @Test("invalid sizes say why", arguments: [
        ("", "whole number"), ("MB", "whole number"), ("10", "unit is missing"), ("10 MB", "no space"), ("1.5MB", "unknown unit"),
        ("10TB", "unknown unit"), ("9999999999999MB", "too large"), ("99999999GB", "too large"),
    ] as [(String, String)])
    func invalidSize(text: String, reason: String) {
        switch SizeParser.parse(text) {
        case .success(let bytes): Issue.record("\"\(text)\" parsed as \(bytes) bytes")
        case .failure(let failure): #expect(failure.reason.contains(reason), "\(failure)")
        }
    }
}
