import ArgumentParser
import Feeds
import Foundation
import Support

/// `tidings parse`: parse feed files (or file:// URLs) and print what they hold.
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse feed files or URLs and print what they hold.",
        discussion: """
            A PATH is a feed file or a directory. A directory means its feed files, recursively, sorted by path:
            names ending in .xml .rss .atom .rdf .feed .json (but not .expected.json) or with no extension;
            hidden files are skipped. file:// URLs are read like paths; http(s) URLs are fetched with the daemon's
            fetcher and limits, and their Content-Type charset is the out-of-band hint. Unreadable or non-feed inputs print one line on stderr (path: what is wrong, line:column)
            and make the exit status 1; the other inputs are still parsed.
            """)

    @Flag(name: .long, help: "Print the conformance JSON schema (one object per line, with \"path\", for several inputs).")
    var json = false

    @Flag(name: .long, help: "Print only one summary line: files, entries, bytes, seconds, MB/s.")
    var stats = false

    @Option(name: .long, help: "Refuse documents larger than this many bytes.")
    var maxBytes: Int = FeedParseOptions.defaultMaxBytes

    @Option(name: .long, help: "Charset from an out-of-band source (as an HTTP Content-Type charset would be).")
    var charset: String?

    @Argument(help: "Feed files, directories, file:// or http(s) URLs.")
    var inputs: [String]

    func validate() throws {
        if json && stats { throw ValidationError("--json and --stats cannot be combined") }
        if inputs.isEmpty { throw ValidationError("give at least one PATH or URL") }
        if maxBytes <= 0 { throw ValidationError("--max-bytes must be positive") }
    }

    @Option(name: .long, help: "Parse this many files at once (default: the number of CPUs).")
    var jobs: Int?

    /// What one input produced; filled in by worker threads, printed in input order.
    struct FileResult: Sendable {
        var bytes = 0
        var entries = 0
        var output: String?
        var error: String?
    }

    func run() async throws {
        var failures = 0
        var files: [String] = []
        // Remote feeds are fetched first, all at once, then parsed like files in input order.
        let remoteInputs = inputs.filter(RemoteInput.isRemote)
        let remote = await RemoteInput.fetchAll(remoteInputs, maxBytes: maxBytes)
        for input in inputs {
            if RemoteInput.isRemote(input) {
                files.append(input)
                continue
            }
            switch Self.expand(input) {
            case .success(let paths): files.append(contentsOf: paths)
            case .failure(let failure):
                Self.report(input, failure.message)
                failures += 1
            }
        }
        let several = files.count > 1 || inputs.count > 1
        let mode: OutputMode = json ? .json(withPath: several) : (stats ? .stats : .listing)
        let options = FeedParseOptions(charsetHint: charset, sourceURL: nil, maxBytes: maxBytes)
        let workers = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        FeedParser.prepare()
        var output = OutputBuffer()
        var totalEntries = 0
        var totalBytes = 0
        let started = DispatchTime.now().uptimeNanoseconds
        // Windows of a few files per worker keep memory flat (only a window's results are held) while
        // every core stays busy.
        var start = 0
        while start < files.count {
            let window = Array(files[start..<min(files.count, start + workers * 4)])
            let results = Self.parseConcurrently(window, options: options, mode: mode, workers: workers, remote: remote)
            for (path, result) in zip(window, results) {
                totalBytes += result.bytes
                totalEntries += result.entries
                if let error = result.error {
                    failures += 1
                    Self.report(path, error)
                }
                if let text = result.output { output.line(text) }
            }
            start += window.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if stats {
            let megabytes = Double(totalBytes) / 1_000_000
            output.line(String(format: "files %d entries %d bytes %d seconds %.3f MB/s %.1f", files.count, totalEntries,
                               totalBytes, seconds, seconds > 0 ? megabytes / seconds : 0))
        }
        output.flush()
        if failures > 0 { throw ExitCode(1) }
    }

    enum OutputMode: Sendable {
        case json(withPath: Bool)
        case stats
        case listing
    }

    static func parseOne(_ path: String, options: FeedParseOptions, mode: OutputMode,
                         releaseMemory: Bool = false, remote: [String: Result<RemoteDocument, RemoteFetchError>] = [:]) -> FileResult {
        // A parse frees a whole document tree at once. With several workers, hand that memory back to the kernel
        // so each worker's malloc arena does not keep its own pile of freed pages (measured: 46 MB instead of 51 MB
        // peak on the benchmark; one shared arena was no better). One worker reuses its arena, and trimming would
        // only cost page faults on the next file (110k faults instead of 9k on the benchmark).
        defer { if releaseMemory { MallocTuning.trim() } }
        var result = FileResult()
        let jsonPath: String?
        if case .json(let withPath) = mode { jsonPath = withPath ? path : nil } else { jsonPath = nil }
        let bytes: [UInt8]
        var options = options
        if let fetched = remote[path] {
            switch fetched {
            case .success(let document):
                bytes = document.bytes
                options.sourceURL = document.url
                options.charsetHint = options.charsetHint ?? document.charset
            case .failure(let error):
                result.error = "fetch: \(error.reason)"
                if case .json = mode { result.output = ParsedFeed.failureJSON(path: jsonPath, error: error.reason) }
                return result
            }
        } else {
            do {
                bytes = try FeedFileReader.read(path: path, maxBytes: options.maxBytes)
            } catch {
                result.error = "\(error.kind.rawValue): \(error.description)"
                if case .json = mode { result.output = ParsedFeed.failureJSON(path: jsonPath, error: error.description) }
                return result
            }
        }
        result.bytes = bytes.count
        do {
            let feed = try FeedParser.parse(bytes, options: options)
            result.entries = feed.entries.count
            switch mode {
            case .json: result.output = feed.schemaJSON(path: jsonPath)
            case .listing: result.output = listing(feed, path: path)
            case .stats: break
            }
        } catch {
            result.error = "\(error.kind.rawValue): \(error.description)"
            if case .json = mode { result.output = ParsedFeed.failureJSON(path: jsonPath, error: error.description) }
        }
        return result
    }

    static func parseConcurrently(_ paths: [String], options: FeedParseOptions, mode: OutputMode, workers: Int,
                                  remote: [String: Result<RemoteDocument, RemoteFetchError>]) -> [FileResult] {
        if workers == 1 || paths.count == 1 { return paths.map { parseOne($0, options: options, mode: mode, remote: remote) } }
        let slots = ResultSlots(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            slots.store(parseOne(paths[index], options: options, mode: mode, releaseMemory: true, remote: remote), at: index)
        }
        return slots.collect()
    }

    // MARK: inputs

    static let feedExtensions: Set<String> = ["xml", "rss", "atom", "rdf", "feed", "json"]

    static func expand(_ input: String) -> Result<[String], ExpandError> {
        var path = input
        if input.lowercased().hasPrefix("file://") {
            guard let url = URL(string: input), url.isFileURL else { return .failure(ExpandError("not a valid file:// URL")) }
            path = url.path
        } else if input.contains("://") {
            return .failure(ExpandError("unsupported URL scheme"))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ExpandError("no such file or directory"))
        }
        guard isDirectory.boolValue else { return .success([path]) }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            return .failure(ExpandError("cannot list directory"))
        }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            let full = (path as NSString).appendingPathComponent(relative)
            var childIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue
            else { continue }
            let lower = name.lowercased()
            if lower.hasSuffix(".expected.json") { continue }
            let ext = (lower as NSString).pathExtension
            if ext.isEmpty || feedExtensions.contains(ext) { found.append(full) }
        }
        return .success(found.sorted())
    }

    struct ExpandError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func report(_ path: String, _ message: String) {
        FileHandle.standardError.write(Data("tidings parse: \(path): \(message)\n".utf8))
    }


    // MARK: readable listing

    static func listing(_ feed: ParsedFeed, path: String) -> String {
        var lines = ["\(path): \(feed.format.rawValue), \(feed.entries.count) entries, \(feed.encoding)"]
        if let title = feed.title { lines.append("  title:   \(title)") }
        if let link = feed.link { lines.append("  link:    \(link)") }
        if let updated = feed.updated { lines.append("  updated: \(FeedDate.isoString(updated))") }
        for warning in feed.warnings { lines.append("  warning: \(warning)") }
        for entry in feed.entries {
            let date = (entry.published ?? entry.updated).map(FeedDate.isoString) ?? "          -         "
            lines.append("  - \(date)  \(entry.title ?? "(untitled)")")
            if let link = entry.link { lines.append("      \(link)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// One slot per input, each written by exactly one worker before `collect` runs on the calling thread.
final class ResultSlots: @unchecked Sendable {
    private let pointer: UnsafeMutablePointer<ParseCommand.FileResult>
    private let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: ParseCommand.FileResult(), count: count)
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }

    func store(_ result: ParseCommand.FileResult, at index: Int) { pointer[index] = result }

    func collect() -> [ParseCommand.FileResult] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Buffered stdout: thousands of small writes through FileHandle are slow.
struct OutputBuffer {
    private var pending: [UInt8] = []

    mutating func line(_ text: String) {
        pending.append(contentsOf: text.utf8)
        pending.append(0x0A)
        if pending.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}
