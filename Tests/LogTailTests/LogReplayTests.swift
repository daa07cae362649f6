import Foundation
import GatewatchCore
import Metrics
import XCTest
@testable import LogTail

final class LogReplayTests: XCTestCase {
    func testReplayReadsEveryFileOnceAndCounts() throws {
        let dir = try makeTempDir(self)
        let a = dir + "/a.jsonl", b = dir + "/b.jsonl"
        append(logLine("a1") + "\n" + "not json\n" + logLine("a2", status: 429) + "\n", to: a)
        // The last line has no newline: replay still counts it.
        append(logLine("b1") + "\r\n" + #"{"model": "m"}"# + "\n" + logLine("b2"), to: b)
        let registry = MetricsRegistry()
        var records: [RequestRecord] = []
        let source = LogSourceConfig(name: "app", paths: [], startAt: .end)
        let stats = try LogReplay.run(files: [a, b], source: source, registry: registry) { records.append($0.owned()) }
        XCTAssertEqual(records.map { $0.requestID ?? "" }, ["a1", "a2", "b1", "b2"])
        XCTAssertEqual(records.map(\.origin), Array(repeating: "app", count: 4))
        XCTAssertEqual(stats.files, 2)
        XCTAssertEqual(stats.lines, 6)
        XCTAssertEqual(stats.records, 4)
        XCTAssertEqual(stats.rejected, [.malformedJSON: 1, .missingField: 1])
        let text = String(decoding: registry.render(.text), as: UTF8.self)
        XCTAssertTrue(text.contains(#"gatewatch_log_lines_total{log="app"} 6"#), text)
        XCTAssertTrue(text.contains(#"gatewatch_log_lines_rejected_total{log="app",reason="malformed_json"} 1"#), text)
        XCTAssertTrue(text.contains(#"gatewatch_log_lines_rejected_total{log="app",reason="missing_field"} 1"#), text)
        // Replay never writes checkpoints.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["a.jsonl", "b.jsonl"])
    }

    func testLongLinesAcrossChunkBoundariesAndLimits() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/long.jsonl"
        var source = LogSourceConfig(name: "app", paths: [], maxLineBytes: 1000)
        let head = #"{"status_code": 200, "request_id": "exact", "x": ""#
        let exactly = head + String(repeating: "y", count: 1000 - head.utf8.count - 2) + #""}"#
        XCTAssertEqual(exactly.utf8.count, 1000)
        let over = #"{"status_code": 200, "x": ""# + String(repeating: "z", count: 3 << 20) + #""}"#
        append(exactly + "\n" + over + "\n" + logLine("after") + "\n" + exactly.dropLast() + "}}\n", to: path)
        var ids: [String] = []
        let stats = try LogReplay.run(files: [path], source: source, registry: nil) { ids.append($0.requestID ?? "") }
        XCTAssertEqual(ids, ["exact", "after"])
        XCTAssertEqual(stats.rejected, [.lineTooLong: 2])
        source.maxLineBytes = 999
        let stats2 = try LogReplay.run(files: [path], source: source, registry: nil) { _ in }
        XCTAssertEqual(stats2.rejected, [.lineTooLong: 3])
        XCTAssertEqual(stats2.lines, 4)
    }

    func testUnreadableFileThrowsNamingIt() {
        XCTAssertThrowsError(try LogReplay.run(files: ["/nonexistent/x.jsonl"], source: LogSourceConfig(name: "app", paths: []),
                                               registry: nil) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/x.jsonl"), "\(error)")
        }
    }

    func testLineAssemblerSplitsAtEveryChunkBoundary() {
        let text = logLine("1") + "\n" + logLine("2") + "\r\n\n" + logLine("3") + "\n"
        let bytes = Array(text.utf8)
        for cut in 1..<bytes.count {
            var assembler = LineAssembler(maxLineBytes: 1 << 20)
            var lines: [String] = []
            var ends: [Int] = []
            for (offset, part) in [(0, Array(bytes[..<cut])), (cut, Array(bytes[cut...]))] {
                part.withUnsafeBytes { raw in
                    assembler.feed(raw) { line, end in
                        lines.append(line.map { String(decoding: $0, as: UTF8.self) } ?? "<too long>")
                        ends.append(offset + end)
                    }
                }
            }
            XCTAssertEqual(lines, [logLine("1"), logLine("2") + "\r", "", logLine("3")], "cut at \(cut)")
            XCTAssertEqual(ends.last, bytes.count)
            XCTAssertFalse(assembler.hasPartialLine)
        }
    }
}
