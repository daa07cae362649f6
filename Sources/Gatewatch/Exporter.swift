import Foundation
import GatewatchCore
import HTTPServer
import Logging
import LogTail
import Metrics
import Probing
import Synchronization

/// A fatal start-up error: one clear line for stderr.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
}

/// The running exporter: metrics registry, recorder, probes, log tailing and the HTTP endpoint,
/// wired together. Created by `start`, reloaded by SIGHUP or `POST /-/reload`, stopped once.
public final class Exporter: Sendable {
    public let registry: MetricsRegistry
    public let recorder: Recorder
    let selfMetrics: SelfMetrics
    let probes: ProbeService
    let logs: LogTailService
    let options: ServeOptions
    let logger: Logger
    private let config: Mutex<GatewatchConfig>
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    private let reloading = Mutex(())
    private let startedAt = Date()

    private init(options: ServeOptions, config: GatewatchConfig, logger: Logger) {
        self.options = options
        self.logger = logger
        self.config = Mutex(config)
        registry = MetricsRegistry(maxLabelValues: config.limits.maxLabelValues)
        selfMetrics = SelfMetrics(registry: registry)
        let redactor = Redactor(secrets: Self.resolvedKeys(config, environment: options.environment))
        recorder = Recorder(registry: registry,
                            headroom: HeadroomTracker(ttl: config.limits.ratelimitSeriesTTL, time: SystemTimeSource()),
                            failures: RecentFailures(capacity: config.limits.recentFailures, redactor: redactor),
                            windows: StatusWindows(time: SystemTimeSource()),
                            providerAPIs: Self.providerAPIs(config))
        recorder.exposeHeadroom(on: registry)
        probes = ProbeService(
            registry: registry,
            record: { [recorder] in recorder.record($0) },
            mayProbeSpend: { [headroom = recorder.headroom] provider, region, model, minRemaining in
                headroom.mayProbeSpend(provider: provider, region: region, model: model, minRemaining: minRemaining)
            },
            onEvent: { logger.log($0) })
        logs = LogTailService(registry: registry, ingest: { [recorder] in recorder.record($0) },
                              onEvent: { logger.log($0) })
    }

