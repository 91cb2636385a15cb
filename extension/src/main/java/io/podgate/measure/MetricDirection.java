package io.podgate.measure;

/** Which way a metric improves; decides the sign of an overhead. */
public enum MetricDirection {
  /** Throughput, requests/s: overhead = (baseline - subject) / baseline. */
  HIGHER_IS_BETTER,
  /** Latency, time per operation: overhead = (subject - baseline) / baseline. */
  LOWER_IS_BETTER;

  /** Relative cost of the subject against the baseline; positive means the subject is worse. */
  public double overhead(double baseline, double subject) {
    return this == HIGHER_IS_BETTER ? (baseline - subject) / baseline : (subject - baseline) / baseline;
  }

  public String phrase() {
    return this == HIGHER_IS_BETTER ? "higher is better" : "lower is better";
  }
}
