import CMicroHTTPD
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Called once per completed request with its method, path and status, also for the 404/405 the
/// router produces and the 413/431/403 the server produces; status 0 means the handler dropped the
/// connection without an answer. Not called for requests libmicrohttpd rejects before they reach
/// the access handler (unparsable request line, header block beyond its memory pool) or for clients
/// that disconnect mid-request. Called on a worker thread, concurrently.
public typealias HTTPRequestObserver = @Sendable (_ method: String, _ path: String, _ status: Int) -> Void

/// An HTTP/1.1 server over libmicrohttpd. This file is the only Swift code that touches MHD's
/// or the socket API's pointers.
///
/// Threads: `start()`/`stop()` from any thread; the handler and observer run on MHD's worker
/// threads, concurrently. Sockets are bound here (clear errors) and handed to MHD; one MHD daemon
/// with a thread pool of `threads` poll() workers serves each listen address.
public final class HTTPServer: Sendable {
    private let configuration: HTTPServerConfiguration
    private let handler: HTTPHandler
    private let observer: HTTPRequestObserver?
    private let stopping = Atomic<Bool>(false)
    private let state = Mutex<RunState>(.idle)

    /// What is running. Daemons are only touched by `start` (under the lock) and by the one `stop`
    /// call that moved the state from `.running` to `.stopping` (outside the lock, so handlers that
    /// read `boundAddresses` during shutdown cannot deadlock against it).
    private enum RunState {
        case idle
        case running(daemons: [DaemonHandle], bound: [String], context: Unmanaged<ServerContext>)
        case stopping
    }

    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler,
                observer: (@Sendable (_ method: String, _ path: String, _ status: Int) -> Void)? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.observer = observer
    }

    deinit { stop() }

    /// Binds every configured address and starts serving. Throws `HTTPServerError` (one-line
    /// description) and leaves nothing open when any address fails.
    public func start() throws {
        try configuration.validate()
        try state.withLock { state throws(HTTPServerError) in
            guard case .idle = state else { throw .alreadyRunning }  // running, or still stopping
            let addresses = try configuration.listenAddresses.map { a throws(HTTPServerError) in
                try ListenAddress.parse(a)
            }
            var sockets: [BoundSocket] = []
            for address in addresses {
                do throws(HTTPServerError) {
                    sockets.append(try BoundSocket.listen(on: address))
                } catch let error {
                    sockets.forEach { close($0.fd) }
                    throw error
                }
            }
            let context = ServerContext(configuration: configuration, handler: handler, observer: observer)
            // Retained here, once for all daemons of this run; released in `stop()` after every
            // daemon has stopped (or below when a daemon fails to start). C sees only `cls`.
            let unmanaged = Unmanaged.passRetained(context)
            var daemons: [DaemonHandle] = []
            for (index, socket) in sockets.enumerated() {
                guard let daemon = startDaemon(fd: socket.fd, context: unmanaged) else {
                    // MHD closes the listen socket it was given, both in MHD_stop_daemon and when
                    // MHD_start_daemon fails (checked on 0.9.75); only the later ones are ours to close.
                    for daemon in daemons { MHD_stop_daemon(daemon.pointer) }
                    sockets[(index + 1)...].forEach { close($0.fd) }
                    unmanaged.release()
                    throw HTTPServerError.daemonStartFailed(
                        address: socket.address.text,
                        reason: configuration.tls == nil ? "libmicrohttpd could not start"
                            : "libmicrohttpd could not start (check the TLS certificate and key)")
                }
                daemons.append(daemon)
            }
            stopping.store(false, ordering: .sequentiallyConsistent)
            state = .running(daemons: daemons, bound: sockets.map(\.description), context: unmanaged)
        }
    }

    /// The addresses actually listened on, e.g. `"127.0.0.1:43817"`, `"[::]:9788"`; empty when stopped.
    public var boundAddresses: [String] {
        state.withLock { state in
            if case let .running(_, bound, _) = state { return bound }
            return []
        }
    }

    /// True from the start of `stop()` until the next `start()`: long-running handlers should give up.
    public var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    /// Stops serving; idempotent and safe with requests in flight. Closes the listeners first (new
    /// connections are refused), waits up to `shutdownGracePeriod` for in-flight requests, then stops
    /// the workers (which waits for handlers still running: they should watch `isStopping`) and
    /// releases the context. A call made while another `stop()` is under way returns at once.
    /// Must not be called from a handler (it joins the worker threads).
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        let running: (daemons: [DaemonHandle], context: Unmanaged<ServerContext>)? = state.withLock { state in
            guard case let .running(daemons, _, context) = state else { return nil }
            state = .stopping
            return (daemons, context)
        }
        guard let running else { return }
        defer { state.withLock { $0 = .idle } }
        let (daemons, context) = (running.daemons, running.context)
        do {
            let ctx = context.takeUnretainedValue()
            ctx.stopping.store(true, ordering: .sequentiallyConsistent)
            // Quiescing hands each listen socket back to us. Shutting it down makes the kernel refuse
            // new connections at once; it is closed only after the workers are joined, so no worker
            // can ever accept on a recycled descriptor number.
            var listenSockets: [Int32] = []
            for daemon in daemons {
                let fd = MHD_quiesce_daemon(daemon.pointer)
                if fd >= 0 {
                    shutdown(fd, Int32(SHUT_RDWR))
                    listenSockets.append(fd)
                }
            }
            let deadline = Date().addingTimeInterval(configuration.shutdownGracePeriod)
            while ctx.inFlight.load(ordering: .sequentiallyConsistent) > 0 && Date() < deadline {
                usleep(5_000)
            }
            for daemon in daemons { MHD_stop_daemon(daemon.pointer) }
            listenSockets.forEach { close($0) }
            // Every worker thread has been joined: no callback can still see `cls`. This balances
            // the `passRetained` in `start()`.
            context.release()
        }
    }

    private func startDaemon(fd: Int32, context: Unmanaged<ServerContext>) -> DaemonHandle? {
        // poll(), not epoll: in libmicrohttpd 0.9.75 MHD_quiesce_daemon on an epoll thread pool races
        // with the workers' own removal of the listen socket and aborts the process ("Failed to
        // remove listen FD from epoll set"); the poll loop quiesces through the ITC pipe instead.
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue | MHD_USE_ITC.rawValue
        var threads = UInt32(configuration.threads)
        if configuration.threadPerConnection {
            flags |= MHD_USE_THREAD_PER_CONNECTION.rawValue
            threads = 1  // no pool: MHD refuses a pool size above 1 with thread-per-connection
        }
        let limit = UInt32(configuration.connectionLimit)
        let timeout = UInt32(configuration.connectionTimeout)
        // Room for the header block plus MHD's own bookkeeping and read buffer.
        let memory = max(32 * 1024, 2 * configuration.maxHeaderBytes + 8 * 1024)
        let cls = context.toOpaque()
        let start = { (cert: UnsafePointer<CChar>?, key: UnsafePointer<CChar>?, trust: UnsafePointer<CChar>?) in
            gw_mhd_start_ex(flags, fd, accessCallback, cls, completedCallback, cls,
                            threads, limit, timeout, memory, cert, key, trust)
        }
        let daemon: OpaquePointer?
        if let tls = configuration.tls {
            daemon = tls.certificatePEM.withCString { cert in
                tls.privateKeyPEM.withCString { key in
                    if let ca = tls.clientCAPEM {
                        return ca.withCString { start(cert, key, $0) }
                    }
                    return start(cert, key, nil)
                }
            }
        } else {
            daemon = start(nil, nil, nil)
        }
        return daemon.map(DaemonHandle.init)
    }
}

