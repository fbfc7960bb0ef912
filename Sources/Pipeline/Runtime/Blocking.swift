import Foundation
import Synchronization

/// Runs blocking work (store transactions, file writes) off the cooperative thread pool. The pool has as many
/// threads as cores (two here); a SQLite write waiting for its lock must not starve the heartbeat or the signal
/// handling that share it.
public enum Blocking {
    private static let queue = DispatchQueue(label: "tidings.blocking", qos: .utility, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}

/// Monotonic seconds, for measuring durations that wall-clock changes must not distort.
public enum Monotonic {
    public static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// A mutex-protected value in a class, so concurrent tasks can share it (a `Mutex` itself cannot be captured).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    public init(_ value: Value) { mutex = Mutex(value) }
    public func withLock<T: Sendable>(_ body: (inout sending Value) throws -> sending T) rethrows -> T { try mutex.withLock(body) }
    public var value: Value { mutex.withLock { $0 } }
}
