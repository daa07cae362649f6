import Foundation
import GatewatchCore
import HTTPServer
import Synchronization

/// `gatewatch simulate`: the upstream APIs on loopback (CONTRACT section 7). One HTTP server per
/// listener (host-routed, US, EU), shared rate limits and transcripts, an optional scenario of
/// faults, and an optional client that sends traffic to itself and writes log lines.
///
/// Threads: `start()`/`stop()` from any one thread at a time; requests are served on the HTTP
/// servers' worker threads.
public final class Simulator: Sendable {
    public let options: SimulatorOptions
    /// The scenario loaded from `options.scenarioPath`, if any.
    public let scenario: Scenario?
    private let core: SimulatorCore
    private let servers: [(role: ListenerRole, server: HTTPServer)]
    private let client = Mutex<LogClient?>(nil)

    /// Validates the options and loads the scenario; binds nothing yet.
    public init(options: SimulatorOptions, timeSource: any TimeSource = SystemTimeSource()) throws {
        guard options.window > 0, options.window <= 31_536_000 else {
            throw SimulatorError("--window must be above 0 and at most 31536000 seconds (a year)")
        }
        guard options.defaultLimit >= 0 else { throw SimulatorError("the default rate limit must not be negative") }
        if let bad = options.modelLimits.first(where: { $0.value < 0 }) {
            throw SimulatorError("the rate limit of \(bad.key) must not be negative")
        }
        guard options.rate > 0, options.rate <= 10_000 else { throw SimulatorError("--rate must be above 0 and at most 10000") }
        guard options.clientTimeout > 0, options.clientTimeout <= 3600 else {
            throw SimulatorError("--client-timeout must be above 0 and at most 3600 seconds")
        }
        guard options.hangSeconds >= 0, options.hangSeconds <= 86_400,
              options.transcriptQueuedSeconds >= 0, options.transcriptProcessingSeconds >= 0 else {
            throw SimulatorError("hang and transcript durations must be 0 or more (hang at most a day)")
        }
        guard options.maxConnections >= 2, options.maxConnections <= 10_000 else {
            throw SimulatorError("--max-connections must be 2...10000")
        }
        guard options.maxWaiting >= 0 else { throw SimulatorError("--max-waiting must not be negative") }
        self.options = options
        self.scenario = try options.scenarioPath.map { try ScenarioLoader.load(path: $0) }
        let core = SimulatorCore(options: options, time: timeSource, scenario: scenario)
        self.core = core
        var servers: [(ListenerRole, HTTPServer)] = []
        let listeners: [(String?, ListenerRole)] = [(options.listen, .hostRouted), (options.listenUS, .region(.us)),
                                                    (options.listenEU, .region(.eu))]
        for case let (address?, role) in listeners {
            var config = HTTPServerConfiguration(listenAddresses: [address], threads: 1,
                                                 connectionLimit: options.maxConnections,
                                                 connectionTimeout: 600, shutdownGracePeriod: 1)
            // A waiting handler (latency, hang) must stall only its own connection.
            config.threadPerConnection = true
            let budget = HoldBudget(limit: options.maxWaiting)
            servers.append((role, HTTPServer(configuration: config) { core.handle($0, role: role, budget: budget) }))
        }
        guard !servers.isEmpty else { throw SimulatorError("no listener: give --listen, --listen-us or --listen-eu") }
        self.servers = servers
    }

    deinit { stop() }

    /// Binds every listener (all or none), starts the scenario clock, and the client when
    /// `writeLog` is set. Throws `SimulatorError` with one line naming the address or file.
    public func start() throws {
        core.stopping.store(false, ordering: .sequentiallyConsistent)
        var started: [HTTPServer] = []
        for (_, server) in servers {
            do {
                try server.start()
                started.append(server)
            } catch {
                started.forEach { $0.stop() }
                throw SimulatorError("\(error)")
            }
        }
        core.restartScenarioClock()
        if let path = options.writeLog {
            do {
                let targets = LogClient.Targets(us: usAddress ?? hostRoutedAddress, eu: euAddress,
                                                hostRouted: hostRoutedAddress)
                let client = try LogClient(path: path, rate: options.rate, timeout: options.clientTimeout,
                                           key: options.apiKeys.first { !$0.isEmpty } ?? SimulatorOptions.demoKey,
                                           targets: targets, time: core.time)
                client.start()
                self.client.withLock { $0 = client }
            } catch {
                servers.forEach { $0.server.stop() }
                throw error
            }
        }
    }

    /// Stops the client, releases waiting (latency, hang) requests and stops every listener. Idempotent.
    public func stop() {
        let client = self.client.withLock { c -> LogClient? in defer { c = nil }; return c }
        client?.stop()
        core.stopping.store(true, ordering: .sequentiallyConsistent)
        servers.forEach { $0.server.stop() }
    }

    /// Every bound address, host-routed first, then US, then EU (`"127.0.0.1:43817"`).
    public var boundAddresses: [String] { servers.flatMap { $0.server.boundAddresses } }

    /// The host-routed listener's bound address.
    public var hostRoutedAddress: String? { address { if case .hostRouted = $0 { true } else { false } } }
    /// The US listener's bound address.
    public var usAddress: String? { address { if case .region(.us) = $0 { true } else { false } } }
    /// The EU listener's bound address.
    public var euAddress: String? { address { if case .region(.eu) = $0 { true } else { false } } }

    private func address(_ where: (ListenerRole) -> Bool) -> String? {
        servers.first { `where`($0.role) }?.server.boundAddresses.first
    }

    /// Lines written and requests sent by the client so far (0 without `writeLog`).
    public var clientLinesWritten: Int { client.withLock { $0?.linesWritten ?? 0 } }
}
