import Foundation

/// Overall or per-item health, ordered ok < warning < critical.
public enum StatusLevel: String, Sendable, Codable, Comparable, CaseIterable {
    case ok
    case warning
    case critical

    private var rank: Int {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .critical: return 2
        }
    }

    public static func < (a: StatusLevel, b: StatusLevel) -> Bool { a.rank < b.rank }

    /// The Nagios plugin exit code of `gatewatch status`: 0 OK, 1 WARNING, 2 CRITICAL.
    public var nagiosExitCode: Int32 { Int32(rank) }
}

/// The `/api/v1/status` answer (CONTRACT section 6). A plain value; `StatusEvaluator` builds it.
/// Encodes to exactly the contract's keys; times are RFC 3339 UTC strings.
public struct StatusReport: Sendable, Equatable, Codable {
    public var status: StatusLevel
    /// Unix seconds; encoded as `generated_at`, RFC 3339 UTC, whole seconds.
    public var generatedAt: Double
    public var regions: [Region]
    public var models: [Model]
    /// Human sentences, one per rule that fired, e.g. `eu: probe llm-eu-chat failing: server/status_503`.
    public var reasons: [String]

    public init(status: StatusLevel, generatedAt: Double, regions: [Region], models: [Model], reasons: [String]) {
        self.status = status
        self.generatedAt = generatedAt
        self.regions = regions
        self.models = models
        self.reasons = reasons
    }

    enum CodingKeys: String, CodingKey {
        case status, regions, models, reasons
        case generatedAt = "generated_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(StatusLevel.self, forKey: .status)
        generatedAt = try StatusReport.decodeTime(c, .generatedAt)
        regions = try c.decode([Region].self, forKey: .regions)
        models = try c.decode([Model].self, forKey: .models)
        reasons = try c.decode([String].self, forKey: .reasons)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(StatusReport.rfc3339(generatedAt), forKey: .generatedAt)
        try c.encode(regions, forKey: .regions)
        try c.encode(models, forKey: .models)
        try c.encode(reasons, forKey: .reasons)
    }

    /// The JSON body of `/api/v1/status` (sorted keys, so equal reports give equal bytes).
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(self)
    }

    // MARK: - RFC 3339 UTC

    /// `2026-11-23T18:00:00Z`, or with `fractionDigits` (1...6) digits of the second
    /// (`2026-11-23T18:00:00.123Z`, truncated, not rounded). Pure arithmetic: no formatter, any thread.
    public static func rfc3339(_ unixSeconds: Double, fractionDigits: Int = 0) -> String {
        guard unixSeconds.isFinite, abs(unixSeconds) < 2.5e11 else { return "1970-01-01T00:00:00Z" }
        let digits = min(max(fractionDigits, 0), 6)
        let scale = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000][digits]
        let ticks = Int64((unixSeconds * Double(scale)).rounded(.down))
        let s = Int64(scale)
        var secs = ticks / s
        var frac = ticks % s
        if frac < 0 { frac += s; secs -= 1 }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var out = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(rem / 3600, 2) + ":" + pad(rem % 3600 / 60, 2) + ":" + pad(rem % 60, 2)
        if digits > 0 { out += "." + pad(frac, digits) }
        return out + "Z"
    }

    /// Parses an RFC 3339 timestamp (any offset, optional fraction) to unix seconds.
    public static func parseRFC3339(_ text: String) -> Double? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d.timeIntervalSince1970 }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)?.timeIntervalSince1970
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func decodeTime<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        let text = try c.decode(String.self, forKey: key)
        guard let t = parseRFC3339(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return t
    }
}