extension HTTPServerConfiguration {
    func validate() throws(HTTPServerError) {
        if listenAddresses.isEmpty { throw .invalidConfiguration("no listen address") }
        if threads < 1 || threads > 1024 { throw .invalidConfiguration("threads must be 1...1024, got \(threads)") }
        if connectionLimit < threads {
            throw .invalidConfiguration("connection limit \(connectionLimit) is below the thread count \(threads)")
        }
        if connectionTimeout < 1 { throw .invalidConfiguration("connection timeout must be at least 1 s") }
        if maxHeaderBytes < 256 { throw .invalidConfiguration("max header bytes must be at least 256") }
        if maxBodyBytes < 0 { throw .invalidConfiguration("max body bytes must not be negative") }
        if shutdownGracePeriod < 0 { throw .invalidConfiguration("shutdown grace period must not be negative") }
    }
}

/// An MHD daemon pointer. `@unchecked Sendable`: MHD daemons may be quiesced and stopped from any
/// thread, and only `HTTPServer` touches it, under its lock.
private struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

// MARK: - Callbacks (run on MHD worker threads)

/// MHD's access handler: called first with the headers, then per body chunk, then once more with
/// nothing left to upload. `conCls` holds a retained `PendingRequest`, released in `completedCallback`.
private let accessCallback: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let uploadDataSize, let conCls else { return MHD_Result.NO }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    guard let existing = conCls.pointee else {
        let pending = PendingRequest(method: method.map { String(cString: $0) } ?? "",
                                     path: url.map { String(cString: $0) } ?? "")
        // Retained for the request's lifetime; balanced by `takeRetainedValue` in completedCallback.
        conCls.pointee = Unmanaged.passRetained(pending).toOpaque()
        context.inFlight.add(1, ordering: .sequentiallyConsistent)
        return context.begin(pending, connection: connection)
    }
    let pending = Unmanaged<PendingRequest>.fromOpaque(existing).takeUnretainedValue()
    if pending.answered { uploadDataSize.pointee = 0; return MHD_Result.YES }
    let size = uploadDataSize.pointee
    if size > 0 {
        if !pending.bodyTooLarge {
            if pending.body.count + size > context.maxBodyBytes {
                pending.bodyTooLarge = true
                pending.body = []
            } else if let uploadData {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                    pending.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                }
            }
        }
        uploadDataSize.pointee = 0
        return MHD_Result.YES
    }
    return context.finish(pending, connection: connection)
}

