import Foundation
import GatewatchCore
import Metrics
import XCTest
@testable import LogTail

final class LogTailServiceTests: XCTestCase {
    struct Harness {
        let service: LogTailService
        let registry: MetricsRegistry
        let ingest: IngestLog
        let events: EventLog
        let metrics: LogMetricsReader
    }

    func harness(log: String = "app") -> Harness {
        let registry = MetricsRegistry()
        let ingest = IngestLog()
        let events = EventLog()
        let service = LogTailService(registry: registry, ingest: ingest.closure, onEvent: events.closure)
        addTeardownBlock { service.stop() }
        return Harness(service: service, registry: registry, ingest: ingest, events: events,
                       metrics: LogMetricsReader(registry: registry, log: log))
    }

    func source(_ dir: String, start: LogStartPosition = .beginning, maxLineBytes: Int = LogSourceConfig.defaultMaxLineBytes) -> LogSourceConfig {
        LogSourceConfig(name: "app", paths: [dir + "/*.jsonl"], startAt: start, maxLineBytes: maxLineBytes)
    }

    func testStartAtEndSkipsOldLinesAndNewFilesAreReadFromTheBeginning() throws {
        let dir = try makeTempDir(self)
        append(logLine("old-1") + "\n" + logLine("old-2") + "\n", to: dir + "/a.jsonl")
        let h = harness()
        try h.service.apply([source(dir, start: .end)], stateDirectory: dir + "/state")
        append(logLine("new-1") + "\n", to: dir + "/a.jsonl")
        append(logLine("b-1") + "\n" + logLine("b-2") + "\n", to: dir + "/b.jsonl")
        XCTAssertTrue(waitUntil { h.ingest.count >= 3 })
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(Set(h.ingest.ids.keys), ["new-1", "b-1", "b-2"])
        XCTAssertEqual(h.metrics.lines, 3)
        XCTAssertEqual(h.metrics.gauge("gatewatch_log_files_watched"), 2)
        XCTAssertEqual(h.metrics.counter("gatewatch_log_bytes_total"),
                       Double(["new-1", "b-1", "b-2"].map { logLine($0).utf8.count + 1 }.reduce(0, +)))
        XCTAssertEqual(h.metrics.gauge("gatewatch_log_last_record_timestamp_seconds"), 1795000000.5)
        XCTAssertEqual(h.metrics.gauge("gatewatch_log_lag_bytes"), 0)
    }

