import Foundation
import Metrics
import XCTest
@testable import GatewatchCore

final class RecorderTests: XCTestCase {
    let t0 = 1_795_000_000.0

    private func makeRecorder(time: ManualTimeSource) -> (MetricsRegistry, Recorder) {
        let registry = MetricsRegistry()
        let recorder = Recorder(registry: registry,
                                headroom: HeadroomTracker(ttl: 3600, time: time),
                                failures: RecentFailures(capacity: 10, redactor: Redactor(secrets: ["sk-secret-0123456789"])),
                                windows: StatusWindows(time: time))
        recorder.exposeHeadroom(on: registry)
        return (registry, recorder)
    }

    private func text(_ registry: MetricsRegistry, _ format: ExpositionFormat = .text) -> String {
        String(decoding: registry.render(format), as: UTF8.self)
    }

    private func record(status: Int?, model: String = "claude-sonnet-4-6", region: String = "eu", at: Double,
                        id: String? = nil, body: ErrorBody? = nil, headers: [HTTPHeader] = [],
                        finish: String? = nil, latency: Double? = 0.3) -> RequestRecord {
        RequestRecord(provider: "assemblyai_llm_gateway", region: region, host: "llm-gateway.\(region).assemblyai.com",
                      model: model, source: .log, origin: "app", statusCode: status,
                      transportFailure: status == nil ? .message("connect ECONNREFUSED 127.0.0.1:443") : nil,
                      startTime: at, latency: latency, requestID: id, errorBody: body, headers: headers,
                      finishReason: finish)
    }