/// MHD's completion callback: once per request that reached the access handler.
private let completedCallback: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let pending = Unmanaged<PendingRequest>.fromOpaque(raw).takeRetainedValue()
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    context.inFlight.subtract(1, ordering: .sequentiallyConsistent)
    if let status = pending.status { context.observer?(pending.method, pending.path, status) }
}

/// Collects one header or query argument into a `PendingRequest` (passed unretained as `cls`).
private let headerIterator: MHD_KeyValueIterator = { cls, kind, key, value in
    guard let cls, let key else { return MHD_Result.YES }
    let pending = Unmanaged<PendingRequest>.fromOpaque(cls).takeUnretainedValue()
    let name = String(cString: key)
    let text = value.map { String(cString: $0) } ?? ""
    if kind == MHD_ValueKind.HEADER_KIND {
        pending.headers.append((name, text))
    } else {
        pending.query[name] = text
    }
    return MHD_Result.YES
}

/// One request being received. Touched only by the worker thread that owns its connection.
private final class PendingRequest {
    let method: String
    let path: String
    var headers: [(name: String, value: String)] = []
    var query: [String: String] = [:]
    var body: [UInt8] = []
    var bodyTooLarge = false
    var remoteAddress: String?
    /// A response was queued before the body (431, 413, 403).
    var answered = false
    /// The status reported to the observer; nil when no answer was decided.
    var status: Int?

    init(method: String, path: String) {
        self.method = method
        self.path = path
    }
}

