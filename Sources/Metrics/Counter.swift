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
    private let latestExemplar = Mutex<StoredExemplar?>(nil)

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
            latestExemplar.withLock { $0 = stored }
        }
    }

    /// Adds 1 with `label=value` as the series' latest exemplar (its value 1): what
    /// `inc(exemplar: Exemplar(label: label, value: value))` does, without building the
    /// exemplar and then copying it into the stored form (a recorder does this per failure).
    public func inc(exemplar label: Exemplar.LabelName, value: String) {
        whole.wrappingAdd(1, ordering: .relaxed)
        let stored = StoredExemplar(labels: Exemplar.labels(label, value), value: 1, timestamp: nil)
        latestExemplar.withLock { $0 = stored }
    }

    /// The current total.
    public var value: Double {
        Double(whole.load(ordering: .relaxed)) + Double(bitPattern: fractionBits.load(ordering: .relaxed))
    }

    /// The latest exemplar, if any.
    public var exemplar: Exemplar? {
        latestExemplar.withLock { stored in
            stored.map { Exemplar(labels: $0.labels.pairs.map { ($0.name, $0.value) }, value: $0.value, timestamp: $0.timestamp) }
        }
    }

    var storedExemplar: StoredExemplar? {
        latestExemplar.withLock { $0 }
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
