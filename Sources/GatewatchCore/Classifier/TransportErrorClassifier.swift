/// Classifies a request that got no HTTP answer: a libcurl error code from a probe, or an
/// error string a client wrote to its log (curl, Python requests/httpx/aiohttp, Node, Go
/// net/http, Java). Always one of `timeout`, `network`, `tls` or `other`.
public enum TransportErrorClassifier {
    public static func classify(_ failure: TransportFailure) -> Classification {
        switch failure {
        case .curl(let code, let message):
            return classifyCurl(code: code, message: message)
        case .message(let message):
            return recognise(message) ?? Classification(.network, "other")
        }
    }

    /// The classification of a client's error string, or nil when no row recognises it.
    static func recognise(_ message: String) -> Classification? {
        messages.classify(ClassifierText(message))
    }

    // MARK: libcurl

    /// libcurl 7.88's CURLcode values (curl/curl.h) that a probe can meet.
    enum CurlCode {
        static let unsupportedProtocol = 1, failedInit = 2, urlMalformat = 3
        static let couldntResolveProxy = 5, couldntResolveHost = 6, couldntConnect = 7
        static let weirdServerReply = 8, http2 = 16, partialFile = 18, writeError = 23
        static let readError = 26, outOfMemory = 27, operationTimedOut = 28
        static let sslConnectError = 35, abortedByCallback = 42, tooManyRedirects = 47
        static let gotNothing = 52, sslEngineNotFound = 53, sslEngineSetFailed = 54
        static let sendError = 55, recvError = 56, sslCertProblem = 58, sslCipher = 59
        static let peerFailedVerification = 60, badContentEncoding = 61, useSSLFailed = 64
        static let sslEngineInitFailed = 66, sslCACertBadFile = 77, sslShutdownFailed = 80
        static let sslIssuerError = 83, sslPinnedPubKeyNotMatch = 90, sslInvalidCertStatus = 91
        static let http2Stream = 92, http3 = 95, proxy = 97, sslClientCert = 98
    }

    static func classifyCurl(code: Int, message: String) -> Classification {
        typealias C = CurlCode
        switch code {
        case C.couldntResolveProxy, C.couldntResolveHost:
            return Classification(.network, "dns")
        case C.couldntConnect:
            // "Failed to connect to h port 443 after 75002 ms: Connection timed out" is the kernel's
            // connect timeout; unreachable networks are neither refused nor a timeout.
            let text = ClassifierText(message)
            if timedOut.matches(text) { return Classification(.timeout, "connect_timeout") }
            if unreachable.matches(text) { return Classification(.network, "other") }
            return Classification(.network, "connect_refused")
        case C.operationTimedOut:
            // curl names the phase that ran out of time (lib/multi.c): "Resolving timed out",
            // "Connection timed out" and "Failed to connect ... Timeout was reached" never got a
            // connection; "Operation timed out after N milliseconds with M bytes received" had one.
            let text = ClassifierText(message)
            if curlConnectPhase.matches(text) { return Classification(.timeout, "connect_timeout") }
            return Classification(.timeout, "response_timeout")
        case C.sslConnectError, C.sslEngineNotFound, C.sslEngineSetFailed, C.sslCertProblem, C.sslCipher,
             C.useSSLFailed, C.sslEngineInitFailed, C.sslShutdownFailed, C.sslClientCert:
            return certificateRefinement(message) ?? Classification(.tls, "handshake_failed")
        case C.peerFailedVerification, C.sslCACertBadFile, C.sslIssuerError, C.sslPinnedPubKeyNotMatch,
             C.sslInvalidCertStatus:
            if expired.matches(ClassifierText(message)) { return Classification(.tls, "certificate_expired") }
            return Classification(.tls, "certificate_invalid")
        case C.gotNothing, C.sendError, C.recvError, C.partialFile, C.http2Stream:
            return Classification(.network, "connection_reset")
        case C.http2, C.http3, C.proxy:
            return recognise(message) ?? Classification(.network, "other")
        case C.unsupportedProtocol, C.failedInit, C.urlMalformat, C.weirdServerReply, C.writeError,
             C.readError, C.outOfMemory, C.abortedByCallback, C.tooManyRedirects, C.badContentEncoding:
            return Classification(.other, "other")
        default:
            return recognise(message) ?? Classification(.network, "other")
        }
    }

    /// A TLS handshake error whose message is really about the peer's certificate.
    private static func certificateRefinement(_ message: String) -> Classification? {
        let text = ClassifierText(message)
        if expired.matches(text) { return Classification(.tls, "certificate_expired") }
        if certificateProblem.matches(text) { return Classification(.tls, "certificate_invalid") }
        return nil
    }

    private static let timedOut = ClassifierPattern("timed out | timeout")
    private static let unreachable = ClassifierPattern("unreachable | no route")
    private static let curlConnectPhase = ClassifierPattern(
        "resolving timed out | resolv + timed out | connection timed out | connection timeout | connection time out"
            + " | failed to connect | ssl connection timeout | connect timeout")
    private static let expired = ClassifierPattern("expired")
    private static let certificateProblem = ClassifierPattern("certificate verify | certificate problem | unknown ca")

    // MARK: Client log strings