/// Everything the callbacks need for one run of the server. Reached from C through `cls`;
/// immutable apart from atomics, so it is `Sendable` for real.
private final class ServerContext: Sendable {
    let handler: HTTPHandler
    let observer: HTTPRequestObserver?
    let maxHeaderBytes: Int
    let maxBodyBytes: Int
    let requireClientCertificate: Bool
    let stopping = Atomic<Bool>(false)
    /// Requests between their first access callback and their completion callback.
    let inFlight = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler, observer: HTTPRequestObserver?) {
        self.handler = handler
        self.observer = observer
        self.maxHeaderBytes = configuration.maxHeaderBytes
        self.maxBodyBytes = configuration.maxBodyBytes
        self.requireClientCertificate = configuration.tls?.clientCAPEM != nil
    }

    /// First call: headers are complete. Rejects early what must be rejected before the body.
    func begin(_ pending: PendingRequest, connection: OpaquePointer) -> MHD_Result {
        let pointer = Unmanaged.passUnretained(pending).toOpaque()
        MHD_get_connection_values(connection, MHD_ValueKind.HEADER_KIND, headerIterator, pointer)
        MHD_get_connection_values(connection, MHD_ValueKind.GET_ARGUMENT_KIND, headerIterator, pointer)
        pending.remoteAddress = gw_mhd_client_addr(connection).flatMap(formatAddress)

        if requireClientCertificate && gw_mhd_client_cert_verified(connection) == 0 {
            return answerEarly(pending, .text(403, "client certificate required\n"), connection)
        }
        let headerBytes = pending.method.utf8.count + pending.path.utf8.count + 12
            + pending.query.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 }
            + pending.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headerBytes > maxHeaderBytes {
            return answerEarly(pending, .text(431, "request header fields too large\n"), connection)
        }
        if let length = pending.headers.first(where: {
            $0.name.caseInsensitiveCompare("Content-Length") == .orderedSame
        })?.value, let declared = Int(length.trimmingCharacters(in: .whitespaces)), declared > maxBodyBytes {
            return answerEarly(pending, .text(413, "request body larger than \(maxBodyBytes) bytes\n"), connection)
        }
        return MHD_Result.YES
    }

    private func answerEarly(_ pending: PendingRequest, _ response: HTTPResponse,
                             _ connection: OpaquePointer) -> MHD_Result {
        pending.answered = true
        pending.status = response.status
        return queue(response, on: connection, closing: true)
    }

    /// Last call: the body is complete. Runs the handler and queues its answer.
    func finish(_ pending: PendingRequest, connection: OpaquePointer) -> MHD_Result {
        pending.answered = true
        if pending.bodyTooLarge {
            pending.status = 413
            return queue(.text(413, "request body larger than \(maxBodyBytes) bytes\n"), on: connection, closing: true)
        }
        let request = HTTPRequest(method: pending.method, path: pending.path, query: pending.query,
                                  headers: pending.headers, body: pending.body,
                                  remoteAddress: pending.remoteAddress)
        pending.body = []
        var response = handler(request)
        if response.action == .drop {
            pending.status = 0
            return MHD_Result.NO  // MHD closes the connection without an answer
        }
        if !(100...999).contains(response.status) {
            response = .text(500, "handler returned invalid status \(response.status)\n")
        }
        pending.status = response.status
        return queue(response, on: connection, closing: stopping.load(ordering: .relaxed))
    }

    /// Copies the response into MHD and queues it; MHD omits the body for HEAD.
    private func queue(_ response: HTTPResponse, on connection: OpaquePointer, closing: Bool) -> MHD_Result {
        let mhdResponse = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                            MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
        }
        guard let mhdResponse else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        for (name, value) in response.headers {
            // MHD sets Content-Length itself and refuses header text with CR or LF.
            if name.caseInsensitiveCompare("Content-Length") == .orderedSame { continue }
            _ = MHD_add_response_header(mhdResponse, name, value)
        }
        if closing { _ = MHD_add_response_header(mhdResponse, "Connection", "close") }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }
}

// MARK: - Sockets

/// A bound, listening, non-blocking TCP socket; owned by `HTTPServer` until MHD takes it.
private struct BoundSocket {
    let fd: Int32
    let address: ListenAddress
    /// The real local address, e.g. "127.0.0.1:43817".
    let description: String

