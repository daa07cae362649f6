/// An OpenMetrics exemplar: a small label set (a request id, a trace id) with the value it was
/// recorded for and an optional Unix timestamp in seconds.
///
/// OpenMetrics caps the combined length of an exemplar's label names and values at 128
/// UTF-8 code points; `init` enforces that by truncating values (and dropping labels whose
/// name alone no longer fits, or whose name is not a valid label name).
public struct Exemplar: Sendable {
    /// The combined length cap, in Unicode code points, of label names plus values.
    public static let maxLabelSetLength = 128

    /// The labels as kept (validated and truncated), in the order given.
    public let labels: [(name: String, value: String)]
    /// The exemplar's value; when nil, the counter increment or the observed value is used.
    public let value: Double?
    /// Unix time in seconds, or nil to omit it.
    public let timestamp: Double?

    public init(labels: [(String, String)], value: Double? = nil, timestamp: Double? = nil) {
        var budget = Exemplar.maxLabelSetLength
        var kept: [(name: String, value: String)] = []
        for (name, labelValue) in labels {
            guard MetricName.isValidLabelName(name) else { continue }
            let nameLength = name.unicodeScalars.count
            guard nameLength <= budget else { continue }
            budget -= nameLength
            // Fast path: a value with no more UTF-8 bytes than the budget has no more characters.
            let bytes = labelValue.utf8.count
            if bytes <= budget {
                kept.append((name, labelValue))
                budget -= labelValue.utf8.allSatisfy { $0 < 0x80 } ? bytes : labelValue.unicodeScalars.count
                continue
            }
            let scalars = labelValue.unicodeScalars
            if scalars.count <= budget {
                kept.append((name, labelValue))
                budget -= scalars.count
            } else {
                var truncated = String.UnicodeScalarView()
                truncated.append(contentsOf: scalars.prefix(budget))
                kept.append((name, String(truncated)))
                budget = 0
            }
        }
        self.labels = kept
        self.value = value
        self.timestamp = timestamp
    }
}

/// An exemplar as stored on a series: its value resolved.
struct StoredExemplar: Sendable {
    let labels: [(name: String, value: String)]
    let value: Double
    let timestamp: Double?

    init(_ exemplar: Exemplar, defaultValue: Double) {
        labels = exemplar.labels
        value = exemplar.value ?? defaultValue
        timestamp = exemplar.timestamp
    }

    /// Appends ` # {labels} value [timestamp]` (OpenMetrics only).
    func encode(into buffer: inout ByteBuffer) {
        buffer.append(" # {")
        for (index, label) in labels.enumerated() {
            if index > 0 {
                buffer.append(UInt8(ascii: ","))
            }
            buffer.append(string: label.name)
            buffer.append("=\"")
            buffer.append(escapedLabelValue: label.value)
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append("} ")
        buffer.append(double: value)
        if let timestamp {
            buffer.append(UInt8(ascii: " "))
            buffer.append(double: timestamp)
        }
    }
}
