/// Where each character of a decoded TOML string was written. Stored as segments, each a run of scalars written
/// one after another on one line, so a plain string costs one entry however long it is; escapes and line breaks
/// start new segments.
public struct TOMLStringSourceMap: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        /// Offset, in Unicode scalars of the decoded text, of the segment's first scalar.
        public let scalarOffset: Int
        /// Source position of that scalar; the following scalars of the segment are on the same line, one
        /// column further each.
        public let position: SourcePosition
    }

    /// The first segment is kept inline: most strings have only one, and need no allocation for it.
    private let first: Segment?
    private let rest: [Segment]
    /// Scalars in the decoded text.
    public let scalarCount: Int

    public init(segments: [Segment], scalarCount: Int) {
        self.first = segments.first
        self.rest = Array(segments.dropFirst())
        self.scalarCount = scalarCount
    }

    public var segments: [Segment] { first.map { [$0] + rest } ?? [] }

    /// The source position of the decoded text's scalar at `offset` (0-based); nil outside the text.
    public func position(ofScalarOffset offset: Int) -> SourcePosition? {
        guard offset >= 0, offset < scalarCount, let first else { return nil }
        var segment = first
        if let firstAfter = rest.first, firstAfter.scalarOffset <= offset {
            var low = 0, high = rest.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if rest[middle].scalarOffset <= offset { low = middle } else { high = middle - 1 }
            }
            segment = rest[low]
        }
        return SourcePosition(line: segment.position.line, column: segment.position.column + offset - segment.scalarOffset)
    }

    /// Every scalar's position, in order.
    public var allPositions: [SourcePosition] {
        (0..<scalarCount).compactMap { position(ofScalarOffset: $0) }
    }
}

/// Collects a string's decoded text as UTF-8 and the segments of its source map while the parser walks it.
struct TOMLStringAccumulator {
    private(set) var utf8: [UInt8] = []
    private(set) var segmentScalarOffsets: [Int] = []
    /// Source scalar index of each segment's start; turned into positions once the string is complete.
    private(set) var segmentSourceIndices: [Int] = []
    private(set) var scalarCount = 0
    private var lastSourceIndex = Int.min
    private var lastWasLineBreak = false

    /// Appends `scalar`, decoded from the source text at scalar index `sourceIndex`.
    mutating func append(_ scalar: Unicode.Scalar, from sourceIndex: Int) {
        if lastWasLineBreak || lastSourceIndex == Int.min || sourceIndex != lastSourceIndex + 1 {
            segmentScalarOffsets.append(scalarCount)
            segmentSourceIndices.append(sourceIndex)
        }
        // The scalar after a written line break is on the next line: a contiguous index no longer means the
        // next column.
        lastWasLineBreak = scalar == "\n"
        lastSourceIndex = sourceIndex
        scalarCount += 1
        if scalar.isASCII {
            utf8.append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            UTF8.encode(scalar) { utf8.append($0) }
        }
    }
}
