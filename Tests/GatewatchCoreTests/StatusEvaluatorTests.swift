import XCTest
@testable import GatewatchCore

final class StatusEvaluatorTests: XCTestCase {
    let p = "assemblyai_llm_gateway"
    let now = 1_795_000_000.0

    private func stats(requests: Int, errors: [ErrorClass: Int] = [:], latencies: [Double] = []) -> StatusWindowStats {
        var counts = [Int](repeating: 0, count: StatusWindows.latencyBounds.count + 1)
        for l in latencies { counts[StatusWindows.latencyIndex(l)!] += 1 }
        return StatusWindowStats(requests: requests, errors: errors.values.reduce(0, +), errorsByClass: errors, latencyCounts: counts)
    }

    private func windows(_ regions: [String: StatusWindowStats]) -> StatusWindowsSnapshot {
        StatusWindowsSnapshot(regions: Dictionary(uniqueKeysWithValues: regions.map {
            (StatusRegionKey(provider: p, region: $0.key), $0.value)
        }))
    }

    private func headroom(region: String, model: String, remaining: Int, limit: Int = 30) -> HeadroomSnapshot {
        let ratio = limit > 0 ? Double(remaining) / Double(limit) : 0
        return HeadroomSnapshot(
            key: HeadroomKey(provider: p, region: region, model: model),
            observation: .init(limit: limit, remaining: remaining, resetTimestamp: now + 41, observedTimestamp: now - 19,
                               requestsSinceObservation: 0,
                               estimate: HeadroomEstimate(remaining: remaining, limit: limit, ratio: ratio, windowReset: false)),
            windowRequests: 5)
    }

    private func evaluate(windows w: StatusWindowsSnapshot = StatusWindowsSnapshot(), probes: [ProbeState] = [],
                          headroom h: [HeadroomSnapshot] = [], thresholds: StatusThresholds = StatusThresholds()) -> StatusReport {
        StatusEvaluator.evaluate(windows: w, probes: probes, headroom: h, thresholds: thresholds, now: now)
    }

    func testAllQuietIsOK() {
        let r = evaluate(windows: windows(["eu": stats(requests: 100, errors: [.rateLimited: 2], latencies: [1, 2])]),
                         probes: [ProbeState(name: "llm-eu-tls", provider: p, region: "eu", success: true)],
                         headroom: [headroom(region: "eu", model: "m", remaining: 20)])
        XCTAssertEqual(r.status, .ok)
        XCTAssertEqual(r.reasons, [])
        XCTAssertEqual(r.regions.count, 1)
        XCTAssertTrue(r.regions[0].up)
        XCTAssertEqual(r.regions[0].errorRatio5m, 0.02, accuracy: 1e-12)
        XCTAssertEqual(r.regions[0].errors5m, ["rate_limited": 2])
        XCTAssertEqual(r.models.count, 1)
        XCTAssertEqual(r.status.nagiosExitCode, 0)
    }

    func testNothingKnownIsOK() {
        let r = evaluate()
        XCTAssertEqual(r.status, .ok)
        XCTAssertEqual(r.regions, [])
        XCTAssertEqual(r.models, [])
    }

    func testFailingProbeMarksRegionDownAndCritical() {
        let r = evaluate(probes: [
            ProbeState(name: "llm-eu-chat", provider: p, region: "eu", success: false,
                       lastClassification: Classification(.server, "status_503")),
            ProbeState(name: "llm-eu-tls", provider: p, region: "eu", success: true),
            ProbeState(name: "llm-us-tls", provider: p, region: "us", success: true),
        ])
        XCTAssertEqual(r.status, .critical)
        XCTAssertEqual(r.status.nagiosExitCode, 2)
        XCTAssertEqual(r.reasons, ["eu: probe llm-eu-chat failing: server/status_503"])
        let eu = r.regions.first { $0.region == "eu" }!
        XCTAssertFalse(eu.up)
        XCTAssertEqual(eu.probes, [
            StatusReport.Probe(name: "llm-eu-chat", success: false, errorClass: "server", reason: "status_503"),
            StatusReport.Probe(name: "llm-eu-tls", success: true, errorClass: nil, reason: nil),
        ])
        XCTAssertTrue(r.regions.first { $0.region == "us" }!.up)
        XCTAssertEqual(eu.errorRatio5m, 0)
        XCTAssertNil(eu.latencyP95_5mSeconds)
    }

