package io.podgate.measure;

import io.podgate.PodgateException;
import io.podgate.internal.measure.http.LoadReportFormat;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Figures of one HTTP load run, laid out like autocannon's: latency percentiles from an
 * HdrHistogram recorded in microseconds, and requests/bytes per second sampled once per second.
 * Immutable. Latencies are in milliseconds (microsecond precision). Errors include timeouts.
 *
 * <p>{@link #via()} names where the load came from. {@value #DIRECT}: podgate's own generator in the test JVM,
 * all figures as above. Through a client pod (the JVM cannot reach pod IPs, or {@code podgate.measure.via=client-pod})
 * the load is wrk 4 in the client pod, and the figures are wrk's: {@link #totalRequests}, {@link #totalBytes} and
 * {@link #duration} from its summary; {@link #errors} its connect + read + write + timeout errors, {@link #timeouts}
 * its timeouts; {@link #non2xx} its status errors, which wrk counts as responses with status 400 or above (so a
 * 3xx is not counted there); the latency histogram is wrk's own (1 us buckets), which wrk corrects for coordinated
 * omission by adding samples, so it may hold more samples than requests. wrk does not sample per second: the
 * per-second series are then empty and {@link #requestsPerSecond()} / {@link #bytesPerSecond()} are all 0; use
 * {@link #averageRequestsPerSecond()}.
 */
public final class HttpLoadResult {
  /** {@link #via()} of a run made by the in-JVM generator. */
  public static final String DIRECT = "direct from the test JVM";

  /** Latency statistics in milliseconds. */
  public record LatencyStats(
      double p2_5, double p50, double p97_5, double p99, double avg, double stdev, double max) {}

  /**
   * Statistics over per-second samples (requests or bytes per second). Percentiles use the
   * nearest-rank method; stdev is the population standard deviation.
   */
  public record RateStats(
      double p1, double p2_5, double p50, double p97_5, double avg, double stdev, double min,
      double max) {}

  /** One point of the latency distribution: {@code percentile} (0-100) reached at {@code millis}. */
  public record PercentilePoint(double percentile, double millis) {}

  private final URI target;
  private final int connections;
  private final Duration duration;
  private final Histogram latencyMicros;
  private final long[] requestsPerSecond;
  private final long[] bytesPerSecond;
  private final long totalRequests;
  private final long totalBytes;
  private final long errors;
  private final long timeouts;
  private final long non2xx;
  private final LatencyStats latency;
  private final RateStats requestRate;
  private final RateStats byteRate;
  private final String via;

  private HttpLoadResult(
      URI target,
      int connections,
      Duration duration,
      Histogram latencyMicros,
      long[] requestsPerSecond,
      long[] bytesPerSecond,
      long totalRequests,
      long totalBytes,
      long errors,
      long timeouts,
      long non2xx,
      String via) {
    this.target = target;
    this.connections = connections;
    this.duration = duration;
    this.latencyMicros = latencyMicros;
    this.requestsPerSecond = requestsPerSecond;
    this.bytesPerSecond = bytesPerSecond;
    this.totalRequests = totalRequests;
    this.totalBytes = totalBytes;
    this.errors = errors;
    this.timeouts = timeouts;
    this.non2xx = non2xx;
    this.latency = latencyStats(latencyMicros);
    this.requestRate = rateStats(requestsPerSecond);
    this.byteRate = rateStats(bytesPerSecond);
    this.via = Objects.requireNonNull(via, "via");
  }

  /**
   * Builds a result from raw figures (podgate's load generator, through {@code MeasureInternals}).
   *
   * @param latencyMicros response latencies in microseconds; copied
   * @param requestsPerSecond responses completed in each whole second of the run
   * @param bytesPerSecond bytes read in each whole second of the run (same length)
   * @param errors failed requests: connect/read failures, malformed responses and timeouts
   */
  static HttpLoadResult of(
      URI target,
      int connections,
      Duration duration,
      Histogram latencyMicros,
      long[] requestsPerSecond,
      long[] bytesPerSecond,
      long totalRequests,
      long totalBytes,
      long errors,
      long timeouts,
      long non2xx) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(latencyMicros, "latencyMicros");
    if (requestsPerSecond.length != bytesPerSecond.length) {
      throw new PodgateException(
          "per-second request and byte series differ in length: "
              + requestsPerSecond.length
              + " vs "
              + bytesPerSecond.length);
    }
    if (timeouts > errors) {
      throw new PodgateException(
          "timeouts (" + timeouts + ") are errors too and cannot exceed errors (" + errors + ")");
    }
    return new HttpLoadResult(
        target,
        connections,
        duration,
        latencyMicros.copy(),
        requestsPerSecond.clone(),
        bytesPerSecond.clone(),
        totalRequests,
        totalBytes,
        errors,
        timeouts,
        non2xx,
        DIRECT);
  }

  /** The same figures, naming another load source (see {@link #via()}). */
  HttpLoadResult withVia(String newVia) {
    return new HttpLoadResult(target, connections, duration, latencyMicros, requestsPerSecond, bytesPerSecond,
        totalRequests, totalBytes, errors, timeouts, non2xx, newVia);
  }

  /** Where the load came from: {@value #DIRECT}, or "wrk in client pod &lt;name&gt; on node &lt;n&gt;, hostNetwork". */
  public String via() {
    return via;
  }

  public URI target() {
    return target;
  }

  public int connections() {
    return connections;
  }

  /** Measured time (warm-up excluded). */
  public Duration duration() {
    return duration;
  }

  public LatencyStats latency() {
    return latency;
  }

  public RateStats requestsPerSecond() {
    return requestRate;
  }

  public RateStats bytesPerSecond() {
    return byteRate;
  }

  /** Latency in ms at {@code percentile} (0-100), or 0 when no response completed. */
  public double latencyAtPercentileMs(double percentile) {
    if (latencyMicros.getTotalCount() == 0) {
      return 0;
    }
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** A copy of the raw latency histogram, values in microseconds. */
  Histogram latencyHistogram() {
    return latencyMicros.copy();
  }

  /** The latency distribution as (percentile, ms) points, 5 ticks per halving, for reports. */
  public List<PercentilePoint> latencyDistribution() {
    List<PercentilePoint> points = new ArrayList<>();
    if (latencyMicros.getTotalCount() == 0) {
      return points;
    }
    for (HistogramIterationValue v : latencyMicros.percentiles(5)) {
      points.add(new PercentilePoint(v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1000.0));
    }
    return Collections.unmodifiableList(points);
  }

  /** Responses completed in each whole second of the measurement. */
  public List<Long> requestsPerSecondSeries() {
    return boxed(requestsPerSecond);
  }

  /** Bytes read in each whole second of the measurement. */
  public List<Long> bytesPerSecondSeries() {
    return boxed(bytesPerSecond);
  }

  /** Responses completed (any status). */
  public long totalRequests() {
    return totalRequests;
  }

  public long totalBytes() {
    return totalBytes;
  }

  /** Requests that got no complete response (connect/read failures, bad responses, timeouts). */
  public long errors() {
    return errors;
  }

  public long timeouts() {
    return timeouts;
  }

  /** Completed responses whose status was not 2xx. */
  public long non2xx() {
    return non2xx;
  }

  public long responses2xx() {
    return totalRequests - non2xx;
  }

  /** Total responses divided by the measured duration. */
  public double averageRequestsPerSecond() {
    double seconds = duration.toNanos() / 1e9;
    return seconds <= 0 ? 0 : totalRequests / seconds;
  }

  /** The autocannon-style tables: latency, Req/Sec, Bytes/Sec, totals and errors. */
  public String toConsoleTable() {
    return LoadReportFormat.consoleTable(this);
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "HttpLoadResult{%s, %d connections, %d requests in %.2fs, req/s avg %.1f, latency p50 %.3f ms"
            + " p99 %.3f ms, errors %d (timeouts %d), non2xx %d, via %s}",
        target,
        connections,
        totalRequests,
        duration.toNanos() / 1e9,
        averageRequestsPerSecond(),
        latency.p50(),
        latency.p99(),
        errors,
        timeouts,
        non2xx,
        via);
  }

  private static List<Long> boxed(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return Collections.unmodifiableList(list);
  }

  private static LatencyStats latencyStats(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LatencyStats(0, 0, 0, 0, 0, 0, 0);
    }
    return new LatencyStats(
        h.getValueAtPercentile(2.5) / 1000.0,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(97.5) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMean() / 1000.0,
        h.getStdDeviation() / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  static RateStats rateStats(long[] samples) {
    if (samples.length == 0) {
      return new RateStats(0, 0, 0, 0, 0, 0, 0, 0);
    }
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long s : sorted) {
      sum += s;
    }
    double mean = sum / sorted.length;
    double squares = 0;
    for (long s : sorted) {
      squares += (s - mean) * (s - mean);
    }
    return new RateStats(
        nearestRank(sorted, 1),
        nearestRank(sorted, 2.5),
        nearestRank(sorted, 50),
        nearestRank(sorted, 97.5),
        mean,
        Math.sqrt(squares / sorted.length),
        sorted[0],
        sorted[sorted.length - 1]);
  }

  private static long nearestRank(long[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }
}
