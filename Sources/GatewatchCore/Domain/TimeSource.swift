import Foundation
import Synchronization

/// Where domain code reads "now" (unix seconds), so tests can drive time.
public protocol TimeSource: Sendable {
    var now: Double { get }
    /// `now` to within a few milliseconds, for per-record bookkeeping that reads the clock
    /// millions of times a second (a coarse clock read costs a fraction of a precise one).
    var coarseNow: Double { get }
}

extension TimeSource {
    public var coarseNow: Double { now }
}

/// The wall clock.
public struct SystemTimeSource: TimeSource {
    public init() {}
    public var now: Double { Date().timeIntervalSince1970 }

    public var coarseNow: Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A clock that moves only when told to; for tests.
public final class ManualTimeSource: TimeSource {
    private let value: Mutex<Double>
    public init(_ start: Double = 1_795_000_000) { value = Mutex(start) }
    public var now: Double { value.withLock { $0 } }
    public func advance(by seconds: Double) { value.withLock { $0 += seconds } }
    public func set(_ t: Double) { value.withLock { $0 = t } }
}
