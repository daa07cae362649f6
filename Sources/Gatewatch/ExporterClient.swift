import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches a running exporter's JSON APIs for the `status` and `support-bundle` commands.
public enum ExporterClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// GETs `path` on the exporter at `base` (`http://127.0.0.1:9788`); throws when unreachable
    /// or when the answer is not 200.
    public static func get(base: String, path: String, query: [URLQueryItem] = [],
                           timeout: TimeInterval = 10) async throws -> [UInt8] {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard var components = URLComponents(string: trimmed + path),
              components.scheme == "http" || components.scheme == "https" else {
            throw Failure(description: "invalid --url \(base): expected http://HOST:PORT")
        }
        if !query.isEmpty { components.queryItems = query }
        guard let url = components.url else { throw Failure(description: "invalid --url \(base)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: config)
        defer { session.finishTasksAndInvalidate() }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw Failure(description: "cannot reach the exporter at \(url.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw Failure(description: "\(url.absoluteString) answered HTTP \(status)")
        }
        return [UInt8](data)
    }
}
