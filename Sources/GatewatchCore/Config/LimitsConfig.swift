/// `limits:` — caps that keep memory and cardinality bounded.
public struct LimitsConfig: Sendable, Hashable {
    /// Distinct values per label name in each family before folding into `__other__` (default 500).
    public var maxLabelValues: Int
    /// Seconds after which a rate-limit series not refreshed is removed (default 3600).
    public var ratelimitSeriesTTL: Double
    /// How many recent failed requests are kept for `/api/v1/failures` (default 1000).
    public var recentFailures: Int

    public init(maxLabelValues: Int = 500, ratelimitSeriesTTL: Double = 3600, recentFailures: Int = 1000) {
        self.maxLabelValues = maxLabelValues
        self.ratelimitSeriesTTL = ratelimitSeriesTTL
        self.recentFailures = recentFailures
    }
}
