import Foundation
import XCTest

/// `gatewatch simulate` as a process: it answers on the addresses it prints, its client mode
/// writes a request log that `gatewatch replay` reads without a rejected line, and SIGTERM
/// exits 0.
final class SimulateProcessTests: XCTestCase {
    func testSimulateServesWritesALogReplayReadsAndStopsCleanly() throws {
        let dir = try makeTempDir(self)
        let log = dir.appendingPathComponent("app.jsonl")
        let key = "simulate-test-key-0123456789"
        let sim = try SimulateProcess(arguments: [
            "--listen", "127.0.0.1:0", "--listen-us", "127.0.0.1:0", "--listen-eu", "127.0.0.1:0",
            "--api-key", key, "--write-log", log.path, "--rate", "20", "--limit", "1000"])
        let us = sim.usAddress
        XCTAssertFalse(sim.stdout.snapshot().contains(key), "the key was printed")

        let body = #"{"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}"#
        let ok = try httpRequest("http://\(us)/v1/chat/completions", method: "POST",
                                 headers: ["Authorization": key, "Content-Type": "application/json"], body: Data(body.utf8))
        XCTAssertEqual(ok.status, 200, ok.text)
        XCTAssertNotNil(ok.headers["x-ratelimit-remaining"])
        let denied = try httpRequest("http://\(us)/v1/chat/completions", method: "POST",
                                     headers: ["Content-Type": "application/json"], body: Data(body.utf8))
        XCTAssertEqual(denied.status, 401)

        try waitFor(30, "the client mode to log 20 requests") {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 20
        }
        XCTAssertEqual(sim.stop(), 0, sim.stderr.snapshot())

        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count
        XCTAssertFalse(try String(contentsOf: log, encoding: .utf8).contains(key), "the key reached the log")
        let replay = try runProcess(gatewatchBinary.path, ["replay", log.path])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.contains(#"gatewatch_log_lines_total{log="default"} \#(lines)"#), replay.stdout)
        let rejected = replay.stdout.split(separator: "\n").filter { $0.hasPrefix("gatewatch_log_lines_rejected_total{") }
        XCTAssertEqual(rejected.count, 4, replay.stdout)
        XCTAssertTrue(rejected.allSatisfy { $0.hasSuffix(" 0") }, rejected.joined(separator: "\n"))
        XCTAssertTrue(replay.stdout.contains(#"gatewatch_requests_total{code="200""#), replay.stdout)
        XCTAssertTrue(replay.stdout.contains("gatewatch_ratelimit_limit_requests{"), replay.stdout)
    }
}
