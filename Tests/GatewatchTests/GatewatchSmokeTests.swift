import XCTest
@testable import Gatewatch

final class GatewatchSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