    func testErrorRatioCriticalAndWarning() {
        var r = evaluate(windows: windows(["eu": stats(requests: 100, errors: [.server: 31])]))
        XCTAssertEqual(r.status, .critical)
        XCTAssertEqual(r.reasons, ["eu: error ratio 31% over 5m (critical above 25%)"])

        r = evaluate(windows: windows(["eu": stats(requests: 100, errors: [.server: 25])]))  // ≥ is enough
        XCTAssertEqual(r.status, .critical)

        r = evaluate(windows: windows(["us": stats(requests: 1000, errors: [.timeout: 55])]))
        XCTAssertEqual(r.status, .warning)
        XCTAssertEqual(r.status.nagiosExitCode, 1)
        XCTAssertEqual(r.reasons, ["us: error ratio 5.5% over 5m (warning above 5%)"])

        r = evaluate(windows: windows(["us": stats(requests: 1000, errors: [.timeout: 49])]))
        XCTAssertEqual(r.status, .ok)
    }

    func testHeadroomBelowWarning() {
        let r = evaluate(headroom: [headroom(region: "us", model: "claude-sonnet-4-6", remaining: 3),
                                    headroom(region: "us", model: "gpt-4o", remaining: 6)])  // 20%: not below
        XCTAssertEqual(r.status, .warning)
        XCTAssertEqual(r.reasons, ["us claude-sonnet-4-6: rate-limit headroom 10% (warning below 20%)"])
        XCTAssertEqual(r.models.map(\.model), ["claude-sonnet-4-6", "gpt-4o"])
        XCTAssertEqual(r.models[0].headroomRatio, 0.1, accuracy: 1e-12)
        XCTAssertEqual(r.models[0].remaining, 3)
        XCTAssertEqual(r.models[0].limit, 30)
        XCTAssertEqual(r.models[0].resetAt, now + 41)
        // The headroom's region shows up in regions even with no traffic in the window.
        XCTAssertEqual(r.regions.map(\.region), ["us"])
    }

    func testHeadroomWithoutObservationIsNotAModel() {
        var h = headroom(region: "us", model: "x", remaining: 0)
        h.observation = nil
        let r = evaluate(headroom: [h])
        XCTAssertEqual(r.status, .ok)
        XCTAssertEqual(r.models, [])
    }

    func testLatencyP95AboveWarning() {
        let r = evaluate(windows: windows(["us": stats(requests: 20, latencies: Array(repeating: 12.3, count: 20))]))
        XCTAssertEqual(r.status, .warning)
        XCTAssertEqual(r.reasons.count, 1)
        XCTAssertTrue(r.reasons[0].hasPrefix("us: latency p95 1"), r.reasons[0])
        XCTAssertTrue(r.reasons[0].hasSuffix("s over 5m (warning above 10s)"), r.reasons[0])
        let quick = evaluate(windows: windows(["us": stats(requests: 20, latencies: Array(repeating: 9, count: 20))]))
        XCTAssertEqual(quick.status, .ok)
    }

    func testReasonFormats() {
        XCTAssertEqual(StatusEvaluator.percent(0.31), "31%")
        XCTAssertEqual(StatusEvaluator.percent(0.055), "5.5%")
        XCTAssertEqual(StatusEvaluator.percent(0.2), "20%")
        XCTAssertEqual(StatusEvaluator.seconds(12.34), "12.3s")
        XCTAssertEqual(StatusEvaluator.seconds(10), "10s")
    }

    func testOverallIsTheWorstAndRegionsAreDisambiguated() {
        let w = StatusWindowsSnapshot(regions: [
            StatusRegionKey(provider: p, region: "us"): stats(requests: 100, errors: [.server: 10]),
            StatusRegionKey(provider: "assemblyai_speech", region: "us"): stats(requests: 10),
        ])
        let r = evaluate(windows: w, probes: [ProbeState(name: "speech-us", provider: "assemblyai_speech", region: "us",
                                                         success: false, lastClassification: nil)],
                         headroom: [headroom(region: "us", model: "m", remaining: 0)])
        XCTAssertEqual(r.status, .critical)
        XCTAssertEqual(r.regions.map(\.provider), ["assemblyai_llm_gateway", "assemblyai_speech"])
        XCTAssertEqual(r.reasons, [
            "assemblyai_llm_gateway/us: error ratio 10% over 5m (warning above 5%)",
            "assemblyai_speech/us: probe speech-us failing: unknown",
            "assemblyai_llm_gateway/us m: rate-limit headroom 0% (warning below 20%)",
        ])
    }

    func testJSONShape() throws {
        let r = evaluate(windows: windows(["eu": stats(requests: 100, errors: [.rateLimited: 3], latencies: [1.9])]),
                         probes: [ProbeState(name: "llm-eu-chat", provider: p, region: "eu", success: false,
                                             lastClassification: Classification(.server, "status_503"))],
                         headroom: [headroom(region: "eu", model: "claude-sonnet-4-6", remaining: 12)])
        let data = try r.jsonData()
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(root.keys), ["status", "generated_at", "regions", "models", "reasons"])
        XCTAssertEqual(root["status"] as? String, "critical")
        XCTAssertEqual(root["generated_at"] as? String, "2026-11-18T11:06:40Z")
        XCTAssertEqual(root["reasons"] as? [String], ["eu: probe llm-eu-chat failing: server/status_503"])

