import Foundation
import GatewatchCore
import HTTPServer
import XCTest
@testable import Probing

/// Every failure a probe must report, against live local servers: the exact curl code and
/// message that reach `RequestRecord.transportFailure`, and the status and body of error answers.
/// (Which class and reason each becomes is the core classifier's, tested with it.)
final class ProbeFailureTests: XCTestCase {
    var certs: TestCertificates!

    override func setUpWithError() throws {
        certs = try TestCertificates()
        try certs.makeCA("ca")
        try certs.makeLeaf("server", ca: "ca")
    }

    func target(_ baseURL: String, ca: String? = "ca") -> TargetConfig {
        TargetConfig(name: "t", provider: "assemblyai_llm_gateway", region: "us", baseURL: baseURL,
                     apiKeyEnv: "TEST_KEY", caFile: ca.map { certs.path("\($0).pem") })
    }

    func curl(_ result: ProbeResult, file: StaticString = #filePath, line: UInt = #line) -> (code: Int, message: String)? {
        guard case let .curl(code, message)? = result.transportFailure else {
            XCTFail("expected a curl failure, got \(String(describing: result.transportFailure)) status \(String(describing: result.statusCode))", file: file, line: line)
            return nil
        }
        return (code, message)
    }

    /// Checks both a request kind (record carries the failure, code "none") and the tls kind.
    func assertTransport(_ baseURL: String, ca: String? = "ca", timeout: Double = 5, code: Int, message: String,
                         tlsMessage: String? = nil, checkTLSKind: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        let chat = ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 60, timeout: timeout, model: "m")
        let result = try runOnce(chat, target(baseURL, ca: ca), environment: ["TEST_KEY": "k"])
        XCTAssertEqual(result.outcome, .failure, file: file, line: line)
        XCTAssertNil(result.statusCode, file: file, line: line)
        if let failure = curl(result, file: file, line: line) {
            XCTAssertEqual(failure.code, code, failure.message, file: file, line: line)
            XCTAssertTrue(failure.message.contains(message), "\(failure.message) does not contain \(message)", file: file, line: line)
        }
        let record = try XCTUnwrap(result.record, file: file, line: line)
        XCTAssertNil(record.statusCode, file: file, line: line)
        XCTAssertEqual(record.codeLabel, "none", file: file, line: line)
        XCTAssertEqual(record.transportFailure, result.transportFailure, file: file, line: line)

