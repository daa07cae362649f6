import XCTest
@testable import GatewatchCore

final class ConfigDurationTests: XCTestCase {
    func testValidDurations() {
        let table: [(String, Double)] = [
            ("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("500ms", 0.5), ("1.5s", 1.5),
            ("0", 0), ("0s", 0), ("2d", 172_800), ("1w", 604_800), ("1m30s", 90), ("1.5h", 5400),
            ("250ms", 0.25), ("1h0m0s", 3600), ("-5s", -5), ("90s", 90),
        ]
        for (text, seconds) in table {
            guard let parsed = ConfigDuration.parse(text) else {
                XCTFail("\(text) should parse")
                continue
            }
            XCTAssertEqual(parsed, seconds, accuracy: 1e-9, text)
        }
    }

    func testInvalidDurations() {
        for text in ["", "30", "s", "5 m", "1.2.3s", ".5s", "5.s", "5x", "1h30", "ms", "--5s", "5S",
                     "thirty seconds", "1e3s", "-", "30s ", "١s",
                     String(repeating: "9", count: 400) + "h"] {
            XCTAssertNil(ConfigDuration.parse(text), "\"\(text)\" should not parse")
        }
    }

    func testFormat() {
        let table: [(Double, String)] = [(30, "30s"), (300, "5m"), (5400, "1h30m"), (0.5, "500ms"),
                                         (1.5, "1.5s"), (0, "0s"), (-30, "-30s"), (3600, "1h")]
        for (seconds, text) in table {
            XCTAssertEqual(ConfigDuration.format(seconds), text)
        }
        // Absurd values are still printable (never a trap converting to Int).
        XCTAssertEqual(ConfigDuration.format(3.6e303), "3.6e+303s")
        XCTAssertEqual(ConfigDuration.format(-3.6e303), "-3.6e+303s")
    }

    func testDurationsInTheFileAreSeconds() throws {
        let yaml = """
        targets:
          - {name: t, provider: llmai, base_url: "https://api.llmai.example"}
        probes:
          - {name: a, target: t, kind: tls, interval: 1h30m, timeout: 500ms}
          - {name: b, target: t, kind: tls, interval: 1.5s}
        limits:
          ratelimit_series_ttl: 2h
        status:
          latency_p95_warning: 2.5s
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "durations.yml")
        XCTAssertEqual(config.probes[0].interval, 5400)
        XCTAssertEqual(config.probes[0].timeout, 0.5)
        XCTAssertEqual(config.probes[1].interval, 1.5)
        XCTAssertEqual(config.probes[1].timeout, 1.5, "default timeout is min(interval, 10s)")
        XCTAssertEqual(config.limits.ratelimitSeriesTTL, 7200)
        XCTAssertEqual(config.status.latencyP95Warning, 2.5)
    }
}
