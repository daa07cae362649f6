import XCTest
@testable import GatewatchCore

/// Requests with no HTTP answer: libcurl codes from probes and client error strings from logs.
final class TransportClassifierTests: XCTestCase {
    private func assertMessages(_ cases: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (message, expected) in cases {
            XCTAssertEqual(TransportErrorClassifier.classify(.message(message)).description, expected, message, file: file, line: line)
            // The same string reaches the classifier through a record, too.
            let record = classifierRecord(status: nil, body: nil, transport: .message(message))
            XCTAssertEqual(ErrorClassifier().classify(record, api: .assemblyAILLMGateway)?.description, expected, message,
                           file: file, line: line)
        }
    }

    func testCurlStrings() {
        assertMessages([
            ("curl: (6) Could not resolve host: llm-gateway.assemblyai.com", "network/dns"),
            ("Couldn't resolve host name", "network/dns"),
            ("curl: (7) Failed to connect to llm-gateway.eu.assemblyai.com port 443 after 3 ms: Connection refused", "network/connect_refused"),
            ("curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server", "network/connect_refused"),
            ("curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received", "timeout/response_timeout"),
            ("curl: (28) Operation timed out after 30000 milliseconds with 512 out of 2048 bytes received", "timeout/response_timeout"),
            ("curl: (28) Connection timed out after 10001 milliseconds", "timeout/connect_timeout"),
            ("curl: (28) Resolving timed out after 5000 milliseconds", "timeout/connect_timeout"),
            ("curl: (28) Failed to connect to api.assemblyai.com port 443 after 10002 ms: Timeout was reached", "timeout/connect_timeout"),
            ("curl: (60) SSL certificate problem: certificate has expired", "tls/certificate_expired"),
            ("curl: (60) SSL certificate problem: unable to get local issuer certificate", "tls/certificate_invalid"),
            ("curl: (60) SSL: no alternative certificate subject name matches target host name 'x.example'", "tls/certificate_invalid"),
            ("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to api.assemblyai.com:443", "tls/handshake_failed"),
            ("curl: (35) error:0A000410:SSL routines::sslv3 alert handshake failure", "tls/handshake_failed"),
            ("curl: (56) Recv failure: Connection reset by peer", "network/connection_reset"),
            ("curl: (52) Empty reply from server", "network/connection_reset"),
        ])
    }

