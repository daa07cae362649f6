import XCTest
@testable import Probing

/// The pure parts: certificate dates, phases, schedule arithmetic.
final class ProbeUnitTests: XCTestCase {
    func testCertificateDates() {
        XCTAssertEqual(CertificateDate.parse("Feb  1 00:00:00 2020 GMT"), 1_580_515_200)
        XCTAssertEqual(CertificateDate.parse("Dec 31 23:59:59 2027 GMT"), 1_830_297_599)
        XCTAssertEqual(CertificateDate.parse("2020-02-01 00:00:00 GMT"), 1_580_515_200)
        XCTAssertNil(CertificateDate.parse("Foo  1 00:00:00 2020 GMT"))
        XCTAssertNil(CertificateDate.parse("Feb 31 25:00:00 2020 GMT"))
        XCTAssertNil(CertificateDate.parse(""))
    }

    func testPhasesFromCumulativeTimes() {
        let t = CurlTimings(nameLookup: 0.001, connect: 0.003, appConnect: 0.010, preTransfer: 0.011, startTransfer: 0.111, total: 0.121)
        let p = ProbePhases(t)
        XCTAssertEqual(p.resolve, 0.001, accuracy: 1e-9)
        XCTAssertEqual(p.connect, 0.002, accuracy: 1e-9)
        XCTAssertEqual(p.tls, 0.007, accuracy: 1e-9)
        XCTAssertEqual(p.processing, 0.100, accuracy: 1e-9)
        XCTAssertEqual(p.transfer, 0.010, accuracy: 1e-9)
        // A failure after the lookup: later phases read 0, never negative.
        XCTAssertEqual(ProbePhases(CurlTimings(nameLookup: 0.002, total: 0.5)), ProbePhases(resolve: 0.002))
        // Plain HTTP: APPCONNECT is 0.
        XCTAssertEqual(ProbePhases(CurlTimings(nameLookup: 0, connect: 0.001, appConnect: 0, preTransfer: 0.001, startTransfer: 0.002, total: 0.002)).tls, 0)
    }

    func testScheduleHasStableOffsetsAndNoDrift() {
        let a = ProbeSchedule(anchor: 100, interval: 10, name: "llm-eu-chat", spread: 5)
        let b = ProbeSchedule(anchor: 100, interval: 10, name: "llm-eu-chat", spread: 5)
        XCTAssertEqual(a.offset, b.offset, "the same name gives the same offset")
        XCTAssertTrue((0..<5).contains(a.offset))
        let offsets = Set((0..<50).map { ProbeSchedule.offset(name: "p\($0)", interval: 1, spread: 1) })
        XCTAssertGreaterThan(offsets.count, 40, "names spread out")
        XCTAssertEqual(a.due(1000), 100 + a.offset + 10_000, "computed from the run index, not accumulated")
        XCTAssertEqual(a.nextIndex(after: 3, now: a.due(3) + 0.2), 4)
        XCTAssertEqual(a.nextIndex(after: 3, now: a.due(6) + 0.2), 7, "due times passed while stalled are skipped")
        XCTAssertEqual(a.lateThreshold, 0.5)
        XCTAssertEqual(ProbeSchedule(anchor: 0, interval: 1, name: "x", spread: 5).lateThreshold, 0.25)
    }

    func testChatBodyEscapesTheModel() {
        XCTAssertEqual(ChatProbe.body(model: "a\"b"),
                       #"{"model":"a\"b","messages":[{"role":"user","content":"ping"}],"max_tokens":1}"#)
    }
}
