import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import XCTest
@testable import HTTPServer

#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests against a live server on loopback port 0.
final class HTTPServerTests: XCTestCase {
    static let bigText = String(repeating: "gatewatch compressible line of text 0123456789\n", count: 2000)

    func makeRouter() -> Router {
        var router = Router()
        router.add("GET", "/hello") { _ in .text(200, "hello world\n") }
        router.add("GET", "/echo") { request in .text(200, "n=\(request.query["n"] ?? "-")") }
        router.add("POST", "/upload") { request in
            HTTPResponse(status: 201, headers: [("Content-Type", "application/octet-stream")], body: request.body)
        }
        router.add("GET", "/big") { request in
            HTTPResponse.text(200, Self.bigText).compressedIfAccepted(by: request)
        }
        router.add("GET", "/drop") { _ in .dropConnection }
        router.addPrefix("GET", "/v2/transcript/") { request in
            .json(200, "{\"id\":\"\(request.path.dropFirst("/v2/transcript/".count))\"}")
        }
        return router
    }

    func startServer(_ configuration: HTTPServerConfiguration = .init(listenAddresses: ["127.0.0.1:0"]),
                     handler: HTTPHandler? = nil, observer: ObservationLog? = nil) throws -> HTTPServer {
        let server = HTTPServer(configuration: configuration, handler: handler ?? makeRouter().handler,
                                observer: observer?.observer)
        try server.start()
        addTeardownBlock { server.stop() }
        return server
    }

    // MARK: ordinary traffic

    func testConcurrentClientsGetCompleteAnswers() throws {
        let server = try startServer()
        let p = port(of: server)
        let session = URLSession(configuration: .ephemeral)
        let failures = Mutex<[String]>([])
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { client in
            for i in 0..<50 {
                let n = "\(client)-\(i)"
                let url = URL(string: "http://127.0.0.1:\(p)/echo?n=\(n)")!
                let semaphore = DispatchSemaphore(value: 0)
                let result = Mutex<(Int, String)?>(nil)
                session.dataTask(with: url) { data, response, _ in
                    let status = (response as? HTTPURLResponse)?.statusCode ?? -1
                    result.withLock { $0 = (status, data.map { String(decoding: $0, as: UTF8.self) } ?? "") }
                    semaphore.signal()
                }.resume()
                if semaphore.wait(timeout: .now() + 60) == .timedOut {
                    failures.withLock { $0.append("\(n): timeout") }
                    continue
                }
                let (status, body) = result.withLock { $0 } ?? (-1, "")
                if status != 200 || body != "n=\(n)" { failures.withLock { $0.append("\(n): \(status) \(body)") } }
                done.add(1, ordering: .relaxed)
            }
        }
        session.invalidateAndCancel()
        XCTAssertEqual(failures.withLock { $0 }, [String]())
        XCTAssertEqual(done.load(ordering: .relaxed), 400)
    }

    func testUnknownPathIs404AndWrongMethodIs405WithAllow() throws {
        let log = ObservationLog()
        let server = try startServer(observer: log)
        let p = port(of: server)
        let missing = try XCTUnwrap(RawClient.request(port: p, "GET", "/nope"))
        XCTAssertEqual(missing.status, 404)
        let wrong = try XCTUnwrap(RawClient.request(port: p, "DELETE", "/hello"))
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(wrong.header("Allow"), "GET, HEAD")
        let prefixed = try XCTUnwrap(RawClient.request(port: p, "GET", "/v2/transcript/abc-123"))
        XCTAssertEqual(prefixed.status, 200)
        XCTAssertEqual(String(decoding: prefixed.body, as: UTF8.self), "{\"id\":\"abc-123\"}")
        XCTAssertTrue(waitUntil { log.all.count == 3 })
        let seen = log.all.map { "\($0.0) \($0.1) \($0.2)" }.sorted()
        XCTAssertEqual(seen, ["DELETE /hello 405", "GET /nope 404", "GET /v2/transcript/abc-123 200"])
    }

