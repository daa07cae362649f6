import Metrics
import XCTest

final class NegotiationTests: XCTestCase {
    func testPrometheusAcceptHeaders() {
        // Prometheus 2.x
        XCTAssertEqual(ExpositionFormat.negotiate(accept:
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            .openMetrics)
        // Prometheus 3.x
        XCTAssertEqual(ExpositionFormat.negotiate(accept:
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"),
            .openMetrics)
        // Prometheus configured for text only
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1"), .text)
    }

    func testQValues() {
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "text/plain;q=1, application/openmetrics-text;q=0.5"), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "text/plain;q=0.4, application/openmetrics-text; q=0.5"), .openMetrics)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "application/openmetrics-text;q=0"), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "application/openmetrics-text"), .openMetrics)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "Application/OpenMetrics-Text; Version=\"1.0.0\""), .openMetrics)
    }

    func testOnlyVersion100OfOpenMetrics() {
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "application/openmetrics-text;version=0.0.1"), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "application/openmetrics-text;version=2.0.0,*/*;q=0.1"), .text)
    }

    func testWildcardsMissingAndGarbage() {
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "*/*"), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: nil), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: ""), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: ";;,,=;q=abc"), .text)
        XCTAssertEqual(ExpositionFormat.negotiate(accept: "application/json"), .text)
    }

    func testContentTypes() {
        XCTAssertEqual(ExpositionFormat.text.contentType, "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertEqual(ExpositionFormat.openMetrics.contentType,
                       "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }
}
