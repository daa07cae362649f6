import Foundation
@testable import Metrics
import XCTest

final class ProcessCollectorTests: XCTestCase {
    func testRegistersTheStandardFamiliesWithPlausibleValues() throws {
        let registry = MetricsRegistry()
        ProcessCollector.register(on: registry)
        let output = String(decoding: registry.render(.text), as: UTF8.self)
        var values: [String: Double] = [:]
        for line in output.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Double(parts[1]) ?? (parts[1] == "+Inf" ? .infinity : nil)
        }
        let cpu = try XCTUnwrap(values["process_cpu_seconds_total"])
        XCTAssertGreaterThanOrEqual(cpu, 0)
        XCTAssertGreaterThan(try XCTUnwrap(values["process_resident_memory_bytes"]), 1_000_000)
        XCTAssertGreaterThan(try XCTUnwrap(values["process_virtual_memory_bytes"]),
                             try XCTUnwrap(values["process_resident_memory_bytes"]))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(values["process_open_fds"]), 3)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(values["process_max_fds"]), try XCTUnwrap(values["process_open_fds"]))
        let start = try XCTUnwrap(values["process_start_time_seconds"])
        let now = Date().timeIntervalSince1970
        XCTAssertLessThanOrEqual(start, now + 1)
        XCTAssertGreaterThan(start, now - 7 * 86_400)
        // Burn CPU until the counter moves (polling, generous deadline); it never goes backwards.
        let deadline = Date().addingTimeInterval(120)
        var laterCPU = cpu
        while laterCPU <= cpu && Date() < deadline {
            let until = Date().addingTimeInterval(0.05)
            var spins = 0
            while Date() < until { spins &+= 1 }
            let later = String(decoding: registry.render(.text), as: UTF8.self)
            laterCPU = try XCTUnwrap(later.split(separator: "\n")
                .first { $0.hasPrefix("process_cpu_seconds_total ") }
                .flatMap { Double($0.split(separator: " ")[1]) })
            XCTAssertGreaterThanOrEqual(laterCPU, cpu)
        }
        XCTAssertGreaterThan(laterCPU, cpu)
        // promtool accepts the process families too.
        guard let result = try ExternalTool.run("promtool", ["check", "metrics"], input: Array(output.utf8)) else { return }
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout + result.stderr, "")
    }

    func testParsesStatWithSpacesInTheCommandName() throws {
        let line = "1234 (my (odd) proc) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 4 0 5000 123456789 2500 18446744073709551615"
        let stat = try XCTUnwrap(ProcStat.selfStat(contents: line))
        XCTAssertEqual(stat.utime, 250)
        XCTAssertEqual(stat.stime, 50)
        XCTAssertEqual(stat.starttime, 5000)
        XCTAssertEqual(stat.vsize, 123_456_789)
        XCTAssertEqual(stat.rss, 2500)
        XCTAssertNil(ProcStat.selfStat(contents: "garbage"))
    }

    func testParsesLimitsAndBootTime() {
        let limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max open files            1024                 524288               files
            """
        XCTAssertEqual(ProcStat.maxOpenFiles(contents: limits), 1024)
        XCTAssertEqual(ProcStat.bootTime(contents: "cpu 1 2 3\nbtime 1700000000\nprocesses 5\n"), 1_700_000_000)
    }
}
