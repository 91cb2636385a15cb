package io.podgate.measure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Adds measurements and targets to the podgate report of the current test (JSON per test,
 * summary.json and index.html under {@code target/podgate/}, see docs/reports.md). Thread-safe.
 */
public interface PodgateReport {

  /** Adds an iperf3 run under its own label. */
  void throughput(ThroughputResult result);

  /** Adds an HTTP load run, e.g. {@code http("nginx via pod IP", result)}. */
  void http(String label, HttpLoadResult result);

  /** Adds a baseline/subject comparison, labelled "subject vs baseline". */
  void comparison(ComparisonResult result);

  void comparison(String label, ComparisonResult result);

  /** Adds a container churn run, labelled by its mode, workers and image. */
  void churn(ChurnResult result);

  void churn(String label, ChurnResult result);

  /** Adds latencies of CRI calls, keyed by operation name (e.g. "RunPodSandbox"). */
  void criLatency(String label, Map<String, List<Duration>> samplesByOperation);

  /**
   * Records a benchmark figure against a target and returns whether it met it: with
   * HIGHER_IS_BETTER it must be at least {@code target}, with LOWER_IS_BETTER at most.
   */
  boolean target(String name, double value, double target, String unit, MetricDirection direction);
}
