import Foundation
import Testing
import TestSupport
@testable import Feeds

/// The fetcher against a real nginx: its own ETag, Last-Modified, 304 and gzip.
@Suite(.serialized) struct NginxFetchTests {
    static func feedText(items: Int, marker: String) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>\(marker)</title>\n"
        for index in 0..<items {
            text += "<item><title>Item \(index) of \(marker)</title><guid>\(marker)-\(index)</guid>"
                + "<description>Some words to make the feed compressible, repeated a little. \(index)</description></item>\n"
        }
        return text + "</channel></rss>\n"
    }

    @Test func secondFetchIsConditionalAndAnswered304WithGzipNegotiated() async throws {
        let root = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let original = Self.feedText(items: 30, marker: "first")
        try original.write(to: root.appendingPathComponent("feed.rss"), atomically: true, encoding: .utf8)
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        let fetcher = Fetcher(options: FetcherOptions(userAgent: "tidings/test (+https://example.invalid)"))
        defer { fetcher.shutdown() }

        let url = nginx.baseURL + "/feed.rss"
        let first = await fetcher.fetchOne(FetchRequest(key: "a", url: url))
        let body = try #require(first.body, "first fetch failed: \(String(describing: first.failure))")
        #expect(String(decoding: body.bytes, as: UTF8.self) == original)
        #expect(first.metadata.status == 200)
        #expect(first.metadata.contentEncoding == "gzip")
        #expect(first.metadata.bytesOnWire < first.metadata.bytesDecoded)
        #expect(first.metadata.contentType == "application/rss+xml")
        let etag = try #require(first.metadata.etag)
        let lastModified = try #require(first.metadata.lastModified)

        let second = await fetcher.fetchOne(FetchRequest(key: "a", url: url, etag: etag, lastModified: lastModified))
        #expect(second.isNotModified)
        #expect(second.metadata.status == 304)

        let log = nginx.accessLog(atLeast: 2)
        try #require(log.count == 2)
        #expect(log.map(\.status) == [200, 304])
        #expect(log[0].isConditional == false)
        #expect(log[1].ifNoneMatch == etag)
        #expect(log[1].ifModifiedSince == lastModified)
        // Every coding the fetcher decodes itself is offered (libcurl's own decoding is off).
        #expect(log[0].acceptEncoding == "gzip, deflate, br, zstd")
        #expect(log[0].contentEncoding == "gzip")
        #expect(log[0].userAgent == "tidings/test (+https://example.invalid)")

        // A changed file answers 200 again despite the old validators.
        let changed = Self.feedText(items: 31, marker: "second")
        try changed.write(to: root.appendingPathComponent("feed.rss"), atomically: true, encoding: .utf8)
        let future = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: future], ofItemAtPath: root.appendingPathComponent("feed.rss").path)
        let third = await fetcher.fetchOne(FetchRequest(key: "a", url: url, etag: etag, lastModified: lastModified))
        #expect(third.body.map { String(decoding: $0.bytes, as: UTF8.self) } == changed)
        #expect(third.metadata.etag != etag)
    }

    @Test func manyFeedsStreamBackWithTheirKeysAndBodies() async throws {
        let root = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var expected: [String: String] = [:]
        for index in 0..<300 {
            let text = Self.feedText(items: 3 + index % 7, marker: "feed\(index)")
            try text.write(to: root.appendingPathComponent("f\(index).rss"), atomically: true, encoding: .utf8)
            expected["k\(index)"] = text
        }
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        let fetcher = Fetcher(options: FetcherOptions(concurrency: 16, perHost: 8))
        defer { fetcher.shutdown() }
        let requests = (0..<300).map { FetchRequest(key: "k\($0)", url: nginx.baseURL + "/f\($0).rss") }
        var seen: [String: String] = [:]
        for await result in fetcher.fetch(requests) {
            let body = try #require(result.body, "\(result.request.key): \(String(describing: result.failure))")
            seen[result.request.key] = String(decoding: body.bytes, as: UTF8.self)
        }
        #expect(seen == expected)
        #expect(nginx.accessLog(atLeast: 300).count == 300)
    }

    @Test func fileURLsFetchAndAnswerNotModifiedFromTheirMtime() async throws {
        let root = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("local.xml")
        let text = Self.feedText(items: 2, marker: "local")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let past = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path.path)
        let fetcher = Fetcher()
        defer { fetcher.shutdown() }

        let first = await fetcher.fetchOne(FetchRequest(key: "local", url: path.absoluteString))
        #expect(first.body.map { String(decoding: $0.bytes, as: UTF8.self) } == text)
        let lastModified = try #require(first.metadata.lastModified)
        #expect(HTTPHeaderValues.parseHTTPDate(lastModified) == past)

        let second = await fetcher.fetchOne(FetchRequest(key: "local", url: path.absoluteString, lastModified: lastModified))
        #expect(second.isNotModified)

        try FileManager.default.setAttributes([.modificationDate: past.addingTimeInterval(60)], ofItemAtPath: path.path)
        let third = await fetcher.fetchOne(FetchRequest(key: "local", url: path.absoluteString, lastModified: lastModified))
        #expect(third.body != nil)

        let missing = await fetcher.fetchOne(FetchRequest(key: "gone", url: root.appendingPathComponent("nope.xml").absoluteString))
        #expect(missing.failure?.reason == "file unreadable")
    }
}

