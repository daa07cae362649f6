import Foundation
import Synchronization
import XCTest

/// CONTRACT section 3 / issue "Log tailing": after a crash or a graceful stop and a restart,
/// every line is counted exactly once in what Prometheus saw: the last scrape before the stop
/// plus everything the restarted exporter counts equals the lines written.
final class LogRestartTests: XCTestCase {
    func testSIGKILLWhileWritingAndScraping() throws {
        try restartKeepsCountsExact(signal: SIGKILL)
    }

    func testSIGTERMWhileWritingAndScraping() throws {
        try restartKeepsCountsExact(signal: SIGTERM)
    }

    private func restartKeepsCountsExact(signal: Int32) throws {
        let dir = try makeTempDir(self)
        let config = try writeLogConfig(dir)
        let log = dir.appendingPathComponent("logs/app.jsonl")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))

        // A writer appending continuously, as an application would, until told to stop.
        let written = Atomic<Int>(0)
        let stopWriting = Atomic<Bool>(false)
        let writer = Thread {
            guard let handle = try? FileHandle(forWritingTo: log) else { return }
            handle.seekToEndOfFile()
            var i = 0
            while !stopWriting.load(ordering: .acquiring) {
                var batch = ""
                for _ in 0..<20 {
                    batch += #"{"timestamp": \#(1_795_000_000 + i), "region": "eu", "model": "m", "status_code": 200, "request_id": "r\#(i)", "latency_ms": 12}"# + "\n"
                    i += 1
                }
                handle.write(Data(batch.utf8))
                written.store(i, ordering: .releasing)
                Thread.sleep(forTimeInterval: 0.01)
            }
            try? handle.close()
        }
        writer.start()
        defer { stopWriting.store(true, ordering: .releasing) }

        let first = try ServeProcess(arguments: ["--config", config.path])
        var lastScraped = 0
        let scrapeUntil = Date().addingTimeInterval(2)
        while Date() < scrapeUntil {
            if let n = try linesTotal(first.baseURL) { lastScraped = n }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertGreaterThan(lastScraped, 0, "the first exporter counted nothing")
        first.signal(signal)
        first.process.waitUntilExit()
        if signal == SIGTERM { XCTAssertEqual(first.process.terminationStatus, 0) }

        // Lines written while the exporter is down, then the writer stops.
        Thread.sleep(forTimeInterval: 0.5)
        stopWriting.store(true, ordering: .releasing)
        while writer.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
        let total = written.load(ordering: .acquiring)

        let second = try ServeProcess(arguments: ["--config", config.path])
        defer { XCTAssertEqual(second.stop(), 0) }
        var counted = 0
        try waitFor(30, "the restarted exporter to read the rest of the log (expected \(total - lastScraped))") {
            counted = try linesTotal(second.baseURL) ?? 0
            return counted >= total - lastScraped
        }
        Thread.sleep(forTimeInterval: 0.5)
        counted = try linesTotal(second.baseURL) ?? 0
        XCTAssertEqual(lastScraped + counted, total,
                       "last scrape before the stop \(lastScraped) + after restart \(counted) != written \(total)")
    }

    private func linesTotal(_ base: String) throws -> Int? {
        let text = try httpRequest(base + "/metrics").text
        let prefix = #"gatewatch_log_lines_total{log="app"} "#
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Double(line.dropFirst(prefix.count)).map { Int($0) }
    }
}
