import Foundation
import XCTest

/// The rule "an API key never appears in metrics, logs, status output, failures or errors",
/// end to end: serve probes a live simulator with a good key and with a revoked one, and tails a
/// log whose error bodies echo keys back; then every surface is searched for both keys.
final class SecretsTests: XCTestCase {
    func testKeysAppearNowhereAnOperatorCanSee() throws {
        let good = "gw-test-good-key-7f3a9c0e5b1d4a2f8e6c"
        let revoked = "gw-test-revoked-key-1c9e7a5f3b2d0e8a6c4f"
        let dir = try makeTempDir(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)

        // The simulator accepts only the good key.
        let sim = try SimulateProcess(arguments: ["--listen", "none", "--listen-eu", "none",
                                                  "--listen-us", "127.0.0.1:0", "--api-key", good])
        defer { _ = sim.stop() }
        let us = sim.usAddress

        // A log whose failures echo keys, as careless clients do.
        let now = Int(Date().timeIntervalSince1970)
        let lines = [
            #"{"timestamp": \#(now), "region": "us", "model": "m", "status_code": 401, "request_id": "r1", "error": {"error": "Authentication error, API token missing/invalid: \#(revoked)"}}"#,
            #"{"timestamp": \#(now), "region": "us", "model": "m", "status_code": 500, "request_id": "r2", "error": "upstream said: Authorization: Bearer \#(good)"}"#,
            #"{"timestamp": \#(now), "region": "us", "model": "m", "error": "connect ECONNREFUSED (key \#(good))"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("logs/app.jsonl"), atomically: false, encoding: .utf8)

        let config = dir.appendingPathComponent("gatewatch.yml")
        try """
        targets:
          - name: good
            provider: assemblyai_llm_gateway
            region: us
            base_url: http://\(us)
            api_key_env: GOOD_KEY
          - name: revoked
            provider: assemblyai_llm_gateway
            region: us
            base_url: http://\(us)
            api_key_env: REVOKED_KEY
        probes:
          - name: good-chat
            target: good
            kind: chat
            model: claude-sonnet-4-6
            interval: 1s
          - name: revoked-chat
            target: revoked
            kind: chat
            model: claude-sonnet-4-6
            interval: 1s
        logs:
          - name: app
            paths: ["\(dir.path)/logs/*.jsonl"]
            start_at: beginning
        state_dir: \(dir.path)/state
        """.write(to: config, atomically: true, encoding: .utf8)

        let serve = try ServeProcess(arguments: ["--config", config.path],
                                     environment: ["GOOD_KEY": good, "REVOKED_KEY": revoked])
        try waitFor(30, "both probes to run and the log to be read") {
            let m = try httpRequest(serve.baseURL + "/metrics").text
            return m.contains(#"gatewatch_probe_runs_total{probe="revoked-chat",result="failure"}"#)
                && m.contains(#"gatewatch_probe_runs_total{probe="good-chat",result="success"}"#)
                && m.contains(#"gatewatch_log_lines_total{log="app"} 3"#)
        }
        // A reload re-reads the keys: a chance to log them.
        XCTAssertEqual(try httpRequest(serve.baseURL + "/-/reload", method: "POST").status, 200)

        var surfaces: [(String, String)] = []
        surfaces.append(("/metrics", try httpRequest(serve.baseURL + "/metrics").text))
        surfaces.append(("/metrics openmetrics", try httpRequest(serve.baseURL + "/metrics", headers: [
            "Accept": "application/openmetrics-text;version=1.0.0"]).text))
        for path in ["/", "/api/v1/status", "/api/v1/failures?limit=1000"] {
            surfaces.append((path, try httpRequest(serve.baseURL + path).text))
        }
        let failures = try httpRequest(serve.baseURL + "/api/v1/failures?limit=1000").text
        XCTAssertTrue(failures.contains("invalid_key"), failures)
        XCTAssertTrue(failures.contains("[REDACTED]"), "the echoed keys should show as redacted: \(failures)")
        surfaces.append(("status", try runProcess(gatewatchBinary.path, ["status", "--url", serve.baseURL]).stdout))
        surfaces.append(("status --json", try runProcess(gatewatchBinary.path, ["status", "--url", serve.baseURL, "--json"]).stdout))
        let bundle = try runProcess(gatewatchBinary.path, ["support-bundle", "--url", serve.baseURL])
        XCTAssertTrue(bundle.stdout.contains("r1"), bundle.stdout)
        surfaces.append(("support-bundle", bundle.stdout + bundle.stderr))
        let probe = try runProcess(gatewatchBinary.path, ["probe", "--config", config.path],
                                   environment: ProcessInfo.processInfo.environment.merging(
                                       ["GOOD_KEY": good, "REVOKED_KEY": revoked]) { $1 })
        XCTAssertEqual(probe.status, 2, probe.stdout + probe.stderr)
        surfaces.append(("probe", probe.stdout + probe.stderr))
        XCTAssertEqual(serve.stop(), 0)
        surfaces.append(("serve's log (debug level)", serve.stderr.text() + serve.stdout.text()))

        for (name, text) in surfaces {
            XCTAssertFalse(text.isEmpty, "\(name) said nothing")
            for key in [good, revoked] {
                XCTAssertFalse(text.contains(key), "\(name) shows a key:\n\(text)")
                XCTAssertFalse(text.contains(String(key.prefix(16))), "\(name) shows part of a key:\n\(text)")
            }
        }
    }
}
