import Foundation
import GatewatchCore
import HTTPServer
import Metrics
import XCTest
@testable import Probing

/// The service the exporter runs: schedule, metrics, readiness, reload, budget, stop, scale.
final class ProbeServiceTests: XCTestCase {
    static let key = "fedcba9876543210fedcba9876543210"

    func makeService(_ registry: MetricsRegistry, sink: RecordSink, events: EventSink = EventSink(),
                     spread: Double = 0.5,
                     mayProbeSpend: @escaping @Sendable (String, String, String, Int) -> Bool = { _, _, _, _ in true }) -> ProbeService {
        let service = ProbeService(registry: registry, record: sink.record, mayProbeSpend: mayProbeSpend,
                                   onEvent: events.onEvent, classifyTransport: { RecordSink.classify($0) },
                                   firstRunSpread: spread)
        addTeardownBlock { service.stop() }
        return service
    }

    func target(_ server: TestServer, name: String = "t") -> TargetConfig {
        TargetConfig(name: name, provider: "assemblyai_llm_gateway", region: "us", baseURL: server.httpURL,
                     apiKeyEnv: "TEST_KEY")
    }

    func runs(_ text: String, _ probe: String, _ result: String) -> Double {
        sample(text, "gatewatch_probe_runs_total{probe=\"\(probe)\",result=\"\(result)\"}") ?? -1
    }

