import Metrics
import Synchronization
import XCTest

final class RegistryTests: XCTestCase {
    private func text(_ registry: MetricsRegistry) -> String {
        String(decoding: registry.render(.text), as: UTF8.self)
    }

    func testRegisteringTheSameShapeReturnsTheExistingFamily() {
        let registry = MetricsRegistry()
        let first = registry.counter("c_total", help: "h", labelNames: ["a"])
        first.labels("x").inc(5)
        let second = registry.counter("c_total", help: "h", labelNames: ["a"])
        XCTAssertTrue(first === second)
        XCTAssertEqual(second.labels("x").value, 5)
        let h1 = registry.histogram("h", help: "h", buckets: [1, 2])
        XCTAssertTrue(h1 === registry.histogram("h", help: "h", buckets: [2, 1, 2]))
    }

    func testLabelHandlesAreStable() {
        let registry = MetricsRegistry()
        let family = registry.gauge("g", help: "h", labelNames: ["a", "b"])
        XCTAssertTrue(family.labels("x", "y") === family.labels(["x", "y"]))
    }

    func testRemoveRemoveAllAndRemoveWhere() {
        let registry = MetricsRegistry()
        let family = registry.gauge("g", help: "h", labelNames: ["probe"])
        for name in ["a", "b", "c", "d"] {
            family.labels(name).set(1)
        }
        family.remove(["b"])
        family.remove(["missing"])
        family.removeAll { $0[0] == "c" }
        XCTAssertEqual(text(registry), "# HELP g h\n# TYPE g gauge\ng{probe=\"a\"} 1\ng{probe=\"d\"} 1\n")
        family.removeAll()
        XCTAssertEqual(text(registry), "# HELP g h\n# TYPE g gauge\n")
        // A new handle for a removed label set starts from zero.
        XCTAssertEqual(family.labels("a").value, 0)
    }

    func testFamilyWithoutLabelsAlwaysHasItsSeries() {
        let registry = MetricsRegistry()
        let family = registry.counter("c_total", help: "h")
        XCTAssertEqual(text(registry), "# HELP c_total h\n# TYPE c_total counter\nc_total 0\n")
        let handle = family.labels()
        handle.inc(2)
        family.removeAll()
        family.remove([])
        family.removeAll { _ in true }
        handle.inc()
        XCTAssertTrue(family.labels() === handle)
        XCTAssertEqual(text(registry), "# HELP c_total h\n# TYPE c_total counter\nc_total 3\n")
    }

    func testUnregister() {
        let registry = MetricsRegistry()
        registry.gauge("a", help: "h").labels().set(1)
        registry.gauge("b", help: "h").labels().set(2)
        registry.unregister("a")
        XCTAssertEqual(text(registry), "# HELP b h\n# TYPE b gauge\nb 2\n")
        // Registering again starts fresh.
        XCTAssertEqual(registry.gauge("a", help: "h").labels().value, 0)
    }

    func testCollectHooksRunBeforeEveryRenderAndMaySetAndRemove() {
        let registry = MetricsRegistry()
        let family = registry.gauge("scrape_number", help: "h", labelNames: ["k"])
        let stale = registry.gauge("stale", help: "h", labelNames: ["k"])
        stale.labels("old").set(1)
        let calls = Atomic<Int>(0)
        registry.onCollect {
            let n = calls.add(1, ordering: .relaxed).newValue
            family.labels("now").set(Double(n))
            stale.removeAll()
        }
        XCTAssertTrue(text(registry).contains("scrape_number{k=\"now\"} 1\n"))
        let second = String(decoding: registry.render(.openMetrics), as: UTF8.self)
        XCTAssertTrue(second.contains("scrape_number{k=\"now\"} 2\n"), second)
        XCTAssertFalse(second.contains("stale{"), second)
        XCTAssertEqual(calls.load(ordering: .relaxed), 2)
    }

    func testSeriesSortedByLabelValuesAndFamiliesByName() {
        let registry = MetricsRegistry()
        let family = registry.gauge("z", help: "h", labelNames: ["a", "b"])
        family.labels("b", "1").set(1)
        family.labels("a", "2").set(2)
        family.labels("a", "10").set(3)
        registry.gauge("m", help: "h").labels().set(0)
        XCTAssertEqual(text(registry), """
            # HELP m h
            # TYPE m gauge
            m 0
            # HELP z h
            # TYPE z gauge
            z{a="a",b="10"} 3
            z{a="a",b="2"} 2
            z{a="b",b="1"} 1

            """)
    }

