/// How an `HTTPServer` listens and what it accepts. A plain value; validated by `HTTPServer.start()`.
public struct HTTPServerConfiguration: Sendable {
    /// Addresses in the Prometheus exporter form: `":9788"` (all interfaces, IPv6 dual-stack with
    /// an IPv4 fallback), `"127.0.0.1:0"` (port 0 picks a free port), `"[::1]:9788"`, `"localhost:9788"`.
    public var listenAddresses: [String]
    /// Worker threads per listener (MHD's thread pool; each runs its own poll() loop).
    public var threads: Int = 4
    /// Open connections per listener; further connections are refused by the server.
    public var connectionLimit: Int = 256
    /// Seconds a connection may stay idle (including half-sent requests) before it is closed.
    public var connectionTimeout: Int = 30
    /// Request line plus header block larger than this is answered 431.
    public var maxHeaderBytes: Int = 8192
    /// Request bodies larger than this are answered 413.
    public var maxBodyBytes: Int = 1 << 20
    /// HTTPS when set.
    public var tls: TLSConfiguration?
    /// Seconds `stop()` waits for in-flight requests before it stops the workers.
    public var shutdownGracePeriod: Double = 5
    /// One thread per connection instead of the pool (`threads` is then ignored): a handler that
    /// blocks (the simulator's slow or hanging upstream) stalls only its own connection, at the
    /// cost of a thread per open connection (up to `connectionLimit`).
    public var threadPerConnection: Bool = false

    public init(listenAddresses: [String], threads: Int = 4, connectionLimit: Int = 256,
                connectionTimeout: Int = 30, maxHeaderBytes: Int = 8192, maxBodyBytes: Int = 1 << 20,
                tls: TLSConfiguration? = nil, shutdownGracePeriod: Double = 5) {
        self.listenAddresses = listenAddresses
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.connectionTimeout = connectionTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.tls = tls
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}

/// HTTPS material, PEM text held in memory (GnuTLS is the backend).
public struct TLSConfiguration: Sendable {
    /// The server certificate chain, PEM.
    public var certificatePEM: String
    /// The server's private key, PEM (unencrypted).
    public var privateKeyPEM: String
    /// When set, clients must present a certificate that chains to one of these CAs (PEM);
    /// a client without one fails the handshake.
    public var clientCAPEM: String?

    public init(certificatePEM: String, privateKeyPEM: String, clientCAPEM: String? = nil) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.clientCAPEM = clientCAPEM
    }
}
