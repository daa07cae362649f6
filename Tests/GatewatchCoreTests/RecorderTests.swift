import Foundation
import Metrics
import XCTest
@testable import GatewatchCore

final class RecorderTests: XCTestCase {
    let t0 = 1_795_000_000.0

    private func makeRecorder(time: ManualTimeSource, maxLabelValues: Int = 500) -> (MetricsRegistry, Recorder) {
        let registry = MetricsRegistry(maxLabelValues: maxLabelValues)
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
        // 300 keys, each record with labels of its own: found through the key map.
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

    func testSharedLabelsFindTheirSeriesByIdentityAndEqualLabelsShareThem() {
        let time = ManualTimeSource(t0)
        let (_, recorder) = makeRecorder(time: time, maxLabelValues: 20_000)
        // More (labels, code) keys than the front table has slots, each key's records sharing
        // one labels object, as a log decoder's do: pairs of slots overflow and fall back to
        // the key map.
        let labels = (0..<5000).map { k in
            RecordLabels(provider: "assemblyai_llm_gateway", region: k % 2 == 0 ? "eu" : "us", model: "m\(k / 2)", origin: "app")
        }
        for round in 0..<2 {
            for (k, l) in labels.enumerated() {
                recorder.record(RequestRecord(labels: l, source: .log, statusCode: (k + round) % 3 == 0 ? 503 : 200,
                                              startTime: t0, latency: 0.2))
            }
        }
        // A labels object built apart with the same strings names the same series.
        let twin = RecordLabels(provider: "assemblyai_llm_gateway", region: "eu", model: "m0", origin: "app")
        XCTAssertFalse(twin === labels[0])
        recorder.record(RequestRecord(labels: twin, source: .log, statusCode: 200, startTime: t0, latency: 0.2))

        let count = { (k: Int, code: Int) in
            recorder.requests.labels([String(code), "m\(k / 2)", "assemblyai_llm_gateway", k % 2 == 0 ? "eu" : "us", "log"]).value
        }
        XCTAssertEqual(count(0, 503), 1)
        XCTAssertEqual(count(0, 200), 2)
        for k in 1..<labels.count {
            // Round 0 counts code (k % 3 == 0 ? 503 : 200), round 1 code ((k + 1) % 3 == 0 ? 503 : 200).
            let first = k % 3 == 0 ? 503 : 200, second = (k + 1) % 3 == 0 ? 503 : 200
            if first == second {
                XCTAssertEqual(count(k, first), 2, "key \(k)")
            } else {
                XCTAssertEqual(count(k, first), 1, "key \(k)")
                XCTAssertEqual(count(k, second), 1, "key \(k)")
            }
        }
    }

    func testProviderAPIsReloadReplacesCachedHandles() {
        let time = ManualTimeSource(t0)
        let (_, recorder) = makeRecorder(time: time)
        // One labels object throughout, as a log decoder shares it: its cached handles carry
        // the provider's API, so a reload must drop them.
        let labels = RecordLabels(provider: "llmai", region: "us", model: "m", origin: "app")
        let failed = RequestRecord(labels: labels, source: .log, statusCode: 404, startTime: t0, latency: 0.2,
                                   errorBody: .text("404: Not Found"))
        let asSpeech = ErrorClassifier().classify(failed, api: .assemblyAISpeech)
        let asOpenAI = ErrorClassifier().classify(failed, api: .openAICompatible)
        XCTAssertNotEqual(asSpeech, asOpenAI)
        XCTAssertEqual(recorder.record(failed), asOpenAI)
        recorder.setProviderAPIs(["llmai": .assemblyAISpeech])
        XCTAssertEqual(recorder.record(failed), asSpeech)
        XCTAssertEqual(recorder.record(failed), asSpeech)
        recorder.setProviderAPIs([:])
        XCTAssertEqual(recorder.record(failed), asOpenAI)
        XCTAssertEqual(recorder.requests.labels(["404", "m", "llmai", "us", "log"]).value, 4)
    }

    func testARecordsLabelSettersLeaveSharedLabelsAlone() {
        let shared = RecordLabels(provider: "p", region: "eu", host: "h", model: "m", origin: "app")
        let a = RequestRecord(labels: shared, source: .log, statusCode: 200, startTime: t0)
        var b = a
        b.model = "other"
        b.region = "us"
        XCTAssertTrue(a.labels === shared)
        XCTAssertEqual([a.provider, a.region, a.host ?? "-", a.model, a.origin ?? "-"], ["p", "eu", "h", "m", "app"])
        XCTAssertEqual([b.provider, b.region, b.host ?? "-", b.model, b.origin ?? "-"], ["p", "us", "h", "other", "app"])
        XCTAssertFalse(b.labels === shared)
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
        // Threads 0 and 1 share one labels object per series, as log decoders do (found by
        // identity); threads 2 and 3 build labels per record, as probes do (found by key).
        let batches: [[RequestRecord]] = (0..<threads).map { t in
            let shared = models.map { m in
                RecordLabels(provider: "assemblyai_llm_gateway", region: t % 2 == 0 ? "us" : "eu",
                             host: "llm-gateway.\(t % 2 == 0 ? "us" : "eu").assemblyai.com", model: m, origin: "app")
            }
            return (0..<perThread).map { i in
                let failed = i % 10 == 0
                var r = record(status: failed ? 503 : 200, model: models[i % 3], region: t % 2 == 0 ? "us" : "eu",
                               at: t0, id: failed ? "r\(t)-\(i)" : nil,
                               body: failed ? .text("upstream unavailable") : nil,
                               finish: i % 7 == 0 ? "length" : nil, latency: 0.2)
                if t < 2 { r.labels = shared[i % 3] }
                return r
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