extension StatusReport {
    /// One region of one provider in the status report.
    public struct Region: Sendable, Equatable, Codable {
        public var provider: String
        public var region: String
        /// False when any probe of the region is failing.
        public var up: Bool
        public var probes: [Probe]
        /// errors / requests over the last 5 minutes; 0 when there were no requests.
        public var errorRatio5m: Double
        /// Errors over the last 5 minutes by class; classes with none are left out.
        public var errors5m: [String: Int]
        /// p95 request latency over the last 5 minutes; null when no latency was seen.
        public var latencyP95_5mSeconds: Double?

        public init(provider: String, region: String, up: Bool, probes: [Probe], errorRatio5m: Double,
                    errors5m: [String: Int], latencyP95_5mSeconds: Double?) {
            self.provider = provider
            self.region = region
            self.up = up
            self.probes = probes
            self.errorRatio5m = errorRatio5m
            self.errors5m = errors5m
            self.latencyP95_5mSeconds = latencyP95_5mSeconds
        }

        enum CodingKeys: String, CodingKey {
            case provider, region, up, probes
            case errorRatio5m = "error_ratio_5m"
            case errors5m = "errors_5m"
            case latencyP95_5mSeconds = "latency_p95_5m_seconds"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(provider, forKey: .provider)
            try c.encode(region, forKey: .region)
            try c.encode(up, forKey: .up)
            try c.encode(probes, forKey: .probes)
            try c.encode(errorRatio5m, forKey: .errorRatio5m)
            try c.encode(errors5m, forKey: .errors5m)
            try c.encode(latencyP95_5mSeconds, forKey: .latencyP95_5mSeconds)  // null when unknown
        }
    }

    /// One probe's last result, inside its region: `{"name", "success", "class", "reason"}`
    /// (class and reason null when the probe succeeded or gave no classification).
    public struct Probe: Sendable, Equatable, Codable {
        public var name: String
        public var success: Bool
        public var errorClass: String?
        public var reason: String?

        public init(name: String, success: Bool, errorClass: String?, reason: String?) {
            self.name = name
            self.success = success
            self.errorClass = errorClass
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case name, success, reason
            case errorClass = "class"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(success, forKey: .success)
            try c.encode(errorClass, forKey: .errorClass)
            try c.encode(reason, forKey: .reason)
        }
    }

    /// One model's rate-limit headroom in the status report.
    public struct Model: Sendable, Equatable, Codable {
        public var provider: String
        public var region: String
        public var model: String
        /// The estimate for `generated_at`, 0...1.
        public var headroomRatio: Double
        /// Estimated requests left now (observed remaining minus requests since; the limit once reset).
        public var remaining: Int
        public var limit: Int
        /// When the observed window resets (observation time + `X-RateLimit-Reset`); encoded as `reset_at`, RFC 3339 UTC.
        public var resetAt: Double

        public init(provider: String, region: String, model: String, headroomRatio: Double, remaining: Int, limit: Int, resetAt: Double) {
            self.provider = provider
            self.region = region
            self.model = model
            self.headroomRatio = headroomRatio
            self.remaining = remaining
            self.limit = limit
            self.resetAt = resetAt
        }

        enum CodingKeys: String, CodingKey {
            case provider, region, model, remaining, limit
            case headroomRatio = "headroom_ratio"
            case resetAt = "reset_at"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            provider = try c.decode(String.self, forKey: .provider)
            region = try c.decode(String.self, forKey: .region)
            model = try c.decode(String.self, forKey: .model)
            headroomRatio = try c.decode(Double.self, forKey: .headroomRatio)
            remaining = try c.decode(Int.self, forKey: .remaining)
            limit = try c.decode(Int.self, forKey: .limit)
            resetAt = try StatusReport.decodeTime(c, .resetAt)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(provider, forKey: .provider)
            try c.encode(region, forKey: .region)
            try c.encode(model, forKey: .model)
            try c.encode(headroomRatio, forKey: .headroomRatio)
            try c.encode(remaining, forKey: .remaining)
            try c.encode(limit, forKey: .limit)
            try c.encode(StatusReport.rfc3339(resetAt), forKey: .resetAt)
        }
    }
}
