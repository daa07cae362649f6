import Synchronization

/// The labels of one rate-limit series: (provider, region, model).
public struct HeadroomKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var provider: String
    public var region: String
    public var model: String

    public init(provider: String, region: String, model: String) {
        self.provider = provider
        self.region = region
        self.model = model
    }

    public static func < (a: HeadroomKey, b: HeadroomKey) -> Bool {
        (a.provider, a.region, a.model) < (b.provider, b.region, b.model)
    }

    public var description: String { "\(provider)/\(region)/\(model)" }
}

/// The headroom estimated for one key at one instant.
public struct HeadroomEstimate: Sendable, Equatable {
    /// Requests estimated left in the current window, 0...limit.
    public var remaining: Int
    public var limit: Int
    /// remaining / limit, 0...1 (0 when limit is 0).
    public var ratio: Double
    /// True when the observed window has already reset (remaining == limit, ratio == 1).
    public var windowReset: Bool
}

/// Everything the six `gatewatch_ratelimit_*` families need for one key.
public struct HeadroomSnapshot: Sendable, Equatable {
    /// The last `X-RateLimit-*` headers seen for a key, as seen.
    public struct Observation: Sendable, Equatable {
        /// `X-RateLimit-Limit` → `gatewatch_ratelimit_limit_requests`.
        public var limit: Int
        /// `X-RateLimit-Remaining` as observed (0 is a value) → `gatewatch_ratelimit_remaining_requests`.
        public var remaining: Int
        /// observedAt + `X-RateLimit-Reset` → `gatewatch_ratelimit_reset_timestamp_seconds`.
        public var resetTimestamp: Double
        /// When the headers were seen → `gatewatch_ratelimit_observed_timestamp_seconds`.
        public var observedTimestamp: Double
        /// Requests counted after the observation (the observed request itself excluded).
        public var requestsSinceObservation: Int
        /// The estimate for the snapshot instant → `gatewatch_ratelimit_headroom_ratio`.
        public var estimate: HeadroomEstimate
    }

    public var key: HeadroomKey
    /// nil when no headers were ever seen for the key (or the last ones are older than the TTL):
    /// then only `gatewatch_ratelimit_window_requests` exists for the key, and the recorder must
    /// delete the other five series of the key if it had them.
    public var observation: Observation?
    /// Requests counted in the trailing 60 s (1 s buckets) → `gatewatch_ratelimit_window_requests`.
    public var windowRequests: Int
}

/// Tracks per (provider, region, model) the last `X-RateLimit-*` headers seen, the requests seen
/// since, and a trailing 60 s request count, and estimates the headroom for any instant.
///
/// Thread-safe: any thread may call any method; every call takes one `Mutex` for a short,
/// allocation-free critical section (a key's first request allocates its 60-slot ring once).
///
/// The recorder calls `record(provider:region:model:headers:at:)` once per request (probe or log
/// line), which counts it and observes its headers under one lock; `countRequest` and `observe`
/// are the two halves for callers that have them apart.
///
/// Semantics (CONTRACT section 3):
/// - `X-RateLimit-Model` overrides the request's model (applied here, in `observe` and `record`).
/// - A newer observation replaces the state; an observation older than the one held (out-of-order
///   log lines) is ignored. A request without headers never touches the observed state.
/// - Requests counted with a time strictly after the observation time count against it; so the
///   observed request itself is not counted whichever order `countRequest`/`observe` are called in.
/// - Expiry (`ttl`): the observation is dropped `ttl` seconds after it was seen; the key (and its
///   window-requests series) is dropped once neither a request nor headers were seen for `ttl`.
public final class HeadroomTracker: Sendable {
    /// The window the trailing request count covers, in one-second slots.
    public static let windowSeconds = 60

    public let ttl: Double
    /// Keys held at most; a request or headers for a new key beyond it are dropped and counted
    /// in `rejectedKeys` (bad input, such as a log with endless distinct model names, must not
    /// exhaust memory: a key costs about 1 KiB).
    public let maxKeys: Int
    private let time: any TimeSource
    private let state = Mutex(Table())

    /// - Parameters:
    ///   - ttl: seconds after which an unrefreshed series is removed (`limits.ratelimit_series_ttl`).
    ///   - maxKeys: the most (provider, region, model) keys tracked at once.
    ///   - time: the clock used when a method is called without `at:`.
    public init(ttl: Double = 3600, maxKeys: Int = 10_000, time: any TimeSource) {
        self.ttl = ttl
        self.maxKeys = max(1, maxKeys)
        self.time = time
    }

    // MARK: - Writing

    /// Counts one request (with or without headers) for the key; `at` is the request's time
    /// (unix seconds; now when nil).
    public func countRequest(provider: String, region: String, model: String, at: Double? = nil) {
        let t = at ?? time.now
        let key = HeadroomKey(provider: provider, region: region, model: model)
        let cap = maxKeys
        _ = state.withLock { $0.update(key, cap: cap) { $0.count(at: t) } }
    }

