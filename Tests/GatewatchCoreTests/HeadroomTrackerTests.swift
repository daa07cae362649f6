import XCTest
@testable import GatewatchCore

final class HeadroomTrackerTests: XCTestCase {
    let p = "assemblyai_llm_gateway"
    let model = "claude-sonnet-4-6"

    private func headers(limit: Int = 30, remaining: Int, reset: Double, model: String? = nil) -> RateLimitHeaders {
        RateLimitHeaders(limit: limit, remaining: remaining, resetSeconds: reset, model: model, service: "llm-gateway")
    }

    func testRequestsSinceObservationAreSubtracted() {
        let clock = ManualTimeSource(1_000)
        let t = HeadroomTracker(time: clock)
        // The observed request is counted (record) but not subtracted from its own headers.
        t.record(provider: p, region: "eu", model: model, headers: headers(remaining: 12, reset: 40), at: 1_000)
        var e = t.estimate(provider: p, region: "eu", model: model, at: 1_000)
        XCTAssertEqual(e, HeadroomEstimate(remaining: 12, limit: 30, ratio: 0.4, windowReset: false))
        for i in 1...3 { t.countRequest(provider: p, region: "eu", model: model, at: 1_000 + Double(i)) }
        e = t.estimate(provider: p, region: "eu", model: model, at: 1_010)
        XCTAssertEqual(e?.remaining, 9)
        XCTAssertEqual(e?.ratio ?? -1, 0.3, accuracy: 1e-12)
        // Never below zero.
        for i in 0..<20 { t.countRequest(provider: p, region: "eu", model: model, at: 1_011 + Double(i) / 10) }
        e = t.estimate(provider: p, region: "eu", model: model, at: 1_020)
        XCTAssertEqual(e?.remaining, 0)
        XCTAssertEqual(e?.ratio, 0)
        // Other keys are untouched.
        XCTAssertNil(t.estimate(provider: p, region: "us", model: model, at: 1_020))
    }

