import Foundation
import GatewatchCore

/// The one result type every probe kind returns.
public struct ProbeResult: Sendable {
    public enum Outcome: String, Sendable {
        case success, failure, skipped
    }

    public var probe: String
    public var kind: ProbeKind
    public var target: String
    public var provider: String
    public var region: String
    public var model: String
    /// The URL requested (no credentials: base URLs carry none).
    public var url: String
    public var outcome: Outcome
    /// Why a run was skipped (budget, overrun); nil otherwise.
    public var skipReason: String?
    /// Unix seconds when the run started.
    public var startTime: Double
    /// Seconds, the whole run (0 when skipped).
    public var duration: Double
    public var phases: ProbePhases
    /// nil when no HTTP answer came back (and always for `tls`).
    public var statusCode: Int?
    public var transportFailure: TransportFailure?
    /// The final response's headers, in order.
    public var headers: [HTTPHeader]
    /// The response body, cut at the capture cap.
    public var body: String
    /// The earliest `notAfter` in the served chain (Unix seconds), when a certificate was seen.
    public var certificateExpiry: Double?
    /// The failure's class and reason: from the recorder for request kinds, from the transport
    /// classifier for `tls`; `other/other` for an answer outside `expect_status` the recorder
    /// took for a success. nil on success.
    public var classification: Classification?
    /// The record handed to the recorder; nil for `tls` and skipped runs.
    public var record: RequestRecord?
    /// The run reused a kept-alive connection (only with `reuseConnections`): no certificate seen.
    public var reusedConnection = false

    public var success: Bool { outcome == .success }

    /// `X-RateLimit-*` headers of the answer, in order.
    public var rateLimitHeaders: [HTTPHeader] {
        headers.filter { $0.name.lowercased().hasPrefix("x-ratelimit-") }
    }
}

/// One run of a plan on the loop thread: request, record, classification, result. Shared by the
/// service and `ProbeRunner.runOnce`.
enum ProbeExecution {
    typealias Record = @Sendable (RequestRecord) -> Classification?

    /// Starts the transfer; `completion` runs on the loop thread. Returns the transfer token.
    @discardableResult
    static func start(_ plan: ProbePlan, on loop: CurlLoop, record: @escaping Record, classifyTransport: Record?,
                      completion: @escaping (ProbeResult) -> Void) -> CurlLoopToken {
        let request = plan.request
        let startTime = Date().timeIntervalSince1970
        return loop.start(request) { response in
            completion(result(plan, request: request, response: response, startTime: startTime,
                              record: record, classifyTransport: classifyTransport))
        }
    }

    static func result(_ plan: ProbePlan, request: CurlRequest, response: CurlResponse, startTime: Double,
                       record: Record, classifyTransport: Record?) -> ProbeResult {
        let transport: TransportFailure? = response.code == 0 ? nil
            : .curl(code: response.code, message: response.errorMessage)
        let status: Int? = (transport == nil && response.statusCode > 0) ? response.statusCode : nil
        var result = ProbeResult(
            probe: plan.name, kind: plan.kind, target: plan.target.name, provider: plan.target.provider,
            region: plan.target.region, model: plan.model, url: request.url, outcome: .failure,
            startTime: startTime, duration: response.timings.total, phases: ProbePhases(response.timings),
            statusCode: plan.kind == .tls ? nil : (response.statusCode > 0 ? response.statusCode : nil),
            transportFailure: transport, headers: response.headers,
            body: String(decoding: response.body, as: UTF8.self),
            certificateExpiry: response.certificateExpiries.min())
        result.reusedConnection = response.reusedConnection
        if result.duration <= 0 { result.duration = max(0, Date().timeIntervalSince1970 - startTime) }

        let rec = makeRecord(plan, result: result, statusCode: status)
        if plan.kind == .tls {
            if transport != nil { result.classification = classifyTransport?(rec) }
            result.outcome = transport == nil ? .success : .failure
            return result
        }
        result.record = rec
        let classification = record(rec)
        if transport == nil, let status, plan.accepts(status: status) {
            // http with a chosen expect_status: the status decides (a 401 may be expected).
            result.outcome = (plan.kind == .http || classification == nil) ? .success : .failure
            result.classification = result.outcome == .success ? nil : classification
        } else {
            result.outcome = .failure
            result.classification = classification ?? Classification(.other, "other")
        }
        return result
    }

    /// The request as the recorder sees it (`source="probe"`, origin = probe name).
    static func makeRecord(_ plan: ProbePlan, result: ProbeResult, statusCode: Int?) -> RequestRecord {
        var errorBody: ErrorBody?
        if let statusCode, !(200..<300).contains(statusCode), !result.body.isEmpty {
            let first = result.body.first { !$0.isWhitespace }
            errorBody = (first == "{" || first == "[") ? .json(result.body) : .text(result.body)
        }
        return RequestRecord(provider: plan.target.provider, region: plan.target.region, host: plan.host,
                             model: plan.model, source: .probe, origin: plan.name, statusCode: statusCode,
                             transportFailure: result.transportFailure, startTime: result.startTime,
                             latency: result.duration, requestID: requestID(body: result.body, headers: result.headers),
                             errorBody: errorBody, headers: result.headers)
    }

    /// `request_id` from a JSON body, else an `X-Request-Id`/`Request-Id` header.
    static func requestID(body: String, headers: [HTTPHeader]) -> String? {
        if body.utf8.count > 12, containsRequestIDKey(body), let data = body.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let id = object["request_id"] as? String, !id.isEmpty {
            return id
        }
        return headers.first { ["x-request-id", "request-id"].contains($0.name.lowercased()) }?.value
    }

    /// Whether the text holds `request_id` (a byte search: no Foundation string bridging per probe).
    static func containsRequestIDKey(_ text: String) -> Bool {
        let needle = Array("request_id".utf8)
        var matched = 0
        for byte in text.utf8 {
            if byte == needle[matched] {
                matched += 1
                if matched == needle.count { return true }
            } else {
                matched = byte == needle[0] ? 1 : 0
            }
        }
        return false
    }

    /// A skipped run's result (nothing sent).
    static func skipped(_ plan: ProbePlan, reason: String) -> ProbeResult {
        ProbeResult(probe: plan.name, kind: plan.kind, target: plan.target.name, provider: plan.target.provider,
                    region: plan.target.region, model: plan.model, url: plan.request.url, outcome: .skipped,
                    skipReason: reason, startTime: Date().timeIntervalSince1970, duration: 0, phases: ProbePhases(),
                    statusCode: nil, transportFailure: nil, headers: [], body: "", certificateExpiry: nil)
    }
}
