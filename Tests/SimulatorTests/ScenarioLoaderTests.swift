import Foundation
import XCTest
@testable import Simulator

final class ScenarioLoaderTests: XCTestCase {
    func testEveryKindParses() throws {
        let s = try ScenarioLoader.parse("""
            name: all
            loop: true
            faults:
              - {after: 1m, for: 30s, region: eu, model: "claude-*", endpoint: chat, status: 503}
              - {error: insufficient_funds, endpoint: llmai}
              - {latency: 2s}
              - {latency: {min: 100ms, max: 1s}}
              - {latency: {median: 500ms, p99: 4s}, probability: 0.5}
              - {hang: true}
              - {hang: 45s}
              - {drop: true}
              - {rate_limit: 5}
              - {processing_error: download_failed}
            """)
        XCTAssertEqual(s.name, "all")
        XCTAssertEqual(s.effectivePeriod, 90)
        XCTAssertEqual(s.faults.map(\.kind), [
            .status(503, error: .serverError, body: nil), .status(0, error: .insufficientFunds, body: nil),
            .latency(.fixed(2)), .latency(.uniform(min: 0.1, max: 1)), .latency(.logNormal(median: 0.5, p99: 4)),
            .hang(nil), .hang(45), .drop, .rateLimit(5), .processingError(.downloadFailed),
        ])
        XCTAssertEqual(s.faults[0].region, .eu)
        XCTAssertEqual(s.faults[0].model, "claude-*")
        XCTAssertEqual(s.faults[4].probability, 0.5)
    }

    func testProblemsNameThePathLineValueAndExpectation() {
        let cases: [(String, String)] = [
            ("faults:\n  - after: soon\n    drop: true\n", #"x.yml: faults[0].after (line 2): "soon" is not a duration (30s, 5m, 1h)"#),
            ("faults:\n  - drop: true\n    colour: red\n", "x.yml: faults[0].colour (line 3): unknown key"),
            ("faults:\n  - region: mars\n    drop: true\n", #"x.yml: faults[0].region (line 2): "mars" is not a region; expected us, eu or any"#),
            ("faults:\n  - drop: true\n    latency: 1s\n", "x.yml: faults[0] (line 2): a fault has one kind; found drop, latency"),
            ("faults:\n  - status: 418\n", "x.yml: faults[0].status (line 2): status 418 has no seed body; add error: or body:"),
            ("faults:\n  - error: teapot\n", #"x.yml: faults[0].error (line 2): "teapot" is not a known error"#),
            ("faults:\n  - latency: {min: 2s, max: 1s}\n", "x.yml: faults[0].latency (line 2)"),
            ("faults:\n  - processing_error: gremlins\n", #"x.yml: faults[0].processing_error (line 2): "gremlins" is not a processing error"#),
            ("speed: 3\n", "x.yml: speed (line 1): unknown key"),
            ("- a\n", "x.yml: expected a mapping"),
            ("faults: [\n", "x.yml: not valid YAML"),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try ScenarioLoader.parse(yaml, file: "x.yml"), yaml) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(error)\n  expected prefix: \(expected)")
            }
        }
    }

    func testShippedScenariosLoad() throws {
        let dir = repositoryRoot.appendingPathComponent("examples/scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yml") }
        for required in ["steady", "eu-outage", "rate-limit-storm", "key-revoked", "billing-exhausted", "slow-upstream"] {
            XCTAssertTrue(files.contains(required + ".yml"), required)
        }
        for file in files {
            let scenario = try ScenarioLoader.load(path: dir.appendingPathComponent(file).path)
            XCTAssertFalse(scenario.name.isEmpty, file)
            XCTAssertNotNil(scenario.description, file)
            if file != "steady.yml" { XCTAssertFalse(scenario.faults.isEmpty, file) }
        }
    }

    func testMissingFileNamesIt() {
        XCTAssertThrowsError(try Simulator(options: {
            var o = SimulatorOptions(); o.scenarioPath = "/nonexistent/s.yml"; return o
        }())) { XCTAssertTrue("\($0)".contains("/nonexistent/s.yml"), "\($0)") }
    }
}
