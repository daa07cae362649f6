import XCTest
@testable import Probing

final class ProbingSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
