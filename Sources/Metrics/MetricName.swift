/// Validation of metric and label names against the Prometheus naming rules (legacy charset,
/// which every Prometheus version and both exposition formats accept).
enum MetricName {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for (index, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "_"), UInt8(ascii: ":"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9") where index > 0:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isValidLabelName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for (index, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "_"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9") where index > 0:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// Checks the names a family is registered with; violations are programming errors.
    static func validate(family name: String, labelNames: [String], reserved: Set<String> = []) {
        precondition(isValidMetricName(name), "invalid metric name \(name)")
        precondition(Set(labelNames).count == labelNames.count, "duplicate label names in \(name): \(labelNames)")
        for label in labelNames {
            precondition(isValidLabelName(label) && !label.hasPrefix("__"),
                         "invalid label name \(label) in \(name)")
            precondition(!reserved.contains(label), "label name \(label) is reserved in \(name)")
        }
    }

    /// Suffixes `promtool check metrics` warns about on a gauge or histogram name.
    static func validateNonCounterName(_ name: String) {
        for suffix in ["_total", "_count", "_sum", "_bucket"] {
            precondition(!name.hasSuffix(suffix),
                         "\(name): only counters end in _total, and _count/_sum/_bucket belong to histograms")
        }
    }
}
