// Benchmarks outside the test suite: `GatewatchBench <name> [args...]`.
// Add a benchmark by adding an entry to `benchmarks`.

let benchmarks: [(name: String, summary: String, run: ([String]) -> Void)] = [
    ("render", "Metrics exposition: render 10k and 100k series in text 0.0.4 and OpenMetrics", RenderBenchmark.run),
    ("record", "Recorder.record (classify, count, headroom, windows) on 1 and 4 threads", RecordBenchmark.run),
    ("scrape-server", "Serve /metrics with N series over the real HTTP server (for wrk)", ScrapeServer.run),
    ("classify", "Error classifier: µs per classification by kind of record, beside JSONSerialization", ClassifyBench.run),
    ("ingest", "Log ingestion: generate FILE [N] a JSON-lines log; replay FILE through decoder + recorder", IngestBenchmark.run),
    ("probe-target", "HTTPS target for scripts/bench-probe.sh", ProbeBenchmark.target), ("probe-engine", "gatewatch's probe engine for scripts/bench-probe.sh", ProbeBenchmark.engine),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) {
    benchmark.run(Array(arguments.dropFirst()))
} else {
    print("usage: GatewatchBench <benchmark> [args...]\n")
    for benchmark in benchmarks {
        print("  \(benchmark.name.padding(toLength: 12, withPad: " ", startingAt: 0))\(benchmark.summary)")
    }
}
