import ArgumentParser
import Feeds
import Foundation

/// Hidden benchmark driver: fetches every URL of a list once with the Fetcher, keeping ETag/Last-Modified in a
/// file between runs so a second run is all conditional. Every changed body is parsed as the poller would (so a
/// cold cycle includes parsing); `--no-parse` measures transfers alone.
struct FetchBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-bench", abstract: "Fetch a list of URLs once (benchmark driver).")

    @Argument(help: "File with one URL per line.") var urlList: String
    @Option(name: .customLong("etag-file"), help: "Validators kept between runs (TSV: url, etag, last-modified).")
    var etagFile: String?
    @Option var concurrency: Int = FetcherOptions().concurrency
    @Option(name: .customLong("per-host")) var perHost: Int = FetcherOptions().perHost
    @Flag(name: .customLong("no-parse"), help: "Count body bytes without parsing them.") var noParse = false

    struct Validators { var etag: String?; var lastModified: String? }

    func run() async throws {
        let started = Date()
        guard let data = FileManager.default.contents(atPath: urlList) else {
            throw ValidationError("cannot read URL list \(urlList)")
        }
        let urls = Self.lines(data).map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
        var validators = etagFile.map(Self.loadValidators) ?? [:]
        let requests = urls.enumerated().map { index, url in
            FetchRequest(key: String(index), url: url, etag: validators[url]?.etag, lastModified: validators[url]?.lastModified)
        }
        let fetcher = Fetcher(options: FetcherOptions(concurrency: concurrency, perHost: perHost))
        defer { fetcher.shutdown() }
        var fetched = 0, notModified = 0, bodyBytes = 0, wireBytes = 0, entries = 0, parseFailures = 0
        var failures: [String: Int] = [:]
        for await result in fetcher.fetch(requests) {
            wireBytes += result.metadata.bytesOnWire
            switch result.outcome {
            case .fetched(let body):
                fetched += 1
                bodyBytes += body.bytes.count
                if !noParse {
                    do {
                        entries += try FeedParser.parse(body.bytes, options: FeedParseOptions(charsetHint: body.charset, sourceURL: body.url)).entries.count
                    } catch {
                        parseFailures += 1
                    }
                }
                validators[result.request.url] = Validators(etag: result.metadata.etag, lastModified: result.metadata.lastModified)
            case .notModified:
                notModified += 1
            case .failed(let failure):
                failures[failure.reason, default: 0] += 1
            }
        }
        if let etagFile { try Self.saveValidators(validators, to: etagFile) }
        let failed = failures.values.reduce(0, +)
        let detail = failures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        print("fetched \(urls.count) urls: \(fetched) changed, \(notModified) not modified, \(failed) failed"
              + (detail.isEmpty ? "" : " (\(detail))")
              + "; \(bodyBytes) body bytes, \(wireBytes) on the wire; "
              + (noParse ? "bodies counted, not parsed; " : "\(entries) entries parsed, \(parseFailures) parse failures; ")
              + String(format: "%.2f s", Date().timeIntervalSince(started)))
        if failed > 0 || parseFailures > 0 { throw ExitCode(1) }
    }

    static func loadValidators(_ path: String) -> [String: Validators] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var validators: [String: Validators] = [:]
        for line in lines(data) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { continue }
            validators[fields[0]] = Validators(etag: fields[1].isEmpty ? nil : fields[1],
                                               lastModified: fields[2].isEmpty ? nil : fields[2])
        }
        return validators
    }

    /// Splits on newlines at the byte level (Foundation's String splitting is slow for 10,000 lines).
    static func lines(_ data: Data) -> [String] {
        var lines: [String] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var start = 0
            for index in 0...raw.count where index == raw.count || raw[index] == 0x0A {
                if index > start {
                    lines.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<index]), as: UTF8.self))
                }
                start = index + 1
            }
        }
        return lines
    }

    static func saveValidators(_ validators: [String: Validators], to path: String) throws {
        var text = ""
        for (url, value) in validators.sorted(by: { $0.key < $1.key }) {
            text += "\(url)\t\(value.etag ?? "")\t\(value.lastModified ?? "")\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
