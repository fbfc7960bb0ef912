#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread as the kernel sees it (`/proc/PID/task/*/comm`, `top -H`, `perf`, `ps -L`).
///
/// Why not `Thread.name`: on Linux, Foundation keeps that name to itself, so every thread of the daemon showed
/// up under the process's name and a profile could not tell the fetch loop from the writer. Linux keeps at most
/// 15 bytes of a name (longer names are refused), so the name is cut to that; the daemon's names are ASCII.
///
/// The pthread calls are looked up at run time (`GlibcSymbol`): the Glibc module declares them only for _GNU_SOURCE.
public enum ThreadName {
    private typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    private typealias GetName = @convention(c) (pthread_t, UnsafeMutablePointer<CChar>, Int) -> Int32
    private static let setName = GlibcSymbol.lookup("pthread_setname_np", as: SetName.self)
    private static let getName = GlibcSymbol.lookup("pthread_getname_np", as: GetName.self)

    public static func setCurrent(_ name: String) {
        let cString = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) } + [0]
        _ = setName?(pthread_self(), cString)
    }

    /// The calling thread's name as the kernel has it.
    public static var current: String {
        var buffer = [CChar](repeating: 0, count: 16)
        guard let getName, getName(pthread_self(), &buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
