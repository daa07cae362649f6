import Foundation

/// Where a request was observed.
public enum RecordSource: String, Sendable, CaseIterable {
    case probe
    case log
}

/// The closed list of error classes of CONTRACT section 4.
public enum ErrorClass: String, Sendable, CaseIterable, Hashable {
    case auth
    case badRequest = "bad_request"
    case billing
    case notFound = "not_found"
    case rateLimited = "rate_limited"
    case server
    case processing
    case timeout
    case network
    case tls
    case other
}

/// Exactly one (class, reason) for a failed request; `reason` is one of the closed list of its class.
public struct Classification: Sendable, Hashable, CustomStringConvertible {
    public var errorClass: ErrorClass
    public var reason: String

    public init(_ errorClass: ErrorClass, _ reason: String) {
        self.errorClass = errorClass
        self.reason = reason
    }

    /// `class/reason`, as status reasons print it.
    public var description: String { "\(errorClass.rawValue)/\(reason)" }
}

/// The body of a failed answer, as the source had it.
public enum ErrorBody: Sendable, Hashable {
    /// JSON text exactly as received or logged (an object, usually).
    case json(String)
    /// A plain-text or HTML body, or a log line's `error` string.
    case text(String)

    /// The text of the body, whatever its form.
    public var text: String {
        switch self {
        case .json(let s), .text(let s): return s
        }
    }
}

/// A chat completion's `finish_reason`: the two common ones without a String (a log's lines
/// mostly say one of them), any other as its text.
public enum FinishReason: Sendable, Hashable {
    case stop
    /// Cut at `max_tokens` (`gatewatch_requests_truncated_total`).
    case length
    case other(String)

    public init(_ text: String) {
        switch text {
        case "stop": self = .stop
        case "length": self = .length
        default: self = .other(text)
        }
    }

    public var text: String {
        switch self {
        case .stop: return "stop"
        case .length: return "length"
        case .other(let text): return text
        }
    }
}

/// Why no HTTP answer came back.
public enum TransportFailure: Sendable, Hashable {
    /// A libcurl error code (CURLcode) and its message, from a probe.
    case curl(code: Int, message: String)
    /// An error string as a client wrote it to a log (curl, requests, httpx, Node, Go, Java...).
    case message(String)
}

/// One response header as received; names compare case-insensitively where it matters.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Response headers a source keeps in its own form until they are read (a log decoder keeps the
/// line's raw `headers` object: on the ingestion path nothing reads them, so building a
/// `[HTTPHeader]` per line would be wasted). `materialize()` must return the same headers each
/// time.
protocol DeferredHeaders: Sendable {
    func materialize() -> [HTTPHeader]
    /// A form that owns its storage; one that borrows its source's buffer copies it here
    /// (see `RequestRecord.owned()`).
    func owned() -> any DeferredHeaders
}

extension DeferredHeaders {
    func owned() -> any DeferredHeaders { self }
}

/// Valid UTF-8 bytes a record borrows from its source's buffer instead of holding a String
/// (a log decoder's request id and `headers` text, see `RequestRecord`'s log-decoder
/// initializer). Valid only while that buffer is.
public struct BorrowedBytes: @unchecked Sendable {
    public let base: UnsafePointer<UInt8>
    public let count: Int

    public init(_ base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    public var string: String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}

/// The `X-RateLimit-*` headers of one answer (CONTRACT section 3, seeds 003).
public struct RateLimitHeaders: Sendable, Hashable {
    public var limit: Int
    public var remaining: Int
    /// Seconds until the window resets, as sent.
    public var resetSeconds: Double
    /// `X-RateLimit-Model`, which overrides the request's model when present.
    public var model: String?
    public var service: String?

    public init(limit: Int, remaining: Int, resetSeconds: Double, model: String? = nil, service: String? = nil) {
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.model = model
        self.service = service
    }

    /// Reads the headers case-insensitively; nil unless Limit, Remaining and Reset are all present and numeric.
    public init?(headers: [HTTPHeader]) {
        var limit: Int?, remaining: Int?, reset: Double?, model: String?, service: String?
        for h in headers {
            let n = h.name.lowercased()
            guard n.hasPrefix("x-ratelimit-") else { continue }
            let v = h.value.trimmingCharacters(in: .whitespaces)
            switch n {
            case "x-ratelimit-limit": limit = Int(v) ?? Double(v).map { Int($0) }
            case "x-ratelimit-remaining": remaining = Int(v) ?? Double(v).map { Int($0) }
            case "x-ratelimit-reset": reset = Double(v)
            case "x-ratelimit-model": model = v.isEmpty ? nil : v
            case "x-ratelimit-service": service = v.isEmpty ? nil : v
            default: break
            }
        }
        guard let limit, let remaining, let reset, limit >= 0, reset >= 0, reset.isFinite else { return nil }
        self.init(limit: limit, remaining: remaining, resetSeconds: reset, model: model, service: service)
    }
}

/// Where a request went and who saw it: the labels its series are keyed by (provider, region,
/// model), with its host and origin. Immutable and shared by reference: a log decoder hands
/// the same object to every record of one (provider, region, model, host), so copying a record
/// costs one reference, and the Recorder finds the record's series by the object's identity.
public final class RecordLabels: Sendable {
    public let provider: String
    public let region: String
    public let host: String?
    /// Model id; empty when the request has none.
    public let model: String
    /// The log source's config name (source == .log) or the probe's name (source == .probe).
    public let origin: String?

