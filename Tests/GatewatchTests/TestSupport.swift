import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The debug `gatewatch` binary that `swift build --build-tests` leaves beside the tests: the
/// one in the test runner's own directory first, so a build with another `--scratch-path`
/// (`make sanitize`) runs its own binary, then the default `.build` locations.
var gatewatchBinary: URL {
    var candidates: [URL] = []
    if let runner = Bundle.main.executableURL {
        candidates.append(runner.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("gatewatch"))
    }
    candidates += [".build/debug/gatewatch", ".build/x86_64-unknown-linux-gnu/debug/gatewatch",
                   ".build/aarch64-unknown-linux-gnu/debug/gatewatch"].map { packageRoot.appendingPathComponent($0) }
    for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) { return url }
    return packageRoot.appendingPathComponent(".build/debug/gatewatch")
}

/// A temporary directory removed when the test ends.
func makeTempDir(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// Polls `condition` until it holds or `timeout` passes.
func waitFor(_ timeout: TimeInterval = 20, _ what: String, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: 0.05)
    }
    XCTFail("timed out after \(timeout)s waiting for \(what)")
    throw NSError(domain: "timeout", code: 1)
}

/// A blocking HTTP exchange for tests.
struct HTTPExchange {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

func httpRequest(_ url: String, method: String = "GET", headers: [String: String] = [:],
                 body: Data? = nil, timeout: TimeInterval = 15) throws -> HTTPExchange {
    var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
    request.httpMethod = method
    for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
    request.httpBody = body
    let box = ResultBox()
    let task = URLSession.shared.dataTask(with: request) { data, response, error in
        box.set(data, response as? HTTPURLResponse, error)
    }
    task.resume()
    guard box.wait(timeout + 5) else { throw NSError(domain: "http", code: 2, userInfo: [NSLocalizedDescriptionKey: "no answer from \(url)"]) }
    let (data, response, error) = box.get()
    if let error { throw error }
    var hs: [String: String] = [:]
    for (k, v) in response?.allHeaderFields ?? [:] { hs[String(describing: k).lowercased()] = String(describing: v) }
    return HTTPExchange(status: response?.statusCode ?? 0, headers: hs, body: data ?? Data())
}

private final class ResultBox: @unchecked Sendable {
    // Guarded by `lock`; URLSession's callback thread writes, the test thread reads after the semaphore.
    private let lock = NSLock()
    private let semaphore = DispatchSemaphore(value: 0)
    private var value: (Data?, HTTPURLResponse?, Error?) = (nil, nil, nil)
    func set(_ d: Data?, _ r: HTTPURLResponse?, _ e: Error?) {
        lock.lock(); value = (d, r, e); lock.unlock(); semaphore.signal()
    }
    func wait(_ t: TimeInterval) -> Bool { semaphore.wait(timeout: .now() + t) == .success }
    func get() -> (Data?, HTTPURLResponse?, Error?) { lock.lock(); defer { lock.unlock() }; return value }
}

/// Runs a command to completion, returning its exit status and output.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                environment: [String: String]? = nil, timeout: TimeInterval = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe(), input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    let outData = CollectedOutput(out.fileHandleForReading)
    let errData = CollectedOutput(err.fileHandleForReading)
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if p.isRunning { p.terminate(); XCTFail("\(executable) did not finish in \(timeout)s") }
    p.waitUntilExit()
    return (p.terminationStatus, outData.text(), errData.text())
}

/// Reads a pipe on a background thread so the child never blocks on a full pipe.
final class CollectedOutput: @unchecked Sendable {
    // Guarded by `lock`; the reader thread appends, callers read snapshots.
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock(); data.append(chunk); lock.unlock()
            }
            done.signal()
        }
    }

    func snapshot() -> String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }

    func text(waiting: TimeInterval = 10) -> String {
        _ = done.wait(timeout: .now() + waiting)
        return snapshot()
    }
}

/// A `gatewatch serve` child process on a free loopback port.
final class ServeProcess {
    let process = Process()
    let stderr: CollectedOutput
    let stdout: CollectedOutput
    private(set) var baseURL = ""

