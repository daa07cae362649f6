/// When a probe runs: run `k` is due at `anchor + offset + k * interval` on the monotonic clock.
/// Computed from `k`, never accumulated, so there is no drift; the offset is stable per probe name
/// (FNV-1a of the name, spread over `min(interval, spread)`), so probes added together do not
/// all fire at once. Pure value; the service keeps one per probe.
struct ProbeSchedule: Sendable, Equatable {
    /// Start of the grid (monotonic seconds).
    let anchor: Double
    let interval: Double
    let offset: Double

    init(anchor: Double, interval: Double, name: String, spread: Double) {
        self.anchor = anchor
        self.interval = interval
        self.offset = ProbeSchedule.offset(name: name, interval: interval, spread: spread)
    }

    func due(_ k: Int) -> Double { anchor + offset + Double(k) * interval }

    /// The first run index due strictly after `now` (at least `after + 1`).
    func nextIndex(after k: Int, now: Double) -> Int {
        let next = k + 1
        guard due(next) <= now, interval > 0 else { return next }
        let passed = Int(((now - anchor - offset) / interval).rounded(.down))
        return max(next, passed + 1)
    }

    /// How late a start at `now` is before it counts as late: a quarter of the interval, at most 0.5 s.
    var lateThreshold: Double { min(0.5, interval / 4) }

    /// A fraction of `min(interval, spread)` derived from the name; the same name gives the same offset.
    static func offset(name: String, interval: Double, spread: Double) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let fraction = Double(hash % 10_000) / 10_000
        return fraction * max(0, min(interval, spread))
    }
}

/// How a probe kept its schedule since it was added (for tests, benchmarks and debugging).
public struct ProbeRunStats: Sendable, Equatable {
    /// Runs started (successes and failures).
    public var started = 0
    /// Runs that completed.
    public var completed = 0
    /// Runs started later than the late threshold after their due time.
    public var late = 0
    /// The worst lateness seen, seconds.
    public var maxLateness = 0.0
    /// Runs skipped because the previous one was still in flight.
    public var overruns = 0
    /// Due times passed without a run because the loop fell more than an interval behind.
    public var missed = 0
    /// Runs skipped by the budget.
    public var budgetSkips = 0

    public init() {}
}
