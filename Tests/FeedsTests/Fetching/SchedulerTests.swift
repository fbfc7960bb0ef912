import Foundation
import Testing
@testable import Feeds
import TestSupport

@Suite struct SchedulerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = SchedulePolicy(interval: 900, minInterval: 300, maxInterval: 21_600)

    func decide(_ kind: FetchObservation.Kind, state: FeedScheduleState = FeedScheduleState(), hints: PollHints = PollHints(),
                redirect: String? = nil, policy: SchedulePolicy? = nil, seed: UInt64 = 1) -> ScheduleDecision {
        var rng = SplitMix64(seed: seed)
        return Scheduler.next(after: FetchObservation(kind: kind, permanentRedirect: redirect, hints: hints), state: state,
                              policy: policy ?? self.policy, now: now, using: &rng)
    }

    func delay(_ decision: ScheduleDecision) -> TimeInterval { decision.nextDue!.timeIntervalSince(now) }

    @Test func regularPollUsesTheIntervalWithJitterWithinTenPercent() {
        var delays: Set<Int> = []
        for seed in UInt64(1)...50 {
            let decision = decide(.changed, seed: seed)
            #expect(decision.rule == .regular)
            #expect(delay(decision) >= 810 && delay(decision) <= 990)
            delays.insert(Int(delay(decision)))
        }
        #expect(delays.count > 10, "jitter should vary with the seed")
        #expect(delay(decide(.changed, seed: 9)) == delay(decide(.changed, seed: 9)), "same seed, same decision")
    }

    @Test func hintsRaiseTheIntervalButNeverPastMaxNorBelowMin() {
        var noJitter = policy
        noJitter.jitter = 0
        #expect(delay(decide(.changed, hints: PollHints(ttl: 3600), policy: noJitter)) == 3600)
        #expect(delay(decide(.changed, hints: PollHints(updatePeriod: 86_400), policy: noJitter)) == 21_600)
        #expect(delay(decide(.changed, hints: PollHints(cacheMaxAge: 1800), policy: noJitter)) == 1800)
        #expect(delay(decide(.changed, hints: PollHints(expiresIn: 1200), policy: noJitter)) == 1200)
        // A short hint does not make polling faster than the configured interval.
        #expect(delay(decide(.changed, hints: PollHints(ttl: 60), policy: noJitter)) == 900)
        // Fast change rate brings it down, but never under min_interval.
        var state = FeedScheduleState()
        state.changeInterval = 120
        state.lastChange = now.addingTimeInterval(-120)
        #expect(delay(decide(.changed, state: state, policy: noJitter)) == 300)
    }

    @Test func observedChangeRateAndQuietPollsMoveTheInterval() {
        var noJitter = policy
        noJitter.jitter = 0
        var state = FeedScheduleState()
        state.lastChange = now.addingTimeInterval(-4000)
        let changed = decide(.changed, state: state, policy: noJitter)
        #expect(changed.state.changeInterval == 4000)
        #expect(delay(changed) == 2000)
        var quiet = FeedScheduleState()
        var delays: [TimeInterval] = []
        for _ in 0..<6 {
            let decision = decide(.unchanged, state: quiet, policy: noJitter)
            quiet = decision.state
            delays.append(delay(decision))
        }
        #expect(delays == delays.sorted())
        #expect(delays.first! > 900 && delays.last! < 900 * 2.5)
    }

    @Test func failuresBackOffExponentiallyToTheCapAndRecover() {
        var state = FeedScheduleState()
        var previousBase: TimeInterval = 0
        for failure in 1...12 {
            let decision = decide(.failed(reason: "http 500", retryAfter: nil, gone: false), state: state, seed: UInt64(failure))
            state = decision.state
            #expect(decision.rule == .backoff)
            #expect(state.consecutiveFailures == failure)
            let base = Scheduler.backoffBase(failures: failure, policy: policy)
            #expect(base >= previousBase)
            previousBase = base
            #expect(delay(decision) >= min(base * 0.8, policy.failureCap) - 0.001)
            #expect(delay(decision) <= policy.failureCap)
            #expect(delay(decision) >= policy.minInterval)
        }
        #expect(Scheduler.backoffBase(failures: 1, policy: policy) == 300)
        #expect(Scheduler.backoffBase(failures: 2, policy: policy) == 600)
        #expect(previousBase == 6 * 3600)
        #expect(state.lastError == "http 500")
        let recovered = decide(.unchanged, state: state)
        #expect(recovered.state.consecutiveFailures == 0)
        #expect(recovered.state.lastError == nil)
        #expect(delay(recovered) <= 990 * 1.25)
    }

    @Test func capIsMaxIntervalWhenThatIsLongerThanSixHours() {
        let long = SchedulePolicy(interval: 3600, minInterval: 600, maxInterval: 86_400)
        #expect(long.failureCap == 86_400)
        #expect(Scheduler.backoffBase(failures: 30, policy: long) == 86_400)
    }

    @Test func retryAfterIsHonouredNeverEarlierAndCapped() {
        for seed in 1...20 {
            let decision = decide(.failed(reason: "http 429", retryAfter: 7200, gone: false), seed: UInt64(seed))
            #expect(decision.rule == .retryAfter)
            #expect(delay(decision) >= 7200 && delay(decision) <= 7200 * 1.1)
        }
        #expect(delay(decide(.failed(reason: "http 503", retryAfter: 10, gone: false))) >= 300)
        #expect(delay(decide(.failed(reason: "http 503", retryAfter: 1_000_000, gone: false))) == 6 * 3600)
    }

    @Test func goneRetiresTheFeed() {
        let decision = decide(.failed(reason: "http 410", retryAfter: nil, gone: true))
        #expect(decision.rule == .retired)
        #expect(decision.nextDue == nil)
        #expect(decision.state.retired)
    }

    @Test func permanentRedirectIsConfirmedBySecondConsecutiveSuccess() {
        let target = "https://new.example/feed"
        let first = decide(.changed, redirect: target)
        #expect(first.moveTo == nil)
        #expect(first.state.pendingRedirect == target)
        // A failure in between neither confirms nor resets.
        let failed = decide(.failed(reason: "timeout", retryAfter: nil, gone: false), state: first.state)
        #expect(failed.state.pendingRedirect == target)
        let second = decide(.unchanged, state: failed.state, redirect: target)
        #expect(second.moveTo == target)
        #expect(second.state.pendingRedirect == nil)
        // A success without the redirect starts over.
        let interrupted = decide(.unchanged, state: first.state, redirect: nil)
        #expect(interrupted.state.pendingRedirect == nil)
        let other = decide(.unchanged, state: first.state, redirect: "https://other.example/feed")
        #expect(other.moveTo == nil)
        #expect(other.state.pendingRedirectSeen == 1)
    }

    @Test func dueFeedsOfOneHostAreSpreadOthersUntouched() {
        // Feeds given by their host alone, all due now: ten of one host, one of another.
        let hosts = Array(repeating: "a.example:443", count: 10) + ["b.example:443"]
        var rng = SplitMix64(seed: 3)
        let starts = Scheduler.staggeredStarts(of: hosts, host: { $0 }, due: { _ in now }, spacing: 2, window: 60,
                                               using: &rng)
        #expect(starts.count == 11)
        // Equal due times keep the order given.
        let hostA = Array(starts.prefix(10))
        #expect(hostA == hostA.sorted())
        for (earlier, later) in zip(hostA, hostA.dropFirst()) {
            let gap = later.timeIntervalSince(earlier)
            #expect(gap >= 1 && gap <= 2)
        }
        #expect(starts[10] == now)
        #expect(starts.allSatisfy { $0 >= now })
        // The window bounds a large host's spread.
        let many = Array(repeating: "m:80", count: 1000)
        let bounded = Scheduler.staggeredStarts(of: many, host: { $0 }, due: { _ in now }, spacing: 2, window: 60,
                                                using: &rng)
        #expect(bounded.max()!.timeIntervalSince(now) <= 60)
        #expect(bounded.max()!.timeIntervalSince(now) >= 30)
    }
}

