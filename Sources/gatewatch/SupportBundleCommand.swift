import ArgumentParser
import Foundation
import Gatewatch
import GatewatchCore

/// `gatewatch support-bundle`: recent failures in the form the provider's support asks for.
struct SupportBundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support-bundle",
        abstract: "Print recent failed requests (request_id, model, region, time, status, body) for the provider's support.")

    @Option(help: "The exporter's base URL.")
    var url = "http://127.0.0.1:9788"

    @Option(help: "Only failures newer than this (30s, 5m, 1h).")
    var since: String?

    @Option(name: .customLong("request-id"), help: "Only the failure with this request_id.")
    var requestID: String?

    func run() async throws {
        var seconds: Double?
        if let since {
            guard let d = ConfigDuration.parse(since) else {
                throw ValidationError("--since \(since): expected a duration such as 30s, 5m or 1h")
            }
            seconds = d
        }
        let body: [UInt8]
        do {
            body = try await ExporterClient.get(base: url, path: "/api/v1/failures",
                                                query: [URLQueryItem(name: "limit", value: "1000")])
        } catch {
            FileHandle.standardError.write(Data("gatewatch support-bundle: \(error)\n".utf8))
            throw ExitCode(3)
        }
        guard let text = SupportBundle.format(body, since: seconds, requestID: requestID) else {
            FileHandle.standardError.write(Data("gatewatch support-bundle: the exporter's answer is not a failures document\n".utf8))
            throw ExitCode(3)
        }
        print(text, terminator: "")
    }
}
