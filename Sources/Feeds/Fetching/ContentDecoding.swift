import CCompression
import Synchronization

/// Undoes a response's Content-Encoding once the whole body has arrived. libcurl is told not to decode
/// (`CURLOPT_HTTP_CONTENT_DECODING` 0): its gzip goes through zlib's streaming inflate, which was 14 % of a cold
/// 10,000-feed cycle; libdeflate decodes the same bodies ~3.5 times faster whole-buffer. Every coding is bounded by
/// the decoded-size limit as it is produced, so a compression bomb costs at most that many bytes of work.
enum ContentDecoding {
    /// What we ask for: every coding this build decodes (the four libcurl itself would offer).
    static let acceptEncoding = "gzip, deflate, br, zstd"

    /// More codings than this stacked on one body is an attack, not a server.
    static let maximumCodings = 3

    enum Failure: Error, Equatable {
        /// The decoded body would pass the limit.
        case tooLarge
        /// Corrupt, truncated or unknown: the message says which.
        case invalid(String)
    }

    /// `body` with every coding in `contentEncoding` undone (they are listed in the order applied).
    static func decode(_ body: [UInt8], contentEncoding: String, limit: Int) -> Result<[UInt8], Failure> {
        let codings = contentEncoding.split(separator: ",")
            .map { HTTPHeaderValues.trimmingOWS($0).lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        guard codings.count <= maximumCodings else {
            return .failure(.invalid("\(codings.count) content codings stacked (at most \(maximumCodings))"))
        }
        var data = body
        for coding in codings.reversed() {
            let decoder: ([UInt8], Int) -> Result<[UInt8], Failure>
            switch coding {
            case "gzip", "x-gzip": decoder = { Deflate.decode($0, format: .gzip, limit: $1) }
            case "deflate": decoder = { Deflate.decode($0, format: .zlibOrRaw, limit: $1) }
            case "br": decoder = decodeBrotli
            case "zstd": decoder = decodeZstandard
            default: return .failure(.invalid("unsupported content coding \"\(coding)\""))
            }
            // An empty body is empty in every coding (servers label empty answers too).
            if data.isEmpty { return .success([]) }
            switch decoder(data, limit) {
            case .success(let bytes): data = bytes
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(data)
    }

    // MARK: br and zstd (streamed into chunks: rare on feeds, so simple beats fast)

    private static let chunkSize = 64 * 1024

    private static func decodeBrotli(_ input: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else { return .failure(.invalid("brotli: out of memory")) }
        defer { BrotliDecoderDestroyInstance(state) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        return input.withUnsafeBufferPointer { inBuffer -> Result<[UInt8], Failure> in
            var availableIn = inBuffer.count
            var nextIn = inBuffer.baseAddress
            while true {
                let (result, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (BrotliDecoderResult, Int) in
                    var availableOut = outBuffer.count
                    var nextOut = outBuffer.baseAddress
                    let result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
                    return (result, outBuffer.count - availableOut)
                }
                guard output.count + produced <= limit else { return .failure(.tooLarge) }
                output.append(contentsOf: chunk[..<produced])
                switch result {
                case BROTLI_DECODER_RESULT_SUCCESS: return .success(output)
                case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: continue
                case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: return .failure(.invalid("brotli: body ends inside the stream"))
                default:
                    let name = BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state)).map { String(cString: $0) } ?? "error"
                    return .failure(.invalid("brotli: \(name)"))
                }
            }
        }
    }

    /// RFC 9659: a zstd content coding's window is at most 8 MB; a frame asking for more would make us allocate it.
    private static let zstdWindowLogMax: Int32 = 23

    private static func decodeZstandard(_ input: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        guard let context = ZSTD_createDCtx() else { return .failure(.invalid("zstd: out of memory")) }
        defer { ZSTD_freeDCtx(context) }
        _ = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, zstdWindowLogMax)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        return input.withUnsafeBytes { inBytes -> Result<[UInt8], Failure> in
            var source = ZSTD_inBuffer(src: inBytes.baseAddress, size: inBytes.count, pos: 0)
            while true {
                let consumedBefore = source.pos
                let (hint, produced) = chunk.withUnsafeMutableBytes { outBytes -> (Int, Int) in
                    var target = ZSTD_outBuffer(dst: outBytes.baseAddress, size: outBytes.count, pos: 0)
                    let hint = ZSTD_decompressStream(context, &target, &source)
                    return (hint, target.pos)
                }
                if ZSTD_isError(hint) != 0 { return .failure(.invalid("zstd: \(String(cString: ZSTD_getErrorName(hint)))")) }
                guard output.count + produced <= limit else { return .failure(.tooLarge) }
                output.append(contentsOf: chunk[..<produced])
                // 0: a frame ended and is flushed; concatenated frames follow one another until the input ends.
                if hint == 0 && source.pos == source.size { return .success(output) }
                // A call that neither read nor wrote anything is stuck for want of input the body does not have.
                if produced == 0 && source.pos == consumedBefore {
                    return .failure(.invalid("zstd: body ends inside a frame"))
                }
            }
        }
    }
}

/// gzip, zlib and raw deflate through libdeflate: whole-buffer, so the output must be big enough up front. A
/// gzip member's trailer says how big (ISIZE); otherwise a guess grows until it fits or reaches the limit.
private enum Deflate {
    enum Format { case gzip, zlibOrRaw }

