import GatewatchCore
/// Following log files and decoding their JSON lines.
public enum LogTailModule {}
