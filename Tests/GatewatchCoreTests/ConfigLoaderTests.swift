import XCTest
@testable import GatewatchCore

final class ConfigLoaderTests: XCTestCase {
    func testExampleValidatesAndReadsAsWritten() throws {
        let config = try ConfigLoader.load(path: ConfigTestPaths.example)
        XCTAssertEqual(config.targets.map(\.name), ["llm-us", "llm-eu", "speech-eu", "llmai"])
        let llmai = try XCTUnwrap(config.target(named: "llmai"))
        XCTAssertEqual(llmai.api, .openAICompatible)
        XCTAssertEqual(llmai.region, "us")
        let examples = URL(fileURLWithPath: ConfigTestPaths.example).deletingLastPathComponent().path
        XCTAssertEqual(llmai.apiKeyFile, examples + "/secrets/llmai.key", "relative to the config file")
        XCTAssertEqual(config.target(named: "llm-eu")?.apiKeyEnv, "ASSEMBLYAI_API_KEY")
        XCTAssertEqual(config.target(named: "speech-eu")?.api, .assemblyAISpeech)

        XCTAssertEqual(config.probes.count, 5)
        let chat = config.probes[2]
        XCTAssertEqual(chat.kind, .chat)
        XCTAssertEqual(chat.model, "claude-sonnet-4-6")
        XCTAssertEqual(chat.interval, 60)
        XCTAssertEqual(chat.timeout, 30)
        XCTAssertEqual(chat.minRemaining, 3)
        XCTAssertEqual(config.probes[0].timeout, 10, "tls default timeout: min(30s, 10s)")
        XCTAssertEqual(config.probes[3].kind, .transcriptList)
        let http = config.probes[4]
        XCTAssertEqual(http.path, "/v1/models")
        XCTAssertEqual(http.headers, [HTTPHeader("Accept", "application/json")])
        XCTAssertEqual(http.expectStatus, [200])

        let log = try XCTUnwrap(config.logs.first)
        XCTAssertEqual(log.paths, ["/var/log/app/llm-*.jsonl"])
        XCTAssertEqual(log.startAt, .end)
        XCTAssertEqual(log.maxLineBytes, 1_048_576)
        XCTAssertEqual(log.fields, LogFieldNames())
        XCTAssertEqual(config.stateDir, "/var/lib/gatewatch")
        XCTAssertEqual(config.limits, LimitsConfig())
        XCTAssertEqual(config.status, StatusThresholds())
        XCTAssertEqual(config.web.listenAddresses, [":9788"])
        XCTAssertTrue(config.validate().isEmpty)
    }

    func testDefaultsOfAMinimalFile() throws {
        let yaml = """
        logs:
          - name: app
            paths: ["/tmp/a.jsonl"]
            fields: {status: code}
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "min.yml")
        let log = config.logs[0]
        XCTAssertEqual(log.provider, "assemblyai_llm_gateway")
        XCTAssertEqual(log.api, .assemblyAILLMGateway)
        XCTAssertNil(log.region)
        XCTAssertEqual(log.fields.status, "code")
        XCTAssertEqual(log.fields.timestamp, "timestamp")
        XCTAssertEqual(config.web, WebConfig())
        XCTAssertNil(config.stateDir)
        XCTAssertEqual(config.resolvedStateDir(environment: [:]), "./.gatewatch")
        XCTAssertEqual(config.resolvedStateDir(environment: ["STATE_DIRECTORY": "/var/lib/gw:/other"]), "/var/lib/gw")
    }

    func testTargetInference() throws {
        let yaml = """
        targets:
          - {name: a, provider: assemblyai_llm_gateway, base_url: "https://llm-gateway.eu.assemblyai.com"}
          - {name: b, provider: assemblyai_speech, base_url: "https://api.assemblyai.com"}
          - {name: c, provider: llmai, base_url: "http://127.0.0.1:8080"}
          - {name: d, provider: myproxy, api: assemblyai_llm_gateway, region: eu-west, base_url: "https://proxy.example"}
        probes:
          - {name: p, target: a, kind: tls}
        web:
          listen_address: ["127.0.0.1:9788", "[::1]:9788"]
          telemetry_path: /m
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "infer.yml")
        XCTAssertEqual(config.targets.map(\.region), ["eu", "us", "unknown", "eu-west"])
        XCTAssertEqual(config.targets.map(\.api), [.assemblyAILLMGateway, .assemblyAISpeech, .openAICompatible, .assemblyAILLMGateway])
        XCTAssertEqual(config.probes[0].interval, ProbeConfig.defaultInterval)
        XCTAssertEqual(config.probes[0].minRemaining, 1)
        XCTAssertEqual(config.web.listenAddresses, ["127.0.0.1:9788", "[::1]:9788"])
        XCTAssertEqual(config.web.telemetryPath, "/m")
    }

    func testEveryProblemIsReportedInFileOrder() {
        let yaml = """
        targets:
          - name: t
            provider: llmai
            base_url: "ftp://x"
            bogus: 1
        probes:
          - name: p
            target: nowhere
            kind: chat
            interval: soon
        status:
          headroom_warning: -0.1
        extra: true
        """
        XCTAssertThrowsError(try ConfigLoader.parse(yaml: yaml, file: "many.yml")) { error in
            guard let error = error as? ConfigError else { return XCTFail("\(error)") }
            let lines = error.renderedLines
            let expected = [
                "many.yml:4: targets[0].base_url: unsupported scheme",
                "many.yml:5: targets[0].bogus: unknown key \"bogus\"",
                "many.yml:7: probes[0].model: required for kind chat",
                "many.yml:8: probes[0].target: no target named \"nowhere\"; targets: t",
                "many.yml:10: probes[0].interval: invalid duration \"soon\"",
                "many.yml:12: status.headroom_warning: must be a ratio between 0 and 1, got -0.1",
                "many.yml:13: extra: unknown key \"extra\"",
            ]
            XCTAssertEqual(lines.count, expected.count, error.description)
            for (line, prefix) in zip(lines, expected) {
                XCTAssertTrue(line.hasPrefix(prefix), "\(line)\n  expected prefix: \(prefix)")
            }
            XCTAssertEqual(error.description, lines.joined(separator: "\n"))
        }
    }

    func testProblemRendering() {
        XCTAssertEqual(ConfigProblem(path: "probes[2].interval", line: 7, message: "bad").rendered(file: "f.yml"),
                       "f.yml:7: probes[2].interval: bad")
        XCTAssertEqual(ConfigProblem(path: "", line: 3, message: "syntax").rendered(file: "f.yml"), "f.yml:3: syntax")
        XCTAssertEqual(ConfigProblem(path: "probes", line: nil, message: "x").rendered(file: "f.yml"), "f.yml: probes: x")
    }

    func testAliasesAreFollowed() throws {
        let yaml = """
        targets:
          - &llm {name: llm-us, provider: assemblyai_llm_gateway, base_url: "https://llm-gateway.assemblyai.com"}
        probes:
          - {name: a, target: llm-us, kind: tls, interval: &i 30s}
          - {name: b, target: llm-us, kind: tls, interval: *i}
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "alias.yml")
        XCTAssertEqual(config.probes.map(\.interval), [30, 30])
    }

    func testBuiltInDefaultWithoutKeyProbesTLSOnly() {
        let config = GatewatchConfig.builtInDefault(environment: [:], logPaths: [])
        XCTAssertEqual(config.validate(), [])
        XCTAssertEqual(Set(config.targets.compactMap(\.host)), [
            "llm-gateway.assemblyai.com", "llm-gateway.eu.assemblyai.com", "api.assemblyai.com", "api.eu.assemblyai.com",
        ])
        XCTAssertEqual(config.probes.count, 4)
        XCTAssertTrue(config.probes.allSatisfy { $0.kind == .tls })
        XCTAssertTrue(config.targets.allSatisfy { !$0.hasKeySource })
        XCTAssertTrue(config.logs.isEmpty)
        XCTAssertEqual(config.targets.map(\.region), ["us", "eu", "us", "eu"])
        // An empty variable counts as unset.
        XCTAssertEqual(GatewatchConfig.builtInDefault(environment: ["ASSEMBLYAI_API_KEY": ""], logPaths: []), config)
    }

    func testBuiltInDefaultWithKeyAndLogs() {
        let config = GatewatchConfig.builtInDefault(environment: ["ASSEMBLYAI_API_KEY": "k"],
                                                    logPaths: ["/var/log/app/*.jsonl", "/tmp/x.jsonl"])
        XCTAssertEqual(config.validate(), [])
        XCTAssertEqual(config.probes.filter { $0.kind == .tls }.count, 4)
        let chats = config.probes.filter { $0.kind == .chat }
        XCTAssertEqual(chats.map(\.target), ["llm-us", "llm-eu"])
        XCTAssertTrue(chats.allSatisfy { $0.model == GatewatchConfig.defaultChatModel })
        XCTAssertEqual(config.probes.filter { $0.kind == .transcriptList }.map(\.target), ["speech-us", "speech-eu"])
        XCTAssertTrue(config.targets.allSatisfy { $0.apiKeyEnv == "ASSEMBLYAI_API_KEY" })
        XCTAssertEqual(config.logs.count, 1)
        XCTAssertEqual(config.logs[0].paths, ["/var/log/app/*.jsonl", "/tmp/x.jsonl"])
        for p in config.probes { XCTAssertLessThanOrEqual(p.timeout, p.interval) }
    }

    func testValidateFindsProblemsInABuiltConfig() {
        var config = GatewatchConfig.builtInDefault(environment: [:], logPaths: [])
        config.probes.append(ProbeConfig(name: "llm-us-tls", target: "nowhere", kind: .tls, interval: -1))
        let paths = config.validate().map(\.path)
        XCTAssertTrue(paths.contains("probes[4].name"))
        XCTAssertTrue(paths.contains("probes[4].target"))
        XCTAssertTrue(paths.contains("probes[4].interval"))
    }
}

final class ConfigStructureTests: XCTestCase {
    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, file: "s.yml")
            XCTFail("expected problems in:\n\(yaml)")
            return []
        } catch {
            return error.renderedLines
        }
    }

    func testElementsThatAreNotMappings() {
        XCTAssertEqual(problems("probes: [\"llm-us-tls\"]"), ["s.yml:1: probes[0]: expected a mapping, got a string"])
    }

    func testIntegerOutOfRangeAndNullRequiredValue() {
        let found = problems("""
        targets:
          - name:
            provider: llmai
            base_url: "https://x.example"
        probes:
          - {name: p, target: x, kind: tls}
        limits:
          max_label_values: 99999999999999999999999
        """)
        XCTAssertEqual(found, [
            "s.yml:2: targets[0].name: required: a non-empty name that probes refer to",
            "s.yml:8: limits.max_label_values: integer out of range",
        ], "the probe's reference is not blamed while a target has no name")
    }

    func testMultipleDocumentsAreRejected() {
        let found = problems("targets: []\n---\nprobes: []\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].hasPrefix("s.yml:2: YAML syntax error"), found[0])
    }
}

extension ConfigStructureTests {
    func testAbsurdDurationsAreReportedNotFatal() {
        let found = problems("""
        targets:
          - {name: t, provider: llmai, base_url: "https://x.example"}
        probes:
          - {name: p, target: t, kind: tls, interval: 30s, timeout: \(String(repeating: "9", count: 300))h}
        """)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].hasPrefix("s.yml:4: probes[0].timeout: "), found[0])
        XCTAssertTrue(found[0].hasSuffix("is longer than the interval 30s"), found[0])
    }
}

extension ConfigStructureTests {
    /// Every prefix of the example (cut anywhere, so mostly broken YAML) gives a config or a
    /// ConfigError with at least one problem: never a crash, never an empty error.
    func testTruncatedFilesNeverCrash() throws {
        let text = try String(contentsOfFile: ConfigTestPaths.example, encoding: .utf8)
        let bytes = Array(text.utf8)
        for end in stride(from: 0, through: bytes.count, by: 5) {
            let prefix = String(decoding: bytes[..<end], as: UTF8.self)
            do {
                _ = try ConfigLoader.parse(yaml: prefix, file: "cut.yml")
            } catch {
                XCTAssertFalse(error.problems.isEmpty, "cut at \(end)")
            }
        }
    }
}
