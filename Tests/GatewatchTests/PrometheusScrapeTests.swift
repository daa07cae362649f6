import Foundation
import XCTest

/// A real Prometheus (Debian's package) scrapes a running exporter: the exposition, OpenMetrics
/// negotiation and exemplars are proven by Prometheus's own parser.
final class PrometheusScrapeTests: XCTestCase {
    func testPrometheusScrapesSeriesAndExemplars() throws {
        let dir = try makeTempDir(self)
        let config = try writeLogConfig(dir)
        let line = #"{"timestamp": 1795000001, "region": "eu", "model": "claude-sonnet-4-6", "status_code": 503, "request_id": "req-503-abc", "error": {"error": "upstream unavailable"}, "latency_ms": 120}"#
        try (line + "\n").write(to: dir.appendingPathComponent("logs/app.jsonl"), atomically: false, encoding: .utf8)

        let serve = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(serve.stop(), 0) }
        let target = String(serve.baseURL.dropFirst("http://".count))

        let prom = try PrometheusProcess(config: """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: gatewatch
            static_configs:
              - targets: ["\(target)"]
        """, dir: dir)
        let api = prom.api
        let perrText = prom.stderr
        func query(_ q: String) throws -> [[String: Any]] { try prom.query(q) }
        try waitFor(60, "Prometheus to scrape gatewatch successfully (\(perrText.snapshot()))") {
            let up = try? query("up{job=\"gatewatch\"}")
            return (up?.first?["value"] as? [Any])?.last as? String == "1"
        }
        let errors = try query(#"gatewatch_request_errors_total{class="server",reason="status_503"}"#)
        XCTAssertEqual((errors.first?["value"] as? [Any])?.last as? String, "1")
        XCTAssertFalse(try query("gatewatch_build_info").isEmpty)
        XCTAssertFalse(try query("process_cpu_seconds_total").isEmpty)

        // Every query of the shipped Grafana dashboard and alert rules parses and runs here.
        let dashboard = try JSONSerialization.jsonObject(with: Data(contentsOf: packageRoot.appendingPathComponent("deploy/grafana/gatewatch-overview.json"))) as? [String: Any]
        var exprs: [String] = []
        for panel in dashboard?["panels"] as? [[String: Any]] ?? [] {
            for t in panel["targets"] as? [[String: Any]] ?? [] { if let e = t["expr"] as? String { exprs.append(e) } }
        }
        XCTAssertGreaterThan(exprs.count, 15)
        for e in exprs {
            let q = e.replacingOccurrences(of: "$provider", with: ".*").replacingOccurrences(of: "$region", with: ".*")
                .replacingOccurrences(of: "$job", with: ".*")
            let escaped = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try httpRequest("\(api)/query?query=\(escaped)")
            XCTAssertEqual(r.status, 200, "dashboard query failed: \(e): \(r.text)")
        }

        // Prometheus negotiated OpenMetrics, so the exemplar with the request_id was stored.
        try waitFor(30, "the exemplar to be stored") {
            let now = Date().timeIntervalSince1970
            let q = "gatewatch_request_errors_total".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try httpRequest("\(api)/query_exemplars?query=\(q)&start=\(Int(now - 600))&end=\(Int(now + 60))")
            return r.text.contains("req-503-abc")
        }
    }
}
