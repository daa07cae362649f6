import ArgumentParser
import Foundation
import GatewatchCore
import Probing

/// `gatewatch probe [--config FILE] [NAME...]`: runs the named probes (all when none named) once,
/// now, and prints each result with its phases, status, class/reason, certificate expiry and
/// `X-RateLimit-*` headers, keys redacted. Exit 0 when all succeeded, 2 when any failed.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run probes once, now, and print each result (exit 0: all succeeded, 2: any failed).")

    @Option(name: .long, help: "The config file (default: the built-in config).")
    var config: String?

    @Argument(help: "Probe names (default: every probe in the config).")
    var names: [String] = []

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let loaded: GatewatchConfig
        if let path = config {
            do {
                loaded = try ConfigLoader.load(path: path)
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
        } else {
            loaded = GatewatchConfig.builtInDefault(environment: environment, logPaths: [])
        }
        // The core classifier, in each target's API dialect (a target's `api:` may override its provider's).
        var apis: [String: ProviderAPI] = [:]
        for target in loaded.targets { apis[target.provider] = target.api }
        let classifier = ErrorClassifier()
        let classify: @Sendable (RequestRecord) -> Classification? = { [apis] record in
            classifier.classify(record, api: apis[record.provider] ?? ProviderAPI.forProvider(record.provider))
        }
        let results: [ProbeResult]
        do {
            results = try ProbeRunner.runOnce(loaded, names: names, environment: environment,
                                              record: classify, classifyTransport: classify,
                                              onEvent: { event in
                                                  guard event.level >= .warning else { return }
                                                  let fields = event.metadata.sorted { $0.key < $1.key }
                                                      .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                                                  FileHandle.standardError.write(Data("\(event.level.rawValue): \(event.message) \(fields)\n".utf8))
                                              })
        } catch let error as ProbeRunner.UnknownProbes {
            throw ValidationError(error.description)
        }
        let redactor = Redactor(secrets: ProbeRunner.apiKeys(loaded, environment: environment))
        print(ProbeReport.render(results, redactor: redactor), terminator: "")
        throw ExitCode(ProbeReport.exitCode(results))
    }
}
