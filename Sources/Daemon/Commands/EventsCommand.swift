import ArgumentParser
import Config
import Foundation
import Pipeline
import Store
import Web

/// `tidings events`: the stored events (open and closed), newest activity first.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List events, newest activity first.",
        discussion: """
            Events stay listed for the retention period after they close. --json prints \
            {"events":[{"id","topic","title","first_seen","last_seen","articles","closed"}]}.
            Exit status: 0 (also when there are none), 1 the store cannot be read, 2 usage, 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    @Option(name: .long, help: ArgumentHelp("Only this topic's events.", valueName: "name"))
    var topic: String?

    @Option(name: .long, help: ArgumentHelp("Only events with activity within this long (30m, 2h, 7d).", valueName: "duration"))
    var since: String?

    @Option(name: .long, help: "At most this many events.")
    var limit = 100

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if let since, case .failure(let failure) = DurationParser.parse(since) {
            throw ValidationError("--since: \(failure)")
        }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let (_, store) = try CommandStore.open(configPath, command: "events")
        defer { store.close() }
        let now = Date()
        var query = EventQuery(topic: topic, limit: limit)
        if let since, case .success(let seconds) = DurationParser.parse(since) {
            query.since = now.addingTimeInterval(-TimeInterval(seconds))
        }
        let events: [EventSummary]
        do {
            events = try store.read { try $0.events(query) }
        } catch {
            StandardError.print("tidings events: cannot read the store: \(error)")
            throw ExitCode.failure
        }
        if json {
            print(EventList.json(events).serialized())
            return
        }
        if events.isEmpty { print("no events" + (topic.map { " for topic \($0)" } ?? "")) }
        for event in events {
            let state = event.closed ? "closed" : "open"
            let head = "\(event.id)  \(event.topic)  \(event.articleCount) article\(event.articleCount == 1 ? "" : "s")  "
                + "\(state)  updated \(HumanText.age(of: event.updated, now: now))"
            print(HumanText.clip(head, 100))
            print("    " + HumanText.clip(event.title, 96))
        }
    }
}

/// `tidings event ID`: one event's timeline.
struct EventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Show one event's timeline: each article with its verdict and new facts.",
        discussion: """
            --json prints {"id","topic","title","first_seen","last_seen","closed","articles":[{"title","url","feed",\
            "published","seen","verdict","new_facts":[…]}]}.
            Exit status: 0, 1 unknown event or unreadable store, 2 usage, 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    @Argument(help: "The event id (as `tidings events` lists it).")
    var id: String

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let (_, store) = try CommandStore.open(configPath, command: "event")
        defer { store.close() }
        let found: EventTimeline?
        do {
            found = try EventTimeline.load(store, id: id)
        } catch {
            StandardError.print("tidings event: cannot read the store: \(error)")
            throw ExitCode.failure
        }
        guard let timeline = found else {
            StandardError.print("tidings event: no event \(id) (tidings events lists them)")
            throw ExitCode.failure
        }
        print(json ? timeline.json.serialized() : Self.text(timeline, now: Date()))
    }

    static func text(_ timeline: EventTimeline, now: Date) -> String {
        let event = timeline.event
        var lines = HumanText.wrap(event.title, width: 100, indent: "")
        lines.append(HumanText.clip("topic \(event.topic) · \(event.articleCount) articles · \(event.closed ? "closed" : "open") · "
                                    + "first seen \(HumanText.utc(event.firstSeen))", 100))
        lines.append(HumanText.clip("id \(event.id)", 100))
        for article in timeline.articles {
            lines.append("")
            let verdict = article.verdict.replacingOccurrences(of: "_", with: " ").uppercased()
            lines.append(HumanText.clip("\(article.sequence). \(HumanText.utc(article.seen)) (\(HumanText.age(of: article.seen, now: now)))  "
                                        + "\(HumanText.outlet(feed: article.feed, name: article.feedName))  \(verdict)", 100))
            lines += HumanText.wrap(article.title, width: 97, indent: "").map { "   " + $0 }
            if let url = article.url { lines.append("   " + HumanText.clip(url, 97)) }
            for fact in article.newFacts {
                lines += HumanText.wrap("+ " + fact, width: 97, indent: "  ").map { "   " + $0 }
            }
        }
        return lines.joined(separator: "\n")
    }
}
