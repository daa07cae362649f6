import Foundation
import GatewatchCore
import HTTPServer
import Metrics
import Synchronization
import XCTest
@testable import Probing

#if canImport(Glibc)
import Glibc
#endif

/// Certificates made by the `openssl` CLI in a temporary directory.
final class TestCertificates {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    func openssl(_ arguments: [String]) throws {
        let result = try run("openssl", arguments, in: directory.path)
        guard result.status == 0 else { throw TestFailure("openssl \(arguments.first ?? ""): \(result.output)") }
    }

    /// A self-signed CA `name` (name.pem, name.key).
    func makeCA(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "30",
                     "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    /// A server certificate `name` for 127.0.0.1/localhost signed by `ca`, valid between the
    /// given dates (`YYYYMMDDHHMMSSZ`), through `openssl ca` (which takes explicit dates).
    func makeLeaf(_ name: String, ca: String, start: String? = nil, end: String? = nil) throws {
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
        let database = path("\(name).index")
        _ = FileManager.default.createFile(atPath: database, contents: nil)
        try "01\n".write(toFile: path("\(name).serial"), atomically: true, encoding: .utf8)
        let config = """
            [ ca ]
            default_ca = d
            [ d ]
            database = \(database)
            serial = \(path("\(name).serial"))
            new_certs_dir = \(directory.path)
            default_md = sha256
            policy = p
            unique_subject = no
            x509_extensions = ext
            [ p ]
            commonName = supplied
            [ ext ]
            subjectAltName = IP:127.0.0.1,DNS:localhost
            basicConstraints = CA:FALSE
            extendedKeyUsage = serverAuth

            """
        try config.write(toFile: path("\(name).cnf"), atomically: true, encoding: .utf8)
        var args = ["ca", "-batch", "-notext", "-config", path("\(name).cnf"), "-cert", path("\(ca).pem"),
                    "-keyfile", path("\(ca).key"), "-in", path("\(name).csr"), "-out", path("\(name).pem")]
        if let start { args += ["-startdate", start] }
        if let end { args += ["-enddate", end] } else { args += ["-days", "20"] }
        try openssl(args)
    }

    /// notAfter of a certificate as Unix seconds.
    func notAfter(_ name: String) throws -> Double {
        let out = try run("openssl", ["x509", "-in", path("\(name).pem"), "-noout", "-enddate"], in: directory.path).output
        let text = out.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "notAfter=", with: "")
        guard let value = CertificateDate.parse(text) else { throw TestFailure("cannot parse \(text)") }
        return value
    }

    func tls(_ leaf: String) throws -> TLSConfiguration {
        TLSConfiguration(certificatePEM: try read("\(leaf).pem"), privateKeyPEM: try read("\(leaf).key"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Every request a test server saw.
final class RequestLog: Sendable {
    private let requests = Mutex<[HTTPRequest]>([])
    func append(_ r: HTTPRequest) { requests.withLock { $0.append(r) } }
    var all: [HTTPRequest] { requests.withLock { $0 } }
    var count: Int { requests.withLock { $0.count } }
}

/// A live HTTP(S) server on 127.0.0.1 (port 0) answering every request with `answer`.
final class TestServer {
    let server: HTTPServer
    let log = RequestLog()
    let port: Int

    init(tls: TLSConfiguration? = nil, threads: Int = 2,
         answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse = { _ in .text(200, "ok\n") }) throws {
        let log = self.log
        server = HTTPServer(configuration: HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"], threads: threads,
                                                                   connectionLimit: 1024, tls: tls, shutdownGracePeriod: 1),
                            handler: { request in
                                log.append(request)
                                return answer(request)
                            })
        try server.start()
        port = Int(server.boundAddresses.first?.split(separator: ":").last ?? "0") ?? 0
    }

    var httpURL: String { "http://127.0.0.1:\(port)" }
    var httpsURL: String { "https://127.0.0.1:\(port)" }

    deinit { server.stop() }
}

/// A TCP socket on 127.0.0.1 that listens and never accepts or answers. With `fillBacklog`, its
/// accept queue is filled first, so new connections are not even completed (a connect timeout).
final class SilentSocket {
    let fd: Int32
    let port: Int
    private var fillers: [Int32] = []

    init(fillBacklog: Bool = false) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, fillBacklog ? 0 : 64) == 0 else {
            close(fd)
            throw TestFailure("bind/listen failed: \(errno)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        if fillBacklog {
            // A backlog of 0 still queues one connection; a few non-blocking connects fill it.
            for _ in 0..<4 {
                let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                var target = addr
                target.sin_addr.s_addr = inet_addr("127.0.0.1")
                _ = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                fillers.append(c)
            }
            usleep(200_000)
        }
    }

    deinit {
        fillers.forEach { close($0) }
        close(fd)
    }
}

/// Records what the service hands to the recorder; classifies by status like a tiny stand-in for
/// the core classifier (the real one is tested with probes end-to-end by the exporter's tests).
final class RecordSink: Sendable {
    private let records = Mutex<[RequestRecord]>([])
    let headroom: HeadroomTracker?

    init(headroom: HeadroomTracker? = nil) { self.headroom = headroom }

    var all: [RequestRecord] { records.withLock { $0 } }

    var record: @Sendable (RequestRecord) -> Classification? {
        { r in
            self.records.withLock { $0.append(r) }
            self.headroom?.record(provider: r.provider, region: r.region, model: r.model, headers: r.rateLimit)
            return RecordSink.classify(r)
        }
    }

    static func classify(_ r: RequestRecord) -> Classification? {
        if let status = r.statusCode {
            switch status {
            case 200..<300: return nil
            case 401: return Classification(.auth, "invalid_key")
            case 403: return Classification(.auth, "forbidden")
            case 429: return Classification(.rateLimited, "model_rate_limit")
            case 500...599: return Classification(.server, "status_\(status)")
            default: return Classification(.other, "other")
            }
        }
        return Classification(.network, "other")
    }
}

/// Collected log events.
final class EventSink: Sendable {
    private let events = Mutex<[ServiceEvent]>([])
    var onEvent: @Sendable (ServiceEvent) -> Void { { e in self.events.withLock { $0.append(e) } } }
    var all: [ServiceEvent] { events.withLock { $0 } }
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

func threadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
}

extension GatewatchConfig {
    static func one(_ probe: ProbeConfig, _ target: TargetConfig) -> GatewatchConfig {
        GatewatchConfig(targets: [target], probes: [probe])
    }
}

/// Runs one probe once through the public runner and returns its result.
func runOnce(_ probe: ProbeConfig, _ target: TargetConfig, environment: [String: String] = [:],
             sink: RecordSink = RecordSink()) throws -> ProbeResult {
    let results = try ProbeRunner.runOnce(.one(probe, target), environment: environment, record: sink.record,
                                          classifyTransport: { RecordSink.classify($0) })
    guard let first = results.first else { throw TestFailure("no result") }
    return first
}

/// The text exposition of a registry.
func exposition(_ registry: MetricsRegistry) -> String {
    String(decoding: registry.render(.text), as: UTF8.self)
}

/// The value of one exposition line `name{labels} value`, if present.
func sample(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}
