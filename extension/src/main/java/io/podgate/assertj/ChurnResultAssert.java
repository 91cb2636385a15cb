package io.podgate.assertj;

import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a container churn run; every failure message quotes the run's figures. */
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

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
