import Metrics

/// The log tailing families of CONTRACT section 3, plus `gatewatch_log_file_errors_total`
/// (files that could not be opened or read: permissions, vanished). Registering them again on
/// the same registry returns the same families, so counts survive a reconfiguration.
struct LogTailMetrics: Sendable {
    let lines: CounterFamily
    let rejected: CounterFamily
    let bytes: CounterFamily
    let rotations: CounterFamily
    let truncations: CounterFamily
    let fileErrors: CounterFamily
    let filesWatched: GaugeFamily
    let lagBytes: GaugeFamily
    let lastRecord: GaugeFamily

    init(registry: MetricsRegistry) {
        lines = registry.counter("gatewatch_log_lines_total",
                                 help: "Log lines read, accepted or rejected.", labelNames: ["log"])
        rejected = registry.counter("gatewatch_log_lines_rejected_total",
                                    help: "Log lines that produced no record, by reason.", labelNames: ["log", "reason"])
        bytes = registry.counter("gatewatch_log_bytes_total",
                                 help: "Bytes of complete log lines read, newlines included.", labelNames: ["log"])
        rotations = registry.counter("gatewatch_log_rotations_total",
                                     help: "Log file renames and re-creations followed.", labelNames: ["log"])
        truncations = registry.counter("gatewatch_log_truncations_total",
                                       help: "Log file truncations (copytruncate) followed.", labelNames: ["log"])
        fileErrors = registry.counter("gatewatch_log_file_errors_total",
                                      help: "Log files that could not be opened or read (retried).", labelNames: ["log"])
        filesWatched = registry.gauge("gatewatch_log_files_watched",
                                      help: "Log files currently open for reading.", labelNames: ["log"])
        lagBytes = registry.gauge("gatewatch_log_lag_bytes",
                                  help: "Bytes written to log files but not yet read.", labelNames: ["log"])
        lastRecord = registry.gauge("gatewatch_log_last_record_timestamp_seconds",
                                    help: "The newest accepted record's own timestamp, unix seconds.", labelNames: ["log"])
    }

    /// The series handles of one log source.
    func handles(for log: String) -> LogSourceCounters {
        LogSourceCounters(
            lines: lines.labels(log), bytes: bytes.labels(log),
            rejected: LogRejection.allCases.map { rejected.labels(log, $0.rawValue) },
            rotations: rotations.labels(log), truncations: truncations.labels(log),
            fileErrors: fileErrors.labels(log),
            filesWatched: filesWatched.labels(log), lagBytes: lagBytes.labels(log), lastRecord: lastRecord.labels(log))
    }

    /// Removes every series of a log source that is no longer configured.
    func remove(log: String) {
        for family in [lines, rejected, bytes, rotations, truncations, fileErrors] {
            family.removeAll { $0.first == log }
        }
        for family in [filesWatched, lagBytes, lastRecord] {
            family.removeAll { $0.first == log }
        }
    }
}

struct LogSourceCounters: Sendable {
    let lines: Counter
    let bytes: Counter
    /// Indexed like `LogRejection.allCases`.
    let rejected: [Counter]
    let rotations: Counter
    let truncations: Counter
    let fileErrors: Counter
    let filesWatched: Gauge
    let lagBytes: Gauge
    let lastRecord: Gauge

    func rejected(_ reason: LogRejection) -> Counter {
        switch reason {
        case .malformedJSON: return rejected[0]
        case .missingField: return rejected[1]
        case .lineTooLong: return rejected[2]
        case .invalidValue: return rejected[3]
        }
    }
}
