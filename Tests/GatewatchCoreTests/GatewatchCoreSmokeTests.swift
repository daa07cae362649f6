import XCTest
@testable import GatewatchCore

final class GatewatchCoreSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
