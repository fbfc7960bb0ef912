import Foundation

/// Fetches feeds concurrently over one libcurl multi handle on one dedicated thread: conditional GET, global and
/// per-host limits, connection reuse, HTTP/2 where offered, and the size, time and redirect limits of
/// `FetcherOptions`. Results stream back as each transfer finishes, so one slow feed holds up nothing else.
public final class Fetcher: Sendable {
    public let options: FetcherOptions
    private let loop: MultiLoop

    public init(options: FetcherOptions = FetcherOptions()) {
        self.options = options
        loop = MultiLoop(options: options)
    }

    deinit { loop.shutdown() }

    /// Starts every request (subject to the limits) and yields each result as its transfer ends.
    /// Stopping the iteration early (task cancelled) abandons the rest of this batch.
    public func fetch(_ requests: [FetchRequest]) -> AsyncStream<FetchResult> {
        let channel = ResultChannel(expected: requests.count, gauge: loop.gauge)
        let now = DispatchTime.now().uptimeNanoseconds
        let pending = requests.map { request in
            PendingTransfer(kind: .fetch(request, channel), url: request.url,
                            hostKey: HTTPHeaderValues.hostKey(of: request.url), timeout: options.timeout, enqueuedAt: now)
        }
        if !loop.submit(pending) {
            for request in requests {
                channel.push(FetchResult(request: request, outcome: .failed(.aborted),
                                         metadata: FetchMetadata(effectiveURL: request.url)))
            }
        }
        let lease = BatchLease(channel: channel, loop: loop)
        return AsyncStream(unfolding: { await lease.channel.next() }, onCancel: { lease.abandon() })
    }

    public func fetchOne(_ request: FetchRequest) async -> FetchResult {
        for await result in fetch([request]) { return result }
        return FetchResult(request: request, outcome: .failed(.aborted), metadata: FetchMetadata(effectiveURL: request.url))
    }

    /// One POST through the same loop and limits (webhooks). Redirects are not followed. Any status outside
    /// 2xx comes back as `failure` (`.httpStatus` carrying Retry-After when the receiver sent one).
    public func post(url: String, headers: [String], body: [UInt8], timeout: TimeInterval)
        async -> (status: Int?, retryAfter: TimeInterval?, failure: FetchFailure?) {
        let result = await withCheckedContinuation { (reply: CheckedContinuation<PostResult, Never>) in
            let pending = PendingTransfer(kind: .post(body: body, headers: headers, reply: reply), url: url,
                                          hostKey: HTTPHeaderValues.hostKey(of: url), timeout: timeout,
                                          enqueuedAt: DispatchTime.now().uptimeNanoseconds)
            if !loop.submit([pending]) { reply.resume(returning: PostResult(status: nil, retryAfter: nil, failure: .aborted)) }
        }
        return (result.status, result.retryAfter, result.failure)
    }

    /// Aborts everything queued or in flight; each pending result is answered `.aborted`. Later calls fail at once.
    public func shutdown() { loop.shutdown() }
}

/// Owned by one result stream: when the stream is cancelled or dropped unfinished (the consumer stopped
/// iterating), the rest of its batch is abandoned so its transfers and buffered bodies do not linger.
private final class BatchLease: Sendable {
    let channel: ResultChannel
    private let loop: MultiLoop

    init(channel: ResultChannel, loop: MultiLoop) {
        self.channel = channel
        self.loop = loop
    }

    func abandon() {
        guard !channel.isFinished else { return }
        channel.cancel()
        loop.cancel(channel)
    }

    deinit { abandon() }
}
