package io.podgate.bench;

import io.podgate.internal.report.ReportEntries;
import io.podgate.internal.report.ReportEntry;
import io.podgate.internal.report.ReportKind;
import io.podgate.internal.report.ReportRecorder;
import io.podgate.internal.report.ReportTarget;
import io.podgate.internal.report.ReportWriter;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.PodgateReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's report: podgate's own report files (summary.json {@code podgate.summary/v1} and index.html,
 * docs/reports.md), written outside a JUnit run. Sections record measurements through the public
 * {@link PodgateReport} of one test id and targets here; the targets table and the files come at the end.
 * The one place the bench touches podgate's report writer.
 */
final class BenchReport {
  /** Where the report went. */
  record Written(Path summary, Path index) {}

  private final ReportRecorder recorder = new ReportRecorder();
  private final List<ReportTarget> targets = new ArrayList<>();
  private final String testId;

  BenchReport(String testId) {
    this.testId = testId;
  }

  /** The run's report, as a test's: what is recorded here lands in summary.json under this run's test id. */
  PodgateReport report() {
    return recorder.forTest(testId, null);
  }

  /** A report that is never written: for a {@code Measure} whose runs the section records itself. */
  static PodgateReport scratch() {
    return new ReportRecorder().forTest("scratch", null);
  }

  void target(String name, double value, double target, String unit, MetricDirection direction) {
    targets.add(new ReportTarget(name, value, target, unit, direction));
  }

  /** Adds the targets of another part of the run (e.g. the wait section's), in order. */
  void targets(List<ReportTarget> more) {
    targets.addAll(more);
  }

  /** Target {@code name} without a value (verdict fail) unless one of that name was recorded: the list is always complete. */
  void require(String name, double target, String unit, MetricDirection direction) {
    if (targets.stream().noneMatch(x -> x.name().equals(name))) {
      targets.add(new ReportTarget(name, Double.NaN, target, unit, direction));
    }
  }

  /** Records {@code entry} under test {@code id}, shown as {@code displayName}. */
  void entry(String id, String displayName, ReportEntry entry) {
    recorder.forTest(id, displayName);
    recorder.record(id, entry);
  }

  /**
   * Records churn run {@code r} under {@code label} with {@code extra} added to its headline (so summary.json carries
   * it as an informative figure).
   */
  void churn(String label, ChurnResult r, Map<String, Object> extra) {
    ReportEntry e = ReportEntries.churn(label, r, Instant.now());
    Map<String, Object> headline = new LinkedHashMap<>(e.headline());
    headline.putAll(extra);
    recorder.record(testId, new ReportEntry(e.kind(), e.label(), e.timestamp(), headline, e.figures(), e.series()));
  }

  /** An entry of the wait section ({@code kind} user-wait). */
  static ReportEntry userWaitEntry(String label, Map<String, Object> headline, Map<String, Object> figures) {
    return new ReportEntry(ReportKind.USER_WAIT, label, Instant.now(), headline, figures, Map.of());
  }

  /** One line per target: name, value, target with its direction, unit, verdict. */
  String targetsTable(String title) {
    StringBuilder t = new StringBuilder(title).append('\n');
    t.append(String.format(Locale.ROOT, "%-48s %10s %10s  %-14s %s%n", "name", "value", "target", "unit", "verdict"));
    for (ReportTarget x : targets) {
      t.append(String.format(Locale.ROOT, "%-48s %10s %10s  %-14s %s%n", x.name(),
          Double.isFinite(x.value()) ? String.format(Locale.ROOT, "%.2f", x.value()) : "-",
          (x.direction() == MetricDirection.HIGHER_IS_BETTER ? ">= " : "<= ")
              + String.format(Locale.ROOT, "%.2f", x.target()), x.unit(), x.verdict()));
    }
    return t.toString();
  }

  /** Files the targets under this run's test ({@code displayName}) and writes summary.json and index.html. */
  Written write(String displayName, Path reportDir, String runId, Instant started) {
    recorder.forTest(testId, displayName);
    targets.forEach(t -> recorder.target(testId, t));
    ReportWriter.Written w = new ReportWriter(reportDir, runId, started, Clock.systemUTC()).write(recorder);
    return new Written(w.summary().toAbsolutePath(), w.index().toAbsolutePath());
  }
}
