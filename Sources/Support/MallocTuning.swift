#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// glibc malloc settings for a process whose whole budget (64 MB through a 10,000-feed cycle) is smaller than
/// what glibc's defaults let it keep.
///
/// Why: glibc gives each thread that allocates concurrently an arena of its own (up to 8 per core) and returns
/// freed memory to the kernel only from the top of the main heap. The poll cycle allocates on the cooperative
/// pool's threads (parsing), the fetch loop's thread and the writer's thread, and frees much of it on another,
/// so freed pages pile up in several arenas. Two arenas keep contention low on two cores;
/// `malloc_trim` hands free pages in the middle of the heaps back (madvise) after a burst of short-lived data.
public enum MallocTuning {
    private static let configured = Atomic<Bool>(false)
    /// From <malloc.h>, which the Glibc module does not import.
    private static let arenaMaxParameter: Int32 = -8   // M_ARENA_MAX

    private typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    private typealias MallocTrimFunction = @convention(c) (Int) -> Int32

    /// Looked up at run time: glibc has both; another libc (musl) has neither, and then nothing is tuned.
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }   // RTLD_DEFAULT
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
    private static let mallopt = function("mallopt", as: MalloptFunction.self)
    private static let mallocTrim = function("malloc_trim", as: MallocTrimFunction.self)

    /// Limits glibc to two malloc arenas. Call once, as early as possible (arenas already made stay).
    public static func limitArenas() {
        guard !configured.exchange(true, ordering: .relaxed) else { return }
        _ = mallopt?(arenaMaxParameter, 2)
    }

    /// Returns free heap pages to the kernel. Costs a walk over the free lists (about a millisecond here).
    public static func trim() {
        _ = mallocTrim?(0)
    }
}
