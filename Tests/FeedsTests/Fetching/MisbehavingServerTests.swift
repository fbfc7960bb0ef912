import Foundation
import Testing
import TestSupport
@testable import Feeds

/// Every way a feed server misbehaves ends in the right failure reason, within its own time limit.
@Suite(.serialized) struct MisbehavingServerTests {
    /// Small limits keep each case quick; the behaviour is the same at the defaults.
    static let options = FetcherOptions(timeout: 4, connectTimeout: 2, lowSpeedLimit: 100, lowSpeedTime: 2,
                                        maxBytes: 1 << 20, maxDecodedBytes: 1 << 20)

    func fetch(_ path: String, on server: MisbehavingServer, options: FetcherOptions = Self.options) async -> FetchResult {
        let fetcher = Fetcher(options: options)
        defer { fetcher.shutdown() }
        return await fetcher.fetchOne(FetchRequest(key: path, url: server.url(path)))
    }

    @Test(arguments: [
        ("/status/500", "http 500"), ("/status/404", "http 404"), ("/status/410", "http 410"),
        ("/loop/a", "redirect loop"), ("/hops/8", "too many redirects"),
        ("/oversize?mb=4", "too large"), ("/oversize-chunked?mb=4", "too large"),
        ("/gzip-bomb?mb=32", "decoded too large"), ("/truncated", "truncated"),
        ("/slow-drip?seconds=30", "timeout"), ("/never", "timeout"),
    ])
    func failureReason(path: String, reason: String) async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let result = await fetch(path, on: server)
        #expect(result.failure?.reason == reason, "\(path): \(String(describing: result.outcome))")
        // No transfer outlives the transfer timeout (4 s), plus slack for a busy machine. libcurl's own clock is
        // used: wall time around the await also counts waiting for a cooperative thread while other suites run.
        #expect(result.metadata.timings.total < 8, "\(path) took \(result.metadata.timings.total) s in libcurl")
    }

    @Test func goneIsItsOwnFailure() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let result = await fetch("/status/410", on: server)
        #expect(result.failure == .gone)
        #expect(result.metadata.status == 410)
    }

    @Test func retryAfterInSecondsAndAsHTTPDate() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let seconds = await fetch("/retry-after/429?after=7", on: server)
        #expect(seconds.failure == .httpStatus(code: 429, retryAfter: 7))
        #expect(seconds.failure?.reason == "http 429")
        let date = await fetch("/retry-after-date/503?after=120", on: server)
        #expect(date.failure?.reason == "http 503")
        let retryAfter = try #require(date.failure?.retryAfter)
        #expect(abs(retryAfter - 120) <= 2)
    }

    @Test func fiveRedirectsAreFollowedButNotSix() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let five = await fetch("/hops/5", on: server)
        #expect(five.body != nil)
        #expect(five.metadata.redirectCount == 5)
        #expect(five.metadata.permanentRedirect == nil)
        let six = await fetch("/hops/6", on: server)
        #expect(six.failure == .tooManyRedirects(limit: 5))
    }

    @Test func permanentRedirectChainIsReportedOnlyWhenPermanentFromTheStart() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let moved = await fetch("/moved/start", on: server)
        #expect(moved.body != nil)
        #expect(moved.metadata.statusChain == [301, 308, 200])
        #expect(moved.metadata.permanentRedirect == server.url("/moved/final"))
        #expect(moved.metadata.effectiveURL == server.url("/moved/final"))

        let temporary = await fetch("/temp-then-moved", on: server)
        #expect(temporary.body != nil)
        #expect(temporary.metadata.statusChain == [302, 308, 200])
        #expect(temporary.metadata.permanentRedirect == nil)
    }

    @Test func htmlAndWrongCharsetArriveWithTheirLabelsForTheParserToJudge() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let html = await fetch("/html", on: server)
        #expect(html.metadata.contentType == "text/html")
        #expect(html.body.map { String(decoding: $0.bytes, as: UTF8.self).contains("<html>") } == true)
        let wrong = await fetch("/wrong-charset", on: server)
        #expect(wrong.body?.charset == "iso-8859-1")
        #expect(wrong.body?.contentType == "application/rss+xml")
        #expect(wrong.body.map { String(decoding: $0.bytes, as: UTF8.self).contains("Café") } == true)
    }

    /// Codings the fetcher undoes itself: several gzip members, zlib-wrapped and raw "deflate"; a corrupt body and a
    /// coding nobody decodes fail as "bad encoding" with what was wrong.
    @Test func contentCodingsAreUndoneOrRefusedWithTheirReason() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let plain = try #require(await fetch("/feed", on: server).body?.bytes)
        for kind in ["gzip-members", "deflate", "deflate-raw"] {
            let result = await fetch("/encoded/\(kind)", on: server)
            #expect(result.body?.bytes == plain, "\(kind): \(String(describing: result.outcome))")
            #expect(result.metadata.bytesDecoded == plain.count, "\(kind)")
            #expect(result.metadata.bytesOnWire != plain.count, "\(kind) arrived encoded")
        }
        let corrupt = await fetch("/encoded/gzip-corrupt", on: server)
        #expect(corrupt.failure?.reason == "bad encoding")
        #expect(corrupt.failure?.description.contains("gzip") == true, "\(String(describing: corrupt.failure))")
        let unknown = await fetch("/encoded/compress", on: server)
        #expect(unknown.failure?.description == "bad encoding: unsupported content coding \"compress\"")
    }

    /// One transfer at a time, so every request goes through the same reused easy handle: nothing of the one before
    /// (POST and its body, a redirect chain, a failure, a content coding, a timeout) leaks into the next.
    @Test func aReusedHandleCarriesNothingOver() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        var options = Self.options
        options.concurrency = 1
        options.perHost = 1
        let fetcher = Fetcher(options: options)
        defer { fetcher.shutdown() }
        func get(_ path: String) async -> FetchResult { await fetcher.fetchOne(FetchRequest(key: path, url: server.url(path))) }

        let plain = try #require(await get("/feed").body?.bytes)
        #expect(!plain.isEmpty)
        for round in 0..<3 {
            let posted = await fetcher.post(url: server.url("/echo"), headers: ["Content-Type: text/plain"],
                                            body: Array("round \(round)".utf8), timeout: 4)
            #expect(posted.status == 200 && posted.failure == nil, "round \(round)")
            // A GET after the POST is a GET: the server echoes a POST's body, here it must answer the feed.
            let afterPost = await get("/feed")
            #expect(afterPost.body?.bytes == plain, "round \(round)")
            #expect(afterPost.metadata.contentEncoding == nil)
            let hops = await get("/hops/3")
            #expect(hops.metadata.statusChain == [302, 302, 302, 200], "round \(round)")
            #expect(await get("/feed").metadata.statusChain == [200], "round \(round): a redirect chain carried over")
            let encoded = await get("/encoded/deflate")
            #expect(encoded.body?.bytes == plain, "round \(round)")
            #expect(await get("/status/404").failure?.reason == "http 404")
            let gone = await get("/status/410")
            #expect(gone.failure == .gone)
            let after = await get("/feed")
            #expect(after.body?.bytes == plain && after.metadata.status == 200, "round \(round): a failure carried over")
        }
    }

    @Test func connectionRefusedIsAConnectFailure() async throws {
        let port = try FreePort.allocate()
        let fetcher = Fetcher(options: Self.options)
        defer { fetcher.shutdown() }
        let result = await fetcher.fetchOne(FetchRequest(key: "x", url: "http://127.0.0.1:\(port)/feed"))
        #expect(result.failure?.reason == "connect")
    }

    @Test func aNeverAnsweringFeedDelaysNothingButItself() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let fetcher = Fetcher(options: FetcherOptions(concurrency: 8, perHost: 8, timeout: 3, connectTimeout: 2))
        defer { fetcher.shutdown() }
        var requests = [FetchRequest(key: "never", url: server.url("/never"))]
        requests += (0..<20).map { FetchRequest(key: "ok\($0)", url: server.url("/feed?n=\($0)")) }
        let started = Date()
        var order: [String] = []
        var neverFinishedAfter: TimeInterval = 0
        var lastHealthyAfter: TimeInterval = 0
        for await result in fetcher.fetch(requests) {
            order.append(result.request.key)
            let elapsed = Date().timeIntervalSince(started)
            if result.request.key == "never" {
                #expect(result.failure?.reason == "timeout")
                neverFinishedAfter = elapsed
            } else {
                #expect(result.body != nil)
                lastHealthyAfter = max(lastHealthyAfter, elapsed)
            }
        }
        #expect(order.count == 21)
        #expect(order.last == "never")
        // The healthy feeds finished before the dead one's own timeout; it took its timeout and no more.
        #expect(lastHealthyAfter < 2.9)
        #expect(neverFinishedAfter >= 2.9 && neverFinishedAfter < 6)
    }

    @Test func perHostLimitBoundsConcurrencyToOneHost() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let requests = (0..<6).map { FetchRequest(key: "d\($0)", url: server.url("/delay?seconds=0.5&n=\($0)")) }
        func elapsed(perHost: Int) async -> TimeInterval {
            let fetcher = Fetcher(options: FetcherOptions(concurrency: 64, perHost: perHost))
            defer { fetcher.shutdown() }
            let started = Date()
            for await result in fetcher.fetch(requests) { #expect(result.body != nil) }
            return Date().timeIntervalSince(started)
        }
        let serial = await elapsed(perHost: 2)   // three rounds of 0.5 s
        let parallel = await elapsed(perHost: 6) // one round
        #expect(serial >= 1.45)
        #expect(parallel < serial - 0.5)
    }

    @Test func aFailingFeedRecoversOnItsOwnOnceHealthy() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let fetcher = Fetcher(options: Self.options)
        defer { fetcher.shutdown() }
        let policy = SchedulePolicy(interval: 60, minInterval: 1, maxInterval: 3600)
        var state = FeedScheduleState()
        var rng = SplitMix64(seed: 7)
        var now = Date(timeIntervalSince1970: 1_000_000)
        var reasons: [String] = []
        for _ in 0..<4 {
            let result = await fetcher.fetchOne(FetchRequest(key: "flaky", url: server.url("/flaky/r1?fail=2")))
            reasons.append(result.failure?.reason ?? "ok")
            let decision = Scheduler.next(after: FetchObservation(result: result, changed: result.body != nil, hints: PollHints()),
                                          state: state, policy: policy, now: now, using: &rng)
            state = decision.state
            now = try #require(decision.nextDue)
        }
        #expect(reasons == ["http 500", "http 500", "ok", "ok"])
        #expect(state.consecutiveFailures == 0)
        #expect(state.lastError == nil)
    }

    @Test func postReportsStatusAndRetryAfter() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let fetcher = Fetcher(options: Self.options)
        defer { fetcher.shutdown() }
        let ok = await fetcher.post(url: server.url("/echo"), headers: ["Content-Type: application/json"],
                                    body: Array("{\"a\":1}".utf8), timeout: 5)
        #expect(ok.status == 200)
        #expect(ok.failure == nil)
        let busy = await fetcher.post(url: server.url("/retry-after/503?after=9"), headers: [], body: [1, 2, 3], timeout: 5)
        #expect(busy.status == 503)
        #expect(busy.retryAfter == 9)
        #expect(busy.failure == .httpStatus(code: 503, retryAfter: 9))
    }

    @Test func shutdownAbortsInFlightTransfersAtOnce() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let fetcher = Fetcher(options: FetcherOptions(timeout: 60))
        let stream = fetcher.fetch([FetchRequest(key: "never", url: server.url("/never"))])
        try await Task.sleep(for: .milliseconds(300))
        let started = Date()
        fetcher.shutdown()
        var reasons: [String] = []
        for await result in stream { reasons.append(result.failure?.reason ?? "ok") }
        #expect(reasons == ["aborted"])
        #expect(Date().timeIntervalSince(started) < 2)
        let after = await fetcher.fetchOne(FetchRequest(key: "late", url: server.url("/feed")))
        #expect(after.failure == .aborted)
    }
}

