#if canImport(Glibc)
import Glibc
#endif

/// A glibc function looked up at run time, for the ones the Glibc module does not declare (`mallopt` is in
/// <malloc.h>, the pthread name calls need _GNU_SOURCE) or another libc (musl) may lack: nil when absent, and
/// the caller then does without.
public enum GlibcSymbol {
    public static func lookup<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }   // RTLD_DEFAULT
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}
