import Foundation
import XCTest
@testable import Simulator

/// Each fault kind of a scenario against a live simulator, scheduled by a manual clock.
final class FaultTests: XCTestCase {
    func testStatusFaultWithSeedBodyOnlyInItsWindowRegionAndModels() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - after: 10s
                for: 20s
                region: eu
                model: "claude-*"
                endpoint: chat
                status: 503
            """)
        XCTAssertEqual(sim.chat(on: .eu).status, 200, "before `after`")
        sim.clock.advance(by: 10)
        let failed = sim.chat(on: .eu)
        XCTAssertEqual(failed.status, 503)
        XCTAssertEqual(failed.bodyWithoutRequestID, """
            {
              "code": 503,
              "message": "service unavailable",
              "request_id": "RID"
            }
            """)
        XCTAssertEqual(failed.rateLimit?.model, "claude-sonnet-4-6", "rate-limit headers on every answer")
        XCTAssertEqual(sim.chat(on: .us).status, 200, "other region")
        XCTAssertEqual(sim.chat("gemini-2.5-flash", on: .eu).status, 200, "model outside the glob")
        XCTAssertEqual(sim.request("GET", "/v2/transcript?limit=1", on: .eu).status, 200, "other endpoint")
        sim.clock.advance(by: 20)
        XCTAssertEqual(sim.chat(on: .eu).status, 200, "after `for`")
    }

    func testNamedErrorsRenderPerEndpointExactly() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - error: auth
            """)
        XCTAssertEqual(sim.chat().bodyWithoutRequestID, """
            {
              "error": "Authentication error, API token missing/invalid",
              "status": "error",
              "request_id": "RID"
            }
            """)
        let speech = sim.request("GET", "/v2/transcript?limit=1")
        XCTAssertEqual(speech.status, 401)
        XCTAssertEqual(speech.bodyWithoutRequestID,
                       "{\n\"error\": \"Authentication error, API token missing/invalid.\",\n\"request_id\": \"RID\"\n}")
        XCTAssertEqual(sim.request("POST", "/llmai/v1/chat/completions", body: "{}", auth: "Bearer sim-demo-key").status, 401)
    }

    func testSpeechServerErrorAndLiteralBody() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - endpoint: transcript
                error: server_error
              - endpoint: llmai
                status: 502
                body: 'upstream connect error or disconnect/reset before headers'
            """)
        let speech = sim.request("POST", "/v2/transcript", body: #"{"audio_url": "u"}"#)
        XCTAssertEqual(speech.status, 500)
        XCTAssertEqual(speech.bodyWithoutRequestID, "{\n\"error\": \"Internal server error. Please retry your request. If the error persists, please contact support@assemblyai.com for more information.\",\n\"request_id\": \"RID\"\n}")
        let llmai = sim.request("POST", "/llmai/v1/chat/completions", body: "{}")
        XCTAssertEqual(llmai.status, 502)
        XCTAssertEqual(llmai.body, "upstream connect error or disconnect/reset before headers")
        XCTAssertEqual(llmai.header("Content-Type"), "text/plain; charset=utf-8")
    }

    func testLatencyFaultDelaysTheAnswer() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - model: gpt-5
                latency: 300ms
            """)
        let start = Date()
        XCTAssertEqual(sim.chat("gpt-5").status, 200)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.3)
    }

    func testLatencyDistributions() {
        for _ in 0..<200 {
            let u = LatencyDistribution.uniform(min: 0.1, max: 0.2).sample()
            XCTAssertTrue((0.1...0.2).contains(u))
            let l = LatencyDistribution.logNormal(median: 0.5, p99: 2).sample()
            XCTAssertTrue(l > 0 && l <= 20)
        }
    }

    func testHangHoldsPastTheClientTimeoutThenDrops() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - region: us
                hang: 3s
            """)
        let start = Date()
        guard case .failure(let message) = sim.outcome("POST", "/v1/chat/completions", body: "{}", timeout: 0.5) else {
            return XCTFail("expected a timeout")
        }
        XCTAssertTrue(message.hasPrefix("Operation timed out after"), message)
        XCTAssertTrue(message.hasSuffix("with 0 bytes received"), message)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
        // Without a client timeout the simulator gives up after the hang and drops the connection.
        guard case .failure(let dropped) = sim.outcome("POST", "/v1/chat/completions", body: "{}", timeout: 30) else {
            return XCTFail("expected a dropped connection")
        }
        XCTAssertEqual(dropped, "Empty reply from server")
        XCTAssertEqual(sim.chat(on: .eu).status, 200)
    }

    func testHangsBeyondTheThreadBudgetBecomeDropsAndTheListenerStillAnswers() throws {
        // LiveSimulator lets 2 requests per listener wait at once.
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - model: gpt-5
                hang: 3s
            """)
        let body = #"{"model": "gpt-5", "prompt": "hi"}"#
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                _ = sim.outcome("POST", "/v1/chat/completions", body: body, timeout: 10)
            }
        }
        usleep(500_000)
        let start = Date()
        guard case .failure(let third) = sim.outcome("POST", "/v1/chat/completions", body: body, timeout: 10) else {
            return XCTFail("expected a drop")
        }
        XCTAssertEqual(third, "Empty reply from server")
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "dropped at once, not held")
        XCTAssertEqual(sim.chat().status, 200, "the listener still answers")
        group.wait()
    }

    func testDropClosesTheConnectionWithoutAnAnswer() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - endpoint: transcript
                drop: true
            """)
        guard case .failure(let message) = sim.outcome("GET", "/v2/transcript?limit=1") else {
            return XCTFail("expected a dropped connection")
        }
        XCTAssertEqual(message, "Empty reply from server")
        XCTAssertEqual(sim.chat().status, 200)
    }

    func testLoweredRateLimit() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - after: 1m
                for: 1m
                rate_limit: 2
            """)
        XCTAssertEqual(sim.chat().rateLimit?.limit, 30)
        sim.clock.advance(by: 60)
        let first = sim.chat("claude-haiku-4-5")
        XCTAssertEqual(first.rateLimit?.limit, 2)
        XCTAssertEqual(first.rateLimit?.remaining, 1)
        XCTAssertEqual(sim.chat("claude-haiku-4-5").status, 200)
        XCTAssertEqual(sim.chat("claude-haiku-4-5").status, 429)
        sim.clock.advance(by: 60)
        XCTAssertEqual(sim.chat("claude-haiku-4-5").status, 200, "limit restored, same window")
    }

    func testProcessingErrorFault() throws {
        let sim = try LiveSimulator(scenarioYAML: """
            faults:
              - region: eu
                processing_error: no_audio_stream
            """)
        let eu = try XCTUnwrap(sim.request("POST", "/v2/transcript", on: .eu, body: #"{"audio_url": "u"}"#).json["id"] as? String)
        sim.clock.advance(by: 10)
        let reply = sim.request("GET", "/v2/transcript/\(eu)", on: .eu).json
        XCTAssertEqual(reply["status"] as? String, "error")
        XCTAssertEqual(reply["error"] as? String, "No audio stream found in the file. File type is image/png (PNG image data).")
    }

    func testLoopingVersusOneShot() throws {
        let yaml = { (loop: Bool) in """
            loop: \(loop)
            period: 100s
            faults:
              - after: 10s
                for: 10s
                status: 500
            """ }
        let looping = try LiveSimulator(scenarioYAML: yaml(true))
        let once = try LiveSimulator(scenarioYAML: yaml(false))
        for sim in [looping, once] { sim.clock.advance(by: 15) }
        XCTAssertEqual(looping.chat().status, 500)
        XCTAssertEqual(once.chat().status, 500)
        for sim in [looping, once] { sim.clock.advance(by: 100) }
        XCTAssertEqual(looping.chat().status, 500, "second loop")
        XCTAssertEqual(once.chat().status, 200, "one-shot is over")
    }
}
