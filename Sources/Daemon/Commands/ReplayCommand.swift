import ArgumentParser
import Config
import Coverage
import DaemonRuntime
import Foundation
import Support

/// `tidings replay --config PATH ARTICLES.jsonl`: judges a stream of articles exactly as the daemon would and
/// prints one JSON object per input article, in input order:
/// `{"id", "topics", "event", "verdict", "new_facts", "verdicts"}`.
///
/// An article matching several topics gets one verdict per topic (all listed under `verdicts`); the top-level
/// `event`, `verdict` and `new_facts` show `Decision.primary`: the verdict about the most established event
/// (most articles), then the most significant, then the first topic in configuration order.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Judge a stream of articles (JSON lines) against the configured topics.")

    @OptionGroup var configPath: ConfigPathOption

    @Argument(help: "Articles, one JSON object per line: id, feed, url, published (ISO-8601), title, text.")
    var articles: String

    @Flag(name: .long, help: "Explain each decision on stderr (candidate events, new units per sentence).")
    var explain = false

    func run() throws {
        let topics = try Self.loadTopics(path: configPath.resolvedPath())
        var engine = CoverageEngine(topics: topics)
        if explain { engine.explain = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } }

        guard let input = FileHandle(forReadingAtPath: articles) else {
            FileHandle.standardError.write(Data("tidings replay: cannot open \(articles)\n".utf8))
            throw ExitCode(1)
        }
        let output = BufferedOutput()
        let progress = ReplayProgress()
        var badLines = 0
        var lineNumber = 0
        var reader = LineReader(handle: input)
        while let line = reader.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let article: Article
            do {
                article = try ReplayInput.article(from: line)
            } catch {
                badLines += 1
                FileHandle.standardError.write(Data("tidings replay: \(articles) line \(lineNumber): \(error)\n".utf8))
                continue
            }
            if explain { FileHandle.standardError.write(Data("== \(article.id) \(article.title)\n".utf8)) }
            let decision = engine.judge(article)
            output.write(decision)
            progress.tick()
        }
        output.flush()
        progress.finish()
        if badLines > 0 {
            FileHandle.standardError.write(Data("tidings replay: \(badLines) bad input line(s) skipped\n".utf8))
            throw ExitCode(1)
        }
    }
}

enum ReplayInput {
    struct InputError: Error, CustomStringConvertible {
        let description: String
    }

    static func article(from line: [UInt8]) throws -> Article {
        let object: ReplayJSONLine
        do {
            object = try ReplayJSONLine(line)
        } catch {
            throw InputError(description: error.description)
        }
        guard let id = object.strings["id"], !id.isEmpty else { throw InputError(description: "missing string \"id\"") }
        guard let publishedText = object.strings["published"] else {
            throw InputError(description: "article \(id): missing string \"published\"")
        }
        guard let published = ISO8601Time.parse(publishedText) else {
            throw InputError(description: "article \(id): \"published\" is not an ISO-8601 time: \(publishedText)")
        }
        for key in ["title", "text", "feed", "url"] {
            if let kind = object.otherFields[key], kind != "null" {
                throw InputError(description: "article \(id): \"\(key)\" must be a string, not \(kind)")
            }
        }
        return Article(id: id, feed: object.strings["feed"] ?? "", url: object.strings["url"] ?? "",
                       published: published, title: object.strings["title"] ?? "", text: object.strings["text"] ?? "")
    }
}

