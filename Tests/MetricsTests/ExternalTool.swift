import Foundation
import Synchronization
import XCTest

/// Runs real external programs (promtool, Python) from tests: found on PATH, fed stdin.
/// A missing tool is a test failure, not a skip.
enum ExternalTool {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func find(_ name: String) -> URL? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate)
            }
        }
        return nil
    }

    static var python: String {
        ProcessInfo.processInfo.environment["GATEWATCH_TEST_PYTHON"] ?? "python3"
    }

    /// Runs `tool` with `arguments`, writing `input` to its stdin; nil (after failing the test)
    /// when the tool is not installed.
    static func run(_ tool: String, _ arguments: [String], input: [UInt8],
                    file: StaticString = #filePath, line: UInt = #line) throws -> Result? {
        guard let url = find(tool) else {
            XCTFail("\(tool) not found on PATH; install it (make deps)", file: file, line: line)
            return nil
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes on other threads so a chatty child never blocks on a full pipe.
        let outBox = DataBox()
        let errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        try stdin.fileHandleForWriting.write(contentsOf: Data(input))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outBox.get(), as: UTF8.self),
                      stderr: String(decoding: errBox.get(), as: UTF8.self))
    }
}

/// A lock-protected Data slot filled by a reader thread.
final class DataBox: Sendable {
    private let data = Mutex(Data())

    func set(_ value: Data) {
        data.withLock { $0 = value }
    }

    func get() -> Data {
        data.withLock { $0 }
    }
}
