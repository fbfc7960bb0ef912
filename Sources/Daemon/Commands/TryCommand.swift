import ArgumentParser
import Config
import Coverage
import Foundation
import Pipeline
import Store
import Web

/// `tidings try QUERY`: which stored items a topic query would match, before living with it for a week.
struct TryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Preview a topic query against the stored items (changes nothing).",
        discussion: """
            Same query language and matcher as [[topic]] query (title and the feed's text). Newest first, with \
            the total. --json prints {"query","total","items":[{"title","url","feed","published"}]}.
            Exit status: 0 (also when nothing matches), 1 the store cannot be read, 2 usage, 78 the query does \
            not parse (with its column) or a bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    @Argument(help: "A topic query, e.g. '\"Alder Harbor Bridge\" OR (bridge AND ship)'.")
    var query: String

    @Option(name: .long, help: ArgumentHelp("Only items first seen within this long (30m, 2h, 7d).", valueName: "duration"))
    var since = "7d"

    @Option(name: .long, help: "Show at most this many items.")
    var limit = 20

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if case .failure(let failure) = DurationParser.parse(since) { throw ValidationError("--since: \(failure)") }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let parsed: TopicQuery
        do throws(QueryError) {
            parsed = try TopicQuery.parse(query)
        } catch {
            // As check-config reports a topic's query: where (line:column) and what.
            StandardError.print("query:1:\(error.position): \(error.message)")
            StandardError.print("  \(query)")
            StandardError.print("  " + String(repeating: " ", count: max(0, error.position - 1)) + "^")
            throw ExitCode(ConfigExitCode.invalidConfiguration)
        }
        let (_, store) = try CommandStore.open(configPath, command: "try")
        defer { store.close() }
        guard case .success(let seconds) = DurationParser.parse(since) else { return }
        let preview: QueryPreview
        do {
            preview = try QueryPreview.run(store: store, query: query, parsed: parsed,
                                           since: Date().addingTimeInterval(-TimeInterval(seconds)), limit: limit)
        } catch {
            StandardError.print("tidings try: cannot read the store: \(error)")
            throw ExitCode.failure
        }
        if json {
            print(preview.json.serialized())
            return
        }
        print(HumanText.clip("\(preview.total) item\(preview.total == 1 ? "" : "s") in the last \(since) match "
                             + "(showing \(preview.items.count)): \(query)", 100))
        for item in preview.items {
            let when = HumanText.utc(item.published ?? item.seen)
            print(HumanText.clip("\(when)  \(HumanText.outlet(feed: item.feed, name: item.feedName))  \(item.title)", 100))
            if let url = item.url { print("    " + HumanText.clip(url, 96)) }
        }
    }
}
