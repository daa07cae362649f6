import Foundation
import XCTest

/// `gatewatch serve` as a child process on a loopback port: endpoints, signals, reload, exit codes.
final class ServeProcessTests: XCTestCase {
    func testEndpointsAnswerAsTheContractSays() throws {
        let dir = try makeTempDir(self)
        let config = try writeLogConfig(dir)
        let serve = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(serve.stop(), 0) }

        let healthy = try httpRequest(serve.baseURL + "/-/healthy")
        XCTAssertEqual(healthy.status, 200)
        XCTAssertEqual(healthy.text.trimmingCharacters(in: .whitespacesAndNewlines), "OK")
        try waitFor(30, "/-/ready to turn 200") { try httpRequest(serve.baseURL + "/-/ready").status == 200 }

        let text = try httpRequest(serve.baseURL + "/metrics")
        XCTAssertEqual(text.status, 200)
        XCTAssertEqual(text.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertTrue(text.text.contains("gatewatch_build_info{"), text.text)
        XCTAssertTrue(text.text.contains("process_resident_memory_bytes "))
        XCTAssertTrue(text.text.contains("gatewatch_config_last_reload_successful 1"))
        XCTAssertFalse(text.text.contains("# EOF"))

        let om = try httpRequest(serve.baseURL + "/metrics", headers: [
            "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
        ])
        XCTAssertEqual(om.headers["content-type"], "application/openmetrics-text; version=1.0.0; charset=utf-8")
        XCTAssertTrue(om.text.hasSuffix("# EOF\n"), String(om.text.suffix(50)))

        XCTAssertEqual(try httpRequest(serve.baseURL + "/nope").status, 404)
        XCTAssertEqual(try httpRequest(serve.baseURL + "/metrics", method: "POST").status, 405)
        XCTAssertEqual(try httpRequest(serve.baseURL + "/-/reload", method: "GET").status, 405)

        let index = try httpRequest(serve.baseURL + "/")
        XCTAssertEqual(index.status, 200)
        XCTAssertTrue(index.text.contains("/metrics"))

        let status = try httpRequest(serve.baseURL + "/api/v1/status")
        XCTAssertEqual(status.status, 200)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: status.body) as? [String: Any])
        XCTAssertEqual(json["status"] as? String, "ok")
        XCTAssertNotNil(json["generated_at"] as? String)

        let failures = try httpRequest(serve.baseURL + "/api/v1/failures?limit=5")
        XCTAssertEqual(failures.status, 200)
        let fjson = try XCTUnwrap(JSONSerialization.jsonObject(with: failures.body) as? [String: Any])
        XCTAssertEqual((fjson["failures"] as? [Any])?.count, 0)

        // The exporter counts its own endpoints.
        let after = try httpRequest(serve.baseURL + "/metrics").text
        XCTAssertTrue(after.contains(#"gatewatch_http_requests_total{code="404",handler="other"} 1"#), after)
    }

    func testLogLinesBecomeMetricsAndFailures() throws {
        let dir = try makeTempDir(self)
        let config = try writeLogConfig(dir)
        let log = dir.appendingPathComponent("logs/app.jsonl")
        // Recent timestamps: headers older than limits.ratelimit_series_ttl (1 h) are stale and not exposed.
        let now = Int(Date().timeIntervalSince1970)
        let lines = [
            #"{"timestamp": \#(now - 2).5, "region": "eu", "model": "claude-sonnet-4-6", "status_code": 200, "request_id": "a1", "latency_ms": 834.2, "headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "41"}}"#,
            #"{"timestamp": \#(now - 1), "region": "llm-gateway.eu.assemblyai.com", "model": "claude-sonnet-4-6", "status_code": 429, "request_id": "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd", "error": {"error": "rate limited"}, "latency_ms": 20}"#,
            "this is not json",
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: false, encoding: .utf8)
        let serve = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(serve.stop(), 0) }

        var metrics = ""
        try waitFor(30, "the log lines to be counted") {
            metrics = try httpRequest(serve.baseURL + "/metrics").text
            return metrics.contains(#"gatewatch_log_lines_total{log="app"} 3"#)
        }
        XCTAssertTrue(metrics.contains(#"gatewatch_log_lines_rejected_total{log="app",reason="malformed_json"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"gatewatch_requests_total{code="429",model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",region="eu",source="log"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"gatewatch_request_errors_total{class="rate_limited",model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",reason="model_rate_limit",region="eu",source="log"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"gatewatch_ratelimit_limit_requests{model="claude-sonnet-4-6",provider="assemblyai_llm_gateway",region="eu"} 30"#), metrics)

        let failures = try httpRequest(serve.baseURL + "/api/v1/failures?region=eu")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: failures.body) as? [String: Any])
        let list = try XCTUnwrap(json["failures"] as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list.first?["request_id"] as? String, "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd")
        XCTAssertEqual(list.first?["class"] as? String, "rate_limited")
        XCTAssertEqual(list.first?["log"] as? String, "app")

        // The support bundle reads the same failures from the running exporter.
        let bundle = try runProcess(gatewatchBinary.path, ["support-bundle", "--url", serve.baseURL])
        XCTAssertEqual(bundle.status, 0, bundle.stderr)
        XCTAssertTrue(bundle.stdout.contains("6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"), bundle.stdout)
        XCTAssertTrue(bundle.stdout.contains("status code: 429"), bundle.stdout)

        // And status reports through Nagios exit codes.
        let status = try runProcess(gatewatchBinary.path, ["status", "--url", serve.baseURL])
        XCTAssertTrue([0, 1, 2].contains(status.status), status.stdout + status.stderr)
        XCTAssertTrue(status.stdout.hasPrefix("GATEWATCH "), status.stdout)
        let statusJSON = try runProcess(gatewatchBinary.path, ["status", "--url", serve.baseURL, "--json"])
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)))
    }

    func testReloadKeepsOldConfigWhenTheNewOneIsBad() throws {
        let dir = try makeTempDir(self)
        let config = try writeLogConfig(dir)
        let serve = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(serve.stop(), 0) }

        let ok = try httpRequest(serve.baseURL + "/-/reload", method: "POST")
        XCTAssertEqual(ok.status, 200, ok.text)

        try "probes: [oops".write(to: config, atomically: true, encoding: .utf8)
        let bad = try httpRequest(serve.baseURL + "/-/reload", method: "POST")
        XCTAssertEqual(bad.status, 500)
        XCTAssertTrue(bad.text.contains(config.path), bad.text)
        var metrics = try httpRequest(serve.baseURL + "/metrics").text
        XCTAssertTrue(metrics.contains("gatewatch_config_last_reload_successful 0"), metrics)
        XCTAssertEqual(try httpRequest(serve.baseURL + "/-/healthy").status, 200)

        // SIGHUP with a fixed file reloads it.
        _ = try writeLogConfig(dir)
        serve.signal(SIGHUP)
        try waitFor(30, "the SIGHUP reload") {
            metrics = try httpRequest(serve.baseURL + "/metrics").text
            return metrics.contains("gatewatch_config_last_reload_successful 1")
        }
    }

    func testFatalStartupErrorsExitOneWithOneLine() throws {
        let dir = try makeTempDir(self)
        let bad = dir.appendingPathComponent("bad.yml")
        try "probes:\n  - name: x\n    kind: chat\n    target: missing\n    interval: 10x\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try runProcess(gatewatchBinary.path, ["serve", "--config", bad.path, "--web.listen-address", "127.0.0.1:0"], timeout: 60)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.yml"), r.stderr)

        // A port in use.
        let config = try writeLogConfig(dir)
        let first = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(first.stop(), 0) }
        let address = String(first.baseURL.dropFirst("http://".count))
        let second = try runProcess(gatewatchBinary.path, ["serve", "--config", config.path, "--web.listen-address", address], timeout: 60)
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.lowercased().contains("address already in use"), second.stderr)
    }

    func testCheckConfigExitCodes() throws {
        let dir = try makeTempDir(self)
        let good = try writeLogConfig(dir)
        let r = try runProcess(gatewatchBinary.path, ["check-config", good.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(good.path): OK")

        let bad = dir.appendingPathComponent("bad.yml")
        try "probes:\n  - name: a\n    target: nowhere\n    kind: tls\n    interval: 30s\n    colour: blue\n".write(to: bad, atomically: true, encoding: .utf8)
        let b = try runProcess(gatewatchBinary.path, ["check-config", bad.path])
        XCTAssertEqual(b.status, 1)
        XCTAssertTrue(b.stdout.contains("probes[0]"), b.stdout)

        let missing = try runProcess(gatewatchBinary.path, ["check-config", dir.appendingPathComponent("none.yml").path])
        XCTAssertEqual(missing.status, 1)
    }

    func testStatusIsUnknownWhenTheExporterIsUnreachable() throws {
        let r = try runProcess(gatewatchBinary.path, ["status", "--url", "http://127.0.0.1:1"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stdout.contains("UNKNOWN"), r.stdout)
        let s = try runProcess(gatewatchBinary.path, ["support-bundle", "--url", "http://127.0.0.1:1"])
        XCTAssertEqual(s.status, 3)
    }
}
