import ArgumentParser
import Config
import Coverage
import Foundation

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
        guard let published = ISO8601.parse(publishedText) else {
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
        JSONText.append(decision.articleID, to: &out)
        raw(#","topics":["#, &out)
        list(decision.topics, &out)
        if let primary = decision.primary {
            raw(#"],"event":"#, &out)
            optional(primary.eventID, &out)
            raw(#","verdict":"#, &out)
            JSONText.append(primary.verdict.rawValue, to: &out)
            raw(#","new_facts":["#, &out)
            list(primary.newFacts, &out)
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
                JSONText.append(v.topic, to: &out)
                raw(#","event":"#, &out)
                optional(v.eventID, &out)
                raw(#","verdict":"#, &out)
                JSONText.append(v.verdict.rawValue, to: &out)
                raw(#","new_facts":["#, &out)
                list(v.newFacts, &out)
                raw("]}", &out)
            }
            out.append(0x5D)
        }
        raw("}\n", &out)
    }

    @inline(__always)
    private static func raw(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private static func optional(_ s: String?, _ out: inout [UInt8]) {
        if let s { JSONText.append(s, to: &out) } else { raw("null", &out) }
    }

    private static func list(_ items: [String], _ out: inout [UInt8]) {
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(0x2C) }
            JSONText.append(item, to: &out)
        }
    }
}

enum JSONText {
    /// A JSON string literal; escapes only what JSON requires.
    static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        append(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal, copying runs that need no escape at once.
    static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { bytes in
            out.append(0x22)
            var runStart = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                case 0x0D: out.append(0x5C); out.append(0x72)
                case 0x09: out.append(0x5C); out.append(0x74)
                default:
                    let hex: StaticString = "0123456789abcdef"
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex.utf8Start[Int(b >> 4)], hex.utf8Start[Int(b & 15)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            out.append(0x22)
        }
    }
}

/// ISO-8601 times as feeds and the dev set write them: `2025-07-01T12:40:00Z`, with optional fraction and offset.
enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 19, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45, let day = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = num(11, 2), b[13] == 58, let minute = num(14, 2),
              b[16] == 58, let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count && b[i] == 46 {
            i += 1
            var scale = 0.1
            while i < b.count && b[i] >= 48 && b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 43 ? 1 : -1
                guard let oh = num(i + 1, 2) else { return nil }
                var j = i + 3
                if j < b.count && b[j] == 58 { j += 1 }
                guard let om = num(j, 2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
                i = j + 2
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        // Days since 1970-01-01 (civil calendar; Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
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
            let (config, _) = try ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment,
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
