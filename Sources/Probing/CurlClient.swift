import CCurl
import Foundation
import GatewatchCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What one transfer does. A plain value: no curl types leave this file.
struct CurlRequest: Sendable, Equatable {
    var url: String
    /// `GET`, `POST`, `HEAD` or any other token (sent as a custom request).
    var method: String = "GET"
    /// Complete header lines, `Name: value`.
    var headerLines: [String] = []
    var body: [UInt8]? = nil
    /// Connect (and handshake, for https) only; no request is sent.
    var connectOnly = false
    /// Seconds for the whole transfer, and for the connection phase alone.
    var timeout: Double = 10
    var connectTimeout: Double = 10
    /// PEM file with extra trust anchors (the system store stays trusted through its CA path).
    var caFile: String? = nil
    var insecureSkipVerify = false
    /// Response body bytes kept; the rest is read and dropped.
    var maxBodyBytes = 64 * 1024
    /// A new connection (DNS lookup, TCP connect, full TLS handshake) for this transfer. When
    /// false, a kept-alive connection of the loop is reused if one is open.
    var freshConnection = true
}

/// Cumulative times from the start of a transfer, in seconds (`CURLINFO_*_TIME_T`). A phase that
/// was not reached reads 0.
struct CurlTimings: Sendable, Equatable {
    var nameLookup = 0.0
    var connect = 0.0
    var appConnect = 0.0
    var preTransfer = 0.0
    var startTransfer = 0.0
    var total = 0.0
}

/// What came back. `code` is the `CURLcode` (0 = the transfer completed; the HTTP status may still
/// be an error).
struct CurlResponse: Sendable {
    var code: Int = 0
    /// curl's error buffer (or its generic text for the code); empty on success.
    var errorMessage = ""
    /// 0 when no HTTP response came back (and always for connect-only transfers).
    var statusCode = 0
    /// The headers of the final response, in order.
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    var bodyTruncated = false
    var timings = CurlTimings()
    /// `notAfter` (Unix seconds) of every certificate in the served chain, when one was seen.
    var certificateExpiries: [Double] = []
    /// The transfer ran on a connection that was already open (no connect, no handshake).
    var reusedConnection = false
}

/// The process-wide libcurl set-up: `curl_global_init` once, before any thread uses curl, and
/// SIGPIPE ignored (every handle also sets `CURLOPT_NOSIGNAL`).
enum CurlGlobal {
    static let initialized: Bool = {
        signal(SIGPIPE, SIG_IGN)
        let ok = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
        _ = gw_tls_hooks_index()  // allocate the SSL_CTX slot before any loop thread runs
        return ok
    }()
}

/// A monotonic clock in seconds, for schedules and deadlines.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Identifies a transfer or a timer on one loop.
typealias CurlLoopToken = UInt64

/// One libcurl multi handle driven by its own thread: any number of transfers run concurrently
/// without blocking Swift's cooperative pool. This is the only Swift file that touches curl's
/// pointers.
///
/// Threads: `execute` and `stop` from any thread. Everything else (`CurlLoop`, completions,
/// timer actions) runs on the loop thread, one at a time; callbacks must not block.
final class CurlClient: Sendable {
    private struct Queue {
        var work: [@Sendable (CurlLoop) -> Void] = []
        var stopping = false
    }

    /// What callers and the loop thread share (a class, so the thread holds it and not the client).
    private final class Shared: Sendable {
        let queue = Mutex(Queue())
        let finished = DispatchSemaphore(value: 0)
        let stopped = Atomic<Bool>(false)
    }

    private let shared = Shared()
    private let multi: MultiHandle

