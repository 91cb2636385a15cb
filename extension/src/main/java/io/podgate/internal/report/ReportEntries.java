package io.podgate.internal.report;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.ThroughputResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.HdrHistogram.Histogram;

/** Turns podgate's result types into {@link ReportEntry}s. Non-finite numbers become null. */
public final class ReportEntries {
  private ReportEntries() {}

  public static ReportEntry throughput(ThroughputResult r, Instant at) {
    Map<String, Object> headline = new LinkedHashMap<>();
    headline.put("receiverBitsPerSecond", finiteOrNull(r.receiverBitsPerSecond()));
    headline.put("senderBitsPerSecond", finiteOrNull(r.senderBitsPerSecond()));
    headline.put("retransmits", r.retransmits());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("via", r.via());
    figures.put("client", r.client().toString());
    figures.put("server", r.server().toString());
    figures.put("streams", r.streams());
    figures.put("reverse", r.reverse());
    figures.put("mss", intOrNull(r.mss()));
    figures.put("pathMtu", intOrNull(r.pathMtu()));
    figures.put("durationSeconds", seconds(r.duration()));
    figures.put("omitSeconds", r.omitSeconds());
    figures.put("hostCpuPercent", doubleOrNull(r.hostCpuPercent()));
    figures.put("remoteCpuPercent", doubleOrNull(r.remoteCpuPercent()));
    List<Map<String, Object>> intervals = new ArrayList<>();
    for (ThroughputResult.Interval i : r.intervals()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("start", finiteOrNull(i.start()));
      m.put("end", finiteOrNull(i.end()));
      m.put("bitsPerSecond", finiteOrNull(i.bitsPerSecond()));
      m.put("retransmits", i.retransmits());
      m.put("omitted", i.omitted());
      intervals.add(m);
    }
    return new ReportEntry(ReportKind.THROUGHPUT, r.label(), at, headline, figures, Map.of("intervals", intervals));
  }

  public static ReportEntry http(String label, HttpLoadResult r, Instant at) {
    HttpLoadResult.LatencyStats lat = r.latency();
    HttpLoadResult.RateStats req = r.requestsPerSecond();
    HttpLoadResult.RateStats bytes = r.bytesPerSecond();
    Map<String, Object> headline = new LinkedHashMap<>();
    // wrk (the client-pod path) gives no per-second samples: then the whole run's average
    headline.put("requestsPerSecondAvg", finiteOrNull(r.requestsPerSecondSeries().isEmpty()
        ? r.averageRequestsPerSecond() : req.avg()));
    headline.put("latencyP50Ms", finiteOrNull(lat.p50()));
    headline.put("latencyP99Ms", finiteOrNull(lat.p99()));
    headline.put("bytesPerSecondAvg", finiteOrNull(r.bytesPerSecondSeries().isEmpty()
        ? bytesPerSecondOverRun(r) : bytes.avg()));
    headline.put("errors", r.errors());
    headline.put("non2xx", r.non2xx());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("via", r.via());
    figures.put("target", r.target().toString());
    figures.put("connections", r.connections());
    figures.put("durationSeconds", seconds(r.duration()));
    figures.put("totalRequests", r.totalRequests());
    figures.put("totalBytes", r.totalBytes());
    figures.put("timeouts", r.timeouts());
    figures.put("averageRequestsPerSecond", finiteOrNull(r.averageRequestsPerSecond()));
    figures.put("latencyMs", latencyMap(lat));
    figures.put("requestsPerSecond", rateMap(req));
    figures.put("bytesPerSecond", rateMap(bytes));
    figures.put("latencyHistogramMicros", encodeHistogram(MeasureInternals.access().latencyHistogram(r)));
    Map<String, Object> series = new LinkedHashMap<>();
    List<Map<String, Object>> dist = new ArrayList<>();
    for (HttpLoadResult.PercentilePoint p : r.latencyDistribution()) {
      dist.add(pair("percentile", p.percentile(), "millis", p.millis()));
    }
    series.put("latencyDistribution", dist);
    series.put("requestsPerSecond", r.requestsPerSecondSeries());
    series.put("bytesPerSecond", r.bytesPerSecondSeries());
    return new ReportEntry(ReportKind.HTTP, label, at, headline, figures, series);
  }