extension MisbehavingServerTests {
    @Test func abandoningAStreamCancelsTheRestOfItsBatch() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let fetcher = Fetcher(options: FetcherOptions(concurrency: 2, perHost: 2, timeout: 30))
        defer { fetcher.shutdown() }
        var requests = [FetchRequest(key: "fast", url: server.url("/feed"))]
        requests += (0..<4).map { FetchRequest(key: "slow\($0)", url: server.url("/never?seconds=20&n=\($0)")) }
        var first: String?
        for await result in fetcher.fetch(requests) {
            first = result.request.key
            break
        }
        #expect(first == "fast")
        // The abandoned /never transfers no longer hold both slots: a new batch is answered at once.
        let started = Date()
        let next = await fetcher.fetchOne(FetchRequest(key: "after", url: server.url("/feed")))
        #expect(next.body != nil)
        #expect(Date().timeIntervalSince(started) < 3)
    }
}

extension MisbehavingServerTests {
    @Test func unresolvableHostIsADNSFailure() async throws {
        let fetcher = Fetcher(options: Self.options)
        defer { fetcher.shutdown() }
        // .invalid is reserved (RFC 6761): it never resolves, with or without a network.
        let result = await fetcher.fetchOne(FetchRequest(key: "x", url: "http://feeds.tidings-test.invalid/rss"))
        #expect(result.failure?.reason == "dns", "\(result.outcome)")
    }
}

extension MisbehavingServerTests {
    @Test func aSlowDripIsAbortedByTheLowSpeedLimitLongBeforeTheTotalTimeout() async throws {
        let server = try MisbehavingServer.start()
        defer { server.stop() }
        let options = FetcherOptions(timeout: 30, lowSpeedLimit: 100, lowSpeedTime: 2)
        let started = Date()
        let result = await fetch("/slow-drip?seconds=40", on: server, options: options)
        #expect(result.failure?.reason == "timeout")
        #expect(Date().timeIntervalSince(started) < 8)
    }
}
