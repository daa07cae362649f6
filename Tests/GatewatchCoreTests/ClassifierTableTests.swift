import XCTest
@testable import GatewatchCore

/// The tables' shape and the status-driven paths: closed reason lists, defaults per status,
/// successes, bodies that are empty, HTML, plain text or broken JSON.
final class ClassifierTableTests: XCTestCase {
    /// CONTRACT section 4, copied: every (class, reason) the classifier may give.
    static let contractReasons: [ErrorClass: Set<String>] = [
        .auth: ["invalid_key", "forbidden"],
        .badRequest: ["missing_messages", "model_not_supported", "context_limit_exceeded", "invalid_model_region",
                      "fallback_depth_exceeded", "invalid_response_format", "missing_audio_url", "unsupported_language",
                      "invalid_speech_models", "deprecated_speech_model", "conflicting_language_options", "wrong_type",
                      "invalid_webhook_url", "invalid_pii_options", "malformed_json", "feature_unsupported_for_language",
                      "transcript_not_ready", "missing_parameter", "invalid_parameter", "empty_upload", "other"],
        .billing: ["insufficient_funds"],
        .notFound: ["transcript_not_found", "transcript_deleted", "redacted_audio_unavailable",
                    "unsupported_subtitle_format", "other"],
        .rateLimited: ["model_rate_limit", "too_many_requests"],
        .server: ["status_500", "status_502", "status_503", "status_504", "status_5xx"],
        .processing: ["unsupported_media", "no_audio_stream", "file_too_large", "empty_file", "upload_region_mismatch",
                      "download_failed", "audio_too_short", "no_speech", "low_language_confidence", "other"],
        .timeout: ["connect_timeout", "response_timeout"],
        .network: ["dns", "connect_refused", "connection_reset", "other"],
        .tls: ["handshake_failed", "certificate_invalid", "certificate_expired"],
        .other: ["other"],
    ]

    func testEveryTableRowGivesAContractReason() {
        var rows: [Classification] = []
        for api in ProviderAPI.allCases { rows += ClassifierTables.table(for: api).rules.map(\.classification) }
        rows += ClassifierTables.processing.rows.map(\.classification)
        rows += TransportErrorClassifier.messages.rows.map(\.classification)
        XCTAssertGreaterThan(rows.count, 60)
        for row in rows {
            XCTAssertTrue(Self.contractReasons[row.errorClass]?.contains(row.reason) == true, "\(row) is not in CONTRACT section 4")
        }
    }

    func testEveryContractReasonIsReachable() {
        // Each (class, reason) of the contract comes from some row or from the status/curl paths.
        var produced = Set<String>()
        for api in ProviderAPI.allCases { produced.formUnion(ClassifierTables.table(for: api).rules.map(\.classification.description)) }
        produced.formUnion(ClassifierTables.processing.rows.map(\.classification.description))
        produced.formUnion(TransportErrorClassifier.messages.rows.map(\.classification.description))
        produced.formUnion(["server/status_500", "server/status_502", "server/status_503", "server/status_504",
                            "server/status_5xx", "processing/other", "other/other"])
        for (errorClass, reasons) in Self.contractReasons {
            for reason in reasons {
                XCTAssertTrue(produced.contains("\(errorClass.rawValue)/\(reason)"), "\(errorClass.rawValue)/\(reason) never produced")
            }
        }
    }

    func testEveryPatternFoldsToPhrases() {
        // A pattern with an alternative that folds to nothing would match everything.
        for api in ProviderAPI.allCases {
            for rule in ClassifierTables.table(for: api).rules where !rule.pattern.source.isEmpty {
                XCTAssertEqual(rule.pattern.anyOf.count, rule.pattern.source.split(separator: "|").count, rule.pattern.source)
            }
        }
    }

    func testSuccessesAreNil() {
        let classifier = ErrorClassifier()
        for api in ProviderAPI.allCases {
            for status in [200, 201, 204, 299] {
                XCTAssertNil(classifier.classify(classifierRecord(status: status, body: nil), api: api))
            }
            // A 2xx body that does not report a failed job is a success.
            XCTAssertNil(classifier.classify(classifierRecord(status: 200, body: .json("{\"status\": \"completed\", \"text\": \"error\"}")), api: api))
            XCTAssertNil(classifier.classify(classifierRecord(status: 200, body: .json("{\"status\": \"processing\", \"error\": \"Audio duration is too short.\"}")), api: api))
            XCTAssertNil(classifier.classify(classifierRecord(status: 200, body: .json("")), api: api))
            XCTAssertNil(classifier.classify(classifierRecord(status: 200, body: .text("ok")), api: api))
            XCTAssertNil(classifier.classify(classifierRecord(status: 200, body: .json("{\"choices\": [{\"finish_reason\": \"length\"}], \"nested\": {\"status\": \"error\"}}")), api: api))
        }
    }

    func testStatusDefaultsWhenTheMessageIsUnknown() {
        let unknown = ErrorBody.json("{\"error\": \"zorp blib\"}")
        let common: [ClassifierCase] = [
            ClassifierCase(400, unknown, "bad_request/other"),
            ClassifierCase(401, unknown, "auth/invalid_key"),
            ClassifierCase(402, unknown, "billing/insufficient_funds"),
            ClassifierCase(404, unknown, "not_found/other"),
            ClassifierCase(422, unknown, "bad_request/other"),
            ClassifierCase(429, unknown, "rate_limited/model_rate_limit"),
            ClassifierCase(405, unknown, "other/other"),
            ClassifierCase(408, nil, "other/other"),
            ClassifierCase(409, unknown, "other/other"),
            ClassifierCase(413, nil, "other/other"),
            ClassifierCase(499, nil, "other/other"),
            ClassifierCase(100, nil, "other/other"),
            ClassifierCase(301, .text("Moved Permanently"), "other/other"),
            ClassifierCase(304, nil, "other/other"),
            ClassifierCase(600, nil, "other/other"),
            ClassifierCase(999, unknown, "other/other"),
        ]
        for api in ProviderAPI.allCases { assertClassifications(common, api: api) }
        // 403 with no auth message: "Too many requests" on the speech API, forbidden elsewhere.
        assertClassifications([ClassifierCase(403, unknown, "rate_limited/too_many_requests")], api: .assemblyAISpeech)
        assertClassifications([ClassifierCase(403, unknown, "auth/forbidden")], api: .assemblyAILLMGateway)
        assertClassifications([ClassifierCase(403, unknown, "auth/forbidden")], api: .openAICompatible)
    }

    func testSpeech403TooManyRequestsVersusAuth() {
        assertClassifications([
            ClassifierCase(403, .json("{\"error\": \"Too many requests\"}"), "rate_limited/too_many_requests"),
            ClassifierCase(403, .json("{\"error\": \"Too Many Requests - slow down\"}"), "rate_limited/too_many_requests"),
            ClassifierCase(403, .text(""), "rate_limited/too_many_requests"),
            ClassifierCase(403, .json("{\"error\": \"Too many requests for this API key, slow down\"}"), "rate_limited/too_many_requests"),
            ClassifierCase(403, .json("{\"error\": \"Rate limit exceeded\"}"), "rate_limited/too_many_requests"),
            ClassifierCase(403, .json("{\"error\": \"Authentication error, API token missing/invalid\"}"), "auth/forbidden"),
            ClassifierCase(403, .json("{\"error\": \"This API key is not authorized for the EU region\"}"), "auth/forbidden"),
            ClassifierCase(403, .json("{\"error\": \"Permission denied\"}"), "auth/forbidden"),
            ClassifierCase(403, .text("<html><title>403 Forbidden</title></html>"), "auth/forbidden"),
        ], api: .assemblyAISpeech)
    }

