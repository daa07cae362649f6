import XCTest
@testable import GatewatchCore

final class StatusWindowsTests: XCTestCase {
    let p = "assemblyai_llm_gateway"

    private func rec(_ t: Double, region: String = "eu", model: String = "m", latency: Double? = 1) -> RequestRecord {
        RequestRecord(provider: p, region: region, model: model, source: .log, statusCode: 200, startTime: t, latency: latency)
    }

    func testCountsRequestsErrorsAndClasses() {
        let clock = ManualTimeSource(10_000)
        let w = StatusWindows(time: clock)
        for i in 0..<10 { w.record(record: rec(9_990 + Double(i)), classification: nil) }
        w.record(record: rec(9_995), classification: Classification(.rateLimited, "model_rate_limit"))
        w.record(record: rec(9_995), classification: Classification(.rateLimited, "model_rate_limit"))
        w.record(record: rec(9_996, model: "other"), classification: Classification(.server, "status_503"))
        w.record(record: rec(9_996, region: "us"), classification: nil)

        let s = w.snapshot()
        let eu = try! XCTUnwrap(s.regions[StatusRegionKey(provider: p, region: "eu")])
        XCTAssertEqual(eu.requests, 13)
        XCTAssertEqual(eu.errors, 3)
        XCTAssertEqual(eu.errorsByClass, [.rateLimited: 2, .server: 1])
        XCTAssertEqual(eu.errorRatio, 3.0 / 13.0, accuracy: 1e-12)
        XCTAssertEqual(s.regions[StatusRegionKey(provider: p, region: "us")]?.requests, 1)
        XCTAssertEqual(s.models[HeadroomKey(provider: p, region: "eu", model: "m")]?.errors, 2)
        XCTAssertEqual(s.models[HeadroomKey(provider: p, region: "eu", model: "other")]?.errorsByClass, [.server: 1])
        XCTAssertEqual(s.models.count, 3)
    }

    func testWindowsSlideOutAfterFiveMinutes() {
        let clock = ManualTimeSource(1_000)
        let w = StatusWindows(time: clock)   // 300 s in 10 s buckets
        w.record(record: rec(1_000), classification: Classification(.server, "status_500"))
        clock.set(1_100)
        w.record(record: rec(1_100), classification: nil)
        let key = StatusRegionKey(provider: p, region: "eu")

        XCTAssertEqual(w.snapshot(at: 1_100)[key]?.requests, 2)
        XCTAssertEqual(w.snapshot(at: 1_289.9).regions[key]?.requests, 2)
        // The bucket of t=1000 ([1000, 1010)) leaves at 1300; the one of 1100 at 1400.
        let at1300 = w.snapshot(at: 1_300).regions[key]
        XCTAssertEqual(at1300?.requests, 1)
        XCTAssertEqual(at1300?.errors, 0)
        XCTAssertEqual(at1300?.errorsByClass, [:])
        XCTAssertEqual(w.snapshot(at: 1_399.9).regions[key]?.requests, 1)
        XCTAssertNil(w.snapshot(at: 1_400).regions[key])
        // A slot reused by a newer bucket starts from zero.
        clock.set(1_400)
        w.record(record: rec(1_400), classification: nil)
        XCTAssertEqual(w.snapshot(at: 1_400).regions[key]?.requests, 1)
        XCTAssertEqual(w.snapshot(at: 1_400).regions[key]?.errors, 0)
    }

    func testRecordsOlderThanTheWindowOrInTheFuture() {
        let clock = ManualTimeSource(10_000)
        let w = StatusWindows(time: clock)
        w.record(record: rec(9_600), classification: nil)            // 400 s old: not counted
        w.record(record: rec(20_000), classification: nil)           // future: counted now
        w.record(record: rec(.nan), classification: nil)             // unreadable: counted now
        let key = StatusRegionKey(provider: p, region: "eu")
        XCTAssertEqual(w.snapshot().regions[key]?.requests, 2)
    }