    /// Resolves and binds `address`. `:port` is a dual-stack IPv6 socket, or IPv4 0.0.0.0 when
    /// IPv6 is unavailable; a host name binds its first IPv4 address (else its first address).
    static func listen(on address: ListenAddress) throws(HTTPServerError) -> BoundSocket {
        guard let host = address.host else {
            do throws(HTTPServerError) {
                return try bind(family: AF_INET6, host: "::", address: address, dualStack: true)
            } catch let error {
                if case let .listenFailed(_, _, code, _) = error,
                   code == EAFNOSUPPORT || code == EADDRNOTAVAIL || code == EPROTONOSUPPORT {
                    return try bind(family: AF_INET, host: "0.0.0.0", address: address, dualStack: false)
                }
                throw error
            }
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_ADDRCONFIG
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        if rc != 0 {
            let message = String(cString: gai_strerror(rc))
            throw .invalidAddress(address: address.text, reason: "lookup \(host): \(message)")
        }
        defer { freeaddrinfo(list) }
        var candidates: [(Int32, String)] = []
        var node = list
        while let entry = node {
            if let text = numericHost(entry.pointee.ai_addr, entry.pointee.ai_addrlen) {
                candidates.append((entry.pointee.ai_family, text))
            }
            node = entry.pointee.ai_next
        }
        guard let chosen = candidates.first(where: { $0.0 == AF_INET }) ?? candidates.first else {
            throw .invalidAddress(address: address.text, reason: "lookup \(host): no addresses")
        }
        return try bind(family: chosen.0, host: chosen.1, address: address, dualStack: false)
    }

    private static func bind(family: Int32, host: String, address: ListenAddress,
                             dualStack: Bool) throws(HTTPServerError) -> BoundSocket {
        func failure(_ operation: String) -> HTTPServerError {
            let code = errno
            return .listenFailed(address: address.text, operation: operation, errno: code,
                                 message: String(cString: strerror(code)))
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                        | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw failure("socket") }
        var ok = true
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            var v6only: Int32 = dualStack ? 0 : 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6only, socklen_t(MemoryLayout<Int32>.size))
        }
        var storage = sockaddr_storage()
        let length: socklen_t
        if family == AF_INET6 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = address.port.bigEndian
            ok = inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin6, as: sockaddr_in6.self) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = address.port.bigEndian
            ok = inet_pton(AF_INET, host, &sin.sin_addr) == 1
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin, as: sockaddr_in.self) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        guard ok else {
            close(fd)
            throw .invalidAddress(address: address.text, reason: "address \(host): invalid IP address")
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        if bound != 0 { let error = failure("bind"); close(fd); throw error }
        if Glibc.listen(fd, SOMAXCONN) != 0 { let error = failure("listen"); close(fd); throw error }
        var local = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
        }
        if named != 0 { let error = failure("getsockname"); close(fd); throw error }
        let description = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { formatAddress($0) }
        } ?? "\(host):\(address.port)"
        return BoundSocket(fd: fd, address: address, description: description)
    }
}

/// The numeric host of a socket address, without port or brackets.
private func numericHost(_ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> String? {
    guard let address else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
        return nil
    }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

/// "127.0.0.1:8080" or "[::1]:8080" for an IPv4 or IPv6 socket address.
private func formatAddress(_ address: UnsafePointer<sockaddr>) -> String? {
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
            guard let host = numericHost(address, socklen_t(MemoryLayout<sockaddr_in>.size)) else { return nil }
            return "\(host):\(UInt16(bigEndian: sin.pointee.sin_port))"
        }
    case AF_INET6:
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
            guard let host = numericHost(address, socklen_t(MemoryLayout<sockaddr_in6>.size)) else { return nil }
            return "[\(host)]:\(UInt16(bigEndian: sin6.pointee.sin6_port))"
        }
    default:
        return nil
    }
}
