import Foundation

/// One HTTP request as a plain value: handlers are testable without a socket.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string, percent-decoded.
    public var path: String
    /// Query parameters; the last value wins for a repeated name.
    public var query: [String: String]
    /// Header names as received; use `header(_:)` for case-insensitive lookup.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The peer's address ("127.0.0.1:53122", "[::1]:40000"), when known.
    public var remoteAddress: String?

    public init(method: String, path: String, query: [String: String] = [:],
                headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                remoteAddress: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What a handler answers.
public struct HTTPResponse: Sendable {
    /// What the server does with the connection.
    public enum Action: Sendable {
        /// Send status, headers and body.
        case respond
        /// Close the connection without sending anything (simulated network failure).
        case drop
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var action: Action

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                action: Action = .respond) {
        self.status = status
        self.headers = headers
        self.body = body
        self.action = action
    }

    public init(status: Int, contentType: String, body: String, headers: [(name: String, value: String)] = []) {
        self.init(status: status, headers: [("Content-Type", contentType)] + headers, body: Array(body.utf8))
    }

    public static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: body)
    }

    public static func json(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body, headers: headers)
    }

    public static let dropConnection = HTTPResponse(status: 0, action: .drop)

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A request handler. Called on the server's worker threads, possibly concurrently.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse
