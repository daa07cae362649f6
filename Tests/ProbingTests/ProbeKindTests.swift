import Foundation
import GatewatchCore
import HTTPServer
import XCTest
@testable import Probing

/// Each probe kind against a live local HTTPS server with a certificate made by openssl.
final class ProbeKindTests: XCTestCase {
    static let key = "0123456789abcdef0123456789abcdef"  // a 32-hex, AssemblyAI-shaped test key
    var certs: TestCertificates!

    override func setUpWithError() throws {
        certs = try TestCertificates()
        try certs.makeCA("ca")
        try certs.makeLeaf("server", ca: "ca")
    }

    func target(_ server: TestServer, provider: String = "assemblyai_llm_gateway", https: Bool = true) -> TargetConfig {
        TargetConfig(name: "t", provider: provider, region: "eu", baseURL: https ? server.httpsURL : server.httpURL,
                     apiKeyEnv: "TEST_KEY", caFile: https ? certs.path("ca.pem") : nil)
    }

    func testTLSProbeHandshakesOnlyAndReadsTheCertificateExpiry() throws {
        let server = try TestServer(tls: try certs.tls("server"))
        let sink = RecordSink()
        let result = try runOnce(ProbeConfig(name: "tls", target: "t", kind: .tls, interval: 5), target(server), sink: sink)
        XCTAssertEqual(result.outcome, .success, "\(String(describing: result.transportFailure))")
        XCTAssertNil(result.statusCode)
        XCTAssertNil(result.record, "a tls probe makes no request and records nothing")
        XCTAssertTrue(sink.all.isEmpty)
        XCTAssertEqual(server.log.count, 0, "no HTTP request sent")
        XCTAssertGreaterThan(result.phases.connect, 0)
        XCTAssertGreaterThan(result.phases.tls, 0)
        XCTAssertEqual(result.phases.processing, 0)
        XCTAssertEqual(result.certificateExpiry, try certs.notAfter("server"), "the leaf expires before the CA")
    }

