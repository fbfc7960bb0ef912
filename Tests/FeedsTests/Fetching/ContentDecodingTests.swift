import CBrotliEncoder
import CCompression
import Testing
import TestSupport
@testable import Feeds

/// Content codings undone by the fetcher: every coding round-trips bodies of many sizes, stops at the decoded-size
/// limit exactly, and turns truncated, corrupt, unknown or stacked-too-deep codings into a failure.
@Suite struct ContentDecodingTests {
    enum Coding: String, CaseIterable {
        case gzip, deflate, deflateRaw = "deflate-raw", br, zstd
        /// The Content-Encoding header value a server would send.
        var header: String { self == .deflateRaw ? "deflate" : rawValue }
    }

    static func encode(_ data: [UInt8], _ coding: Coding) -> [UInt8] {
        let bound = data.count + data.count / 8 + 1024
        var out = [UInt8](repeating: 0, count: bound)
        var size = 0
        switch coding {
        case .gzip, .deflate, .deflateRaw:
            let compressor = libdeflate_alloc_compressor(6)!
            defer { libdeflate_free_compressor(compressor) }
            size = data.withUnsafeBytes { input in
                out.withUnsafeMutableBytes { output in
                    switch coding {
                    case .gzip: return libdeflate_gzip_compress(compressor, input.baseAddress, input.count, output.baseAddress, bound)
                    case .deflate: return libdeflate_zlib_compress(compressor, input.baseAddress, input.count, output.baseAddress, bound)
                    default: return libdeflate_deflate_compress(compressor, input.baseAddress, input.count, output.baseAddress, bound)
                    }
                }
            }
        case .br:
            var encoded = bound
            let ok = data.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, input.count, input.baseAddress, &encoded, output.baseAddress)
                }
            }
            #expect(ok == 1)
            size = encoded
        case .zstd:
            size = data.withUnsafeBytes { input in
                out.withUnsafeMutableBytes { output in ZSTD_compress(output.baseAddress, bound, input.baseAddress, input.count, 3) }
            }
        }
        #expect(size > 0)
        return Array(out[..<size])
    }

    /// A body-sized array printed by a failed expectation would bury the message: compare outside the macro.
    static func decodes(_ result: Result<[UInt8], ContentDecoding.Failure>, to body: [UInt8]) -> Bool {
        result == .success(body)
    }

    /// Text-like bytes (compressible, like feeds) from a seed.
    static func text(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        let words = ["election", "tariff", "the", "of", "ceasefire", "<item>", "</title>", "&amp;", "café", "42,000"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 16)
        while bytes.count < count {
            bytes += Array(words[Int(random.next() % UInt64(words.count))].utf8)
            bytes.append(random.next() % 7 == 0 ? 0x0A : 0x20)
        }
        return Array(bytes[..<count])
    }

    @Test(arguments: Coding.allCases)
    func roundTripsBodiesOfManySizes(coding: Coding) throws {
        for (index, size) in [0, 1, 100, 4_095, 65_536, 300_000, 3_000_000].enumerated() {
            let body = Self.text(size, seed: UInt64(index) + 1)
            let encoded = Self.encode(body, coding)
            let decoded = ContentDecoding.decode(encoded, contentEncoding: coding.header, limit: 10 << 20)
            #expect(Self.decodes(decoded, to: body), "\(coding) \(size) bytes")
        }
    }

    @Test(arguments: Coding.allCases)
    func decodedSizeLimitIsExact(coding: Coding) {
        let body = Self.text(200_000, seed: 7)
        let encoded = Self.encode(body, coding)
        #expect(Self.decodes(ContentDecoding.decode(encoded, contentEncoding: coding.header, limit: body.count), to: body))
        #expect(ContentDecoding.decode(encoded, contentEncoding: coding.header, limit: body.count - 1) == .failure(.tooLarge))
        #expect(ContentDecoding.decode(encoded, contentEncoding: coding.header, limit: 1_000) == .failure(.tooLarge))
    }

    /// 64 MiB of zeros, a few KB on the wire: refused at a 1 MiB limit, for every coding.
    @Test(arguments: Coding.allCases)
    func bombStopsAtTheLimit(coding: Coding) {
        let encoded = Self.encode([UInt8](repeating: 0, count: 64 << 20), coding)
        #expect(encoded.count < 1 << 20)
        #expect(ContentDecoding.decode(encoded, contentEncoding: coding.header, limit: 1 << 20) == .failure(.tooLarge))
    }

    @Test(arguments: Coding.allCases)
    func truncatedAndCorruptBodiesAreInvalid(coding: Coding) {
        let body = Self.text(50_000, seed: 3)
        let encoded = Self.encode(body, coding)
        let truncated = Array(encoded.dropLast(encoded.count / 3))
        guard case .failure(.invalid(let message)) = ContentDecoding.decode(truncated, contentEncoding: coding.header, limit: 1 << 20) else {
            Issue.record("\(coding): a truncated body decoded")
            return
        }
        #expect(message.contains(coding == .br ? "brotli" : coding == .zstd ? "zstd" : coding == .gzip ? "gzip" : "deflate"))
        var corrupt = encoded
        for index in stride(from: encoded.count / 4, to: encoded.count * 3 / 4, by: 7) { corrupt[index] ^= 0x5A }
        if case .success(let decoded) = ContentDecoding.decode(corrupt, contentEncoding: coding.header, limit: 1 << 20) {
            // A corrupted stream that still decodes (deflate has no checksum of its own) must not equal the original.
            #expect(decoded != body, "\(coding): corruption went unnoticed")
        }
    }

    @Test func gzipMembersFollowOneAnotherAndTrailingBytesAreIgnored() {
        let first = Self.text(10_000, seed: 11), second = Self.text(20_000, seed: 12)
        let members = Self.encode(first, .gzip) + Self.encode(second, .gzip)
        #expect(Self.decodes(ContentDecoding.decode(members, contentEncoding: "gzip", limit: 1 << 20), to: first + second))
        #expect(Self.decodes(ContentDecoding.decode(members, contentEncoding: "x-gzip", limit: 1 << 20), to: first + second))
        let padded = Self.encode(first, .gzip) + [0, 0, 0, 0x0A]
        #expect(Self.decodes(ContentDecoding.decode(padded, contentEncoding: "gzip", limit: 1 << 20), to: first))
        // Both members together over the limit, each alone under it.
        #expect(ContentDecoding.decode(members, contentEncoding: "gzip", limit: 25_000) == .failure(.tooLarge))
    }

    @Test func zstdFramesFollowOneAnother() {
        let first = Self.text(70_000, seed: 21), second = Self.text(90_000, seed: 22)
        let frames = Self.encode(first, .zstd) + Self.encode(second, .zstd)
        #expect(Self.decodes(ContentDecoding.decode(frames, contentEncoding: "zstd", limit: 1 << 20), to: first + second))
    }

    /// RFC 9659 caps a zstd coding's window at 8 MB: a frame needing 32 MB of window is refused, not allocated.
    @Test func zstdWindowOverEightMegabytesIsRefused() throws {
        let body = Self.text(12 << 20, seed: 31)
        let context = try #require(ZSTD_createCCtx())
        defer { ZSTD_freeCCtx(context) }
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, 25)
        var encoded = [UInt8](repeating: 0, count: body.count)
        let size = body.withUnsafeBytes { input in
            encoded.withUnsafeMutableBytes { output -> Int in
                var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
                var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
                // Streamed without a pledged size, so the frame header keeps the 32 MB window.
                let remaining = ZSTD_compressStream2(context, &target, &source, ZSTD_e_end)
                return remaining == 0 ? target.pos : -1
            }
        }
        try #require(size > 0)
        let result = ContentDecoding.decode(Array(encoded[..<size]), contentEncoding: "zstd", limit: 64 << 20)
        guard case .failure(.invalid(let message)) = result else {
            Issue.record("a 32 MB window was accepted")
            return
        }
        #expect(message.hasPrefix("zstd: "))
    }

    @Test func stackedCodingsAreUndoneLastFirst() {
        let body = Self.text(40_000, seed: 41)
        let gzipThenZstd = Self.encode(Self.encode(body, .gzip), .zstd)
        #expect(Self.decodes(ContentDecoding.decode(gzipThenZstd, contentEncoding: "gzip, zstd", limit: 1 << 20), to: body))
        #expect(Self.decodes(ContentDecoding.decode(gzipThenZstd, contentEncoding: "GZIP,identity , Zstd", limit: 1 << 20), to: body))
        if case .success = ContentDecoding.decode(gzipThenZstd, contentEncoding: "zstd, gzip", limit: 1 << 20) {
            Issue.record("codings undone in the wrong order decoded")
        }
        let deep = ContentDecoding.decode(body, contentEncoding: "gzip, gzip, gzip, gzip", limit: 1 << 20)
        #expect(deep == .failure(.invalid("4 content codings stacked (at most 3)")))
    }

    @Test func unknownCodingsAndIdentity() {
        let body = Self.text(1_000, seed: 51)
        #expect(ContentDecoding.decode(body, contentEncoding: "compress", limit: 1 << 20)
                == .failure(.invalid("unsupported content coding \"compress\"")))
        #expect(Self.decodes(ContentDecoding.decode(body, contentEncoding: "identity", limit: 1 << 20), to: body))
        for coding in ["gzip", "deflate", "br", "zstd", "gzip, br"] {
            #expect(Self.decodes(ContentDecoding.decode([], contentEncoding: coding, limit: 1 << 20), to: []), "\(coding)")
        }
    }
}