@Suite struct HostQueueTests {
    @Test func neverExceedsThePerHostLimitAndRotatesHosts() {
        var queue = HostQueue<String>(limit: { _ in 2 })
        for index in 0..<5 { queue.enqueue("a\(index)", host: "a") }
        for index in 0..<2 { queue.enqueue("b\(index)", host: "b") }
        var started: [String] = []
        while let (element, _) = queue.next() { started.append(element) }
        #expect(started == ["a0", "b0", "a1", "b1"])
        #expect(queue.inFlight(host: "a") == 2)
        queue.finished(host: "a")
        #expect(queue.next()?.element == "a2")
        #expect(queue.next() == nil)
        #expect(queue.pendingCount == 2)
        let removed = queue.removeAll { $0 == "a3" }
        #expect(removed == ["a3"])
        queue.finished(host: "a")
        #expect(queue.next()?.element == "a4")
        #expect(queue.isEmpty)
    }
}

@Suite struct HTTPHeaderValuesTests {
    @Test func datesMaxAgeRetryAfterAndContentType() {
        let date = HTTPHeaderValues.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(date == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPHeaderValues.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == date)
        #expect(HTTPHeaderValues.parseHTTPDate("Sun Nov  6 08:49:37 1994") == date)
        #expect(HTTPHeaderValues.parseHTTPDate("not a date") == nil)
        #expect(HTTPHeaderValues.formatHTTPDate(date!) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPHeaderValues.parseMaxAge("public, max-age=600, must-revalidate") == 600)
        #expect(HTTPHeaderValues.parseMaxAge("no-cache") == nil)
        #expect(HTTPHeaderValues.parseRetryAfter("120", now: date!) == 120)
        #expect(HTTPHeaderValues.parseRetryAfter("Sun, 06 Nov 1994 08:51:37 GMT", now: date!) == 120)
        #expect(HTTPHeaderValues.parseRetryAfter("-5", now: date!) == nil)
        #expect(HTTPHeaderValues.parseRetryAfter("soon", now: date!) == nil)
        let type = HTTPHeaderValues.parseContentType("Application/RSS+XML; Charset=\"ISO-8859-1\"")
        #expect(type.mediaType == "application/rss+xml")
        #expect(type.charset == "iso-8859-1")
        // Optional white space (spaces and tabs) around every part; quotes of either kind around the charset.
        let spaced = HTTPHeaderValues.parseContentType(" \ttext/xml ;\tcharset = 'UTF-8' ; q=1 ")
        #expect(spaced.mediaType == "text/xml")
        #expect(spaced.charset == "utf-8")
        #expect(HTTPHeaderValues.parseContentType(" ; charset=utf-8").mediaType == nil)
        #expect(HTTPHeaderValues.parseContentType("text/html; charset=\"\"").charset == nil)
        #expect(HTTPHeaderValues.parseMaxAge("max-age = \"90\" ,\tpublic") == 90)
        #expect(HTTPHeaderValues.parseRetryAfter(" \t30\t", now: date!) == 30)
        #expect(HTTPHeaderValues.trimmingOWS(" \t \t"[...]).isEmpty)
        #expect(HTTPHeaderValues.trimmingOWS("\tcafé\u{00A0} "[...]) == "café\u{00A0}")
        #expect(HTTPHeaderValues.hostKey(of: "https://User@Example.ORG/feed?x") == "example.org:443")
        #expect(HTTPHeaderValues.hostKey(of: "http://127.0.0.1:8080/a") == "127.0.0.1:8080")
        #expect(HTTPHeaderValues.hostKey(of: "file:///tmp/x.xml") == "file")
    }
}