    func testPythonStrings() {
        assertMessages([
            // requests / urllib3
            ("requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='llm-gateway.assemblyai.com', port=443): Max retries exceeded with url: /v1/chat/completions (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f3a>, 'Connection to llm-gateway.assemblyai.com timed out. (connect timeout=10)'))",
             "timeout/connect_timeout"),
            ("requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='llm-gateway.assemblyai.com', port=443): Read timed out. (read timeout=30)",
             "timeout/response_timeout"),
            ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='llm-gateway.eu.assemblyai.com', port=443): Max retries exceeded with url: /v1/chat/completions (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve 'llm-gateway.eu.assemblyai.com' ([Errno -3] Temporary failure in name resolution)\"))",
             "network/dns"),
            ("socket.gaierror: [Errno -3] Temporary failure in name resolution", "network/dns"),
            ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.assemblyai.com', port=443): Max retries exceeded with url: /v2/transcript (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
             "network/connect_refused"),
            ("requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
             "network/connection_reset"),
            ("requests.exceptions.ConnectionError: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
             "network/connection_reset"),
            ("requests.exceptions.SSLError: HTTPSConnectionPool(host='api.assemblyai.com', port=443): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)')))",
             "tls/certificate_expired"),
            ("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
             "tls/certificate_invalid"),
            ("requests.exceptions.SSLError: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006)",
             "tls/handshake_failed"),
            ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries exceeded", "network/other"),
            // httpx
            ("httpx.ConnectTimeout: timed out", "timeout/connect_timeout"),
            ("httpx.ReadTimeout: The read operation timed out", "timeout/response_timeout"),
            ("httpx.ConnectError: [Errno -2] Name or service not known", "network/dns"),
            ("httpx.ConnectError: [Errno 111] Connection refused", "network/connect_refused"),
            ("httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in certificate chain (_ssl.c:1006)",
             "tls/certificate_invalid"),
            ("httpx.RemoteProtocolError: Server disconnected without sending a response.", "network/connection_reset"),
            ("httpx.ConnectError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)", "tls/handshake_failed"),
            ("httpx.ConnectError: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1006)",
             "tls/handshake_failed"),
            ("httpx.ConnectError: All connection attempts failed", "network/connect_refused"),
            // aiohttp
            ("aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host api.assemblyai.com:443 ssl:default [Connection refused]",
             "network/connect_refused"),
            ("aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host api.assemblyai.com:443 ssl:default [Temporary failure in name resolution]",
             "network/dns"),
            ("ClientConnectorError: Cannot connect to host llm-gateway.assemblyai.com:443 ssl:default [Connect call failed ('10.0.0.1', 443)]",
             "network/connect_refused"),
            ("aiohttp.client_exceptions.ClientConnectorCertificateError: Cannot connect to host api.assemblyai.com:443 ssl:True [SSLCertVerificationError: (1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1129)')]",
             "tls/certificate_expired"),
            ("aiohttp.client_exceptions.ServerDisconnectedError: Server disconnected", "network/connection_reset"),
            ("aiohttp.client_exceptions.ServerTimeoutError: Timeout on reading data from socket", "timeout/response_timeout"),
            ("aiohttp.client_exceptions.ConnectionTimeoutError: Connection timeout to host https://api.assemblyai.com/v2/transcript",
             "timeout/connect_timeout"),
            ("asyncio.exceptions.TimeoutError", "timeout/response_timeout"),
        ])
    }

    func testNodeStrings() {
        assertMessages([
            ("Error: connect ECONNREFUSED 127.0.0.1:443", "network/connect_refused"),
            ("Error: connect ETIMEDOUT 34.120.1.2:443", "timeout/connect_timeout"),
            ("ETIMEDOUT", "timeout/connect_timeout"),
            ("Error: read ETIMEDOUT", "timeout/response_timeout"),
            ("Error: getaddrinfo ENOTFOUND llm-gateway.assemblyai.com", "network/dns"),
            ("Error: getaddrinfo EAI_AGAIN api.eu.assemblyai.com", "network/dns"),
            ("Error: read ECONNRESET", "network/connection_reset"),
            ("Error: socket hang up", "network/connection_reset"),
            ("Error: certificate has expired (code: 'CERT_HAS_EXPIRED')", "tls/certificate_expired"),
            ("CERT_HAS_EXPIRED", "tls/certificate_expired"),
            ("Error: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)", "tls/certificate_invalid"),
            ("Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames", "tls/certificate_invalid"),
            ("TypeError: fetch failed [cause: ConnectTimeoutError: Connect Timeout Error (attempted address: api.assemblyai.com:443, timeout: 10000ms)] code: 'UND_ERR_CONNECT_TIMEOUT'",
             "timeout/connect_timeout"),
            ("UND_ERR_CONNECT_TIMEOUT", "timeout/connect_timeout"),
            ("HeadersTimeoutError: Headers Timeout Error (UND_ERR_HEADERS_TIMEOUT)", "timeout/response_timeout"),
            ("SocketError: other side closed (UND_ERR_SOCKET)", "network/connection_reset"),
            ("TimeoutError: The operation was aborted due to timeout", "timeout/response_timeout"),
            ("Error: write EPROTO 00000000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number", "tls/handshake_failed"),
            ("TypeError: fetch failed", "network/other"),
            ("Error: connect EHOSTUNREACH 10.0.0.9:443", "network/other"),
        ])
    }

    func testGoStrings() {
        assertMessages([
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": context deadline exceeded", "timeout/response_timeout"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
             "timeout/response_timeout"),
            ("Get \"https://api.assemblyai.com/v2/transcript\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
             "timeout/connect_timeout"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": dial tcp: lookup llm-gateway.assemblyai.com on 127.0.0.53:53: no such host",
             "network/dns"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": dial tcp 34.1.2.3:443: i/o timeout", "timeout/connect_timeout"),
            ("read tcp 10.0.0.2:51234->34.1.2.3:443: i/o timeout", "timeout/response_timeout"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": dial tcp 127.0.0.1:443: connect: connection refused",
             "network/connect_refused"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": read tcp 10.0.0.2:51234->34.1.2.3:443: read: connection reset by peer",
             "network/connection_reset"),
            ("Get \"https://api.assemblyai.com/v2/transcript\": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-12-02T05:00:00Z is after 2026-11-01T00:00:00Z",
             "tls/certificate_expired"),
            ("Get \"https://api.assemblyai.com/v2/transcript\": x509: certificate signed by unknown authority", "tls/certificate_invalid"),
            ("Get \"https://api.assemblyai.com/v2/transcript\": remote error: tls: handshake failure", "tls/handshake_failed"),
            ("Get \"https://api.assemblyai.com/v2/transcript\": net/http: TLS handshake timeout", "timeout/connect_timeout"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": EOF", "network/connection_reset"),
            ("Post \"https://llm-gateway.assemblyai.com/v1/chat/completions\": http2: server sent GOAWAY and closed the connection; LastStreamID=1999",
             "network/connection_reset"),
        ])
    }

    func testJavaStrings() {
        assertMessages([
            ("java.net.ConnectException: Connection refused", "network/connect_refused"),
            ("java.net.ConnectException: Connection timed out", "timeout/connect_timeout"),
            ("java.net.SocketTimeoutException: Read timed out", "timeout/response_timeout"),
            ("java.net.SocketTimeoutException: connect timed out", "timeout/connect_timeout"),
            ("java.net.http.HttpConnectTimeoutException: HTTP connect timed out", "timeout/connect_timeout"),
            ("java.net.http.HttpTimeoutException: request timed out", "timeout/response_timeout"),
            ("java.net.UnknownHostException: llm-gateway.assemblyai.com", "network/dns"),
            ("java.net.UnknownHostException: llm-gateway.assemblyai.com: Name or service not known", "network/dns"),
            ("javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure", "tls/handshake_failed"),
            ("javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake", "tls/handshake_failed"),
            ("javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
             "tls/certificate_invalid"),
            ("javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed (java.security.cert.CertificateExpiredException: NotAfter: Sun Nov 01 00:00:00 UTC 2026)",
             "tls/certificate_expired"),
            ("java.security.cert.CertificateExpiredException: NotAfter: Sun Nov 01 00:00:00 UTC 2026", "tls/certificate_expired"),
            ("java.net.SocketException: Connection reset", "network/connection_reset"),
            ("java.net.SocketException: Broken pipe (Write failed)", "network/connection_reset"),
            ("java.io.EOFException", "network/connection_reset"),
            ("java.net.NoRouteToHostException: No route to host", "network/other"),
        ])
    }

    func testRewordedAndUnknownStrings() {
        assertMessages([
            ("CONNECTION REFUSED!!", "network/connect_refused"),
            ("connection-reset by peer", "network/connection_reset"),
            ("the TLS Handshake failed", "tls/handshake_failed"),
            ("Name resolution failed for api.assemblyai.com", "network/dns"),
            ("request timed out", "timeout/response_timeout"),
            ("", "network/other"),
            ("something odd happened", "network/other"),
        ])
    }

    func testCurlCodes() {
        let cases: [(Int, String, String)] = [
            (5, "Could not resolve proxy: proxy.local", "network/dns"),
            (6, "Could not resolve host: llm-gateway.assemblyai.com", "network/dns"),
            (6, "", "network/dns"),
            (7, "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server", "network/connect_refused"),
            (7, "Failed to connect to 127.0.0.1 port 9 after 0 ms: Connection refused", "network/connect_refused"),
            (7, "Failed to connect to 10.255.255.1 port 443 after 75002 ms: Connection timed out", "timeout/connect_timeout"),
            (7, "Failed to connect to 10.9.9.9 port 443 after 3 ms: No route to host", "network/other"),
            (7, "", "network/connect_refused"),
            (28, "Operation timed out after 30001 milliseconds with 0 bytes received", "timeout/response_timeout"),
            (28, "Operation timed out after 30001 milliseconds with 10 out of 300 bytes received", "timeout/response_timeout"),
            (28, "Connection timed out after 10001 milliseconds", "timeout/connect_timeout"),
            (28, "Resolving timed out after 5000 milliseconds", "timeout/connect_timeout"),
            (28, "Failed to connect to api.assemblyai.com port 443 after 10002 ms: Timeout was reached", "timeout/connect_timeout"),
            (28, "SSL connection timeout", "timeout/connect_timeout"),
            (28, "Connection time-out", "timeout/connect_timeout"),
            (28, "", "timeout/response_timeout"),
            (35, "OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to api.assemblyai.com:443", "tls/handshake_failed"),
            (35, "error:0A000086:SSL routines::certificate verify failed", "tls/certificate_invalid"),
            (35, "", "tls/handshake_failed"),
            (58, "could not load PEM client certificate", "tls/handshake_failed"),
            (59, "failed setting cipher list: foo", "tls/handshake_failed"),
            (60, "SSL certificate problem: certificate has expired", "tls/certificate_expired"),
            (60, "SSL certificate problem: self-signed certificate", "tls/certificate_invalid"),
            (60, "SSL: no alternative certificate subject name matches target host name 'localhost'", "tls/certificate_invalid"),
            (77, "error setting certificate file: /nonexistent.pem", "tls/certificate_invalid"),
            (83, "", "tls/certificate_invalid"),
            (90, "SSL: public key does not match pinned public key", "tls/certificate_invalid"),
            (52, "Empty reply from server", "network/connection_reset"),
            (55, "Send failure: Broken pipe", "network/connection_reset"),
            (56, "Recv failure: Connection reset by peer", "network/connection_reset"),
            (18, "transfer closed with 1234 bytes remaining to read", "network/connection_reset"),
            (92, "HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)", "network/connection_reset"),
            (16, "Error in the HTTP2 framing layer", "network/other"),
            (1, "Protocol \"htp\" not supported", "other/other"),
            (3, "URL using bad/illegal format or missing URL", "other/other"),
            (8, "Unsupported HTTP/1 subversion in response", "other/other"),
            (47, "Maximum (50) redirects followed", "other/other"),
            (61, "Unrecognized content encoding type", "other/other"),
            (9999, "Connection reset by peer", "network/connection_reset"),
            (9999, "zorp", "network/other"),
            (-1, "", "network/other"),
        ]
        for (code, message, expected) in cases {
            XCTAssertEqual(TransportErrorClassifier.classify(.curl(code: code, message: message)).description, expected,
                           "curl \(code): \(message)")
        }
    }
}
