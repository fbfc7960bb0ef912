import CCurl
import CShims
import Foundation

extension Transfer {
    /// Reads libcurl's view of the finished transfer and decides its outcome.
    func complete(code: CURLcode, queuedFor: TimeInterval) -> (metadata: FetchMetadata, outcome: FetchOutcome) {
        var metadata = FetchMetadata(effectiveURL: string(CURLINFO_EFFECTIVE_URL) ?? pending.url)
        let status = long(CURLINFO_RESPONSE_CODE)
        metadata.status = (isFile || status == 0) ? nil : status
        metadata.redirectCount = long(CURLINFO_REDIRECT_COUNT)
        metadata.statusChain = statusChain
        metadata.httpVersion = isFile ? nil : httpVersion
        metadata.etag = headers[.etag]
        metadata.lastModified = headers[.lastModified]
        if let contentTypeHeader = headers[.contentType] {
            let parsed = HTTPHeaderValues.parseContentType(contentTypeHeader)
            metadata.contentType = parsed.mediaType
            metadata.charset = parsed.charset
        }
        metadata.contentEncoding = headers[.contentEncoding]
        let expires = headers[.expires], retryAfter = headers[.retryAfter]
        // The server's Date only matters as the reference for Expires and Retry-After: parse it only then.
        let reference = (expires != nil || retryAfter != nil) ? headers[.date].flatMap(HTTPHeaderValues.parseHTTPDate) ?? Date() : Date()
        metadata.cacheMaxAge = headers[.cacheControl].flatMap(HTTPHeaderValues.parseMaxAge)
        if let expires {
            // An invalid Expires ("0", "-1") means already expired (RFC 9111 5.3).
            metadata.expiresIn = HTTPHeaderValues.parseHTTPDate(expires).map { $0.timeIntervalSince(reference) } ?? 0
        }
        metadata.retryAfter = retryAfter.flatMap { HTTPHeaderValues.parseRetryAfter($0, now: reference) }
        metadata.bytesOnWire = offT(CURLINFO_SIZE_DOWNLOAD_T)
        metadata.bytesDecoded = wireBytes
        metadata.timings.queued = queuedFor
        metadata.timings.nameLookup = seconds(CURLINFO_NAMELOOKUP_TIME_T)
        metadata.timings.connect = seconds(CURLINFO_CONNECT_TIME_T)
        metadata.timings.tlsHandshake = seconds(CURLINFO_APPCONNECT_TIME_T)
        metadata.timings.firstByte = seconds(CURLINFO_STARTTRANSFER_TIME_T)
        metadata.timings.total = seconds(CURLINFO_TOTAL_TIME_T)
        metadata.timings.redirect = seconds(CURLINFO_REDIRECT_TIME_T)

        if isFile {
            let mtime = offT(CURLINFO_FILETIME_T)
            if mtime > 0 { metadata.lastModified = HTTPHeaderValues.formatHTTPDate(Date(timeIntervalSince1970: TimeInterval(mtime))) }
        }

        let outcome = decideOutcome(code: code, status: status, metadata: &metadata)
        if case .failed = outcome {} else if let target = permanentTarget() {
            metadata.permanentRedirect = target
        }
        return (metadata, outcome)
    }

    private func decideOutcome(code: CURLcode, status: Int, metadata: inout FetchMetadata) -> FetchOutcome {
        if let abortReason { return .failed(abortReason) }
        guard code == CURLE_OK else { return .failed(classify(code)) }
        if isFile {
            if long(CURLINFO_CONDITION_UNMET) == 1 { return .notModified(metadata) }
            return .fetched(FetchedBody(bytes: body, url: metadata.effectiveURL,
                                        contentType: metadata.contentType, charset: metadata.charset))
        }
        switch status {
        case 200..<300:
            var bytes = body
            if let contentEncoding = headers[.contentEncoding] {
                switch ContentDecoding.decode(body, contentEncoding: contentEncoding, limit: maxDecodedBytes) {
                case .success(let decoded): bytes = decoded
                case .failure(.tooLarge): return .failed(.decodedTooLarge(limit: maxDecodedBytes))
                case .failure(.invalid(let message)): return .failed(.badEncoding(message))
                }
                metadata.bytesDecoded = bytes.count
            }
            return .fetched(FetchedBody(bytes: bytes, url: metadata.effectiveURL,
                                        contentType: metadata.contentType, charset: metadata.charset))
        case 304:
            if case .fetch(let request, _) = pending.kind, request.isConditional { return .notModified(metadata) }
            return .failed(.httpStatus(code: 304, retryAfter: nil))
        case 410:
            return .failed(.gone)
        default:
            return .failed(.httpStatus(code: status, retryAfter: metadata.retryAfter))
        }
    }

    /// The URL reached through the leading run of 301/308 hops, if the chain starts with one.
    private func permanentTarget() -> String? {
        var hops = 0
        while hops < statusChain.count, statusChain[hops] == 301 || statusChain[hops] == 308 { hops += 1 }
        guard hops > 0, hops < visitedURLs.count else { return nil }
        return visitedURLs[hops]
    }

    private func classify(_ code: CURLcode) -> FetchFailure {
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns(message)
        case CURLE_COULDNT_CONNECT:
            return .connect(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(long(CURLINFO_CONNECT_TIME_T) == 0 && !isFile ? "no connection within the connect timeout" : message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls(message)
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(limit: maxWireBytes)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(limit: maxRedirects)
        case CURLE_PARTIAL_FILE:
            return .truncated("connection closed before the announced body arrived")
        case CURLE_BAD_CONTENT_ENCODING:
            return .badEncoding(message)
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR:
            return isFile ? .fileUnreadable(pending.url) : .other(code: Int(code.rawValue), message: message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .badURL("\(pending.url): \(message)")
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            return .connect(message)
        default:
            return .other(code: Int(code.rawValue), message: message)
        }
    }


    // MARK: getinfo helpers

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        _ = tidings_easy_getinfo_long(easy, info, &value)
        return value
    }

    func offT(_ info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        _ = tidings_easy_getinfo_off_t(easy, info, &value)
        return Int(value)
    }

    func seconds(_ info: CURLINFO) -> TimeInterval { TimeInterval(offT(info)) / 1_000_000 }

    func string(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        _ = tidings_easy_getinfo_string(easy, info, &value)
        return value.map { String(cString: $0) }
    }
}
