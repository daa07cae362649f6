/// The `--web.config.file` contents (Prometheus exporter-toolkit format): TLS and basic auth
/// for the exporter's own endpoints. Load with `ConfigLoader.loadWebConfig(path:)`.
public struct WebToolkitConfig: Sendable, Hashable {
    /// nil: serve plain HTTP.
    public var tlsServerConfig: TLSServerConfig?
    /// user name -> bcrypt hash (`$2a$`, `$2b$` or `$2y$`); empty: no authentication.
    public var basicAuthUsers: [String: String]

    public init(tlsServerConfig: TLSServerConfig? = nil, basicAuthUsers: [String: String] = [:]) {
        self.tlsServerConfig = tlsServerConfig
        self.basicAuthUsers = basicAuthUsers
    }
}

/// `tls_server_config:`. Paths are absolute or resolved against the web config file's directory,
/// and the files existed when the config was loaded.
public struct TLSServerConfig: Sendable, Hashable {
    public var certFile: String
    public var keyFile: String
    public var clientCAFile: String?
    public var clientAuthType: ClientAuthType

    public init(certFile: String, keyFile: String, clientCAFile: String? = nil,
                clientAuthType: ClientAuthType = .noClientCert) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
        self.clientAuthType = clientAuthType
    }
}

/// `client_auth_type`, named as Go's `crypto/tls` names them (the exporter-toolkit values).
public enum ClientAuthType: String, Sendable, CaseIterable, Hashable {
    case noClientCert = "NoClientCert"
    case requestClientCert = "RequestClientCert"
    case requireAnyClientCert = "RequireAnyClientCert"
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// Whether client certificates are checked against `client_ca_file`.
    public var verifiesClientCert: Bool {
        self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert
    }
}
