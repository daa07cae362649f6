import Metrics
import Synchronization

/// Turns each RequestRecord (from a probe or a log line) into metrics and state: the upstream
/// request families of CONTRACT section 3, the headroom tracker, the recent-failures ring and
/// the status windows.
///
/// Thread-safe and cheap on the hot path: one object per (provider, region, model, source,
/// code) key holds its series handles, its error counters by classification and its headroom
/// slot; it is found under one short lock (`HandleTable`) and then updated lock-free.
public final class Recorder: Sendable {
    /// Bucket bounds of `gatewatch_request_duration_seconds` (CONTRACT section 3).
    public static let durationBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80]
    /// Handle cache entries kept before the cache is cleared (bad input must not grow it forever).
    static let maxCachedKeys = 20_000
    private static let requestIDLabel = Exemplar.LabelName("request_id")
    /// A duration bucket's `request_id` exemplar is replaced once it is this old (seconds): a
    /// recent request of the bucket at every scrape, without building an exemplar per request.
    /// The errors counter keeps the latest failure's, as CONTRACT section 3 says.
    static let durationExemplarMinAge = 1.0

    public let headroom: HeadroomTracker
    public let failures: RecentFailures
    public let windows: StatusWindows

    let requests: CounterFamily
    let errors: CounterFamily
    let duration: HistogramFamily
    let truncated: CounterFamily
    private let classifier = ErrorClassifier()
    private let providerAPIs: Mutex<[String: ProviderAPI]>
    private let handles = Mutex(HandleTable())

    private struct SeriesKey: Hashable {
        var provider: String
        var region: String
        var model: String
        var source: RecordSource
        var code: Int
    }

    /// The series handles of one key; a class, so the cache hands out one reference.
    ///
    /// The objects a record updates are kept as `Unmanaged` beside the strong references that
    /// hold them, and called through `_withUnsafeGuaranteedRef`: the compiler wraps a call on a
    /// loaded class reference in a retain and a release (two atomic operations) otherwise, five
    /// times per record. Sound because `record` holds this object, and so these, throughout.
    private final class Handles: Sendable {
        let key: SeriesKey
        let api: ProviderAPI
        let requests: Unmanaged<Counter>
        let duration: Unmanaged<Histogram>
        let truncated: Unmanaged<Counter>
        /// The key's headroom state and status windows, kept so recording skips hashing the
        /// key there too.
        let headroom: Unmanaged<HeadroomTracker.Slot>
        let windows: Unmanaged<StatusWindows.Slot>
        private let owned: (Counter, Histogram, Counter, HeadroomTracker.Slot, StatusWindows.Slot)
        /// The `gatewatch_request_errors_total` series of the key by classification (a closed
        /// list, so bounded, and short per key): a failure costs a short scan instead of a
        /// family lookup. The classifier hands out the same reason strings again, so comparing
        /// them is mostly a word compare.
        let errors = Mutex<[(Classification, Counter)]>([])

        init(key: SeriesKey, api: ProviderAPI, requests: Counter, duration: Histogram, truncated: Counter) {
            self.key = key
            self.api = api
            let modelKey = HeadroomKey(provider: key.provider, region: key.region, model: key.model)
            let headroom = HeadroomTracker.Slot(key: modelKey)
            let windows = StatusWindows.Slot(key: modelKey)
            owned = (requests, duration, truncated, headroom, windows)
            self.requests = .passUnretained(requests)
            self.duration = .passUnretained(duration)
            self.truncated = .passUnretained(truncated)
            self.headroom = .passUnretained(headroom)
            self.windows = .passUnretained(windows)
        }
    }

    /// The handle cache: `map`, fronted by a small two-way table indexed by the identity of the
    /// record's labels object (see `RecordLabels`: a log decoder shares one per series), so
    /// most records find their handles with a pointer hash and a few comparisons, no string
    /// hashing. A miss (new labels object, or three keys meeting in one pair) falls back to
    /// `map`, so records built one by one (probes) or bad input only cost speed. The front
    /// table is raw storage allocated once: a hit is a few loads and one store, with no
    /// copy-on-write or bounds checks.
    private struct HandleTable: ~Copyable {
        /// Enough that a few hundred keys rarely put three in one pair of slots.
        static let frontSlots = 8192
        var map: [SeriesKey: Handles] = [:]
        /// Per front slot, the labels object's address and code·source (compared without
        /// touching reference counts), the handles, and the labels object, held so its address
        /// names no other object while it is here.
        let front: UnsafeMutablePointer<FrontSlot>
        /// Per pair of slots, the one that hit last: a miss replaces the other.
        let recent: UnsafeMutablePointer<Int>

        struct FrontSlot {
            var address: UInt64 = 0
            var codeSource: UInt64 = 0
            var handles: Handles?
            var labels: RecordLabels?
        }

        struct FrontKey {
            var address: UInt64
            var codeSource: UInt64
            var pair: Int
        }

        init() {
            front = .allocate(capacity: HandleTable.frontSlots)
            front.initialize(repeating: FrontSlot(), count: HandleTable.frontSlots)
            recent = .allocate(capacity: HandleTable.frontSlots / 2)
            recent.initialize(repeating: 0, count: HandleTable.frontSlots / 2)
        }

        deinit {
            front.deinitialize(count: HandleTable.frontSlots)
            front.deallocate()
            recent.deallocate()
        }

        @inline(__always)
        static func frontKey(_ r: RequestRecord, code: Int) -> FrontKey {
            let address = UInt64(UInt(bitPattern: ObjectIdentifier(r.labels)))
            let codeSource = UInt64(truncatingIfNeeded: code) << 1 | (r.source == .log ? 1 : 0)
            var h = (address ^ codeSource << 48) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
            return FrontKey(address: address, codeSource: codeSource,
                            pair: Int(truncatingIfNeeded: (h >> 32) % UInt64(frontSlots / 2)))
        }

        @inline(__always)
        func front(_ key: FrontKey) -> Handles? {
            for way in 0..<2 {
                let slot = front + (2 &* key.pair &+ way)
                if slot.pointee.address == key.address && slot.pointee.codeSource == key.codeSource {
                    recent[key.pair] = way
                    return slot.pointee.handles
                }
            }
            return nil
        }

        func setFront(_ key: FrontKey, _ labels: RecordLabels, _ h: Handles) {
            let way = 1 &- recent[key.pair]
            let slot = front + (2 &* key.pair &+ way)
            slot.pointee.address = key.address
            slot.pointee.codeSource = key.codeSource
            slot.pointee.handles = h
            slot.pointee.labels = labels
            recent[key.pair] = way
        }
    }

    /// - Parameter providerAPIs: the API dialect of each configured provider id; others are
    ///   `ProviderAPI.forProvider(_:)`.
    public init(registry: MetricsRegistry, headroom: HeadroomTracker, failures: RecentFailures,
                windows: StatusWindows, providerAPIs: [String: ProviderAPI] = [:]) {
        self.headroom = headroom
        self.failures = failures
        self.windows = windows
        self.providerAPIs = Mutex(providerAPIs)
        // Label names in alphabetical order, as the exposition prints them.
        let base = ["model", "provider", "region", "source"]
        requests = registry.counter("gatewatch_requests_total",
                                    help: "Upstream requests seen, from probes and logs, by HTTP status (\"none\" when no response came back).",
                                    labelNames: ["code"] + base)
        errors = registry.counter("gatewatch_request_errors_total",
                                  help: "Failed upstream requests by error class and reason; exemplar: the latest failing request_id.",
                                  labelNames: ["class", "model", "provider", "reason", "region", "source"])
        duration = registry.histogram("gatewatch_request_duration_seconds",
                                      help: "Upstream request latency in seconds; exemplar: a request_id.",
                                      labelNames: base, buckets: Self.durationBuckets)
        truncated = registry.counter("gatewatch_truncated_responses_total",
                                     help: "Responses that stopped at the token limit (finish_reason \"length\").",
                                     labelNames: base)
    }

    /// Replaces the provider → API map (config reload).
    public func setProviderAPIs(_ map: [String: ProviderAPI]) {
        providerAPIs.withLock { $0 = map }
        handles.withLock { $0 = HandleTable() }  // they carry the API of their provider
    }

    /// The API dialect of a provider id.
    public func api(for provider: String) -> ProviderAPI {
        providerAPIs.withLock { $0[provider] } ?? ProviderAPI.forProvider(provider)
    }

    /// Records one request; returns its classification (nil for a success).
    @discardableResult
    public func record(_ record: RequestRecord) -> Classification? {
        let h = handles(for: record)
        let classification = classifier.classify(record, api: h.api)
        let now = windows.coarseNow
        h.requests._withUnsafeGuaranteedRef { $0.inc() }
        if let latency = record.latency, latency.isFinite, latency >= 0 {
            h.duration._withUnsafeGuaranteedRef {
                $0.observe(latency, now: now, exemplarMinAge: Recorder.durationExemplarMinAge) {
                    Recorder.requestIDExemplar(record)
                }
            }
        }
        if case .length = record.finish {
            h.truncated._withUnsafeGuaranteedRef { $0.inc() }
        }
        if let c = classification {
            let counter: Counter
            if let cached = h.errors.withLock({ $0.first { $0.0 == c }?.1 }) {
                counter = cached
            } else {
                counter = errors.labels([c.errorClass.rawValue, record.model, record.provider, c.reason,
                                         record.region, record.source.rawValue])
                h.errors.withLock { list in
                    if !list.contains(where: { $0.0 == c }) { list.append((c, counter)) }
                }
            }
            // The id's bytes, copied by both: a log line's record borrows them from the line,
            // and reading `requestID` would make a String of them.
            record.withRequestIDUTF8 { requestID in
                if let requestID {
                    counter.inc(exemplar: Recorder.requestIDLabel, utf8: requestID)
                } else {
                    counter.inc()
                }
                failures.append(record: record, classification: c, requestIDUTF8: requestID)
            }
        }
        h.headroom._withUnsafeGuaranteedRef {
            headroom.record(slot: $0, headers: record.rateLimit, at: record.startTime + (record.latency ?? 0))
        }
        h.windows._withUnsafeGuaranteedRef {
            windows.record(slot: $0, record: record, classification: classification, now: now)
        }
        return classification
    }

    /// The record's `request_id` as an exemplar; nil without one.
    private static func requestIDExemplar(_ record: RequestRecord) -> Exemplar? {
        record.requestID.map { Exemplar(label: requestIDLabel, value: $0) }
    }

    /// The record's handles: a front-table hit under the lock; the rest (`map`, or new
    /// handles) out of line.
    @inline(__always)
    private func handles(for record: RequestRecord) -> Handles {
        let code = record.statusCode ?? 0
        let front = HandleTable.frontKey(record, code: code)
        if let h = handles.withLock({ $0.front(front) }) { return h }
        return handlesMissingFront(record, code: code, front: front)
    }

    @inline(never)
    private func handlesMissingFront(_ record: RequestRecord, code: Int, front: HandleTable.FrontKey) -> Handles {
        let key = SeriesKey(provider: record.provider, region: record.region, model: record.model,
                            source: record.source, code: code)
        let labels = record.labels
        let cached = handles.withLock { table -> Handles? in
            guard let h = table.map[key] else { return nil }
            table.setFront(front, labels, h)
            return h
        }
        if let cached { return cached }
        let values = [record.model, record.provider, record.region, record.source.rawValue]
        let h = Handles(key: key, api: api(for: record.provider),
                        requests: requests.labels([record.codeLabel] + values),
                        duration: duration.labels(values),
                        truncated: truncated.labels(values))
        handles.withLock { table in
            if table.map.count >= Self.maxCachedKeys { table = HandleTable() }
            table.map[key] = h
            table.setFront(front, labels, h)
        }
        return h
    }

    /// Registers the six `gatewatch_ratelimit_*` families, filled from the headroom tracker at
    /// each scrape so the estimate is right for the instant of the scrape. Expired keys lose
    /// their series; a key whose observation expired keeps only its window-requests series.
    public func exposeHeadroom(on registry: MetricsRegistry) {
        let labels = ["model", "provider", "region"]
        let limit = registry.gauge("gatewatch_ratelimit_limit_requests",
                                   help: "X-RateLimit-Limit as last observed: requests allowed per window.", labelNames: labels)
        let remaining = registry.gauge("gatewatch_ratelimit_remaining_requests",
                                       help: "X-RateLimit-Remaining as last observed.", labelNames: labels)
        let reset = registry.gauge("gatewatch_ratelimit_reset_timestamp_seconds",
                                   help: "When the observed rate-limit window resets (observation time + X-RateLimit-Reset).",
                                   labelNames: labels)
        let observed = registry.gauge("gatewatch_ratelimit_observed_timestamp_seconds",
                                      help: "When X-RateLimit-* headers were last seen.", labelNames: labels)
        let ratio = registry.gauge("gatewatch_ratelimit_headroom_ratio",
                                   help: "Estimated share of the rate limit left now, 0..1.", labelNames: labels)
        let window = registry.gauge("gatewatch_ratelimit_window_requests",
                                    help: "Requests seen (probes and logs) in the trailing 60 s.", labelNames: labels)
        let observedFamilies = [limit, remaining, reset, observed, ratio]
        let headroom = self.headroom
        registry.onCollect {
            for key in headroom.expire() {
                let values = [key.model, key.provider, key.region]
                for f in observedFamilies { f.remove(values) }
                window.remove(values)
            }
            for s in headroom.snapshot() {
                let values = [s.key.model, s.key.provider, s.key.region]
                window.labels(values).set(Double(s.windowRequests))
                guard let o = s.observation else {
                    for f in observedFamilies { f.remove(values) }
                    continue
                }
                limit.labels(values).set(Double(o.limit))
                remaining.labels(values).set(Double(o.remaining))
                reset.labels(values).set(o.resetTimestamp)
                observed.labels(values).set(o.observedTimestamp)
                ratio.labels(values).set(o.estimate.ratio)
            }
        }
    }
}
