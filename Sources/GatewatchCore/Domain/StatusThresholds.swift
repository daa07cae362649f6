/// The `status:` thresholds of the config (CONTRACT section 5); durations in seconds.
public struct StatusThresholds: Sendable, Equatable {
    public var errorRatioWarning: Double
    public var errorRatioCritical: Double
    public var headroomWarning: Double
    public var latencyP95Warning: Double

    public init(errorRatioWarning: Double = 0.05, errorRatioCritical: Double = 0.25,
                headroomWarning: Double = 0.2, latencyP95Warning: Double = 10) {
        self.errorRatioWarning = errorRatioWarning
        self.errorRatioCritical = errorRatioCritical
        self.headroomWarning = headroomWarning
        self.latencyP95Warning = latencyP95Warning
    }
}
