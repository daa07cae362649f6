import Foundation
import GatewatchCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Client mode (`--write-log FILE --rate N`): sends N requests a second to the simulator, as an
/// application would (chat completions across models and regions, and LLMAI), and appends one
/// CONTRACT section 6 line per request: timestamp, provider, region, model, status_code,
/// request_id, error (the body object, a text body, or the transport failure as curl words it),
/// latency_ms, finish_reason and the `X-RateLimit-*` headers. Each line is one `write(2)` on an
/// `O_APPEND` descriptor, so a tailer never sees half a line.
///
/// Threads: a scheduler thread paces the requests; each runs on a global dispatch queue.
final class LogClient: Sendable {
    struct Targets: Sendable {
        var us: String?
        var eu: String?
        var hostRouted: String?
    }

    /// One kind of request the client sends.
    struct Call: Sendable {
        var provider: String
        var region: SimRegion
        var model: String
        var llmai: Bool
    }

    static let calls: [Call] = [
        Call(provider: "assemblyai_llm_gateway", region: .us, model: "claude-sonnet-4-6", llmai: false),
        Call(provider: "assemblyai_llm_gateway", region: .us, model: "gpt-5-mini", llmai: false),
        Call(provider: "assemblyai_llm_gateway", region: .us, model: "gemini-2.5-flash", llmai: false),
        Call(provider: "assemblyai_llm_gateway", region: .eu, model: "claude-sonnet-4-6", llmai: false),
        Call(provider: "assemblyai_llm_gateway", region: .eu, model: "gemini-2.5-flash", llmai: false),
        Call(provider: "assemblyai_llm_gateway", region: .eu, model: "claude-haiku-4-5", llmai: false),
        Call(provider: "llmai", region: .us, model: "gpt-5.4", llmai: true),
    ]
    /// Requests in flight beyond this are skipped (counted), so hanging upstreams cannot pile up threads.
    static let maxInFlight = 256

    private let fd: Int32
    private let rate: Double
    private let timeout: Double
    private let key: String
    private let targets: Targets
    private let time: any TimeSource
    private let running = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)
    private let written = Atomic<Int>(0)
    private let skipped = Atomic<Int>(0)
    private let writeLock = Mutex<Bool>(true)  // true while the descriptor is open
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, rate: Double, timeout: Double, key: String, targets: Targets, time: any TimeSource) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SimulatorError("--write-log \(path): cannot open: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.rate = rate
        self.timeout = timeout
        self.key = key
        self.targets = targets
        self.time = time
    }

    var linesWritten: Int { written.load(ordering: .relaxed) }

    func start() {
        guard !running.exchange(true, ordering: .sequentiallyConsistent) else { return }
        let t = Thread { [self] in
            let interval = 1 / rate
            var next = Date()
            while running.load(ordering: .relaxed) {
                if inFlight.load(ordering: .relaxed) < Self.maxInFlight {
                    inFlight.add(1, ordering: .relaxed)
                    DispatchQueue.global().async { [self] in
                        sendOne()
                        inFlight.subtract(1, ordering: .relaxed)
                    }
                } else {
                    skipped.add(1, ordering: .relaxed)
                }
                next = next.addingTimeInterval(interval)
                // Sleep in short steps so stop() returns promptly at low rates.
                while running.load(ordering: .relaxed), next.timeIntervalSinceNow > 0 {
                    usleep(useconds_t(min(next.timeIntervalSinceNow, 0.05) * 1_000_000))
                }
            }
            finished.signal()
        }
        t.name = "gatewatch-sim-client"
        t.start()
    }

    /// Stops sending and closes the file; lines of requests still in flight are dropped.
    func stop() {
        if running.exchange(false, ordering: .sequentiallyConsistent) { finished.wait() }
        writeLock.withLock { open in
            if open { close(fd); open = false }
        }
    }

    deinit { stop() }

    private func sendOne() {
        guard let call = Self.calls.randomElement() else { return }
        let maxTokens = Int.random(in: 0..<5) == 0 ? 8 : 1000
        let body = "{\"model\": \(JSONText.quote(call.model)), \"messages\": [{\"role\": \"user\", \"content\": \"What is the capital of France?\"}], \"max_tokens\": \(maxTokens)}"
        var address: String?
        var host: String
        switch call.region {
        case .us: address = targets.us; host = call.llmai ? "api.llmai.example" : "llm-gateway.assemblyai.com"
        case .eu: address = targets.eu; host = "llm-gateway.eu.assemblyai.com"
        }
        if address == nil { address = targets.hostRouted }
        guard let address else { return }
        if address != targets.hostRouted { host = address }
        let path = call.llmai ? SimulatorOptions.llmaiPrefix + "/v1/chat/completions" : "/v1/chat/completions"
        let auth = call.llmai ? "Bearer \(key)" : key
        let sentAt = time.now
        let started = DispatchTime.now()
        let outcome = LoopbackHTTPClient.send(address: address, method: "POST", path: path, host: host,
                                              headers: [("Authorization", auth), ("Content-Type", "application/json")],
                                              body: Array(body.utf8), timeout: timeout)
        let latencyMS = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
        write(Self.line(call: call, sentAt: sentAt, latencyMS: latencyMS, outcome: outcome))
    }

    /// The log line for one request (no trailing newline).
    static func line(call: Call, sentAt: Double, latencyMS: Double, outcome: LoopbackHTTPClient.Outcome) -> String {
        var pairs: [(String, String)] = [
            ("timestamp", String(format: "%.3f", sentAt)),
            ("provider", JSONText.quote(call.provider)),
            ("region", JSONText.quote(call.region.rawValue)),
            ("model", JSONText.quote(call.model)),
        ]
        switch outcome {
        case .failure(let message):
            pairs += [("status_code", "0"), ("request_id", "null"), ("error", JSONText.quote(message))]
        case .response(let r):
            let parsed = JSONText.parse(r.body)
            let object = parsed as? [String: Any]
            pairs.append(("status_code", String(r.status)))
            pairs.append(("request_id", JSONText.quoteOrNull(object?["request_id"] as? String)))
            if (200..<300).contains(r.status) {
                pairs.append(("error", "null"))
                let choices = object?["choices"] as? [[String: Any]]
                if let finish = choices?.first?["finish_reason"] as? String {
                    pairs.append(("finish_reason", JSONText.quote(finish)))
                }
            } else if let object, let data = try? JSONSerialization.data(withJSONObject: object,
                                                                        options: [.withoutEscapingSlashes, .sortedKeys]) {
                pairs.append(("error", String(decoding: data, as: UTF8.self)))
            } else {
                pairs.append(("error", JSONText.quote(String(decoding: r.body, as: UTF8.self))))
            }
            let rateHeaders = r.headers.filter { $0.name.lowercased().hasPrefix("x-ratelimit-") }
            pairs.append(("headers", JSONText.object(rateHeaders.map { ($0.name, JSONText.quote($0.value)) })))
        }
        pairs.append(("latency_ms", String(format: "%.1f", latencyMS)))
        return JSONText.object(pairs)
    }

    private func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        writeLock.withLock { open in
            guard open else { return }
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n == bytes.count { written.add(1, ordering: .relaxed) }
        }
    }
}
