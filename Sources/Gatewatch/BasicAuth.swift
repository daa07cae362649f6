import CCrypt
import Foundation
import HTTPServer

/// HTTP basic authentication against the bcrypt hashes of `basic_auth_users`
/// (exporter-toolkit web config). The only Swift file that calls libxcrypt.
public struct BasicAuth: Sendable {
    private let users: [String: String]

    public init(users: [String: String]) {
        self.users = users
    }

    public var isEnabled: Bool { !users.isEmpty }

    /// True when the request carries valid credentials, or when no users are configured.
    public func allows(_ request: HTTPRequest) -> Bool {
        guard isEnabled else { return true }
        guard let header = request.header("Authorization"),
              let (user, password) = Self.credentials(header),
              let hash = users[user] else { return false }
        return Self.verify(password: password, hash: hash)
    }

    /// `user:password` from a `Basic` Authorization header value.
    static func credentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].caseInsensitiveCompare("Basic") == .orderedSame,
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Verifies a password against a crypt(3) hash (bcrypt `$2a$`/`$2b$`/`$2y$`).
    public static func verify(password: String, hash: String) -> Bool {
        gw_crypt_verify(password, hash) == 1
    }

    /// The 401 answer that asks the client for credentials.
    public static let challenge = HTTPResponse(
        status: 401,
        headers: [("WWW-Authenticate", "Basic realm=\"gatewatch\""), ("Content-Type", "text/plain; charset=utf-8")],
        body: Array("Unauthorized\n".utf8))
}
