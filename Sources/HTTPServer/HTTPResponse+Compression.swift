import Foundation

extension HTTPResponse {
    /// This response gzip-compressed when the request's `Accept-Encoding` allows gzip (`gzip` or
    /// `x-gzip` with q > 0, or `*` with q > 0 and gzip not refused), with `Content-Encoding: gzip`;
    /// otherwise unchanged. Every response that could have been compressed gets
    /// `Vary: Accept-Encoding`. Empty bodies, drops, 204/304 and already encoded bodies are left alone.
    public func compressedIfAccepted(by request: HTTPRequest) -> HTTPResponse {
        guard action == .respond, !body.isEmpty, status != 204, status != 304,
              header("Content-Encoding") == nil else { return self }
        var response = self
        if let vary = response.header("Vary") {
            if !vary.lowercased().contains("accept-encoding") {
                response.headers.removeAll { $0.name.caseInsensitiveCompare("Vary") == .orderedSame }
                response.headers.append(("Vary", vary + ", Accept-Encoding"))
            }
        } else {
            response.headers.append(("Vary", "Accept-Encoding"))
        }
        guard Self.acceptsGzip(request.header("Accept-Encoding")) else { return response }
        // Level 1, as client_golang's promhttp does: ~3x faster than zlib's default on an
        // exposition, for a body about a fifth larger (`make bench-scrape`).
        response.body = Gzip.compress(body, level: 1)
        response.headers.removeAll { $0.name.caseInsensitiveCompare("Content-Length") == .orderedSame }
        response.headers.append(("Content-Encoding", "gzip"))
        return response
    }

    /// Whether an `Accept-Encoding` value (RFC 9110 §12.5.3) allows gzip.
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var gzipQ: Double?
        var starQ: Double?
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = parts.first?.lowercased(), !coding.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                if pair.count == 2, pair[0].lowercased() == "q" { q = Double(pair[1]) ?? 0 }
            }
            switch coding {
            case "gzip", "x-gzip": gzipQ = max(gzipQ ?? 0, q)
            case "*": starQ = q
            default: break
            }
        }
        if let gzipQ { return gzipQ > 0 }
        if let starQ { return starQ > 0 }
        return false
    }
}