    func testOpenAICompatible402And404() {
        assertClassifications([
            ClassifierCase(402, nil, "billing/insufficient_funds"),
            ClassifierCase(402, .text("Payment Required"), "billing/insufficient_funds"),
            ClassifierCase(402, .json("{\"error\": {\"message\": \"Account balance depleted\", \"code\": 402}}"), "billing/insufficient_funds"),
            ClassifierCase(404, openAIBody(message: "Model Not Recognized", code: "model_not_found"), "bad_request/model_not_supported"),
            ClassifierCase(404, .json("{\"error\": {\"message\": \"The model `GPT-5.4` does not exist or you do not have access to it.\"}}"),
                           "bad_request/model_not_supported"),
            // A 404 that names no model is a wrong path, not an unknown model.
            ClassifierCase(404, .text("404 page not found"), "not_found/other"),
            ClassifierCase(404, nil, "not_found/other"),
        ], api: .openAICompatible)
        // The same unknown-model 404 on the gateway is also model_not_supported; the speech API's is not_found.
        assertClassifications([ClassifierCase(404, .json("{\"error\": \"model gpt-9 not found\"}"), "bad_request/model_not_supported")],
                              api: .assemblyAILLMGateway)
    }

    func testHTMLPlainTextEmptyAndBrokenBodies() {
        assertClassifications([
            // HTML and plain text are read whole.
            ClassifierCase(400, .text("<html><body><p>Error processing request, json data invalid</p></body></html>"),
                           "bad_request/malformed_json"),
            ClassifierCase(404, .text("404: Not Found"), "not_found/unsupported_subtitle_format"),
            // A JSON 404 with the same words is a handled 404, not the subtitle page.
            ClassifierCase(404, .json("{\"error\": \"404: Not Found\"}"), "not_found/other"),
            // Empty and whitespace-only bodies: the status decides.
            ClassifierCase(400, .json(""), "bad_request/other"),
            ClassifierCase(400, .text("  \n"), "bad_request/other"),
            ClassifierCase(404, .text(""), "not_found/other"),
            ClassifierCase(401, .json(""), "auth/invalid_key"),
            // Unparseable JSON is read as text: cut short, or not JSON at all.
            ClassifierCase(400, .json("{\"error\": \"Transcript creation error, audio_url not fou"), "bad_request/other"),
            ClassifierCase(400, .json("{\"error\": \"Your current account balance is negative. Please top up"), "billing/insufficient_funds"),
            ClassifierCase(400, .json("{error: 'language_detection is not available when language_code is specified'}"),
                           "bad_request/conflicting_language_options"),
            ClassifierCase(400, .json("{\"error\": }"), "bad_request/other"),
            ClassifierCase(400, .json("\u{0}\u{1}\u{FFFD}garbage"), "bad_request/other"),
            ClassifierCase(400, .json(String(repeating: "[", count: 10_000)), "bad_request/other"),
            ClassifierCase(400, .json(String(repeating: "{\"a\":", count: 5_000)), "bad_request/other"),
            // Other JSON shapes: a bare string, an array of errors, null, numbers.
            ClassifierCase(400, .json("\"`punctuate` must be a Boolean\""), "bad_request/wrong_type"),
            ClassifierCase(400, .json("[\"Invalid `webhook_url`, `webhook_url` should start with http.\"]"), "bad_request/invalid_webhook_url"),
            ClassifierCase(400, .json("{\"errors\": [{\"message\": \"You must explicitly define 'redact_pii_policies'\"}]}"),
                           "bad_request/invalid_pii_options"),
            ClassifierCase(400, .json("null"), "bad_request/other"),
            ClassifierCase(400, .json("{\"error\": 42, \"message\": false}"), "bad_request/other"),
        ], api: .assemblyAISpeech)
    }