    /// Client error strings, most specific first: certificates, then timeouts (a DNS or TLS
    /// step that ran out of time is a timeout), DNS, refused, TLS handshakes, other connect
    /// errors, resets, the rest.
    static let messages = ClassifierMessageTable([
        // TLS certificates: curl "SSL certificate problem: certificate has expired", Python
        // "certificate verify failed: certificate has expired", Node CERT_HAS_EXPIRED, Go
        // "x509: certificate has expired or is not yet valid", Java CertificateExpiredException.
        ("certificate has expired | cert has expired | certificate expired | certificateexpiredexception"
            + " | expired certificate | cert expired | certificate + not yet valid",
         .tls, "certificate_expired"),
        ("certificate verify failed | certificate verification | sslcertverificationerror | unknown authority"
            + " | self signed | unable to get local issuer | unable to verify | pkix path | certpath"
            + " | certification path | x509 | ssl certificate problem | certificate is not valid"
            + " | certificate is valid for | subject name | altname | hostname mismatch | certificate + not match"
            + " | clientconnectorcertificateerror | bad certificate | unknown ca | peer failed verification"
            + " | certificateexception | cert + invalid | invalid + certificate",
         .tls, "certificate_invalid"),

        // Timeouts before a connection: curl, requests/httpx ConnectTimeout, aiohttp
        // ConnectionTimeoutError, Node "connect ETIMEDOUT" and undici UND_ERR_CONNECT_TIMEOUT,
        // Go "dial tcp ...: i/o timeout" and "waiting for connection", Java "connect timed out".
        ("connecttimeout | connect timeout | connect timed out | connection timed out | connectiontimeouterror"
            + " | connection timeout | connect etimedout | waiting for connection | dial tcp + timeout"
            + " | dial tcp + deadline | resolving timed out | tls handshake timeout | ssl connection timeout"
            + " | handshake timed out | pooltimeout | failed to connect + timeout | lookup + timeout"
            + " | connect + deadline",
         .timeout, "connect_timeout"),
        // Timeouts after connecting: curl "Operation timed out ... bytes received", ReadTimeout,
        // Go "context deadline exceeded" and "Client.Timeout exceeded while awaiting headers",
        // Node "read ETIMEDOUT" and undici headers/body timeouts, Java "Read timed out".
        ("readtimeout | read timed out | read timeout | read etimedout | operation timed out | deadline exceeded"
            + " | awaiting headers | timeout exceeded | headers timeout | headerstimeouterror | body timeout"
            + " | bodytimeouterror | writetimeout | write timeout | sockettimeoutexception | httptimeoutexception"
            + " | servertimeouterror | timeout on reading | request timed out | aborted due to timeout"
            + " | timeouterror | i o timeout",
         .timeout, "response_timeout"),
        // Node's bare ETIMEDOUT comes from connect() (CONTRACT: "ETIMEDOUT on connect").
        ("etimedout", .timeout, "connect_timeout"),

        // DNS: curl "Could not resolve host", Python NameResolutionError / "Temporary failure in
        // name resolution" / gaierror, Node ENOTFOUND / EAI_AGAIN, Go "no such host", Java
        // UnknownHostException.
        ("could not resolve | couldn t resolve | resolve host | failed to resolve | name resolution"
            + " | nameresolutionerror | name or service not known | nodename nor servname | no such host"
            + " | enotfound | eai again | eai noname | getaddrinfo | gaierror | unknownhostexception"
            + " | unknown host | server misbehaving | dns",
         .network, "dns"),

        // Refused: ECONNREFUSED everywhere, curl "Couldn't connect to server", aiohttp
        // ClientConnectorError "Cannot connect to host", Java ConnectException.
        ("connection refused | econnrefused | connectionrefusederror | connect call failed",
         .network, "connect_refused"),
        ("no route to host | network is unreachable | host is unreachable | ehostunreach | enetunreach"
            + " | noroutetohostexception | network unreachable",
         .network, "other"),
        // TLS handshakes, before the generic connect errors that wrap them (httpx.ConnectError:
        // [SSL: WRONG_VERSION_NUMBER]): "tls: handshake failure", SSLHandshakeException, OpenSSL's
        // "EOF occurred in violation of protocol".
        ("handshake | sslhandshake | sslerror | ssl error | ssl routines | wrong version number | ssl unexpected eof"
            + " | eof occurred in violation | sslexception | ssl protocol | ssl connect error | err ssl"
            + " | eproto | tls alert | ssl alert | does not look like a tls",
         .tls, "handshake_failed"),

        ("couldn t connect | could not connect | cannot connect | failed to connect | unable to connect"
            + " | clientconnectorerror | connectexception | connecterror | newconnectionerror"
            + " | failed to establish a new connection",
         .network, "connect_refused"),

        // Resets: "connection reset by peer", ECONNRESET, "socket hang up", aiohttp
        // ServerDisconnectedError, "Remote end closed connection", Go "EOF", Java "Connection reset".
        ("connection reset | reset by peer | econnreset | connectionreseterror | socket hang up"
            + " | serverdisconnectederror | server disconnected | remotedisconnected | remote end closed"
            + " | connection aborted | connectionabortederror | econnaborted | broken pipe | epipe"
            + " | empty reply | eof | other side closed | und err socket | connection closed | closed connection"
            + " | connection was closed | goaway | remoteprotocolerror | incompleteread | chunkedencodingerror"
            + " | recv failure | send failure | transfer closed | not closed cleanly | socketexception",
         .network, "connection_reset"),

        // Whatever else is still plainly a timeout or a connection error.
        ("timed out | timeout", .timeout, "response_timeout"),
        ("connectionerror | fetch failed | network error | socket", .network, "other"),
    ])
}