    /// `curl_multi_wakeup` is thread-safe by libcurl's contract; every other use of the multi
    /// handle happens on the loop thread. That is why the pointer may travel.
    private struct MultiHandle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    /// Starts the loop thread. Returns nil when libcurl cannot be initialised.
    init?(name: String = "gatewatch-probes") {
        guard CurlGlobal.initialized, let m = curl_multi_init() else { return nil }
        multi = MultiHandle(pointer: m)
        let shared = self.shared
        let handle = multi
        let thread = Thread {
            let loop = CurlLoop(multi: handle.pointer)
            while true {
                let (work, stop) = shared.queue.withLock { s -> ([@Sendable (CurlLoop) -> Void], Bool) in
                    let w = s.work
                    s.work.removeAll(keepingCapacity: true)
                    return (w, s.stopping)
                }
                if stop { break }
                for item in work { item(loop) }
                loop.iterate(pendingWork: { shared.queue.withLock { !$0.work.isEmpty || $0.stopping } })
            }
            loop.abortAll()
            curl_multi_cleanup(handle.pointer)
            shared.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Runs `work` on the loop thread soon (in submission order). Dropped (false) after `stop()`.
    @discardableResult
    func execute(_ work: @escaping @Sendable (CurlLoop) -> Void) -> Bool {
        let multi = self.multi
        return shared.queue.withLock { s in
            guard !s.stopping else { return false }
            s.work.append(work)
            // Under the lock: the loop cleans the multi handle up only after it saw `stopping`.
            curl_multi_wakeup(multi.pointer)
            return true
        }
    }

    /// Stops the loop: transfers in flight are aborted (their completions are not called), timers
    /// dropped, the thread ends and the multi handle is cleaned up. Waits for all that; idempotent.
    /// Must not be called from the loop thread.
    func stop() {
        let multi = self.multi
        let first = shared.queue.withLock { s -> Bool in
            let first = !s.stopping
            s.stopping = true
            if first { curl_multi_wakeup(multi.pointer) }
            return first
        }
        guard first else {
            while !shared.stopped.load(ordering: .acquiring) { usleep(1000) }
            return
        }
        shared.finished.wait()
        shared.stopped.store(true, ordering: .releasing)
    }

    deinit { stop() }
}

/// The loop thread's view: start and cancel transfers, set timers. Confined to the loop thread
/// (handed to work items, completions and timer actions; never stored elsewhere).
final class CurlLoop {
    private let multi: UnsafeMutableRawPointer
    private var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
    private var transferTokens: [CurlLoopToken: UnsafeMutableRawPointer] = [:]
    private var timers = TimerHeap()
    private var nextToken: CurlLoopToken = 1
    /// Trust stores built from targets' `ca_file`s, by path; shared by every connection to them.
    private var trustStores: [String: TrustStore] = [:]

    fileprivate init(multi: UnsafeMutableRawPointer) {
        self.multi = multi
    }

    /// The monotonic clock (seconds).
    var now: Double { monotonicNow() }

    /// Number of transfers in flight.
    var activeTransfers: Int { transfers.count }

    /// Drops the trust stores built from CA files, so the next transfers read the files again
    /// (a reload may have changed them). Transfers in flight keep theirs.
    func reloadTrustStores() {
        trustStores.removeAll()
    }

    /// The shared store for `caFile` (the file's anchors plus the system CA directory), built on
    /// first use; nil when the file cannot be loaded (curl then reports it).
    private func trustStore(for caFile: String) -> TrustStore? {
        if let store = trustStores[caFile] { return store }
        guard let store = TrustStore(caFile: caFile) else { return nil }
        trustStores[caFile] = store
        return store
    }

    /// Starts a transfer; `completion` runs on the loop thread when it ends (not when cancelled).
    /// A transfer curl refuses to set up completes at once with the error.
    @discardableResult
    func start(_ request: CurlRequest, completion: @escaping (CurlResponse) -> Void) -> CurlLoopToken {
        let token = makeToken()
        guard let easy = curl_easy_init() else {
            completion(CurlResponse(code: Int(CURLE_FAILED_INIT.rawValue), errorMessage: "curl_easy_init failed"))
            return token
        }
        let store = request.insecureSkipVerify ? nil : request.caFile.flatMap { trustStore(for: $0) }
        let transfer = Transfer(easy: easy, token: token, request: request, trustStore: store, completion: completion)
        if let failure = transfer.configure() {
            transfer.release()
            completion(failure)
            return token
        }
        let rc = curl_multi_add_handle(multi, easy)
        guard rc == CURLM_OK else {
            transfer.release()
            completion(CurlResponse(code: Int(CURLE_FAILED_INIT.rawValue),
                                    errorMessage: String(cString: curl_multi_strerror(rc))))
            return token
        }
        transfers[easy] = transfer
        transferTokens[token] = easy
        return token
    }

    /// Aborts a transfer in flight; its completion is not called.
    func cancelTransfer(_ token: CurlLoopToken) {
        guard let easy = transferTokens.removeValue(forKey: token), let transfer = transfers.removeValue(forKey: easy) else { return }
        curl_multi_remove_handle(multi, easy)
        transfer.release()
    }

    /// Runs `action` on the loop thread once the monotonic clock reaches `deadline`.
    @discardableResult
    func schedule(at deadline: Double, _ action: @escaping (CurlLoop) -> Void) -> CurlLoopToken {
        let token = makeToken()
        timers.push(deadline: deadline, token: token, action: action)
        return token
    }

    func cancelTimer(_ token: CurlLoopToken) {
        timers.cancel(token)
    }

    private func makeToken() -> CurlLoopToken {
        defer { nextToken &+= 1 }
        return nextToken
    }

    /// One turn: due timers, transfers, finished transfers, then a poll until the next deadline
    /// (at most 1 s, and not at all while work is queued).
    fileprivate func iterate(pendingWork: () -> Bool) {
        while let action = timers.popDue(now: now) { action(self) }
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = gw_curl_msg_result(message)
            guard let transfer = transfers.removeValue(forKey: easy) else { continue }
            transferTokens.removeValue(forKey: transfer.token)
            curl_multi_remove_handle(multi, easy)
            let response = transfer.finish(code: code)
            transfer.release()
            transfer.completion(response)
        }
        if pendingWork() { return }
        var timeoutMs: Int32 = 1000
        if let next = timers.nextDeadline {
            let wait = max(0, (next - now) * 1000)
            timeoutMs = Int32(min(1000, wait.rounded(.up)))
        }
        if timeoutMs > 0 {
            curl_multi_poll(multi, nil, 0, timeoutMs, nil)
        }
    }

    /// Removes and frees every transfer (completions not called) and drops the timers.
    fileprivate func abortAll() {
        for (easy, transfer) in transfers {
            curl_multi_remove_handle(multi, easy)
            transfer.release()
        }
        transfers.removeAll()
        transferTokens.removeAll()
        timers = TimerHeap()
    }
}

/// A min-heap of timers by deadline (ties by token, so equal deadlines run in scheduling order).
private struct TimerHeap {
    private struct Entry {
        var deadline: Double
        var token: CurlLoopToken
        var action: (CurlLoop) -> Void
    }