    func testOnlyMessageFieldsAreRead() {
        // Words in request_id, an echoed prompt or a URL never decide the reason.
        assertClassifications([
            ClassifierCase(400, .json("{\"error\": \"zorp\", \"prompt\": \"my account balance is negative\", \"request_id\": \"transcript-not-found\"}"),
                           "bad_request/other"),
            ClassifierCase(400, .json("{\"error\": \"See https://example.com/webhook_url/speech_models/redact_pii for details\"}"),
                           "bad_request/other"),
            // Escapes are decoded before matching.
            ClassifierCase(400, .json("{\"error\": \"\\u0060punctuate\\u0060 must be a \\u0042oolean\"}"), "bad_request/wrong_type"),
            ClassifierCase(400, .json("{\"err\\u006fr\": \"`punctuate` must be a Boolean\"}"), "bad_request/other"),
        ], api: .assemblyAISpeech)
    }

    func testNoStatusAndNoTransportFailure() {
        let classifier = ErrorClassifier()
        for api in ProviderAPI.allCases {
            XCTAssertEqual(classifier.classify(classifierRecord(status: nil, body: nil), api: api)?.description, "other/other")
            XCTAssertEqual(classifier.classify(classifierRecord(status: 0, body: nil), api: api)?.description, "other/other")
            XCTAssertEqual(classifier.classify(classifierRecord(status: nil, body: .text("zorp")), api: api)?.description, "other/other")
            // A log line with status 0 and a client's error string in its body.
            XCTAssertEqual(classifier.classify(classifierRecord(status: 0, body: .text("getaddrinfo ENOTFOUND api.assemblyai.com")), api: api)?.description,
                           "network/dns")
        }
    }

    func testTransportFailureWinsOverStatus() {
        let record = classifierRecord(status: 200, body: nil, transport: .curl(code: 18, message: "transfer closed with 120 bytes remaining to read"))
        XCTAssertEqual(ErrorClassifier().classify(record, api: .assemblyAILLMGateway)?.description, "network/connection_reset")
        let logged = classifierRecord(status: nil, body: nil, transport: .message("zorp"))
        XCTAssertEqual(ErrorClassifier().classify(logged, api: .assemblyAISpeech)?.description, "network/other")
    }

