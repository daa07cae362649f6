/// A gauge family: name, HELP text, and fixed label names.
/// Thread-safe; obtain per-label-set `Gauge` handles with `labels(...)`.
public final class GaugeFamily: ExposedFamily, Sendable {
    public let name: String
    public let help: String
    let table: SeriesTable<Gauge>
    private let header: FamilyHeader

    init(name: String, help: String, labelNames: [String], maxLabelValues: Int,
         onOverflow: (@Sendable (String) -> Void)?) {
        MetricName.validateNonCounterName(name)
        MetricName.validate(family: name, labelNames: labelNames)
        self.name = name
        self.help = help
        self.header = FamilyHeader(name: name, metadataName: name, help: help, type: "gauge")
        self.table = SeriesTable(familyName: name, labelNames: labelNames, maxLabelValues: maxLabelValues,
                                 onOverflow: onOverflow) { values in
            Gauge(labelNames: labelNames, labelValues: values)
        }
    }

    /// The `Gauge` for these label values (in `labelNames` order), created on first use.
    /// Keep the handle: updating it takes no family lock and hashes nothing. A value beyond the
    /// family's per-label cap is folded into `__other__`.
    public func labels(_ values: String...) -> Gauge {
        table.series(for: values)
    }

    /// The `Gauge` for these label values (in `labelNames` order), created on first use.
    public func labels(_ values: [String]) -> Gauge {
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

    var exposedNames: [String] { [name] }

    func encode(into buffer: inout ByteBuffer, format: ExpositionFormat) {
        buffer.append(header.bytes(for: format))
        let nameBytes = Array(name.utf8)
        for series in table.sortedSeries() {
            buffer.append(nameBytes)
            buffer.append(series.labelBlock)
            buffer.append(UInt8(ascii: " "))
            buffer.append(double: series.value)
            buffer.append(UInt8(ascii: "\n"))
        }
    }
}
