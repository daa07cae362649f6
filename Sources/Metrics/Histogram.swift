import Synchronization

/// One histogram series: a handle callers keep and observe into from any thread. Bucket
/// counts, sum and count change together under a per-series lock, so a render never sees a
/// torn observation. NaN and infinite observations are ignored.
public final class Histogram: LabeledSeries, Sendable {
    /// The series as a render reads it.
    struct Snapshot {
        /// Per-bucket (not cumulative) counts; the last entry is the `+Inf` bucket.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
        /// The latest exemplar of each bucket.
        var exemplars: [StoredExemplar?]
    }

    let labelValues: [String]
    let labelBlock: [UInt8]
    /// `{labels...,le="` — the encoders append the bound and `"}`.
    let bucketPrefix: [UInt8]
    /// Finite upper bounds, ascending; the `+Inf` bucket is implicit.
    let upperBounds: [Double]
    private let state: Mutex<State>

    init(labelNames: [String], labelValues: [String], upperBounds: [Double]) {
        self.labelValues = labelValues
        self.labelBlock = ByteBuffer.labelBlock(names: labelNames, values: labelValues)
        self.bucketPrefix = ByteBuffer.labelBlock(names: labelNames, values: labelValues, openWith: "le")
        self.upperBounds = upperBounds
        self.state = Mutex(State(upperBounds: upperBounds))
    }

    /// Records `v`. With an exemplar, it becomes the latest exemplar of the bucket `v` falls
    /// in (its value defaults to `v`).
    public func observe(_ v: Double, exemplar: Exemplar? = nil) {
        guard v.isFinite else { return }
        let stored = exemplar.map { StoredExemplar($0, defaultValue: v) }
        state.withLock { state in
            let bucket = state.bucketIndex(for: v)
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
        state.withLock { state in
            let bucket = state.bucketIndex(for: v)
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
        let counts = snapshot().counts
        var running: UInt64 = 0
        return counts.map { running &+= $0; return running }
    }

    func snapshot() -> Snapshot {
        state.withLock { state in
            Snapshot(counts: Array(UnsafeBufferPointer(start: state.counts, count: state.buckets)),
                     sum: state.sum, count: state.count, exemplars: state.exemplars)
        }
    }

    /// The counts, owned by `state`. Counts and exemplar times are raw storage allocated once,
    /// so an observation is a few plain stores (an array in a struct costs a uniqueness check
    /// per write).
    private struct State: ~Copyable {
        /// Buckets, `+Inf` included.
        let buckets: Int
        let counts: UnsafeMutablePointer<UInt64>
        /// When each bucket's exemplar was stored by a sampling `observe` (apart from
        /// `exemplars`, so checking it copies no labels); -infinity otherwise.
        let exemplarTimes: UnsafeMutablePointer<Double>
        /// With at most 15 bounds: the bounds padded with +infinity to 16, for a four-step
        /// search without branches; nil with more.
        let searchTable: UnsafeMutablePointer<Double>?
        /// The finite bounds, for the binary search of longer lists.
        let upperBounds: [Double]
        var exemplars: [StoredExemplar?]
        var sum = 0.0
        var count: UInt64 = 0

        init(upperBounds: [Double]) {
            buckets = upperBounds.count + 1
            counts = .allocate(capacity: buckets)
            counts.initialize(repeating: 0, count: buckets)
            exemplarTimes = .allocate(capacity: buckets)
            exemplarTimes.initialize(repeating: -.infinity, count: buckets)
            if upperBounds.count <= 15 {
                let table = UnsafeMutablePointer<Double>.allocate(capacity: 16)
                table.initialize(repeating: .infinity, count: 16)
                for (i, b) in upperBounds.enumerated() { table[i] = b }
                searchTable = table
            } else {
                searchTable = nil
            }
            self.upperBounds = upperBounds
            exemplars = Array(repeating: nil, count: buckets)
        }

        deinit {
            counts.deallocate()
            exemplarTimes.deallocate()
            searchTable?.deallocate()
        }

        /// The first bucket whose upper bound is at least `v` (finite): the number of bounds
        /// below `v`. For the usual dozen buckets, four halvings of the padded table, each a
        /// compare and a conditional add (no branch to mispredict; +infinity is never below);
        /// a binary search above 15 bounds.
        @inline(__always)
        func bucketIndex(for v: Double) -> Int {
            if let t = searchTable {
                var i = v > t[7] ? 8 : 0
                i &+= v > t[i &+ 3] ? 4 : 0
                i &+= v > t[i &+ 1] ? 2 : 0
                i &+= v > t[i] ? 1 : 0
                return i
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
}
