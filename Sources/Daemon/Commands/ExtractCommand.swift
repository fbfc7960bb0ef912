import ArgumentParser
import Articles
import Foundation

struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the main article text of an HTML page.",
        discussion: """
            Reads FILE (a path, a file:// URL, or an http(s) URL fetched with the daemon's fetcher and limits), finds the article with a Readability-style content scorer and prints \
            its title, byline, date and text. Exits 0 with a result for any readable HTML, even when no article \
            is found (text is then empty); exits 1 with one line on stderr when the page cannot be read or \
            breaks a limit.
            With --stats, extracts every FILE in one process and prints pages per second.
            """)

    @Argument(help: "An HTML file, file:// URL or http(s) URL (several files with --stats).")
    var inputs: [String]

    @Option(help: "The page's address, used to resolve relative URLs (never fetched).")
    var url: String?

    @Option(help: "Charset from an HTTP Content-Type header; outranks what the page declares.")
    var charset: String?

    @Flag(help: "Print one JSON object: title, byline, published, canonical_url, text, paragraphs, charset, warnings.")
    var json = false

    @Flag(help: "Extract every input in one process and print throughput instead of articles.")
    var stats = false

    @Option(help: "Refuse pages larger than this many bytes.")
    var maxBytes: Int = ExtractionLimits().maxBytes

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give an HTML file to extract") }
        if !stats && inputs.count > 1 { throw ValidationError("one page at a time (use --stats for many)") }
    }

    func run() async throws {
        var limits = ExtractionLimits()
        limits.maxBytes = maxBytes
        if stats {
            try runStats(limits: limits)
            return
        }
        let input = inputs[0]
        let bytes: [UInt8]
        var pageURL = url ?? Self.fileURL(for: input)
        var httpCharset = charset
        if RemoteInput.isRemote(input) {
            switch await RemoteInput.fetch(input, maxBytes: limits.maxBytes) {
            case .success(let document):
                bytes = document.bytes
                pageURL = url ?? document.url
                httpCharset = charset ?? document.charset
            case .failure(let error):
                throw Self.fail(error.description)
            }
        } else {
            bytes = try Self.read(input, maxBytes: limits.maxBytes)
        }
        let article: ExtractedArticle
        do {
            article = try ArticleExtractor.extract(html: bytes, url: pageURL, contentTypeCharset: httpCharset, limits: limits)
        } catch {
            throw Self.fail("\(input): \(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            let data = (try? encoder.encode(article)) ?? Data("{}".utf8)
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            print(Self.readable(article))
        }
    }

    private func runStats(limits: ExtractionLimits) throws {
        var pages: [(String, [UInt8])] = []
        for input in inputs { pages.append((input, try Self.read(input, maxBytes: .max))) }
        let bytes = pages.reduce(0) { $0 + $1.1.count }
        var failures = 0
        var characters = 0
        let clock = ContinuousClock()
        let cpuStart = Self.threadCPUSeconds()
        let elapsed = clock.measure {
            for (input, page) in pages {
                do {
                    characters += try ArticleExtractor.extract(html: page, url: url ?? Self.fileURL(for: input), limits: limits).text.count
                } catch {
                    failures += 1
                    FileHandle.standardError.write(Data("tidings extract: \(input): \(error)\n".utf8))
                }
            }
        }
        let cpuSeconds = max(Self.threadCPUSeconds() - cpuStart, 1e-9)
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-9)
        let rate = Double(pages.count) / seconds
        // CPU time of this thread is what "pages per second on one core" means on a shared machine.
        print(String(format: "extract: pages %d, failed %d, bytes %d, wall s %.3f, pages/s %.1f, cpu s %.3f, pages/cpu-s %.1f, MiB/cpu-s %.1f, text chars %d",
                     pages.count, failures, bytes, seconds, rate, cpuSeconds, Double(pages.count) / cpuSeconds,
                     Double(bytes) / cpuSeconds / 1_048_576, characters))
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func fileURL(for input: String) -> String? {
        if input.hasPrefix("file://") || RemoteInput.isRemote(input) { return input }
        return URL(fileURLWithPath: input).absoluteString
    }

    static func read(_ input: String, maxBytes: Int) throws -> [UInt8] {
        var path = input
        if let scheme = input.range(of: "://").map({ input[..<$0.lowerBound].lowercased() }) {
            switch scheme {
            case "file":
                guard let url = URL(string: input), url.isFileURL else { throw fail("\(input): not a valid file:// URL") }
                path = url.path
            case "http", "https":
                throw fail("\(input): --stats reads files only; extract one URL at a time")
            default:
                throw fail("\(input): unsupported URL scheme \(scheme)")
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw fail("\(path): is a directory, not an HTML file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw fail("\(path): \(reason)")
        }
        defer { try? handle.close() }
        // Read one byte past the limit: enough to know the page is too large without loading all of it.
        let data = (try? handle.read(upToCount: maxBytes == .max ? .max : maxBytes + 1)) ?? Data()
        if data.count > maxBytes { throw fail("\(path): page is over the \(maxBytes)-byte limit") }
        return [UInt8](data)
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("tidings extract: \(message)\n".utf8))
        return ExitCode(1)
    }

    static func readable(_ article: ExtractedArticle) -> String {
        var lines: [String] = []
        lines.append(article.title ?? "(no title)")
        let details = [article.byline.map { "By \($0)" }, article.published].compactMap { $0 }
        if !details.isEmpty { lines.append(details.joined(separator: " · ")) }
        if let canonical = article.canonicalURL { lines.append(canonical) }
        lines.append("")
        lines.append(article.text.isEmpty ? "(no article text found)" : article.text)
        for warning in article.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
