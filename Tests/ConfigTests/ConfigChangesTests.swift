import Testing
@testable import Config

@Suite("Configuration: what a reload changes")
struct ConfigChangesTests {
    static let before = """
        [[feed]]
        url = "https://a.example/f"
        [[feed]]
        url = "https://b.example/f"
        name = "B"
        [[topic]]
        name = "t1"
        query = "x"
        [[topic]]
        name = "t2"
        query = "y"
        [[alert]]
        type = "log"
        path = "/a.jsonl"
        """

    @Test("the same file, reordered and with comments, changes nothing")
    func reorderedIsNoChange() throws {
        let old = try ConfigFixture.load(Self.before).config
        let moved = """
            # comment
            [[topic]]
            name = "t2"
            query = "y"
            [[feed]]
            url = "https://b.example/f"
            name = "B"
            [[alert]]
            type = "log"
            path = "/a.jsonl"
            [[feed]]
            url = "https://a.example/f"
            [[topic]]
            name = "t1"
            query = "x"
            """
        let new = try ConfigFixture.load(moved).config
        #expect(ConfigChanges(from: old, to: new).isEmpty)
        #expect(old != new, "lines differ, so the configurations are not equal")
    }

    @Test("added, removed and changed feeds, topics and sinks; poll and store changes")
    func changes() throws {
        let old = try ConfigFixture.load(Self.before).config
        let after = """
            [store]
            path = "/elsewhere.db"
            [poll]
            interval = "10m"
            [[feed]]
            url = "https://b.example/f"
            name = "B renamed"
            [[feed]]
            url = "https://c.example/f"
            [[topic]]
            name = "t1"
            query = "x OR z"
            [[topic]]
            name = "t3"
            query = "w"
            [[alert]]
            type = "log"
            path = "/a.jsonl"
            topics = ["t1"]
            [[alert]]
            type = "webhook"
            url = "https://h.example/"
            """
        let new = try ConfigFixture.load(after).config
        let changes = ConfigChanges(from: old, to: new)
        #expect(changes.addedFeeds.map(\.url) == ["https://c.example/f"])
        #expect(changes.removedFeeds.map(\.url) == ["https://a.example/f"])
        #expect(changes.changedFeeds.map(\.name) == ["B renamed"])
        #expect(changes.addedTopics.map(\.name) == ["t3"])
        #expect(changes.removedTopics.map(\.name) == ["t2"])
        #expect(changes.changedTopics.map(\.query) == ["x OR z"])
        #expect(changes.addedSinks.map(\.name) == ["webhook-1"])
        #expect(changes.removedSinks.isEmpty)
        #expect(changes.changedSinks.map(\.topics) == [["t1"]])
        #expect(changes.pollChanged)
        #expect(changes.storeChanged)
        #expect(!changes.opmlChanged)
        #expect(!changes.isEmpty)
    }
}