    func testLatencyP95Precision() {
        let clock = ManualTimeSource(10_000)
        let w = StatusWindows(time: clock)
        // 1..100 × 0.1 s: true p95 = 9.5 s.
        for i in 1...100 { w.record(record: rec(10_000, latency: Double(i) / 10), classification: nil) }
        w.record(record: rec(10_000, latency: nil), classification: nil)
        let stats = w.snapshot().regions[StatusRegionKey(provider: p, region: "eu")]!
        XCTAssertEqual(stats.latencyCount, 100)
        let p95 = try! XCTUnwrap(stats.latencyP95)
        XCTAssertEqual(p95, 9.5, accuracy: 0.95)   // within 10 %
        XCTAssertEqual(stats.latencyQuantile(0.5)!, 5.0, accuracy: 0.5)

        // Each bound lands in the bucket it closes; quantiles of one value stay within 10 %.
        for v in [0.005, 0.01, 0.0101, 0.25, 1, 2.5, 10, 12.3, 80, 599, 600] {
            let i = StatusWindows.latencyIndex(v)!
            XCTAssertLessThanOrEqual(v, StatusWindows.latencyBounds[i])
            if i > 0 { XCTAssertGreaterThan(v, StatusWindows.latencyBounds[i - 1]) }
        }
        XCTAssertEqual(StatusWindows.latencyIndex(601), StatusWindows.latencyBounds.count)
        XCTAssertNil(StatusWindows.latencyIndex(-1))
        XCTAssertNil(StatusWindows.latencyIndex(.nan))
        XCTAssertNil(StatusWindowStats().latencyP95)
    }

    func testClassIndexFollowsAllCases() {
        for (i, c) in ErrorClass.allCases.enumerated() { XCTAssertEqual(StatusWindows.classIndex(c), i, "\(c)") }
    }

    func testSingleSlowRequestDominatesP95() {
        let w = StatusWindows(time: ManualTimeSource(100))
        w.record(record: rec(100, latency: 12.3), classification: nil)
        let p95 = w.snapshot().regions[StatusRegionKey(provider: p, region: "eu")]!.latencyP95!
        XCTAssertEqual(p95, 12.3, accuracy: 1.23)
        XCTAssertGreaterThan(p95, 10)
    }

    func testIdleKeysAreDropped() {
        let clock = ManualTimeSource(1_000)
        let w = StatusWindows(time: clock)
        w.record(record: rec(1_000), classification: nil)
        XCTAssertEqual(w.snapshot(at: 1_000).models.count, 1)
        XCTAssertEqual(w.snapshot(at: 2_000).models.count, 0)
        // Dropped from the state: going back in time finds nothing.
        XCTAssertEqual(w.snapshot(at: 1_000).models.count, 0)
    }

    func testKeyCapFoldsIntoOther() {
        let w = StatusWindows(time: ManualTimeSource(100), maxKeys: 2)   // + 1 per-region __other__ key
        for m in ["a", "b", "c", "d"] { w.record(record: rec(100, model: m), classification: nil) }
        w.record(record: rec(100, region: "x"), classification: nil)
        w.record(record: rec(100, region: "y"), classification: Classification(.other, "other"))
        let s = w.snapshot()
        XCTAssertEqual(Set(s.models.keys), [HeadroomKey(provider: p, region: "eu", model: "a"),
                                            HeadroomKey(provider: p, region: "eu", model: "b"),
                                            HeadroomKey(provider: p, region: "eu", model: "__other__"),
                                            StatusWindows.overflowModel])
        XCTAssertEqual(s.models[HeadroomKey(provider: p, region: "eu", model: "__other__")]?.requests, 2)
        XCTAssertEqual(s.models[StatusWindows.overflowModel]?.requests, 2)
        // Regions stay exact for what has a region; the rest is under __other__.
        XCTAssertEqual(s.regions[StatusRegionKey(provider: p, region: "eu")]?.requests, 4)
        XCTAssertEqual(s.regions[StatusWindows.overflowRegion]?.requests, 2)
        XCTAssertEqual(s.regions[StatusWindows.overflowRegion]?.errors, 1)
        XCTAssertEqual(s.regions.count, 2)
        XCTAssertEqual(w.foldedRecords, 4)
    }

