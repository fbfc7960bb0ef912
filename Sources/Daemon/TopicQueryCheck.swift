import Config
import Coverage

/// The topic-query check every configuration load uses (check-config, run, poll, status, reloads), so a query
/// that does not parse is reported at its `file:line:column` and rejects the configuration.
/// Coverage's `QueryError.position` is the 1-based Character column that `ConfigLoader` expects.
enum TopicQueryCheck {
    static let validator: ConfigLoader.TopicQueryValidator? = { query in
        do throws(QueryError) {
            _ = try TopicQuery.parse(query)
            return nil
        } catch {
            return (error.position, error.message)
        }
    }
}