    func testPartialLinesWaitForTheirNewlineAndCRLFIsAccepted() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/app.jsonl"
        let h = harness()
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        let line = logLine("p-1")
        let cut = line.index(line.startIndex, offsetBy: 40)
        append(String(line[..<cut]), to: path)
        Thread.sleep(forTimeInterval: 0.4)
        XCTAssertEqual(h.ingest.count, 0)
        XCTAssertEqual(h.metrics.lines, 0)
        append(String(line[cut...]) + "\r\n" + logLine("p-2") + "\r\n", to: path)
        XCTAssertTrue(waitUntil { h.ingest.count == 2 })
        XCTAssertEqual(h.metrics.lines, 2)
        XCTAssertEqual(h.metrics.rejected(.malformedJSON), 0)
    }

    /// Garbage, truncated JSON, a 5 MiB line, invalid UTF-8, NUL bytes and deep nesting are each
    /// counted with their reason, and the good line after each is counted.
    func testBadInputIsCountedAndTheFollowingLinesAreRead() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/app.jsonl"
        let h = harness()
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        var garbage = [UInt8]()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4096 {
            var b = UInt8.random(in: 0...255, using: &rng)
            if b == 0x0A { b = 0x0B }
            garbage.append(b)
        }
        let bad: [(String, [UInt8], LogRejection?)] = [
            ("garbage", garbage, .malformedJSON),
            ("truncated", Array(#"{"status_code": 200, "model": "clau"#.utf8), .malformedJSON),
            ("5 MiB", Array(#"{"status_code": 200, "x": ""#.utf8) + [UInt8](repeating: 0x61, count: 5 << 20) + Array(#""}"#.utf8), .lineTooLong),
            ("invalid UTF-8", Array(#"{"status_code": 200, "model": "a"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), .malformedJSON),
            ("NUL", Array(#"{"status_code": 200, "model": "a"#.utf8) + [0] + Array(#""}"#.utf8), .malformedJSON),
            ("deep valid", Array((#"{"status_code": 200, "request_id": "deep", "x": "# + String(repeating: "[", count: 300_000) + String(repeating: "]", count: 300_000) + "}").utf8), nil),
            ("deep unbalanced", Array((#"{"status_code": 200, "x": "# + String(repeating: "[", count: 300_000) + "}").utf8), .malformedJSON),
            ("missing", Array(#"{"model": "m"}"#.utf8), .missingField),
            ("invalid", Array(#"{"status_code": "abc"}"#.utf8), .invalidValue),
        ]
        var expected: [LogRejection: Int] = [:]
        for (k, (_, bytes, reason)) in bad.enumerated() {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            let all = bytes + [0x0A] + Array((logLine("good-\(k)") + "\n").utf8)
            _ = all.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if let reason { expected[reason, default: 0] += 1 }
        }
        let total = bad.count * 2
        XCTAssertTrue(waitUntil(20) { h.metrics.lines >= Double(total) }, "lines: \(h.metrics.lines)")
        for reason in LogRejection.allCases {
            XCTAssertEqual(h.metrics.rejected(reason), Double(expected[reason] ?? 0), reason.rawValue)
        }
        let ids = h.ingest.ids
        for k in 0..<bad.count {
            XCTAssertEqual(ids["good-\(k)"], 1, "the good line after \(bad[k].0)")
        }
        XCTAssertEqual(ids["deep"], 1)
        XCTAssertEqual(h.metrics.lines, Double(total))
    }

    // MARK: rotation

    enum Rotation: String, CaseIterable {
        case create, nocreate, copy, copytruncate, createFromTempFile
    }

    /// grok_exporter's matrix: every logrotate mode × {writer keeps its file open, writer opens
    /// it per line}, with lines appended continuously across two rotations: none lost, none twice.
    func testRotationMatrix() throws {
        for rotation in Rotation.allCases {
            for keepOpen in [true, false] {
                try rotationCell(rotation, keepOpen: keepOpen)
            }
        }
    }

    func rotationCell(_ rotation: Rotation, keepOpen: Bool) throws {
        let cell = "\(rotation.rawValue)/\(keepOpen ? "keep-open" : "reopen-per-line")"
        let dir = try makeTempDir(self)
        let path = dir + "/app.jsonl"
        let h = harness()
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        let total = 900
        let writer = LineWriter(path: path, keepOpen: keepOpen, prefix: rotation.rawValue)
        writer.start(total: total)
        for round in 1...2 {
            XCTAssertTrue(waitUntil(20) { writer.count >= total * round / 3 }, cell)
            rotate(rotation, path: path, round: round, writer: writer)
        }
        XCTAssertTrue(waitUntil(30) { writer.finished }, cell)
        XCTAssertTrue(waitUntil(10) { h.ingest.count >= total }, "\(cell): \(h.ingest.count) of \(total)")
        Thread.sleep(forTimeInterval: 0.3)
        let ids = h.ingest.ids
        let missing = (0..<total).filter { ids["\(rotation.rawValue)-\($0)"] == nil }
        let twice = ids.filter { $0.value > 1 }.map(\.key).sorted()
        XCTAssertEqual(missing, [], "\(cell): lines lost")
        XCTAssertEqual(twice, [], "\(cell): lines counted twice")
        XCTAssertEqual(h.ingest.count, total, cell)
        XCTAssertEqual(h.metrics.lines, Double(total), cell)
        switch rotation {
        case .create, .nocreate, .createFromTempFile:
            XCTAssertEqual(h.metrics.counter("gatewatch_log_rotations_total"), 2, cell)
        case .copytruncate:
            XCTAssertEqual(h.metrics.counter("gatewatch_log_truncations_total"), 2, cell)
        case .copy:
            XCTAssertEqual(h.metrics.counter("gatewatch_log_rotations_total"), 0, cell)
        }
        h.service.stop()
    }

    /// One rotation as logrotate does it. The file operations happen between two line writes
    /// (logrotate's own copytruncate race, lines written between its copy and its truncate, is
    /// not something a reader can repair); a writer keeping its file open goes on writing to the
    /// old file for a while before it reopens, as after a SIGHUP.
    func rotate(_ rotation: Rotation, path: String, round: Int, writer: LineWriter) {
        let rotated = path + ".\(round)"
        writer.lock.lock()
        switch rotation {
        case .create:
            rename(path, rotated)
            close(open(path, O_WRONLY | O_CREAT, 0o644))
        case .nocreate:
            rename(path, rotated)
        case .copy:
            copyFile(path, rotated)
        case .copytruncate:
            copyFile(path, rotated)
            truncate(path, 0)
        case .createFromTempFile:
            rename(path, rotated)
            let temp = path + ".tmp-new"
            close(open(temp, O_WRONLY | O_CREAT, 0o644))
            rename(temp, path)
        }
        writer.lock.unlock()
        if writer.keepOpen && [.create, .nocreate, .createFromTempFile].contains(rotation) {
            Thread.sleep(forTimeInterval: 0.05)
            writer.requestReopen()
        }
    }

    func copyFile(_ from: String, _ to: String) {
        let data = FileManager.default.contents(atPath: from) ?? Data()
        XCTAssertTrue(FileManager.default.createFile(atPath: to, contents: data))
    }

    func testDeleteAndRecreateAndSymlinkSwitch() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/app.jsonl"
        let h = harness()
        append(logLine("one") + "\n", to: path)
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil { h.ingest.count == 1 })
        unlink(path)
        append(logLine("two") + "\n", to: path)
        XCTAssertTrue(waitUntil { h.ingest.count == 2 })
        // A symlink switched to another target (`ln -sfn`).
        let link = dir + "/current.jsonl"
        append(logLine("t1") + "\n", to: dir + "/t1.log")
        append(logLine("t2") + "\n", to: dir + "/t2.log")
        symlink(dir + "/t1.log", link)
        XCTAssertTrue(waitUntil { h.ingest.count == 3 })
        symlink(dir + "/t2.log", link + ".new")
        rename(link + ".new", link)
        XCTAssertTrue(waitUntil { h.ingest.count == 4 })
        append(logLine("t2b") + "\n", to: dir + "/t2.log")
        XCTAssertTrue(waitUntil { h.ingest.count == 5 })
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(h.ingest.ids, ["one": 1, "two": 1, "t1": 1, "t2": 1, "t2b": 1])
        XCTAssertEqual(h.metrics.counter("gatewatch_log_rotations_total"), 2)
    }

    func testDeletedFilesAreReleased() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/gone.jsonl"
        let h = harness()
        append(logLine("x") + "\n", to: path)
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil { h.ingest.count == 1 })
        XCTAssertEqual(h.metrics.gauge("gatewatch_log_files_watched"), 1)
        XCTAssertTrue(openDescriptors().contains(path))
        unlink(path)
        XCTAssertTrue(waitUntil(10) { h.metrics.gauge("gatewatch_log_files_watched") == 0 })
        XCTAssertFalse(openDescriptors().contains(path), "the deleted file is still open")
    }

    /// The targets of this process's open descriptors.
    func openDescriptors() -> String {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
            .joined(separator: "\n")
    }

    // MARK: checkpoints

    /// A service stopped without persisting (as after SIGKILL or SIGTERM) and a new one on the same
    /// state directory: the last scrape's counts plus everything the new one counts equal the
    /// lines written, exactly, and each line's record is ingested once across the two.
    func testRestartResumesFromTheLastScrapeCheckpoint() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/app.jsonl"
        let total = 1600
        let writer = LineWriter(path: path, keepOpen: true, prefix: "r")
        let a = harness()
        try a.service.apply([source(dir, start: .end)], stateDirectory: dir + "/state")
        writer.start(total: total)
        var scrapedLines = 0.0
        var scrapedIDs: [String] = []
        XCTAssertTrue(waitUntil(20) { writer.count > total / 4 })
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.05)
            a.service.withScrapeCheckpoint {
                scrapedLines = a.metrics.lines
                scrapedIDs = a.ingest.order
            }
        }
        Thread.sleep(forTimeInterval: 0.05)
        a.service.stop()
        XCTAssertGreaterThan(scrapedLines, 0)
        XCTAssertEqual(Double(scrapedIDs.count), scrapedLines)
        XCTAssertTrue(waitUntil(30) { writer.finished })

        let b = harness()
        try b.service.apply([source(dir, start: .end)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil(10) { scrapedLines + b.metrics.lines >= Double(total) })
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(scrapedLines + b.metrics.lines, Double(total))
        var seen: [String: Int] = [:]
        for id in scrapedIDs + b.ingest.order { seen[id, default: 0] += 1 }
        XCTAssertEqual(seen.count, total)
        XCTAssertEqual(seen.values.filter { $0 != 1 }.count, 0)
    }

    /// The file was rotated while gatewatch was down: the rest of the old file is found by its
    /// inode beside its old name, and the new file is read from its beginning.
    func testRestartAfterARotationWhileStopped() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/app.jsonl"
        let a = harness()
        append((0..<10).map { logLine("a-\($0)") + "\n" }.joined(), to: path)
        try a.service.apply([source(dir)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil { a.ingest.count == 10 })
        var scraped = 0.0
        a.service.withScrapeCheckpoint { scraped = a.metrics.lines }
        append((10..<15).map { logLine("a-\($0)") + "\n" }.joined(), to: path)
        XCTAssertTrue(waitUntil { a.ingest.count == 15 })
        a.service.stop()
        append((15..<20).map { logLine("a-\($0)") + "\n" }.joined(), to: path)
        rename(path, path + ".1")
        append((20..<25).map { logLine("a-\($0)") + "\n" }.joined(), to: path)

        let b = harness()
        try b.service.apply([source(dir)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil { b.ingest.count >= 15 })
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(scraped + b.metrics.lines, 25)
        XCTAssertEqual(Set(b.ingest.order), Set((10..<25).map { "a-\($0)" }))
        XCTAssertEqual(b.ingest.count, 15)
    }

    func testCheckpointFileIsWrittenAtScrapeOnly() throws {
        let dir = try makeTempDir(self)
        let h = harness()
        append(logLine("c") + "\n", to: dir + "/app.jsonl")
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil { h.ingest.count == 1 })
        let file = dir + "/state/" + Checkpoint.fileName
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        let rendered = h.service.withScrapeCheckpoint { String(decoding: h.registry.render(.text), as: UTF8.self) }
        XCTAssertTrue(rendered.contains(#"gatewatch_log_lines_total{log="app"} 1"#), rendered)
        XCTAssertTrue(rendered.contains(#"gatewatch_log_lines_rejected_total{log="app",reason="line_too_long"} 0"#), rendered)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: file))
        let positions = try XCTUnwrap(Checkpoint.decode(Array(bytes)))
        XCTAssertEqual(positions["app"]?.first?.path, dir + "/app.jsonl")
        XCTAssertEqual(positions["app"]?.first?.offset, Int64(logLine("c").utf8.count + 1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".tmp"))
        h.service.stop()
        // After stop nothing is persisted, whatever the scrape.
        try FileManager.default.removeItem(atPath: file)
        h.service.withScrapeCheckpoint {}
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    func testUnusableStateDirectoryThrows() throws {
        let dir = try makeTempDir(self)
        append("x", to: dir + "/plain-file")
        let h = harness()
        XCTAssertThrowsError(try h.service.apply([source(dir)], stateDirectory: dir + "/plain-file/state"))
    }

    func testReconfigureKeepsUnchangedSourcesAndRemovesOthers() throws {
        let dir = try makeTempDir(self)
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        let h = harness()
        let app = source(dir)
        let other = LogSourceConfig(name: "other", paths: [dir + "/other/*.jsonl"], startAt: .beginning)
        try h.service.apply([app, other], stateDirectory: dir + "/state")
        append(logLine("1") + "\n", to: dir + "/app.jsonl")
        append(logLine("o1") + "\n", to: dir + "/other/o.jsonl")
        XCTAssertTrue(waitUntil { h.ingest.count == 2 })
        var changed = app
        changed.provider = "llmai"
        try h.service.apply([changed], stateDirectory: dir + "/state")
        append(logLine("2") + "\n", to: dir + "/app.jsonl")
        append(logLine("o2") + "\n", to: dir + "/other/o.jsonl")
        XCTAssertTrue(waitUntil { h.ingest.count == 3 })
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(h.ingest.ids, ["1": 1, "o1": 1, "2": 1])
        XCTAssertEqual(h.metrics.lines, 2)
        let text = String(decoding: h.registry.render(.text), as: UTF8.self)
        XCTAssertFalse(text.contains(#"log="other""#), text)
    }

    func testPermissionErrorIsReportedCountedAndRetried() throws {
        guard getuid() != 0 else { throw XCTSkip("root reads any file; permissions cannot be denied") }
        let dir = try makeTempDir(self)
        let path = dir + "/locked.jsonl"
        append(logLine("l") + "\n", to: path)
        chmod(path, 0)
        let h = harness()
        try h.service.apply([source(dir)], stateDirectory: dir + "/state")
        XCTAssertTrue(waitUntil { h.metrics.counter("gatewatch_log_file_errors_total") == 1 })
        XCTAssertTrue(h.events.all.contains { $0.level == .warning && $0.metadata["path"] == path })
        chmod(path, 0o644)
        XCTAssertTrue(waitUntil { h.ingest.count == 1 })
    }
}
