import Foundation
import XCTest
@testable import HTTPServer

/// HTTPS with certificates made by the `openssl` CLI, checked with the `curl` CLI.
final class HTTPServerTLSTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    func openssl(_ arguments: [String]) throws {
        let result = try runTool("openssl", arguments)
        XCTAssertEqual(result.status, 0, result.output)
    }

    /// A self-signed CA named `name` (name.pem, name.key).
    func makeCA(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "2",
                     "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    /// A leaf certificate `name` signed by CA `ca`, for `usage` (serverAuth or clientAuth).
    func makeLeaf(_ name: String, ca: String, usage: String) throws {
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
        let extensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=\(usage)\nbasicConstraints=CA:FALSE\n"
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                     "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2", "-extfile", path("\(name).ext")])
    }

    func startServer(clientCA: String?) throws -> HTTPServer {
        try makeCA("server-ca")
        try makeLeaf("server", ca: "server-ca", usage: "serverAuth")
        let tls = TLSConfiguration(certificatePEM: try read("server.pem"), privateKeyPEM: try read("server.key"),
                                   clientCAPEM: try clientCA.map { try read("\($0).pem") })
        var router = Router()
        router.add("GET", "/hello") { request in .text(200, "hello over tls\n") }
        let server = HTTPServer(configuration: .init(listenAddresses: ["127.0.0.1:0"], tls: tls), handler: router.handler)
        try server.start()
        addTeardownBlock { server.stop() }
        return server
    }

    func curl(_ server: HTTPServer, _ extra: [String] = []) throws -> (status: Int32, output: String) {
        try runTool("curl", ["-sS", "--max-time", "60", "--cacert", path("server-ca.pem")] + extra
                        + ["https://127.0.0.1:\(port(of: server))/hello"])
    }

    func testServesHTTPS() throws {
        let server = try startServer(clientCA: nil)
        let answer = try curl(server)
        XCTAssertEqual(answer.status, 0, answer.output)
        XCTAssertEqual(answer.output, "hello over tls\n")
        // Plain HTTP on the TLS port gets no HTTP answer.
        let plain = RawClient.exchange(port: port(of: server), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
    }

    func testClientCARejectsClientsWithoutAValidCertificate() throws {
        try makeCA("client-ca")
        try makeLeaf("client", ca: "client-ca", usage: "clientAuth")
        try makeCA("rogue-ca")
        try makeLeaf("rogue", ca: "rogue-ca", usage: "clientAuth")
        let server = try startServer(clientCA: "client-ca")

        let withCert = try curl(server, ["--cert", path("client.pem"), "--key", path("client.key")])
        XCTAssertEqual(withCert.status, 0, withCert.output)
        XCTAssertEqual(withCert.output, "hello over tls\n")

        let without = try curl(server)
        XCTAssertNotEqual(without.status, 0, "a client without a certificate must fail: \(without.output)")
        XCTAssertFalse(without.output.contains("hello over tls"))

        let rogue = try curl(server, ["--cert", path("rogue.pem"), "--key", path("rogue.key")])
        XCTAssertNotEqual(rogue.status, 0, "a certificate from another CA must fail: \(rogue.output)")
        XCTAssertFalse(rogue.output.contains("hello over tls"))
    }

    func testBadKeyIsAClearStartError() throws {
        try makeCA("server-ca")
        try makeLeaf("server", ca: "server-ca", usage: "serverAuth")
        let tls = TLSConfiguration(certificatePEM: try read("server.pem"), privateKeyPEM: "not a key")
        let server = HTTPServer(configuration: .init(listenAddresses: ["127.0.0.1:0", "127.0.0.1:0"], tls: tls),
                                handler: { _ in .text(200, "") })
        let before = openFileDescriptorCount()
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertTrue("\(error)".hasPrefix("listen tcp 127.0.0.1:0: libmicrohttpd could not start"), "\(error)")
        }
        XCTAssertEqual(openFileDescriptorCount(), before, "both listen sockets closed, none twice")
    }
}
