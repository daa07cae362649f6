import Foundation
import Metrics
import XCTest

/// Both encoders, byte for byte against checked-in files, and the same bytes accepted by
/// promtool and by prometheus_client's two parsers.
/// Set GATEWATCH_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
final class GoldenTests: XCTestCase {
    private static let goldenDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Golden")

    private func assertGolden(_ format: ExpositionFormat, file name: String,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let rendered = Fixture.registry().render(format)
        let url = Self.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GATEWATCH_UPDATE_GOLDEN"] == "1" {
            try Data(rendered).write(to: url)
        }
        let expected = try [UInt8](Data(contentsOf: url))
        XCTAssertEqual(rendered, expected,
                       "render differs from \(name):\n" + String(decoding: rendered, as: UTF8.self),
                       file: file, line: line)
    }

    func testTextMatchesGolden() throws {
        try assertGolden(.text, file: "fixture.prom")
    }

    func testOpenMetricsMatchesGolden() throws {
        try assertGolden(.openMetrics, file: "fixture.openmetrics")
    }

    func testRenderIsDeterministic() {
        let registry = Fixture.registry()
        XCTAssertEqual(registry.render(.text), registry.render(.text))
        XCTAssertEqual(registry.render(.openMetrics), Fixture.registry().render(.openMetrics))
    }

    func testPromtoolAcceptsTextWithoutWarnings() throws {
        let rendered = Fixture.registry().render(.text)
        guard let result = try ExternalTool.run("promtool", ["check", "metrics"], input: rendered) else { return }
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout + result.stderr, "", "promtool reported problems")
    }

    /// Parses stdin with the named prometheus_client parser and prints the sample count.
    private static let pythonScript = """
        import sys
        if sys.argv[1] == "openmetrics":
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
        else:
            from prometheus_client.parser import text_string_to_metric_families
        text = sys.stdin.buffer.read().decode("utf-8")
        families = list(text_string_to_metric_families(text))
        print(sum(len(f.samples) for f in families))
        """

    private func assertPythonParses(_ format: ExpositionFormat, parser: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let rendered = Fixture.registry().render(format)
        let expectedSamples = String(decoding: rendered, as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        guard let result = try ExternalTool.run(ExternalTool.python, ["-c", Self.pythonScript, parser],
                                                input: rendered, file: file, line: line) else { return }
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), String(expectedSamples),
                       file: file, line: line)
    }

    func testPrometheusClientParsesText() throws {
        try assertPythonParses(.text, parser: "text")
    }

    func testPrometheusClientParsesOpenMetrics() throws {
        try assertPythonParses(.openMetrics, parser: "openmetrics")
    }
}
