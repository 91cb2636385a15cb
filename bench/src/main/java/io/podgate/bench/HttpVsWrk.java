package io.podgate.bench;

import io.podgate.internal.measure.http.LoadReportFormat;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.bench.WrkRunner.WrkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compares podgate's in-JVM load generator with wrk against the same URL: alternating rounds of the
 * same length and connection count, medians of each side, their ratio and how far latency
 * percentiles differ.
 */
public final class HttpVsWrk {

  /** Medians over the rounds; relative differences are (podgate - wrk) / wrk. */
  public record Comparison(
      String url,
      int connections,
      int seconds,
      int rounds,
      List<Double> podgateRequestsPerSecond,
      List<Double> wrkRequestsPerSecond,
      double podgateMedianRequestsPerSecond,
      double wrkMedianRequestsPerSecond,
      double ratio,
      Map<String, double[]> latencyMillis,
      Map<String, Double> latencyRelativeDifference,
      long podgateErrors,
      long wrkErrors,
      double podgateLittleDeviation,
      double wrkLittleDeviation) {

    /** True when podgate reaches {@code minRatio} of wrk's throughput. */
    public boolean throughputWithin(double minRatio) {
      return ratio >= minRatio;
    }

    public String toTable() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "podgate vs wrk: %s, %d connections, %d rounds x %d s%n",
              url,
              connections,
              rounds,
              seconds));
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        rows.add(
            List.of(
                "round " + (i + 1),
                fmt(podgateRequestsPerSecond.get(i)),
                fmt(wrkRequestsPerSecond.get(i)),
                String.format(
                    Locale.ROOT, "%.3f", podgateRequestsPerSecond.get(i) / wrkRequestsPerSecond.get(i))));
      }
      rows.add(
          List.of(
              "median",
              fmt(podgateMedianRequestsPerSecond),
              fmt(wrkMedianRequestsPerSecond),
              String.format(Locale.ROOT, "%.3f", ratio)));
      sb.append(LoadReportFormat.table(List.of("req/s", "podgate", "wrk", "ratio"), rows));
      List<List<String>> lat = new ArrayList<>();
      for (Map.Entry<String, double[]> e : latencyMillis.entrySet()) {
        lat.add(
            List.of(
                e.getKey(),
                String.format(Locale.ROOT, "%.3f ms", e.getValue()[0]),
                String.format(Locale.ROOT, "%.3f ms", e.getValue()[1]),
                String.format(
                    Locale.ROOT, "%+.1f%%", 100 * latencyRelativeDifference.get(e.getKey()))));
      }
      sb.append(LoadReportFormat.table(List.of("latency (median)", "podgate", "wrk", "diff"), lat));
      sb.append(
          String.format(Locale.ROOT, "errors: podgate %d, wrk %d%n", podgateErrors, wrkErrors));
      sb.append(
          String.format(
              Locale.ROOT,
              "self-consistency (closed loop, Little's law: avg latency = connections / req/s), median over"
                  + " rounds of avg latency x req/s / connections - 1: podgate %+.1f%%, wrk %+.1f%%%n",
              100 * podgateLittleDeviation,
              100 * wrkLittleDeviation));
      return sb.toString();
    }

    private static String fmt(double v) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
  }

  private HttpVsWrk() {}

  /**
   * Runs {@code rounds} pairs of podgate and wrk, {@code seconds} each, podgate first in odd rounds and
   * wrk first in even ones, so neither always runs in the other's wake; wrk uses min(2, connections) threads.
   */
  public static Comparison compare(
      String url,
      int connections,
      int seconds,
      int rounds,
      WrkRunner wrk,
      Consumer<String> log) {
    List<Double> podgateRps = new ArrayList<>();
    List<Double> wrkRps = new ArrayList<>();
    List<HttpLoadResult> podgateRuns = new ArrayList<>();
    List<WrkResult> wrkRuns = new ArrayList<>();
    Duration timeout = Duration.ofSeconds(10);
    try (BenchMeasure quiet = new BenchMeasure(BenchReport.scratch(), line -> { });
        BenchMeasure measured = new BenchMeasure(BenchReport.scratch(), log)) {
      // JIT warm-up, not recorded
      quiet.measure().http(url).connections(connections).seconds(2).timeout(timeout).run();
      Measure measure = measured.measure();
      for (int round = 1; round <= rounds; round++) {
        boolean wrkFirst = round % 2 == 0;
        WrkResult w = wrkFirst ? runWrk(wrk, url, connections, seconds, timeout) : null;
        HttpLoadResult p = measure.http(url).connections(connections).seconds(seconds).timeout(timeout).run();
        podgateRuns.add(p);
        podgateRps.add(p.averageRequestsPerSecond());
        if (!wrkFirst) {
          w = runWrk(wrk, url, connections, seconds, timeout);
        }
        wrkRuns.add(w);
        wrkRps.add(w.requestsPerSecond());
        log.accept(
            String.format(
                Locale.ROOT,
                "round %d/%d: podgate %.0f req/s (p50 %.3f ms), wrk %.0f req/s (p50 %.3f ms)",
                round,
                rounds,
                p.averageRequestsPerSecond(),
                p.latency().p50(),
                w.requestsPerSecond(),
                w.latencyP50()));
      }
    }
    return comparison(url, connections, seconds, rounds, podgateRps, wrkRps, podgateRuns, wrkRuns);
  }

  private static Comparison comparison(String url, int connections, int seconds, int rounds, List<Double> podgateRps,
      List<Double> wrkRps, List<HttpLoadResult> podgateRuns, List<WrkResult> wrkRuns) {
    Map<String, double[]> latency = new LinkedHashMap<>();
    Map<String, Double> diff = new LinkedHashMap<>();
    addLatency(latency, diff, "p50",
        podgateRuns.stream().mapToDouble(r -> r.latency().p50()).toArray(),
        wrkRuns.stream().mapToDouble(WrkResult::latencyP50).toArray());
    addLatency(latency, diff, "p97.5",
        podgateRuns.stream().mapToDouble(r -> r.latency().p97_5()).toArray(),
        wrkRuns.stream().mapToDouble(WrkResult::latencyP97_5).toArray());
    addLatency(latency, diff, "p99",
        podgateRuns.stream().mapToDouble(r -> r.latency().p99()).toArray(),
        wrkRuns.stream().mapToDouble(WrkResult::latencyP99).toArray());
    addLatency(latency, diff, "avg",
        podgateRuns.stream().mapToDouble(r -> r.latency().avg()).toArray(),
        wrkRuns.stream().mapToDouble(WrkResult::latencyAvg).toArray());
    double podgateMedian = median(podgateRps.stream().mapToDouble(Double::doubleValue).toArray());
    double wrkMedian = median(wrkRps.stream().mapToDouble(Double::doubleValue).toArray());
    return new Comparison(
        url,
        connections,
        seconds,
        rounds,
        List.copyOf(podgateRps),
        List.copyOf(wrkRps),
        podgateMedian,
        wrkMedian,
        wrkMedian > 0 ? podgateMedian / wrkMedian : 0,
        latency,
        diff,
        podgateRuns.stream().mapToLong(HttpLoadResult::errors).sum(),
        wrkRuns.stream().mapToLong(w -> w.socketErrors() + w.timeouts()).sum(),
        median(podgateRuns.stream()
            .mapToDouble(r -> littleDeviation(r.latency().avg(), r.averageRequestsPerSecond(), connections)).toArray()),
        median(wrkRuns.stream()
            .mapToDouble(w -> littleDeviation(w.latencyAvg(), w.requestsPerSecond(), connections)).toArray()));
  }

  private static WrkResult runWrk(WrkRunner wrk, String url, int connections, int seconds, Duration timeout) {
    return wrk.run(url, Math.min(2, connections), connections, Duration.ofSeconds(seconds), timeout);
  }

  /**
   * In a closed loop each connection always has one request in flight, so the mean latency must equal
   * connections / throughput (Little's law); the relative deviation says how far a tool's own latency
   * and throughput figures disagree with each other.
   */
  static double littleDeviation(double avgLatencyMillis, double requestsPerSecond, int connections) {
    return avgLatencyMillis / 1000.0 * requestsPerSecond / connections - 1;
  }

  private static void addLatency(
      Map<String, double[]> latency, Map<String, Double> diff, String name, double[] podgate, double[] wrk) {
    double p = median(podgate);
    double w = median(wrk);
    latency.put(name, new double[] {p, w});
    diff.put(name, w > 0 ? (p - w) / w : 0);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    if (n == 0) {
      return 0;
    }
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
