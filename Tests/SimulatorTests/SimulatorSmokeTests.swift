import XCTest
@testable import Simulator

final class SimulatorSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
