import Foundation
import Synchronization

/// A (provider, region) pair, the unit the status report judges.
public struct StatusRegionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var provider: String
    public var region: String

    public init(provider: String, region: String) {
        self.provider = provider
        self.region = region
    }

    public static func < (a: StatusRegionKey, b: StatusRegionKey) -> Bool { (a.provider, a.region) < (b.provider, b.region) }

    public var description: String { "\(provider)/\(region)" }
}

/// The totals of one window: requests, errors (by class) and a latency histogram.
public struct StatusWindowStats: Sendable, Equatable {
    public var requests: Int
    public var errors: Int
    /// Errors by class; classes with none are absent.
    public var errorsByClass: [ErrorClass: Int]
    /// Latency observations per `StatusWindows.latencyBounds` bucket (last = overflow).
    public var latencyCounts: [Int]

    public init(requests: Int = 0, errors: Int = 0, errorsByClass: [ErrorClass: Int] = [:], latencyCounts: [Int] = []) {
        self.requests = requests
        self.errors = errors
        self.errorsByClass = errorsByClass
        self.latencyCounts = latencyCounts
    }

    /// Adds another window's totals to this one.
    public mutating func add(_ other: StatusWindowStats) {
        requests += other.requests
        errors += other.errors
        for (c, n) in other.errorsByClass { errorsByClass[c, default: 0] += n }
        if latencyCounts.count < other.latencyCounts.count {
            latencyCounts += Array(repeating: 0, count: other.latencyCounts.count - latencyCounts.count)
        }
        for (i, n) in other.latencyCounts.enumerated() { latencyCounts[i] += n }
    }

    /// errors / requests; 0 when there were no requests.
    public var errorRatio: Double { requests > 0 ? Double(errors) / Double(requests) : 0 }

    /// Latencies observed.
    public var latencyCount: Int { latencyCounts.reduce(0, +) }

    /// The q-quantile (0...1) of latency, interpolated linearly inside its bucket as Prometheus'
    /// `histogram_quantile` does; within 10 % of the true value between 10 ms and 10 min.
    /// nil when no latency was observed.
    public func latencyQuantile(_ q: Double) -> Double? {
        let total = latencyCount
        guard total > 0 else { return nil }
        let bounds = StatusWindows.latencyBounds
        let rank = min(max(q, 0), 1) * Double(total)
        var below = 0
        for (i, n) in latencyCounts.enumerated() where n > 0 {
            if Double(below + n) >= rank {
                if i >= bounds.count { return bounds[bounds.count - 1] }  // overflow: the top bound
                let lower = i == 0 ? 0 : bounds[i - 1]
                let upper = bounds[i]
                let within = max(0, rank - Double(below)) / Double(n)
                return lower + (upper - lower) * within
            }
            below += n
        }
        return bounds[bounds.count - 1]
    }

    /// p95 latency in seconds; nil when no latency was observed.
    public var latencyP95: Double? { latencyQuantile(0.95) }
}

/// What `StatusWindows.snapshot` returns: the trailing window per region and per model.
public struct StatusWindowsSnapshot: Sendable, Equatable {
    public var regions: [StatusRegionKey: StatusWindowStats]
    public var models: [HeadroomKey: StatusWindowStats]

    public init(regions: [StatusRegionKey: StatusWindowStats] = [:], models: [HeadroomKey: StatusWindowStats] = [:]) {
        self.regions = regions
        self.models = models
    }
}

