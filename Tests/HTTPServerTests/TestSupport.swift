import Foundation
import Synchronization
import XCTest
@testable import HTTPServer

#if canImport(Glibc)
import Glibc
#endif

/// A parsed HTTP/1.1 response read from a raw socket.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// Raw POSIX TCP client for hostile and exact requests. Every socket has a 60 s receive
/// timeout so a broken server fails the test instead of hanging it.
enum RawClient {
    /// Connects to host:port (IPv4 or IPv6 literal); returns the fd or -errno.
    static func connect(host: String = "127.0.0.1", port: Int) -> Int32 {
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -errno }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var rc: Int32
        if v6 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &sin6.sin6_addr)
            rc = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &sin.sin_addr)
            rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if rc != 0 { let code = errno; close(fd); return -code }
        return fd
    }

    /// Sends all bytes; false when the peer closed or reset.
    @discardableResult
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    static func send(_ fd: Int32, _ text: String) -> Bool { send(fd, Array(text.utf8)) }

    /// Reads until EOF (or error/timeout); returns what arrived.
    static func readAll(_ fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }

    /// One request on a fresh connection, read to EOF (send `Connection: close`).
    static func exchange(port: Int, host: String = "127.0.0.1", _ request: [UInt8]) -> [UInt8] {
        let fd = connect(host: host, port: port)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        send(fd, request)
        return readAll(fd)
    }

    static func exchange(port: Int, host: String = "127.0.0.1", _ request: String) -> [UInt8] {
        exchange(port: port, host: host, Array(request.utf8))
    }

    /// Parses a complete response (body delimited by EOF or Content-Length).
    static func parse(_ bytes: [UInt8]) -> RawResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(end + 4)...])
        if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }),
           body.count > length {
            body = Array(body[0..<length])
        }
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// GET/HEAD/... with `Connection: close`, parsed.
    static func request(port: Int, host: String = "127.0.0.1", _ method: String, _ path: String,
                        headers: [String] = [], body: [UInt8] = []) -> RawResponse? {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for header in headers { head += header + "\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return parse(exchange(port: port, host: host, Array(head.utf8) + body))
    }
}

/// Polls `condition` every 10 ms for up to `timeout` seconds.
func waitUntil(timeout: Double = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Runs a command, returning exit status and combined output. Fails the test when the tool is missing.
@discardableResult
func runTool(_ tool: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int32, output: String) {
    guard let path = findOnPath(tool) else {
        XCTFail("required tool \(tool) not found on PATH", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func findOnPath(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// The port of the first bound address ("127.0.0.1:43817" -> 43817).
func port(of server: HTTPServer) -> Int {
    Int(server.boundAddresses.first?.split(separator: ":").last ?? "0") ?? 0
}

/// Observed (method, path, status) triples.
final class ObservationLog: Sendable {
    private let entries = Mutex<[(String, String, Int)]>([])
    var observer: @Sendable (String, String, Int) -> Void {
        { method, path, status in self.entries.withLock { $0.append((method, path, status)) } }
    }
    var all: [(String, String, Int)] { entries.withLock { $0 } }
    func count(status: Int) -> Int { all.filter { $0.2 == status }.count }
}

/// Lets a handler reach the server it runs in (set once after init).
final class ServerBox: Sendable {
    private let server = Mutex<HTTPServer?>(nil)
    func set(_ value: HTTPServer) { server.withLock { $0 = value } }
    var isStopping: Bool { server.withLock { $0?.isStopping ?? false } }
    var boundAddresses: [String] { server.withLock { $0?.boundAddresses ?? [] } }
}

func openFileDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// A shared counter for handlers and test threads.
final class Counter: Sendable {
    private let atomic = Atomic<Int>(0)
    func increment() { atomic.add(1, ordering: .sequentiallyConsistent) }
    var value: Int { atomic.load(ordering: .sequentiallyConsistent) }
}