        let region = try XCTUnwrap((root["regions"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(region.keys), ["provider", "region", "up", "probes", "error_ratio_5m", "errors_5m",
                                          "latency_p95_5m_seconds"])
        XCTAssertEqual(region["up"] as? Bool, false)
        XCTAssertEqual(region["error_ratio_5m"] as? Double, 0.03)
        XCTAssertEqual(region["errors_5m"] as? [String: Int], ["rate_limited": 3])
        XCTAssertEqual(try XCTUnwrap(region["latency_p95_5m_seconds"] as? Double), 1.9, accuracy: 0.19)
        let probe = try XCTUnwrap((region["probes"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(probe.keys), ["name", "success", "class", "reason"])
        XCTAssertEqual(probe["class"] as? String, "server")

        let model = try XCTUnwrap((root["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(model.keys), ["provider", "region", "model", "headroom_ratio", "remaining", "limit", "reset_at"])
        XCTAssertEqual(model["headroom_ratio"] as? Double, 0.4)
        XCTAssertEqual(model["remaining"] as? Int, 12)
        XCTAssertEqual(model["limit"] as? Int, 30)
        XCTAssertEqual(model["reset_at"] as? String, "2026-11-18T11:07:21Z")

        // No latency: null, not absent. Successful probe: class and reason null.
        let quiet = evaluate(probes: [ProbeState(name: "t", provider: p, region: "us", success: true)])
        let q = try XCTUnwrap(JSONSerialization.jsonObject(with: quiet.jsonData()) as? [String: Any])
        let qr = try XCTUnwrap((q["regions"] as? [[String: Any]])?.first)
        XCTAssertTrue(qr["latency_p95_5m_seconds"] is NSNull)
        let qp = try XCTUnwrap((qr["probes"] as? [[String: Any]])?.first)
        XCTAssertTrue(qp["class"] is NSNull)

        // Decodes back (what `gatewatch status` does).
        let back = try JSONDecoder().decode(StatusReport.self, from: data)
        XCTAssertEqual(back.status, .critical)
        XCTAssertEqual(back.generatedAt, now)
        XCTAssertEqual(back.models[0].resetAt, now + 41)
        XCTAssertEqual(back.regions[0].probes, r.regions[0].probes)
    }

    func testRFC3339() {
        XCTAssertEqual(StatusReport.rfc3339(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(StatusReport.rfc3339(951_782_400), "2000-02-29T00:00:00Z")
        XCTAssertEqual(StatusReport.rfc3339(1_795_000_000.1239, fractionDigits: 3), "2026-11-18T11:06:40.123Z")
        XCTAssertEqual(StatusReport.rfc3339(-1), "1969-12-31T23:59:59Z")
        XCTAssertEqual(StatusReport.rfc3339(4_102_444_799), "2099-12-31T23:59:59Z")
        XCTAssertEqual(StatusReport.parseRFC3339("2026-11-18T11:06:40Z"), 1_795_000_000)
        XCTAssertEqual(StatusReport.parseRFC3339("2026-11-18T12:06:40.5+01:00"), 1_795_000_000.5)
        XCTAssertNil(StatusReport.parseRFC3339("yesterday"))
    }

    /// The pieces wired together the way the exporter will: record → windows/headroom → evaluate.
    func testEndToEndFromRecords() {
        let clock = ManualTimeSource(now)
        let w = StatusWindows(time: clock)
        let h = HeadroomTracker(time: clock)
        for i in 0..<10 {
            let limited = i >= 7
            let r = RequestRecord(provider: p, region: "eu", model: "claude-sonnet-4-6", source: .log,
                                  statusCode: limited ? 429 : 200, startTime: now - 10 + Double(i), latency: 0.8,
                                  headers: [HTTPHeader("x-ratelimit-limit", "30"), HTTPHeader("X-RateLimit-Remaining", "\(max(0, 2 - i))"),
                                            HTTPHeader("X-RateLimit-Reset", "41")])
            w.record(record: r, classification: limited ? Classification(.rateLimited, "model_rate_limit") : nil)
            h.record(provider: r.provider, region: r.region, model: r.model, headers: r.rateLimit, at: r.startTime)
        }
        let report = StatusEvaluator.evaluate(windows: w.snapshot(), probes: [], headroom: h.snapshot(),
                                              thresholds: StatusThresholds(), now: clock.now)
        XCTAssertEqual(report.status, .critical)
        XCTAssertEqual(report.reasons, [
            "eu: error ratio 30% over 5m (critical above 25%)",
            "eu claude-sonnet-4-6: rate-limit headroom 0% (warning below 20%)",
        ])
        XCTAssertEqual(report.models.first?.remaining, 0)
    }
}