extension NginxFetchTests {
    @Test func httpsNegotiatesHTTP2AndAnUntrustedCertificateIsATLSFailure() async throws {
        let root = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for index in 0..<8 {
            try Self.feedText(items: 5, marker: "tls\(index)").write(to: root.appendingPathComponent("t\(index).rss"),
                                                                       atomically: true, encoding: .utf8)
        }
        let certificate = try SelfSignedCertificate.make(in: root)
        let nginx = try NginxServer.start(root: root, tls: (certificate.certificate, certificate.key))
        defer { nginx.stop() }

        let untrusting = Fetcher()
        defer { untrusting.shutdown() }
        let refused = await untrusting.fetchOne(FetchRequest(key: "t", url: nginx.baseURL + "/t0.rss"))
        #expect(refused.failure?.reason == "tls", "\(refused.outcome)")

        var options = FetcherOptions()
        options.caBundlePath = certificate.certificate.path
        let trusting = Fetcher(options: options)
        defer { trusting.shutdown() }
        let requests = (0..<8).map { FetchRequest(key: "t\($0)", url: nginx.baseURL + "/t\($0).rss") }
        var versions: Set<String> = []
        for await result in trusting.fetch(requests) {
            #expect(result.body != nil, "\(result.outcome)")
            versions.insert(result.metadata.httpVersion ?? "none")
        }
        #expect(versions == ["2"])
        let log = nginx.accessLog(atLeast: 8)
        #expect(log.count == 8)
        #expect(log.allSatisfy { $0.serverProtocol == "HTTP/2.0" })
    }
}

extension NginxFetchTests {
    @Test func aSlowConsumerHoldsBackNewTransfersSoMemoryStaysBounded() async throws {
        let root = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for index in 0..<40 {
            try Self.feedText(items: 400, marker: "big\(index)").write(to: root.appendingPathComponent("b\(index).rss"),
                                                                         atomically: true, encoding: .utf8)
        }
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        var options = FetcherOptions(concurrency: 4, perHost: 4)
        options.maxBufferedBodyBytes = 200_000   // about two of these ~70 KB feeds
        let fetcher = Fetcher(options: options)
        defer { fetcher.shutdown() }
        let requests = (0..<40).map { FetchRequest(key: "b\($0)", url: nginx.baseURL + "/b\($0).rss") }
        var received = 0
        var requestedWhilePaused = 0
        for await result in fetcher.fetch(requests) {
            #expect(result.body != nil)
            received += 1
            if received == 1 {
                try await Task.sleep(for: .milliseconds(700))
                requestedWhilePaused = nginx.accessLog().count
            }
        }
        #expect(received == 40)
        // Unbounded, all 40 would be fetched during the pause; bounded: buffered (~3) + in flight (4) + taken (1).
        #expect(requestedWhilePaused <= 10, "\(requestedWhilePaused) requests while the consumer paused")
    }

    @Test func badURLsAndEmptyBatchesAnswerAtOnce() async throws {
        let fetcher = Fetcher()
        defer { fetcher.shutdown() }
        var count = 0
        for await _ in fetcher.fetch([]) { count += 1 }
        #expect(count == 0)
        let gopher = await fetcher.fetchOne(FetchRequest(key: "g", url: "gopher://127.0.0.1/feed"))
        #expect(gopher.failure?.reason == "bad url")
        let malformed = await fetcher.fetchOne(FetchRequest(key: "m", url: "http://[::1/feed"))
        #expect(malformed.failure?.reason == "bad url")
    }
}
