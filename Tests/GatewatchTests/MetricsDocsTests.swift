import Foundation
import XCTest

/// docs/metrics.md and the exposition agree: every family a running exporter registers is
/// documented, and every documented gatewatch family is registered.
final class MetricsDocsTests: XCTestCase {
    func testEveryExposedFamilyIsDocumentedAndEveryDocumentedOneExposed() throws {
        let dir = try makeTempDir(self)
        let config = try writeLogConfig(dir)
        let serve = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(serve.stop(), 0) }
        let text = try httpRequest(serve.baseURL + "/metrics").text
        let exposed = Set(text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("# HELP ") else { return nil }
            return line.split(separator: " ")[2].description
        })
        let docs = try String(contentsOf: packageRoot.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        let documented = Set(docs.matches(of: /`((?:gatewatch|process)_[a-z_]+)`/).map { String($0.output.1) })
        XCTAssertGreaterThan(exposed.count, 30, text)
        XCTAssertEqual(exposed.subtracting(documented).sorted(), [], "exposed but not in docs/metrics.md")
        // The overflow counter appears with the first label value folded into `__other__`.
        XCTAssertEqual(documented.subtracting(exposed).subtracting(["gatewatch_cardinality_overflow_total"]).sorted(), [],
                       "in docs/metrics.md but never registered")
    }
}
