import Foundation
import GatewatchCore
import XCTest
@testable import Simulator

/// The fixed 60 s window per region and model (seeds 001, 003), driven by a manual clock.
final class RateLimitTests: XCTestCase {
    func testThirtyThenTooManyWithHeadersCountingDownAndResetAfterTheWindow() throws {
        let sim = try LiveSimulator()
        for i in 1...30 {
            let reply = sim.chat()
            XCTAssertEqual(reply.status, 200, "request \(i)")
            let rl = try XCTUnwrap(reply.rateLimit)
            XCTAssertEqual(rl.limit, 30)
            XCTAssertEqual(rl.remaining, 30 - i)
            XCTAssertEqual(rl.reset, 60)
            XCTAssertEqual(rl.model, "claude-sonnet-4-6")
            XCTAssertEqual(rl.service, "llm-gateway")
        }
        let limited = sim.chat()
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.rateLimit?.remaining, 0)
        XCTAssertNotNil(limited.requestID)
        sim.clock.advance(by: 20)
        let later = sim.chat()
        XCTAssertEqual(later.status, 429)
        XCTAssertEqual(later.rateLimit?.reset, 40, "reset counts down with the clock")
        sim.clock.advance(by: 39.5)
        XCTAssertEqual(sim.chat().rateLimit?.reset, 1)
        sim.clock.advance(by: 0.5)
        let fresh = sim.chat()
        XCTAssertEqual(fresh.status, 200, "a new window")
        XCTAssertEqual(fresh.rateLimit?.remaining, 29)
        XCTAssertEqual(fresh.rateLimit?.reset, 60)
    }

    func testWindowsArePerModelAndPerRegion() throws {
        let sim = try LiveSimulator { $0.defaultLimit = 2 }
        XCTAssertEqual(sim.chat().status, 200)
        XCTAssertEqual(sim.chat().status, 200)
        XCTAssertEqual(sim.chat().status, 429)
        XCTAssertEqual(sim.chat("claude-haiku-4-5").status, 200, "another model has its own window")
        XCTAssertEqual(sim.chat(on: .eu).status, 200, "another region has its own window")
        // The host-routed listener shares the US and EU windows.
        XCTAssertEqual(sim.chat(on: .hostRouted, host: "llm-gateway.assemblyai.com").status, 429)
        XCTAssertEqual(sim.chat(on: .hostRouted, host: "llm-gateway.eu.assemblyai.com").status, 200)
        XCTAssertEqual(sim.chat(on: .hostRouted, host: "llm-gateway.eu.assemblyai.com").status, 429)
    }

    func testPerModelLimitAndShortWindow() throws {
        let sim = try LiveSimulator { $0.modelLimits = ["gpt-5": 1]; $0.window = 5 }
        let first = sim.chat("gpt-5")
        XCTAssertEqual(first.rateLimit?.limit, 1)
        XCTAssertEqual(first.rateLimit?.reset, 5)
        XCTAssertEqual(sim.chat("gpt-5").status, 429)
        XCTAssertEqual(sim.chat().rateLimit?.limit, 30)
        sim.clock.advance(by: 5)
        XCTAssertEqual(sim.chat("gpt-5").status, 200)
    }

    func testRejectedRequestsCarryHeadersWithoutSpending() throws {
        let sim = try LiveSimulator()
        let unauthorized = sim.chat(auth: "wrong")
        XCTAssertEqual(unauthorized.status, 401)
        XCTAssertEqual(unauthorized.rateLimit?.remaining, 30)
        XCTAssertEqual(sim.chat().rateLimit?.remaining, 29)
    }

    func testLimiterUnit() {
        let clock = ManualTimeSource()
        let limiter = RateLimiter(window: 60, time: clock)
        let a = limiter.check(service: "s", region: .us, model: "m", limit: 1)
        XCTAssertTrue(a.allowed)
        XCTAssertFalse(limiter.check(service: "s", region: .us, model: "m", limit: 1).allowed)
        XCTAssertTrue(limiter.check(service: "s", region: .us, model: "m", limit: 1, consume: false).allowed)
        XCTAssertEqual(limiter.check(service: "s", region: .us, model: "m", limit: 0).remaining, 0)
    }
}
