package io.podgate.internal.measure.churn;

import io.podgate.measure.ChurnResult.PodLatency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pod-latency samples per pod condition (milliseconds from a pod's create request to the watch event that
 * first showed the condition True) and kube-burner's summary of them: nearest-rank P50/P95/P99, max, mean.
 * Thread-safe.
 */
public final class PodLatencies {
  private final Map<String, List<Double>> byCondition = new LinkedHashMap<>();

  /** @param conditions the conditions recorded, in the order results list them */
  public PodLatencies(List<String> conditions) {
    for (String c : conditions) {
      byCondition.put(c, new ArrayList<>());
    }
  }

  /** Adds one pod's sample of {@code condition}, in milliseconds (not negative). */
  public void record(String condition, double millis) {
    List<Double> samples = byCondition.get(condition);
    if (samples == null) {
      throw new IllegalArgumentException("no pod condition " + condition + "; known: " + byCondition.keySet());
    }
    if (!(millis >= 0)) {
      throw new IllegalArgumentException("pod latency of " + condition + " must be zero or positive, got " + millis);
    }
    synchronized (this) {
      samples.add(millis);
    }
  }

  /** Forgets every sample (a warm-up's), keeping the conditions. */
  public synchronized void reset() {
    byCondition.values().forEach(List::clear);
  }

  /** The summary of every condition with at least one sample, in construction order. */
  public synchronized Map<String, PodLatency> summaries() {
    Map<String, PodLatency> out = new LinkedHashMap<>();
    byCondition.forEach((c, samples) -> {
      if (!samples.isEmpty()) {
        out.put(c, summarize(c, samples));
      }
    });
    return out;
  }

  /** kube-burner's summary of {@code samples} (milliseconds, at least one). */
  static PodLatency summarize(String condition, List<Double> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples of " + condition);
    }
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return new PodLatency(condition, sorted.length, nearestRank(sorted, 0.50), nearestRank(sorted, 0.95),
        nearestRank(sorted, 0.99), sorted[sorted.length - 1], sum / sorted.length);
  }

  /** The value at rank ceil(q * n) (1-based) of ascending {@code sorted}: never interpolated, always a sample. */
  static double nearestRank(double[] sorted, double q) {
    if (sorted.length == 0 || !(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("nearest rank needs samples and 0 < q <= 1, got n=" + sorted.length + ", q=" + q);
    }
    int rank = (int) Math.ceil(q * sorted.length - 1e-9);
    return sorted[Math.max(1, rank) - 1];
  }
}
