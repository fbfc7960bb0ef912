import Config

/// The topic-query check every configuration load uses (check-config, run, poll, status, reloads), so a query
/// that does not parse is reported at its `file:line:column` and rejects the configuration.
///
/// NOT WIRED YET: the query parser lives in Coverage, which lands separately. When it is on main, replace `nil`
/// with:
///     { query in
///         do { _ = try TopicQuery.parse(query); return nil }
///         catch { return (error.position, error.message) }
///     }
/// (Coverage's `QueryError.position` is the 1-based Character column that `ConfigLoader` expects.)
enum TopicQueryCheck {
    static let validator: ConfigLoader.TopicQueryValidator? = nil
}
