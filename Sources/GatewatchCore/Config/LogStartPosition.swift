/// Where to start reading a log file gatewatch has never seen (no checkpoint).
public enum LogStartPosition: String, Sendable, CaseIterable, Hashable {
    case end
    case beginning
}
