import Metrics
import XCTest

final class CardinalityTests: XCTestCase {
    private func text(_ registry: MetricsRegistry) -> String {
        String(decoding: registry.render(.text), as: UTF8.self)
    }

    func testValuesBeyondTheCapFoldIntoOtherAndAreCounted() {
        let registry = MetricsRegistry(maxLabelValues: 2)
        let family = registry.counter("c_total", help: "h", labelNames: ["model", "code"])
        family.labels("m1", "200").inc()
        family.labels("m2", "200").inc()
        XCTAssertFalse(text(registry).contains("gatewatch_cardinality_overflow_total"),
                       "no overflow family before any overflow")
        // m3 and m4 exceed the cap on `model`; `code` is still within its cap.
        family.labels("m3", "500").inc(2)
        family.labels("m4", "500").inc(3)
        let output = text(registry)
        XCTAssertTrue(output.contains("c_total{model=\"__other__\",code=\"500\"} 5\n"), output)
        XCTAssertTrue(output.contains("# HELP gatewatch_cardinality_overflow_total "), output)
        XCTAssertTrue(output.contains("gatewatch_cardinality_overflow_total{label=\"model\"} 2\n"), output)
        XCTAssertFalse(output.contains("m3"), output)
        // Existing values keep working.
        family.labels("m1", "200").inc()
        XCTAssertEqual(family.labels("m1", "200").value, 2)
        // `code` holds 200 and 500: new codes fold too, counted under label="code", and both
        // requests still count, under __other__.
        family.labels("m1", "429").inc()
        family.labels("m1", "503").inc()
        XCTAssertTrue(text(registry).contains("gatewatch_cardinality_overflow_total{label=\"code\"} 2\n"))
        XCTAssertEqual(family.labels("m1", "__other__").value, 2)
    }

    func testCapIsPerFamily() {
        let registry = MetricsRegistry(maxLabelValues: 1)
        let a = registry.gauge("a", help: "h", labelNames: ["k"])
        let b = registry.gauge("b", help: "h", labelNames: ["k"])
        a.labels("x").set(1)
        b.labels("y").set(1)
        XCTAssertFalse(text(registry).contains("__other__"))
    }

    func testRemovalFreesCapacity() {
        let registry = MetricsRegistry(maxLabelValues: 1)
        let family = registry.gauge("g", help: "h", labelNames: ["k"])
        family.labels("a").set(1)
        family.remove(["a"])
        family.labels("b").set(2)
        XCTAssertEqual(text(registry), "# HELP g h\n# TYPE g gauge\ng{k=\"b\"} 2\n")
    }

    func testDefaultCapIs500() {
        let registry = MetricsRegistry()
        let family = registry.counter("c_total", help: "h", labelNames: ["k"])
        for i in 0..<501 {
            family.labels("v\(i)").inc()
        }
        XCTAssertEqual(family.labels("__other__").value, 1)
        XCTAssertEqual(family.labels("v499").value, 1)
        XCTAssertTrue(text(registry).contains("gatewatch_cardinality_overflow_total{label=\"k\"} 1\n"))
    }
}