    func testFolding() {
        func folded(_ s: String) -> String {
            let t = ClassifierText(s)
            return String(decoding: t.bytes, as: UTF8.self)
        }
        XCTAssertEqual(folded("`Punctuate` must be a Boolean!"), " punctuate must be a boolean ")
        XCTAssertEqual(folded("Invalid `webhook_url`, should start with http."), " invalid webhook url should start with http ")
        XCTAssertEqual(folded("See https://x.io/a_b-c?d=e. Then HTTP://Y/z more"), " see then more ")
        XCTAssertEqual(folded("Download error to https://foo.bar, 403 Client Error"), " download error to 403 client error ")
        XCTAssertEqual(folded("ECONNREFUSED 127.0.0.1:443"), " econnrefused 127 0 0 1 443 ")
        XCTAssertEqual(folded("doesn’t — naïve"), " doesn t na ve ")
        XCTAssertEqual(folded("http: https:x"), " http https x ")
        XCTAssertEqual(folded("!!!"), "")
        XCTAssertTrue(ClassifierText("").isEmpty)
        // Phrases match at word starts only.
        XCTAssertTrue(ClassifierPattern("deprecat").matches(ClassifierText("speech_model is DEPRECATED")))
        XCTAssertFalse(ClassifierPattern("found").matches(ClassifierText("unfounded claim")))
        XCTAssertTrue(ClassifierPattern("a + b | c").matches(ClassifierText("b then a")))
        XCTAssertFalse(ClassifierPattern("a + b").matches(ClassifierText("just a")))
        // Every phrase of an alternative must be in the same message.
        var two = ClassifierText()
        two.append("model claude")
        two.append("not supported")
        XCTAssertFalse(ClassifierPattern("model + not supported").matches(two))
        XCTAssertTrue(ClassifierPattern("model | zzz").matches(two))
    }
    /// One classifier answers repeated and interleaved (API, status, body) triples exactly as
    /// a fresh classifier does each time (it caches recent answers).
    func testRepeatedBodiesClassifyAsFreshOnes() {
        let shared = ErrorClassifier()
        let bodies: [ErrorBody?] = [
            .json("{\"error\": \"Rate limit exceeded for model gpt-4.1-mini. Please retry after 41 seconds.\"}"),
            .text("{\"error\": \"Rate limit exceeded for model gpt-4.1-mini. Please retry after 41 seconds.\"}"),
            .json("{\"error\": \"Invalid request\", \"metadata\": {\"errors\": [\"messages: Field required\"]}}"),
            .json("{\"status\": \"error\", \"error\": \"Audio duration is too short.\"}"),
            .json("{\"error\": \"zorp blib\"}"),
            .text(String(repeating: "x", count: 2000)),
            // Empty, unicode, and bodies at and past the cache's 1 KiB of kept bytes, equal
            // but for their last byte.
            .json(""), .text(""), .text("ünïcödé error 🚀 rate limit"),
            .json(String(repeating: "y", count: 1024)), .json(String(repeating: "y", count: 1023) + "z"),
            .json(String(repeating: "y", count: 1025)),
            nil,
        ]
        var seen = Set<String>()
        for _ in 0..<3 {
            for api in ProviderAPI.allCases {
                for status in [200, 400, 401, 404, 429, 500] {
                    for body in bodies {
                        let record = classifierRecord(status: status, body: body)
                        let fresh = ErrorClassifier().classify(record, api: api)
                        XCTAssertEqual(shared.classify(record, api: api), fresh, "\(api) \(status) \(String(describing: body))")
                        seen.insert(fresh?.description ?? "nil")
                    }
                }
            }
        }
        XCTAssertGreaterThan(seen.count, 4)
        // More distinct bodies than the cache holds, twice over: evicted and re-read answers.
        let many: [ErrorBody] = (0..<600).map { i in
            i % 3 == 0 ? .json("{\"error\": \"Rate limit exceeded \(i)\"}")
                : i % 3 == 1 ? .json("{\"error\": \"zorp \(i)\"}") : .text("Authentication error \(i)")
        }
        for _ in 0..<2 {
            for (i, body) in many.enumerated() {
                let record = classifierRecord(status: [400, 401, 429][i % 3], body: body)
                XCTAssertEqual(shared.classify(record, api: .assemblyAILLMGateway),
                               ErrorClassifier().classify(record, api: .assemblyAILLMGateway), "\(body)")
            }
        }
        // Logged transport errors are cached under status 0, apart from bodies of the same text.
        for message in ["connect ETIMEDOUT 10.0.0.1:443", "getaddrinfo ENOTFOUND x", "zorp 3", "connect ETIMEDOUT 10.0.0.1:443"] {
            for record in [classifierRecord(status: 0, body: nil, transport: .message(message)),
                           classifierRecord(status: 400, body: .text(message))] {
                XCTAssertEqual(shared.classify(record, api: .openAICompatible),
                               ErrorClassifier().classify(record, api: .openAICompatible), message)
            }
        }
    }

    /// A String changed after it was classified is read again: the classifier finds recent
    /// bodies by their storage, which it holds, so a change makes new storage.
    func testABodyChangedAfterClassifyingIsReadAgain() {
        let shared = ErrorClassifier()
        var text = String(repeating: "x", count: 40)
        for _ in 0..<2 {
            for suffix in ["", " rate limit exceeded", " invalid api key", ""] {
                text += suffix
                let record = classifierRecord(status: 400, body: .text(text))
                XCTAssertEqual(shared.classify(record, api: .openAICompatible),
                               ErrorClassifier().classify(record, api: .openAICompatible), text)
            }
            text.removeLast(20)
        }
    }
}
