import Foundation
import GatewatchCore
import XCTest
@testable import Simulator

/// A simulator on three free loopback ports with a manual clock, and a client for it.
final class LiveSimulator: Sendable {
    enum Listener { case us, eu, hostRouted }

    let simulator: Simulator
    let clock: ManualTimeSource

    init(_ configure: (inout SimulatorOptions) -> Void = { _ in }, scenarioYAML: String? = nil,
         clock: ManualTimeSource = ManualTimeSource()) throws {
        var options = SimulatorOptions()
        options.listen = "127.0.0.1:0"
        options.listenUS = "127.0.0.1:0"
        options.listenEU = "127.0.0.1:0"
        options.maxWaiting = 2
        if let scenarioYAML {
            let path = NSTemporaryDirectory() + "gw-sim-scenario-\(UUID().uuidString).yml"
            try scenarioYAML.write(toFile: path, atomically: true, encoding: .utf8)
            options.scenarioPath = path
        }
        configure(&options)
        self.clock = clock
        simulator = try Simulator(options: options, timeSource: clock)
        try simulator.start()
    }

    deinit { simulator.stop() }

    func address(_ listener: Listener) -> String {
        switch listener {
        case .us: return simulator.usAddress ?? ""
        case .eu: return simulator.euAddress ?? ""
        case .hostRouted: return simulator.hostRoutedAddress ?? ""
        }
    }

    /// One request; fails the test on a transport failure.
    @discardableResult
    func request(_ method: String, _ path: String, on listener: Listener = .us, body: String = "",
                 auth: String? = SimulatorOptions.demoKey, host: String? = nil, timeout: Double = 30,
                 file: StaticString = #filePath, line: UInt = #line) -> Reply {
        switch outcome(method, path, on: listener, body: body, auth: auth, host: host, timeout: timeout) {
        case .response(let r):
            return Reply(status: r.status, headers: r.headers, body: String(decoding: r.body, as: UTF8.self))
        case .failure(let message):
            XCTFail("transport failure: \(message)", file: file, line: line)
            return Reply(status: 0, headers: [], body: "")
        }
    }

    func outcome(_ method: String, _ path: String, on listener: Listener = .us, body: String = "",
                 auth: String? = SimulatorOptions.demoKey, host: String? = nil,
                 timeout: Double = 30) -> LoopbackHTTPClient.Outcome {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let auth { headers.append(("Authorization", auth)) }
        let address = address(listener)
        return LoopbackHTTPClient.send(address: address, method: method, path: path, host: host ?? address,
                                       headers: headers, body: Array(body.utf8), timeout: timeout)
    }

    func chat(_ model: String = "claude-sonnet-4-6", on listener: Listener = .us, extra: String = "",
              auth: String? = SimulatorOptions.demoKey, host: String? = nil) -> Reply {
        let body = #"{"model": "\#(model)", "messages": [{"role": "user", "content": "hi"}]\#(extra)}"#
        return request("POST", "/v1/chat/completions", on: listener, body: body, auth: auth, host: host)
    }
}

struct Reply {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    var requestID: String? { json["request_id"] as? String }

    /// The body with its request_id replaced by `RID`, for byte-exact comparisons.
    var bodyWithoutRequestID: String {
        guard let id = requestID else { return body }
        return body.replacingOccurrences(of: id, with: "RID")
    }

    var metadataErrors: [String] {
        ((json["metadata"] as? [String: Any])?["errors"] as? [String]) ?? []
    }

    var rateLimit: (limit: Int, remaining: Int, reset: Int, model: String, service: String)? {
        guard let l = header("X-RateLimit-Limit").flatMap(Int.init),
              let r = header("X-RateLimit-Remaining").flatMap(Int.init),
              let s = header("X-RateLimit-Reset").flatMap(Int.init),
              let m = header("X-RateLimit-Model"), let svc = header("X-RateLimit-Service") else { return nil }
        return (l, r, s, m, svc)
    }
}

/// The repository root, for example files.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