/// Sliding 5-minute windows of requests, errors by class and latency, per (provider, region)
/// and per (provider, region, model), for the status report.
///
/// Time is cut into `bucketSeconds` buckets (default 10 s, aligned to the epoch); a window read
/// at `t` covers the `window / bucketSeconds` buckets up to and including the one holding `t`,
/// so it spans the last `window - bucketSeconds` to `window` seconds (290-300 s by default). A record counts at its `startTime`, clamped to now; records older than the
/// window are not counted. Latency goes into a log-spaced histogram (10 % wide buckets from
/// 10 ms to 10 min), so a quantile is within 10 % of the true value in that range.
///
/// Only per-model series are stored; a region's window is the sum of its models' (exact: the
/// counts and histograms add up), so `record` does one dictionary update.
///
/// Thread-safe: any thread may call `record` (one `Mutex`, one dictionary lookup, none through
/// a `Slot`; no allocation after a key's first record) or `snapshot`.
public final class StatusWindows: Sendable {
    /// Upper bounds (seconds) of the latency buckets: 0.01 × 1.1^i up to 600 s; one more
    /// bucket counts everything above.
    public static let latencyBounds: [Double] = {
        var b: [Double] = []
        var v = 0.01
        while v < 600 { b.append(v); v *= 1.1 }
        b.append(600)
        return b
    }()
    static let latencyBucketCount = latencyBounds.count + 1
    /// `ErrorClass.allCases.count`, computed once (`allCases` builds an array on each use).
    static let classCount = ErrorClass.allCases.count

    /// Past `maxKeys` models, a new model's records go to (provider, region, `__other__`); past
    /// `maxKeys + maxKeys / 10 + 1` keys, to this key, whose region is `overflowRegion`.
    public static let overflowModel = HeadroomKey(provider: "__other__", region: "__other__", model: "__other__")
    public static let overflowRegion = StatusRegionKey(provider: "__other__", region: "__other__")
    public static let otherModel = "__other__"

    public let window: Double
    public let bucketSeconds: Double
    /// Model keys held (a key costs about 16 KiB); see `overflowModel`.
    public let maxKeys: Int
    private let bucketCount: Int
    let time: any TimeSource
    private let state: Mutex<State>

    /// - Parameters:
    ///   - window: seconds the windows cover (300 for the contract's `_5m` fields).
    ///   - bucketSeconds: the slide step; `window` is rounded up to a whole number of buckets.
    ///   - maxKeys: the most (provider, region, model) keys held with their own series.
    public init(time: any TimeSource, window: Double = 300, bucketSeconds: Double = 10, maxKeys: Int = 1000) {
        self.time = time
        self.isSystemClock = time is SystemTimeSource
        self.maxKeys = max(1, maxKeys)
        self.window = window
        self.bucketSeconds = max(bucketSeconds, 0.001)
        self.bucketCount = max(1, Int((window / max(bucketSeconds, 0.001)).rounded(.up)))
        self.state = Mutex(State())
    }

    /// The windows' clock, coarse (see `TimeSource.coarseNow`); read here, the clock is not
    /// copied out of its existential box, and the wall clock (`serve`, `replay`) is called
    /// directly rather than through the box (the recorder reads it per record).
    var coarseNow: Double { isSystemClock ? SystemTimeSource().coarseNow : time.coarseNow }
    /// Whether `time` is the wall clock.
    private let isSystemClock: Bool

    /// Counts one request; `classification` is nil for a success.
    public func record(record: RequestRecord, classification: Classification?) {
        guard let sample = sample(record, classification, now: time.coarseNow) else { return }
        let key = HeadroomKey(provider: record.provider, region: record.region, model: record.model)
        let n = bucketCount
        let cap = maxKeys
        state.withLock { s in s.series(for: key, buckets: n, cap: cap).series.add(sample) }
    }

    /// A (provider, region, model) key's series, remembered between records by a caller that
    /// sees the key often (the recorder keeps one per series key), so recording skips hashing
    /// the key. Only touched under the windows' lock.
    final class Slot: @unchecked Sendable {
        let key: HeadroomKey
        fileprivate var series: Series?
        fileprivate var generation: UInt64 = 0
        /// Whether `series` is another key's (`__other__`): its records count as folded.
        fileprivate var folded = false

        init(key: HeadroomKey) {
            self.key = key
        }
    }

    /// `record(record:classification:)` with the clock read by the caller (`time.coarseNow`)
    /// and the record's key resolved through `slot` (whose key is the record's). The window
    /// test is inlined into the caller; a record inside the window is added out of line.
    @inline(__always)
    func record(slot: Slot, record: RequestRecord, classification: Classification?, now: Double) {
        guard let sample = sample(record, classification, now: now) else { return }
        add(sample, slot: slot)
    }

