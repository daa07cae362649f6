import ArgumentParser
import Foundation
import Gatewatch
import Simulator

/// `gatewatch simulate`: the upstream APIs on loopback, for demos, tests and alert rules (CONTRACT section 7).
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve a local stand-in for the upstream APIs (LLM Gateway US/EU, speech API, an OpenAI-compatible provider).",
        discussion: """
            Endpoints, on every listener: POST /v1/chat/completions (LLM Gateway), POST/GET /v2/transcript, \
            GET /v2/transcript/{id}, POST /v2/upload (speech API), and the OpenAI-compatible provider under \
            /llmai (POST /llmai/v1/chat/completions, GET /llmai/v1/models). The --listen listener routes by \
            Host: *.eu.* hosts are the EU region, api.llmai.* serves the provider without the /llmai prefix.

            Auth: AssemblyAI endpoints take the raw key in Authorization; the provider takes \
            "Authorization: Bearer KEY". Keys come from --api-key and from \(SimulatorOptions.apiKeysEnvironment) \
            (comma separated). With neither, the demo key "\(SimulatorOptions.demoKey)" is accepted.

            Rate limits: per region and model, --limit requests per --window seconds; X-RateLimit-* headers \
            on every model answer, 429 past the limit. Faults over time come from --scenario \
            (see examples/scenarios/). Exit status 0 on SIGTERM or SIGINT.
            """)

    @Option(name: .customLong("listen"), help: "Listener that routes by Host header (\"none\" to disable).")
    var listen: String = "127.0.0.1:9790"

    @Option(name: .customLong("listen-us"), help: "US region listener (\"none\" to disable; port 0 picks a free port).")
    var listenUS: String = "127.0.0.1:9791"

    @Option(name: .customLong("listen-eu"), help: "EU region listener (\"none\" to disable).")
    var listenEU: String = "127.0.0.1:9792"

    @Option(name: .customLong("api-key"), help: "An accepted API key (repeatable).")
    var apiKeys: [String] = []

    @Option(name: .customLong("depleted-key"),
            help: "A key whose balance is used up: speech submits answer 400, the provider 402 (repeatable).")
    var depletedKeys: [String] = []

    @Option(name: .customLong("scenario"), help: "A scenario YAML file scheduling faults.")
    var scenario: String?

    @Option(name: .customLong("write-log"), help: "Also act as a client and append one JSON log line per request here.")
    var writeLog: String?

    @Option(name: .customLong("rate"), help: "Client requests per second (with --write-log).")
    var rate: Double?

    @Option(name: .customLong("client-timeout"), help: "Client timeout in seconds (with --write-log).")
    var clientTimeout: Double = 10

    @Option(name: .customLong("window"), help: "Rate-limit window in seconds.")
    var window: Double = 60

    @Option(name: .customLong("limit"), help: "Requests per window per region and model.")
    var limit: Int = 30

    @Option(name: .customLong("model-limit"), help: "A per-model limit, MODEL=N (repeatable).")
    var modelLimits: [String] = []

    @Option(name: .customLong("max-connections"), help: "Open connections per listener (one thread each).")
    var maxConnections: Int = 512

    @Option(name: .customLong("max-waiting"),
            help: "Requests per listener that may wait in a latency or hang fault at once; beyond it a hang becomes a drop.")
    var maxWaiting: Int = 256

    func validate() throws {
        if rate != nil && writeLog == nil { throw ValidationError("--rate needs --write-log") }
        for spec in modelLimits where Self.parseModelLimit(spec) == nil {
            throw ValidationError("--model-limit \(spec): expected MODEL=N with N a whole number of 0 or more")
        }
    }

    static func parseModelLimit(_ spec: String) -> (String, Int)? {
        guard let eq = spec.lastIndex(of: "="), let n = Int(spec[spec.index(after: eq)...]), n >= 0 else { return nil }
        let model = String(spec[..<eq])
        return model.isEmpty ? nil : (model, n)
    }

    func makeOptions(environment: [String: String] = ProcessInfo.processInfo.environment) -> SimulatorOptions {
        func address(_ s: String) -> String? { s == "none" || s.isEmpty ? nil : s }
        var options = SimulatorOptions()
        options.listen = address(listen)
        options.listenUS = address(listenUS)
        options.listenEU = address(listenEU)
        options.apiKeys = apiKeys + SimulatorOptions.keysFromEnvironment(environment)
        options.depletedKeys = depletedKeys
        options.scenarioPath = scenario
        options.writeLog = writeLog
        if let rate { options.rate = rate }
        options.clientTimeout = clientTimeout
        options.window = window
        options.defaultLimit = limit
        options.modelLimits = Dictionary(modelLimits.compactMap(Self.parseModelLimit), uniquingKeysWith: { $1 })
        options.maxConnections = maxConnections
        options.maxWaiting = maxWaiting
        return options
    }

    func run() throws {
        let options = makeOptions()
        let simulator: Simulator
        do {
            simulator = try Simulator(options: options)
            try simulator.start()
        } catch {
            FileHandle.standardError.write(Data("gatewatch simulate: \(error)\n".utf8))
            throw ExitCode(1)
        }
        var parts: [String] = []
        if let a = simulator.hostRoutedAddress { parts.append("\(a) (routes by Host)") }
        if let a = simulator.usAddress { parts.append("\(a) (US)") }
        if let a = simulator.euAddress { parts.append("\(a) (EU)") }
        var line = "gatewatch simulate: listening on \(parts.joined(separator: ", "))"
        line += options.apiKeys.isEmpty ? "; accepting the demo key (see --help)" : "; accepting \(Set(options.apiKeys).count) key(s)"
        if let s = simulator.scenario { line += "; scenario \(s.name) with \(s.faults.count) fault(s)" }
        if let log = options.writeLog { line += "; writing \(options.rate) request(s)/s to \(log)" }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))

        _ = SignalLoop.run(reload: {})  // SIGHUP: nothing to reload
        simulator.stop()
    }
}
