import Foundation

/// Delivery state of one alert for one sink: pending → delivering → delivered | failed (a failed attempt
/// with retries left goes back to pending with a later `nextAttempt`).
public enum OutboxState: String, Sendable, CaseIterable, Codable {
    case pending
    case delivering
    case delivered
    case failed
}

/// One alert owed to one sink.
public struct OutboxAlert: Sendable, Equatable {
    public var alertID: String
    public var sink: String
    public var payload: String
    public var state: OutboxState
    /// Delivery attempts started so far (counted when claimed).
    public var attempts: Int
    public var nextAttempt: Date
    public var lastError: String?
    public var created: Date
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public var deliveredAt: Date?
}
