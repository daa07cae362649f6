/// A probe (`probes[]`): what to run against which target, and how often.
///
/// Defaults: `interval` 60 s; `timeout` min(interval, 10 s), or min(interval, 30 s) for `chat`;
/// `min_remaining` 1 (skip while the estimated `X-RateLimit-Remaining` is 0, so probes never cause a 429);
/// `method` GET, `path` `/`, no headers, no body and `expect_status` [200] (these five are read
/// only for `http` probes).
public struct ProbeConfig: Sendable, Hashable {
    public static let defaultInterval: Double = 60
    public static let defaultMinRemaining = 1

    /// Unique among probes; the `probe` label.
    public var name: String
    /// The name of a target in `targets`.
    public var target: String
    public var kind: ProbeKind
    /// Seconds between runs; > 0.
    public var interval: Double
    /// Seconds before a run is abandoned; > 0 and <= interval.
    public var timeout: Double
    /// Model id; required for `chat`, allowed for `http`.
    public var model: String?
    /// Skip a run while the target model's estimated remaining requests are below this.
    public var minRemaining: Int
    public var method: String
    /// Request path (and query), starting with `/`, appended to the target's base URL.
    public var path: String
    /// Extra request headers in file order (never `Authorization`: that comes from the target's key).
    public var headers: [HTTPHeader]
    public var body: String?
    /// Status codes that count as success; default [200].
    public var expectStatus: [Int]

    public init(name: String, target: String, kind: ProbeKind,
                interval: Double = ProbeConfig.defaultInterval, timeout: Double? = nil,
                model: String? = nil, minRemaining: Int = ProbeConfig.defaultMinRemaining,
                method: String = "GET", path: String = "/", headers: [HTTPHeader] = [],
                body: String? = nil, expectStatus: [Int] = [200]) {
        self.name = name
        self.target = target
        self.kind = kind
        self.interval = interval
        self.timeout = timeout ?? ProbeConfig.defaultTimeout(kind: kind, interval: interval)
        self.model = model
        self.minRemaining = minRemaining
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
    }

    /// min(interval, cap of the kind); the cap alone when the interval is not positive.
    public static func defaultTimeout(kind: ProbeKind, interval: Double) -> Double {
        interval > 0 ? min(interval, kind.defaultTimeoutCap) : kind.defaultTimeoutCap
    }
}