    /// Records the `X-RateLimit-*` headers of one answer, seen at `at` (now when nil).
    /// The key's model is `headers.model` when present, else `model`.
    public func observe(provider: String, region: String, model: String, headers: RateLimitHeaders, at: Double? = nil) {
        let t = at ?? time.now
        let key = HeadroomKey(provider: provider, region: region, model: headers.model ?? model)
        let cap = maxKeys
        _ = state.withLock { $0.update(key, cap: cap) { $0.observe(headers, at: t) } }
    }

    /// One request as the recorder sees it: counts it and, when it carried headers, observes them,
    /// under one lock. The `X-RateLimit-Model` override applies to both.
    public func record(provider: String, region: String, model: String, headers: RateLimitHeaders?, at: Double? = nil) {
        let t = at ?? time.now
        let key = HeadroomKey(provider: provider, region: region, model: headers?.model ?? model)
        let cap = maxKeys
        _ = state.withLock { $0.update(key, cap: cap) { $0.record(headers, at: t) } }
    }

    /// A caller's reference to one key's state (the recorder keeps one per handle key): recording
    /// through it skips hashing the key while no key has been removed since it was last resolved.
    /// Its fields are only touched under the tracker's lock; a slot belongs to one tracker.
    final class Slot: @unchecked Sendable {
        let key: HeadroomKey
        fileprivate var entry: Entry?
        fileprivate var generation: UInt64 = 0

        init(key: HeadroomKey) {
            self.key = key
        }
    }

    /// `record(provider:region:model:headers:at:)` for `slot.key`.
    func record(slot: Slot, headers: RateLimitHeaders?, at: Double? = nil) {
        if let model = headers?.model, model != slot.key.model {
            // X-RateLimit-Model names another key.
            record(provider: slot.key.provider, region: slot.key.region, model: slot.key.model, headers: headers, at: at)
            return
        }
        let t = at ?? time.now
        let cap = maxKeys
        state.withLock { table in
            if let entry = slot.entry, slot.generation == table.generation {
                entry.record(headers, at: t)
                return
            }
            slot.entry = table.update(slot.key, cap: cap) { $0.record(headers, at: t) }
            slot.generation = table.generation
        }
    }

    /// Drops what is older than the TTL at `at` (now when nil) and returns the keys removed
    /// entirely (their `gatewatch_ratelimit_window_requests` series, and any other, must go).
    /// Keys that only lost their observation stay, with `observation == nil` in `snapshot`.
    @discardableResult
    public func expire(at: Double? = nil) -> [HeadroomKey] {
        let t = at ?? time.now
        let ttl = self.ttl
        var removed: [HeadroomKey] = []
        var stale: [HeadroomKey] = []
        state.withLock { table in
            for (key, entry) in table.entries {
                if entry.isIdle(at: t, ttl: ttl) {
                    removed.append(key)
                } else if let obs = entry.observedAt, t - obs > ttl {
                    stale.append(key)
                }
            }
            for key in removed { table.entries[key] = nil }
            if !removed.isEmpty { table.generation &+= 1 }
            for key in stale { table.entries[key]?.observedAt = nil }
        }
        return removed.sorted()
    }

    // MARK: - Reading

    /// The headroom of a key at `at` (now when nil); nil when no headers were seen for it
    /// (or they are older than the TTL).
    public func estimate(provider: String, region: String, model: String, at: Double? = nil) -> HeadroomEstimate? {
        let t = at ?? time.now
        let key = HeadroomKey(provider: provider, region: region, model: model)
        let ttl = self.ttl
        return state.withLock { $0.entries[key]?.estimate(at: t, ttl: ttl) }
    }

    /// Whether a probe may spend a request on the key: true when no headers were seen for it,
    /// or the estimated remaining requests at `at` are at least `minRemaining`.
    public func mayProbeSpend(provider: String, region: String, model: String, minRemaining: Int, at: Double? = nil) -> Bool {
        guard let e = estimate(provider: provider, region: region, model: model, at: at) else { return true }
        return e.remaining >= minRemaining
    }

    /// Every live key at `at` (now when nil), sorted by key. Keys idle longer than the TTL are
    /// left out (call `expire` to drop them and learn which series to delete).
    public func snapshot(at: Double? = nil) -> [HeadroomSnapshot] {
        let t = at ?? time.now
        let ttl = self.ttl
        var out: [HeadroomSnapshot] = []
        state.withLock { table in
            out.reserveCapacity(table.entries.count)
            for (key, entry) in table.entries where !entry.isIdle(at: t, ttl: ttl) {
                var obs: HeadroomSnapshot.Observation?
                if let observedAt = entry.observedAt, let e = entry.estimate(at: t, ttl: ttl) {
                    obs = .init(limit: entry.limit, remaining: entry.remaining,
                                resetTimestamp: observedAt + entry.resetSeconds,
                                observedTimestamp: observedAt,
                                requestsSinceObservation: entry.sinceObservation, estimate: e)
                }
                out.append(HeadroomSnapshot(key: key, observation: obs, windowRequests: entry.windowCount(at: t)))
            }
        }
        out.sort { $0.key < $1.key }
        return out
    }

