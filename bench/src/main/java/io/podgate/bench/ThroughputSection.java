package io.podgate.bench;

import io.podgate.Pod;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Measure;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.OverheadGate;
import io.podgate.measure.Throughput;
import java.util.List;
import java.util.Locale;

/**
 * Section 3: iperf3 host->pod and pod->pod against host loopback clamped to the pod's MSS, through the
 * public measure API ({@link Measure#throughput}) on two podgate:debug pods.
 */
final class ThroughputSection {
  static final String BASE_LABEL = "loopback -M " + SeedBenchmark.IPERF_BASELINE_MSS + " (baseline)";

  private ThroughputSection() {}

  /**
   * Measures on two podgate:debug pods of the run's backend: {@code a} (server, container "iperf-a") and {@code b}
   * (client, container "iperf-b"); {@code pathNote} (e.g. " (pod-ip)") is appended to the pod paths' names.
   */
  static void run(SeedRun run, String pathNote) {
    try (BenchPods pods = run.pods()) {
      Pod a = pods.start("iperf-a", "podgate:debug");
      Pod b = pods.start("iperf-b", "podgate:debug");
      run(run, a, b, pathNote);
    }
  }

  private static void run(SeedRun run, Pod a, Pod b, String pathNote) {
    int seconds = run.sizes().iperfSeconds();
    String hostPod = "host->pod" + pathNote;
    String podPod = "pod->pod" + pathNote;
    try (BenchMeasure bench = run.measure(run.testReport())) {
      Measure measure = bench.measure();
      Throughput loopback = Throughput.loopback(); // clamped to -M 1448, the pod eth0's MSS
      Throughput hostToPod = Throughput.hostTo(a.container("iperf-a")).named(hostPod);
      Throughput podToPod = Throughput.between(b.container("iperf-b"), a.container("iperf-a")).named(podPod);

      run.log.line(String.format(Locale.ROOT, "iperf3: %d alternating rounds loopback / %s (pod %s (%s)), %d s"
          + " per run", run.sizes().iperfRounds(), hostPod, a.name(), a.ip(), seconds));
      ComparisonResult hostPodC = gate(measure, hostToPod, loopback, seconds, run.sizes().iperfRounds()).evaluate();
      ComparisonResult podPodC = null;
      if (run.sizes().podToPodRounds() > 0) {
        run.log.line(String.format(Locale.ROOT, "iperf3: %d alternating rounds loopback / %s (pod %s (%s) ->"
            + " pod %s (%s))", run.sizes().podToPodRounds(), podPod, b.name(), b.ip(), a.name(), a.ip()));
        try {
          podPodC = gate(measure, podToPod, loopback, seconds, run.sizes().podToPodRounds()).evaluate();
        } catch (RuntimeException e) {
          run.partFailed("3. Throughput, pod->pod", "pod->pod throughput", e);
        }
      }
      StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
          "Throughput, iperf3, 1 stream, %d s per run. Baseline: host loopback with -M %d, the MSS of a 1500-byte"
              + " MTU like the pod's eth0 (loopback's own MTU is 65536)%n", seconds, SeedBenchmark.IPERF_BASELINE_MSS));
      t.append(String.format(Locale.ROOT, "%-30s %5s %14s %9s %9s%n", "path", "runs", "median Gbit/s", "min", "max"));
      t.append(row(BASE_LABEL, podPodC == null ? hostPodC.baselineValues()
          : SeedRun.all(hostPodC.baselineValues(), podPodC.baselineValues())));
      t.append(row(hostPod, hostPodC.subjectValues()));
      if (podPodC != null) {
        t.append(row(podPod, podPodC.subjectValues()));
      }
      t.append(SeedRun.overheadLine(hostPod, hostPodC));
      if (podPodC != null) {
        t.append(SeedRun.overheadLine(podPod, podPodC));
      }
      ComparisonResult seed = podPodC != null ? podPodC : hostPodC;
      t.append(String.format(Locale.ROOT,
          "Seed layout: node-to-node %.2f Gbit/s vs container-to-container %.2f Gbit/s, %.1f %% overhead (%s)%n",
          SeedRun.median(seed.baselineValues()) / 1e9, SeedRun.median(seed.subjectValues()) / 1e9,
          seed.medianOverheadPercent(), podPodC != null ? podPod : hostPod + "; pod->pod did not run"));
      run.log.block(t.toString());
    }
  }

  /** {@code subject} against {@code baseline}, fixed rounds, no threshold; runs and comparison land in the report. */
  private static OverheadGate gate(Measure measure, Throughput subject, Throughput baseline, int seconds, int rounds) {
    return measure.throughput(subject).durationSeconds(seconds).against(baseline).direction(
        MetricDirection.HIGHER_IS_BETTER).rounds(rounds, rounds).confidence(SeedBenchmark.CONFIDENCE);
  }

  private static String row(String label, List<Double> bitsPerSecond) {
    double[] g = bitsPerSecond.stream().mapToDouble(v -> v / 1e9).sorted().toArray();
    return String.format(Locale.ROOT, "%-30s %5d %14.2f %9.2f %9.2f%n", label, g.length, SeedRun.median(g), g[0],
        g[g.length - 1]);
  }
}
