import XCTest
@testable import GatewatchCore

final class RedactorTests: XCTestCase {
    let requestID = "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"
    let assemblyKey = "0123456789abcdef0123456789abcdef"         // 32 hex, AssemblyAI shape
    let configured = "my-Custom_key.v1+short"                    // no key shape: only found as configured

    func testConfiguredSecretIsRedactedEverywhere() {
        let r = Redactor(secrets: [configured])
        let text = "key=\(configured) and again (\(configured)) request_id=\(requestID)"
        let out = r.redact(text)
        XCTAssertFalse(out.contains(configured))
        XCTAssertEqual(out.components(separatedBy: Redactor.placeholder).count - 1, 2)
        XCTAssertTrue(out.contains(requestID))
        // Without the configuration this text is not key-shaped and stays.
        XCTAssertEqual(Redactor().redact("x \(configured) y"), "x \(configured) y")
    }

    func testLongerConfiguredSecretWinsAndShortOnesAreIgnored() {
        let r = Redactor(secrets: ["abcdefgh", "abcdefgh-longer", "", "tiny"])
        XCTAssertEqual(r.redact("v=abcdefgh-longer."), "v=[REDACTED].")
        XCTAssertEqual(r.redact("tiny stays tiny"), "tiny stays tiny")
    }

    func testAuthorizationHeaderLine() {
        let r = Redactor()
        XCTAssertEqual(r.redact("Authorization: abc123\nX-Request-Id: \(requestID)"),
                       "Authorization: [REDACTED]\nX-Request-Id: \(requestID)")
        XCTAssertEqual(r.redact("> authorization: Bearer sk-xyz\r\n> Host: x"),
                       "> authorization: [REDACTED]\r\n> Host: x")
        XCTAssertEqual(r.redact("x-api-key: hunter2\n"), "x-api-key: [REDACTED]\n")
    }

    func testAuthorizationJSONField() {
        let r = Redactor()
        let json = #"{"headers": {"authorization": "Bearer abc", "Accept": "x"}, "request_id": "\#(requestID)"}"#
        XCTAssertEqual(r.redact(json),
                       #"{"headers": {"authorization": "[REDACTED]", "Accept": "x"}, "request_id": "\#(requestID)"}"#)
        let escaped = #"{"line": "{\"Authorization\": \"raw-key-1\", \"model\": \"m\"}"}"#
        XCTAssertEqual(r.redact(escaped), #"{"line": "{\"Authorization\": \"[REDACTED]\", \"model\": \"m\"}"}"#)
        XCTAssertEqual(r.redact("authorization=abc def\nnext"), "authorization=[REDACTED]\nnext")
        XCTAssertEqual(r.redact(#"{"api_key": 'secret'}"#), #"{"api_key": '[REDACTED]'}"#)
    }

    func testAuthMessagesAreNotMistakenForCredentials() {
        let r = Redactor()
        let body = #"{"error": "Authentication error, API token missing/invalid"}"#
        XCTAssertEqual(r.redact(body), body)
        let text = "Authorization error: the Authorization header is missing"
        XCTAssertEqual(r.redact(text), text)
    }

    func testBearerToken() {
        let r = Redactor()
        XCTAssertEqual(r.redact("curl -H 'Bearer abc.def-ghi' x"), "curl -H 'Bearer [REDACTED]' x")
        XCTAssertEqual(r.redact("token was bearer   q1w2e3, retry"), "token was bearer   [REDACTED], retry")
        XCTAssertEqual(r.redact("Bearer"), "Bearer")
    }

    func testKeyShapedTokens() {
        let r = Redactor()
        // 32 hex (AssemblyAI).
        XCTAssertEqual(r.redact("key \(assemblyKey) used"), "key [REDACTED] used")
        // Base62.
        let base62 = "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ"
        XCTAssertEqual(r.redact("(\(base62))"), "([REDACTED])")
        // sk- style, with inner dashes and underscores.
        XCTAssertEqual(r.redact(#""sk-proj-AbCdEf_12345-67890xyz""#), #""[REDACTED]""#)
        XCTAssertEqual(r.redact("sk_live_0123456789abcdef!"), "[REDACTED]!")
        // A UUID without hyphens is key-shaped too (and redacted).
        XCTAssertEqual(r.redact("6e6f340d65804cd4a3f9d6cb7323a9bd"), "[REDACTED]")
    }

    func testRequestIDsAndOrdinaryTextSurvive() {
        let r = Redactor(secrets: [assemblyKey])
        let texts = [
            #"{"request_id": "\#(requestID)", "error": "Rate limit exceeded for model claude-sonnet-4-6"}"#,
            "request \(requestID.uppercased()) failed after 1234567890 ms",
            "short sk-abc and task-1 and skiing",
            "averyveryverylongwordwithonlylowercaseletters_and_more_words_here",
            "Ünïcödé 🚀 text — with em dash, «quotes» and 中文",
            "",
        ]
        for t in texts { XCTAssertEqual(r.redact(t), t, t) }
    }

    func testMixedBodyRedactsEveryShapeKeepingRequestID() {
        let r = Redactor(secrets: ["conf-secret-123456"])
        let body = """
        {"request_id": "\(requestID)", "echo": "conf-secret-123456",
         "headers": {"Authorization": "\(assemblyKey)"}, "note": "Bearer tok_abc", "k": "sk-0123456789abcdefABCD",
         "hex": "\(assemblyKey)"} 🚀
        """
        let out = r.redact(body)
        for leaked in ["conf-secret-123456", assemblyKey, "tok_abc", "sk-0123456789abcdefABCD"] {
            XCTAssertFalse(out.contains(leaked), "\(leaked) leaked in \(out)")
        }
        XCTAssertTrue(out.contains(requestID))
        XCTAssertTrue(out.hasSuffix("} 🚀"))
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(out.dropLast(2).utf8)), "still JSON: \(out)")
    }

    func testUnterminatedValuesDoNotCrash() {
        let r = Redactor()
        for t in ["Authorization:", "Authorization: ", #"{"authorization": ""#, #"{"authorization": "abc"#,
                  #"authorization\": \"abc"#, "Bearer ", "sk-", #"{"authorization": "a\"#] {
            _ = r.redact(t)
        }
        XCTAssertEqual(r.redact(#"{"authorization": "abc"#), #"{"authorization": "[REDACTED]"#)
    }
}