    func testProbesRunSetMetricsAndBecomeReady() throws {
        let server = try TestServer { _ in .json(200, "{}", headers: [("X-RateLimit-Limit", "30"), ("X-RateLimit-Remaining", "7"), ("X-RateLimit-Reset", "3")]) }
        let registry = MetricsRegistry()
        let sink = RecordSink()
        let service = makeService(registry, sink: sink)
        XCTAssertTrue(service.allRanOnce, "no probes: nothing to wait for")
        let config = GatewatchConfig(targets: [target(server)], probes: [
            ProbeConfig(name: "a-http", target: "t", kind: .http, interval: 1),
            ProbeConfig(name: "b-tls", target: "t", kind: .tls, interval: 1),
            ProbeConfig(name: "c-slow", target: "t", kind: .http, interval: 3600),
        ])
        // c-slow's first run is spread over up to 0.5 s like the others; check the text right away
        // only for its shape.
        service.apply(config, environment: ["TEST_KEY": Self.key])
        XCTAssertTrue(waitUntil { service.allRanOnce }, service.pendingDescription)
        XCTAssertEqual(service.pendingDescription, "all 3 probes have run")
        XCTAssertTrue(waitUntil { sink.all.filter { $0.origin == "a-http" }.count >= 2 }, "runs every interval")

        let text = exposition(registry)
        XCTAssertEqual(sample(text, #"gatewatch_probe_success{probe="a-http",kind="http",provider="assemblyai_llm_gateway",region="us"}"#), 1, text)
        XCTAssertEqual(sample(text, #"gatewatch_probe_success{probe="b-tls",kind="tls",provider="assemblyai_llm_gateway",region="us"}"#), 1, text)
        XCTAssertEqual(sample(text, #"gatewatch_probe_http_status_code{probe="a-http"}"#), 200)
        XCTAssertEqual(sample(text, #"gatewatch_probe_http_status_code{probe="b-tls"}"#), 0)
        XCTAssertGreaterThanOrEqual(runs(text, "a-http", "success"), 1)
        XCTAssertEqual(runs(text, "a-http", "failure"), 0)
        XCTAssertEqual(runs(text, "a-http", "skipped"), 0)
        for phase in ProbePhases.names {
            XCTAssertNotNil(sample(text, "gatewatch_probe_phase_duration_seconds{probe=\"a-http\",phase=\"\(phase)\"}"), phase)
        }
        XCTAssertNotNil(sample(text, #"gatewatch_probe_last_run_timestamp_seconds{probe="a-http"}"#))
        XCTAssertNotNil(sample(text, #"gatewatch_probe_latency_seconds_count{probe="a-http"}"#))
        XCTAssertNil(sample(text, #"gatewatch_probe_tls_cert_expiry_timestamp_seconds{probe="a-http"}"#), "plain http: no certificate")
        XCTAssertFalse(text.contains(Self.key))
        XCTAssertTrue(sink.all.allSatisfy { $0.source == .probe })
        XCTAssertEqual(sink.all.first?.rateLimit?.remaining, 7, "rate-limit headers reach the recorder (and so the headroom tracker)")
        XCTAssertEqual(server.log.all.first { $0.path == "/" }?.header("Authorization"), Self.key)
        XCTAssertEqual(Set(service.states().map(\.name)), ["a-http", "b-tls", "c-slow"])
        XCTAssertTrue(service.states().allSatisfy(\.success))
    }

    func testPendingDescriptionNamesProbesThatHaveNotRun() throws {
        let server = try TestServer()
        let service = makeService(MetricsRegistry(), sink: RecordSink(), spread: 3600)
        // Names whose stable offsets (over a 3600 s spread) are at least a minute away.
        let names = (0..<100).map { "p\($0)" }.filter { ProbeSchedule.offset(name: $0, interval: 7200, spread: 3600) > 60 }.prefix(2)
        let probes = names.map { ProbeConfig(name: $0, target: "t", kind: .tls, interval: 7200) }
        service.apply(GatewatchConfig(targets: [target(server)], probes: Array(probes)), environment: [:])
        XCTAssertFalse(service.allRanOnce)
        XCTAssertEqual(service.pendingDescription, "2 of 2 probes have not run yet: \(names.joined(separator: ", "))")
    }

    func testReloadAddsRemovesAndChangesProbesWithoutResettingCounters() throws {
        let server = try TestServer()
        let registry = MetricsRegistry()
        let sink = RecordSink()
        let service = makeService(registry, sink: sink)
        let t = target(server)
        service.apply(GatewatchConfig(targets: [t], probes: [
            ProbeConfig(name: "keep", target: "t", kind: .http, interval: 1),
            ProbeConfig(name: "drop", target: "t", kind: .http, interval: 1),
            ProbeConfig(name: "change", target: "t", kind: .http, interval: 1),
        ]), environment: [:])
        XCTAssertTrue(waitUntil { let s = exposition(registry); return ["keep", "drop", "change"].allSatisfy { self.runs(s, $0, "success") >= 2 } })
        let before = exposition(registry)

        var changed = ProbeConfig(name: "change", target: "t", kind: .tls, interval: 2)
        changed.timeout = 1
        service.apply(GatewatchConfig(targets: [t], probes: [
            ProbeConfig(name: "keep", target: "t", kind: .http, interval: 1),
            changed,
            ProbeConfig(name: "new", target: "t", kind: .http, interval: 1),
        ]), environment: [:])
        let after = exposition(registry)
        XCTAssertGreaterThanOrEqual(runs(after, "keep", "success"), runs(before, "keep", "success"), "unchanged probe keeps its count")
        XCTAssertGreaterThanOrEqual(runs(after, "change", "success"), runs(before, "change", "success"), "a changed probe keeps its count too")
        XCTAssertFalse(after.contains("probe=\"drop\""), "a removed probe's series are gone")
        XCTAssertFalse(after.contains(#"gatewatch_probe_success{probe="change",kind="http""#), "the old kind label is gone")
        XCTAssertTrue(waitUntil { self.runs(exposition(registry), "new", "success") >= 1 })
        XCTAssertTrue(waitUntil { exposition(registry).contains(#"gatewatch_probe_success{probe="change",kind="tls""#) })
        XCTAssertEqual(Set(service.runStats().keys), ["keep", "change", "new"])
        let dropRequestsAfter = sink.all.filter { $0.origin == "drop" }.count
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(sink.all.filter { $0.origin == "drop" }.count, dropRequestsAfter, "a removed probe runs no more")
    }

    /// The upstream's window is exhausted: the first answer says `X-RateLimit-Remaining: 0`, the
    /// headroom tracker learns it through the recorder, and every later chat run is skipped.
    func testBudgetSkipsChatWhileTheWindowIsExhausted() throws {
        let server = try TestServer { _ in
            .json(200, #"{"choices":[]}"#, headers: [("X-RateLimit-Limit", "30"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "60")])
        }
        let headroom = HeadroomTracker(time: SystemTimeSource())
        let sink = RecordSink(headroom: headroom)
        let registry = MetricsRegistry()
        let service = makeService(registry, sink: sink, spread: 0.2) { provider, region, model, minRemaining in
            headroom.mayProbeSpend(provider: provider, region: region, model: model, minRemaining: minRemaining)
        }
        service.apply(.one(ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 0.5, model: "m", minRemaining: 1),
                           target(server)), environment: ["TEST_KEY": Self.key])
        XCTAssertTrue(waitUntil { self.runs(exposition(registry), "chat", "skipped") >= 3 }, exposition(registry))
        XCTAssertEqual(server.log.count, 1, "only the run that learned the window was exhausted was sent")
        XCTAssertEqual(runs(exposition(registry), "chat", "success"), 1)
        XCTAssertGreaterThanOrEqual(service.runStats()["chat"]?.budgetSkips ?? 0, 3)

        // Already exhausted before the first run: nothing at all is sent, and the probe still counts as run.
        let fresh = try TestServer()
        let registry2 = MetricsRegistry()
        let service2 = makeService(registry2, sink: RecordSink(), spread: 0.2) { _, _, _, _ in false }
        service2.apply(.one(ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 0.5, model: "m", minRemaining: 3),
                            target(fresh)), environment: ["TEST_KEY": Self.key])
        XCTAssertTrue(waitUntil { self.runs(exposition(registry2), "chat", "skipped") >= 2 })
        XCTAssertTrue(service2.allRanOnce)
        XCTAssertEqual(fresh.log.count, 0)
        XCTAssertEqual(runs(exposition(registry2), "chat", "success"), 0)
    }

    func testConnectionsAreFreshPerRunUnlessReuseIsAsked() throws {
        for reuse in [false, true] {
            let server = try TestServer()
            let registry = MetricsRegistry()
            let service = ProbeService(registry: registry, record: RecordSink().record, mayProbeSpend: { _, _, _, _ in true },
                                       onEvent: { _ in }, classifyTransport: nil, firstRunSpread: 0, reuseConnections: reuse)
            service.apply(.one(ProbeConfig(name: "h", target: "t", kind: .http, interval: 0.2), target(server)), environment: [:])
            XCTAssertTrue(waitUntil { server.log.count >= 4 })
            service.stop()
            let peers = Set(server.log.all.compactMap(\.remoteAddress))
            if reuse {
                XCTAssertEqual(peers.count, 1, "one kept-alive connection: \(peers)")
            } else {
                XCTAssertEqual(peers.count, server.log.count, "a new connection (new source port) per run: \(peers)")
            }
        }
    }

    func testARunStillInFlightAtTheNextDueTimeIsSkippedAndCounted() throws {
        let silent = try SilentSocket()
        let registry = MetricsRegistry()
        let service = makeService(registry, sink: RecordSink(), spread: 0)
        // Not a valid config (timeout > interval), built directly to force overruns.
        let probe = ProbeConfig(name: "slow", target: "t", kind: .http, interval: 0.4, timeout: 1.5)
        let t = TargetConfig(name: "t", provider: "p", region: "r", baseURL: "http://127.0.0.1:\(silent.port)")
        service.apply(.one(probe, t), environment: [:])
        XCTAssertTrue(waitUntil { (service.runStats()["slow"]?.overruns ?? 0) >= 2 })
        XCTAssertTrue(waitUntil { self.runs(exposition(registry), "slow", "failure") >= 1 })
        XCTAssertGreaterThanOrEqual(runs(exposition(registry), "slow", "skipped"), 2)
        let events = service.runStats()["slow"]
        XCTAssertEqual(events?.missed, 0)
    }

    func testStopAbortsInFlightTransfersAndLeavesNoThread() throws {
        let silent = try SilentSocket()
        let baseline = threadCount()
        let sink = RecordSink()
        let service = ProbeService(registry: MetricsRegistry(), record: sink.record, mayProbeSpend: { _, _, _, _ in true },
                                   onEvent: { _ in }, classifyTransport: nil, firstRunSpread: 0)
        let t = TargetConfig(name: "t", provider: "p", region: "r", baseURL: "http://127.0.0.1:\(silent.port)")
        service.apply(.one(ProbeConfig(name: "hang", target: "t", kind: .http, interval: 60, timeout: 60), t), environment: [:])
        XCTAssertTrue(waitUntil { service.runStats()["hang"]?.started == 1 })
        XCTAssertGreaterThan(threadCount(), baseline)
        service.stop()
        service.stop()  // idempotent
        // At most the baseline: a worker thread of an earlier test counted in it may have ended since.
        XCTAssertTrue(waitUntil(timeout: 5) { threadCount() <= baseline }, "threads: \(threadCount()) vs \(baseline)")
        XCTAssertTrue(sink.all.isEmpty, "an aborted transfer records nothing")
        service.apply(.one(ProbeConfig(name: "hang", target: "t", kind: .http, interval: 60), t), environment: [:])  // returns; nothing runs
    }

    /// 200 probes at a 1 s interval against one local server: no run missed, late or overlapping.
    /// 15 s in the suite; `GATEWATCH_PROBE_SCALE_SECONDS=60` (make bench-probe-scale) for the full minute.
    func testScale200ProbesAtOneSecond() throws {
        let seconds = Double(ProcessInfo.processInfo.environment["GATEWATCH_PROBE_SCALE_SECONDS"] ?? "") ?? 15
        let server = try TestServer(threads: 4)
        let registry = MetricsRegistry()
        let sink = RecordSink()
        let service = makeService(registry, sink: sink, spread: 1)
        let probes = (0..<200).map { ProbeConfig(name: "p\($0)", target: "t", kind: .http, interval: 1, timeout: 1) }
        service.apply(GatewatchConfig(targets: [target(server)], probes: probes), environment: [:])
        Thread.sleep(forTimeInterval: seconds)
        let stats = service.runStats()
        service.stop()
        XCTAssertEqual(stats.count, 200)
        var late = 0, missed = 0, overruns = 0, started = 0, worst = 0.0
        for (name, s) in stats {
            late += s.late; missed += s.missed; overruns += s.overruns; started += s.started
            worst = max(worst, s.maxLateness)
            XCTAssertGreaterThanOrEqual(s.started, Int(seconds) - 1, name)
            XCTAssertLessThanOrEqual(s.started, Int(seconds) + 1, name)
        }
        print("scale: \(started) runs of 200 probes in \(seconds) s; late \(late), missed \(missed), overruns \(overruns), worst lateness \(String(format: "%.3f", worst)) s")
        XCTAssertEqual(missed, 0)
        XCTAssertEqual(late, 0)
        XCTAssertEqual(overruns, 0)
        let text = exposition(registry)
        let failures = text.split(separator: "\n").filter { $0.contains(#"result="failure""#) && !$0.hasSuffix(" 0") }
        XCTAssertEqual(failures, [], "every run succeeded")
        XCTAssertEqual(sink.all.filter { $0.statusCode == 200 }.count, sink.all.count)
    }
}