        guard checkTLSKind else { return }
        let tls = ProbeConfig(name: "tls", target: "t", kind: .tls, interval: 60, timeout: timeout)
        let tlsResult = try runOnce(tls, target(baseURL, ca: ca))
        XCTAssertEqual(tlsResult.outcome, .failure, file: file, line: line)
        if let failure = curl(tlsResult, file: file, line: line) {
            XCTAssertEqual(failure.code, code, failure.message, file: file, line: line)
            XCTAssertTrue(failure.message.contains(tlsMessage ?? message), "\(failure.message) does not contain \(tlsMessage ?? message)", file: file, line: line)
        }
        XCTAssertNotNil(tlsResult.classification, "a failed tls probe is classified by the transport classifier", file: file, line: line)
    }

    func testUnresolvableHost() throws {
        try assertTransport("https://gatewatch-probe-test.invalid", code: 6,
                            message: "Could not resolve host: gatewatch-probe-test.invalid")
    }

    func testRefusedPort() throws {
        // Bind then close a socket: nothing listens on its port.
        let port = try { () throws -> Int in let s = try SilentSocket(); return s.port }()
        try assertTransport("https://127.0.0.1:\(port)", code: 7,
                            message: "Failed to connect to 127.0.0.1 port \(port) after 0 ms: Couldn't connect to server (Connection refused)")
    }

    func testServerThatNeverAnswersTimesOut() throws {
        let silent = try SilentSocket()
        // Connected (the kernel accepted into the backlog), then nothing: a response timeout.
        try assertTransport("http://127.0.0.1:\(silent.port)", timeout: 1, code: 28,
                            message: "Operation timed out after", checkTLSKind: false)
        // Over https the handshake never completes; curl counts the handshake in its connect
        // timeout, so this reads as a connection timeout (the TCP connect itself succeeded).
        try assertTransport("https://127.0.0.1:\(silent.port)", timeout: 1, code: 28, message: "Connection timed out after")
    }

    func testConnectionNeverEstablishedIsAConnectTimeout() throws {
        let silent = try SilentSocket(fillBacklog: true)
        try assertTransport("https://127.0.0.1:\(silent.port)", timeout: 1, code: 28, message: "Connection timed out after")
    }

    func testWrongCA() throws {
        try certs.makeCA("other-ca")
        let server = try TestServer(tls: try certs.tls("server"))
        try assertTransport(server.httpsURL, ca: "other-ca", code: 60,
                            message: "SSL certificate problem: unable to get local issuer certificate")
        XCTAssertEqual(server.log.count, 0)
    }

    func testExpiredCertificate() throws {
        try certs.makeLeaf("expired", ca: "ca", start: "20200101000000Z", end: "20200201000000Z")
        let server = try TestServer(tls: try certs.tls("expired"))
        try assertTransport(server.httpsURL, code: 60, message: "SSL certificate problem: certificate has expired")
        // The expiry is read during verification, so a failed handshake still reports it.
        let result = try runOnce(ProbeConfig(name: "tls", target: "t", kind: .tls, interval: 60), target(server.httpsURL))
        XCTAssertEqual(result.certificateExpiry, 1_580_515_200, "Feb 1 2020")
    }

    func testUnreadableCAFileIsReportedByCurl() throws {
        let server = try TestServer(tls: try certs.tls("server"))
        let result = try runOnce(ProbeConfig(name: "tls", target: "t", kind: .tls, interval: 60),
                                 target(server.httpsURL, ca: "missing"))
        XCTAssertEqual(result.outcome, .failure)
        XCTAssertEqual(curl(result)?.code, 77, "CURLE_SSL_CACERT_BADFILE")
    }

    func testInsecureSkipVerifyAcceptsTheWrongCA() throws {
        try certs.makeCA("other-ca")
        let server = try TestServer(tls: try certs.tls("server"))
        var t = target(server.httpsURL, ca: "other-ca")
        t.insecureSkipVerify = true
        let result = try runOnce(ProbeConfig(name: "tls", target: "t", kind: .tls, interval: 60), t)
        XCTAssertEqual(result.outcome, .success)
        XCTAssertEqual(result.certificateExpiry, try certs.notAfter("server"))
    }

    /// Error answers with the seeds' bodies: status, the exact body in the record, no transport failure.
    func testErrorAnswersCarryStatusAndTheExactBody() throws {
        let auth = #"{"error": "Authentication error, API token missing/invalid", "status": "error", "request_id": "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"}"#
        let server500 = #"{"error": "Internal server error. Please retry your request. If the error persists, please contact support@assemblyai.com for more information."}"#
        let cases: [(Int, String, Classification)] = [
            (401, auth, Classification(.auth, "invalid_key")),
            (403, auth, Classification(.auth, "forbidden")),
            (429, #"{"error": "Too many requests"}"#, Classification(.rateLimited, "model_rate_limit")),
            (500, server500, Classification(.server, "status_500")),
            (503, "upstream connect error or disconnect/reset before headers", Classification(.server, "status_503")),
        ]
        for (status, body, expected) in cases {
            let server = try TestServer(tls: try certs.tls("server")) { _ in
                body.hasPrefix("{") ? .json(status, body) : .text(status, body)
            }
            let sink = RecordSink()
            let probe = ProbeConfig(name: "chat", target: "t", kind: .chat, interval: 60, model: "claude-sonnet-4-6")
            let result = try runOnce(probe, target(server.httpsURL), environment: ["TEST_KEY": "k"], sink: sink)
            XCTAssertEqual(result.outcome, .failure, "\(status)")
            XCTAssertEqual(result.statusCode, status)
            XCTAssertNil(result.transportFailure)
            XCTAssertEqual(result.classification, expected, "the recorder's classification is the probe's")
            let record = try XCTUnwrap(sink.all.first)
            XCTAssertEqual(sink.all.count, 1)
            XCTAssertEqual(record.statusCode, status)
            XCTAssertEqual(record.source, .probe)
            XCTAssertEqual(record.errorBody, body.hasPrefix("{") ? .json(body) : .text(body), "\(status)")
            if status == 401 { XCTAssertEqual(record.requestID, "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd") }
        }
    }

    func testDroppedConnectionIsATransportFailure() throws {
        let server = try TestServer { _ in .dropConnection }
        let probe = ProbeConfig(name: "h", target: "t", kind: .http, interval: 60)
        let result = try runOnce(probe, target(server.httpURL, ca: nil))
        XCTAssertEqual(result.outcome, .failure)
        let failure = curl(result)
        XCTAssertEqual(failure?.code, 52, failure?.message ?? "")  // CURLE_GOT_NOTHING
    }
}