    public init(provider: String, region: String, host: String? = nil, model: String = "", origin: String? = nil) {
        self.provider = provider
        self.region = region
        self.host = host
        self.model = model
        self.origin = origin
    }
}

/// Parses response-header text a source keeps in its own form (a log line's `headers`
/// object) into headers: what `RequestRecord`'s log-decoder initializer keeps beside the bytes.
/// A type, not a value: the record keeps only its metatype (nothing to retain or release).
public protocol HeaderTextParser: SendableMetatype {
    /// The headers of `bytes` (the same ones each time for the same bytes).
    static func headers(_ bytes: UnsafeBufferPointer<UInt8>) -> [HTTPHeader]
}

/// A kept record's deferred header text, as a String (see `RequestRecord.owned()`).
struct OwnedHeaderText: DeferredHeaders {
    let text: String
    let parser: any HeaderTextParser.Type

    func materialize() -> [HTTPHeader] {
        var copy = text
        return copy.withUTF8 { parser.headers($0) }
    }
}

/// One observed upstream request, whatever its source (probe or log line).
/// A plain value: sources build it, the Recorder consumes it.
public struct RequestRecord: Sendable {
    /// Provider, region, host, model and origin, shared (see `RecordLabels`); the properties
    /// below read and replace them one at a time.
    public var labels: RecordLabels
    public var provider: String {
        get { labels.provider }
        set { labels = RecordLabels(provider: newValue, region: region, host: host, model: model, origin: origin) }
    }
    public var region: String {
        get { labels.region }
        set { labels = RecordLabels(provider: provider, region: newValue, host: host, model: model, origin: origin) }
    }
    public var host: String? {
        get { labels.host }
        set { labels = RecordLabels(provider: provider, region: region, host: newValue, model: model, origin: origin) }
    }
    /// Model id; empty when the request has none.
    public var model: String {
        get { labels.model }
        set { labels = RecordLabels(provider: provider, region: region, host: host, model: newValue, origin: origin) }
    }
    public var source: RecordSource
    /// The log source's config name (source == .log) or the probe's name (source == .probe).
    public var origin: String? {
        get { labels.origin }
        set { labels = RecordLabels(provider: provider, region: region, host: host, model: model, origin: newValue) }
    }
    /// HTTP status; nil when no response came back (see `transportFailure`).
    public var statusCode: Int?
    public var transportFailure: TransportFailure?
    /// Unix seconds when the request was sent.
    public var startTime: Double
    /// Seconds; nil when unknown.
    public var latency: Double?
    public var requestID: String? {
        get {
            switch requestIDStorage {
            case .none: return nil
            case .string(let id): return id
            case .borrowed(let bytes): return bytes.string
            }
        }
        set { requestIDStorage = newValue.map { .string($0) } ?? .none }
    }
    private var requestIDStorage: RequestIDStorage
    public var errorBody: ErrorBody?
    /// The response headers as received. A log decoder's record keeps the line's header text
    /// instead; reading builds them then (each read: keep the result when reading it more than
    /// once).
    public var headers: [HTTPHeader] {
        get {
            switch headerStorage {
            case .list(let list): return list
            case .deferred(let deferred): return deferred.materialize()
            case .borrowed(let bytes, let parser):
                return parser.headers(UnsafeBufferPointer(start: bytes.base, count: bytes.count))
            }
        }
        set { headerStorage = .list(newValue) }
    }
    private var headerStorage: HeaderStorage
    // Spelled `Optional<...>`: no implicit `= nil` to assign over in the initializers (an
    // assignment there went through the generic value witness).
    public var rateLimit: Optional<RateLimitHeaders>
    /// A chat completion's `finish_reason` as `finish` says it.
    public var finishReason: String? {
        get { finish?.text }
        set { finish = newValue.map(FinishReason.init) }
    }
    public var finish: Optional<FinishReason>