    /// The number of keys held (live or not yet expired).
    public var keyCount: Int { state.withLock { $0.entries.count } }

    /// Requests and observations dropped because their key was new and `maxKeys` keys were held.
    public var rejectedKeys: Int { state.withLock { $0.rejected } }

    // MARK: - State

    /// All keys; owned by `state`.
    private struct Table {
        var entries: [HeadroomKey: Entry] = [:]
        var rejected = 0
        /// Bumped whenever entries are removed: a `Slot` resolved at another generation may
        /// hold a removed entry.
        var generation: UInt64 = 1

        /// Applies `body` to the key's entry (one hash lookup when it exists), creating it while
        /// fewer than `cap` keys are held; returns the entry (nil when the key was rejected).
        @discardableResult
        mutating func update(_ key: HeadroomKey, cap: Int, _ body: (Entry) -> Void) -> Entry? {
            if let e = entries[key] {
                body(e)
                return e
            } else if entries.count < cap {
                let e = Entry()
                body(e)
                entries[key] = e
                return e
            } else {
                rejected &+= 1
                return nil
            }
        }
    }

    /// One key's state. Owned by `state`; only touched under its lock (slots hold references).
    fileprivate final class Entry {
        var limit = 0
        var remaining = 0
        var resetSeconds = 0.0
        /// nil until headers are seen (or after they expired).
        var observedAt: Double?
        var sinceObservation = 0
        /// The latest time a request or headers were seen.
        var lastSeen = -Double.infinity
        /// Per-second request counts; slot = second % 60, stamped with its second.
        /// Raw storage, allocated once: counting a request is two plain stores (no copy-on-write
        /// or exclusivity checks, which an array property of a class costs per write).
        let slotSecond: UnsafeMutablePointer<Int64>
        let slotCount: UnsafeMutablePointer<Int>

        init() {
            slotSecond = .allocate(capacity: HeadroomTracker.windowSeconds)
            slotSecond.initialize(repeating: .min, count: HeadroomTracker.windowSeconds)
            slotCount = .allocate(capacity: HeadroomTracker.windowSeconds)
            slotCount.initialize(repeating: 0, count: HeadroomTracker.windowSeconds)
        }

        deinit {
            slotSecond.deallocate()
            slotCount.deallocate()
        }

        func count(at t: Double) {
            if t > lastSeen { lastSeen = t }
            if let obs = observedAt, t > obs { sinceObservation &+= 1 }
            guard abs(t) < 1e15 else { return }  // not a plausible unix time (or NaN): not bucketed
            // The second and its slot; for the usual t ≥ 0 truncation is the floor and the
            // remainder is never negative (no libm call, one remainder).
            let second: Int64
            let slot: Int
            let n = Int64(HeadroomTracker.windowSeconds)
            if t >= 0 {
                second = Int64(t)
                slot = Int(second % n)
            } else {
                second = Int64(t.rounded(.down))
                slot = Int(((second % n) + n) % n)
            }
            if slotSecond[slot] == second {
                slotCount[slot] &+= 1
            } else if slotSecond[slot] < second {
                slotSecond[slot] = second
                slotCount[slot] = 1
            }
            // else: older than the second the slot now holds, hence outside any window still read.
        }

        func record(_ h: RateLimitHeaders?, at t: Double) {
            count(at: t)
            if let h { observe(h, at: t) }
        }

        func observe(_ h: RateLimitHeaders, at t: Double) {
            if t > lastSeen { lastSeen = t }
            guard t.isFinite else { return }
            if let obs = observedAt, t < obs { return }  // stale (out-of-order) observation
            limit = max(0, h.limit)
            remaining = h.remaining
            resetSeconds = h.resetSeconds
            observedAt = t
            sinceObservation = 0
        }

        func isIdle(at t: Double, ttl: Double) -> Bool { t - lastSeen > ttl }

        func estimate(at t: Double, ttl: Double) -> HeadroomEstimate? {
            guard let obs = observedAt, t - obs <= ttl else { return nil }
            if t >= obs + resetSeconds {
                return HeadroomEstimate(remaining: limit, limit: limit, ratio: limit > 0 ? 1 : 0, windowReset: true)
            }
            let left = min(limit, max(0, remaining - sinceObservation))
            return HeadroomEstimate(remaining: left, limit: limit,
                                    ratio: limit > 0 ? Double(left) / Double(limit) : 0, windowReset: false)
        }

        /// Requests in the trailing 60 s ending at `t`: seconds (t-60, t].
        func windowCount(at t: Double) -> Int {
            guard abs(t) < 1e15 else { return 0 }
            let now = Int64(t.rounded(.down))
            let oldest = now - Int64(HeadroomTracker.windowSeconds) + 1
            var total = 0
            for i in 0..<HeadroomTracker.windowSeconds where slotSecond[i] >= oldest && slotSecond[i] <= now {
                total &+= slotCount[i]
            }
            return total
        }
    }
}

