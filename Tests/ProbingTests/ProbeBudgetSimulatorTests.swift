import Foundation
import GatewatchCore
import Metrics
import Probing
import Simulator
import XCTest

/// The probe budget end to end: the simulator's real rate-limit window, the real recorder and
/// headroom tracker, a `chat` probe with `min_remaining`. Probes spend the window down to its
/// last request and then skip; they never cause a 429.
final class ProbeBudgetSimulatorTests: XCTestCase {
    func testChatProbeStopsSpendingWhenTheSimulatorWindowIsExhausted() throws {
        var options = SimulatorOptions()
        options.listen = nil
        options.listenEU = nil
        options.listenUS = "127.0.0.1:0"
        options.apiKeys = ["budget-test-key-0123456789"]
        options.defaultLimit = 3
        options.window = 60
        let simulator = try Simulator(options: options)
        try simulator.start()
        defer { simulator.stop() }
        let address = try XCTUnwrap(simulator.usAddress)

        let time = SystemTimeSource()
        let registry = MetricsRegistry()
        let recorder = Recorder(registry: registry, headroom: HeadroomTracker(time: time),
                                failures: RecentFailures(capacity: 10, redactor: Redactor()),
                                windows: StatusWindows(time: time))
        recorder.exposeHeadroom(on: registry)
        let service = ProbeService(
            registry: registry,
            record: { recorder.record($0) },
            mayProbeSpend: { provider, region, model, minRemaining in
                recorder.headroom.mayProbeSpend(provider: provider, region: region, model: model, minRemaining: minRemaining)
            },
            onEvent: { _ in })
        defer { service.stop() }
        let config = GatewatchConfig(
            targets: [TargetConfig(name: "sim-us", provider: "assemblyai_llm_gateway", region: "us",
                                   baseURL: "http://\(address)", apiKeyEnv: "SIM_KEY")],
            probes: [ProbeConfig(name: "chat", target: "sim-us", kind: .chat, interval: 0.3, timeout: 0.3,
                                 model: "claude-sonnet-4-6", minRemaining: 1)])
        service.apply(config, environment: ["SIM_KEY": "budget-test-key-0123456789"])

        func exposition() -> String { String(decoding: registry.render(.text), as: UTF8.self) }
        func value(_ prefix: String) -> Double? {
            exposition().split(separator: "\n").first { $0.hasPrefix(prefix) }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        let skipped = #"gatewatch_probe_runs_total{probe="chat",result="skipped"}"#
        let deadline = Date().addingTimeInterval(30)
        while (value(skipped) ?? 0) < 3 && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }

        let out = exposition()
        XCTAssertGreaterThanOrEqual(value(skipped) ?? 0, 3, out)
        XCTAssertEqual(value(#"gatewatch_requests_total{code="200",model="claude-sonnet-4-6""#), 3, out)
        XCTAssertFalse(out.contains(#"gatewatch_requests_total{code="429""#), "a probe spent a request past the limit:\n\(out)")
        XCTAssertEqual(value(#"gatewatch_ratelimit_remaining_requests{model="claude-sonnet-4-6""#), 0, out)
    }
}
