/// The JSON keys a log source's lines use (`logs[].fields`), defaults as in CONTRACT section 6.
/// `duration_seconds`, `finish_reason`, `provider` and `url` are remappable too (gatewatch extension).
public struct LogFieldNames: Sendable, Hashable {
    public var timestamp: String
    public var region: String
    public var model: String
    public var status: String
    public var requestID: String
    public var error: String
    public var latencyMs: String
    public var headers: String
    public var durationSeconds: String
    public var finishReason: String
    public var provider: String
    public var url: String

    public init(timestamp: String = "timestamp", region: String = "region", model: String = "model",
                status: String = "status_code", requestID: String = "request_id", error: String = "error",
                latencyMs: String = "latency_ms", headers: String = "headers",
                durationSeconds: String = "duration_seconds", finishReason: String = "finish_reason",
                provider: String = "provider", url: String = "url") {
        self.timestamp = timestamp
        self.region = region
        self.model = model
        self.status = status
        self.requestID = requestID
        self.error = error
        self.latencyMs = latencyMs
        self.headers = headers
        self.durationSeconds = durationSeconds
        self.finishReason = finishReason
        self.provider = provider
        self.url = url
    }

    /// (config key, JSON key) for every field, in the order the config lists them.
    public var all: [(key: String, value: String)] {
        [("timestamp", timestamp), ("region", region), ("model", model), ("status", status),
         ("request_id", requestID), ("error", error), ("latency_ms", latencyMs), ("headers", headers),
         ("duration_seconds", durationSeconds), ("finish_reason", finishReason),
         ("provider", provider), ("url", url)]
    }

    /// The config keys of `fields:`.
    static let keys = LogFieldNames().all.map(\.key)

    /// Sets the field whose config key is `key`; false for an unknown key.
    mutating func set(_ key: String, to value: String) -> Bool {
        switch key {
        case "timestamp": timestamp = value
        case "region": region = value
        case "model": model = value
        case "status": status = value
        case "request_id": requestID = value
        case "error": error = value
        case "latency_ms": latencyMs = value
        case "headers": headers = value
        case "duration_seconds": durationSeconds = value
        case "finish_reason": finishReason = value
        case "provider": provider = value
        case "url": url = value
        default: return false
        }
        return true
    }
}