  private static double bytesPerSecondOverRun(HttpLoadResult r) {
    double seconds = r.duration().toNanos() / 1e9;
    return seconds <= 0 ? 0 : r.totalBytes() / seconds;
  }

  public static ReportEntry comparison(String label, ComparisonResult r, Instant at) {
    Map<String, Object> headline = new LinkedHashMap<>();
    headline.put("verdict", r.verdict().name());
    headline.put("medianOverhead", finiteOrNull(r.medianOverhead()));
    headline.put("ciLow", finiteOrNull(r.ciLow()));
    headline.put("ciHigh", finiteOrNull(r.ciHigh()));
    headline.put("threshold", doubleOrNull(r.threshold()));
    headline.put("rounds", r.rounds());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("baseline", r.baselineDescription());
    figures.put("subject", r.subjectDescription());
    figures.put("direction", r.direction().name());
    figures.put("ciCoverage", finiteOrNull(r.ciCoverage()));
    figures.put("targetConfidence", finiteOrNull(r.targetConfidence()));
    figures.put("maxRounds", r.maxRounds());
    figures.put("reason", r.reason());
    List<Map<String, Object>> rounds = new ArrayList<>();
    for (int i = 0; i < r.rounds(); i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("round", i + 1);
      m.put("baseline", finiteOrNull(r.baselineValues().get(i)));
      m.put("subject", finiteOrNull(r.subjectValues().get(i)));
      m.put("overhead", finiteOrNull(r.overheads().get(i)));
      rounds.add(m);
    }
    return new ReportEntry(ReportKind.COMPARISON, label, at, headline, figures, Map.of("rounds", rounds));
  }

  public static ReportEntry churn(String label, ChurnResult r, Instant at) {
    Map<String, Object> headline = new LinkedHashMap<>();
    headline.put("cyclesPerSecond", finiteOrNull(r.cyclesPerSecond()));
    headline.put("cycles", r.cycles());
    headline.put("failures", r.failures());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("path", r.path().name());
    figures.put("mode", r.mode().name());
    figures.put("workers", r.workers());
    figures.put("image", r.image());
    figures.put("elapsedSeconds", seconds(r.elapsed()));
    figures.put("stoppedEarly", r.stoppedEarly().orElse(null));
    figures.put("failureMessages", r.failureMessages());
    List<Map<String, Object>> ops = new ArrayList<>();
    for (ChurnResult.OperationLatency l : r.latencies().values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("operation", l.operation());
      m.put("count", l.count());
      m.put("p50Ms", finiteOrNull(l.p50Millis()));
      m.put("p90Ms", finiteOrNull(l.p90Millis()));
      m.put("p99Ms", finiteOrNull(l.p99Millis()));
      m.put("maxMs", finiteOrNull(l.maxMillis()));
      ops.add(m);
    }
    figures.put("operations", ops);
    List<Map<String, Object>> pods = new ArrayList<>();
    for (ChurnResult.PodLatency l : r.podLatencies().values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("condition", l.condition());
      m.put("count", l.count());
      m.put("p50Ms", finiteOrNull(l.p50Millis()));
      m.put("p95Ms", finiteOrNull(l.p95Millis()));
      m.put("p99Ms", finiteOrNull(l.p99Millis()));
      m.put("maxMs", finiteOrNull(l.maxMillis()));
      m.put("avgMs", finiteOrNull(l.avgMillis()));
      pods.add(m);
    }
    figures.put("podLatency", pods);
    return new ReportEntry(ReportKind.CHURN, label, at, headline, figures,
        Map.of("cyclesPerSecond", r.completedPerSecond()));
  }

