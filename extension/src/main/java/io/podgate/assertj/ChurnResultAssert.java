package io.podgate.assertj;

import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a churn run (containers, or pods on a cluster); every failure message quotes the run's figures. */
public class ChurnResultAssert extends AbstractAssert<ChurnResultAssert, ChurnResult> {

  public ChurnResultAssert(ChurnResult actual) {
    super(actual, ChurnResultAssert.class);
  }

  /** Completed cycles per second reach {@code cyclesPerSecond}. */
  public ChurnResultAssert hasRateAtLeast(double cyclesPerSecond) {
    isNotNull();
    if (actual.cyclesPerSecond() < cyclesPerSecond) {
      failWithMessage("Expected a churn rate of at least %s cycles/s but got %s cycles/s.%n%s",
          fmt(cyclesPerSecond), fmt(actual.cyclesPerSecond()), actual.summary());
    }
    return this;
  }

  /** No cycle failed and the run was not stopped early. */
  public ChurnResultAssert hasNoFailures() {
    isNotNull();
    if (actual.failures() > 0) {
      failWithMessage("Expected no failed churn cycles but %d of %d failed; first messages:%n  %s%n%s",
          actual.failures(), actual.failures() + actual.cycles(), String.join("\n  ", actual.failureMessages()),
          actual.summary());
    }
    if (actual.stoppedEarly().isPresent()) {
      failWithMessage("Expected the churn run to reach its bound but it stopped early: %s%n%s",
          actual.stoppedEarly().get(), actual.summary());
    }
    return this;
  }

  /**
   * The 99th percentile latency of CRI operation {@code operation} (e.g. {@code "StartContainer"}, see
   * {@link ChurnResult#CREATE_CONTAINER} and its siblings) is at most {@code max}.
   */
  public ChurnResultAssert hasOperationP99AtMost(String operation, Duration max) {
    isNotNull();
    ChurnResult.OperationLatency l = actual.latencies().get(operation);
    if (l == null) {
      failWithMessage("Expected a p99 latency for '%s' but this run measured only %s (mode %s; with no successful "
          + "call an operation has no latency).%n%s", operation, actual.latencies().keySet(), actual.mode(),
          actual.summary());
      return this;
    }
    double maxMillis = max.toNanos() / 1e6;
    if (l.p99Millis() > maxMillis) {
      failWithMessage("Expected %s p99 latency of at most %s ms but it was %s ms (p50 %s, max %s, n=%d).%n%s",
          operation, fmt(maxMillis), fmt(l.p99Millis()), fmt(l.p50Millis()), fmt(l.maxMillis()), l.count(),
          actual.summary());
    }
    return this;
  }

  /**
   * The P99 pod latency of {@code condition} ({@code "PodScheduled"}, {@code "Initialized"},
   * {@code "ContainersReady"} or {@code "Ready"}, see {@link ChurnResult#READY} and its siblings) is at most
   * {@code maxMillis} milliseconds, as kube-burner's {@code Ready P99 < 2000ms}. Pod latencies come from
   * {@code path(POD_API)} runs on a Kubernetes backend; see {@link ChurnResult.PodLatency}.
   */
  public ChurnResultAssert hasPodLatencyP99AtMostMillis(String condition, double maxMillis) {
    return podLatencyAtMost(condition, "P99", maxMillis);
  }

  /** As {@link #hasPodLatencyP99AtMostMillis}, for the P95 (milliseconds). */
  public ChurnResultAssert hasPodLatencyP95AtMostMillis(String condition, double maxMillis) {
    return podLatencyAtMost(condition, "P95", maxMillis);
  }

  /** As {@link #hasPodLatencyP99AtMostMillis}, for the P50 (milliseconds). */
  public ChurnResultAssert hasPodLatencyP50AtMostMillis(String condition, double maxMillis) {
    return podLatencyAtMost(condition, "P50", maxMillis);
  }

  /** The run measured a pod latency for each of {@code conditions} (e.g. all of {@link ChurnResult#podConditions()}). */
  public ChurnResultAssert hasPodLatenciesFor(String... conditions) {
    isNotNull();
    for (String c : conditions) {
      if (!actual.podLatencies().containsKey(c)) {
        failWithMessage("Expected a pod latency for '%s' but this run (path %s) measured %s.%n%s", c, actual.path(),
            actual.podLatencies().keySet(), actual.summary());
      }
    }
    return this;
  }

  private ChurnResultAssert podLatencyAtMost(String condition, String quantile, double maxMillis) {
    isNotNull();
    ChurnResult.PodLatency l = actual.podLatencies().get(condition);
    if (l == null) {
      failWithMessage("Expected a %s pod latency for '%s' but this run (path %s) measured %s; pod latencies come "
          + "from path(POD_API) on a Kubernetes backend, and a condition no completed pod showed True has none.%n%s",
          quantile, condition, actual.path(), actual.podLatencies().keySet(), actual.summary());
      return this;
    }
    double v = switch (quantile) {
      case "P50" -> l.p50Millis();
      case "P95" -> l.p95Millis();
      default -> l.p99Millis();
    };
    if (v > maxMillis) {
      failWithMessage("Expected %s %s pod latency of at most %s ms but it was %s ms (p50 %s, p95 %s, p99 %s, max %s, "
          + "n=%d).%n%s", condition, quantile, fmt(maxMillis), fmt(v), fmt(l.p50Millis()), fmt(l.p95Millis()),
          fmt(l.p99Millis()), fmt(l.maxMillis()), l.count(), actual.summary());
    }
    return this;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
