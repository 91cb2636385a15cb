package io.podgate.internal.measure.api;

import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import java.net.URI;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The non-public parts of {@code io.podgate.measure} that podgate's own layers need: a {@link Measure} for an
 * environment, and HTTP results over an HdrHistogram. Users never see these (no public constructor takes an
 * internal type, no public method an HdrHistogram one). The measure package registers its side when
 * {@link Measure} is initialised, as the JDK's own packages share their internals.
 */
public final class MeasureInternals {
  /** Implemented inside {@code io.podgate.measure}. */
  public interface Access {
    Measure measure(MeasureEnvironment env);

    /** See {@link HttpLoadResult}'s fields; {@code latencyMicros} is copied. */
    HttpLoadResult httpLoadResult(URI target, int connections, Duration duration, Histogram latencyMicros,
        long[] requestsPerSecond, long[] bytesPerSecond, long totalRequests, long totalBytes, long errors,
        long timeouts, long non2xx);

    /** The same result naming where its load came from (see {@link HttpLoadResult#via()}). */
    HttpLoadResult withVia(HttpLoadResult result, String via);

    /** A copy of the result's latency histogram, in microseconds. */
    Histogram latencyHistogram(HttpLoadResult result);
  }

  private static volatile Access access;

  private MeasureInternals() {}

  /** Called once by {@code io.podgate.measure}. */
  public static void register(Access implementation) {
    access = implementation;
  }

  public static Access access() {
    if (access == null) {
      try {
        Class.forName(Measure.class.getName(), true, Measure.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return access;
  }
}
