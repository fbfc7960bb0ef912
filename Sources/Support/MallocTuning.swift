#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// glibc malloc settings for a process whose whole budget (64 MB through a 10,000-feed cycle) is smaller than
/// what glibc's defaults let it keep.
///
/// Why: glibc gives each thread that allocates concurrently an arena of its own (up to 8 per core) and returns
/// freed memory to the kernel only from the top of the main heap. The poll cycle allocates on the cooperative
/// pool's threads (parsing), the fetch loop's thread and the writer's thread, and frees much of it on another,
/// so freed pages pile up in every arena there is. One arena per thread that allocates all the time, and no
/// more: the pool's threads (one per core) plus the fetch loop and the writer (`arenaCount`).
/// `malloc_trim` hands free pages in the middle of the heaps back (madvise) after a burst of short-lived data.
public enum MallocTuning {
    private static let configured = Atomic<Bool>(false)
    /// From <malloc.h>, which the Glibc module does not import.
    private static let arenaMaxParameter: Int32 = -8   // M_ARENA_MAX
    private static let mmapThresholdParameter: Int32 = -3   // M_MMAP_THRESHOLD

    private typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    private typealias MallocTrimFunction = @convention(c) (Int) -> Int32

    /// Looked up at run time: glibc has both; another libc (musl) has neither, and then nothing is tuned.
    private static let mallopt = GlibcSymbol.lookup("mallopt", as: MalloptFunction.self)
    private static let mallocTrim = GlibcSymbol.lookup("malloc_trim", as: MallocTrimFunction.self)

    /// Blocks of at least this many bytes get their own mapping, returned to the kernel when freed.
    static let mmapThreshold: Int32 = 128 * 1024

    /// Arenas for `cores` processors: one per cooperative-pool thread (Swift makes one per core) and one each for
    /// the fetch loop and the writer. Fewer arenas than those threads make them take turns at the arenas' locks:
    /// on two cores two arenas cost the cold 10,000-feed cycle ~6 % more CPU than four (twice the voluntary
    /// context switches, glibc's lock waits and futex wakes), three no less than two, six no less than four;
    /// four hold 1.5-3 MB more at the peak than two (issue 19, docs/fetching-log.md, "2026-12-08").
    public static func arenaCount(cores: Int) -> Int32 { Int32(clamping: max(1, cores) + 2) }

    /// Limits glibc's malloc arenas (`arenaCount`) and fixes the mmap threshold. Call once, as early as possible
    /// (arenas already made stay).
    ///
    /// The threshold: glibc raises it, by default, to the size of every mapped block freed (up to 32 MB), so after
    /// the first large array of a cycle is freed (a growing dedup-key table, a batch's array) every later block
    /// of that size is carved from the arenas, where it leaves holes between longer-lived data that `trim` cannot
    /// hand back. Setting it (which turns the adjustment off) kept the cold 10,000-feed cycle ~1.5 MB lower at
    /// the same CPU (issue 19).
    /// Cores counted as the poll cycle counts them for its parse workers (`PollCycle`).
    public static func limitArenas() {
        guard !configured.exchange(true, ordering: .relaxed) else { return }
        _ = mallopt?(arenaMaxParameter, arenaCount(cores: ProcessInfo.processInfo.activeProcessorCount))
        _ = mallopt?(mmapThresholdParameter, mmapThreshold)
    }

    /// Returns free heap pages to the kernel. Costs a walk over the free lists (about a millisecond here).
    public static func trim() {
        _ = mallocTrim?(0)
    }
}
