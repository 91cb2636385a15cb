package io.podgate.assertj;

import io.podgate.measure.HttpLoadResult;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/** Assertions on an HTTP load run; every failure message carries the run's figures. */
public class HttpLoadResultAssert extends AbstractAssert<HttpLoadResultAssert, HttpLoadResult> {

  public HttpLoadResultAssert(HttpLoadResult actual) {
    super(actual, HttpLoadResultAssert.class);
  }

  /**
   * The latency at {@code percentile} (0-100, e.g. 50, 97.5, 99) is at most {@code millis}. Fails
   * when no response completed: a run without responses says nothing about latency.
   */
  public HttpLoadResultAssert hasLatencyPercentileAtMostMillis(double percentile, double millis) {
    isNotNull();
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be 0..100, got " + percentile);
    }
    requireResponses("a p" + fmt(percentile) + " latency");
    double value = actual.latencyAtPercentileMs(percentile);
    if (!(value <= millis)) {
      failWithMessage("Expected p%s latency of at most %s ms but it was %s ms.%n%s", fmt(percentile), fmt(millis),
          fmt3(value), figures(actual));
    }
    return this;
  }

  public HttpLoadResultAssert hasP50AtMostMillis(double millis) {
    return hasLatencyPercentileAtMostMillis(50, millis);
  }

  public HttpLoadResultAssert hasP97_5AtMostMillis(double millis) {
    return hasLatencyPercentileAtMostMillis(97.5, millis);
  }

  public HttpLoadResultAssert hasP99AtMostMillis(double millis) {
    return hasLatencyPercentileAtMostMillis(99, millis);
  }

  /** Responses per second over the whole measured time reach {@code requestsPerSecond}. */
  public HttpLoadResultAssert hasRequestsPerSecondAtLeast(double requestsPerSecond) {
    isNotNull();
    if (!(actual.averageRequestsPerSecond() >= requestsPerSecond)) {
      failWithMessage("Expected at least %s req/s but got %s req/s (%d responses in %s s).%n%s",
          fmt(requestsPerSecond), fmt(actual.averageRequestsPerSecond()), actual.totalRequests(),
          fmt3(actual.duration().toNanos() / 1e9), figures(actual));
    }
    return this;
  }

  /** No request failed: no connect/read failure, malformed response or timeout; and some completed. */
  public HttpLoadResultAssert hasNoErrors() {
    isNotNull();
    requireResponses("error-free requests");
    if (actual.errors() > 0) {
      failWithMessage("Expected no failed requests but %d failed (%d of them timeouts) next to %d responses.%n%s",
          actual.errors(), actual.timeouts(), actual.totalRequests(), figures(actual));
    }
    return this;
  }

  /** Every completed response had a 2xx status, and some completed. */
  public HttpLoadResultAssert hasNoNon2xx() {
    isNotNull();
    requireResponses("2xx responses");
    if (actual.non2xx() > 0) {
      failWithMessage("Expected only 2xx responses but %d of %d were not 2xx.%n%s", actual.non2xx(),
          actual.totalRequests(), figures(actual));
    }
    return this;
  }

  private void requireResponses(String what) {
    if (actual.totalRequests() == 0) {
      failWithMessage("Expected %s but no response completed at all (%d errors, %d timeouts); is %s reachable?%n%s",
          what, actual.errors(), actual.timeouts(), actual.target(), figures(actual));
    }
  }

  /** The figures quoted in failure messages. */
  static String figures(HttpLoadResult r) {
    HttpLoadResult.LatencyStats l = r.latency();
    return String.format(Locale.ROOT,
        "  %s, %d connections, %d responses in %.2f s: %.1f req/s (per-second avg %.1f, p50 %.0f)%n"
            + "  latency ms: p2.5 %.3f, p50 %.3f, p97.5 %.3f, p99 %.3f, avg %.3f, max %.3f%n"
            + "  errors %d (timeouts %d), non-2xx %d",
        r.target(), r.connections(), r.totalRequests(), r.duration().toNanos() / 1e9, r.averageRequestsPerSecond(),
        r.requestsPerSecond().avg(), r.requestsPerSecond().p50(), l.p2_5(), l.p50(), l.p97_5(), l.p99(), l.avg(),
        l.max(), r.errors(), r.timeouts(), r.non2xx());
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