    init(arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = gatewatchBinary
        process.arguments = ["serve", "--web.listen-address", "127.0.0.1:0", "--log.level", "debug"] + arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ASSEMBLYAI_API_KEY")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        try process.run()
        stderr = CollectedOutput(err.fileHandleForReading)
        stdout = CollectedOutput(out.fileHandleForReading)
        try waitFor(60, "the exporter to log its listening address") {
            if let range = stderr.snapshot().range(of: #"address=127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                baseURL = "http://" + stderr.snapshot()[range].dropFirst("address=".count)
                return true
            }
            if !process.isRunning { return true }
            return false
        }
        if baseURL.isEmpty { XCTFail("gatewatch serve exited: \(stderr.snapshot())") }
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Sends SIGTERM and waits for the exit status.
    func stop(timeout: TimeInterval = 30) -> Int32 {
        if process.isRunning { signal(SIGTERM) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); XCTFail("serve did not stop on SIGTERM") }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// The Python interpreter with prometheus_client (the Makefile's venv, else python3).
var testPython: String {
    if let p = ProcessInfo.processInfo.environment["GATEWATCH_TEST_PYTHON"], FileManager.default.isExecutableFile(atPath: p) { return p }
    let venv = packageRoot.appendingPathComponent(".build-venv/bin/python3").path
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    return which("python3") ?? "/usr/bin/python3"
}

/// The path of a tool on PATH, or nil.
func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// Finds a tool on PATH; fails the test when missing (the Makefile installs it).
func tool(_ name: String) throws -> String {
    if let p = which(name) { return p }
    XCTFail("\(name) is not installed; run make test, which installs it")
    throw NSError(domain: "tool", code: 1)
}

/// A loopback TCP port free at the time of asking (for child processes that need one named).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// A real Prometheus (Debian's package) on a free loopback port, with `config` as its
/// prometheus.yml, storing under `dir`; stopped when released.
final class PrometheusProcess {
    let process = Process()
    let api: String
    let stderr: CollectedOutput

    init(config: String, dir: URL) throws {
        let port = try freePort()
        api = "http://127.0.0.1:\(port)/api/v1"
        let file = dir.appendingPathComponent("prometheus.yml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: try tool("prometheus"))
        process.arguments = ["--config.file", file.path, "--storage.tsdb.path", dir.appendingPathComponent("tsdb").path,
                             "--web.listen-address", "127.0.0.1:\(port)", "--enable-feature=exemplar-storage",
                             "--log.level", "warn"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        stderr = CollectedOutput(err.fileHandleForReading)
    }

    /// The result vector of an instant query; empty on any error.
    func query(_ q: String) throws -> [[String: Any]] {
        let escaped = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let r = try httpRequest("\(api)/query?query=\(escaped)")
        guard r.status == 200, let json = try JSONSerialization.jsonObject(with: r.body) as? [String: Any],
              let data = json["data"] as? [String: Any] else { return [] }
        return data["result"] as? [[String: Any]] ?? []
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

/// A `gatewatch simulate` child process; `usAddress` is the US listener it printed
/// (`--listen-us 127.0.0.1:0` picks the port). Killed when released.
final class SimulateProcess {
    let process = Process()
    let stdout: CollectedOutput
    let stderr: CollectedOutput
    private(set) var usAddress = ""

    init(arguments: [String]) throws {
        process.executableURL = gatewatchBinary
        process.arguments = ["simulate"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdout = CollectedOutput(out.fileHandleForReading)
        stderr = CollectedOutput(err.fileHandleForReading)
        try waitFor(30, "simulate to print its addresses") {
            if let r = stdout.snapshot().range(of: #"127\.0\.0\.1:[0-9]+ \(US\)"#, options: .regularExpression) {
                usAddress = String(stdout.snapshot()[r].split(separator: " ")[0])
                return true
            }
            return !process.isRunning
        }
        if usAddress.isEmpty { XCTFail("gatewatch simulate printed no US address: \(stderr.snapshot())") }
    }

    /// Sends SIGTERM and waits for the exit status.
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// `dir/gatewatch.yml`: no probes (nothing leaves loopback) and one log source `app` over
/// `dir/logs/*.jsonl` read from the beginning, checkpoints in `dir/state`. Creates `dir/logs`.
func writeLogConfig(_ dir: URL) throws -> URL {
    let url = dir.appendingPathComponent("gatewatch.yml")
    let yaml = """
    logs:
      - name: app
        paths: ["\(dir.path)/logs/*.jsonl"]
        provider: assemblyai_llm_gateway
        start_at: beginning
    state_dir: \(dir.path)/state
    """
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
    try yaml.write(to: url, atomically: true, encoding: .utf8)
    return url
}