    private var heap: [Entry] = []
    private var cancelled = Set<CurlLoopToken>()

    var nextDeadline: Double? {
        mutating get {
            dropCancelled()
            return heap.first?.deadline
        }
    }

    mutating func push(deadline: Double, token: CurlLoopToken, action: @escaping (CurlLoop) -> Void) {
        heap.append(Entry(deadline: deadline, token: token, action: action))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func cancel(_ token: CurlLoopToken) {
        if heap.contains(where: { $0.token == token }) { cancelled.insert(token) }
    }

    mutating func popDue(now: Double) -> ((CurlLoop) -> Void)? {
        dropCancelled()
        guard let first = heap.first, first.deadline <= now else { return nil }
        return removeFirst().action
    }

    private mutating func dropCancelled() {
        while let first = heap.first, cancelled.contains(first.token) {
            cancelled.remove(first.token)
            _ = removeFirst()
        }
    }

    private mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return first
    }

    private func less(_ a: Entry, _ b: Entry) -> Bool {
        a.deadline < b.deadline || (a.deadline == b.deadline && a.token < b.token)
    }
}

/// One easy handle and what its callbacks collect. Owned by the loop's `transfers` table; curl's
/// callbacks reach it through an unretained pointer that is valid because the table holds it until
/// the handle is removed from the multi handle, which happens before `release()`.
private final class Transfer {
    let easy: UnsafeMutableRawPointer
    let token: CurlLoopToken
    let request: CurlRequest
    let completion: (CurlResponse) -> Void
    /// Kept alive while the transfer runs (its SSL_CTX refers to the store).
    private let trustStore: TrustStore?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Read by the TLS callbacks during the handshake; freed in `release()`.
    private let tlsHooks = UnsafeMutablePointer<gw_tls_hooks>.allocate(capacity: 1)
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var released = false

    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    var bodyTruncated = false

    init(easy: UnsafeMutableRawPointer, token: CurlLoopToken, request: CurlRequest, trustStore: TrustStore?,
         completion: @escaping (CurlResponse) -> Void) {
        self.easy = easy
        self.token = token
        self.request = request
        self.trustStore = trustStore
        self.completion = completion
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        tlsHooks.initialize(to: gw_tls_hooks(store: trustStore?.pointer, earliest_not_after: 0, seen: 0))
    }

