/// Routes requests by method and path: exact paths first, then the longest matching prefix
/// (for `/v2/transcript/{id}`). Unknown path: 404. Known path, other method: 405 with `Allow`.
/// HEAD is served by the GET handler; the server never sends a body for HEAD.
/// Built once, then read concurrently from worker threads (a value; no shared state).
public struct Router: Sendable {
    private var exact: [String: [String: HTTPHandler]] = [:]
    /// Sorted longest prefix first.
    private var prefixes: [(prefix: String, handlers: [String: HTTPHandler])] = []

    public init() {}

    /// Serves `method` (upper case, e.g. "GET") on exactly `path`.
    public mutating func add(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        exact[path, default: [:]][method.uppercased()] = handler
    }

    /// Serves `method` on every path that starts with `prefix` and has no exact route.
    public mutating func addPrefix(_ method: String, _ prefix: String, _ handler: @escaping HTTPHandler) {
        if let i = prefixes.firstIndex(where: { $0.prefix == prefix }) {
            prefixes[i].handlers[method.uppercased()] = handler
        } else {
            prefixes.append((prefix, [method.uppercased(): handler]))
            prefixes.sort { $0.prefix.count > $1.prefix.count }
        }
    }

    /// The handlers registered for the request's path, or nil when no route matches.
    private func handlers(for path: String) -> [String: HTTPHandler]? {
        if let handlers = exact[path] { return handlers }
        return prefixes.first { path.hasPrefix($0.prefix) }?.handlers
    }

    /// Whether some route matches `path` (any method).
    public func matches(_ path: String) -> Bool { handlers(for: path) != nil }

    /// Answers the request: the matching handler's response, 404, or 405 with `Allow`.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let handlers = handlers(for: request.path) else {
            return .text(404, "404 page not found\n")
        }
        let method = request.method.uppercased()
        if let handler = handlers[method] { return handler(request) }
        if method == "HEAD", let get = handlers["GET"] { return get(request) }
        var allowed = Set(handlers.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let allow = allowed.sorted().joined(separator: ", ")
        return HTTPResponse(status: 405,
                            contentType: "text/plain; charset=utf-8",
                            body: "method \(request.method) not allowed; allowed: \(allow)\n",
                            headers: [("Allow", allow)])
    }

    /// The router as a handler for `HTTPServer`.
    public var handler: HTTPHandler {
        let router = self
        return { router.handle($0) }
    }
}
