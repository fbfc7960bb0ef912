import Foundation

/// What the daemon is asked to do by a signal.
public enum SignalEvent: Sendable, Equatable {
    case stop(signal: Int32)
    case reload
}

/// Turns SIGTERM, SIGINT and SIGHUP into an async stream via DispatchSource: the default dispositions are ignored
/// first, so a signal becomes an event on a queue instead of killing the process or running in a handler context.
public final class SignalEvents: @unchecked Sendable {  // sources are only set in init and cancelled in deinit
    public let events: AsyncStream<SignalEvent>
    private let sources: [any DispatchSourceSignal]

    public init(queue: DispatchQueue = DispatchQueue(label: "tidings.signals")) {
        let (stream, continuation) = AsyncStream<SignalEvent>.makeStream(bufferingPolicy: .unbounded)
        events = stream
        // A parent may have started us with these signals blocked (Foundation's Process does): unblock them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&unblock, number) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        var sources: [any DispatchSourceSignal] = []
        for (number, event) in [(SIGTERM, SignalEvent.stop(signal: SIGTERM)), (SIGINT, .stop(signal: SIGINT)), (SIGHUP, .reload)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(event) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
