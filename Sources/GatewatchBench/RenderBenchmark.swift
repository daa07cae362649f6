import Foundation
import Metrics

/// Times `MetricsRegistry.render` on registries of 10,000 and 100,000 series shaped like
/// gatewatch's own: 60% counters (5 labels, some with exemplars), 30% gauges (3 labels),
/// 10% histograms (4 labels, 11 buckets, exemplars). Prints the median of several runs.
/// Usage: `GatewatchBench render [runs]` (default 7 runs after one warm-up).
enum RenderBenchmark {
    static func run(_ arguments: [String]) {
        let runs = arguments.first.flatMap(Int.init) ?? 7
        print("render benchmark: median of \(runs) runs (after 1 warm-up)\n")
        print(pad("series", 9) + pad("format", 13) + pad("lines", 10) + pad("bytes", 12)
              + pad("median ms", 11) + pad("min ms", 9) + "MB/s")
        for seriesCount in [10_000, 100_000] {
            let registry = makeRegistry(series: seriesCount)
            for format in [ExpositionFormat.text, .openMetrics] {
                var output = registry.render(format)
                var times: [Double] = []
                for _ in 0..<runs {
                    let clock = ContinuousClock()
                    let start = clock.now
                    output = registry.render(format)
                    let elapsed = clock.now - start
                    times.append(Double(elapsed.components.seconds) * 1e3
                                 + Double(elapsed.components.attoseconds) / 1e15)
                }
                times.sort()
                let median = times[times.count / 2]
                let lines = output.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                let mbPerSecond = Double(output.count) / 1e6 / (median / 1e3)
                print(pad(String(seriesCount), 9) + pad(format == .text ? "text 0.0.4" : "openmetrics", 13)
                      + pad(String(lines), 10) + pad(String(output.count), 12)
                      + pad(String(format: "%.1f", median), 11) + pad(String(format: "%.1f", times[0]), 9)
                      + String(format: "%.0f", mbPerSecond))
            }
        }
    }

    static func makeRegistry(series: Int) -> MetricsRegistry {
        let registry = MetricsRegistry(maxLabelValues: 1_000_000)
        let requests = registry.counter("gatewatch_requests_total", help: "Requests seen.",
                                        labelNames: ["provider", "region", "model", "source", "code"])
        let remaining = registry.gauge("gatewatch_ratelimit_remaining_requests", help: "Remaining requests.",
                                       labelNames: ["provider", "region", "model"])
        let duration = registry.histogram("gatewatch_request_duration_seconds", help: "Request latency.",
                                          labelNames: ["provider", "region", "model", "source"],
                                          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80])
        let codes = ["200", "400", "401", "429", "500", "503", "none"]
        for i in 0..<(series * 6 / 10) {
            let counter = requests.labels("assemblyai_llm_gateway", i % 2 == 0 ? "us" : "eu",
                                          "model-\(i / 14)", i % 14 < 7 ? "probe" : "log", codes[i % 7])
            counter.inc(Double(i % 1000) + 1,
                        exemplar: i % 4 == 0 ? Exemplar(labels: [("request_id", "req-\(i)")]) : nil)
        }
        for i in 0..<(series * 3 / 10) {
            remaining.labels("assemblyai_llm_gateway", i % 2 == 0 ? "us" : "eu", "model-\(i)")
                .set(Double(i) * 0.37)
        }
        for i in 0..<(series / 10) {
            let histogram = duration.labels("assemblyai_speech", i % 2 == 0 ? "us" : "eu",
                                            "model-\(i)", "probe")
            for j in 0..<5 {
                histogram.observe(Double(j) * 0.3 + Double(i % 7),
                                  exemplar: j == 4 ? Exemplar(labels: [("request_id", "req-\(i)")]) : nil)
            }
        }
        return registry
    }
}
