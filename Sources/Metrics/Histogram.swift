import Synchronization

/// One histogram series: a handle callers keep and observe into from any thread. Bucket
/// counts, sum and count change together under a per-series lock, so a render never sees a
/// torn observation. NaN and infinite observations are ignored.
public final class Histogram: LabeledSeries, Sendable {
    struct Snapshot {
        /// Per-bucket (not cumulative) counts; the last entry is the `+Inf` bucket.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
        /// The latest exemplar of each bucket.
        var exemplars: [StoredExemplar?]
        /// When each bucket's exemplar was stored by a sampling `observe` (apart from
        /// `exemplars`, so checking it copies no labels); -infinity otherwise.
        var exemplarTimes: [Double]
    }

    let labelValues: [String]
    let labelBlock: [UInt8]
    /// `{labels...,le="` — the encoders append the bound and `"}`.
    let bucketPrefix: [UInt8]
    /// Finite upper bounds, ascending; the `+Inf` bucket is implicit.
    let upperBounds: [Double]
    private let state: Mutex<Snapshot>

    init(labelNames: [String], labelValues: [String], upperBounds: [Double]) {
        self.labelValues = labelValues
        self.labelBlock = ByteBuffer.labelBlock(names: labelNames, values: labelValues)
        self.bucketPrefix = ByteBuffer.labelBlock(names: labelNames, values: labelValues, openWith: "le")
        self.upperBounds = upperBounds
        self.state = Mutex(Snapshot(counts: Array(repeating: 0, count: upperBounds.count + 1),
                                    exemplars: Array(repeating: nil, count: upperBounds.count + 1),
                                    exemplarTimes: Array(repeating: -.infinity, count: upperBounds.count + 1)))
    }

    /// Records `v`. With an exemplar, it becomes the latest exemplar of the bucket `v` falls
    /// in (its value defaults to `v`).
    public func observe(_ v: Double, exemplar: Exemplar? = nil) {
        guard v.isFinite else { return }
        let bucket = bucketIndex(for: v)
        let stored = exemplar.map { StoredExemplar($0, defaultValue: v) }
        state.withLock { state in
            state.counts[bucket] &+= 1
            state.count &+= 1
            state.sum += v
            if let stored {
                state.exemplars[bucket] = stored
            }
        }
    }

    /// Records `v`, sampling exemplars as client_java's exemplar sampler does: the bucket's
    /// exemplar is replaced only once it is `exemplarMinAge` seconds old by `now` (or the
    /// bucket has none), so `exemplar` is called, and its labels built, about once per bucket
    /// per `exemplarMinAge` rather than once per observation. For series observed millions
    /// of times a second whose exemplar is "a recent request", not "the latest".
    @inline(__always)
    public func observe(_ v: Double, now: Double, exemplarMinAge: Double, exemplar: () -> Exemplar?) {
        guard v.isFinite else { return }
        let bucket = bucketIndex(for: v)
        state.withLock { state in
            state.counts[bucket] &+= 1
            state.count &+= 1
            state.sum += v
            if !(now - state.exemplarTimes[bucket] < exemplarMinAge), let e = exemplar() {
                state.exemplars[bucket] = StoredExemplar(e, defaultValue: v)
                state.exemplarTimes[bucket] = now
            }
        }
    }

    /// Observations so far.
    public var count: UInt64 {
        state.withLock { $0.count }
    }

    /// Sum of observations so far.
    public var sum: Double {
        state.withLock { $0.sum }
    }

    /// Cumulative counts per upper bound, ending with `+Inf` (equal to `count`).
    public var cumulativeBucketCounts: [UInt64] {
        let counts = state.withLock { $0.counts }
        var running: UInt64 = 0
        return counts.map { running &+= $0; return running }
    }

    func snapshot() -> Snapshot {
        state.withLock { $0 }
    }

    /// The first bucket whose upper bound is at least `v`: for the usual dozen buckets the
    /// count of bounds below `v`, without a branch to mispredict; a binary search above 16.
    private func bucketIndex(for v: Double) -> Int {
        if upperBounds.count <= 16 {
            return upperBounds.withUnsafeBufferPointer { bounds in
                var below = 0
                for b in bounds { below &+= v > b ? 1 : 0 }
                return below
            }
        }
        var low = 0
        var high = upperBounds.count
        while low < high {
            let mid = (low + high) / 2
            if v <= upperBounds[mid] {
                high = mid
            } else {
                low = mid + 1
            }
        }
        return low
    }
}
