import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The simulated APIs, as a scenario's `endpoint:` names them.
public enum SimEndpoint: String, Sendable, CaseIterable {
    /// LLM Gateway `POST /v1/chat/completions`.
    case chat
    /// Speech API, every `/v2/...` path.
    case transcript
    /// The OpenAI-compatible provider (LLMAI), every path under its prefix.
    case llmai
}

/// A named upstream error whose body depends on the endpoint (scenario `error:`).
public enum SeedError: String, Sendable, CaseIterable {
    case auth                      // 401
    case forbidden                 // 403 with the auth message
    case rateLimited = "rate_limited"            // 429
    case tooManyRequests = "too_many_requests"   // 403 "Too many requests" (speech API)
    case insufficientFunds = "insufficient_funds" // speech 400, LLMAI 402
    case serverError = "server_error"            // 500 unless `status:` says 502/503/504
    case transcriptNotFound = "transcript_not_found"
    case unsupportedSubtitleFormat = "unsupported_subtitle_format" // HTML "404: Not Found"
    case emptyUpload = "empty_upload"            // 422 plain text

    /// The status used when the fault gives none.
    public func defaultStatus(for endpoint: SimEndpoint) -> Int {
        switch self {
        case .auth: return 401
        case .forbidden, .tooManyRequests: return 403
        case .rateLimited: return 429
        case .insufficientFunds: return endpoint == .llmai ? 402 : 400
        case .serverError: return 500
        case .transcriptNotFound: return endpoint == .chat ? 404 : 400
        case .unsupportedSubtitleFormat: return 404
        case .emptyUpload: return 422
        }
    }

    /// The seed error a bare `status:` stands for, when there is one.
    public static func forStatus(_ status: Int) -> SeedError? {
        switch status {
        case 401: return .auth
        case 402: return .insufficientFunds
        case 403: return .forbidden
        case 429: return .rateLimited
        case 500...599: return .serverError
        default: return nil
        }
    }
}

/// How long an added delay is.
public enum LatencyDistribution: Sendable, Equatable {
    case fixed(Double)
    case uniform(min: Double, max: Double)
    /// Log-normal with the given median and 99th percentile (seconds); samples are capped at 10 × p99.
    case logNormal(median: Double, p99: Double)

    /// One delay in seconds.
    public func sample() -> Double {
        switch self {
        case .fixed(let s): return s
        case .uniform(let lo, let hi): return lo + Double.random(in: 0...1) * (hi - lo)
        case .logNormal(let median, let p99):
            let sigma = p99 > median ? log(p99 / median) / 2.326 : 0
            let u1 = Double.random(in: Double.ulpOfOne..<1), u2 = Double.random(in: 0..<1)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return min(median * exp(sigma * z), 10 * p99)
        }
    }
}

/// What a fault does to a matching request.
public enum FaultKind: Sendable, Equatable {
    /// Answer with this status; the body is the seed's for `error` (per endpoint) or `body` verbatim
    /// (`{request_id}` replaced).
    case status(Int, error: SeedError?, body: String?)
    /// Wait before answering normally.
    case latency(LatencyDistribution)
    /// Hold the request without answering for this many seconds (nil: the simulator's
    /// `hangSeconds`), then drop the connection.
    case hang(Double?)
    /// Close the connection without an answer.
    case drop
    /// Lower the per-window limit to this value.
    case rateLimit(Int)
    /// Transcripts submitted meanwhile end in `status: error` with this message.
    case processingError(ProcessingFailure)
}

/// One scheduled fault.
public struct Fault: Sendable, Equatable {
    /// Seconds after the scenario starts (or its loop restarts).
    public var after: Double = 0
    /// Seconds it lasts; nil: until the end (of the loop period, when looping).
    public var duration: Double?
    public var region: SimRegion?
    /// A shell-style glob (`*`, `?`, `[...]`) over the model id; nil: every request.
    public var model: String?
    public var endpoint: SimEndpoint?
    /// Fraction of matching requests affected, 0...1.
    public var probability: Double = 1
    public var kind: FaultKind

    public init(after: Double = 0, duration: Double? = nil, region: SimRegion? = nil, model: String? = nil,
                endpoint: SimEndpoint? = nil, probability: Double = 1, kind: FaultKind) {
        self.after = after
        self.duration = duration
        self.region = region
        self.model = model
        self.endpoint = endpoint
        self.probability = probability
        self.kind = kind
    }

    /// Whether the fault is scheduled at `t` seconds into the (loop of the) scenario.
    func active(at t: Double) -> Bool {
        t >= after && (duration.map { t < after + $0 } ?? true)
    }

    func matches(region: SimRegion, endpoint: SimEndpoint, model: String) -> Bool {
        if let r = self.region, r != region { return false }
        if let e = self.endpoint, e != endpoint { return false }
        if let glob = self.model, fnmatch(glob, model, 0) != 0 { return false }
        return true
    }
}

/// A schedule of faults over time, from a YAML file (see `ScenarioLoader`).
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// Start again after `period` seconds.
    public var loop: Bool
    /// The loop length; default: the end of the last fault that ends.
    public var period: Double?
    public var faults: [Fault]

    public init(name: String, description: String? = nil, loop: Bool = false, period: Double? = nil,
                faults: [Fault]) {
        self.name = name
        self.description = description
        self.loop = loop
        self.period = period
        self.faults = faults
    }

    /// The loop length in effect.
    public var effectivePeriod: Double? {
        guard loop else { return nil }
        if let period { return period }
        let ends = faults.compactMap { f in f.duration.map { f.after + $0 } }
        return ends.max().flatMap { $0 > 0 ? $0 : nil }
    }

    /// The faults that apply to a request `elapsed` seconds after the scenario started.
    public func faults(elapsed: Double, region: SimRegion, endpoint: SimEndpoint, model: String) -> [Fault] {
        var t = elapsed
        if let p = effectivePeriod, p > 0 { t = elapsed.truncatingRemainder(dividingBy: p) }
        return faults.filter { f in
            f.active(at: t) && f.matches(region: region, endpoint: endpoint, model: model)
                && (f.probability >= 1 || Double.random(in: 0..<1) < f.probability)
        }
    }
}

/// The combined effect of the faults that apply to one request.
struct FaultPlan: Sendable {
    var delay: Double = 0
    /// The first status, hang or drop fault.
    var terminal: FaultKind?
    var rateLimit: Int?
    var processingError: ProcessingFailure?

    init(_ faults: [Fault]) {
        for f in faults {
            switch f.kind {
            case .latency(let d): delay += max(0, d.sample())
            case .rateLimit(let n): rateLimit = min(rateLimit ?? n, n)
            case .processingError(let p): processingError = processingError ?? p
            case .status, .hang, .drop: if terminal == nil { terminal = f.kind }
            }
        }
    }
}
