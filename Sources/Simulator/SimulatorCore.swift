import Foundation
import GatewatchCore
import HTTPServer
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How a listener decides the region.
enum ListenerRole: Sendable {
    /// By the `Host` header (`*.eu.*` is EU); `api.llmai.*` serves LLMAI without the path prefix.
    case hostRouted
    case region(SimRegion)
}

/// How many requests of one listener may wait (latency, hang) at once: each holds a connection
/// and its thread.
final class HoldBudget: Sendable {
    private let limit: Int
    private let holding = Atomic<Int>(0)
    /// Requests that were due to wait but found the budget spent.
    let refused = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Runs `body` when a thread can be spared; otherwise skips it and counts.
    func hold(_ body: () -> Void) {
        if holding.add(1, ordering: .sequentiallyConsistent).newValue > limit {
            holding.subtract(1, ordering: .sequentiallyConsistent)
            refused.add(1, ordering: .relaxed)
            return
        }
        defer { holding.subtract(1, ordering: .sequentiallyConsistent) }
        body()
    }
}

/// The shared state and request dispatch of one simulator run. Handlers run on the HTTP
/// servers' worker threads, concurrently: everything here is immutable or behind a lock.
final class SimulatorCore: Sendable {
    let options: SimulatorOptions
    let time: any TimeSource
    let keys: Set<String>
    let depletedKeys: Set<String>
    let scenario: Scenario?
    let limiter: RateLimiter
    let transcripts: [SimRegion: TranscriptStore]
    /// When the scenario clock started (unix seconds from `time`), as `Double` bits: read on
    /// every request, so an atomic rather than a lock.
    private let scenarioStartBits: Atomic<UInt64>
    /// Set first by `Simulator.stop()`: waiting handlers give up.
    let stopping = Atomic<Bool>(false)

    init(options: SimulatorOptions, time: any TimeSource, scenario: Scenario?) {
        self.options = options
        self.time = time
        self.keys = options.acceptedKeys
        self.depletedKeys = Set(options.depletedKeys)
        self.scenario = scenario
        self.limiter = RateLimiter(window: options.window, time: time)
        self.transcripts = [.us: TranscriptStore(capacity: options.maxTranscripts),
                            .eu: TranscriptStore(capacity: options.maxTranscripts)]
        self.scenarioStartBits = Atomic(time.now.bitPattern)
    }

    // MARK: dispatch

    func handle(_ request: HTTPRequest, role: ListenerRole, budget: HoldBudget) -> HTTPResponse {
        let region: SimRegion
        var path = request.path
        var llmai = false
        switch role {
        case .region(let r):
            region = r
        case .hostRouted:
            let host = request.header("Host")
            region = SimRegion.forHost(host)
            if let host, host.lowercased().hasPrefix("api.llmai.") { llmai = true }
        }
        if path == SimulatorOptions.llmaiPrefix || path.hasPrefix(SimulatorOptions.llmaiPrefix + "/") {
            llmai = true
            path = String(path.dropFirst(SimulatorOptions.llmaiPrefix.count))
        }
        let method = request.method.uppercased()
        if llmai {
            switch path {
            case "/v1/chat/completions":
                return method == "POST" ? llmaiChat(request, region: region, budget: budget) : notAllowed(method, "POST")
            case "/v1/models":
                return isGet(method) ? llmaiModels(request, region: region, budget: budget) : notAllowed(method, "GET, HEAD")
            default:
                return .text(404, "404 page not found\n")
            }
        }
        switch path {
        case "/v1/chat/completions":
            return method == "POST" ? gatewayChat(request, region: region, budget: budget) : notAllowed(method, "POST")
        case "/v2/transcript":
            if method == "POST" { return submitTranscript(request, region: region, budget: budget) }
            return isGet(method) ? listTranscripts(request, region: region, budget: budget) : notAllowed(method, "GET, HEAD, POST")
        case "/v2/upload":
            return method == "POST" ? upload(request, region: region, budget: budget) : notAllowed(method, "POST")
        case "/":
            return isGet(method) ? .text(200, Self.index) : notAllowed(method, "GET, HEAD")
        default:
            if path.hasPrefix("/v2/transcript/") {
                return isGet(method) ? getTranscript(request, path: path, region: region, budget: budget) : notAllowed(method, "GET, HEAD")
            }
            return .text(404, "404 page not found\n")
        }
    }

    private func isGet(_ method: String) -> Bool { method == "GET" || method == "HEAD" }

    private func notAllowed(_ method: String, _ allow: String) -> HTTPResponse {
        HTTPResponse(status: 405, contentType: "text/plain; charset=utf-8",
                     body: "method \(method) not allowed; allowed: \(allow)\n", headers: [("Allow", allow)])
    }

    static let index = """
        gatewatch simulate: a local stand-in for the upstream APIs.
          POST /v1/chat/completions            LLM Gateway (Authorization: KEY)
          POST /v2/transcript                  speech API submit (Authorization: KEY)
          GET  /v2/transcript?limit=N          speech API list
          GET  /v2/transcript/{id}             queued -> processing -> completed | error
          POST /v2/upload                      upload (empty body: 422)
          POST /llmai/v1/chat/completions      OpenAI-compatible provider (Authorization: Bearer KEY)
          GET  /llmai/v1/models

        """

    // MARK: faults

    /// Seconds since the scenario started.
    var scenarioElapsed: Double { time.now - Double(bitPattern: scenarioStartBits.load(ordering: .acquiring)) }

