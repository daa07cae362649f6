import Foundation
import GatewatchCore
import HTTPServer
import XCTest
@testable import Probing

/// End to end with the core classifier: each failure a probe meets on loopback gets the exact
/// class and reason of CONTRACT section 4.
final class ProbeClassificationTests: XCTestCase {
    var certs: TestCertificates!
    let classify: @Sendable (RequestRecord) -> Classification? = { ErrorClassifier().classify($0, api: .assemblyAILLMGateway) }

    override func setUpWithError() throws {
        certs = try TestCertificates()
        try certs.makeCA("ca")
        try certs.makeLeaf("server", ca: "ca")
    }

    func run(_ kind: ProbeKind, _ baseURL: String, ca: String? = "ca", timeout: Double = 5) throws -> ProbeResult {
        let target = TargetConfig(name: "t", provider: "assemblyai_llm_gateway", region: "us", baseURL: baseURL,
                                  apiKeyEnv: "TEST_KEY", caFile: ca.map { certs.path("\($0).pem") })
        let probe = ProbeConfig(name: "p", target: "t", kind: kind, interval: 60, timeout: timeout,
                                model: kind == .chat ? "claude-sonnet-4-6" : nil)
        let results = try ProbeRunner.runOnce(.one(probe, target), environment: ["TEST_KEY": "k"],
                                              record: classify, classifyTransport: classify)
        return try XCTUnwrap(results.first)
    }

    func assertClass(_ result: ProbeResult, _ expected: Classification, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.outcome, .failure, file: file, line: line)
        XCTAssertEqual(result.classification, expected, "\(String(describing: result.transportFailure))", file: file, line: line)
    }

    func testTransportFailures() throws {
        for kind in [ProbeKind.chat, .tls] {
            assertClass(try run(kind, "https://gatewatch-probe-test.invalid"), Classification(.network, "dns"))
            let refusedPort = try SilentSocket().port  // closed again at once: nothing listens
            assertClass(try run(kind, "https://127.0.0.1:\(refusedPort)"), Classification(.network, "connect_refused"))
            let full = try SilentSocket(fillBacklog: true)
            assertClass(try run(kind, "https://127.0.0.1:\(full.port)", timeout: 1), Classification(.timeout, "connect_timeout"))
            try certs.makeCA("other-ca")
            let server = try TestServer(tls: try certs.tls("server"))
            assertClass(try run(kind, server.httpsURL, ca: "other-ca"), Classification(.tls, "certificate_invalid"))
            try certs.makeLeaf("expired", ca: "ca", start: "20200101000000Z", end: "20200201000000Z")
            let expired = try TestServer(tls: try certs.tls("expired"))
            assertClass(try run(kind, expired.httpsURL), Classification(.tls, "certificate_expired"))
        }
        let silent = try SilentSocket()
        assertClass(try run(.chat, "http://127.0.0.1:\(silent.port)", ca: nil, timeout: 1), Classification(.timeout, "response_timeout"))
        let dropping = try TestServer { _ in .dropConnection }
        assertClass(try run(.chat, dropping.httpURL, ca: nil), Classification(.network, "connection_reset"))
    }

    func testErrorAnswersWithTheSeedBodies() throws {
        let auth = #"{"error": "Authentication error, API token missing/invalid", "status": "error", "request_id": "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"}"#
        let cases: [(Int, String, Classification)] = [
            (401, auth, Classification(.auth, "invalid_key")),
            (403, auth, Classification(.auth, "forbidden")),
            (429, #"{"error": "Too many requests"}"#, Classification(.rateLimited, "model_rate_limit")),
            (500, #"{"error": "Internal server error. Please retry your request. If the error persists, please contact support@assemblyai.com for more information."}"#,
             Classification(.server, "status_500")),
            (503, "upstream connect error or disconnect/reset before headers", Classification(.server, "status_503")),
        ]
        for (status, body, expected) in cases {
            let server = try TestServer(tls: try certs.tls("server")) { _ in
                body.hasPrefix("{") ? .json(status, body) : .text(status, body)
            }
            let result = try run(.chat, server.httpsURL)
            XCTAssertEqual(result.statusCode, status)
            assertClass(result, expected)
        }
    }
}
