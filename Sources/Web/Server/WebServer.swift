import CMicroHTTPD
import Config
import Foundation
import Logging

/// The HTTP server under `WebApp`: Debian's libmicrohttpd, on its own threads (an epoll loop each), so no
/// client — slow, idle or many — ever takes a thread from the Swift pool that polls feeds. Connections are
/// bounded in number, idle time and header memory; a request line or headers over the memory limit get
/// MHD's own 4xx. See docs/web.md for the choice and the measurements.
public final class WebServer: @unchecked Sendable {  // The daemon pointer is only touched by init and stop.
    public struct Limits: Sendable {
        public var connections: UInt32 = 512
        /// An idle (or stalled) connection is closed after this many seconds.
        public var idleTimeout: UInt32 = 30
        /// Per-connection memory for the request line and headers.
        public var connectionMemory = 32 * 1024
        /// Threads, each with its own epoll loop and a share of the connections.
        public var threads: UInt32 = 2
        public init() {}
    }

    public enum StartError: Error, CustomStringConvertible {
        case badAddress(String)
        case cannotListen(String)
        public var description: String {
            switch self {
            case .badAddress(let address): "cannot use \(address) as a listening address"
            case .cannotListen(let address): "cannot listen on \(address) (in use, or not an address of this machine)"
            }
        }
    }

    private var daemon: OpaquePointer?
    private let app: Unmanaged<WebApp>
    public private(set) var port: Int = 0
    public let address: ListenAddress

    public init(address: ListenAddress, app: WebApp, limits: Limits = Limits()) throws(StartError) {
        self.address = address
        self.app = Unmanaged.passRetained(app)
        var flags = UInt32(MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue)
        let started: OpaquePointer?
        if address.isIPv6 {
            flags |= UInt32(MHD_USE_IPv6.rawValue)
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(address.port).bigEndian)
            let parsed = inet_pton(AF_INET6, address.host, &socketAddress.sin6_addr) == 1
            started = parsed ? Self.start(flags, &socketAddress, self.app, limits) : nil
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(address.port).bigEndian)
            let parsed = inet_pton(AF_INET, address.host, &socketAddress.sin_addr) == 1
            started = parsed ? Self.start(flags, &socketAddress, self.app, limits) : nil
        }
        guard let started else {
            self.app.release()
            throw .cannotListen(address.description)
        }
        daemon = started
        port = Int(tidings_http_port(started))
    }

    /// Starts libmicrohttpd on a `sockaddr_in` or `sockaddr_in6` (it binds before returning).
    private static func start<Address>(_ flags: UInt32, _ address: inout Address, _ app: Unmanaged<WebApp>,
                                       _ limits: Limits) -> OpaquePointer? {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                tidings_http_start(flags, $0, Self.handler, app.toOpaque(), limits.connections, limits.idleTimeout,
                                   limits.connectionMemory, limits.threads)
            }
        }
    }

    /// Stops listening, closes every connection and waits for the server's threads.
    public func stop() {
        guard let daemon else { return }
        MHD_stop_daemon(daemon)
        self.daemon = nil
        app.release()
    }

    deinit { stop() }

    /// libmicrohttpd's access handler: called once the request line and headers are in. Everything is answered
    /// on that first call (the server is read-only, so a request body is never read).
    private static let handler: MHD_AccessHandlerCallback = { context, connection, url, method, _, _, _, _ in
        guard let context, let connection else { return tidings_http_refuse() }
        let app = Unmanaged<WebApp>.fromOpaque(context).takeUnretainedValue()
        var query: [String: String] = [:]
        for key in ["topic", "since", "limit"] {
            query[key] = tidings_http_argument(connection, key).map { String(cString: $0) }
        }
        let request = WebRequest(method: method.map { String(cString: $0) } ?? "",
                                 path: url.map { String(cString: $0) } ?? "",
                                 authorization: tidings_http_header(connection, "Authorization").map { String(cString: $0) },
                                 query: query)
        let response = app.handle(request)
        return respond(connection, response)
    }

    private static func respond(_ connection: OpaquePointer, _ response: WebResponse) -> MHD_Result {
        var names = response.headers.map { strdup($0.0) }, values = response.headers.map { strdup($0.1) }
        defer {
            names.forEach { free($0) }
            values.forEach { free($0) }
        }
        return response.body.withUnsafeBytes { body in
            names.withUnsafeMutableBufferPointer { namePointers in
                values.withUnsafeMutableBufferPointer { valuePointers in
                    namePointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { namesC in
                        valuePointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { valuesC in
                            tidings_http_respond(connection, UInt32(response.status), body.baseAddress, body.count,
                                                 namesC.baseAddress, valuesC.baseAddress, response.headers.count)
                        }
                    }
                }
            }
        }
    }
}
