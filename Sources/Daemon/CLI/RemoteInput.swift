import Feeds
import Foundation

/// One http(s) document fetched for a command-line tool (`parse URL`, `extract URL`), through the same libcurl
/// fetcher, limits and User-Agent the daemon uses.
struct RemoteDocument {
    var bytes: [UInt8]
    /// The URL after redirects: the base for relative links.
    var url: String
    /// The charset of the HTTP Content-Type, which outranks what the document declares.
    var charset: String?
}

enum RemoteInput {
    static func isRemote(_ input: String) -> Bool {
        let lowered = input.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    /// Fetches every URL concurrently (the fetcher's own concurrency and per-host limits apply).
    static func fetchAll(_ urls: [String], maxBytes: Int) async -> [String: Result<RemoteDocument, RemoteFetchError>] {
        guard !urls.isEmpty else { return [:] }
        var options = FetcherOptions()
        options.maxBytes = maxBytes
        options.maxDecodedBytes = maxBytes
        let fetcher = Fetcher(options: options)
        defer { fetcher.shutdown() }
        var results: [String: Result<RemoteDocument, RemoteFetchError>] = [:]
        for await result in fetcher.fetch(urls.map { FetchRequest(key: $0, url: $0) }) {
            results[result.request.key] = document(from: result)
        }
        return results
    }

    /// Fetches `url`; a failure is one clear line naming the URL and the reason (`http 404`, `timeout`, …).
    static func fetch(_ url: String, maxBytes: Int) async -> Result<RemoteDocument, RemoteFetchError> {
        var options = FetcherOptions()
        options.maxBytes = maxBytes
        options.maxDecodedBytes = maxBytes
        options.concurrency = 1
        let fetcher = Fetcher(options: options)
        defer { fetcher.shutdown() }
        return document(from: await fetcher.fetchOne(FetchRequest(key: url, url: url)))
    }

    private static func document(from result: FetchResult) -> Result<RemoteDocument, RemoteFetchError> {
        let url = result.request.url
        switch result.outcome {
        case .fetched(let body):
            return .success(RemoteDocument(bytes: body.bytes, url: body.url, charset: body.charset))
        case .notModified:
            return .failure(RemoteFetchError(url: url, reason: "answered 304 Not Modified to an unconditional request"))
        case .failed(let failure):
            return .failure(RemoteFetchError(url: url, reason: failure.description))
        }
    }
}

struct RemoteFetchError: Error, CustomStringConvertible {
    let url: String
    let reason: String
    var description: String { "\(url): \(reason)" }
}
