import XCTest
import GatewatchCore

/// `name: value` lines, for records that borrow header text.
private enum LineHeaders: HeaderTextParser {
    static func headers(_ bytes: UnsafeBufferPointer<UInt8>) -> [HTTPHeader] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            let parts = $0.split(separator: ":", maxSplits: 1)
            return HTTPHeader(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }
}

final class RequestRecordTests: XCTestCase {
    /// Everything a record says.
    private func describe(_ r: RequestRecord) -> String {
        [r.provider, r.region, r.host ?? "-", r.model, "\(r.source)", r.origin ?? "-", "\(String(describing: r.statusCode))",
         "\(String(describing: r.transportFailure))", "\(r.startTime)", "\(String(describing: r.latency))",
         r.requestID ?? "-", "\(String(describing: r.errorBody))", "\(r.headers)", "\(String(describing: r.rateLimit))",
         r.finishReason ?? "-", r.codeLabel].joined(separator: " | ")
    }

    /// The log decoder's initializer, which borrows the request id and the headers' text, makes
    /// the record the general one makes with them as Strings, for every mix of borrowed and
    /// owned parts; `owned()` of each says the same once the buffer is gone.
    func testBorrowingInitializerMatchesTheGeneralOne() {
        let labels = RecordLabels(provider: "p", region: "eu", host: "h", model: "m", origin: "app")
        let rateLimit = RateLimitHeaders(limit: 30, remaining: 2, resetSeconds: 4, model: "m2", service: nil)
        var owned: [(RequestRecord, RequestRecord)] = []
        var id = Array("id-borrowed".utf8)
        var text = Array("X-A:1\nX-B:two".utf8)
        id.withUnsafeBufferPointer { idBytes in
            text.withUnsafeBufferPointer { textBytes in
                let borrowedID = BorrowedBytes(idBytes.baseAddress!, count: idBytes.count)
                let borrowedText = BorrowedBytes(textBytes.baseAddress!, count: textBytes.count)
                for borrowID in [false, true] {
                    for ownedID in [nil, "id-owned"] {
                        for borrowHeaders in [false, true] {
                            for limit in [nil, rateLimit] {
                                let one = RequestRecord(
                                    labels: labels, source: .log, statusCode: 429, transportFailure: .message("t"),
                                    startTime: 5, latency: 0.25, requestID: ownedID, borrowedRequestID: borrowID ? borrowedID : nil,
                                    errorBody: .json("{}"), borrowedHeaders: borrowHeaders ? borrowedText : nil,
                                    parser: LineHeaders.self, rateLimit: limit, finish: .length)
                                // The borrowed id wins over an owned one.
                                let general = RequestRecord(
                                    labels: labels, source: .log, statusCode: 429, transportFailure: .message("t"),
                                    startTime: 5, latency: 0.25, requestID: borrowID ? "id-borrowed" : ownedID,
                                    errorBody: .json("{}"),
                                    headers: borrowHeaders ? [HTTPHeader("X-A", "1"), HTTPHeader("X-B", "two")] : [],
                                    rateLimit: limit, finishReason: "length")
                                XCTAssertEqual(describe(one), describe(general))
                                XCTAssertTrue(one.labels === labels)
                                owned.append((one.owned(), general.owned()))
                            }
                        }
                    }
                }
            }
        }
        id = Array(repeating: 0, count: id.count)
        text = Array(repeating: 0, count: text.count)
        for (one, general) in owned {
            XCTAssertEqual(describe(one), describe(general))
        }
        XCTAssertEqual(owned.last?.0.headers, [HTTPHeader("X-A", "1"), HTTPHeader("X-B", "two")])
        XCTAssertEqual(owned.last?.0.requestID, "id-borrowed")
    }
}

final class FinishReasonTests: XCTestCase {
    /// "stop" and "length" are cases of their own, any other text is kept; the record's
    /// `finishReason` reads and sets the text.
    func testTextRoundTrips() {
        XCTAssertEqual(FinishReason("stop"), .stop)
        XCTAssertEqual(FinishReason("length"), .length)
        XCTAssertEqual(FinishReason("tool_calls"), .other("tool_calls"))
        XCTAssertEqual(FinishReason("Length"), .other("Length"))
        for text in ["stop", "length", "tool_calls", "", "content_filter"] {
            XCTAssertEqual(FinishReason(text).text, text)
        }
        var record = RequestRecord(provider: "p", region: "eu", source: .log, startTime: 0, finishReason: "length")
        XCTAssertEqual(record.finish, .length)
        record.finishReason = "tool_calls"
        XCTAssertEqual(record.finish, .other("tool_calls"))
        XCTAssertEqual(record.finishReason, "tool_calls")
        record.finishReason = nil
        XCTAssertNil(record.finish)
    }
}
