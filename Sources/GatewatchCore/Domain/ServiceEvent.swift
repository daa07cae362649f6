/// Something a background service (probes, log tailing) wants the exporter's logger to say.
/// Never contains an API key or a log line's contents.
public struct ServiceEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warning, error

        private var rank: Int {
            switch self {
            case .debug: return 0
            case .info: return 1
            case .warning: return 2
            case .error: return 3
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    public var level: Level
    public var message: String
    /// Structured fields (`probe`, `log`, `path`, `error`...), for logfmt or JSON.
    public var metadata: [String: String]

    public init(level: Level, message: String, metadata: [String: String] = [:]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }

    public var description: String {
        let meta = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(level.rawValue): \(message)" + (meta.isEmpty ? "" : " " + meta)
    }
}
