/// Why a log line produced no record: the `reason` label of `gatewatch_log_lines_rejected_total`.
public enum LogRejection: String, Error, Sendable, CaseIterable, Hashable {
    /// Not a JSON object (garbage, truncated JSON, invalid UTF-8, a raw control character, an empty line).
    case malformedJSON = "malformed_json"
    /// A JSON object with neither a status nor an error.
    case missingField = "missing_field"
    /// Longer than the source's `max_line_bytes`; skipped to its newline without being buffered.
    case lineTooLong = "line_too_long"
    /// A known field with a value of the wrong type or out of range (a status of `"abc"` or 1200,
    /// a negative latency, an unreadable timestamp).
    case invalidValue = "invalid_value"
}
