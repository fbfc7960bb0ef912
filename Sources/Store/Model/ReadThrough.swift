/// A record that holds another whole (a stored item its `NewItem`, a feed's row its `FeedFetchState`): the held
/// record's fields read and write through, so `record.title` means `record.item.title`.
@dynamicMemberLookup
public protocol ReadThrough {
    associatedtype Held
    /// Where the held record is.
    static var held: WritableKeyPath<Self, Held> { get }
}

extension ReadThrough {
    public subscript<T>(dynamicMember field: WritableKeyPath<Held, T>) -> T {
        get { self[keyPath: Self.held][keyPath: field] }
        set { self[keyPath: Self.held][keyPath: field] = newValue }
    }
}
