import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a POSIX socket, for the simulator's client mode
/// (libcurl belongs to the Probing module). One request per connection (`Connection: close`);
/// IPv4 and IPv6 literals only. Failures read as curl's messages, so log readers classify them
/// as they would a real client's.
struct LoopbackHTTPClient {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    enum Outcome {
        case response(Response)
        /// A transport failure, worded as curl words it.
        case failure(String)
    }

    /// Sends one request to `address` ("127.0.0.1:9791", "[::1]:9791") and waits at most `timeout` seconds.
    static func send(address: String, method: String, path: String, host: String,
                     headers: [(String, String)], body: [UInt8], timeout: Double) -> Outcome {
        guard let (ip, port) = split(address) else { return .failure("Could not resolve host: \(address)") }
        let v6 = ip.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure("Failed to create socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(timeout)
        setTimeout(fd, deadline)
        let rc: Int32
        if v6 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            inet_pton(AF_INET6, ip, &sin6.sin6_addr)
            rc = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            inet_pton(AF_INET, ip, &sin.sin_addr)
            rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        if rc != 0 {
            return .failure("Failed to connect to \(ip) port \(port) after 0 ms: \(String(cString: strerror(errno)))")
        }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let n = request[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return .failure("Send failure: \(String(cString: strerror(errno)))") }
            offset += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let started = Date()
        while true {
            if deadline.timeIntervalSinceNow <= 0 { return timedOut(started, received.count) }
            setTimeout(fd, deadline)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received.append(contentsOf: buffer[0..<n]); continue }
            if n == 0 { break }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return timedOut(started, received.count) }
            if code == ECONNRESET { return .failure("Recv failure: Connection reset by peer") }
            return .failure("Recv failure: \(String(cString: strerror(code)))")
        }
        if received.isEmpty { return .failure("Empty reply from server") }
        guard let response = parse(received) else { return .failure("Weird server reply") }
        return .response(response)
    }

    private static func timedOut(_ started: Date, _ bytes: Int) -> Outcome {
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        return .failure("Operation timed out after \(ms) milliseconds with \(bytes) bytes received")
    }

    private static func setTimeout(_ fd: Int32, _ deadline: Date) {
        let left = max(0.001, deadline.timeIntervalSinceNow)
        var tv = timeval(tv_sec: Int(left), tv_usec: Int((left - left.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// "127.0.0.1:80" -> ("127.0.0.1", 80); "[::1]:80" -> ("::1", 80).
    static func split(_ address: String) -> (String, UInt16)? {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty || host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        return (host, port)
    }

    /// Parses a complete answer; the body is cut at Content-Length when one is given.
    static func parse(_ bytes: [UInt8]) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where bytes[i] == 13 && Array(bytes[i..<i + 4]) == separator { end = i; break }
        }
        guard let end else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(end + 4)...])
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }),
           body.count > length {
            body = Array(body[0..<length])
        }
        return Response(status: status, headers: headers, body: body)
    }
}
