import Foundation
import Metrics

/// The exporter's own families (CONTRACT section 3, "The exporter itself"): build info, the
/// `process_*` families, the config reload gauges and the HTTP endpoint's request counter.
final class SelfMetrics: Sendable {
    private let httpRequests: CounterFamily
    private let reloadSuccessful: Gauge
    private let reloadTimestamp: Gauge

    init(registry: MetricsRegistry) {
        registry.gauge("gatewatch_build_info",
                       help: "A metric with a constant '1' value labeled by version, revision and Swift version.",
                       labelNames: ["revision", "swift_version", "version"])
            .labels(GatewatchModule.revision, GatewatchModule.swiftVersion, GatewatchModule.version).set(1)
        ProcessCollector.register(on: registry)
        httpRequests = registry.counter("gatewatch_http_requests_total",
                                        help: "Requests to the exporter's own HTTP endpoints, by handler and status code.",
                                        labelNames: ["code", "handler"])
        reloadSuccessful = registry.gauge("gatewatch_config_last_reload_successful",
                                          help: "Whether the last configuration load or reload succeeded (1) or failed (0).")
            .labels()
        reloadTimestamp = registry.gauge("gatewatch_config_last_reload_success_timestamp_seconds",
                                         help: "When the configuration was last loaded successfully.")
            .labels()
    }

    func configLoaded(success: Bool) {
        reloadSuccessful.set(success ? 1 : 0)
        if success { reloadTimestamp.set(Date().timeIntervalSince1970) }
    }

    /// Counts one answer; paths outside `knownPaths` share the handler label `other`, so a
    /// scanner probing random URLs cannot grow the family.
    func countHTTP(path: String, status: Int, knownPaths: Set<String>) {
        httpRequests.labels(String(status), knownPaths.contains(path) ? path : "other").inc()
    }
}
