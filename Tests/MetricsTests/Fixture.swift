import Metrics

/// The registry behind the golden files: hostile label values, special floats, exemplars,
/// histograms (one with negative buckets), empty families and a cardinality overflow.
enum Fixture {
    static func registry() -> MetricsRegistry {
        let registry = MetricsRegistry(maxLabelValues: 3)

        let requests = registry.counter(
            "fixture_requests_total",
            help: "Requests seen, by \"code\" and path \\ with a\nnewline.",
            labelNames: ["code", "path"])
        requests.labels("200", "/a").inc(3)
        requests.labels("500", "quote\"back\\slash\nnewline").inc(
            1, exemplar: Exemplar(labels: [("request_id", "abc-123")], timestamp: 1_700_000_000.5))
        requests.labels("200", "ünïcødé/日本").inc(2.5)
        // `path` already holds 3 distinct values: "/d" folds into __other__.
        requests.labels("404", "/d").inc(
            exemplar: Exemplar(labels: [("request_id", String(repeating: "x", count: 200))], value: 7))

        let temperature = registry.gauge("fixture_temperature_celsius", help: "Special floats, in °C (non-ASCII help).",
                                         labelNames: ["sensor"])
        temperature.labels("hot").set(.infinity)
        temperature.labels("cold").set(-.infinity)
        let broken = temperature.labels("broken")
        broken.set(.nan)
        registry.gauge("fixture_up", help: "A gauge without labels.").labels().set(1)
        registry.gauge("fixture_ratio", help: "Fractions and negatives.", labelNames: ["k"]).labels("a").set(-0.125)

        _ = registry.counter("fixture_empty_total", help: "A counter with no series yet.", labelNames: ["x"])
        _ = registry.gauge("fixture_empty_gauge", help: "A gauge with no series yet.", labelNames: ["x"])

        let latency = registry.histogram("fixture_latency_seconds", help: "Latency.",
                                         labelNames: ["route"], buckets: [0.05, 0.1, 1, 2.5])
        let slash = latency.labels("/")
        slash.observe(0.01)
        slash.observe(0.07, exemplar: Exemplar(labels: [("trace_id", "t1")], timestamp: 1_700_000_001))
        slash.observe(0.5)
        slash.observe(3, exemplar: Exemplar(labels: [("trace_id", "t2")]))
        _ = latency.labels("/idle")

        let delta = registry.histogram("fixture_delta", help: "A histogram with negative buckets.",
                                       buckets: [-1, 0, 1])
        delta.labels().observe(-2)
        delta.labels().observe(0.5)
        return registry
    }
}