    func testHistogramBucketsEveryValueLeAsPrometheusDoes() {
        // Up to 15 bounds (a four-step search of the bounds padded to 16) and more (binary
        // search): each value lands in the first bucket whose bound is at least it, bounds
        // themselves included; both observe paths.
        let lists: [[Double]] = [[0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80], (1...40).map { Double($0) / 4 },
                                 [], [1], (1...15).map { Double($0) }, (1...16).map { Double($0) }]
        for bounds in lists {
            let h = MetricsRegistry().histogram("h", help: "h", buckets: bounds).labels()
            var expected = [UInt64](repeating: 0, count: bounds.count + 1)
            let values = bounds + bounds.map { $0.nextUp } + bounds.map { $0.nextDown } + [-1, 0, 1e9, -Double.greatestFiniteMagnitude]
            for v in values {
                h.observe(v)
                h.observe(v, now: 0, exemplarMinAge: 1) { nil }
                expected[bounds.firstIndex { v <= $0 } ?? bounds.count] += 2
            }
            var running: UInt64 = 0
            XCTAssertEqual(h.cumulativeBucketCounts, expected.map { running += $0; return running }, "\(bounds.count) bounds")
        }
    }

    func testCounterIgnoresInvalidIncrementsAndHistogramIgnoresNonFinite() {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", help: "h").labels()
        counter.inc(-1)
        counter.inc(.nan)
        counter.inc(.infinity)
        counter.inc(0.25)
        counter.inc(2)
        XCTAssertEqual(counter.value, 2.25)
        let histogram = registry.histogram("h", help: "h", buckets: [1]).labels()
        histogram.observe(.nan)
        histogram.observe(.infinity)
        histogram.observe(0.5)
        histogram.observe(5)
        XCTAssertEqual(histogram.count, 2)
        XCTAssertEqual(histogram.sum, 5.5)
        XCTAssertEqual(histogram.cumulativeBucketCounts, [1, 2])
    }

    func testCounterIncWithExemplarLabelIsIncWithThatExemplar() {
        let label = Exemplar.LabelName("request_id")
        for value in ["abc-123", String(repeating: "é", count: 300), ""] {
            let registry = MetricsRegistry()
            let family = registry.counter("c_total", help: "h", labelNames: ["k"])
            var bytes = value
            family.labels(["fast"]).inc(exemplar: label, value: value)
            family.labels(["fast"]).inc(exemplar: label, value: value)
            family.labels(["general"]).inc(exemplar: Exemplar(label: label, value: value))
            family.labels(["general"]).inc(exemplar: Exemplar(label: label, value: value))
            // The byte form, replacing and replaced by the others.
            family.labels(["bytes"]).inc(exemplar: Exemplar(labels: [("other", "x")]))
            bytes.withUTF8 { family.labels(["bytes"]).inc(exemplar: label, utf8: $0) }
            family.labels(["mixed"]).inc(exemplar: label, utf8: UnsafeBufferPointer(start: nil, count: 0))
            family.labels(["mixed"]).inc(exemplar: label, value: value)
            XCTAssertEqual(family.labels(["fast"]).value, 2)
            XCTAssertEqual(family.labels(["bytes"]).exemplar?.labels.map(\.value), family.labels(["fast"]).exemplar?.labels.map(\.value))
            let lines = String(decoding: registry.render(.openMetrics), as: UTF8.self).split(separator: "\n")
            let fast = lines.first { $0.hasPrefix("c_total{k=\"fast\"}") }
            let general = lines.first { $0.hasPrefix("c_total{k=\"general\"}") }
            XCTAssertNotNil(fast)
            XCTAssertEqual(fast?.replacingOccurrences(of: "fast", with: "general"), general.map(String.init))
            for other in ["bytes", "mixed"] {
                let line = lines.first { $0.hasPrefix("c_total{k=\"\(other)\"}") }
                XCTAssertEqual(fast?.replacingOccurrences(of: "fast", with: other), line.map(String.init))
            }
        }
    }

    func testGaugeSetIncDec() {
        let gauge = MetricsRegistry().gauge("g", help: "h").labels()
        gauge.set(10)
        gauge.inc()
        gauge.dec(0.5)
        XCTAssertEqual(gauge.value, 10.5)
    }

