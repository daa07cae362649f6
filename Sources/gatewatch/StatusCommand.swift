import ArgumentParser
import Foundation
import Gatewatch

/// `gatewatch status`: the exporter's health summary, with Nagios plugin exit codes.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Ask a running exporter for its health summary (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).")

    @Option(help: "The exporter's base URL.")
    var url = "http://127.0.0.1:9788"

    @Flag(help: "Print the status document as JSON.")
    var json = false

    func run() async throws {
        let body: [UInt8]
        do {
            body = try await ExporterClient.get(base: url, path: "/api/v1/status")
        } catch {
            print("GATEWATCH UNKNOWN - \(error)")
            throw ExitCode(StatusFormatter.Exit.unknown.rawValue)
        }
        let (text, exit) = StatusFormatter.format(body)
        if json && exit != .unknown {
            print(String(decoding: body, as: UTF8.self))
        } else {
            print(text, terminator: "")
        }
        throw ExitCode(exit.rawValue)
    }
}
