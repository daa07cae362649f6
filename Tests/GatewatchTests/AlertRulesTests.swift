import Foundation
import XCTest

/// The shipped alert rules pass promtool and their own unit tests, and name only documented families.
final class AlertRulesTests: XCTestCase {
    let rules = packageRoot.appendingPathComponent("deploy/prometheus/gatewatch-alerts.yml")
    let ruleTests = packageRoot.appendingPathComponent("deploy/prometheus/gatewatch-alerts.test.yml")

    func testPromtoolChecksAndUnitTestsPass() throws {
        let promtool = try tool("promtool")
        let check = try runProcess(promtool, ["check", "rules", rules.path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let test = try runProcess(promtool, ["test", "rules", ruleTests.path])
        XCTAssertEqual(test.status, 0, test.stdout + test.stderr)
        XCTAssertTrue(test.stdout.contains("SUCCESS"), test.stdout)
    }

    func testRulesNameOnlyDocumentedFamilies() throws {
        let docs = try String(contentsOf: packageRoot.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        let text = try String(contentsOf: rules, encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "gatewatch_[a-z_]+")
        var names = Set<String>()
        for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            var name = String(text[Range(m.range, in: text)!])
            for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) && name.contains("duration") {
                name = String(name.dropLast(suffix.count))
            }
            names.insert(name)
        }
        XCTAssertFalse(names.isEmpty)
        for name in names {
            XCTAssertTrue(docs.contains("`\(name)`"), "\(name) is used by an alert but not documented in docs/metrics.md")
        }
    }
}
