package io.podgate.bench;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.measure.compare.MedianInterval;
import io.podgate.internal.report.ReportRecorder;
import io.podgate.internal.report.ReportTarget;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Gates;
import io.podgate.measure.Measurement;
import io.podgate.measure.MetricDirection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What every section of one seed benchmark run shares: its settings, the daemon, the printed log, the
 * report recorder, the targets and the sections that failed.
 */
final class SeedRun {
  final SeedBenchmark.Settings settings;
  final BenchProgress log;
  final ReportRecorder recorder;
  final List<ReportTarget> targets;
  final List<String> failed;
  final String runId;
  final Path work;
  final BenchDaemon daemon;

  SeedRun(SeedBenchmark.Settings settings, BenchProgress log, ReportRecorder recorder, List<ReportTarget> targets,
      List<String> failed, String runId, Path work, BenchDaemon daemon) {
    this.settings = settings;
    this.log = log;
    this.recorder = recorder;
    this.targets = targets;
    this.failed = failed;
    this.runId = runId;
    this.work = work;
    this.daemon = daemon;
  }

  CriClient cri() {
    return daemon.cri();
  }

  SeedBenchmark.Sizes sizes() {
    return settings.sizes();
  }

  void target(String name, double value, double target, String unit, MetricDirection direction) {
    targets.add(new ReportTarget(name, value, target, unit, direction));
  }

  /** A part of a section failed: said, recorded, and the section goes on. */
  void partFailed(String part, String what, RuntimeException e) {
    failed.add(part);
    log.line("!! " + what + " FAILED: " + e.getMessage());
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
