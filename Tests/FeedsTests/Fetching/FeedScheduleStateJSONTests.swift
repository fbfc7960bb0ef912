import Feeds
import Foundation
import Testing

/// The hand-written JSON of the scheduler's state must read and write exactly what JSONEncoder/JSONDecoder do,
/// since rows written by earlier versions (JSONEncoder) stay in stores.
@Suite struct FeedScheduleStateJSONTests {
    static func samples() -> [FeedScheduleState] {
        var plain = FeedScheduleState()
        var full = FeedScheduleState()
        full.consecutiveFailures = 3
        full.consecutiveUnchanged = 7
        full.lastChange = Date(timeIntervalSinceReferenceDate: 817_008_661.473_389_3)
        full.changeInterval = 1234.5678
        full.pendingRedirect = "https://example.org/new feed?a=\"b\"&c=\\d\u{2028}ü😀\n\t\u{01}"
        full.pendingRedirectSeen = 1
        full.retired = true
        full.lastError = "http 503 — \"busy\""
        plain.lastChange = Date(timeIntervalSinceReferenceDate: 0)
        return [FeedScheduleState(), plain, full]
    }

    @Test func compactJSONReadsBackAndAgreesWithJSONDecoder() throws {
        for state in Self.samples() {
            let text = state.compactJSON()
            #expect(FeedScheduleState(compactJSON: text) == state)
            let decoded = try JSONDecoder().decode(FeedScheduleState.self, from: Data(text.utf8))
            #expect(decoded == state)
        }
    }

    @Test func readsWhatJSONEncoderWrote() throws {
        for state in Self.samples() {
            let text = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            #expect(FeedScheduleState(compactJSON: text) == state)
        }
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let state = Self.samples()[2]
        #expect(FeedScheduleState(compactJSON: String(decoding: try pretty.encode(state), as: UTF8.self)) == state)
    }

    @Test func declinesWhatItDoesNotExpectSoJSONDecoderDecides() {
        let required = "\"consecutiveFailures\":0,\"consecutiveUnchanged\":0,\"pendingRedirectSeen\":0,\"retired\":false"
        #expect(FeedScheduleState(compactJSON: "{\(required)}") == FeedScheduleState())
        #expect(FeedScheduleState(compactJSON: "{\(required),\"somethingNew\":\"x\"}") == FeedScheduleState())
        #expect(FeedScheduleState(compactJSON: "{\(required),\"lastError\":null}") == FeedScheduleState())
        let declined = [
            "", "{", "[]", "null", "{\(required)} trailing", "{\(required),}",
            "{\"consecutiveFailures\":0}",                                   // required fields missing
            "{\(required),\"nested\":{\"a\":1}}",                             // nesting
            "{\(required.replacingOccurrences(of: "\"retired\":false", with: "\"retired\":0"))}",   // wrong type
            "{\(required.replacingOccurrences(of: "\"consecutiveFailures\":0", with: "\"consecutiveFailures\":1.5"))}",
            "{\(required),\"lastError\":\"bad \\x escape\"}",
            "{\(required),\"lastError\":\"lone \\ud800 surrogate\"}",
            "{\(required),\"lastError\":\"raw \n newline\"}",
        ]
        for text in declined {
            #expect(FeedScheduleState(compactJSON: text) == nil, "accepted: \(text)")
        }
    }
}