    func testRequestFieldsReachTheHandlerDecoded() throws {
        let server = try startServer(handler: { request in
            .text(200, [request.method, request.path, request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"),
                        request.header("x-custom") ?? "-", request.remoteAddress ?? "-"].joined(separator: "|"))
        })
        let response = try XCTUnwrap(RawClient.request(port: port(of: server), "GET", "/a%20b/c?n=1%262&flag&n=3&e=%C3%A9",
                                                       headers: ["X-Custom: value with spaces"]))
        let fields = String(decoding: response.body, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
        XCTAssertEqual(fields.count, 5)
        XCTAssertEqual(fields[0], "GET")
        XCTAssertEqual(fields[1], "/a b/c")
        XCTAssertEqual(fields[2], "e=\u{e9}&flag=&n=3", "last value wins, percent-decoded")
        XCTAssertEqual(fields[3], "value with spaces")
        XCTAssertTrue(fields[4].hasPrefix("127.0.0.1:"), String(fields[4]))
    }

    func testLargeUploadWithCurlExpectContinueGets413() throws {
        var configuration = HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"])
        configuration.maxBodyBytes = 1 << 20
        let server = try startServer(configuration)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(repeating: 65, count: 2 << 20).write(to: file)
        let result = try runTool("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60",
                                          "--data-binary", "@\(file.path)", "http://127.0.0.1:\(port(of: server))/upload"])
        XCTAssertEqual(result.output, "413")
        try Data(repeating: 66, count: 1 << 20).write(to: file)
        let fits = try runTool("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "--max-time", "60",
                                        "--data-binary", "@\(file.path)", "http://127.0.0.1:\(port(of: server))/upload"])
        XCTAssertEqual(fits.output, "201 1048576")
    }

    func testHeadIsServedAsGetWithoutBody() throws {
        let server = try startServer()
        let bytes = RawClient.exchange(port: port(of: server), "HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try XCTUnwrap(RawClient.parse(bytes))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Length"), "12")
        XCTAssertEqual(response.body, [])
    }

    func testPostBodyIsDeliveredIntact() throws {
        let server = try startServer()
        var generator = SystemRandomNumberGenerator()
        let body = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let response = try XCTUnwrap(RawClient.request(port: port(of: server), "POST", "/upload", body: body))
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.body.count, body.count)
        XCTAssertTrue(response.body == body)
    }

    func testGzipIsNegotiated() throws {
        let server = try startServer()
        let p = port(of: server)
        let gzipped = try XCTUnwrap(RawClient.request(port: p, "GET", "/big", headers: ["Accept-Encoding: br;q=1.0, gzip;q=0.8"]))
        XCTAssertEqual(gzipped.status, 200)
        XCTAssertEqual(gzipped.header("Content-Encoding"), "gzip")
        XCTAssertEqual(gzipped.header("Vary"), "Accept-Encoding")
        XCTAssertLessThan(gzipped.body.count, Self.bigText.utf8.count / 10)
        XCTAssertEqual(try Gzip.decompress(gzipped.body), Array(Self.bigText.utf8))

        let refused = try XCTUnwrap(RawClient.request(port: p, "GET", "/big", headers: ["Accept-Encoding: gzip;q=0, identity"]))
        XCTAssertNil(refused.header("Content-Encoding"))
        XCTAssertEqual(refused.header("Vary"), "Accept-Encoding")
        XCTAssertEqual(refused.body, Array(Self.bigText.utf8))

        let plain = try XCTUnwrap(RawClient.request(port: p, "GET", "/big"))
        XCTAssertNil(plain.header("Content-Encoding"))
        XCTAssertEqual(plain.body, Array(Self.bigText.utf8))

        // curl's own decoder agrees.
        let curl = try runTool("curl", ["-sS", "--compressed", "-D", "-", "http://127.0.0.1:\(p)/big"])
        XCTAssertEqual(curl.status, 0)
        XCTAssertTrue(curl.output.lowercased().contains("content-encoding: gzip"), curl.output.prefix(300).description)
        XCTAssertTrue(curl.output.hasSuffix(Self.bigText))
    }

    // MARK: hostile clients

    func testOversizedHeaderIsRejected() throws {
        let log = ObservationLog()
        let server = try startServer(observer: log)
        let p = port(of: server)
        let header = "X-Big: " + String(repeating: "a", count: 9000)
        let big = try XCTUnwrap(RawClient.request(port: p, "GET", "/hello", headers: [header]))
        XCTAssertTrue([431, 400].contains(big.status), "got \(big.status)")
        let longLine = try XCTUnwrap(RawClient.request(port: p, "GET", "/hello?q=" + String(repeating: "b", count: 9000)))
        XCTAssertTrue([431, 400, 414].contains(longLine.status), "got \(longLine.status)")
        let huge = try XCTUnwrap(RawClient.request(port: p, "GET", "/hello", headers: ["X-Huge: " + String(repeating: "c", count: 100_000)]))
        XCTAssertTrue([431, 400].contains(huge.status), "got \(huge.status)")
        // The server is still fine.
        XCTAssertEqual(RawClient.request(port: p, "GET", "/hello")?.status, 200)
        XCTAssertTrue(waitUntil { log.count(status: 431) >= 1 })
    }

    func testOversizedBodyIs413() throws {
        let log = ObservationLog()
        var configuration = HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"])
        configuration.maxBodyBytes = 1024
        let server = try startServer(configuration, observer: log)
        let p = port(of: server)
        // Declared too large: answered before the body is read.
        let declared = RawClient.exchange(port: p, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\npartial")
        XCTAssertEqual(RawClient.parse(declared)?.status, 413)
        // Chunked, growing past the limit.
        var chunked = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        for _ in 0..<4 { chunked += "400\r\n" + String(repeating: "z", count: 1024) + "\r\n" }
        chunked += "0\r\n\r\n"
        XCTAssertEqual(RawClient.parse(RawClient.exchange(port: p, chunked))?.status, 413)
        // At the limit is fine.
        let exact = try XCTUnwrap(RawClient.request(port: p, "POST", "/upload", body: Array(repeating: 7, count: 1024)))
        XCTAssertEqual(exact.status, 201)
        XCTAssertEqual(exact.body.count, 1024)
        XCTAssertTrue(waitUntil { log.count(status: 413) == 2 })
    }

    func testDropClosesWithoutAnswer() throws {
        let log = ObservationLog()
        let server = try startServer(observer: log)
        let bytes = RawClient.exchange(port: port(of: server), "GET /drop HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(bytes, [])
        XCTAssertTrue(waitUntil { log.all.contains { $0.1 == "/drop" && $0.2 == 0 } })
    }

    func testSlowlorisDoesNotBlockOthersAndIsCutByTimeout() throws {
        var configuration = HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"])
        configuration.threads = 2
        configuration.connectionTimeout = 2
        let server = try startServer(configuration)
        let p = port(of: server)
        var slow: [Int32] = []
        for _ in 0..<6 {  // more stalled clients than worker threads
            let fd = RawClient.connect(port: p)
            XCTAssertGreaterThanOrEqual(fd, 0)
            XCTAssertTrue(RawClient.send(fd, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Partial: "))
            slow.append(fd)
        }
        for i in 0..<20 {
            XCTAssertEqual(RawClient.request(port: p, "GET", "/echo?n=\(i)").map { String(decoding: $0.body, as: UTF8.self) }, "n=\(i)")
        }
        // The stalled connections are closed by the server: reads end (EOF or reset), no answer.
        for fd in slow {
            XCTAssertEqual(RawClient.readAll(fd).count, 0)
            close(fd)
        }
    }

    // MARK: addresses

    func testPortInUseIsAClearError() throws {
        let first = try startServer()
        let p = port(of: first)
        let second = HTTPServer(configuration: .init(listenAddresses: ["127.0.0.1:\(p)"]), handler: { _ in .text(200, "") })
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual("\(error)", "listen tcp 127.0.0.1:\(p): bind: Address already in use")
        }
        XCTAssertEqual(second.boundAddresses, [String]())
        // A failure on the second address closes the first.
        let fdsBefore = openFileDescriptorCount()
        let third = HTTPServer(configuration: .init(listenAddresses: ["127.0.0.1:0", "127.0.0.1:\(p)"]), handler: { _ in .text(200, "") })
        XCTAssertThrowsError(try third.start())
        XCTAssertEqual(openFileDescriptorCount(), fdsBefore)
    }

    func testInvalidAddressesAreClearErrors() {
        for (address, message) in [
            ("9788", "listen tcp 9788: address 9788: missing port in address"),
            ("127.0.0.1:http", "listen tcp 127.0.0.1:http: address 127.0.0.1:http: invalid port \"http\""),
            ("[::1:9788", "listen tcp [::1:9788: address [::1:9788: missing ']' in address"),
            ("127.0.0.1:99999", "listen tcp 127.0.0.1:99999: address 127.0.0.1:99999: invalid port \"99999\""),
        ] {
            let server = HTTPServer(configuration: .init(listenAddresses: [address]), handler: { _ in .text(200, "") })
            XCTAssertThrowsError(try server.start()) { XCTAssertEqual("\($0)", message) }
        }
    }

    func testIPv6LoopbackAndAllInterfaces() throws {
        let v6 = try startServer(.init(listenAddresses: ["[::1]:0"]))
        let v6Address = try XCTUnwrap(v6.boundAddresses.first)
        XCTAssertTrue(v6Address.hasPrefix("[::1]:"), v6Address)
        XCTAssertEqual(RawClient.request(port: port(of: v6), host: "::1", "GET", "/hello")?.status, 200)
        XCTAssertLessThan(RawClient.connect(host: "127.0.0.1", port: port(of: v6)), 0, "IPv6-only listener")

        let all = try startServer(.init(listenAddresses: [":0", "localhost:0"]))
        XCTAssertEqual(all.boundAddresses.count, 2)
        XCTAssertTrue(all.boundAddresses[0].hasPrefix("[::]:") || all.boundAddresses[0].hasPrefix("0.0.0.0:"), all.boundAddresses[0])
        XCTAssertTrue(all.boundAddresses[1].hasPrefix("127.0.0.1:"), all.boundAddresses[1])
        let p = port(of: all)
        XCTAssertEqual(RawClient.request(port: p, host: "127.0.0.1", "GET", "/hello")?.status, 200)
        XCTAssertEqual(RawClient.request(port: p, host: "::1", "GET", "/hello")?.status, 200)
        let localPort = Int(all.boundAddresses[1].split(separator: ":").last!)!
        XCTAssertEqual(RawClient.request(port: localPort, "GET", "/hello")?.status, 200)
    }

    // MARK: lifecycle

    func testStopWithRequestsInFlightLetsThemFinish() throws {
        let entered = Counter()
        var router = makeRouter()
        router.add("GET", "/slow") { _ in
            entered.increment()
            usleep(500_000)
            return HTTPResponse.text(200, "slept")
        }
        var configuration = HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"])
        configuration.threads = 4
        configuration.shutdownGracePeriod = 30
        let server = try startServer(configuration, handler: router.handler)
        let p = port(of: server)
        let answers = Mutex<[Int]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) {
                let status = RawClient.request(port: p, "GET", "/slow")?.status ?? -1
                answers.withLock { $0.append(status) }
            }
        }
        XCTAssertTrue(waitUntil { entered.value >= 1 })
        server.stop()
        XCTAssertTrue(server.isStopping)
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        // Requests that reached a handler got their answer; none crashed or hung.
        let statuses = answers.withLock { $0 }
        XCTAssertEqual(statuses.count, 4)
        // Every request whose handler started was answered in full; the others were cut cleanly.
        XCTAssertGreaterThanOrEqual(entered.value, 1)
        XCTAssertEqual(statuses.filter { $0 == 200 }.count, entered.value, "\(statuses)")
        XCTAssertTrue(statuses.allSatisfy { $0 == 200 || $0 == -1 }, "\(statuses)")
        XCTAssertEqual(server.boundAddresses, [String]())
        XCTAssertEqual(RawClient.connect(port: p), -ECONNREFUSED)
        server.stop()  // idempotent
    }

    func testStopUnderLoadNeverCrashesOrSendsPartialAnswers() throws {
        let server = try startServer(.init(listenAddresses: ["127.0.0.1:0"], threads: 4))
        let p = port(of: server)
        let answered = Counter()
        let bad = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<8 {
            DispatchQueue.global().async(group: group) {
                while true {
                    let bytes = RawClient.exchange(port: p, "GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if bytes.isEmpty { break }  // refused or cut before any answer: the server is gone
                    guard let response = RawClient.parse(bytes), response.status == 200,
                          response.body.count == Self.bigText.utf8.count else {
                        bad.withLock { $0.append("partial answer of \(bytes.count) bytes") }
                        break
                    }
                    answered.increment()
                }
            }
        }
        XCTAssertTrue(waitUntil { answered.value >= 50 })
        server.stop()
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(bad.withLock { $0 }, [String]())
        XCTAssertEqual(RawClient.connect(port: p), -ECONNREFUSED)
    }

    func testStopEndsHangingHandlersThroughIsStopping() throws {
        let box = ServerBox()
        let entered = Counter()
        var configuration = HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"])
        configuration.shutdownGracePeriod = 30
        let server = HTTPServer(configuration: configuration, handler: { _ in
            entered.increment()
            // A simulator's deliberate hang: gives up when the server stops.
            while !box.isStopping { usleep(10_000) }
            // Reading server state from a handler during shutdown must not deadlock.
            return .text(503, "shutting down; listening on \(box.boundAddresses.count)")
        })
        box.set(server)
        try server.start()
        let p = port(of: server)
        let status = Mutex<Int?>(nil)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let answer = RawClient.request(port: p, "GET", "/hang")?.status ?? -1
            status.withLock { $0 = answer }
        }
        XCTAssertTrue(waitUntil { entered.value == 1 })
        server.stop()
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(status.withLock { $0 }, 503)
    }

    func testStartStopFiftyTimesLeaksNoDescriptors() throws {
        let configuration = HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0", "[::1]:0"], threads: 2)
        let server = HTTPServer(configuration: configuration, handler: makeRouter().handler)
        // Warm up once: the first start may load libraries that keep descriptors open.
        try server.start()
        XCTAssertEqual(RawClient.request(port: port(of: server), "GET", "/hello")?.status, 200)
        server.stop()
        let before = openFileDescriptorCount()
        for _ in 0..<50 {
            try server.start()
            XCTAssertEqual(RawClient.request(port: port(of: server), "GET", "/hello")?.status, 200)
            server.stop()
        }
        XCTAssertEqual(openFileDescriptorCount(), before)
        XCTAssertThrowsError(try {
            try server.start()
            defer { server.stop() }
            try server.start()
        }()) { XCTAssertEqual($0 as? HTTPServerError, .alreadyRunning) }
    }

    func testRejectsBadConfiguration() {
        let server = HTTPServer(configuration: .init(listenAddresses: ["127.0.0.1:0"], threads: 0), handler: { _ in .text(200, "") })
        XCTAssertThrowsError(try server.start()) { XCTAssertEqual("\($0)", "invalid HTTP server configuration: threads must be 1...1024, got 0") }
    }
}
