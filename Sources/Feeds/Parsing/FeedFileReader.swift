import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a local feed file without ever holding more than the size cap in memory: the size is checked with
/// fstat first, and the read stops at `maxBytes + 1` for files that do not know their size (pipes, /dev/zero).
public enum FeedFileReader {
    public static func read(path: String, maxBytes: Int = FeedParseOptions.defaultMaxBytes) throws(FeedParseError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FeedParseError(.unreadable, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw FeedParseError(.unreadable, "cannot stat: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw FeedParseError(.unreadable, "is a directory")
        }
        let isRegular = (info.st_mode & S_IFMT) == S_IFREG
        if isRegular && Int(info.st_size) > maxBytes {
            throw FeedParseError(.tooLarge, "file is \(info.st_size) bytes; the limit is \(maxBytes)")
        }
        if isRegular {
            // The common case: read into uninitialised memory of the known size (plus one byte to notice a file
            // that grew), without zero-filling it first.
            let size = Int(info.st_size)
            var failure: FeedParseError? = nil
            let bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
                var filled = 0
                while filled < buffer.count {
                    let count = Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = FeedParseError(.unreadable, "read failed: \(String(cString: strerror(errno)))")
                        break
                    }
                    if count == 0 { break }
                    filled += count
                }
                initialized = filled
            }
            if let failure { throw failure }
            if bytes.count <= size { return bytes }
            // The file grew while being read: fall through to the general loop from the start.
            guard lseek(descriptor, 0, SEEK_SET) == 0 else {
                throw FeedParseError(.unreadable, "file changed while being read")
            }
        }
        let capacity = isRegular ? Int(info.st_size) : 64 * 1024
        var bytes = [UInt8](repeating: 0, count: min(capacity, maxBytes) + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                if filled > maxBytes {
                    throw FeedParseError(.tooLarge, "input exceeds the limit of \(maxBytes) bytes")
                }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maxBytes + 1 - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FeedParseError(.unreadable, "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            filled += count
            if filled > maxBytes {
                throw FeedParseError(.tooLarge, "input exceeds the limit of \(maxBytes) bytes")
            }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
