import Foundation
import XCTest
@testable import Simulator

/// The OpenAI-compatible provider of seed 004 under /llmai.
final class LLMAITests: XCTestCase {
    private func chat(_ sim: LiveSimulator, _ body: String, auth: String? = "Bearer \(SimulatorOptions.demoKey)",
                      on listener: LiveSimulator.Listener = .us, prefix: String = "/llmai", host: String? = nil) -> Reply {
        sim.request("POST", prefix + "/v1/chat/completions", on: listener, body: body, auth: auth, host: host)
    }

    private let ok = #"{"model": "gpt-5.4", "messages": [{"role": "user", "content": "hi"}]}"#

    private func error(_ reply: Reply) -> [String: Any] { reply.json["error"] as? [String: Any] ?? [:] }

    func testBearerAuthSuccessAndRawKeyRejected() throws {
        let sim = try LiveSimulator()
        let reply = chat(sim, ok)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["object"] as? String, "chat.completion")
        XCTAssertEqual(reply.rateLimit?.service, "llmai")
        XCTAssertEqual(chat(sim, ok, auth: "bearer \(SimulatorOptions.demoKey)").status, 200)
        for auth in [nil, SimulatorOptions.demoKey, "Bearer nope"] as [String?] {
            let denied = chat(sim, ok, auth: auth)
            XCTAssertEqual(denied.status, 401)
            XCTAssertEqual(error(denied)["type"] as? String, "authentication_error")
            XCTAssertTrue((error(denied)["message"] as? String ?? "").hasPrefix("Authentication Failed"))
            XCTAssertNotNil(denied.requestID)
        }
        // api.llmai.* on the host-routed listener serves the provider without the prefix.
        XCTAssertEqual(chat(sim, ok, on: .hostRouted, prefix: "", host: "api.llmai.example").status, 200)
        XCTAssertEqual(sim.request("GET", "/llmai/v1/models", auth: "Bearer \(SimulatorOptions.demoKey)").status, 200)
    }

    func testBalanceDepletedIs402() throws {
        let sim = try LiveSimulator { $0.apiKeys = ["paid", "empty"]; $0.depletedKeys = ["empty"] }
        XCTAssertEqual(chat(sim, ok, auth: "Bearer paid").status, 200)
        let reply = chat(sim, ok, auth: "Bearer empty")
        XCTAssertEqual(reply.status, 402)
        XCTAssertTrue((error(reply)["message"] as? String ?? "").hasPrefix("Account Balance Depleted"))
    }

    func testUnknownCaseSensitiveSlugIs404() throws {
        let sim = try LiveSimulator()
        let reply = chat(sim, #"{"model": "GPT-5.4", "messages": [{"role": "user", "content": "hi"}]}"#)
        XCTAssertEqual(reply.status, 404)
        XCTAssertTrue((error(reply)["message"] as? String ?? "").hasPrefix("Model Not Recognized: GPT-5.4"))
    }

    func testInvalidRequestsAre400() throws {
        let sim = try LiveSimulator()
        for body in [#"{"model": "gpt-5.4"}"#, #"{"model": "gpt-5.4", "messages": []}"#,
                     #"{"model": "gpt-5.4", "messages": [{"role": "user"}]}"#,
                     #"{"model": "gpt-5.4", "messages": [{"role": "user", "content": "hi"}], "temperature": 2.5}"#,
                     #"{"model": "gpt-5.4", "messages": [{"role": "user", "content": "hi"}"#] {
            let reply = chat(sim, body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertEqual(error(reply)["type"] as? String, "invalid_request_error", body)
        }
    }

    func testRateLimitIs429AndOutputCutOffAndStreaming() throws {
        let sim = try LiveSimulator { $0.modelLimits = ["gemini-3-flash-preview": 1] }
        let body = #"{"model": "gemini-3-flash-preview", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2, "stream": true}"#
        let first = chat(sim, body)
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.header("Content-Type"), "text/event-stream")
        XCTAssertTrue(first.body.contains(#""finish_reason": "length""#))
        XCTAssertTrue(first.body.hasSuffix("data: [DONE]\n\n"))
        let second = chat(sim, body)
        XCTAssertEqual(second.status, 429)
        XCTAssertEqual(second.rateLimit?.remaining, 0)
        XCTAssertEqual(error(second)["type"] as? String, "rate_limit_error")
    }
}