    public init(provider: String, region: String, host: String? = nil, model: String = "",
                source: RecordSource, origin: String? = nil,
                statusCode: Int? = nil, transportFailure: TransportFailure? = nil,
                startTime: Double, latency: Double? = nil, requestID: String? = nil,
                errorBody: ErrorBody? = nil, headers: [HTTPHeader] = [],
                rateLimit: RateLimitHeaders? = nil, finishReason: String? = nil) {
        self.init(labels: RecordLabels(provider: provider, region: region, host: host, model: model, origin: origin),
                  source: source, statusCode: statusCode, transportFailure: transportFailure, startTime: startTime,
                  latency: latency, requestID: requestID, errorBody: errorBody, headers: headers,
                  rateLimit: rateLimit, finishReason: finishReason)
    }

    /// A record with shared labels (see `RecordLabels`).
    public init(labels: RecordLabels, source: RecordSource,
                statusCode: Int? = nil, transportFailure: TransportFailure? = nil,
                startTime: Double, latency: Double? = nil, requestID: String? = nil,
                errorBody: ErrorBody? = nil, headers: [HTTPHeader] = [],
                rateLimit: RateLimitHeaders? = nil, finishReason: String? = nil) {
        self.labels = labels
        self.source = source
        self.statusCode = statusCode
        self.transportFailure = transportFailure
        self.startTime = startTime
        self.latency = latency
        self.requestIDStorage = requestID.map { .string($0) } ?? .none
        self.errorBody = errorBody
        self.headerStorage = .list(headers)
        self.rateLimit = rateLimit ?? RateLimitHeaders(headers: headers)
        self.finish = finishReason.map(FinishReason.init)
    }

    /// A log decoder's record, in one call. The request id (`requestID`, or
    /// `borrowedRequestID`: bytes of the source's buffer, never made a String here, since most
    /// are never read) and the headers' text (`borrowedHeaders`, bytes of that buffer, read by
    /// `parser` on each read of `headers`; none when nil) borrow the buffer: the record is valid
    /// only during the call that hands it over, and whoever keeps it keeps `owned()`. Reading
    /// `requestID` makes the String each time. `rateLimit` is as given: the source reads it
    /// from the same headers.
    public init(labels: RecordLabels, source: RecordSource, statusCode: Int?, transportFailure: TransportFailure?,
                startTime: Double, latency: Double?, requestID: String?, borrowedRequestID: BorrowedBytes?,
                errorBody: ErrorBody?, borrowedHeaders: BorrowedBytes?, parser: any HeaderTextParser.Type,
                rateLimit: RateLimitHeaders?, finish: FinishReason?) {
        self.labels = labels
        self.source = source
        self.statusCode = statusCode
        self.transportFailure = transportFailure
        self.startTime = startTime
        self.latency = latency
        if let borrowedRequestID {
            requestIDStorage = .borrowed(borrowedRequestID)
        } else if let requestID {
            requestIDStorage = .string(requestID)
        } else {
            requestIDStorage = .none
        }
        self.errorBody = errorBody
        if let borrowedHeaders {
            headerStorage = .borrowed(borrowedHeaders, parser)
        } else {
            headerStorage = .list([])
        }
        self.rateLimit = rateLimit
        self.finish = finish
    }

    /// Lends the request id's UTF-8 bytes to `body` (nil without one) without making a String
    /// of bytes the record borrows (see the log-decoder initializer): for a consumer that
    /// copies them into storage of its own. The bytes are valid only during the call.
    @inline(__always)
    public func withRequestIDUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch requestIDStorage {
        case .none: return body(nil)
        case .borrowed(let bytes): return body(UnsafeBufferPointer(start: bytes.base, count: bytes.count))
        case .string(let id):
            var id = id
            return id.withUTF8 { body($0) }
        }
    }

    /// The record with nothing borrowed: what a consumer keeps beyond the call that handed the
    /// record over (see the log-decoder initializer, `DeferredHeaders.owned()`).
    public func owned() -> RequestRecord {
        var copy = self
        if case .borrowed(let bytes) = requestIDStorage {
            copy.requestIDStorage = .string(bytes.string)
        }
        switch headerStorage {
        case .list: break
        case .deferred(let deferred): copy.headerStorage = .deferred(deferred.owned())
        case .borrowed(let bytes, let parser): copy.headerStorage = .deferred(OwnedHeaderText(text: bytes.string, parser: parser))
        }
        return copy
    }

    private enum HeaderStorage: Sendable {
        case list([HTTPHeader])
        case deferred(any DeferredHeaders)
        case borrowed(BorrowedBytes, any HeaderTextParser.Type)
    }

    private enum RequestIDStorage: Sendable {
        case none
        case string(String)
        case borrowed(BorrowedBytes)
    }

    /// The `code` label: the status as a string, or "none" when no response came back.
    public var codeLabel: String {
        if let s = statusCode, s > 0 { return String(s) }
        return "none"
    }
}
