import Foundation
import XCTest
@testable import GatewatchCore

/// Paths of the checked-in config files, found from this source file's location.
enum ConfigTestPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures/config")
    static let repository = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let example = repository.appendingPathComponent("examples/gatewatch.yml").path

    static func invalidFixtures() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: fixtures, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("invalid-") && $0.pathExtension == "yml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

/// One invalid config per mistake (blackbox_exporter's testdata style). Each file starts with
/// `# expect: <substring of the rendered problem, path included>`; a line ending in `# <-` is the
/// line the problem must be reported at.
final class ConfigFixtureTests: XCTestCase {
    func testThereIsAFixturePerMistake() throws {
        XCTAssertGreaterThanOrEqual(try ConfigTestPaths.invalidFixtures().count, 15)
    }

    func testEveryInvalidFixtureIsRejectedWithItsMessageAndLine() throws {
        for url in try ConfigTestPaths.invalidFixtures() {
            let name = url.lastPathComponent
            let text = try String(contentsOf: url, encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            guard let first = lines.first, first.hasPrefix("# expect: ") else {
                XCTFail("\(name): first line must be '# expect: ...'")
                continue
            }
            let expected = String(first.dropFirst("# expect: ".count))
            let markedLine = lines.firstIndex { $0.hasSuffix("# <-") }.map { $0 + 1 }

            let result = ConfigCheck.run(path: url.path)
            XCTAssertEqual(result.exitCode, 1, "\(name) should be invalid")
            let rendered = result.output.components(separatedBy: "\n")
            guard let hit = rendered.first(where: { $0.contains(expected) }) else {
                XCTFail("\(name): no problem contains \"\(expected)\"; got:\n\(result.output)")
                continue
            }
            if let markedLine {
                XCTAssertTrue(hit.hasPrefix("\(url.path):\(markedLine): "),
                              "\(name): expected the problem at line \(markedLine), got: \(hit)")
            }
            for line in rendered {
                XCTAssertTrue(line.hasPrefix(url.path + ":"), "\(name): not FILE:LINE: PATH: MESSAGE: \(line)")
            }
            // The same problems come out of the loader as a ConfigError.
            XCTAssertThrowsError(try ConfigLoader.load(path: url.path), name) { error in
                guard let error = error as? ConfigError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(error.renderedLines, rendered, name)
                XCTAssertFalse(error.problems.isEmpty, name)
            }
        }
    }

    func testSyntaxErrorCarriesTheLine() throws {
        let url = ConfigTestPaths.fixtures.appendingPathComponent("invalid-syntax-error.yml")
        XCTAssertThrowsError(try ConfigLoader.load(path: url.path)) { error in
            let problem = (error as? ConfigError)?.problems.first
            XCTAssertNotNil(problem?.line, "a syntax error must say where")
            XCTAssertEqual(problem?.path, "")
        }
    }

    func testCredentialsInHeadersAreNeverEchoed() throws {
        let url = ConfigTestPaths.fixtures.appendingPathComponent("invalid-authorization-header.yml")
        let result = ConfigCheck.run(path: url.path)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertFalse(result.output.contains("not-a-real-key"), result.output)
    }
}