    /// One decompressor kept between bodies: making one (a block of about 10 KB, cleared) for every response was
    /// a large malloc, a memset and a free per feed. Bodies are decoded on the fetch loop's thread, one at a time;
    /// a second decode at once makes its own and frees it.
    /// (Its address as an integer: an OpaquePointer is not Sendable; 0 is none.)
    private static let spare = Mutex<UInt>(0)

    static func decode(_ input: [UInt8], format: Format, limit: Int) -> Result<[UInt8], ContentDecoding.Failure> {
        let kept = spare.withLock { slot -> UInt in
            defer { slot = 0 }
            return slot
        }
        guard let decompressor = OpaquePointer(bitPattern: kept) ?? libdeflate_alloc_decompressor() else {
            return .failure(.invalid("deflate: out of memory"))
        }
        // A decompressor keeps no state between calls (each libdeflate call decodes a whole stream).
        defer {
            let address = UInt(bitPattern: UnsafeRawPointer(decompressor))
            let stored = spare.withLock { slot -> Bool in
                guard slot == 0 else { return false }
                slot = address
                return true
            }
            if !stored { libdeflate_free_decompressor(decompressor) }
        }
        var capacity = min(limit, initialCapacity(input, format: format))
        while true {
            var outcome = Outcome.done
            let output = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
                count = 0
                outcome = input.withUnsafeBytes { inBytes in
                    switch format {
                    case .gzip: return gunzip(decompressor, inBytes, into: buffer, capacity: capacity, count: &count)
                    case .zlibOrRaw: return inflate(decompressor, inBytes, into: buffer, capacity: capacity, count: &count)
                    }
                }
            }
            switch outcome {
            case .done: return .success(output)
            case .invalid(let message): return .failure(.invalid(message))
            case .needsSpace:
                guard capacity < limit else { return .failure(.tooLarge) }
                capacity = capacity > limit / 4 ? limit : capacity * 4
            }
        }
    }

    private enum Outcome { case done, needsSpace, invalid(String) }

    /// Feed XML shrinks 4-10 times under gzip; ISIZE (the last four bytes, size modulo 2^32) is exact for one member.
    private static func initialCapacity(_ input: [UInt8], format: Format) -> Int {
        let guess = max(input.count * 8, 4096)
        guard format == .gzip, input.count >= 18 else { return guess }
        let n = input.count
        let size = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        return size > 0 ? size : guess
    }

    /// Every gzip member in turn (RFC 1952 allows several); bytes after the last member that do not start another
    /// are ignored, as browsers do.
    private static func gunzip(_ decompressor: OpaquePointer, _ input: UnsafeRawBufferPointer,
                               into output: UnsafeMutableBufferPointer<UInt8>, capacity: Int, count: inout Int) -> Outcome {
        var consumed = 0
        while true {
            var read = 0, written = 0
            let result = libdeflate_gzip_decompress_ex(decompressor, input.baseAddress! + consumed, input.count - consumed,
                                                       output.baseAddress! + count, capacity - count, &read, &written)
            switch result {
            case LIBDEFLATE_SUCCESS:
                consumed += read
                count += written
            case LIBDEFLATE_INSUFFICIENT_SPACE:
                return .needsSpace
            default:
                return .invalid(consumed == 0 ? "gzip: corrupt or truncated body" : "gzip: corrupt or truncated member at byte \(consumed)")
            }
            let remaining = input.count - consumed
            if remaining < 2 || input[consumed] != 0x1F || input[consumed + 1] != 0x8B { return .done }
        }
    }

    /// HTTP's "deflate" is zlib-wrapped by the standard, raw deflate from some servers: try the first, then the other.
    private static func inflate(_ decompressor: OpaquePointer, _ input: UnsafeRawBufferPointer,
                                into output: UnsafeMutableBufferPointer<UInt8>, capacity: Int, count: inout Int) -> Outcome {
        var read = 0, written = 0
        var result = libdeflate_zlib_decompress_ex(decompressor, input.baseAddress, input.count,
                                                   output.baseAddress, capacity, &read, &written)
        if result == LIBDEFLATE_BAD_DATA {
            result = libdeflate_deflate_decompress_ex(decompressor, input.baseAddress, input.count,
                                                      output.baseAddress, capacity, &read, &written)
        }
        switch result {
        case LIBDEFLATE_SUCCESS:
            count = written
            return .done
        case LIBDEFLATE_INSUFFICIENT_SPACE: return .needsSpace
        default: return .invalid("deflate: corrupt or truncated body")
        }
    }
}
