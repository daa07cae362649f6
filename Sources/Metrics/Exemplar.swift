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
    public var labels: [(name: String, value: String)] { storage.pairs }
    /// The kept labels; one label (a request id) is held without an array.
    let storage: ExemplarLabels
    /// The exemplar's value; when nil, the counter increment or the observed value is used.
    public let value: Double?
    /// Unix time in seconds, or nil to omit it.
    public let timestamp: Double?

    public init(labels: [(String, String)], value: Double? = nil, timestamp: Double? = nil) {
        if labels.count == 1, let one = Exemplar.single(labels[0].0, labels[0].1) {
            self.init(storage: one, value: value, timestamp: timestamp)
            return
        }
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
        self.init(storage: kept.isEmpty ? .none : .many(kept), value: value, timestamp: timestamp)
    }

    private init(storage: ExemplarLabels, value: Double?, timestamp: Double?) {
        self.storage = storage
        self.value = value
        self.timestamp = timestamp
    }

    /// One label (`request_id`, say): the same rules as `init(labels:)`, without building an
    /// array (the per-request path of a recorder).
    public init(labelName: String, labelValue: String, value: Double? = nil, timestamp: Double? = nil) {
        if let one = Exemplar.single(labelName, labelValue) {
            self.init(storage: one, value: value, timestamp: timestamp)
        } else {
            self.init(labels: [(labelName, labelValue)], value: value, timestamp: timestamp)
        }
    }

    /// A label name checked once, for exemplars made often with the same name.
    public struct LabelName: Sendable {
        public let name: String
        let isValid: Bool

        public init(_ name: String) {
            self.name = name
            isValid = Exemplar.isValidName(name)
        }
    }

    /// `init(labelName:labelValue:)` with the name's check done beforehand.
    public init(label: LabelName, value labelValue: String) {
        self.init(storage: Exemplar.labels(label, labelValue), value: nil, timestamp: nil)
    }

    /// The kept labels of `init(label:value:)`.
    @inline(__always)
    static func labels(_ label: LabelName, _ labelValue: String) -> ExemplarLabels {
        if label.isValid && label.name.utf8.count + labelValue.utf8.count <= Exemplar.maxLabelSetLength {
            return .one(label.name, labelValue)
        }
        return Exemplar(labels: [(label.name, labelValue)]).storage
    }

    /// A valid name whose value fits the budget untouched; nil when the general rules must run.
    /// A valid label name is ASCII, so its UTF-8 count is its length in code points; a value
    /// has at most as many code points as UTF-8 bytes.
    @inline(__always)
    private static func single(_ name: String, _ labelValue: String) -> ExemplarLabels? {
        guard isValidName(name),
              name.utf8.count + labelValue.utf8.count <= Exemplar.maxLabelSetLength else { return nil }
        return .one(name, labelValue)
    }

    /// `MetricName.isValidLabelName` as a plain loop (that one enumerates, which does not
    /// inline across the call on the per-request path).
    @inline(__always)
    private static func isValidName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard letter || byte == UInt8(ascii: "_") || (digit && !first) else { return false }
            first = false
        }
        return !first
    }
}

/// An exemplar's kept labels.
enum ExemplarLabels: Sendable {
    case none
    case one(String, String)
    case many([(name: String, value: String)])

    var pairs: [(name: String, value: String)] {
        switch self {
        case .none: return []
        case .one(let name, let value): return [(name, value)]
        case .many(let pairs): return pairs
        }
    }
}

/// An exemplar as stored on a series: its value resolved.
struct StoredExemplar: Sendable {
    let labels: ExemplarLabels
    let value: Double
    let timestamp: Double?

    init(_ exemplar: Exemplar, defaultValue: Double) {
        labels = exemplar.storage
        value = exemplar.value ?? defaultValue
        timestamp = exemplar.timestamp
    }

    init(labels: ExemplarLabels, value: Double, timestamp: Double?) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    /// Appends ` # {labels} value [timestamp]` (OpenMetrics only).
    func encode(into buffer: inout ByteBuffer) {
        buffer.append(" # {")
        switch labels {
        case .none:
            break
        case .one(let name, let value):
            StoredExemplar.encode(name, value, into: &buffer)
        case .many(let pairs):
            for (index, label) in pairs.enumerated() {
                if index > 0 {
                    buffer.append(UInt8(ascii: ","))
                }
                StoredExemplar.encode(label.name, label.value, into: &buffer)
            }
        }
        buffer.append("} ")
        buffer.append(double: value)
        if let timestamp {
            buffer.append(UInt8(ascii: " "))
            buffer.append(double: timestamp)
        }
    }

    private static func encode(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.append(string: name)
        buffer.append("=\"")
        buffer.append(escapedLabelValue: value)
        buffer.append(UInt8(ascii: "\""))
    }
}
