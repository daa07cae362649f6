import Foundation
import Metrics
import XCTest

/// Many threads updating the same handles at once: totals must be exact.
final class ConcurrencyTests: XCTestCase {
    private static let threads = 4
    private static let iterations = 250_000

    private func runOnThreads(_ body: @escaping @Sendable () -> Void) {
        let group = DispatchGroup()
        for _ in 0..<Self.threads {
            group.enter()
            Thread {
                body()
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 600), .success)
    }

    func testConcurrentUpdatesAreExact() {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", help: "h", labelNames: ["k"]).labels("shared")
        let halves = registry.counter("halves_total", help: "h").labels()
        let gauge = registry.gauge("g", help: "h").labels()
        let histogram = registry.histogram("h", help: "h", buckets: [0.5, 1.5]).labels()
        let family = registry.counter("looked_up_total", help: "h", labelNames: ["k"])
        runOnThreads {
            for i in 0..<Self.iterations {
                counter.inc()
                halves.inc(0.5)
                gauge.inc()
                histogram.observe(i % 2 == 0 ? 1 : 2)
                if i % 100 == 0 {
                    family.labels("x").inc()
                }
            }
        }
        let total = Self.threads * Self.iterations
        XCTAssertEqual(counter.value, Double(total))
        XCTAssertEqual(halves.value, Double(total) / 2)
        XCTAssertEqual(gauge.value, Double(total))
        XCTAssertEqual(histogram.count, UInt64(total))
        XCTAssertEqual(histogram.sum, Double(total / 2) * 1 + Double(total / 2) * 2)
        XCTAssertEqual(histogram.cumulativeBucketCounts, [0, UInt64(total / 2), UInt64(total)])
        XCTAssertEqual(family.labels("x").value, Double(Self.threads * Self.iterations / 100))
    }

    func testRenderWhileUpdating() {
        let registry = MetricsRegistry()
        let family = registry.histogram("h", help: "h", labelNames: ["k"], buckets: [1])
        runOnThreads {
            for i in 0..<2_000 {
                family.labels("v\(i % 50)").observe(0.5)
                if i % 200 == 0 {
                    _ = registry.render(.openMetrics)
                }
            }
        }
        let output = String(decoding: registry.render(.text), as: UTF8.self)
        XCTAssertTrue(output.contains("h_count{k=\"v0\"} \(Self.threads * 40)\n"), output)
    }
}
