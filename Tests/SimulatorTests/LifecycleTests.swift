import Foundation
import XCTest
@testable import Simulator

final class LifecycleTests: XCTestCase {
    func testAddressInUseIsOneLineAndNothingStaysBound() throws {
        let first = try LiveSimulator()
        var options = SimulatorOptions()
        options.listen = "127.0.0.1:0"
        options.listenUS = "127.0.0.1:0"
        options.listenEU = first.address(.eu)
        let second = try Simulator(options: options)
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual("\(error)", "listen tcp \(first.address(.eu)): bind: Address already in use")
        }
        XCTAssertEqual(second.boundAddresses, [])
    }

    func testStopReleasesHangingRequestsPromptly() throws {
        let sim = try LiveSimulator(scenarioYAML: "faults:\n  - hang: true\n")  // 300 s by default
        let done = expectation(description: "hanging request ended")
        DispatchQueue.global().async {
            _ = sim.outcome("POST", "/v1/chat/completions", body: "{}", timeout: 60)
            done.fulfill()
        }
        usleep(300_000)
        let start = Date()
        sim.simulator.stop()
        wait(for: [done], timeout: 10)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(sim.simulator.boundAddresses, [])
        sim.simulator.stop()  // idempotent
    }

    func testKeysFromTheEnvironmentAndTheDemoKey() {
        XCTAssertEqual(SimulatorOptions.keysFromEnvironment(["GATEWATCH_SIM_API_KEYS": " a, b,,c "]), ["a", "b", "c"])
        XCTAssertEqual(SimulatorOptions().acceptedKeys, ["sim-demo-key"])
        var options = SimulatorOptions()
        options.apiKeys = ["x"]
        options.depletedKeys = ["y"]
        XCTAssertEqual(options.acceptedKeys, ["x", "y"])
    }

    func testBadOptionsAreRefused() {
        for change in [{ (o: inout SimulatorOptions) in o.window = 0 }, { $0.window = 1e20 }, { $0.defaultLimit = -1 },
                       { $0.rate = 0 }, { $0.clientTimeout = 1e12 }, { $0.listen = nil; $0.listenUS = nil; $0.listenEU = nil }] {
            var options = SimulatorOptions()
            change(&options)
            XCTAssertThrowsError(try Simulator(options: options))
        }
    }
}