    /// Sets every option; a response describing the failure when curl refuses one.
    func configure() -> CurlResponse? {
        let r = request
        var failed: CURLcode = CURLE_OK
        func check(_ rc: CURLcode) { if rc != CURLE_OK && failed == CURLE_OK { failed = rc } }
        let opaque = Unmanaged.passUnretained(self).toOpaque()

        check(gw_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        check(gw_curl_easy_setopt_string(easy, CURLOPT_URL, r.url))
        check(gw_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(gw_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(gw_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(r.timeout)))
        check(gw_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(min(r.connectTimeout, r.timeout))))
        // By default every run measures a whole connection, as blackbox_exporter does: its own
        // DNS lookup, TCP connect and full TLS handshake. A reused connection or resumed session
        // would read 0 for those phases and hide the failures they exist to catch.
        if r.freshConnection {
            check(gw_curl_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1))
            check(gw_curl_easy_setopt_long(easy, CURLOPT_FORBID_REUSE, 1))
        }
        check(gw_curl_easy_setopt_long(easy, CURLOPT_SSL_SESSIONID_CACHE, 0))
        check(gw_curl_easy_setopt_long(easy, CURLOPT_DNS_CACHE_TIMEOUT, 0))
        // The certificate expiry is read during verification (gw_verify_cb), which costs
        // nothing extra; CURLOPT_CERTINFO would print every certificate (~0.4 ms per probe).
        check(gw_curl_easy_set_tls_hooks(easy, tlsHooks))
        check(gw_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, "gatewatch-probe"))
        if let store = trustStore {
            // Extra anchors: the target's file plus the system's CA directory, in a store built
            // once and handed to each connection's SSL_CTX. curl loads nothing itself, and with
            // its cache off for this transfer it never evicts the cached system store.
            check(gw_curl_easy_setopt_pointer(easy, CURLOPT_CAINFO, nil))
            check(gw_curl_easy_setopt_pointer(easy, CURLOPT_CAPATH, nil))
            check(gw_curl_easy_setopt_long(easy, CURLOPT_CA_CACHE_TIMEOUT, 0))
            _ = store  // handed to the SSL_CTX through tlsHooks
        } else if let ca = r.caFile {
            // A file the store could not load: curl loads it again and reports why it fails.
            check(gw_curl_easy_setopt_string(easy, CURLOPT_CAINFO, ca))
        } else {
            // The system bundle alone, without the CA directory: that makes the X509 store
            // cacheable in the multi handle (CURLOPT_CA_CACHE_TIMEOUT, 24 h), instead of parsing
            // ~140 certificates (about 34 ms of CPU here) on every probe.
            check(gw_curl_easy_setopt_pointer(easy, CURLOPT_CAPATH, nil))
        }
        if r.insecureSkipVerify {
            check(gw_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            check(gw_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if r.connectOnly {
            check(gw_curl_easy_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1))
        } else {
            check(gw_curl_easy_setopt_datacb(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback))
            check(gw_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, opaque))
            check(gw_curl_easy_setopt_datacb(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback))
            check(gw_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, opaque))
            let method = r.method.uppercased()
            if let body = r.body {
                check(gw_curl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                body.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        // COPYPOSTFIELDS copies POSTFIELDSIZE bytes now; an empty body needs a valid pointer.
                        check(gw_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS,
                                                          UnsafeMutableRawPointer(mutating: chars.baseAddress ?? UnsafePointer(errorBuffer))))
                    }
                }
                if method != "POST" { check(gw_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)) }
            } else if method == "HEAD" {
                check(gw_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
            } else if method != "GET" {
                check(gw_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
            }
            // No `Expect: 100-continue` round trip: it would blur the processing phase.
            for line in r.headerLines + ["Expect:"] {
                guard let list = curl_slist_append(headerList, line) else { continue }
                headerList = list
            }
            if let headerList { check(gw_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)) }
        }
        guard failed == CURLE_OK else {
            return CurlResponse(code: Int(failed.rawValue), errorMessage: message(for: failed))
        }
        return nil
    }

    /// Reads status, timings and certificates after the transfer ended with `code`.
    func finish(code: CURLcode) -> CurlResponse {
        var response = CurlResponse()
        response.code = Int(code.rawValue)
        if code != CURLE_OK {
            response.errorMessage = message(for: code)
            // curl 7.88 says "Couldn't connect to server" for a refused port; the system's reason
            // (ECONNREFUSED, ENETUNREACH...) is what tells them apart, so it is appended.
            var osErrno = 0
            if gw_curl_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno) == CURLE_OK, osErrno != 0,
               let reason = strerror(Int32(truncatingIfNeeded: osErrno)) {
                let text = String(cString: reason)
                if !response.errorMessage.contains(text) { response.errorMessage += " (\(text))" }
            }
        }
        var connects = 0
        if code == CURLE_OK, gw_curl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK {
            response.reusedConnection = connects == 0
        }
        var status = 0
        if gw_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK {
            response.statusCode = status
        }
        func seconds(_ info: CURLINFO) -> Double {
            var value: curl_off_t = 0
            guard gw_curl_easy_getinfo_off(easy, info, &value) == CURLE_OK else { return 0 }
            return Double(value) / 1e6
        }
        response.timings = CurlTimings(nameLookup: seconds(CURLINFO_NAMELOOKUP_TIME_T),
                                       connect: seconds(CURLINFO_CONNECT_TIME_T),
                                       appConnect: seconds(CURLINFO_APPCONNECT_TIME_T),
                                       preTransfer: seconds(CURLINFO_PRETRANSFER_TIME_T),
                                       startTransfer: seconds(CURLINFO_STARTTRANSFER_TIME_T),
                                       total: seconds(CURLINFO_TOTAL_TIME_T))
        if tlsHooks.pointee.seen != 0 {
            response.certificateExpiries = [Double(tlsHooks.pointee.earliest_not_after)]
        }
        response.headers = headers
        response.body = body
        response.bodyTruncated = bodyTruncated
        return response
    }

    /// Frees the easy handle, the header list and the error buffer (once).
    func release() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
        tlsHooks.deallocate()
    }

    private func message(for code: CURLcode) -> String {
        let text = String(cString: errorBuffer)
        return text.isEmpty ? String(cString: curl_easy_strerror(code)) : text
    }

    /// `nil`, 0 and negative map to 1 ms (curl treats 0 as "no timeout").
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite else { return 1 }
        return max(1, Int(min(seconds, 86_400) * 1000))
    }

    func appendBody(_ bytes: UnsafeRawBufferPointer) {
        let room = request.maxBodyBytes - body.count
        if bytes.count > room {
            bodyTruncated = true
            if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
        } else {
            body.append(contentsOf: bytes)
        }
    }

    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: "HTTP/".utf8) {
            headers.removeAll()  // a new response (after 1xx): keep only the final one's headers
            return
        }
        guard headers.count < 200, let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
        var nameEnd = colon
        while nameEnd > 0 && isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        var valueStart = colon + 1
        var valueEnd = bytes.count
        while valueStart < valueEnd && isSpace(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        guard nameEnd > 0 else { return }
        headers.append(HTTPHeader(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<nameEnd]), as: UTF8.self),
                                  String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)))
    }
}

