import Foundation
import XCTest
@testable import Simulator

/// The LLM Gateway endpoint against a live simulator: bodies byte-exact as seed 000 prints them.
final class LLMGatewayTests: XCTestCase {
    func testChatCompletionIsOpenAIShapedWithRequestIDAndUsage() throws {
        let sim = try LiveSimulator()
        let reply = sim.chat()
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.header("Content-Type"), "application/json")
        let json = reply.json
        XCTAssertEqual((json["request_id"] as? String)?.count, 36)
        XCTAssertEqual(json["object"] as? String, "chat.completion")
        XCTAssertEqual(json["model"] as? String, "claude-sonnet-4-6")
        let choice = try XCTUnwrap((json["choices"] as? [[String: Any]])?.first)
        XCTAssertEqual(choice["finish_reason"] as? String, "stop")
        XCTAssertEqual((choice["message"] as? [String: Any])?["role"] as? String, "assistant")
        let usage = try XCTUnwrap(json["usage"] as? [String: Int])
        XCTAssertEqual(usage["total_tokens"], (usage["prompt_tokens"] ?? 0) + (usage["completion_tokens"] ?? 0))
        XCTAssertGreaterThan(usage["completion_tokens"] ?? 0, 3)
    }

    func testMaxTokensHitGivesFinishReasonLength() throws {
        let sim = try LiveSimulator()
        let json = sim.chat(extra: #", "max_tokens": 3"#).json
        let choice = try XCTUnwrap((json["choices"] as? [[String: Any]])?.first)
        XCTAssertEqual(choice["finish_reason"] as? String, "length")
        XCTAssertEqual((json["usage"] as? [String: Int])?["completion_tokens"], 3)
    }

    func testAuthRawKeyAcceptedMissingWrongOrBearerRejectedWithSeedBody() throws {
        let sim = try LiveSimulator { $0.apiKeys = ["k-one", "k-two"] }
        XCTAssertEqual(sim.chat(auth: "k-one").status, 200)
        XCTAssertEqual(sim.chat(auth: "k-two").status, 200)
        XCTAssertEqual(sim.chat(auth: SimulatorOptions.demoKey).status, 401, "the demo key only works when no key is set")
        // Seed 000: "Pass the key in the Authorization header ... not prefixed with Bearer."
        for auth in [nil, "wrong", "Bearer k-one"] as [String?] {
            let reply = sim.chat(auth: auth)
            XCTAssertEqual(reply.status, 401, "auth \(auth ?? "none")")
            XCTAssertEqual(reply.bodyWithoutRequestID, """
                {
                  "error": "Authentication error, API token missing/invalid",
                  "status": "error",
                  "request_id": "RID"
                }
                """)
            XCTAssertFalse(reply.body.contains("k-one"))
        }
    }

    func testEachValidationMessageByteExact() throws {
        let sim = try LiveSimulator()
        let cases: [(String, String)] = [
            (#"{"model": "claude-sonnet-4-6", "max_tokens": 10}"#, "one of messages or prompt required"),
            (#"{"model": "claude-sonnet-4-6", "messages": []}"#, "one of messages or prompt required"),
            (#"{"model": "claude-sonnet-9", "prompt": "hi"}"#, "model claude-sonnet-9 is not supported"),
            (#"{"model": "claude-haiku-4-5", "prompt": "hi", "max_tokens": 250000}"#, "model context limit exceeded"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "model_region": "eu"}"#, "model_region can only be set to global"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "fallback_config": {"depth": 3}}"#,
             "fallback_config depth cannot be greater than 2"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "response_format": {"type": "xml"}}"#,
             "response_format is invalid: type must be one of text, json_object, json_schema"),
            (#"{"model": "claude-sonnet-4-6", "prompt": "hi", "response_format": {"type": "json_schema", "json_schema": {"name": "x"}}}"#,
             "response_format is invalid: json_schema.schema must be an object"),
        ]
        for (body, message) in cases {
            let reply = sim.request("POST", "/v1/chat/completions", body: body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertEqual(reply.bodyWithoutRequestID, """
                {
                  "code": 400,
                  "message": "invalid request body",
                  "request_id": "RID",
                  "metadata": {
                    "errors": [
                      "\(message)"
                    ]
                  }
                }
                """, body)
        }
        // Accepted: model_region global, depth 2, a valid json_schema.
        let ok = #"{"model": "claude-sonnet-4-6", "prompt": "hi", "model_region": "global", "fallback_config": {"depth": 2}, "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}}"#
        XCTAssertEqual(sim.request("POST", "/v1/chat/completions", body: ok).status, 200)
    }

    func testEveryFailingFieldIsListed() throws {
        let sim = try LiveSimulator()
        let reply = sim.request("POST", "/v1/chat/completions",
                                body: #"{"model": "nope", "model_region": "us", "fallback_config": {"depth": 5}}"#)
        XCTAssertEqual(reply.metadataErrors, ["one of messages or prompt required", "model nope is not supported",
                                              "model_region can only be set to global",
                                              "fallback_config depth cannot be greater than 2"])
    }

    func testOpenAIModelsAreUSOnlyAndHostRoutingPicksTheRegion() throws {
        let sim = try LiveSimulator()
        XCTAssertEqual(sim.chat("gpt-5", on: .us).status, 200)
        let eu = sim.chat("gpt-5", on: .eu)
        XCTAssertEqual(eu.status, 400)
        XCTAssertEqual(eu.metadataErrors, ["model gpt-5 is not supported"])
        XCTAssertEqual(sim.chat("claude-sonnet-4-6", on: .eu).status, 200)
        XCTAssertEqual(sim.chat("gpt-5", on: .hostRouted, host: "llm-gateway.eu.assemblyai.com").status, 400)
        XCTAssertEqual(sim.chat("gpt-5", on: .hostRouted, host: "llm-gateway.assemblyai.com").status, 200)
    }

    func testStreamingIsSSEForOpenAIModelsOnly() throws {
        let sim = try LiveSimulator()
        let stream = sim.chat("gpt-5-mini", extra: #", "stream": true, "max_tokens": 4"#)
        XCTAssertEqual(stream.status, 200)
        XCTAssertEqual(stream.header("Content-Type"), "text/event-stream")
        let events = stream.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(events.last, "data: [DONE]")
        var text = ""
        var finish: String?
        for event in events.dropLast() {
            XCTAssertTrue(event.hasPrefix("data: "))
            let chunk = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any])
            XCTAssertNotNil(chunk["request_id"])
            let choice = try XCTUnwrap((chunk["choices"] as? [[String: Any]])?.first)
            text += ((choice["delta"] as? [String: Any])?["content"] as? String) ?? ""
            finish = (choice["finish_reason"] as? String) ?? finish
        }
        XCTAssertEqual(text, "This is a simulated")
        XCTAssertEqual(finish, "length")
        // Seed 000: other providers ignore the stream flag.
        let plain = sim.chat("claude-sonnet-4-6", extra: #", "stream": true"#)
        XCTAssertEqual(plain.header("Content-Type"), "application/json")
        XCTAssertEqual(plain.json["object"] as? String, "chat.completion")
    }

    func testTranscriptIDMustExistInTheSameRegion() throws {
        let sim = try LiveSimulator()
        let submitted = sim.request("POST", "/v2/transcript", on: .us, body: #"{"audio_url": "https://example.com/a.mp3"}"#)
        let id = try XCTUnwrap(submitted.json["id"] as? String)
        XCTAssertEqual(sim.chat(on: .us, extra: #", "transcript_id": "\#(id)""#).status, 200)
        let eu = sim.chat(on: .eu, extra: #", "transcript_id": "\#(id)""#)
        XCTAssertEqual(eu.status, 404)
        XCTAssertEqual(eu.bodyWithoutRequestID, """
            {
              "code": 404,
              "message": "transcript not found",
              "request_id": "RID"
            }
            """)
    }

    func testUnknownPathAndWrongMethod() throws {
        let sim = try LiveSimulator()
        XCTAssertEqual(sim.request("GET", "/v1/nothing").status, 404)
        let wrong = sim.request("GET", "/v1/chat/completions")
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(wrong.header("Allow"), "POST")
        XCTAssertEqual(sim.request("POST", "/v1/chat/completions", body: "{not json").status, 400)
    }
}