    /// Restarts the scenario clock (at `start()`).
    func restartScenarioClock() { scenarioStartBits.store(time.now.bitPattern, ordering: .releasing) }

    func plan(region: SimRegion, endpoint: SimEndpoint, model: String) -> FaultPlan {
        guard let scenario, !scenario.faults.isEmpty else { return FaultPlan([]) }
        return FaultPlan(scenario.faults(elapsed: scenarioElapsed, region: region, endpoint: endpoint, model: model))
    }

    /// Applies a plan's delay, then its terminal fault: a response to send instead of the normal
    /// answer, or nil to go on. `errorBody` renders a seed error for the endpoint.
    /// A delay or hang holds its connection's thread; past the listener's `budget` a delay is
    /// skipped and a hang becomes a drop, so the listener keeps answering.
    func applyFaults(_ plan: FaultPlan, budget: HoldBudget, endpoint: SimEndpoint, requestID: String,
                     extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse? {
        if plan.delay > 0 { budget.hold { wait(seconds: plan.delay) } }
        guard let terminal = plan.terminal else { return nil }
        switch terminal {
        case .drop:
            return .dropConnection
        case .hang(let seconds):
            budget.hold { wait(seconds: seconds ?? options.hangSeconds) }
            return .dropConnection
        case let .status(code, error, body):
            var response: HTTPResponse
            if let body {
                let text = body.replacingOccurrences(of: "{request_id}", with: requestID)
                let isJSON = JSONText.parse(Array(text.utf8)) is [String: Any]
                response = HTTPResponse(status: code == 0 ? 500 : code,
                                        contentType: isJSON ? "application/json" : "text/plain; charset=utf-8",
                                        body: text)
            } else {
                let seed = error ?? .serverError
                response = errorResponse(seed, status: code == 0 ? seed.defaultStatus(for: endpoint) : code,
                                         endpoint: endpoint, requestID: requestID)
            }
            response.headers += extraHeaders
            return response
        default:
            return nil
        }
    }

    /// Sleeps in short steps so a stopping simulator is not held up.
    func wait(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !stopping.load(ordering: .relaxed) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return }
            usleep(useconds_t(min(left, 0.05) * 1_000_000))
        }
    }

    /// The body a seed error has on an endpoint.
    func errorResponse(_ seed: SeedError, status: Int, endpoint: SimEndpoint, requestID: String) -> HTTPResponse {
        switch seed {
        case .unsupportedSubtitleFormat:
            return HTTPResponse(status: status, contentType: "text/html; charset=utf-8", body: SeedBodies.htmlNotFound)
        case .emptyUpload:
            return .text(status, SeedBodies.emptyUpload)
        default: break
        }
        switch endpoint {
        case .chat:
            switch seed {
            case .auth, .forbidden: return .json(status, SeedBodies.llmAuth(requestID: requestID))
            case .transcriptNotFound: return .json(status, SeedBodies.llmTranscriptNotFound(requestID: requestID))
            case .rateLimited: return .json(status, SeedBodies.llmStatus(status, message: "rate limit exceeded", requestID: requestID))
            case .tooManyRequests: return .json(status, SeedBodies.llmStatus(status, message: SeedBodies.tooManyRequests, requestID: requestID))
            case .insufficientFunds: return .json(status, SeedBodies.llmStatus(status, message: SeedBodies.negativeBalance, requestID: requestID))
            default: return .json(status, SeedBodies.llmStatus(status, message: Self.statusMessage(status), requestID: requestID))
            }
        case .transcript:
            let message: String
            switch seed {
            case .auth, .forbidden: message = SeedBodies.speechAuth
            case .tooManyRequests, .rateLimited: message = SeedBodies.tooManyRequests
            case .insufficientFunds: message = SeedBodies.negativeBalance
            case .transcriptNotFound: message = SeedBodies.transcriptNotFound
            default: message = SeedBodies.internalServerError
            }
            return .json(status, SeedBodies.speechError(message, requestID: requestID))
        case .llmai:
            let (message, type): (String, String)
            switch seed {
            case .auth, .forbidden: (message, type) = (SeedBodies.llmaiAuth, "authentication_error")
            case .insufficientFunds: (message, type) = (SeedBodies.llmaiBalance, "insufficient_quota")
            case .rateLimited, .tooManyRequests: (message, type) = (SeedBodies.llmaiRateLimit, "rate_limit_error")
            default: (message, type) = (Self.statusMessage(status), status >= 500 ? "server_error" : "invalid_request_error")
            }
            return .json(status, SeedBodies.openAIError(status: status, message: message, type: type, requestID: requestID))
        }
    }

    static func statusMessage(_ status: Int) -> String {
        switch status {
        case 500: return "internal server error"
        case 502: return "bad gateway"
        case 503: return "service unavailable"
        case 504: return "gateway timeout"
        default: return "upstream error"
        }
    }

    // MARK: auth

    /// The raw key of an AssemblyAI `Authorization` header when it is accepted (seed 000: not
    /// prefixed with Bearer).
    func rawKey(_ request: HTTPRequest) -> String? {
        guard let value = request.header("Authorization")?.trimmingCharacters(in: .whitespaces),
              keys.contains(value) else { return nil }
        return value
    }

    /// The key of an `Authorization: Bearer KEY` header when it is accepted (seed 004).
    func bearerKey(_ request: HTTPRequest) -> String? {
        guard let value = request.header("Authorization")?.trimmingCharacters(in: .whitespaces),
              value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let key = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return keys.contains(key) ? key : nil
    }
}