/// Output lines written straight into the output buffer as bytes: building each line as a String of quoted
/// pieces and copying it over cost a few per cent of the replay.
enum ReplayOutput {
    static func line(for decision: Decision) -> String {
        var bytes: [UInt8] = []
        append(decision, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ decision: Decision, to out: inout [UInt8]) {
        raw(#"{"id":"#, &out)
        JSONString.append(decision.articleID, to: &out)
        raw(#","topics":["#, &out)
        list(decision.topics, &out)
        if let primary = decision.primary {
            raw("],", &out)
            verdictFields(eventID: primary.eventID, verdict: primary.verdict.rawValue, newFacts: primary.newFacts, &out)
            raw(#"],"event_title":"#, &out)
            optional(primary.eventTitle, &out)
        } else {
            raw(#"],"event":null,"verdict":"off_topic","new_facts":[]"#, &out)
        }
        if decision.verdicts.count > 1 {
            raw(#","verdicts":["#, &out)
            for (i, v) in decision.verdicts.enumerated() {
                if i > 0 { out.append(0x2C) }
                raw(#"{"topic":"#, &out)
                JSONString.append(v.topic, to: &out)
                raw(",", &out)
                verdictFields(eventID: v.eventID, verdict: v.verdict.rawValue, newFacts: v.newFacts, &out)
                raw("]}", &out)
            }
            out.append(0x5D)
        }
        raw("}\n", &out)
    }

    /// `"event":…,"verdict":…,"new_facts":[…` for one topic's verdict (the list left open).
    static func verdictFields(eventID: String?, verdict: String, newFacts: [String], _ out: inout [UInt8]) {
        raw(#""event":"#, &out)
        optional(eventID, &out)
        raw(#","verdict":"#, &out)
        JSONString.append(verdict, to: &out)
        raw(#","new_facts":["#, &out)
        list(newFacts, &out)
    }

    @inline(__always)
    private static func raw(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private static func optional(_ s: String?, _ out: inout [UInt8]) {
        if let s { JSONString.append(s, to: &out) } else { raw("null", &out) }
    }

    private static func list(_ items: [String], _ out: inout [UInt8]) {
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(0x2C) }
            JSONString.append(item, to: &out)
        }
    }
}

/// Reads a file line by line in 1 MiB chunks, so memory stays flat on big replays.
struct LineReader {
    let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> [UInt8]? {
        while true {
            // memchr rather than a generic firstIndex: the reader walks every byte of a 100 MB replay.
            let found = buffer.withUnsafeBufferPointer { b -> Int? in
                guard start < b.count, let p = memchr(b.baseAddress! + start, 10, b.count - start) else { return nil }
                return UnsafeRawPointer(p) - UnsafeRawPointer(b.baseAddress!)
            }
            if let nl = found {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                return line
            }
            if eof {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { eof = true }
        }
    }
}

final class BufferedOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 17) }

    func write(_ decision: Decision) {
        ReplayOutput.append(decision, to: &buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A one-line progress counter on stderr, shown only when stderr is a terminal.
final class ReplayProgress {
    private let enabled = isatty(2) == 1
    private let started = Date()
    private var lastShown = Date()
    private var count = 0

    func tick() {
        count += 1
        guard enabled, count % 256 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastShown) >= 0.5 else { return }
        lastShown = now
        show(now)
    }

    func finish() {
        guard enabled, count >= 256 else { return }
        show(Date())
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func show(_ now: Date) {
        let rate = Double(count) / max(now.timeIntervalSince(started), 0.001)
        FileHandle.standardError.write(Data(String(format: "\rreplay: %d articles, %.0f/s", count, rate).utf8))
    }
}

extension ReplayCommand {
    /// The configuration's topics. Replay needs only `[[topic]]` tables, so a file of topics alone is fine and
    /// the warnings about missing feeds or sinks are not printed; errors are, with file and line, and exit 78.
    static func loadTopics(path: String) throws -> [Topic] {
        do {
            let (config, _) = try ConfigFile.load(path: path, environment: ProcessInfo.processInfo.environment,
                                                  validateQuery: TopicQueryCheck.validator)
            return try config.topics.map { settings in
                do throws(QueryError) {
                    return try Topic(name: settings.name, queryText: settings.query)
                } catch {
                    // Already validated above; reaching this means the two parsers disagree.
                    StandardError.print("\(path):\(settings.line): topic \"\(settings.name)\": \(error.message)")
                    throw ExitCode(ConfigExitCode.invalidConfiguration)
                }
            }
        } catch let error as ConfigError {
            for diagnostic in error.errors { StandardError.print(diagnostic.description) }
            throw ExitCode(ConfigExitCode.invalidConfiguration)
        }
    }
}
