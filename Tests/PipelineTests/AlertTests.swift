import Foundation
import Testing
import TestSupport
@testable import Pipeline
import Support

@Suite struct AlertIDTests {
    @Test func deterministicAndULIDShaped() {
        let first = AlertID.make(topic: "harbor-bridge", articleKey: "https://example.org/a")
        #expect(first == AlertID.make(topic: "harbor-bridge", articleKey: "https://example.org/a"))
        #expect(first.count == 26)
        #expect(AlertID.isWellFormed(first))
        #expect(first != AlertID.make(topic: "other", articleKey: "https://example.org/a"))
        #expect(first != AlertID.make(topic: "harbor-bridge", articleKey: "https://example.org/b"))
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        #expect(AlertID.make(topic: "ab", articleKey: "c") != AlertID.make(topic: "a", articleKey: "bc"))
    }

    @Test func encodingMatchesULIDBitLayout() {
        #expect(AlertID.encode128([UInt8](repeating: 0, count: 16)) == String(repeating: "0", count: 26))
        #expect(AlertID.encode128([UInt8](repeating: 0xff, count: 16)) == "7" + String(repeating: "Z", count: 25))
        var one = [UInt8](repeating: 0, count: 16)
        one[15] = 33
        #expect(AlertID.encode128(one) == String(repeating: "0", count: 24) + "11")
    }

    @Test func manyIdsAreDistinctAndWellFormed() {
        var seen = Set<String>()
        for index in 0..<5000 {
            let id = AlertID.make(topic: "t\(index % 7)", articleKey: "https://example.org/\(index)")
            #expect(AlertID.isWellFormed(id))
            seen.insert(id)
        }
        #expect(seen.count == 5000)
    }
}

@Suite struct AlertRenderingTests {
    static let sample = Alert(
        id: AlertID.make(topic: "harbor-bridge", articleKey: "https://example.org/x"),
        created: Date(timeIntervalSince1970: 1_751_378_712),
        topic: "harbor-bridge", verdict: .newFacts,
        event: .init(id: "evt_7f3a9c", title: "Ship hits \"Harbor\" bridge", firstSeen: Date(timeIntervalSince1970: 1_751_373_600), articles: 3),
        article: .init(title: "Bridge <closed> & more", url: "https://example.org/x?a=1&b=/2",
                       canonicalURL: "https://example.org/x", feed: "file:///feeds/wire.xml",
                       published: Date(timeIntervalSince1970: 1_751_377_800)),
        newFacts: ["Line one\nwith a newline and \u{01} control.", "Ünïcode — stays UTF-8."])

    private func keyTree(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            return Dictionary(uniqueKeysWithValues: dictionary.map { ($0.key, keyTree($0.value)) }) as [String: Any]
        }
        return ""
    }

    @Test func jsonHasEveryKeyOfTheContract() throws {
        let line = Self.sample.renderJSON()
        #expect(!line.contains("\n"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(parsed["id"] as? String == Self.sample.id)
        #expect(parsed["created"] as? String == "2025-07-01T14:05:12Z")
        #expect(parsed["verdict"] as? String == "new_facts")
        let event = try #require(parsed["event"] as? [String: Any])
        #expect(event["title"] as? String == "Ship hits \"Harbor\" bridge")
        #expect(event["first_seen"] as? String == "2025-07-01T12:40:00Z")
        #expect(event["articles"] as? Int == 3)
        let article = try #require(parsed["article"] as? [String: Any])
        #expect(article["url"] as? String == "https://example.org/x?a=1&b=/2")
        #expect(article["canonical_url"] as? String == "https://example.org/x")
        #expect(article["published"] as? String == "2025-07-01T13:50:00Z")
        #expect(parsed["new_facts"] as? [String] == Self.sample.newFacts)
        // Keys appear in the contract's order.
        let order = ["\"id\":", "\"created\":", "\"topic\":", "\"verdict\":", "\"event\":", "\"article\":", "\"new_facts\":"]
            .map { line.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test(.enabled(if: TestPaths.shared != nil, "../shared not present: cannot compare with the contract's alert.example.json"))
    func sameKeysAsTheSharedExample() throws {
        let url = TestPaths.shared!.appendingPathComponent("spec/alert.example.json")
        let example = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let ours = try JSONSerialization.jsonObject(with: Data(Self.sample.renderJSON().utf8))
        var ourTree = try #require(keyTree(ours) as? [String: Any])
        var article = try #require(ourTree["article"] as? [String: Any])
        article["canonical_url"] = nil  // the documented extra key
        ourTree["article"] = article
        #expect(NSDictionary(dictionary: ourTree).isEqual(to: try #require(keyTree(example) as? [String: Any])))
    }

    @Test func slackBodyIsTextOnlyAndEscaped() throws {
        let body = Self.sample.renderSlack()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(parsed.keys.sorted() == ["text"])
        let text = try #require(parsed["text"] as? String)
        #expect(text.contains("[harbor-bridge] New facts"))
        #expect(text.contains("Bridge &lt;closed&gt; &amp; more"))
        #expect(text.contains("• Ünïcode — stays UTF-8."))
    }

    @Test func isoTimeRoundTrips() {
        let date = Date(timeIntervalSince1970: 1_751_378_712)
        #expect(ISO8601Time.parse(ISO8601Time.format(date)) == date)
        #expect(ISO8601Time.parse("2025-07-01T16:05:12+02:00") == date)
        #expect(ISO8601Time.parse("yesterday") == nil)
    }
}
