import Foundation
import XCTest

/// The shipped alert rules against live traffic: the simulator refuses a depleted key with the
/// provider's 402, gatewatch's probe classifies it as billing, a real Prometheus evaluating
/// deploy/prometheus/gatewatch-alerts.yml fires GatewatchBillingExhausted for that provider only.
final class AlertFiringTests: XCTestCase {
    func testBillingAlertFiresFromASimulatedDepletedKey() throws {
        let depleted = "alert-test-depleted-key-5e1f0a9c"
        let dir = try makeTempDir(self)

        let sim = try SimulateProcess(arguments: ["--listen", "none", "--listen-eu", "none",
                                                  "--listen-us", "127.0.0.1:0", "--depleted-key", depleted])
        defer { _ = sim.stop() }
        let us = sim.usAddress

        let config = dir.appendingPathComponent("gatewatch.yml")
        try """
        targets:
          - name: llmai
            provider: llmai
            region: us
            base_url: http://\(us)/llmai
            api_key_env: LLMAI_KEY
        probes:
          - name: llmai-chat
            target: llmai
            kind: chat
            model: gpt-5.4
            interval: 1s
        state_dir: \(dir.path)/state
        """.write(to: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(arguments: ["--config", config.path], environment: ["LLMAI_KEY": depleted])
        defer { XCTAssertEqual(serve.stop(), 0) }
        let target = String(serve.baseURL.dropFirst("http://".count))

        let rules = packageRoot.appendingPathComponent("deploy/prometheus/gatewatch-alerts.yml").path
        let prom = try PrometheusProcess(config: """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files: ["\(rules)"]
        scrape_configs:
          - job_name: gatewatch
            static_configs:
              - targets: ["\(target)"]
        """, dir: dir)

        var firing: [[String: Any]] = []
        try waitFor(60, "GatewatchBillingExhausted to fire (\(prom.stderr.snapshot()))") {
            firing = (try? prom.query(#"ALERTS{alertname="GatewatchBillingExhausted",alertstate="firing"}"#)) ?? []
            return !firing.isEmpty
        }
        let labels = try XCTUnwrap(firing.first?["metric"] as? [String: String])
        XCTAssertEqual(labels["provider"], "llmai")
        XCTAssertEqual(labels["region"], "us")
        XCTAssertEqual(labels["severity"], "critical")
        let errors = try prom.query(#"gatewatch_request_errors_total{class="billing",reason="insufficient_funds",provider="llmai"}"#)
        XCTAssertFalse(errors.isEmpty)
        // Nothing about auth: the key is valid, the account is empty.
        XCTAssertTrue(try prom.query(#"ALERTS{alertname="GatewatchAuthFailing"}"#).isEmpty)
    }
}
