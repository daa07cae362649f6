import Foundation
import XCTest
@testable import GatewatchCore

final class ConfigCheckTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testValidFileIsOKWithExitCode0() {
        let result = ConfigCheck.run(path: ConfigTestPaths.example)
        XCTAssertEqual(result.exitCode, 0)
        XCTAssertEqual(result.output, "\(ConfigTestPaths.example): OK")
    }

    func testInvalidFileListsEveryProblemWithExitCode1() throws {
        let path = directory.appendingPathComponent("two.yml").path
        try """
        targets:
          - {name: t, provider: llmai, base_url: "https://x.example"}
        probes:
          - {name: a, target: t, kind: tls, interval: 5x}
          - {name: a, target: t, kind: tls}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = ConfigCheck.run(path: path)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertEqual(result.output.components(separatedBy: "\n"), [
            "\(path):4: probes[0].interval: invalid duration \"5x\": expected a number with a unit (ms, s, m, h, d, w), such as 500ms, 30s, 5m, 1h30m",
            "\(path):5: probes[1].name: duplicate probe name \"a\" (first defined at probes[0])",
        ])
    }

    func testUnreadableFilesExit1WithAClearMessage() throws {
        let missing = directory.appendingPathComponent("nope.yml").path
        let r1 = ConfigCheck.run(path: missing)
        XCTAssertEqual(r1.exitCode, 1)
        XCTAssertEqual(r1.output, "\(missing): cannot read the file: no such file")

        let r2 = ConfigCheck.run(path: directory.path)
        XCTAssertEqual(r2.exitCode, 1)
        XCTAssertEqual(r2.output, "\(directory.path): cannot read the file: it is a directory")

        let binary = directory.appendingPathComponent("bin.yml")
        try Data([0xff, 0xfe, 0x00, 0x80]).write(to: binary)
        let r3 = ConfigCheck.run(path: binary.path)
        XCTAssertEqual(r3.exitCode, 1)
        XCTAssertTrue(r3.output.hasPrefix("\(binary.path): cannot read the file: not UTF-8"), r3.output)
    }

    func testEveryFixtureAgreesWithTheLoader() throws {
        for url in try ConfigTestPaths.invalidFixtures() {
            let result = ConfigCheck.run(path: url.path)
            XCTAssertEqual(result.exitCode, 1, url.lastPathComponent)
            XCTAssertFalse(result.output.hasSuffix("\n"))
            XCTAssertFalse(result.output.contains(": OK"))
        }
    }
}