/// An OpenSSL trust store (X509_STORE) built from a CA file; freed when the last holder (the
/// loop's table, transfers using it) lets go. Loop-thread only.
private final class TrustStore {
    static let systemDirectory = "/etc/ssl/certs"
    let pointer: UnsafeMutableRawPointer

    init?(caFile: String) {
        let dir = FileManager.default.fileExists(atPath: TrustStore.systemDirectory) ? TrustStore.systemDirectory : nil
        guard let p = gw_trust_store_new(caFile, dir) else { return nil }
        pointer = p
    }

    deinit { gw_trust_store_free(pointer) }
}

/// C callbacks (capture nothing, so they convert to C function pointers). `userdata` is the
/// unretained `Transfer`; see its doc comment for why it is alive.
private let transferWriteCallback: gw_curl_data_cb = { pointer, size, count, userdata in
    let n = size * count
    guard let pointer, let userdata else { return n }
    Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue().appendBody(UnsafeRawBufferPointer(start: pointer, count: n))
    return n
}

private let transferHeaderCallback: gw_curl_data_cb = { pointer, size, count, userdata in
    let n = size * count
    guard let pointer, let userdata else { return n }
    Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue().appendHeaderLine(UnsafeRawBufferPointer(start: pointer, count: n))
    return n
}
