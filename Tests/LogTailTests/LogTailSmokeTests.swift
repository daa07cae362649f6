import XCTest
@testable import LogTail

final class LogTailSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
