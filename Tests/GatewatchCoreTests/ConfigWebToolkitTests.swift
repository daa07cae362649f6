import Foundation
import XCTest
@testable import GatewatchCore

/// `--web.config.file` in the exporter-toolkit format, read from real files.
final class ConfigWebToolkitTests: XCTestCase {
    /// The exporter-toolkit documentation's example hash (of "test").
    private let hash = "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze"
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewatch-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["server.crt", "server.key", "ca.crt"] {
            try "PEM placeholder\n".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ yaml: String) throws -> String {
        let path = directory.appendingPathComponent("web.yml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func problems(_ yaml: String) throws -> [String] {
        let path = try write(yaml)
        do {
            _ = try ConfigLoader.loadWebConfig(path: path)
            XCTFail("expected problems")
            return []
        } catch {
            return error.problems.map { $0.rendered(file: "web.yml") }
        }
    }

    func testTLSAndBasicAuth() throws {
        let path = try write("""
        tls_server_config:
          cert_file: server.crt
          key_file: \(directory.path)/server.key
          client_ca_file: ca.crt
          client_auth_type: RequireAndVerifyClientCert
        basic_auth_users:
          alice: \(hash)
        """)
        let config = try ConfigLoader.loadWebConfig(path: path)
        let tls = try XCTUnwrap(config.tlsServerConfig)
        XCTAssertEqual(tls.certFile, directory.appendingPathComponent("server.crt").path, "relative to the web config")
        XCTAssertEqual(tls.keyFile, directory.appendingPathComponent("server.key").path)
        XCTAssertEqual(tls.clientCAFile, directory.appendingPathComponent("ca.crt").path)
        XCTAssertEqual(tls.clientAuthType, .requireAndVerifyClientCert)
        XCTAssertEqual(config.basicAuthUsers, ["alice": hash])
    }

    func testBasicAuthOnlyAndClientCADefault() throws {
        let auth = try ConfigLoader.parseWebConfig(yaml: "basic_auth_users:\n  bob: \"\(hash)\"\n", file: "w.yml")
        XCTAssertNil(auth.tlsServerConfig)
        XCTAssertEqual(auth.basicAuthUsers["bob"], hash)

        let tls = try ConfigLoader.parseWebConfig(yaml: """
        tls_server_config: {cert_file: server.crt, key_file: server.key, client_ca_file: ca.crt}
        """, file: "w.yml", baseDirectory: directory.path)
        XCTAssertEqual(tls.tlsServerConfig?.clientAuthType, .requireAndVerifyClientCert,
                       "a client CA without a policy means verify, as in the exporter toolkit")
        let plain = try ConfigLoader.parseWebConfig(yaml: "tls_server_config: {cert_file: server.crt, key_file: server.key}",
                                                    file: "w.yml", baseDirectory: directory.path)
        XCTAssertEqual(plain.tlsServerConfig?.clientAuthType, .noClientCert)
    }

    func testEveryProblemIsReported() throws {
        let found = try problems("""
        tls_server_config:
          cert_file: missing.crt
          client_auth_type: VerifyClientCertIfGiven
          min_version: TLS13
          bogus: 1
        basic_auth_users:
          alice: hunter2-plaintext
        http_server_config: {http2: true}
        """)
        let missing = directory.appendingPathComponent("missing.crt").path
        XCTAssertEqual(found, [
            "web.yml:1: tls_server_config.key_file: required when tls_server_config is given",
            "web.yml:2: tls_server_config.cert_file: file \(missing) does not exist",
            "web.yml:3: tls_server_config.client_auth_type: VerifyClientCertIfGiven needs client_ca_file",
            "web.yml:4: tls_server_config.min_version: an exporter-toolkit option gatewatch does not support",
            "web.yml:5: tls_server_config.bogus: unknown key \"bogus\"; allowed keys: cert_file, key_file, client_ca_file, client_auth_type",
            "web.yml:7: basic_auth_users.alice: expected a bcrypt hash such as $2y$10$... (53 characters after the cost); generate one with htpasswd -nBC 10 \"\" | tr -d ':'",
            "web.yml:8: http_server_config: an exporter-toolkit option gatewatch does not support",
        ])
        XCTAssertFalse(found.joined().contains("hunter2"), "a plaintext password must never be echoed")
    }

    func testBadClientAuthTypeAndEmptyFile() throws {
        let bad = try problems("tls_server_config: {cert_file: server.crt, key_file: server.key, client_auth_type: Always}")
        XCTAssertEqual(bad.count, 1)
        XCTAssertTrue(bad[0].contains("tls_server_config.client_auth_type: invalid value \"Always\"; expected one of: NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert"), bad[0])
        XCTAssertEqual(try problems("# nothing\n"), ["web.yml: the file is empty; expected a YAML mapping"])
        XCTAssertThrowsError(try ConfigLoader.loadWebConfig(path: directory.appendingPathComponent("nope.yml").path))
    }

    func testBcryptShape() {
        XCTAssertTrue(WebToolkitConfigDecoder.isBcryptHash(hash))
        XCTAssertTrue(WebToolkitConfigDecoder.isBcryptHash("$2b$12$" + String(repeating: "a", count: 53)))
        XCTAssertFalse(WebToolkitConfigDecoder.isBcryptHash("$2y$10$" + String(repeating: "a", count: 52)))
        XCTAssertFalse(WebToolkitConfigDecoder.isBcryptHash("$2y$99$" + String(repeating: "a", count: 53)))
        XCTAssertFalse(WebToolkitConfigDecoder.isBcryptHash("$1$10$" + String(repeating: "a", count: 54)))
        XCTAssertFalse(WebToolkitConfigDecoder.isBcryptHash("$2y$10$" + String(repeating: "!", count: 53)))
    }
}
