/// A histogram family: name, HELP text, fixed label names and bucket upper bounds.
/// Thread-safe; obtain per-label-set `Histogram` handles with `labels(...)`.
public final class HistogramFamily: ExposedFamily, Sendable {
    public let name: String
    public let help: String
    /// Finite upper bounds, ascending and distinct; `+Inf` is always added.
    public let buckets: [Double]
    let table: SeriesTable<Histogram>
    private let header: FamilyHeader
    /// `le` values as rendered, one per bucket, ending with `+Inf`; each followed by `"} `.
    private let boundSuffixes: [[UInt8]]
    private let hasNegativeBound: Bool

    /// Normalizes bucket bounds: sorted, deduplicated, NaN and infinities dropped.
    static func normalize(_ buckets: [Double]) -> [Double] {
        Array(Set(buckets.filter { $0.isFinite })).sorted()
    }

    init(name: String, help: String, labelNames: [String], buckets: [Double], maxLabelValues: Int,
         onOverflow: (@Sendable (String) -> Void)?) {
        MetricName.validateNonCounterName(name)
        MetricName.validate(family: name, labelNames: labelNames, reserved: ["le"])
        let bounds = HistogramFamily.normalize(buckets)
        self.name = name
        self.help = help
        self.buckets = bounds
        self.header = FamilyHeader(name: name, metadataName: name, help: help, type: "histogram")
        self.boundSuffixes = (bounds + [.infinity]).map { bound in
            var buffer = ByteBuffer(reservingCapacity: 16)
            buffer.append(double: bound)
            buffer.append("\"} ")
            return buffer.bytes
        }
        self.hasNegativeBound = bounds.contains { $0 < 0 }
        self.table = SeriesTable(familyName: name, labelNames: labelNames, maxLabelValues: maxLabelValues,
                                 onOverflow: onOverflow) { values in
            Histogram(labelNames: labelNames, labelValues: values, upperBounds: bounds)
        }
    }

    /// The `Histogram` for these label values (in `labelNames` order), created on first use.
    /// Keep the handle: updating it takes no family lock and hashes nothing. A value beyond the
    /// family's per-label cap is folded into `__other__`.
    public func labels(_ values: String...) -> Histogram {
        table.series(for: values)
    }

    /// The `Histogram` for these label values (in `labelNames` order), created on first use.
    public func labels(_ values: [String]) -> Histogram {
        table.series(for: values)
    }

    /// Removes the series with these label values, if present (a family without labels always
    /// keeps its one series). Handles already handed out keep working, no longer rendered.
    public func remove(_ values: [String]) {
        table.remove(values)
    }

    /// Removes every series (a family without labels always keeps its one series).
    public func removeAll() {
        table.removeAll()
    }

    /// Removes the series whose label values satisfy `predicate` (run outside the family lock).
    public func removeAll(where predicate: ([String]) -> Bool) {
        table.removeAll(where: predicate)
    }

    /// The label names, in the order `labels(...)` takes values.
    public var labelNames: [String] {
        table.labelNames
    }

    var isEmpty: Bool { table.isEmpty }

    var exposedNames: [String] { [name, name + "_bucket", name + "_sum", name + "_count"] }

    func encode(into buffer: inout ByteBuffer, format: ExpositionFormat) {
        buffer.append(header.bytes(for: format))
        let bucketName = Array((name + "_bucket").utf8)
        let sumName = Array((name + "_sum").utf8)
        let countName = Array((name + "_count").utf8)
        for series in table.sortedSeries() {
            let snapshot = series.snapshot()
            var cumulative: UInt64 = 0
            for index in snapshot.counts.indices {
                cumulative &+= snapshot.counts[index]
                buffer.append(bucketName)
                buffer.append(series.bucketPrefix)
                buffer.append(boundSuffixes[index])
                buffer.append(integer: cumulative)
                if format == .openMetrics, let exemplar = snapshot.exemplars[index] {
                    exemplar.encode(into: &buffer)
                }
                buffer.append(UInt8(ascii: "\n"))
            }
            // OpenMetrics forbids _sum with negative buckets or a negative sum, and _count
            // without _sum; text 0.0.4 always carries both.
            if format == .openMetrics && (hasNegativeBound || !(snapshot.sum >= 0)) {
                continue
            }
            buffer.append(sumName)
            buffer.append(series.labelBlock)
            buffer.append(UInt8(ascii: " "))
            buffer.append(double: snapshot.sum)
            buffer.append(UInt8(ascii: "\n"))
            buffer.append(countName)
            buffer.append(series.labelBlock)
            buffer.append(UInt8(ascii: " "))
            buffer.append(integer: snapshot.count)
            buffer.append(UInt8(ascii: "\n"))
        }
    }
}
