/// Which open event an article joins, among those whose bar it clears (`CoverageOptions.clearMargin`): the most
/// similar of the events it clears by at least `clearMargin` times their bar; when it clears none that clearly,
/// the one it clears by the largest multiple.
///
/// The bar rises with the time since an event's latest article, so by that multiple alone an article goes to
/// whichever event was updated last: a look-alike event updated minutes ago (its bar near the floor) took the
/// later articles of an event opened hours before, which they shared more with.
struct CandidateChoice {
    let clearMargin: Double
    private var byRatio: (index: Int, ratio: Double, raw: Double)?
    private var bySimilarity: (index: Int, similarity: Double, raw: Double)?

    init(clearMargin: Double) { self.clearMargin = clearMargin }

    /// Offers the event at `index`, with the article's similarity to it (weighted by the engine's rules) and the
    /// similarity it needs; `raw`, the similarity before those weights, is kept for the chosen event (the event
    /// records it when the article joins: `EventMemory.noteJoin`). The first of equal candidates stays chosen.
    mutating func offer(_ index: Int, similarity: Double, needed: Double, raw: Double? = nil) {
        guard similarity >= needed else { return }
        let raw = raw ?? similarity
        if similarity / needed > byRatio?.ratio ?? -.infinity { byRatio = (index, similarity / needed, raw) }
        if similarity >= needed * clearMargin && similarity > bySimilarity?.similarity ?? -.infinity {
            bySimilarity = (index, similarity, raw)
        }
    }

    /// The event to join, or nil when the article cleared no bar (it opens an event).
    var chosen: Int? { bySimilarity?.index ?? byRatio?.index }

    /// The chosen event's similarity before the engine's weights (`offer`'s `raw`).
    var chosenRawSimilarity: Double? { bySimilarity?.raw ?? byRatio?.raw }
}