  /** A label for a churn run: mode (or the containerd path), workers and image. */
  public static String churnLabel(ChurnResult r) {
    return (r.path() == ChurnOptions.Path.CRI ? r.mode().toString() : r.path() + " path") + ", " + r.workers()
        + " worker(s), " + r.image();
  }

  /** A label for a comparison: subject against baseline. */
  public static String comparisonLabel(ComparisonResult r) {
    return r.subjectDescription() + " vs " + r.baselineDescription();
  }

  /**
   * Latency of CRI operations (RunPodSandbox, CreateContainer, ...): per operation count, mean,
   * nearest-rank p50/p90/p99 and max in milliseconds; the samples themselves go to the series.
   */
  public static ReportEntry criLatency(String label, Map<String, List<Duration>> samplesByOperation, Instant at) {
    Objects.requireNonNull(samplesByOperation, "samplesByOperation");
    List<Map<String, Object>> ops = new ArrayList<>();
    Map<String, Object> samples = new LinkedHashMap<>();
    long total = 0;
    String slowest = null;
    double slowestP50 = -1;
    for (Map.Entry<String, List<Duration>> e : samplesByOperation.entrySet()) {
      double[] ms = e.getValue().stream().mapToDouble(d -> d.toNanos() / 1e6).toArray();
      samples.put(e.getKey(), Arrays.stream(ms).boxed().toList());
      total += ms.length;
      double[] sorted = ms.clone();
      Arrays.sort(sorted);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("operation", e.getKey());
      m.put("count", ms.length);
      m.put("meanMs", ms.length == 0 ? null : Arrays.stream(ms).average().orElse(0));
      m.put("p50Ms", nearestRank(sorted, 50));
      m.put("p90Ms", nearestRank(sorted, 90));
      m.put("p99Ms", nearestRank(sorted, 99));
      m.put("maxMs", sorted.length == 0 ? null : sorted[sorted.length - 1]);
      ops.add(m);
      Double p50 = nearestRank(sorted, 50);
      if (p50 != null && p50 > slowestP50) {
        slowestP50 = p50;
        slowest = e.getKey();
      }
    }
    Map<String, Object> headline = new LinkedHashMap<>();
    headline.put("operations", samplesByOperation.size());
    headline.put("samples", total);
    headline.put("slowestOperation", slowest);
    headline.put("slowestP50Ms", slowest == null ? null : slowestP50);
    return new ReportEntry(ReportKind.CRI_LATENCY, label, at, headline, Map.of("operations", ops),
        Map.of("samplesMs", samples));
  }

  static Double nearestRank(double[] sorted, double percentile) {
    if (sorted.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static Double doubleOrNull(OptionalDouble v) {
    return v.isPresent() ? finiteOrNull(v.getAsDouble()) : null;
  }

  static Integer intOrNull(OptionalInt v) {
    return v.isPresent() ? v.getAsInt() : null;
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static Map<String, Object> pair(String k1, double v1, String k2, double v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, finiteOrNull(v1));
    m.put(k2, finiteOrNull(v2));
    return m;
  }

  private static Map<String, Object> latencyMap(HttpLoadResult.LatencyStats l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p2_5", l.p2_5());
    m.put("p50", l.p50());
    m.put("p97_5", l.p97_5());
    m.put("p99", l.p99());
    m.put("avg", l.avg());
    m.put("stdev", l.stdev());
    m.put("max", l.max());
    m.replaceAll((k, v) -> finiteOrNull((Double) v));
    return m;
  }

  private static Map<String, Object> rateMap(HttpLoadResult.RateStats r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p1", r.p1());
    m.put("p2_5", r.p2_5());
    m.put("p50", r.p50());
    m.put("p97_5", r.p97_5());
    m.put("avg", r.avg());
    m.put("stdev", r.stdev());
    m.put("min", r.min());
    m.put("max", r.max());
    m.replaceAll((k, v) -> finiteOrNull((Double) v));
    return m;
  }

  /** HdrHistogram's compressed encoding, base64: {@code Histogram.decodeFromCompressedByteBuffer} reads it back. */
  static String encodeHistogram(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
  }
}
