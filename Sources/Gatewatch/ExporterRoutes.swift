import Foundation
import GatewatchCore
import HTTPServer
import Metrics

/// The endpoints of CONTRACT section 2 as a router over the exporter.
struct ExporterRoutes: Sendable {
    let handler: HTTPHandler
    /// Paths counted under their own `handler` label in `gatewatch_http_requests_total`.
    let knownPaths: Set<String>

    init(exporter: Exporter, telemetryPath: String, auth: BasicAuth) {
        var router = Router()
        router.add("GET", telemetryPath) { request in
            Self.metrics(exporter, request)
        }
        router.add("GET", "/") { _ in
            HTTPResponse(status: 200, contentType: "text/html; charset=utf-8",
                         body: IndexPage.render(report: exporter.statusReport(), telemetryPath: telemetryPath))
        }
        router.add("GET", "/-/healthy") { _ in .text(200, "OK\n") }
        router.add("GET", "/-/ready") { _ in
            exporter.isReady ? .text(200, "Ready\n") : .text(503, "Not ready: \(exporter.probes.pendingDescription)\n")
        }
        router.add("POST", "/-/reload") { _ in
            switch exporter.reload() {
            case .success: return .text(200, "config reloaded\n")
            case .failure(let error): return .text(500, "failed to reload config: \(error.description)\n")
            }
        }
        router.add("GET", "/api/v1/status") { request in
            Self.json((try? exporter.statusReport().jsonData()) ?? Data()).compressedIfAccepted(by: request)
        }
        router.add("GET", "/api/v1/failures") { request in
            Self.failures(exporter, request)
        }
        knownPaths = [telemetryPath, "/", "/-/healthy", "/-/ready", "/-/reload", "/api/v1/status", "/api/v1/failures"]
        let routed = router.handler
        handler = { request in
            guard auth.allows(request) else { return BasicAuth.challenge }
            return routed(request)
        }
    }

    /// The exposition. The log checkpoint is taken with delivery paused, so the offsets persisted
    /// are exactly the lines this scrape's counters include.
    static func metrics(_ exporter: Exporter, _ request: HTTPRequest) -> HTTPResponse {
        let format = ExpositionFormat.negotiate(accept: request.header("Accept"))
        let body = exporter.logs.withScrapeCheckpoint { exporter.registry.render(format) }
        return HTTPResponse(status: 200, headers: [("Content-Type", format.contentType)], body: body)
            .compressedIfAccepted(by: request)
    }

    static func json(_ data: Data) -> HTTPResponse {
        guard !data.isEmpty else { return .json(500, #"{"error": "cannot encode the answer"}"#) }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: [UInt8](data))
    }

    static func failures(_ exporter: Exporter, _ request: HTTPRequest) -> HTTPResponse {
        var limit = 100
        if let l = request.query["limit"] {
            guard let n = Int(l), n >= 1 else {
                return .json(400, #"{"error": "limit must be a whole number of at least 1"}"#)
            }
            limit = min(n, 10_000)
        }
        var errorClass: ErrorClass?
        if let c = request.query["class"] {
            guard let parsed = ErrorClass(rawValue: c) else {
                return .json(400, #"{"error": "unknown class; expected one of \#(ErrorClass.allCases.map(\.rawValue).joined(separator: ", "))"}"#)
            }
            errorClass = parsed
        }
        let entries = exporter.recorder.failures.query(limit: limit, region: request.query["region"],
                                                       model: request.query["model"], errorClass: errorClass)
        return Self.json((try? FailureList(failures: entries).jsonData()) ?? Data()).compressedIfAccepted(by: request)
    }
}