    func testHTTPProbeSendsMethodPathHeadersBodyAndChecksExpectStatus() throws {
        let server = try TestServer(tls: try certs.tls("server")) { _ in .text(204, "") }
        let probe = ProbeConfig(name: "h", target: "t", kind: .http, interval: 5, method: "PUT", path: "/health?x=1",
                                headers: [HTTPHeader("X-Probe", "yes")], body: "{\"a\":1}", expectStatus: [204])
        let result = try runOnce(probe, target(server), environment: ["TEST_KEY": Self.key])
        XCTAssertEqual(result.outcome, .success)
        XCTAssertEqual(result.statusCode, 204)
        let request = try XCTUnwrap(server.log.all.first)
        XCTAssertEqual(request.method, "PUT")
        XCTAssertEqual(request.path, "/health")
        XCTAssertEqual(request.query["x"], "1")
        XCTAssertEqual(request.header("X-Probe"), "yes")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), "{\"a\":1}")
        XCTAssertEqual(request.header("Authorization"), Self.key, "an http probe sends the target's key when it has one")
        XCTAssertEqual(result.record?.source, .probe)
        XCTAssertEqual(result.record?.origin, "h")

        // The same answer outside expect_status fails (the recorder took the 204 for a success).
        let strict = ProbeConfig(name: "h", target: "t", kind: .http, interval: 5, expectStatus: [200])
        let failed = try runOnce(strict, target(server))
        XCTAssertEqual(failed.outcome, .failure)
        XCTAssertEqual(failed.classification, Classification(.other, "other"))
    }

    func testHTTPProbeOverPlainHTTPHasNoTLSPhaseAndNoCertificate() throws {
        let server = try TestServer { _ in .text(200, "fine") }
        let result = try runOnce(ProbeConfig(name: "h", target: "t", kind: .http, interval: 5), target(server, https: false))
        XCTAssertEqual(result.outcome, .success)
        XCTAssertEqual(result.phases.tls, 0)
        XCTAssertNil(result.certificateExpiry)
        XCTAssertEqual(result.body, "fine")
    }

    func testChatProbeAssemblyAISendsTheRawKeyAndOneToken() throws {
        let server = try TestServer(tls: try certs.tls("server")) { _ in
            .json(200, #"{"request_id":"6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd","choices":[{"finish_reason":"length","message":{"content":"p"}}]}"#,
                  headers: [("X-RateLimit-Limit", "30"), ("X-RateLimit-Remaining", "29"), ("X-RateLimit-Reset", "41"),
                            ("X-RateLimit-Model", "claude-sonnet-4-6")])
        }
        let probe = ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 60, model: "claude-sonnet-4-6")
        let result = try runOnce(probe, target(server), environment: ["TEST_KEY": Self.key])
        XCTAssertEqual(result.outcome, .success)
        let request = try XCTUnwrap(server.log.all.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/v1/chat/completions")
        XCTAssertEqual(request.header("Authorization"), Self.key, "AssemblyAI takes the raw key")
        XCTAssertEqual(request.header("Content-Type"), "application/json")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        XCTAssertEqual(body["model"] as? String, "claude-sonnet-4-6")
        XCTAssertEqual(body["max_tokens"] as? Int, 1)
        XCTAssertEqual((body["messages"] as? [[String: Any]])?.count, 1)
        let record = try XCTUnwrap(result.record)
        XCTAssertEqual(record.model, "claude-sonnet-4-6")
        XCTAssertEqual(record.statusCode, 200)
        XCTAssertEqual(record.requestID, "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd")
        XCTAssertEqual(record.rateLimit, RateLimitHeaders(limit: 30, remaining: 29, resetSeconds: 41, model: "claude-sonnet-4-6"))
        XCTAssertNil(record.finishReason, "a 1-token probe answer is cut on purpose, not a truncation")
        XCTAssertEqual(record.region, "eu")
        XCTAssertEqual(record.host, "127.0.0.1")
        XCTAssertEqual(result.rateLimitHeaders.map(\.name), ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Model"])
    }

    func testChatProbeOpenAICompatibleSendsBearer() throws {
        let server = try TestServer(tls: try certs.tls("server")) { _ in .json(200, #"{"id":"x","choices":[]}"#) }
        var t = target(server, provider: "llmai")
        t.baseURL += "/v1"  // OpenAI-style base URL: /v1 is not repeated
        let probe = ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 60, model: "gemini-3-flash-preview")
        let result = try runOnce(probe, t, environment: ["TEST_KEY": "sk-llmai-test-key-0000000000"])
        XCTAssertEqual(result.outcome, .success)
        let request = try XCTUnwrap(server.log.all.first)
        XCTAssertEqual(request.path, "/v1/chat/completions")
        XCTAssertEqual(request.header("Authorization"), "Bearer sk-llmai-test-key-0000000000")
    }

    func testTranscriptListGetsOneTranscriptWithTheRawKey() throws {
        let server = try TestServer(tls: try certs.tls("server")) { _ in .json(200, #"{"transcripts":[],"page_details":{}}"#) }
        let probe = ProbeConfig(name: "list", target: "t", kind: .transcriptList, interval: 60)
        let result = try runOnce(probe, target(server, provider: "assemblyai_speech"), environment: ["TEST_KEY": Self.key])
        XCTAssertEqual(result.outcome, .success)
        let request = try XCTUnwrap(server.log.all.first)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/v2/transcript")
        XCTAssertEqual(request.query["limit"], "1")
        XCTAssertEqual(request.header("Authorization"), Self.key)
        XCTAssertEqual(result.record?.model, "")
    }

    func testMissingKeyIsReportedWithoutTheKeyAndTheProbeRunsWithoutAuth() throws {
        let server = try TestServer(tls: try certs.tls("server")) { r in
            r.header("Authorization") == nil
                ? .json(401, #"{"error": "Authentication error, API token missing/invalid", "status": "error"}"#)
                : .json(200, "{}")
        }
        let events = EventSink()
        let probe = ProbeConfig(name: "list", target: "t", kind: .transcriptList, interval: 60)
        let results = try ProbeRunner.runOnce(.one(probe, target(server)), environment: [:], record: RecordSink().record,
                                              onEvent: events.onEvent)
        XCTAssertEqual(results.first?.statusCode, 401)
        XCTAssertEqual(results.first?.classification, Classification(.auth, "invalid_key"))
        let event = try XCTUnwrap(events.all.first { $0.level == .error })
        XCTAssertTrue(event.metadata["error"]?.contains("TEST_KEY") == true, "\(event)")
    }

    func testReportPrintsPhasesStatusAndRateLimitsWithKeysRedacted() throws {
        let key = Self.key
        let server = try TestServer(tls: try certs.tls("server")) { _ in
            // A hostile upstream that echoes the key back: it must not reach the output.
            .json(429, #"{"error": "rate limited for key \#(key)"}"#,
                  headers: [("X-RateLimit-Limit", "30"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "12")])
        }
        let probe = ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 60, model: "m")
        let result = try runOnce(probe, target(server), environment: ["TEST_KEY": key])
        let text = ProbeReport.render([result], redactor: Redactor(secrets: [key]))
        XCTAssertFalse(text.contains(key), text)
        XCTAssertTrue(text.contains("FAILURE  status 429  class rate_limited  reason model_rate_limit"), text)
        XCTAssertTrue(text.contains("X-RateLimit-Remaining: 0"), text)
        XCTAssertTrue(text.contains("phases:     resolve "), text)
        XCTAssertTrue(text.contains("cert:       expires "), text)
        XCTAssertTrue(text.contains("1 probe, 1 failed"), text)
        XCTAssertEqual(ProbeReport.exitCode([result]), 2)
    }

    func testUnknownProbeNameIsAnError() throws {
        let config = GatewatchConfig.one(ProbeConfig(name: "a", target: "t", kind: .tls),
                                         TargetConfig(name: "t", provider: "x", baseURL: "https://127.0.0.1:1"))
        XCTAssertThrowsError(try ProbeRunner.runOnce(config, names: ["b"], environment: [:], record: { _ in nil })) { error in
            XCTAssertEqual(String(describing: error), "unknown probe b; configured: a")
        }
    }
}