    func testExemplarLabelSetIsTruncatedTo128CodePoints() {
        let exemplar = Exemplar(labels: [("request_id", String(repeating: "é", count: 300)), ("extra", "x")])
        XCTAssertEqual(exemplar.labels.count, 1)
        XCTAssertEqual(exemplar.labels[0].name.count + exemplar.labels[0].value.unicodeScalars.count, 128)
        let two = Exemplar(labels: [("a", "1"), ("bad-name", "x"), ("b", "2")])
        XCTAssertEqual(two.labels.map(\.name), ["a", "b"])
    }

    func testOneLabelExemplarFollowsTheSameRules() {
        let short = Exemplar(labelName: "request_id", labelValue: "abc-123", value: 2)
        XCTAssertEqual(short.labels.map(\.name), ["request_id"])
        XCTAssertEqual(short.labels.map(\.value), ["abc-123"])
        XCTAssertEqual(short.value, 2)
        let long = Exemplar(labelName: "request_id", labelValue: String(repeating: "é", count: 300))
        XCTAssertEqual(long.labels.count, 1)
        XCTAssertEqual(long.labels[0].value.unicodeScalars.count, 128 - "request_id".count)
        XCTAssertTrue(Exemplar(labelName: "bad-name", labelValue: "x").labels.isEmpty)
        let checked = Exemplar.LabelName("request_id")
        XCTAssertEqual(Exemplar(label: checked, value: "abc").labels.map(\.value), ["abc"])
        XCTAssertEqual(Exemplar(label: checked, value: String(repeating: "x", count: 200)).labels[0].value.count, 128 - 10)
        XCTAssertTrue(Exemplar(label: Exemplar.LabelName("9lives"), value: "x").labels.isEmpty)
        XCTAssertTrue(Exemplar(label: Exemplar.LabelName(""), value: "x").labels.isEmpty)
        let registry = MetricsRegistry()
        registry.histogram("h_seconds", help: "h", buckets: [1]).labels()
            .observe(0.5, exemplar: Exemplar(labelName: "request_id", labelValue: "r\"1"))
        let rendered = String(decoding: registry.render(.openMetrics), as: UTF8.self)
        XCTAssertTrue(rendered.contains("h_seconds_bucket{le=\"1\"} 1 # {request_id=\"r\\\"1\"} 0.5\n"), rendered)
    }

    func testSampledExemplarIsReplacedOnlyOnceItIsOldEnough() {
        let registry = MetricsRegistry()
        let h = registry.histogram("s_seconds", help: "s", buckets: [1]).labels()
        var asked = 0
        func observe(_ v: Double, at now: Double, _ id: String) {
            h.observe(v, now: now, exemplarMinAge: 1) {
                asked += 1
                return Exemplar(labelName: "request_id", labelValue: id)
            }
        }
        observe(0.5, at: 100, "first")
        observe(0.6, at: 100.5, "too-soon")
        observe(2, at: 100.5, "other-bucket")
        var rendered = String(decoding: registry.render(.openMetrics), as: UTF8.self)
        XCTAssertTrue(rendered.contains(#"s_seconds_bucket{le="1"} 2 # {request_id="first"} 0.5"#), rendered)
        XCTAssertTrue(rendered.contains(#"s_seconds_bucket{le="+Inf"} 3 # {request_id="other-bucket"} 2"#), rendered)
        XCTAssertEqual(asked, 2, "the exemplar is built only when it will be stored")
        observe(0.7, at: 101, "due")
        rendered = String(decoding: registry.render(.openMetrics), as: UTF8.self)
        XCTAssertTrue(rendered.contains(#"s_seconds_bucket{le="1"} 3 # {request_id="due"} 0.7"#), rendered)
        XCTAssertEqual(h.count, 4)
    }

    func testExemplarsOnlyInOpenMetrics() {
        let registry = MetricsRegistry()
        registry.counter("c_total", help: "h").labels().inc(exemplar: Exemplar(labels: [("id", "1")]))
        XCTAssertEqual(text(registry), "# HELP c_total h\n# TYPE c_total counter\nc_total 1\n")
        XCTAssertEqual(String(decoding: registry.render(.openMetrics), as: UTF8.self),
                       "# HELP c h\n# TYPE c counter\nc_total 1 # {id=\"1\"} 1\n# EOF\n")
    }
}
