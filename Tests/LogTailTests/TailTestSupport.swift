import Foundation
import GatewatchCore
import Metrics
import Synchronization
import XCTest
@testable import LogTail

/// A temporary directory removed when the test ends.
func makeTempDir(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-logtail-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir.path
}

/// Polls `condition` until it holds or `timeout` passes; false on timeout.
@discardableResult
func waitUntil(_ timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}

/// A log line whose request_id identifies it.
func logLine(_ id: String, status: Int = 200) -> String {
    #"{"timestamp": 1795000000.5, "region": "eu", "model": "claude-sonnet-4-6", "status_code": \#(status), "request_id": "\#(id)", "latency_ms": 12.5}"#
}

/// Appends bytes to a file the way a logging application does (O_APPEND, created if absent).
func append(_ text: String, to path: String) {
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    precondition(fd >= 0, "open \(path)")
    var bytes = Array(text.utf8)
    let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(n == bytes.count)
    close(fd)
}

/// What a service under test ingested: every record's request_id, counted.
final class IngestLog: Sendable {
    private let state = Mutex<(ids: [String: Int], order: [String])>(([:], []))

    var closure: @Sendable (RequestRecord) -> Void {
        { [self] record in
            let id = record.requestID ?? "?"
            self.state.withLock {
                $0.ids[id, default: 0] += 1
                $0.order.append(id)
            }
        }
    }

    var count: Int { state.withLock { $0.order.count } }
    var ids: [String: Int] { state.withLock { $0.ids } }
    var order: [String] { state.withLock { $0.order } }
    func snapshotOrder() -> [String] { order }
}

/// Events a service emitted.
final class EventLog: Sendable {
    private let events = Mutex<[ServiceEvent]>([])
    var closure: @Sendable (ServiceEvent) -> Void {
        { [self] e in self.events.withLock { $0.append(e) } }
    }
    var all: [ServiceEvent] { events.withLock { $0 } }
}

/// Reads a log family's value for one source from a registry.
struct LogMetricsReader {
    let registry: MetricsRegistry
    let log: String

    func counter(_ name: String) -> Double {
        registry.counter(name, help: "", labelNames: ["log"]).labels(log).value
    }

    func gauge(_ name: String) -> Double {
        registry.gauge(name, help: "", labelNames: ["log"]).labels(log).value
    }

    func rejected(_ reason: LogRejection) -> Double {
        registry.counter("gatewatch_log_lines_rejected_total", help: "", labelNames: ["log", "reason"])
            .labels(log, reason.rawValue).value
    }

    var lines: Double { counter("gatewatch_log_lines_total") }
}

/// A writer appending numbered lines from its own thread, either keeping its file open (and
/// reopening when told, as an application does on SIGHUP) or opening the file per line.
final class LineWriter: @unchecked Sendable {
    // @unchecked: `fd` and `reopenRequested` are touched only with `lock` held.
    let path: String
    let keepOpen: Bool
    let prefix: String
    let lock = NSLock()
    private var fd: Int32 = -1
    private var reopenRequested = false
    private let written = Atomic<Int>(0)
    private let done = Atomic<Bool>(false)

    init(path: String, keepOpen: Bool, prefix: String) {
        self.path = path
        self.keepOpen = keepOpen
        self.prefix = prefix
    }

    var count: Int { written.load(ordering: .acquiring) }
    var finished: Bool { done.load(ordering: .acquiring) }

    func requestReopen() {
        lock.lock()
        reopenRequested = true
        lock.unlock()
    }

    /// Writes `total` lines, `pauseEvery` lines then a 1 ms pause, on a new thread.
    func start(total: Int, pauseEvery: Int = 4) {
        let thread = Thread { [self] in
            for i in 0..<total {
                self.writeLine(i)
                if i % pauseEvery == pauseEvery - 1 { usleep(1000) }
            }
            self.lock.lock()
            if self.fd >= 0 { close(self.fd); self.fd = -1 }
            self.lock.unlock()
            self.done.store(true, ordering: .releasing)
        }
        thread.start()
    }

    private func writeLine(_ i: Int) {
        var bytes = Array((logLine("\(prefix)-\(i)") + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        if !keepOpen || reopenRequested || fd < 0 {
            if fd >= 0 { close(fd) }
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            reopenRequested = false
        }
        precondition(fd >= 0, "writer cannot open \(path)")
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        precondition(n == bytes.count)
        if !keepOpen {
            close(fd)
            fd = -1
        }
        written.wrappingAdd(1, ordering: .releasing)
    }
}