    /// Through slots (as the recorder records): the same counts as by key, and a slot whose
    /// series was dropped, or whose fold no longer applies, finds its key again.
    func testSlotsCountAsKeysDoAndFollowDroppedKeys() {
        let clock = ManualTimeSource(1_000)
        let w = StatusWindows(time: clock, maxKeys: 1)
        let a = StatusWindows.Slot(key: HeadroomKey(provider: p, region: "eu", model: "a"))
        let b = StatusWindows.Slot(key: HeadroomKey(provider: p, region: "eu", model: "b"))
        for _ in 0..<3 { w.record(slot: a, record: rec(1_000, model: "a"), classification: nil, now: clock.now) }
        for _ in 0..<2 { w.record(slot: b, record: rec(1_000, model: "b"), classification: nil, now: clock.now) }
        var s = w.snapshot()
        XCTAssertEqual(s.models[a.key]?.requests, 3)
        XCTAssertEqual(s.models[HeadroomKey(provider: p, region: "eu", model: "__other__")]?.requests, 2, "b is past the cap")
        XCTAssertEqual(w.foldedRecords, 2)
        // Ten minutes later both keys have left the window and are dropped; b now fits.
        clock.advance(by: 600)
        XCTAssertEqual(w.snapshot().models.count, 0)
        w.record(slot: b, record: rec(clock.now, model: "b"), classification: nil, now: clock.now)
        w.record(slot: a, record: rec(clock.now, model: "a"), classification: nil, now: clock.now)
        s = w.snapshot()
        XCTAssertEqual(s.models[b.key]?.requests, 1)
        XCTAssertEqual(s.models[HeadroomKey(provider: p, region: "eu", model: "__other__")]?.requests, 1, "now a is past the cap")
        XCTAssertNil(s.models[a.key])
        XCTAssertEqual(w.foldedRecords, 3)
    }

    func testRegionIsTheSumOfItsModels() {
        let w = StatusWindows(time: ManualTimeSource(100))
        w.record(record: rec(95, model: "a", latency: 0.1), classification: Classification(.server, "status_500"))
        w.record(record: rec(96, model: "b", latency: 20), classification: Classification(.server, "status_502"))
        w.record(record: rec(97, model: "b", latency: nil), classification: Classification(.timeout, "response_timeout"))
        let s = w.snapshot()
        let eu = s.regions[StatusRegionKey(provider: p, region: "eu")]!
        XCTAssertEqual(eu.requests, 3)
        XCTAssertEqual(eu.errorsByClass, [.server: 2, .timeout: 1])
        XCTAssertEqual(eu.latencyCount, 2)
        XCTAssertEqual(eu.latencyQuantile(0.99)!, 20, accuracy: 2)
        XCTAssertEqual(eu.latencyQuantile(0.25)!, 0.1, accuracy: 0.01)
    }

    /// 4 threads × 250,000 records: totals exact.
    func testConcurrentRecordsAreExact() {
        let clock = ManualTimeSource(50_000)
        let w = StatusWindows(time: clock)
        let records = (0..<4).map { RequestRecord(provider: "assemblyai_llm_gateway", region: $0 % 2 == 0 ? "us" : "eu",
                                                  model: "m\($0)", source: .probe, statusCode: 200,
                                                  startTime: 49_990, latency: 0.2) }
        let fail = Classification(.server, "status_502")
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            let r = records[thread]
            for i in 0..<250_000 { w.record(record: r, classification: i % 10 == 0 ? fail : nil) }
        }
        let s = w.snapshot()
        let us = s.regions[StatusRegionKey(provider: "assemblyai_llm_gateway", region: "us")]!
        let eu = s.regions[StatusRegionKey(provider: "assemblyai_llm_gateway", region: "eu")]!
        XCTAssertEqual(us.requests + eu.requests, 1_000_000)
        XCTAssertEqual(us.requests, 500_000)
        XCTAssertEqual(us.errors + eu.errors, 100_000)
        XCTAssertEqual(us.errorsByClass[.server], 50_000)
        XCTAssertEqual(us.latencyCount, 500_000)
        for i in 0..<4 {
            XCTAssertEqual(s.models[HeadroomKey(provider: "assemblyai_llm_gateway", region: i % 2 == 0 ? "us" : "eu", model: "m\(i)")]?.requests, 250_000)
        }
    }
}

private extension StatusWindowsSnapshot {
    subscript(_ key: StatusRegionKey) -> StatusWindowStats? { regions[key] }
}
