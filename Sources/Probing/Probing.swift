import GatewatchCore
/// libcurl probes.
public enum ProbingModule {}