    @inline(never)
    private func add(_ sample: Sample, slot: Slot) {
        let n = bucketCount
        let cap = maxKeys
        state.withLock { s in
            if let series = slot.series, slot.generation == s.generation {
                if slot.folded { s.folded &+= 1 }
                series.add(sample)
                return
            }
            let (series, folded) = s.series(for: slot.key, buckets: n, cap: cap)
            slot.series = series
            slot.generation = s.generation
            slot.folded = folded
            series.add(sample)
        }
    }

    /// Where a record counts: its bucket stamp, class and latency bucket; nil when it is
    /// outside the window ending `now`. Inlined: a call returning the optional triple cost
    /// more than the test (most records of a replayed old log are outside the window).
    @inline(__always)
    private func sample(_ record: RequestRecord, _ classification: Classification?, now: Double) -> Sample? {
        let t = min(record.startTime.isFinite ? record.startTime : now, now)
        guard now - t < window, abs(t) < 1e15 else { return nil }
        return Sample(stamp: Int64((t / bucketSeconds).rounded(.down)),
                      classIndex: classification.map { StatusWindows.classIndex($0.errorClass) },
                      latencyIndex: record.latency.flatMap(StatusWindows.latencyIndex))
    }

    fileprivate struct Sample {
        let stamp: Int64
        let classIndex: Int?
        let latencyIndex: Int?
    }

    /// Records that went to an `__other__` key because `maxKeys` models were held.
    public var foldedRecords: Int { state.withLock { $0.folded } }

    /// The windows ending at `at` (now when nil). Keys with nothing left in the window are
    /// dropped from the state, so memory follows the live keys.
    public func snapshot(at: Double? = nil) -> StatusWindowsSnapshot {
        let t = at ?? time.now
        guard abs(t) < 1e15 else { return StatusWindowsSnapshot() }
        let newest = Int64((t / bucketSeconds).rounded(.down))
        let oldest = newest - Int64(bucketCount) + 1
        return state.withLock { s in
            var out = StatusWindowsSnapshot()
            var deadModels: [HeadroomKey] = []
            for (k, series) in s.models {
                if let stats = series.total(oldest: oldest, newest: newest) {
                    out.models[k] = stats
                    out.regions[StatusRegionKey(provider: k.provider, region: k.region), default: StatusWindowStats()].add(stats)
                } else if series.newestStamp < oldest {
                    deadModels.append(k)
                }
            }
            for k in deadModels { s.models[k] = nil }
            if !deadModels.isEmpty { s.generation &+= 1 }
            return out
        }
    }

    // MARK: - Internals

    /// The position of a class in `ErrorClass.allCases` (a switch: no hashing on the hot path).
    static func classIndex(_ c: ErrorClass) -> Int {
        switch c {
        case .auth: return 0
        case .badRequest: return 1
        case .billing: return 2
        case .notFound: return 3
        case .rateLimited: return 4
        case .server: return 5
        case .processing: return 6
        case .timeout: return 7
        case .network: return 8
        case .tls: return 9
        case .other: return 10
        }
    }

    /// The histogram bucket of a latency; nil for a negative or non-finite one.
    static func latencyIndex(_ seconds: Double) -> Int? {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        if seconds <= latencyBounds[0] { return 0 }
        if seconds > latencyBounds[latencyBounds.count - 1] { return latencyBounds.count }
        // The first bound at or above `seconds` (binary search: cheaper than a logarithm).
        return latencyBounds.withUnsafeBufferPointer { bounds in
            var low = 1, high = bounds.count - 1
            while low < high {
                let mid = (low + high) >> 1
                if seconds <= bounds[mid] { high = mid } else { low = mid + 1 }
            }
            return low
        }
    }

    private struct State {
        var models: [HeadroomKey: Series] = [:]
        var folded = 0
        /// Bumped whenever keys are removed: a `Slot` resolved at another generation may hold
        /// a series no longer in `models`, or a fold that no longer applies.
        var generation: UInt64 = 1

