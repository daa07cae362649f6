import Foundation
import GatewatchCore
import Logging
import Synchronization

/// The two log line formats of `--log.format`, as Prometheus exporters write them.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// A swift-log handler writing one logfmt or JSON line per message to stderr.
/// Lines are written whole under one lock, so concurrent loggers never interleave.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let format: LogFormat
    private let label: String
    private let sink: LogSink

    public init(label: String, level: Logger.Level, format: LogFormat, sink: LogSink = .stderr) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level, message = event.message, explicit = event.metadata
        var fields: [(String, String)] = [
            ("ts", Self.timestamp(Date())),
            ("level", Self.levelName(level)),
            ("msg", message.description),
        ]
        if label != "gatewatch" { fields.append(("component", label)) }
        var merged = metadata
        if let explicit { merged.merge(explicit) { _, new in new } }
        for key in merged.keys.sorted() {
            fields.append((key, "\(merged[key]!)"))
        }
        sink.write(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warn"
        case .error, .critical: return "error"
        }
    }

    static func timestamp(_ date: Date) -> String {
        let f = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        return date.formatted(f)
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        var out = ""
        for (i, (k, v)) in fields.enumerated() {
            if i > 0 { out += " " }
            out += k
            out += "="
            let needsQuote = v.isEmpty || v.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.isNewline }
            if needsQuote {
                out += "\""
                for c in v {
                    switch c {
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    case "\n": out += "\\n"
                    case "\r": out += "\\r"
                    default: out.append(c)
                    }
                }
                out += "\""
            } else {
                out += v
            }
        }
        return out + "\n"
    }

    static func json(_ fields: [(String, String)]) -> String {
        var out = "{"
        for (i, (k, v)) in fields.enumerated() {
            if i > 0 { out += "," }
            out += JSONLiteral.string(k) + ":" + JSONLiteral.string(v)
        }
        return out + "}\n"
    }

}

/// Where log lines go: stderr, or a buffer for tests.
public final class LogSink: Sendable {
    private let buffer: Mutex<[String]>?
    private let lock = Mutex(())

    private init(capturing: Bool) {
        buffer = capturing ? Mutex([]) : nil
    }

    public static let stderr = LogSink(capturing: false)
    public static func capturing() -> LogSink { LogSink(capturing: true) }

    func write(_ line: String) {
        if buffer != nil {
            buffer!.withLock { $0.append(line) }
            return
        }
        lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// The lines written so far (capturing sinks only).
    public var lines: [String] { buffer == nil ? [] : buffer!.withLock { $0 } }
}

/// Installs the process-wide logging backend once; later calls are ignored by swift-log.
public enum GatewatchLogging {
    public static func bootstrap(level: Logger.Level, format: LogFormat) {
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: level, format: format)
        }
    }

    /// Parses `--log.level` values: debug, info, warn, error.
    public static func level(_ name: String) -> Logger.Level? {
        switch name.lowercased() {
        case "debug": return .debug
        case "info": return .info
        case "warn", "warning": return .warning
        case "error": return .error
        default: return nil
        }
    }
}
