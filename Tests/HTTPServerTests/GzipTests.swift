import XCTest
@testable import HTTPServer

final class GzipTests: XCTestCase {
    func testRoundTrip() throws {
        for size in [0, 1, 1000, 200_000] {
            let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 31 / 7) }
            let compressed = Gzip.compress(data)
            XCTAssertEqual(Array(compressed.prefix(2)), [0x1f, 0x8b], "gzip magic")
            XCTAssertEqual(try Gzip.decompress(compressed), data, "size \(size)")
        }
    }

    func testInteroperatesWithGzipCLI() throws {
        let text = String(repeating: "interop\n", count: 500)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-gzip-\(UUID().uuidString).gz")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(Gzip.compress(Array(text.utf8), level: 9)).write(to: file)
        let result = try runTool("gzip", ["-dc", file.path])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.output, text)
    }

    func testConcatenatedMembers() throws {
        let joined = Gzip.compress(Array("abc".utf8)) + Gzip.compress(Array("def".utf8))
        XCTAssertEqual(try Gzip.decompress(joined), Array("abcdef".utf8))
    }

    func testCorruptTruncatedAndBombInputThrow() {
        let compressed = Gzip.compress(Array(repeating: 0, count: 100_000))
        XCTAssertThrowsError(try Gzip.decompress(Array(compressed.prefix(compressed.count / 2)))) {
            XCTAssertEqual($0 as? GzipError, .truncated)
        }
        XCTAssertThrowsError(try Gzip.decompress(Array("not gzip at all".utf8))) {
            guard case .corrupt = $0 as? GzipError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Gzip.decompress(compressed, maxOutputBytes: 1000)) {
            XCTAssertEqual($0 as? GzipError, .tooLarge(limit: 1000))
        }
    }

    func testAcceptEncodingNegotiation() {
        let cases: [(String?, Bool)] = [
            (nil, false), ("", false), ("gzip", true), ("GZIP", true), ("x-gzip", true),
            ("deflate, gzip;q=0.5", true), ("gzip;q=0", false), ("gzip; q=0.0", false),
            ("identity", false), ("*", true), ("*;q=0", false), ("*, gzip;q=0", false),
            ("br, identity;q=1, *;q=0.1", true), ("br", false),
        ]
        for (header, expected) in cases {
            XCTAssertEqual(HTTPResponse.acceptsGzip(header), expected, "\(header ?? "nil")")
        }
    }

    func testCompressedIfAccepted() throws {
        let response = HTTPResponse.text(200, String(repeating: "x", count: 1000))
        let accepting = HTTPRequest(method: "GET", path: "/", headers: [("accept-encoding", "gzip")])
        let compressed = response.compressedIfAccepted(by: accepting)
        XCTAssertEqual(compressed.header("Content-Encoding"), "gzip")
        XCTAssertEqual(compressed.header("Vary"), "Accept-Encoding")
        XCTAssertEqual(compressed.header("Content-Type"), "text/plain; charset=utf-8")
        XCTAssertEqual(try Gzip.decompress(compressed.body), response.body)

        let plain = response.compressedIfAccepted(by: HTTPRequest(method: "GET", path: "/"))
        XCTAssertNil(plain.header("Content-Encoding"))
        XCTAssertEqual(plain.header("Vary"), "Accept-Encoding")
        XCTAssertEqual(plain.body, response.body)

        let varied = HTTPResponse(status: 200, headers: [("Vary", "Accept")], body: [1, 2, 3]).compressedIfAccepted(by: accepting)
        XCTAssertEqual(varied.header("Vary"), "Accept, Accept-Encoding")

        XCTAssertEqual(HTTPResponse(status: 204).compressedIfAccepted(by: accepting).headers.count, 0)
        XCTAssertEqual(HTTPResponse.dropConnection.compressedIfAccepted(by: accepting).action, .drop)
    }
}
