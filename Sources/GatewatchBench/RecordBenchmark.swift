import Foundation
import GatewatchCore
import Metrics

/// Times `Recorder.record` (classification, the request families, headroom, status windows and
/// the failures ring) on a log-like mix: 90% successes over 12 (region, model) keys, half with
/// rate-limit headers, 10% failures with seed bodies (429, 503, 401).
/// Usage: `GatewatchBench record [records per thread]` (default 1,000,000); prints records/s on
/// 1 thread and on 4 threads.
enum RecordBenchmark {
    static func run(_ arguments: [String]) {
        let perThread = arguments.first.flatMap(Int.init) ?? 1_000_000
        let records = makeRecords(count: 10_000)
        print("record benchmark: Recorder.record on \(records.count) distinct records, cycled\n")
        print(pad("threads", 9) + pad("records", 12) + pad("seconds", 10) + "records/s")
        for threads in [1, 4] {
            let recorder = makeRecorder()
            let clock = ContinuousClock()
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                for i in 0..<perThread { recorder.record(records[i % records.count]) }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let total = threads * perThread
            print(pad(String(threads), 9) + pad(String(total), 12) + pad(String(format: "%.3f", seconds), 10)
                  + String(format: "%.0f", Double(total) / seconds))
        }
    }

    static func makeRecorder() -> Recorder {
        let time = SystemTimeSource()
        return Recorder(registry: MetricsRegistry(), headroom: HeadroomTracker(time: time),
                        failures: RecentFailures(capacity: 1000, redactor: Redactor(secrets: ["bench-key-0123456789abcdef"])),
                        windows: StatusWindows(time: time))
    }

    static func makeRecords(count: Int) -> [RequestRecord] {
        let models = ["claude-sonnet-4-6", "gpt-5", "gemini-2.5-pro", "claude-haiku-4-5", "gpt-4.1", "llama-4"]
        let now = Date().timeIntervalSince1970
        let failures: [(Int, ErrorBody)] = [
            (429, .json(#"{"error": "rate limited"}"#)),
            (503, .text("Service Unavailable")),
            (401, .json(#"{"error": "Authentication error, API token missing/invalid"}"#)),
        ]
        // One labels object per (region, model), shared by its records as a log decoder shares them.
        let labels = models.indices.map { k in
            let region = k % 2 == 0 ? "us" : "eu"
            return RecordLabels(provider: "assemblyai_llm_gateway", region: region,
                                host: "llm-gateway.\(region == "eu" ? "eu." : "")assemblyai.com",
                                model: models[k], origin: "app")
        }
        return (0..<count).map { i in
            let failed = i % 10 == 9
            let failure = failures[(i / 10) % failures.count]
            let headers = i % 2 == 0 ? [HTTPHeader("X-RateLimit-Limit", "30"), HTTPHeader("X-RateLimit-Remaining", "12"),
                                        HTTPHeader("X-RateLimit-Reset", "41")] : []
            return RequestRecord(labels: labels[i % labels.count], source: .log,
                                 statusCode: failed ? failure.0 : 200, startTime: now, latency: 0.05 + Double(i % 100) / 50,
                                 requestID: "00000000-0000-4000-8000-\(String(format: "%012d", i))",
                                 errorBody: failed ? failure.1 : nil, headers: headers,
                                 finishReason: i % 13 == 0 ? "length" : "stop")
        }
    }
}
