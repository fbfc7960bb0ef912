import Synchronization

/// Carries the results of one `fetch` call from the loop thread to the consumer, one at a time, and tells the
/// loop how many body bytes wait unconsumed so it can stop starting transfers while the consumer lags.
final class ResultChannel: Sendable {
    private struct State {
        // Taken slots are set to nil at once: a lagging consumer would otherwise keep every body it has already
        // processed alive until the buffer drains completely.
        var buffer: [FetchResult?] = []
        var head = 0
        var remaining: Int
        var waiter: CheckedContinuation<FetchResult?, Never>?
        var cancelled = false
    }

    private let state: Mutex<State>
    private let gauge: BufferGauge

    init(expected: Int, gauge: BufferGauge) {
        state = Mutex(State(remaining: expected))
        self.gauge = gauge
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Every result was handed to the consumer (or the batch was cancelled).
    var isFinished: Bool { state.withLock { $0.cancelled || ($0.remaining <= 0 && $0.head >= $0.buffer.count) } }

    /// Called on the loop thread for every finished transfer of this batch.
    func push(_ result: FetchResult) {
        let bytes = result.body?.bytes.count ?? 0
        let waiter: CheckedContinuation<FetchResult?, Never>? = state.withLock { state in
            guard !state.cancelled else { return nil }
            state.remaining -= 1
            // Counted until the consumer's `finishTake`, whichever way the result reaches it.
            gauge.add(bytes)
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(result)
            return nil
        }
        waiter?.resume(returning: result)
    }

    /// The next result, or nil when every request of the batch has been answered (or the batch was cancelled).
    func next() async -> FetchResult? {
        // Fast path: a buffered result (or the end) is taken without suspending.
        if let answer = take(registering: nil) { return finishTake(answer) }
        let answer: FetchResult?? = await withCheckedContinuation { (continuation: CheckedContinuation<FetchResult?, Never>) in
            if let answer = take(registering: continuation) { continuation.resume(returning: answer) }
        }
        return answer.map(finishTake) ?? nil
    }

    /// `.some(result)`, `.some(nil)` at the end, or `.none` when the consumer must wait (then `waiter`, when
    /// given, is registered under the same lock so no push can slip between the check and the wait).
    private func take(registering waiter: CheckedContinuation<FetchResult?, Never>?) -> FetchResult?? {
        state.withLock { state in
            if state.head < state.buffer.count {
                let result = state.buffer[state.head]!
                state.buffer[state.head] = nil
                state.head += 1
                if state.head == state.buffer.count {
                    state.buffer.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return .some(.some(result))
            }
            if state.remaining <= 0 || state.cancelled { return .some(nil) }
            if let waiter { state.waiter = waiter }
            return .none
        }
    }

    private func finishTake(_ answer: FetchResult?) -> FetchResult? {
        if let answer { gauge.remove(answer.body?.bytes.count ?? 0) }
        return answer
    }

    /// Drops whatever is buffered and ends the consumer's iteration.
    func cancel() {
        let (waiter, dropped): (CheckedContinuation<FetchResult?, Never>?, Int) = state.withLock { state in
            state.cancelled = true
            let dropped = state.buffer[state.head...].reduce(0) { $0 + ($1?.body?.bytes.count ?? 0) }
            state.buffer = []
            state.head = 0
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, dropped)
        }
        gauge.remove(dropped)
        waiter?.resume(returning: nil)
    }
}

/// Body bytes buffered across all batches, shared between the consumers and the loop.
final class BufferGauge: Sendable {
    private let bytes = Mutex<Int>(0)
    private let limit: Int
    /// Set by the loop when it held back transfers; the consumer then wakes it after taking a body.
    private let loopWaiting = Atomic<Bool>(false)
    private let wake: @Sendable () -> Void

    init(limit: Int, wake: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.wake = wake
    }

    func add(_ count: Int) { if count > 0 { bytes.withLock { $0 += count } } }

    func remove(_ count: Int) {
        guard count > 0 else { return }
        let below = bytes.withLock { value -> Bool in
            value -= count
            return value < limit
        }
        if below, loopWaiting.exchange(false, ordering: .acquiringAndReleasing) { wake() }
    }

    /// Asked by the loop before starting a transfer.
    func hasRoom() -> Bool {
        let room = bytes.withLock { $0 < limit }
        if !room {
            loopWaiting.store(true, ordering: .releasing)
            // A consumer may have drained between the check and the store: look again.
            return bytes.withLock { $0 < limit }
        }
        return true
    }
}
