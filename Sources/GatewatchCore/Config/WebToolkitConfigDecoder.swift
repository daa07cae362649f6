import Foundation
import Yams

/// Builds a `WebToolkitConfig` from a composed YAML tree, reporting every problem to the reader:
/// unknown keys, toolkit options gatewatch does not implement, files that do not exist, missing
/// cert/key, client auth without a CA, and passwords that are not bcrypt hashes (never echoed).
struct WebToolkitConfigDecoder {
    static let topKeys = ["tls_server_config", "basic_auth_users"]
    static let tlsKeys = ["cert_file", "key_file", "client_ca_file", "client_auth_type"]
    static let unsupportedTop = ["http_server_config": "an exporter-toolkit option gatewatch does not support"]
    static let unsupportedTLS: [String: String] = Dictionary(uniqueKeysWithValues:
        ["min_version", "max_version", "cipher_suites", "curve_preferences", "prefer_server_cipher_suites",
         "client_allowed_sans", "cert", "key"].map { ($0, "an exporter-toolkit option gatewatch does not support") })

    let reader: ConfigNodeReader
    let baseDirectory: String?

    func decode(_ root: Node) -> WebToolkitConfig? {
        guard let top = reader.mapping(root, at: "", allowed: Self.topKeys, notSupported: Self.unsupportedTop) else { return nil }
        var config = WebToolkitConfig()
        if let node = top["tls_server_config"],
           let m = reader.mapping(node, at: "tls_server_config", allowed: Self.tlsKeys, notSupported: Self.unsupportedTLS) {
            config.tlsServerConfig = tls(m)
        }
        if let node = top["basic_auth_users"], let users = reader.freeMapping(node, at: "basic_auth_users") {
            for (user, value, path) in users {
                guard let hash = reader.string(value, at: path) else { continue }
                if user.isEmpty || user.contains(":") {
                    reader.report(path, "a user name must be non-empty and contain no colon")
                } else if !Self.isBcryptHash(hash) {
                    reader.report(path, "expected a bcrypt hash such as $2y$10$... (53 characters after the cost); generate one with htpasswd -nBC 10 \"\" | tr -d ':'")
                } else {
                    config.basicAuthUsers[user] = hash
                }
            }
        }
        return config
    }

    private func tls(_ m: ConfigNodeMapping) -> TLSServerConfig? {
        let cert = file(m, "cert_file"), key = file(m, "key_file"), ca = file(m, "client_ca_file")
        if m["cert_file"] == nil { reader.report(m.childPath("cert_file"), "required when tls_server_config is given") }
        if m["key_file"] == nil { reader.report(m.childPath("key_file"), "required when tls_server_config is given") }
        var auth = reader.enumeration(m, "client_auth_type", ClientAuthType.self)
        if auth == nil, m["client_auth_type"] == nil {
            // The toolkit's rule: a client CA without a policy means verify.
            auth = ca != nil ? .requireAndVerifyClientCert : .noClientCert
        }
        if let auth, auth.verifiesClientCert, m["client_ca_file"] == nil {
            reader.report(m.childPath("client_auth_type"), "\(auth.rawValue) needs client_ca_file")
        }
        guard let cert, let key, let auth else { return nil }
        return TLSServerConfig(certFile: cert, keyFile: key, clientCAFile: ca, clientAuthType: auth)
    }

    /// A file path that exists (resolved against the base directory); nil and reported otherwise.
    private func file(_ m: ConfigNodeMapping, _ key: String) -> String? {
        guard let raw = reader.string(m, key) else { return nil }
        if raw.isEmpty {
            reader.report(m.childPath(key), "must not be empty")
            return nil
        }
        var path = raw
        if let base = baseDirectory, !raw.hasPrefix("/") {
            path = URL(fileURLWithPath: base).appendingPathComponent(raw).path
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            reader.report(m.childPath(key), "file \(path) does not exist")
            return nil
        }
        return path
    }

    /// `$2a$`, `$2b$`, `$2x$` or `$2y$`, a two-digit cost 04..31, `$`, then 53 characters of bcrypt base64.
    static func isBcryptHash(_ s: String) -> Bool {
        let c = Array(s.utf8)
        guard c.count == 60, c[0] == UInt8(ascii: "$"), c[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "x"), UInt8(ascii: "y")].contains(c[2]),
              c[3] == UInt8(ascii: "$"), c[6] == UInt8(ascii: "$"),
              let cost = Int(String(decoding: c[4...5], as: UTF8.self)), (4...31).contains(cost) else { return false }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return c[7...].allSatisfy(alphabet.contains)
    }
}
