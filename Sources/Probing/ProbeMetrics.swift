import GatewatchCore
import Metrics

/// The probe families of CONTRACT section 3, registered on the exporter's registry. Handles are
/// kept per probe, so a reload keeps the series (and counts) of probes that stay.
/// Thread-safe like the registry; the service updates it from the probe loop.
final class ProbeMetrics: Sendable {
    static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80]

    let success: GaugeFamily
    let duration: GaugeFamily
    let phase: GaugeFamily
    let status: GaugeFamily
    let certExpiry: GaugeFamily
    let lastRun: GaugeFamily
    let runs: CounterFamily
    let latency: HistogramFamily

    init(registry: MetricsRegistry) {
        success = registry.gauge("gatewatch_probe_success", help: "Whether the probe's last run succeeded (1) or failed (0).",
                                 labelNames: ["probe", "kind", "provider", "region"])
        duration = registry.gauge("gatewatch_probe_duration_seconds", help: "Duration of the probe's last run.",
                                  labelNames: ["probe"])
        phase = registry.gauge("gatewatch_probe_phase_duration_seconds",
                               help: "Duration of each phase of the probe's last run (0 for a phase not reached).",
                               labelNames: ["probe", "phase"])
        status = registry.gauge("gatewatch_probe_http_status_code",
                                help: "HTTP status of the probe's last run; 0 when no response came back.",
                                labelNames: ["probe"])
        certExpiry = registry.gauge("gatewatch_probe_tls_cert_expiry_timestamp_seconds",
                                    help: "Earliest notAfter in the certificate chain the probe's last run was served, as a Unix timestamp.",
                                    labelNames: ["probe"])
        lastRun = registry.gauge("gatewatch_probe_last_run_timestamp_seconds",
                                 help: "When the probe last ran, as a Unix timestamp.", labelNames: ["probe"])
        runs = registry.counter("gatewatch_probe_runs_total", help: "Probe runs by result (success, failure, skipped).",
                                labelNames: ["probe", "result"])
        latency = registry.histogram("gatewatch_probe_latency_seconds", help: "Duration of probe runs.",
                                     labelNames: ["probe"], buckets: ProbeMetrics.latencyBuckets)
    }

    /// The handles of one probe.
    struct Series: Sendable {
        let successGauge: Gauge
        let successLabels: [String]
        let duration: Gauge
        let phases: [Gauge]
        let status: Gauge
        let lastRun: Gauge
        let runsSuccess: Counter
        let runsFailure: Counter
        let runsSkipped: Counter
        let latency: Histogram
    }

    /// Handles for `plan` (created, or found again for a probe that already had them). The run
    /// counters start at 0 so a probe that never succeeded still shows the series.
    func series(for plan: ProbePlan) -> Series {
        let name = plan.name
        let labels = [name, plan.kind.rawValue, plan.target.provider, plan.target.region]
        return Series(successGauge: success.labels(labels), successLabels: labels,
                      duration: duration.labels(name),
                      phases: ProbePhases.names.map { phase.labels(name, $0) },
                      status: status.labels(name), lastRun: lastRun.labels(name),
                      runsSuccess: runs.labels(name, "success"), runsFailure: runs.labels(name, "failure"),
                      runsSkipped: runs.labels(name, "skipped"), latency: latency.labels(name))
    }

    /// Sets every last-run gauge and counts the run.
    func update(_ series: Series, with result: ProbeResult) {
        switch result.outcome {
        case .skipped:
            series.runsSkipped.inc()
            return
        case .success: series.runsSuccess.inc()
        case .failure: series.runsFailure.inc()
        }
        series.successGauge.set(result.success ? 1 : 0)
        series.duration.set(result.duration)
        for (gauge, value) in zip(series.phases, result.phases.values) { gauge.set(value) }
        series.status.set(Double(result.statusCode ?? 0))
        series.lastRun.set(result.startTime)
        series.latency.observe(result.duration)
        if let expiry = result.certificateExpiry {
            certExpiry.labels(result.probe).set(expiry)
        } else if !result.reusedConnection {
            certExpiry.remove([result.probe])  // no certificate this run: no stale expiry
        }
    }

    /// Removes a probe's series from every family (the probe left the config).
    func remove(probe: String) {
        let match: ([String]) -> Bool = { $0.first == probe }
        success.removeAll(where: match)
        duration.remove([probe])
        phase.removeAll(where: match)
        status.remove([probe])
        certExpiry.remove([probe])
        lastRun.remove([probe])
        runs.removeAll(where: match)
        latency.remove([probe])
    }

    /// Removes an old `gatewatch_probe_success` series whose kind/provider/region changed.
    func removeSuccess(labels: [String]) {
        success.remove(labels)
    }
}