    /// Loads the config, starts probes, log tailing and the HTTP endpoint. Throws a `StartupError`
    /// (bad config, unreadable web config, port in use) with nothing left running.
    public static func start(options: ServeOptions, logger: Logger) throws -> Exporter {
        let config: GatewatchConfig
        do {
            config = try options.loadConfig()
        } catch {
            throw StartupError(description: "invalid config: \(error.renderedLines.joined(separator: "; "))")
        }
        let web = try loadWebSettings(options)
        let exporter = Exporter(options: options, config: config, logger: logger)
        do {
            try exporter.logs.apply(config.logs, stateDirectory: config.resolvedStateDir(environment: options.environment))
        } catch {
            throw StartupError(description: "log tailing: \(error)")
        }
        exporter.probes.apply(config, environment: options.environment)

        let routes = ExporterRoutes(exporter: exporter, telemetryPath: options.effectiveTelemetryPath(config),
                                    auth: web.auth)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listenAddresses: options.effectiveListenAddresses(config),
                                                   tls: web.tls),
            handler: routes.handler,
            observer: { [selfMetrics = exporter.selfMetrics, known = routes.knownPaths] _, path, status in
                selfMetrics.countHTTP(path: path, status: status, knownPaths: known)
            })
        do {
            try server.start()
        } catch {
            exporter.probes.stop()
            exporter.logs.stop()
            throw StartupError(description: "\(error)")
        }
        exporter.server.withLock { $0 = server }
        exporter.selfMetrics.configLoaded(success: true)
        for address in server.boundAddresses {
            logger.info("listening", metadata: ["address": "\(address)", "tls": "\(web.tls != nil)"])
        }
        logger.info("gatewatch started", metadata: [
            "version": "\(GatewatchModule.version)",
            "config": "\(options.configPath ?? "built-in default")",
            "probes": "\(config.probes.count)", "logs": "\(config.logs.count)",
        ])
        return exporter
    }

    /// The addresses the endpoint listens on, with the ports the kernel chose.
    public var boundAddresses: [String] { server.withLock { $0?.boundAddresses ?? [] } }

    /// The config now running.
    public var currentConfig: GatewatchConfig { config.withLock { $0 } }

    /// Ready once the config is loaded and every probe has run once.
    public var isReady: Bool { probes.allRanOnce }

    /// Re-reads the config; a bad one keeps the running config and returns its problems.
    @discardableResult
    public func reload() -> Result<Void, StartupError> {
        reloading.withLock { _ in
            let new: GatewatchConfig
            do throws(ConfigError) {
                new = try options.loadConfig()
            } catch {
                selfMetrics.configLoaded(success: false)
                let message = error.renderedLines.joined(separator: "\n")
                logger.error("config reload failed; keeping the running config", metadata: ["error": "\(message)"])
                return .failure(StartupError(description: message))
            }
            let old = currentConfig
            do {
                try logs.apply(new.logs, stateDirectory: new.resolvedStateDir(environment: options.environment))
            } catch {
                selfMetrics.configLoaded(success: false)
                logger.error("config reload failed; keeping the running config", metadata: ["error": "\(error)"])
                return .failure(StartupError(description: "log tailing: \(error)"))
            }
            recorder.setProviderAPIs(Self.providerAPIs(new))
            recorder.failures.setRedactor(Redactor(secrets: Self.resolvedKeys(new, environment: options.environment)))
            probes.apply(new, environment: options.environment)
            config.withLock { $0 = new }
            if options.effectiveListenAddresses(new) != options.effectiveListenAddresses(old) {
                logger.warning("web.listen_address changed; it takes effect after a restart")
            }
            if new.limits.maxLabelValues != old.limits.maxLabelValues {
                logger.warning("limits.max_label_values changed; it takes effect after a restart")
            }
            selfMetrics.configLoaded(success: true)
            logger.info("config reloaded", metadata: ["probes": "\(new.probes.count)", "logs": "\(new.logs.count)"])
            return .success(())
        }
    }

    /// Stops serving, probing and tailing. Log positions are not persisted here: the checkpoint
    /// taken at the last scrape is what a restart resumes from (CONTRACT: counted once in what
    /// Prometheus saw).
    public func stop() {
        let s = server.withLock { s -> HTTPServer? in defer { s = nil }; return s }
        s?.stop()
        probes.stop()
        logs.stop()
        logger.info("gatewatch stopped")
    }

    /// The status document of `/api/v1/status`.
    public func statusReport(now: Double = Date().timeIntervalSince1970) -> StatusReport {
        StatusEvaluator.evaluate(windows: recorder.windows.snapshot(),
                                 probes: probes.states(),
                                 headroom: recorder.headroom.snapshot(at: now),
                                 thresholds: currentConfig.status,
                                 now: now)
    }

    // MARK: - helpers

    static func providerAPIs(_ config: GatewatchConfig) -> [String: ProviderAPI] {
        var map: [String: ProviderAPI] = [:]
        for t in config.targets { map[t.provider] = t.api }
        for l in config.logs where map[l.provider] == nil { map[l.provider] = l.api }
        return map
    }

    /// Every key the config can resolve, so the failures ring can redact them.
    static func resolvedKeys(_ config: GatewatchConfig, environment: [String: String]) -> [String] {
        config.targets.compactMap { try? $0.resolveAPIKey(environment: environment) }.filter { !$0.isEmpty }
    }

    struct WebSettings {
        var tls: TLSConfiguration?
        var auth: BasicAuth
    }

    static func loadWebSettings(_ options: ServeOptions) throws -> WebSettings {
        guard let path = options.webConfigPath else { return WebSettings(tls: nil, auth: BasicAuth(users: [:])) }
        let web: WebToolkitConfig
        do {
            web = try ConfigLoader.loadWebConfig(path: path)
        } catch {
            throw StartupError(description: "invalid web config: \(error.renderedLines.joined(separator: "; "))")
        }
        var tls: TLSConfiguration?
        if let t = web.tlsServerConfig {
            do {
                let cert = try String(contentsOfFile: t.certFile, encoding: .utf8)
                let key = try String(contentsOfFile: t.keyFile, encoding: .utf8)
                let ca = try t.clientCAFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
                tls = TLSConfiguration(certificatePEM: cert, privateKeyPEM: key,
                                       clientCAPEM: t.clientAuthType.verifiesClientCert ? ca : nil)
            } catch {
                throw StartupError(description: "\(path): cannot read a TLS file: \(error.localizedDescription)")
            }
        }
        return WebSettings(tls: tls, auth: BasicAuth(users: web.basicAuthUsers))
    }
}

extension Logger {
    /// Logs what a background service reported.
    func log(_ event: ServiceEvent) {
        let level: Logger.Level = switch event.level {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
        log(level: level, "\(event.message)", metadata: event.metadata.mapValues { .string($0) })
    }
}
