import Foundation
import XCTest
@testable import Simulator

/// Client mode: the log it writes decodes as CONTRACT section 6 records.
final class LogClientTests: XCTestCase {
    private func runClient(scenario: String?, minimumLines: Int) throws -> [[String: Any]] {
        let path = NSTemporaryDirectory() + "gw-sim-log-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = SimulatorOptions()
        options.listen = "127.0.0.1:0"
        options.listenUS = "127.0.0.1:0"
        options.listenEU = "127.0.0.1:0"
        options.apiKeys = ["secret-key-123"]
        options.writeLog = path
        options.rate = 100
        options.clientTimeout = 0.5
        if let scenario {
            let file = NSTemporaryDirectory() + "gw-sim-client-\(UUID().uuidString).yml"
            try scenario.write(toFile: file, atomically: true, encoding: .utf8)
            options.scenarioPath = file
        }
        let sim = try Simulator(options: options)
        try sim.start()
        let deadline = Date().addingTimeInterval(30)
        while sim.clientLinesWritten < minimumLines && Date() < deadline { usleep(20_000) }
        sim.stop()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains("secret-key-123"), "the key never reaches the log")
        XCTAssertTrue(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { line in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        }
    }

    func testLinesAreSectionSixRecords() throws {
        let records = try runClient(scenario: nil, minimumLines: 40)
        XCTAssertGreaterThanOrEqual(records.count, 40)
        var statuses = Set<Int>()
        var regions = Set<String>()
        for r in records {
            let timestamp = try XCTUnwrap(r["timestamp"] as? Double)
            XCTAssertEqual(timestamp, Date().timeIntervalSince1970, accuracy: 120)
            regions.insert(try XCTUnwrap(r["region"] as? String))
            XCTAssertFalse((r["model"] as? String ?? "").isEmpty)
            XCTAssertNotNil(r["provider"] as? String)
            let status = try XCTUnwrap(r["status_code"] as? Int)
            statuses.insert(status)
            XCTAssertEqual((r["request_id"] as? String)?.count, 36)
            XCTAssertNotNil(r["latency_ms"] as? Double)
            let headers = try XCTUnwrap(r["headers"] as? [String: String])
            XCTAssertNotNil(headers["X-RateLimit-Limit"])
            XCTAssertNotNil(headers["X-RateLimit-Remaining"])
            XCTAssertNotNil(headers["X-RateLimit-Reset"])
            XCTAssertEqual(headers["X-RateLimit-Model"], r["model"] as? String)
            if status == 200 {
                XCTAssertTrue(r["error"] is NSNull)
                XCTAssertTrue(["stop", "length"].contains(r["finish_reason"] as? String))
            } else {
                XCTAssertEqual(status, 429)
                XCTAssertNotNil(r["error"] as? [String: Any], "the error body as an object")
            }
        }
        XCTAssertEqual(regions, ["us", "eu"])
        XCTAssertTrue(statuses.contains(200))
    }

    func testTransportFailuresAreErrorStrings() throws {
        let records = try runClient(scenario: """
            faults:
              - region: eu
                drop: true
              - region: us
                hang: 5s
            """, minimumLines: 30)
        XCTAssertGreaterThanOrEqual(records.count, 30)
        var messages = Set<String>()
        for r in records {
            XCTAssertEqual(r["status_code"] as? Int, 0)
            XCTAssertTrue(r["request_id"] is NSNull)
            let error = try XCTUnwrap(r["error"] as? String)
            messages.insert(r["region"] as? String == "eu" ? error : String(error.prefix(25)))
        }
        XCTAssertTrue(messages.isSubset(of: ["Empty reply from server", "Operation timed out after"]), "\(messages)")
        XCTAssertEqual(messages.count, 2)
    }
}
