import CCurl
import CShims
import Foundation
import Support
import Synchronization

/// One libcurl multi handle driven by one dedicated thread. `curl_multi_poll` blocks, and the cooperative pool
/// has only a couple of threads, so the loop never runs there: callers hand work over under a lock and wake the
/// loop with `curl_multi_wakeup`, the only multi call that is safe from another thread.
final class MultiLoop: @unchecked Sendable {
    private struct Inbox {
        var submitted: [PendingTransfer] = []
        var cancelled: [ResultChannel] = []
        var shuttingDown = false
    }

    let options: FetcherOptions
    let gauge: BufferGauge
    private let multi: OpaquePointer
    private let inbox = Mutex(Inbox())
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    // Loop-thread state.
    private var queue: HostQueue<PendingTransfer>
    private var running: [OpaquePointer: Transfer] = [:]
    /// Easy handles of finished transfers, reset, for the next ones (at most `concurrency`).
    private var idleHandles: [OpaquePointer] = []
    /// Set when a shutdown begins: until then (uptime nanoseconds) POSTs already sent in full may still finish.
    private var graceEnds: UInt64?

    init(options: FetcherOptions) {
        FetcherGlobal.initialize()
        self.options = options
        multi = curl_multi_init()
        let perHost = options.perHost
        let concurrency = options.concurrency
        queue = HostQueue(limit: { host in host == "file" ? concurrency : perHost })
        let handle = SendableMultiHandle(raw: multi)
        gauge = BufferGauge(limit: options.maxBufferedBodyBytes, wake: { _ = curl_multi_wakeup(handle.raw) })
        // libcurl's own limits back up the queue's; the connection cache keeps every idle connection for reuse.
        _ = tidings_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, perHost)
        _ = tidings_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, concurrency)
        _ = tidings_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(concurrency, 16))
        _ = tidings_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let thread = Thread { [self] in
            ThreadName.setCurrent("tidings-fetch")
            run()
        }
        thread.start()
    }

    func submit(_ transfers: [PendingTransfer]) -> Bool {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.shuttingDown else { return false }
            inbox.submitted.append(contentsOf: transfers)
            return true
        }
        if accepted { _ = curl_multi_wakeup(multi) }
        return accepted
    }

    func cancel(_ channel: ResultChannel) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.shuttingDown else { return false }
            inbox.cancelled.append(channel)
            return true
        }
        if accepted { _ = curl_multi_wakeup(multi) }
    }

    /// Aborts everything queued or in flight (each answered `.aborted`) and waits for the thread to end; a POST
    /// whose body the receiver already has gets up to `ShutdownGrace.replySeconds` for its response first.
    func shutdown() {
        let first = inbox.withLock { inbox -> Bool in
            defer { inbox.shuttingDown = true }
            return !inbox.shuttingDown
        }
        guard first else { return }
        _ = curl_multi_wakeup(multi)
        _ = finished.wait(timeout: .now() + 10)
    }

    private func run() {
        while true {
            let (submitted, cancelled, shuttingDown) = inbox.withLock { inbox in
                defer { inbox.submitted = []; inbox.cancelled = [] }
                return (inbox.submitted, inbox.cancelled, inbox.shuttingDown)
            }
            for transfer in submitted { queue.enqueue(transfer, host: transfer.hostKey) }
            for channel in cancelled { drop(channel) }
            if shuttingDown {
                if graceEnds == nil { graceEnds = beginShutdown() }
                if running.isEmpty || DispatchTime.now().uptimeNanoseconds >= graceEnds! { abortEverything(); break }
            } else {
                startTransfers()
            }
            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished()
            if !shuttingDown { startTransfers() }
            // Idle or not, the wait ends early on any socket activity, libcurl timer or wakeup.
            _ = curl_multi_poll(multi, nil, 0, running.isEmpty ? 1000 : 100, nil)
        }
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles = []
        curl_multi_cleanup(multi)
        finished.signal()
    }

    private func startTransfers() {
        while running.count < options.concurrency, !queue.isEmpty, gauge.hasRoom() {
            guard let (pending, host) = queue.next() else { return }
            if let channel = pending.channel, channel.isCancelled { queue.finished(host: host); continue }
            let now = DispatchTime.now().uptimeNanoseconds
            guard let transfer = Transfer(pending, options: options, now: now, reusing: idleHandles.popLast()) else {
                queue.finished(host: host)
                deliver(pending, metadata: FetchMetadata(effectiveURL: pending.url),
                        outcome: .failed(.other(code: -1, message: "curl_easy_init failed")))
                continue
            }
            running[transfer.easy] = transfer
            let added = curl_multi_add_handle(multi, transfer.easy)
            if added != CURLM_OK {
                running[transfer.easy] = nil
                queue.finished(host: host)
                deliver(pending, metadata: FetchMetadata(effectiveURL: pending.url),
                        outcome: .failed(.other(code: Int(added.rawValue), message: String(cString: curl_multi_strerror(added)))))
            }
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = running.removeValue(forKey: easy) else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            queue.finished(host: transfer.pending.hostKey)
            let queuedFor = TimeInterval(transfer.startedAt &- transfer.pending.enqueuedAt) / 1e9
            let (metadata, outcome) = transfer.complete(code: code, queuedFor: queuedFor)
            if idleHandles.count < options.concurrency { idleHandles.append(transfer.takeHandleForReuse()) }
            deliver(transfer.pending, metadata: metadata, outcome: outcome)
        }
    }

    private func deliver(_ pending: PendingTransfer, metadata: FetchMetadata, outcome: FetchOutcome) {
        switch pending.kind {
        case .fetch(let request, let channel):
            channel.push(FetchResult(request: request, outcome: outcome, metadata: metadata))
        case .post(_, _, let reply):
            var result = PostResult(status: metadata.status, retryAfter: metadata.retryAfter, failure: nil)
            switch outcome {
            case .failed(let failure): result.failure = failure
            case .notModified: result.failure = .httpStatus(code: 304, retryAfter: nil)
            case .fetched: break
            }
            reply.resume(returning: result)
        }
    }

    private func drop(_ channel: ResultChannel) {
        _ = queue.removeAll { $0.channel === channel }
        for (easy, transfer) in running where transfer.pending.channel === channel {
            curl_multi_remove_handle(multi, easy)
            running[easy] = nil
            queue.finished(host: transfer.pending.hostKey)
        }
    }

    /// The first step of a shutdown: everything queued and every fetch is aborted at once (a feed is fetched again
    /// on the next start). A webhook POST whose whole body is sent keeps running: the receiver may already have
    /// acted on it, and aborting now would have the next daemon send it again; waiting a little lets the response
    /// arrive and the alert be marked delivered. Returns when the wait ends.
    private func beginShutdown() -> UInt64 {
        abort(sparingPostsSentInFull: true)
        return DispatchTime.now().uptimeNanoseconds &+ UInt64(ShutdownGrace.replySeconds * 1e9)
    }

    private func abortEverything() { abort(sparingPostsSentInFull: false) }

    /// Answers everything queued and every transfer in flight `.aborted`, except, when asked, POSTs sent in full.
    private func abort(sparingPostsSentInFull spare: Bool) {
        for pending in queue.removeAll(where: { _ in true }) {
            deliver(pending, metadata: FetchMetadata(effectiveURL: pending.url), outcome: .failed(.aborted))
        }
        for (easy, transfer) in running where !(spare && transfer.hasSentWholeBody) {
            curl_multi_remove_handle(multi, easy)
            running[easy] = nil
            queue.finished(host: transfer.pending.hostKey)
            deliver(transfer.pending, metadata: FetchMetadata(effectiveURL: transfer.pending.url), outcome: .failed(.aborted))
        }
    }
}

/// curl_multi_wakeup is documented thread-safe; this box lets a consumer call it.
private struct SendableMultiHandle: @unchecked Sendable { let raw: OpaquePointer }

enum FetcherGlobal {
    /// curl_global_init is not thread-safe in this libcurl: run it once, before any handle exists.
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func initialize() { _ = initialized }
}
