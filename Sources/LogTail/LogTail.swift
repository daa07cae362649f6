import GatewatchCore

/// Following log files and decoding their JSON lines (CONTRACT sections 1 `replay`, 3 "Log
/// tailing", 5 `logs:`, 6).
///
/// - `LogTailService`: `serve`'s follower. `apply(_:stateDirectory:)` to start or reconfigure,
///   `withScrapeCheckpoint(_:)` around every /metrics render, `stop()` on shutdown.
/// - `LogReplay.run(files:source:registry:ingest:)`: `gatewatch replay`, read once, no checkpoints.
/// - `LogLineDecoder`: one JSON line to a `RequestRecord`, or a `LogRejection` reason.
public enum LogTailModule {}
