/// The two exposition formats gatewatch serves, and how a scrape's Accept header picks one.
public enum ExpositionFormat: Sendable {
    /// Prometheus text format 0.0.4 (no exemplars).
    case text
    /// OpenMetrics 1.0.0 (exemplars, `# EOF`).
    case openMetrics

    /// The Content-Type header value for a response in this format.
    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks OpenMetrics when the Accept header lists `application/openmetrics-text` with
    /// version 1.0.0 (or no version) at a q-value above 0 and at least as high as any range that
    /// admits text 0.0.4 (`text/plain` of version 0.0.4 or none, `text/*`, `*/*`); text otherwise,
    /// including for a missing or unparsable header.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept else { return .text }
        var openMetricsQ = 0.0
        var textQ = 0.0
        for range in accept.split(separator: ",") {
            var parts = range.split(separator: ";").makeIterator()
            guard let mediaType = parts.next()?.trimmingWhitespace().lowercased() else { continue }
            var q = 1.0
            var version: String?
            while let parameter = parts.next() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingWhitespace().lowercased()
                var value = pair[1].trimmingWhitespace()
                if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                if key == "q" {
                    q = Double(value).map { min(max($0, 0), 1) } ?? 0
                } else if key == "version" {
                    version = value
                }
            }
            switch mediaType {
            case "application/openmetrics-text" where version == nil || version == "1.0.0":
                openMetricsQ = max(openMetricsQ, q)
            case "text/plain" where version == nil || version == "0.0.4":
                textQ = max(textQ, q)
            case "text/*", "*/*":
                textQ = max(textQ, q)
            default:
                continue
            }
        }
        return openMetricsQ > 0 && openMetricsQ >= textQ ? .openMetrics : .text
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == " " || last == "\t" {
            slice = slice.dropLast()
        }
        return String(slice)
    }
}
