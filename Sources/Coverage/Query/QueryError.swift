/// A topic query that cannot be parsed. `position` is the 1-based column in the query text where the
/// problem was found; `topic` is filled in when the query belongs to a named topic.
public struct QueryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var position: Int
    public var topic: String?
    public var query: String

    public init(message: String, position: Int, query: String, topic: String? = nil) {
        self.message = message
        self.position = position
        self.query = query
        self.topic = topic
    }

    public var description: String {
        let prefix = topic.map { "topic \"\($0)\": " } ?? ""
        return "\(prefix)invalid query at column \(position): \(message)"
    }
}
