import Synchronization

/// One counter series: a handle callers keep and update from any thread.
///
/// Whole-number increments are one atomic add (exact under any contention); fractional ones a
/// compare-and-swap loop on a separate double. Negative, NaN or infinite increments are ignored
/// (a counter only goes up). A handle whose series was removed keeps counting but is no longer
/// rendered.
public final class Counter: LabeledSeries, Sendable {
    let labelValues: [String]
    let labelBlock: [UInt8]
    @usableFromInline let whole = Atomic<UInt64>(0)
    private let fractionBits = Atomic<UInt64>(0.0.bitPattern)
    private let latestExemplar = Mutex(LatestExemplar())

    init(labelNames: [String], labelValues: [String]) {
        self.labelValues = labelValues
        self.labelBlock = ByteBuffer.labelBlock(names: labelNames, values: labelValues)
    }

    /// Adds 1: one atomic add (inlined into callers in other modules).
    @inlinable
    public func inc() {
        whole.wrappingAdd(1, ordering: .relaxed)
    }

    /// Adds `by` (default 1). With an exemplar, it replaces the series' latest exemplar (its
    /// value defaults to `by`).
    public func inc(_ by: Double = 1, exemplar: Exemplar? = nil) {
        guard by >= 0, by.isFinite else { return }
        if by == by.rounded(.down) && by < 9_007_199_254_740_992 {
            whole.wrappingAdd(UInt64(by), ordering: .relaxed)
        } else {
            Counter.add(by, to: fractionBits)
        }
        if let exemplar {
            let stored = StoredExemplar(exemplar, defaultValue: by)
            latestExemplar.withLock { $0.set(stored) }
        }
    }

    /// Adds 1 with `label=value` as the series' latest exemplar (its value 1): what
    /// `inc(exemplar: Exemplar(label: label, value: value))` does, without building the
    /// exemplar and then copying it into the stored form (a recorder does this per failure).
    public func inc(exemplar label: Exemplar.LabelName, value: String) {
        whole.wrappingAdd(1, ordering: .relaxed)
        let stored = StoredExemplar(labels: Exemplar.labels(label, value), value: 1, timestamp: nil)
        latestExemplar.withLock { $0.set(stored) }
    }

    /// `inc(exemplar: label, value: String(decoding: value, as: UTF8.self))` without making
    /// the String: the bytes are copied into storage the counter keeps (a recorder does this
    /// per failure, with a request id a log line's record borrows). `value` is valid UTF-8.
    public func inc(exemplar label: Exemplar.LabelName, utf8 value: UnsafeBufferPointer<UInt8>) {
        // The rule of `Exemplar.labels(_:_:)` for keeping the value as it is.
        guard label.isValid && label.name.utf8.count + value.count <= Exemplar.maxLabelSetLength else {
            inc(exemplar: label, value: String(decoding: value, as: UTF8.self))
            return
        }
        whole.wrappingAdd(1, ordering: .relaxed)
        let lent = LentBytes(bytes: value)
        latestExemplar.withLock { $0.set(name: label.name, utf8: lent.bytes) }
    }

    /// The current total.
    public var value: Double {
        Double(whole.load(ordering: .relaxed)) + Double(bitPattern: fractionBits.load(ordering: .relaxed))
    }

    /// The latest exemplar, if any.
    public var exemplar: Exemplar? {
        latestExemplar.withLock { $0.current }.map {
            Exemplar(labels: $0.labels.pairs.map { ($0.name, $0.value) }, value: $0.value, timestamp: $0.timestamp)
        }
    }

    var storedExemplar: StoredExemplar? {
        latestExemplar.withLock { $0.current }
    }

    /// Sets the total outright; for collectors mirroring a counter kept elsewhere (the kernel's
    /// CPU time). Not public: a counter's users only add.
    func setTotal(_ total: Double) {
        guard total >= 0, total.isFinite else { return }
        whole.store(0, ordering: .relaxed)
        fractionBits.store(total.bitPattern, ordering: .relaxed)
    }

    static func add(_ amount: Double, to bits: borrowing Atomic<UInt64>) {
        var old = bits.load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + amount).bitPattern
            let (exchanged, original) = bits.compareExchange(expected: old, desired: new, ordering: .relaxed)
            if exchanged {
                return
            }
            old = original
        }
    }
}

/// Bytes lent to the locked closure of one call, which copies them before returning.
/// `@unchecked`: a pointer is not `Sendable`, and nothing keeps it past the call that lends it.
private struct LentBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}

/// A counter's latest exemplar. The one-label form of `Counter.inc(exemplar:utf8:)` (a
/// recorder's per-failure `request_id`) keeps the value's bytes in storage allocated on first
/// use and then reused, so setting it makes no String, allocates nothing and releases
/// nothing; any other exemplar is kept as a `StoredExemplar`.
struct LatestExemplar: ~Copyable {
    /// The exemplar unless the byte form is in force (then nil).
    private var stored: StoredExemplar?
    /// The byte form's label name.
    private var name = ""
    /// The byte form's value bytes (room for `Exemplar.maxLabelSetLength`); nil until first used.
    private var bytes: UnsafeMutablePointer<UInt8>?
    /// The byte form's value length; -1 when the byte form is not in force.
    private var count = -1

    init() {}

    deinit { bytes?.deallocate() }

    mutating func set(_ exemplar: StoredExemplar) {
        stored = exemplar
        count = -1
    }

    /// The byte form: `name="value"` with value 1. `value` fits `Exemplar.maxLabelSetLength`.
    mutating func set(name: String, utf8 value: UnsafeBufferPointer<UInt8>) {
        // Tested through `count`: assigning the optional destroys the old value out of line
        // (through Optional's generic value witness, some 300 instructions), even a nil one.
        if count < 0 { stored = nil }
        if self.name != name { self.name = name }
        let storage = bytes ?? {
            let new = UnsafeMutablePointer<UInt8>.allocate(capacity: Exemplar.maxLabelSetLength)
            bytes = new
            return new
        }()
        if let base = value.baseAddress { storage.update(from: base, count: value.count) }
        count = value.count
    }

    /// The exemplar as `StoredExemplar` (built here for the byte form).
    var current: StoredExemplar? {
        if count >= 0, let bytes {
            let value = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
            return StoredExemplar(labels: .one(name, value), value: 1, timestamp: nil)
        }
        return stored
    }
}
