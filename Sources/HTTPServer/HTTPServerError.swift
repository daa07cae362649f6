/// Why an `HTTPServer` could not start. `description` is one line in Go's `net.Listen` style,
/// e.g. `listen tcp 127.0.0.1:9788: bind: Address already in use`.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address text could not be parsed or resolved.
    case invalidAddress(address: String, reason: String)
    /// A socket call failed: `operation` is `socket`, `bind`, `listen`, ...; `message` is strerror.
    case listenFailed(address: String, operation: String, errno: Int32, message: String)
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// libmicrohttpd refused to start a daemon (bad TLS material, resources).
    case daemonStartFailed(address: String, reason: String)
    /// `start()` was called on a running server.
    case alreadyRunning

    public var description: String {
        switch self {
        case let .invalidAddress(address, reason):
            return "listen tcp \(address): \(reason)"
        case let .listenFailed(address, operation, _, message):
            return "listen tcp \(address): \(operation): \(message)"
        case let .invalidConfiguration(message):
            return "invalid HTTP server configuration: \(message)"
        case let .daemonStartFailed(address, reason):
            return "listen tcp \(address): \(reason)"
        case .alreadyRunning:
            return "HTTP server already running"
        }
    }
}
