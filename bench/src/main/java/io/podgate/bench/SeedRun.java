package io.podgate.bench;

import io.podgate.Pod;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.measure.compare.MedianInterval;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Gates;
import io.podgate.measure.Measurement;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.PodgateReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * What every section of one seed benchmark run shares: its settings, the printed log, the report and its
 * targets, the section runner, and where pods come from (the run's backend: the bench's daemon, or a cluster).
 */
final class SeedRun {
  final SeedBenchmark.Settings settings;
  final BenchProgress log;
  final BenchReport report;
  final Sections sections;
  final String runId;
  final Path work;
  /** The embedded (or given) containerd; null on a cluster. */
  final BenchDaemon daemon;
  private final PodBackend backend;
  private final Consumer<Pod> podMade;

  SeedRun(SeedBenchmark.Settings settings, BenchProgress log, BenchReport report, Sections sections, String runId,
      Path work, BenchDaemon daemon, PodBackend backend, Consumer<Pod> podMade) {
    this.settings = settings;
    this.log = log;
    this.report = report;
    this.sections = sections;
    this.runId = runId;
    this.work = work;
    this.daemon = daemon;
    this.backend = backend;
    this.podMade = podMade;
  }

  SeedBenchmark.Sizes sizes() {
    return settings.sizes();
  }

  /** The run's report (its one test), through the public interface. */
  PodgateReport testReport() {
    return report.report();
  }

  void target(String name, double value, double target, String unit, MetricDirection direction) {
    report.target(name, value, target, unit, direction);
  }

  /** A part of a section failed: said, recorded, and the section goes on. */
  void partFailed(String part, String what, RuntimeException e) {
    sections.partFailed(part, what, e);
  }

  /** Pods of this run, made through its backend and labelled for its sweep; closing removes them. */
  BenchPods pods() {
    return new BenchPods(backend, Map.of(SeedBenchmark.LABEL, runId), podMade);
  }

  /** A {@code Measure} recording into {@code into}, progress to the log indented; churn runs on the run's backend. */
  BenchMeasure measure(PodgateReport into) {
    return new BenchMeasure(into, line -> log.line("   " + line), backend);
  }

  /** Paired alternating rounds, a fixed count, no threshold (the verdict is the targets' business). */
  static ComparisonResult compare(Measurement baseline, Measurement subject, int rounds, MetricDirection direction) {
    return Gates.overhead(baseline, subject).direction(direction).rounds(rounds, rounds)
        .confidence(SeedBenchmark.CONFIDENCE).evaluate();
  }

  static String overheadLine(String what, ComparisonResult c) {
    double confidence = SeedBenchmark.CONFIDENCE;
    String ci = c.ciBounded()
        ? String.format(Locale.ROOT, "[%.1f %%, %.1f %%]", c.ciLowPercent(), c.ciHighPercent())
        : String.format(Locale.ROOT, "unbounded (needs %d rounds, ran %d)", MedianInterval.minimumRounds(confidence),
            c.rounds());
    return String.format(Locale.ROOT, "%s overhead: median %.1f %%, %.0f%% CI %s over %d alternating rounds%n",
        what, c.medianOverheadPercent(), confidence * 100, ci, c.rounds());
  }

  static <T> T medianRun(List<T> runs, ToDoubleFunction<T> f) {
    List<T> sorted = runs.stream().sorted(Comparator.comparingDouble(f)).toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Every value of {@code lists}, in order. */
  @SafeVarargs
  static List<Double> all(List<Double>... lists) {
    List<Double> all = new ArrayList<>();
    for (List<Double> l : lists) {
      all.addAll(l);
    }
    return all;
  }
}
