/// A parsed listen address (`host:port` in the Prometheus exporter form). Pure parsing; the
/// sockets are made in MicroHTTPDServer.swift.
struct ListenAddress: Sendable, Equatable {
    /// The host part without brackets; nil for ":port" (all interfaces).
    var host: String?
    var port: UInt16
    /// The text as configured, used in error messages.
    var text: String

    /// Parses `":9788"`, `"127.0.0.1:0"`, `"[::1]:9788"`, `"localhost:9788"`.
    static func parse(_ text: String) throws(HTTPServerError) -> ListenAddress {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidAddress(address: text, reason: "address \(text): missing ']' in address")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw .invalidAddress(address: text, reason: "address \(text): missing port in address")
            }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw .invalidAddress(address: text, reason: "address \(text): missing port in address")
            }
            hostPart = text[..<colon]
            if hostPart.contains(":") {
                throw .invalidAddress(address: text, reason: "address \(text): too many colons in address")
            }
            portPart = text[text.index(after: colon)...]
        }
        guard !portPart.isEmpty, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = UInt16(portPart) else {
            throw .invalidAddress(address: text, reason: "address \(text): invalid port \"\(portPart)\"")
        }
        return ListenAddress(host: hostPart.isEmpty ? nil : String(hostPart), port: port, text: text)
    }
}
