import Synchronization

/// One gauge series: a handle callers keep and update from any thread. Any double is a valid
/// value (`+Inf`, `-Inf` and `NaN` included).
public final class Gauge: LabeledSeries, Sendable {
    let labelValues: [String]
    let labelBlock: [UInt8]
    private let bits = Atomic<UInt64>(0.0.bitPattern)

    init(labelNames: [String], labelValues: [String]) {
        self.labelValues = labelValues
        self.labelBlock = ByteBuffer.labelBlock(names: labelNames, values: labelValues)
    }

    public func set(_ v: Double) {
        bits.store(v.bitPattern, ordering: .relaxed)
    }

    public func inc(_ by: Double = 1) {
        Counter.add(by, to: bits)
    }

    public func dec(_ by: Double = 1) {
        Counter.add(-by, to: bits)
    }

    public var value: Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }
}
