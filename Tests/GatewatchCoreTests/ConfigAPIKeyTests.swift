import Foundation
import XCTest
@testable import GatewatchCore

final class ConfigAPIKeyTests: XCTestCase {
    private let secret = "sk-live-7f3a9c0d2e4b6a8f"
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func target(env: String? = nil, file: String? = nil) -> TargetConfig {
        TargetConfig(name: "llm-us", provider: "assemblyai_llm_gateway",
                     baseURL: "https://llm-gateway.assemblyai.com", apiKeyEnv: env, apiKeyFile: file)
    }

    private func assertError(_ t: TargetConfig, env: [String: String], mentions: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try t.resolveAPIKey(environment: env), file: file, line: line) { error in
            let text = "\(error) \(String(describing: error)) \(error.localizedDescription)"
            XCTAssertTrue(text.contains(mentions), "should name \(mentions): \(text)", file: file, line: line)
            XCTAssertFalse(text.contains(secret), "the key leaked: \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("sk-live"), "part of the key leaked: \(text)", file: file, line: line)
        }
    }

    func testNoKeySourceGivesNil() throws {
        XCTAssertNil(try target().resolveAPIKey(environment: ["ASSEMBLYAI_API_KEY": secret]))
    }

    func testFromEnvironment() throws {
        XCTAssertEqual(try target(env: "GW_KEY").resolveAPIKey(environment: ["GW_KEY": secret]), secret)
        XCTAssertEqual(try target(env: "GW_KEY").resolveAPIKey(environment: ["GW_KEY": secret + "\n"]), secret)
    }

    func testMissingOrEmptyVariableNamesTheVariable() {
        assertError(target(env: "GW_KEY"), env: [:], mentions: "GW_KEY")
        assertError(target(env: "GW_KEY"), env: ["GW_KEY": ""], mentions: "GW_KEY")
        assertError(target(env: "GW_KEY"), env: ["OTHER": secret], mentions: "GW_KEY")
    }

    func testFromFileWithTrailingNewlineTrimmed() throws {
        let path = directory.appendingPathComponent("key").path
        try (secret + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try target(file: path).resolveAPIKey(environment: [:]), secret)
        try (secret + "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try target(file: path).resolveAPIKey(environment: [:]), secret)
        try secret.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try target(file: path).resolveAPIKey(environment: [:]), secret)
    }

    func testFileProblemsNameTheFileNeverTheKey() throws {
        let missing = directory.appendingPathComponent("missing").path
        assertError(target(file: missing), env: [:], mentions: missing)
        assertError(target(file: directory.path), env: [:], mentions: directory.path)

        let empty = directory.appendingPathComponent("empty").path
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        assertError(target(file: empty), env: [:], mentions: empty)

        let twoLines = directory.appendingPathComponent("two-lines").path
        try "\(secret)\nX-Injected: 1\n".write(toFile: twoLines, atomically: true, encoding: .utf8)
        assertError(target(file: twoLines), env: [:], mentions: twoLines)
        assertError(target(env: "GW_KEY"), env: ["GW_KEY": "\(secret)\r\nX: 1"], mentions: "GW_KEY")
    }

    func testRelativeKeyFileIsResolvedAgainstTheConfigDirectory() throws {
        try (secret + "\n").write(to: directory.appendingPathComponent("llmai.key"), atomically: true, encoding: .utf8)
        let configPath = directory.appendingPathComponent("gatewatch.yml").path
        try """
        targets:
          - {name: llmai, provider: llmai, base_url: "https://api.llmai.example", api_key_file: llmai.key}
        probes:
          - {name: chat, target: llmai, kind: chat, model: some-model}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: configPath)
        XCTAssertEqual(try config.targets[0].resolveAPIKey(environment: [:]), secret)
    }

    func testNoProblemOrCheckOutputContainsAKeyWrittenByMistake() throws {
        // A key pasted where a variable name belongs: rejected, and not echoed.
        let configPath = directory.appendingPathComponent("bad.yml").path
        try """
        targets:
          - {name: llm-us, provider: assemblyai_llm_gateway, base_url: "https://llm-gateway.assemblyai.com", api_key_env: "\(secret)"}
        probes:
          - {name: p, target: llm-us, kind: chat, model: m, headers: {X-Api-Key: "\(secret)"}}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let result = ConfigCheck.run(path: configPath)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.output.contains("targets[0].api_key_env: not an environment variable name"), result.output)
        XCTAssertTrue(result.output.contains("probes[0].headers: only used by kind http"), result.output)
        XCTAssertFalse(result.output.contains(secret), result.output)
    }
}
