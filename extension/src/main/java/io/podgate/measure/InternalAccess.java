package io.podgate.measure;

import io.podgate.internal.measure.api.MeasureEnvironment;
import io.podgate.internal.measure.api.MeasureInternals;
import java.net.URI;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/** This package's side of {@link MeasureInternals}. */
final class InternalAccess implements MeasureInternals.Access {
  @Override
  public Measure measure(MeasureEnvironment env) {
    return new Measure(env);
  }

  @Override
  public HttpLoadResult httpLoadResult(URI target, int connections, Duration duration, Histogram latencyMicros,
      long[] requestsPerSecond, long[] bytesPerSecond, long totalRequests, long totalBytes, long errors,
      long timeouts, long non2xx) {
    return HttpLoadResult.of(target, connections, duration, latencyMicros, requestsPerSecond, bytesPerSecond,
        totalRequests, totalBytes, errors, timeouts, non2xx);
  }

  @Override
  public HttpLoadResult withVia(HttpLoadResult result, String via) {
    return result.withVia(via);
  }

  @Override
  public Histogram latencyHistogram(HttpLoadResult result) {
    return result.latencyHistogram();
  }
}