        /// The series a key's records go to (created when missing), and whether it is another
        /// key's: past `cap` models, (provider, region, `__other__`); past `cap + cap / 10 + 1`
        /// keys, `overflowModel`'s. A folded record counts in `folded`.
        mutating func series(for key: HeadroomKey, buckets: Int, cap: Int) -> (series: Series, folded: Bool) {
            if let series = models[key] { return (series, false) }
            var k = key
            var folded = false
            if models.count >= cap {
                self.folded &+= 1
                folded = true
                k = HeadroomKey(provider: key.provider, region: key.region, model: StatusWindows.otherModel)
                if models[k] == nil && models.count >= cap + cap / 10 + 1 {
                    k = StatusWindows.overflowModel
                }
            }
            if let series = models[k] { return (series, folded) }
            let series = Series(buckets: buckets)
            models[k] = series
            return (series, folded)
        }
    }

    /// A ring of buckets for one key, flat arrays indexed by slot = stamp mod count; held by
    /// `State.models` and by slots, only touched under the lock.
    fileprivate final class Series {
        let buckets: Int
        // Raw storage, fixed at init: no copy-on-write checks per record.
        let stamps: UnsafeMutableBufferPointer<Int64>
        let requests: UnsafeMutableBufferPointer<Int>
        let errors: UnsafeMutableBufferPointer<Int>
        let classCounts: UnsafeMutableBufferPointer<Int32>     // buckets × classes
        let latencyCounts: UnsafeMutableBufferPointer<Int32>   // buckets × latency buckets
        var newestStamp = Int64.min

        init(buckets: Int) {
            self.buckets = buckets
            stamps = .allocate(capacity: buckets)
            stamps.initialize(repeating: .min)
            requests = .allocate(capacity: buckets)
            requests.initialize(repeating: 0)
            errors = .allocate(capacity: buckets)
            errors.initialize(repeating: 0)
            classCounts = .allocate(capacity: buckets * StatusWindows.classCount)
            classCounts.initialize(repeating: 0)
            latencyCounts = .allocate(capacity: buckets * StatusWindows.latencyBucketCount)
            latencyCounts.initialize(repeating: 0)
        }

        deinit {
            stamps.deallocate()
            requests.deallocate()
            errors.deallocate()
            classCounts.deallocate()
            latencyCounts.deallocate()
        }

        func add(_ sample: Sample) {
            let stamp = sample.stamp
            let b = Int64(buckets)
            let slot = Int(((stamp % b) + b) % b)
            if stamps[slot] != stamp {
                guard stamps[slot] < stamp else { return }  // older than what the slot holds: out of any window
                stamps[slot] = stamp
                requests[slot] = 0
                errors[slot] = 0
                let cc = StatusWindows.classCount
                for i in slot * cc ..< (slot + 1) * cc { classCounts[i] = 0 }
                let lc = StatusWindows.latencyBucketCount
                for i in slot * lc ..< (slot + 1) * lc { latencyCounts[i] = 0 }
            }
            if stamp > newestStamp { newestStamp = stamp }
            requests[slot] &+= 1
            if let classIndex = sample.classIndex {
                errors[slot] &+= 1
                classCounts[slot * StatusWindows.classCount + classIndex] &+= 1
            }
            if let latencyIndex = sample.latencyIndex {
                latencyCounts[slot * StatusWindows.latencyBucketCount + latencyIndex] &+= 1
            }
        }

        /// The sum over slots stamped in oldest...newest; nil when none is.
        func total(oldest: Int64, newest: Int64) -> StatusWindowStats? {
            var stats = StatusWindowStats()
            var any = false
            let cc = StatusWindows.classCount
            let lc = StatusWindows.latencyBucketCount
            var classes = [Int](repeating: 0, count: cc)
            var latency = [Int](repeating: 0, count: lc)
            for slot in 0..<buckets where stamps[slot] >= oldest && stamps[slot] <= newest {
                any = true
                stats.requests += requests[slot]
                stats.errors += errors[slot]
                for i in 0..<cc { classes[i] += Int(classCounts[slot * cc + i]) }
                for i in 0..<lc { latency[i] += Int(latencyCounts[slot * lc + i]) }
            }
            guard any else { return nil }
            for (i, c) in ErrorClass.allCases.enumerated() where classes[i] > 0 { stats.errorsByClass[c] = classes[i] }
            stats.latencyCounts = latency
            return stats
        }
    }
}
