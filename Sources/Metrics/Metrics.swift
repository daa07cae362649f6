/// Counter, gauge and histogram families and their encoders. See the Metrics README section.
public enum MetricsModule {}