    func testObservedRequestNotCountedWhateverTheCallOrder() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        // observe first, then countRequest of the same request at the same instant.
        t.observe(provider: p, region: "us", model: model, headers: headers(remaining: 10, reset: 30), at: 100)
        t.countRequest(provider: p, region: "us", model: model, at: 100)
        XCTAssertEqual(t.estimate(provider: p, region: "us", model: model, at: 101)?.remaining, 10)
        // countRequest first, then observe.
        t.countRequest(provider: p, region: "us", model: model, at: 102)
        t.observe(provider: p, region: "us", model: model, headers: headers(remaining: 8, reset: 28), at: 102)
        XCTAssertEqual(t.estimate(provider: p, region: "us", model: model, at: 103)?.remaining, 8)
    }

    func testWindowResetRestoresFullHeadroom() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.record(provider: p, region: "eu", model: model, headers: headers(remaining: 0, reset: 41), at: 500)
        t.countRequest(provider: p, region: "eu", model: model, at: 510)
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model, at: 540.9),
                       HeadroomEstimate(remaining: 0, limit: 30, ratio: 0, windowReset: false))
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model, at: 541),
                       HeadroomEstimate(remaining: 30, limit: 30, ratio: 1, windowReset: true))
        // The observed values themselves stay as observed for the gauges.
        let snap = t.snapshot(at: 541)
        XCTAssertEqual(snap.count, 1)
        XCTAssertEqual(snap[0].observation?.remaining, 0)
        XCTAssertEqual(snap[0].observation?.resetTimestamp, 541)
        XCTAssertEqual(snap[0].observation?.estimate.ratio, 1)
    }

    func testZeroRemainingIsKeptAsAValue() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.record(provider: p, region: "eu", model: model, headers: headers(remaining: 0, reset: 41), at: 1_795_000_000)
        let snap = t.snapshot(at: 1_795_000_001)
        XCTAssertEqual(snap.count, 1)
        let obs = try! XCTUnwrap(snap[0].observation)
        XCTAssertEqual(obs.limit, 30)
        XCTAssertEqual(obs.remaining, 0)
        XCTAssertEqual(obs.estimate.remaining, 0)
        XCTAssertEqual(obs.estimate.ratio, 0)
        XCTAssertEqual(obs.observedTimestamp, 1_795_000_000)
        XCTAssertEqual(obs.resetTimestamp, 1_795_000_041)
    }

    func testResponseWithoutHeadersLeavesObservationUntouched() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.record(provider: p, region: "us", model: model, headers: headers(remaining: 20, reset: 50), at: 1_000)
        let before = t.snapshot(at: 1_001)[0].observation
        t.record(provider: p, region: "us", model: model, headers: nil, at: 1_002)
        let after = t.snapshot(at: 1_003)[0].observation
        XCTAssertEqual(after?.limit, before?.limit)
        XCTAssertEqual(after?.remaining, 20)
        XCTAssertEqual(after?.observedTimestamp, 1_000)
        XCTAssertEqual(after?.resetTimestamp, 1_050)
        // ...but the request itself counts against the estimate and in the window.
        XCTAssertEqual(after?.estimate.remaining, 19)
        XCTAssertEqual(t.snapshot(at: 1_003)[0].windowRequests, 2)
    }

    func testStaleObservationIsIgnored() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.observe(provider: p, region: "us", model: model, headers: headers(remaining: 5, reset: 30), at: 2_000)
        t.observe(provider: p, region: "us", model: model, headers: headers(remaining: 25, reset: 50), at: 1_990)
        XCTAssertEqual(t.snapshot(at: 2_001)[0].observation?.remaining, 5)
    }

    func testModelHeaderOverridesRequestModel() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        // The request asked for an alias; the gateway says which model's limit applies.
        t.record(provider: p, region: "us", model: "claude-sonnet",
                 headers: headers(remaining: 7, reset: 20, model: "claude-sonnet-4-6"), at: 100)
        t.observe(provider: p, region: "us", model: "",
                  headers: headers(limit: 60, remaining: 50, reset: 20, model: "gpt-4o"), at: 100)
        XCTAssertNil(t.estimate(provider: p, region: "us", model: "claude-sonnet", at: 101))
        XCTAssertEqual(t.estimate(provider: p, region: "us", model: "claude-sonnet-4-6", at: 101)?.remaining, 7)
        XCTAssertEqual(t.estimate(provider: p, region: "us", model: "gpt-4o", at: 101)?.limit, 60)
        XCTAssertNil(t.estimate(provider: p, region: "us", model: "", at: 101))
        XCTAssertEqual(t.snapshot(at: 101).map(\.key.model), ["claude-sonnet-4-6", "gpt-4o"])
    }

    func testRequestsWithoutAnyHeadersProduceOnlyWindowRequests() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.countRequest(provider: "llmai", region: "us", model: "gpt-4o", at: 10)
        t.countRequest(provider: "llmai", region: "us", model: "gpt-4o", at: 11)
        let snap = t.snapshot(at: 12)
        XCTAssertEqual(snap.count, 1)
        XCTAssertNil(snap[0].observation)
        XCTAssertEqual(snap[0].windowRequests, 2)
        XCTAssertNil(t.estimate(provider: "llmai", region: "us", model: "gpt-4o", at: 12))
    }

    func testTrailingSixtySecondCounts() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        let k = (p, "us", model)
        // 1 request per second for 100 s, starting at 1000 (the clock reads as the requests come).
        func window(_ at: Double) -> Int { t.snapshot(at: at).first?.windowRequests ?? -1 }
        for s in 0..<31 { t.countRequest(provider: k.0, region: k.1, model: k.2, at: 1_000 + Double(s) + 0.5) }
        XCTAssertEqual(window(1_000.9), 1)
        XCTAssertEqual(window(1_030.9), 31)
        for s in 31..<100 { t.countRequest(provider: k.0, region: k.1, model: k.2, at: 1_000 + Double(s) + 0.5) }
        XCTAssertEqual(window(1_099.9), 60)   // seconds 1040...1099
        XCTAssertEqual(window(1_120.0), 39)   // seconds 1061...1099
        XCTAssertEqual(window(1_159.0), 0)    // second 1099 left at 1159
        XCTAssertEqual(window(1_158.0), 1)
        // A late (out-of-order) request older than its slot's second is not counted.
        t.countRequest(provider: k.0, region: k.1, model: k.2, at: 1_010)
        XCTAssertEqual(window(1_099.9), 60)
        // Several in one second add up.
        for _ in 0..<5 { t.countRequest(provider: k.0, region: k.1, model: k.2, at: 1_200.25) }
        XCTAssertEqual(window(1_200.5), 5)
        XCTAssertEqual(window(1_259.5), 5)
        XCTAssertEqual(window(1_260.0), 0)
    }

    func testTrailingCountsAroundZeroAndBeforeTheEpoch() {
        // Negative times take the floor (-0.5 is second -1, -60.5 second -61), as the window
        // reads them; -0.0 is second 0.
        let t = HeadroomTracker(time: ManualTimeSource(0))
        func window(_ at: Double) -> Int { t.snapshot(at: at).first?.windowRequests ?? -1 }
        for at in [-61.5, -60.5, -0.5] { t.countRequest(provider: p, region: "us", model: model, at: at) }
        // Second -1 took the slot of second -61 (60 s apart): seconds -120...-61 hold -62 only.
        XCTAssertEqual(window(-61.0), 1)
        XCTAssertEqual(window(-0.25), 1)   // seconds -60...-1: the -0.5
        for at in [-0.0, 0.0, 0.5] { t.countRequest(provider: p, region: "us", model: model, at: at) }
        XCTAssertEqual(window(0.75), 4)    // seconds -59...0: -1 and three in second 0
        t.countRequest(provider: p, region: "us", model: model, at: 59.5)  // second 59 takes second -1's slot
        XCTAssertEqual(window(59.75), 4)   // seconds 0...59
        XCTAssertEqual(window(60.0), 1)    // seconds 1...60: 59.5 only
    }

    func testTTLExpiry() {
        let clock = ManualTimeSource(10_000)
        let t = HeadroomTracker(ttl: 3600, time: clock)
        t.record(provider: p, region: "eu", model: "a", headers: headers(remaining: 3, reset: 30), at: 10_000)
        t.record(provider: p, region: "eu", model: "b", headers: headers(remaining: 3, reset: 30), at: 10_000)
        // "b" keeps getting requests without headers after its observation.
        t.countRequest(provider: p, region: "eu", model: "b", at: 12_000)

        XCTAssertEqual(t.expire(at: 13_600), [])
        XCTAssertEqual(t.snapshot(at: 13_600).count, 2)

        clock.set(13_600.5)
        // Snapshot hides what is past the TTL even before expire runs.
        var snap = t.snapshot()
        XCTAssertEqual(snap.map(\.key.model), ["b"])
        XCTAssertNil(snap[0].observation)             // b's headers are older than the TTL
        XCTAssertEqual(snap[0].windowRequests, 0)
        XCTAssertNil(t.estimate(provider: p, region: "eu", model: "b"))
        XCTAssertTrue(t.mayProbeSpend(provider: p, region: "eu", model: "b", minRemaining: 10))

        let removed = t.expire()
        XCTAssertEqual(removed, [HeadroomKey(provider: p, region: "eu", model: "a")])
        XCTAssertEqual(t.keyCount, 1)
        snap = t.snapshot()
        XCTAssertEqual(snap.count, 1)
        XCTAssertNil(snap[0].observation)

        XCTAssertEqual(t.expire(at: 15_600.5), [HeadroomKey(provider: p, region: "eu", model: "b")])
        XCTAssertEqual(t.keyCount, 0)
        XCTAssertEqual(t.snapshot(at: 15_601), [])
    }

    func testMayProbeSpend() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        XCTAssertTrue(t.mayProbeSpend(provider: p, region: "eu", model: model, minRemaining: 3, at: 100))
        t.record(provider: p, region: "eu", model: model, headers: headers(remaining: 4, reset: 30), at: 100)
        XCTAssertTrue(t.mayProbeSpend(provider: p, region: "eu", model: model, minRemaining: 3, at: 101))
        t.countRequest(provider: p, region: "eu", model: model, at: 102)
        XCTAssertTrue(t.mayProbeSpend(provider: p, region: "eu", model: model, minRemaining: 3, at: 103))  // 3 ≥ 3
        t.countRequest(provider: p, region: "eu", model: model, at: 104)
        XCTAssertFalse(t.mayProbeSpend(provider: p, region: "eu", model: model, minRemaining: 3, at: 105))  // 2 < 3
        XCTAssertTrue(t.mayProbeSpend(provider: p, region: "eu", model: model, minRemaining: 3, at: 130))  // reset
        XCTAssertTrue(t.mayProbeSpend(provider: p, region: "eu", model: model, minRemaining: 0, at: 105))
    }

    func testLimitZeroGivesRatioZero() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.observe(provider: p, region: "eu", model: model, headers: headers(limit: 0, remaining: 0, reset: 10), at: 1)
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model, at: 2)?.ratio, 0)
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model, at: 20)?.ratio, 0)
        // Remaining above limit is clamped to the limit.
        t.observe(provider: p, region: "eu", model: model, headers: headers(limit: 10, remaining: 99, reset: 10), at: 3)
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model, at: 4)?.remaining, 10)
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model, at: 4)?.ratio, 1)
    }

    func testNonFiniteTimesNeitherCrashNorCorrupt() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.observe(provider: p, region: "eu", model: model, headers: headers(remaining: 5, reset: 10), at: 100)
        t.observe(provider: p, region: "eu", model: model, headers: headers(remaining: 1, reset: 10), at: .nan)
        t.countRequest(provider: p, region: "eu", model: model, at: .infinity)
        t.countRequest(provider: p, region: "eu", model: model, at: 1e300)
        XCTAssertEqual(t.snapshot(at: 101)[0].observation?.remaining, 5)
    }

    func testDefaultTimeComesFromTheClock() {
        let clock = ManualTimeSource(5_000)
        let t = HeadroomTracker(time: clock)
        t.record(provider: p, region: "eu", model: model, headers: headers(remaining: 10, reset: 60))
        clock.advance(by: 1)
        t.countRequest(provider: p, region: "eu", model: model)
        XCTAssertEqual(t.estimate(provider: p, region: "eu", model: model)?.remaining, 9)
        XCTAssertEqual(t.snapshot()[0].observation?.observedTimestamp, 5_000)
        XCTAssertEqual(t.snapshot()[0].windowRequests, 2)
    }

    func testKeyCapRejectsNewKeysAndCountsThem() {
        let t = HeadroomTracker(maxKeys: 2, time: ManualTimeSource(0))
        t.countRequest(provider: p, region: "us", model: "a", at: 1)
        t.record(provider: p, region: "us", model: "b", headers: headers(remaining: 5, reset: 30), at: 1)
        t.record(provider: p, region: "us", model: "c", headers: headers(remaining: 5, reset: 30), at: 1)
        t.countRequest(provider: p, region: "us", model: "d", at: 1)
        t.countRequest(provider: p, region: "us", model: "a", at: 2)   // existing keys still count
        XCTAssertEqual(t.keyCount, 2)
        XCTAssertEqual(t.rejectedKeys, 2)
        XCTAssertEqual(t.snapshot(at: 3).map(\.key.model), ["a", "b"])
        XCTAssertEqual(t.snapshot(at: 3)[0].windowRequests, 2)
        // Room comes back once keys expire.
        t.expire(at: 10_000)
        t.countRequest(provider: p, region: "us", model: "d", at: 10_000)
        XCTAssertEqual(t.snapshot(at: 10_000).map(\.key.model), ["d"])
    }

    /// 4 threads × 250,000 calls on shared and own keys: totals exact.
    func testConcurrentCountsAreExact() {
        let t = HeadroomTracker(time: ManualTimeSource(0))
        t.observe(provider: p, region: "us", model: "shared", headers: headers(limit: 2_000_000, remaining: 2_000_000, reset: 3600), at: 999)
        let perThread = 250_000
        let p = self.p
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            let own = "own-\(thread)"
            for i in 0..<perThread {
                let at = 1_000 + Double(i % 50)   // 50 distinct seconds, all inside the 60 s window
                if i % 2 == 0 {
                    t.countRequest(provider: p, region: "us", model: "shared", at: at)
                } else {
                    t.record(provider: p, region: "us", model: own, headers: nil, at: at)
                }
            }
        }
        let snap = t.snapshot(at: 1_049.5)
        XCTAssertEqual(snap.count, 5)
        let shared = snap.first { $0.key.model == "shared" }!
        XCTAssertEqual(shared.windowRequests, 4 * perThread / 2)
        XCTAssertEqual(shared.observation?.requestsSinceObservation, 4 * perThread / 2)
        XCTAssertEqual(shared.observation?.estimate.remaining, 2_000_000 - 4 * perThread / 2)
        for thread in 0..<4 {
            XCTAssertEqual(snap.first { $0.key.model == "own-\(thread)" }?.windowRequests, perThread / 2)
        }
    }
}