    func testSuccessFailureAndTruncationReachTheirFamilies() {
        let time = ManualTimeSource(t0)
        let (registry, recorder) = makeRecorder(time: time)
        XCTAssertNil(recorder.record(record(status: 200, at: t0, id: "ok-1", finish: "length")))
        let c = recorder.record(record(status: 429, at: t0, id: "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd",
                                       body: .json(#"{"error": "rate limited"}"#), latency: 0.02))
        XCTAssertEqual(c?.errorClass, .rateLimited)
        let out = text(registry)
        let base = #"model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",region="eu",source="log""#
        XCTAssertTrue(out.contains(#"gatewatch_requests_total{code="200",\#(base)} 1"#), out)
        XCTAssertTrue(out.contains(#"gatewatch_requests_total{code="429",\#(base)} 1"#), out)
        XCTAssertTrue(out.contains(#"gatewatch_request_errors_total{class="rate_limited",model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",reason="\#(c?.reason ?? "")",region="eu",source="log"} 1"#), out)
        XCTAssertTrue(out.contains(#"gatewatch_truncated_responses_total{\#(base)} 1"#), out)
        XCTAssertTrue(out.contains(#"gatewatch_request_duration_seconds_count{\#(base)} 2"#), out)
        XCTAssertTrue(out.contains(#"gatewatch_request_duration_seconds_bucket{\#(base),le="0.05"} 1"#), out)

        // OpenMetrics carries the failing request_id as the errors' exemplar.
        let om = text(registry, .openMetrics)
        XCTAssertTrue(om.contains(#"# {request_id="6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"} 1"#), om)

        // The failure is in the ring, the success is not.
        let failures = recorder.failures.query()
        XCTAssertEqual(failures.map(\.requestID), ["6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"])
        XCTAssertEqual(failures.first?.log, "app")

        // The status windows saw both.
        let stats = recorder.windows.snapshot().regions[StatusRegionKey(provider: "assemblyai_llm_gateway", region: "eu")]
        XCTAssertEqual(stats?.requests, 2)
        XCTAssertEqual(stats?.errors, 1)
    }

    func testTransportFailureCountsWithCodeNone() {
        let time = ManualTimeSource(t0)
        let (registry, recorder) = makeRecorder(time: time)
        let c = recorder.record(record(status: nil, at: t0, latency: nil))
        XCTAssertNotNil(c)
        let out = text(registry)
        XCTAssertTrue(out.contains(#"gatewatch_requests_total{code="none",model="claude-sonnet-4-6""#), out)
        XCTAssertTrue(out.contains(#"gatewatch_request_duration_seconds_count{model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",region="eu",source="log"} 0"#), out)
    }

    func testHeadroomGaugesAreComputedAtScrapeTimeAndExpire() {
        let time = ManualTimeSource(t0)
        let registry = MetricsRegistry()
        let recorder = Recorder(registry: registry, headroom: HeadroomTracker(ttl: 600, time: time),
                                failures: RecentFailures(capacity: 10, redactor: Redactor()),
                                windows: StatusWindows(time: time))
        recorder.exposeHeadroom(on: registry)
        let headers = [HTTPHeader("x-ratelimit-limit", "30"), HTTPHeader("X-RateLimit-Remaining", "12"),
                       HTTPHeader("X-RATELIMIT-RESET", "41")]
        recorder.record(record(status: 200, at: t0, headers: headers, latency: 0))
        let labels = #"{model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",region="eu"}"#
        var out = text(registry)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_limit_requests\(labels) 30"), out)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_remaining_requests\(labels) 12"), out)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_headroom_ratio\(labels) 0.4"), out)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_reset_timestamp_seconds\(labels) 1795000041"), out)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_window_requests\(labels) 1"), out)

        // Three requests without headers later: the estimate drops, the observed value stays.
        for i in 1...3 { recorder.record(record(status: 200, at: t0 + Double(i), latency: 0)) }
        time.set(t0 + 5)
        out = text(registry)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_remaining_requests\(labels) 12"), out)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_headroom_ratio\(labels) 0.3"), out)
        XCTAssertTrue(out.contains("gatewatch_ratelimit_window_requests\(labels) 4"), out)

        // After the window reset the estimate is full again.
        time.set(t0 + 50)
        XCTAssertTrue(text(registry).contains("gatewatch_ratelimit_headroom_ratio\(labels) 1"))

        // Idle past the TTL: every series of the key is gone.
        time.set(t0 + 700)
        out = text(registry)
        XCTAssertFalse(out.contains("gatewatch_ratelimit_limit_requests{"), out)
        XCTAssertFalse(out.contains("gatewatch_ratelimit_window_requests{"), out)
    }

    func testSecretsNeverReachTheFailuresRing() {
        let time = ManualTimeSource(t0)
        let (_, recorder) = makeRecorder(time: time)
        recorder.record(record(status: 401, at: t0, id: "r1",
                               body: .json(#"{"error": "Authentication error, API token missing/invalid: sk-secret-0123456789"}"#)))
        let entry = recorder.failures.query().first
        XCTAssertNotNil(entry)
        XCTAssertFalse(entry?.body.contains("sk-secret-0123456789") ?? true, entry?.body ?? "")
    }

    /// 4 threads record 1,000,000 records between them; every counter is exact.
    /// The recorder's caches (handles by key, headroom slots, error counters by classification)
    /// give what uncached lookups give: many keys sharing front slots, a key whose headroom
    /// entry expired and came back, and X-RateLimit-Model naming another key.
    func testCachedHandlesMatchTheirKeys() {
        let time = ManualTimeSource(t0)
        let (registry, recorder) = makeRecorder(time: time)
        let rl = { (remaining: Int, model: String) in
            [HTTPHeader("X-RateLimit-Limit", "30"), HTTPHeader("X-RateLimit-Remaining", String(remaining)),
             HTTPHeader("X-RateLimit-Reset", "50"), HTTPHeader("X-RateLimit-Model", model)]
        }
        // 300 keys: more than the front table's slots, so many share one.
        for _ in 0..<3 {
            for k in 0..<100 {
                for region in ["eu", "us", "e"] {
                    recorder.record(record(status: k % 2 == 0 ? 200 : 503, model: "m\(k)", region: region, at: t0,
                                           body: k % 2 == 0 ? nil : .json(#"{"error": "Service Unavailable"}"#)))
                }
            }
        }
        let out = text(registry)
        for k in [0, 1, 62, 63, 64, 99] {
            for region in ["eu", "us", "e"] {
                let code = k % 2 == 0 ? "200" : "503"
                XCTAssertTrue(out.contains(#"gatewatch_requests_total{code="\#(code)",model="m\#(k)",provider="assemblyai_llm_gateway",region="\#(region)",source="log"} 3"#), "m\(k) \(region)")
                XCTAssertTrue(out.contains(#"gatewatch_ratelimit_window_requests{model="m\#(k)",provider="assemblyai_llm_gateway",region="\#(region)"} 3"#), "m\(k) \(region)")
            }
        }
        XCTAssertTrue(out.contains(#"gatewatch_request_errors_total{class="server",model="m1",provider="assemblyai_llm_gateway",reason="status_503",region="eu",source="log"} 3"#), out)

        // Headers: the key's own model, then another model's (X-RateLimit-Model overrides).
        recorder.record(record(status: 200, model: "m0", at: t0 + 1, headers: rl(20, "m0")))
        recorder.record(record(status: 200, model: "m0", at: t0 + 2, headers: rl(7, "m98")))
        var out2 = text(registry)
        XCTAssertTrue(out2.contains(#"gatewatch_ratelimit_remaining_requests{model="m0",provider="assemblyai_llm_gateway",region="eu"} 20"#), out2)
        XCTAssertTrue(out2.contains(#"gatewatch_ratelimit_remaining_requests{model="m98",provider="assemblyai_llm_gateway",region="eu"} 7"#), out2)

        // Everything expires; the same keys come back and count from zero.
        time.advance(by: 7200)
        _ = text(registry)
        XCTAssertEqual(recorder.headroom.keyCount, 0)
        recorder.record(record(status: 200, model: "m0", at: t0 + 7200, headers: rl(5, "m0")))
        out2 = text(registry)
        XCTAssertTrue(out2.contains(#"gatewatch_ratelimit_remaining_requests{model="m0",provider="assemblyai_llm_gateway",region="eu"} 5"#), out2)
        XCTAssertTrue(out2.contains(#"gatewatch_ratelimit_window_requests{model="m0",provider="assemblyai_llm_gateway",region="eu"} 1"#), out2)
        XCTAssertEqual(recorder.headroom.keyCount, 1)
    }

    func testConcurrentRecordingIsExact() {
        let time = ManualTimeSource(t0)
        let registry = MetricsRegistry()
        let recorder = Recorder(registry: registry, headroom: HeadroomTracker(ttl: 3600, time: time),
                                failures: RecentFailures(capacity: 100, redactor: Redactor()),
                                windows: StatusWindows(time: time))
        let threads = 4, perThread = 250_000
        let models = ["claude-sonnet-4-6", "gpt-5", "gemini-2.5-pro"]
        // Build each thread's records up front so the recording is what runs concurrently.
        let batches: [[RequestRecord]] = (0..<threads).map { t in
            (0..<perThread).map { i in
                let failed = i % 10 == 0
                return record(status: failed ? 503 : 200, model: models[i % 3], region: t % 2 == 0 ? "us" : "eu",
                              at: t0, id: failed ? "r\(t)-\(i)" : nil,
                              body: failed ? .text("upstream unavailable") : nil,
                              finish: i % 7 == 0 ? "length" : nil, latency: 0.2)
            }
        }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for r in batches[t] { recorder.record(r) }
        }

        var requests = 0.0, errors = 0.0, truncated = 0.0, histogramCount: UInt64 = 0
        for region in ["us", "eu"] {
            for model in models {
                let base = [model, "assemblyai_llm_gateway", region, "log"]
                requests += recorder.requests.labels(["200"] + base).value + recorder.requests.labels(["503"] + base).value
                truncated += recorder.truncated.labels(base).value
                histogramCount += recorder.duration.labels(base).count
                errors += recorder.errors.labels(["server", model, "assemblyai_llm_gateway", "status_503", region, "log"]).value
            }
        }
        let total = threads * perThread
        XCTAssertEqual(requests, Double(total))
        XCTAssertEqual(histogramCount, UInt64(total))
        XCTAssertEqual(errors, Double(total / 10))
        XCTAssertEqual(truncated, Double(threads * ((perThread + 6) / 7)))
        let windows = recorder.windows.snapshot()
        XCTAssertEqual(windows.regions.values.map(\.requests).reduce(0, +), total)
        XCTAssertEqual(windows.regions.values.map(\.errors).reduce(0, +), total / 10)
        XCTAssertEqual(recorder.headroom.snapshot().map(\.windowRequests).reduce(0, +), total)
        XCTAssertEqual(recorder.failures.count, 100)
    }
}
