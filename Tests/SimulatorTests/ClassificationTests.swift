import Foundation
import GatewatchCore
import XCTest
@testable import Simulator

/// What the simulator sends is classified by the project's own classifier as CONTRACT section 4
/// says the real upstream's answers are: the bodies are faithful enough to drive alerts.
final class ClassificationTests: XCTestCase {
    private func classify(_ reply: Reply, api: ProviderAPI) -> String? {
        let record = RequestRecord(provider: api.rawValue, region: "us", source: .probe, statusCode: reply.status,
                                   startTime: 0, errorBody: .json(reply.body),
                                   headers: reply.headers.map { HTTPHeader($0.name, $0.value) })
        return ErrorClassifier().classify(record, api: api)?.description
    }

    func testGatewayAnswers() throws {
        let sim = try LiveSimulator { $0.modelLimits = ["claude-haiku-4-5": 0] }
        let gw = ProviderAPI.assemblyAILLMGateway
        XCTAssertEqual(classify(sim.chat(auth: nil), api: gw), "auth/invalid_key")
        XCTAssertEqual(classify(sim.chat("claude-haiku-4-5"), api: gw), "rate_limited/model_rate_limit")
        let cases: [(String, String)] = [
            (#"{"model": "claude-sonnet-4-6"}"#, "bad_request/missing_messages"),
            (#"{"model": "nope", "prompt": "hi"}"#, "bad_request/model_not_supported"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "max_tokens": 999999}"#, "bad_request/context_limit_exceeded"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "model_region": "eu"}"#, "bad_request/invalid_model_region"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "fallback_config": {"depth": 3}}"#, "bad_request/fallback_depth_exceeded"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "response_format": 1}"#, "bad_request/invalid_response_format"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "transcript_id": "x"}"#, "not_found/transcript_not_found"),
        ]
        for (body, expected) in cases {
            XCTAssertEqual(classify(sim.request("POST", "/v1/chat/completions", body: body), api: gw), expected, body)
        }
    }

    func testSpeechAnswers() throws {
        let sim = try LiveSimulator { $0.apiKeys = ["k"]; $0.depletedKeys = ["broke"] }
        let speech = ProviderAPI.assemblyAISpeech
        func submit(_ body: String, auth: String = "k") -> String? {
            classify(sim.request("POST", "/v2/transcript", body: body, auth: auth), api: speech)
        }
        XCTAssertEqual(submit("{}", auth: "bad"), "auth/invalid_key")
        XCTAssertEqual(submit(#"{"audio_url": "u"}"#, auth: "broke"), "billing/insufficient_funds")
        XCTAssertEqual(submit("{}"), "bad_request/missing_audio_url")
        XCTAssertEqual(submit(#"{"audio_url": "u", "language_code": "xx"}"#), "bad_request/unsupported_language")
        XCTAssertEqual(submit(#"{"audio_url": "u", "speech_models": []}"#), "bad_request/invalid_speech_models")
        XCTAssertEqual(submit(#"{"audio_url": "u", "speech_model": "slam-1"}"#), "bad_request/deprecated_speech_model")
        XCTAssertEqual(submit(#"{"audio_url": "u", "language_code": "en", "language_detection": true}"#),
                       "bad_request/conflicting_language_options")
        XCTAssertEqual(submit(#"{"audio_url": "u", "punctuate": 1}"#), "bad_request/wrong_type")
        XCTAssertEqual(submit(#"{"audio_url": "u", "webhook_url": "x"}"#), "bad_request/invalid_webhook_url")
        XCTAssertEqual(submit(#"{"audio_url": "u", "redact_pii": true}"#), "bad_request/invalid_pii_options")
        XCTAssertEqual(submit("{x"), "bad_request/malformed_json")
        XCTAssertEqual(submit(#"{"audio_url": "u", "language_code": "vi", "speaker_labels": true}"#),
                       "bad_request/feature_unsupported_for_language")
        XCTAssertEqual(classify(sim.request("GET", "/v2/transcript/nope", auth: "k"), api: speech), "not_found/transcript_not_found")
    }

    func testProcessingFailures() throws {
        let sim = try LiveSimulator()
        for failure in ProcessingFailure.allCases {
            let id = try XCTUnwrap(sim.request("POST", "/v2/transcript",
                                               body: #"{"audio_url": "https://e.x/a?sim_error=\#(failure.rawValue)"}"#).json["id"] as? String)
            sim.clock.advance(by: 10)
            let reply = sim.request("GET", "/v2/transcript/\(id)")
            XCTAssertEqual(classify(reply, api: .assemblyAISpeech), "processing/\(failure.rawValue)")
        }
    }

    func testProviderAndFaultAnswers() throws {
        let sim = try LiveSimulator({ $0.apiKeys = ["k"]; $0.depletedKeys = ["broke"] }, scenarioYAML: """
            faults:
              - {region: eu, endpoint: chat, status: 503}
              - {region: eu, endpoint: transcript, error: server_error}
            """)
        let llmai = ProviderAPI.openAICompatible
        let ok = #"{"model": "gpt-5.4", "messages": [{"role": "user", "content": "hi"}]}"#
        XCTAssertEqual(classify(sim.request("POST", "/llmai/v1/chat/completions", body: ok, auth: "Bearer x"), api: llmai),
                       "auth/invalid_key")
        XCTAssertEqual(classify(sim.request("POST", "/llmai/v1/chat/completions", body: ok, auth: "Bearer broke"), api: llmai),
                       "billing/insufficient_funds")
        XCTAssertEqual(classify(sim.request("POST", "/llmai/v1/chat/completions",
                                            body: #"{"model": "GPT-5.4", "messages": [{"role": "user", "content": "hi"}]}"#,
                                            auth: "Bearer k"), api: llmai), "bad_request/model_not_supported")
        XCTAssertEqual(classify(sim.chat(on: .eu, auth: "k"), api: .assemblyAILLMGateway), "server/status_503")
        XCTAssertEqual(classify(sim.request("GET", "/v2/transcript", on: .eu, auth: "k"), api: .assemblyAISpeech),
                       "server/status_500")
    }
}

/// The client's transport failures read as curl's, so the log path classifies them.
final class TransportWordingTests: XCTestCase {
    func testClientFailureWordingClassifies() throws {
        let sim = try LiveSimulator(scenarioYAML: "faults:\n  - {region: eu, drop: true}\n  - {region: us, hang: 2s}\n")
        func classify(_ outcome: LoopbackHTTPClient.Outcome) -> String? {
            guard case .failure(let message) = outcome else { return nil }
            return TransportErrorClassifier.classify(.message(message)).description
        }
        XCTAssertEqual(classify(sim.outcome("POST", "/v1/chat/completions", on: .us, body: "{}", timeout: 0.3)),
                       "timeout/response_timeout")
        XCTAssertEqual(classify(sim.outcome("POST", "/v1/chat/completions", on: .eu, body: "{}")), "network/connection_reset")
        let closed = LoopbackHTTPClient.send(address: "127.0.0.1:1", method: "GET", path: "/", host: "x", headers: [],
                                             body: [], timeout: 1)
        XCTAssertEqual(classify(closed), "network/connect_refused")
    }
}
