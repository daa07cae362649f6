import Foundation
import GatewatchCore
import HTTPServer
import Metrics
import Probing

#if canImport(Glibc)
import Glibc
#endif

/// The pieces `scripts/bench-probe.sh` runs as separate processes, so each one's CPU is its own:
///
/// - `probe-target CERT KEY PORTFILE`: an HTTPS server on 127.0.0.1 (libmicrohttpd) answering
///   `ok`, until SIGTERM. Both probers probe it.
/// - `probe-engine URL CA PROBES INTERVAL SECONDS [keepalive]`: gatewatch's probe engine
///   (`ProbeService`, with `reuseConnections` when `keepalive` is given)
///   running PROBES `http` probes of URL every INTERVAL seconds for SECONDS, recording each request
///   into a headroom tracker and rendering its registry every 15 s as a scrape would. Prints the
///   runs completed and its own CPU seconds (utime+stime from /proc/self/stat) over the run.
enum ProbeBenchmark {
    static func target(_ arguments: [String]) {
        guard arguments.count == 3,
              let cert = try? String(contentsOfFile: arguments[0], encoding: .utf8),
              let key = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
            fail("usage: GatewatchBench probe-target CERT KEY PORTFILE")
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(listenAddresses: ["127.0.0.1:0"], threads: 2,
                                                                       connectionLimit: 1024,
                                                                       tls: TLSConfiguration(certificatePEM: cert, privateKeyPEM: key)),
                                handler: { _ in .text(200, "ok\n") })
        do { try server.start() } catch { fail("probe-target: \(error)") }
        let port = server.boundAddresses.first?.split(separator: ":").last.map(String.init) ?? "0"
        do { try port.write(toFile: arguments[2], atomically: true, encoding: .utf8) } catch { fail("probe-target: \(error)") }
        signal(SIGTERM, SIG_IGN)
        let term = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
        term.setEventHandler { server.stop(); exit(0) }
        term.resume()
        dispatchMain()
    }

    static func engine(_ arguments: [String]) {
        guard arguments.count == 5 || arguments.count == 6, let probes = Int(arguments[2]), let interval = Double(arguments[3]),
              let seconds = Double(arguments[4]) else {
            fail("usage: GatewatchBench probe-engine URL CA PROBES INTERVAL SECONDS [keepalive]")
        }
        let registry = MetricsRegistry()
        let headroom = HeadroomTracker(time: SystemTimeSource())
        let service = ProbeService(
            registry: registry,
            record: { r in
                headroom.record(provider: r.provider, region: r.region, model: r.model, headers: r.rateLimit)
                return r.statusCode.map { (200..<300).contains($0) } == true ? nil : Classification(.other, "other")
            },
            mayProbeSpend: { p, r, m, n in headroom.mayProbeSpend(provider: p, region: r, model: m, minRemaining: n) },
            onEvent: { e in if e.level >= .warning { print("event: \(e.level.rawValue) \(e.message) \(e.metadata)") } },
            classifyTransport: nil, firstRunSpread: interval, reuseConnections: arguments.count == 6)
        let target = TargetConfig(name: "bench", provider: "bench", region: "local", baseURL: arguments[0], caFile: arguments[1])
        let config = GatewatchConfig(targets: [target], probes: (0..<probes).map {
            ProbeConfig(name: "bench-\($0)", target: "bench", kind: .http, interval: interval, timeout: min(interval, 5))
        })
        let startCPU = cpuSeconds()
        service.apply(config, environment: [:])
        let deadline = Date().addingTimeInterval(seconds)
        var scrapes = 0
        while Date() < deadline {
            Thread.sleep(forTimeInterval: min(15, max(0, deadline.timeIntervalSinceNow)))
            _ = registry.render(.text)
            scrapes += 1
        }
        let stats = service.runStats()
        service.stop()
        let cpu = cpuSeconds() - startCPU
        let completed = stats.values.reduce(0) { $0 + $1.completed }
        let failed = String(decoding: registry.render(.text), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("gatewatch_probe_runs_total{") && $0.contains("result=\"failure\"") }
            .reduce(0.0) { $0 + (Double($1.split(separator: " ").last ?? "0") ?? 0) }
        let late = stats.values.reduce(0) { $0 + $1.late }
        print("gatewatch_runs=\(completed) gatewatch_failed=\(Int(failed)) gatewatch_late=\(late) gatewatch_scrapes=\(scrapes) gatewatch_cpu_seconds=\(String(format: "%.3f", cpu))")
    }

    /// utime + stime of this process, seconds.
    static func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
