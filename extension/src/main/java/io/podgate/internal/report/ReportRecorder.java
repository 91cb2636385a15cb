package io.podgate.internal.report;

import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.PodgateReport;
import io.podgate.measure.ThroughputResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects measurements and targets per test id while tests run, in parallel if they like.
 * {@link ReportWriter#write} turns what it holds into files.
 */
public final class ReportRecorder {

  /** What one test recorded, in order. */
  public record TestRecord(String id, String displayName, List<ReportEntry> entries, List<ReportTarget> targets) {}

  private static final class Slot {
    volatile String displayName;
    final List<ReportEntry> entries = new ArrayList<>();
    final List<ReportTarget> targets = new ArrayList<>();
  }

  private final Map<String, Slot> tests = new ConcurrentHashMap<>();
  private final Clock clock;

  public ReportRecorder() {
    this(Clock.systemUTC());
  }

  public ReportRecorder(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The user-facing handle for one test; {@code displayName} is shown in the HTML (may be null). */
  public PodgateReport forTest(String testId, String displayName) {
    slot(testId, displayName);
    return new Handle(testId);
  }

  public void record(String testId, ReportEntry entry) {
    Objects.requireNonNull(entry, "entry");
    Slot s = slot(testId, null);
    synchronized (s) {
      s.entries.add(entry);
    }
  }

  public void throughput(String testId, ThroughputResult result) {
    record(testId, ReportEntries.throughput(result, clock.instant()));
  }

  public void http(String testId, String label, HttpLoadResult result) {
    record(testId, ReportEntries.http(label, result, clock.instant()));
  }

  public void comparison(String testId, String label, ComparisonResult result) {
    record(testId, ReportEntries.comparison(label, result, clock.instant()));
  }

  public void churn(String testId, String label, ChurnResult result) {
    record(testId, ReportEntries.churn(label, result, clock.instant()));
  }

  public void criLatency(String testId, String label, Map<String, List<Duration>> samplesByOperation) {
    record(testId, ReportEntries.criLatency(label, samplesByOperation, clock.instant()));
  }

  public ReportTarget target(String testId, ReportTarget target) {
    Objects.requireNonNull(target, "target");
    Slot s = slot(testId, null);
    synchronized (s) {
      s.targets.add(target);
    }
    return target;
  }

  /** A consistent copy of everything recorded so far, tests in id order. */
  public List<TestRecord> snapshot() {
    List<TestRecord> out = new ArrayList<>();
    Map<String, Slot> sorted = new java.util.TreeMap<>(tests);
    for (Map.Entry<String, Slot> e : sorted.entrySet()) {
      Slot s = e.getValue();
      synchronized (s) {
        out.add(new TestRecord(e.getKey(), s.displayName, List.copyOf(s.entries), List.copyOf(s.targets)));
      }
    }
    return out;
  }

  public boolean isEmpty() {
    return tests.isEmpty();
  }

  private Slot slot(String testId, String displayName) {
    Objects.requireNonNull(testId, "testId");
    if (testId.isBlank()) {
      throw new IllegalArgumentException("a report needs a non-blank test id to file the measurement under");
    }
    Slot s = tests.computeIfAbsent(testId, k -> new Slot());
    if (displayName != null) {
      s.displayName = displayName;
    }
    return s;
  }

  private final class Handle implements PodgateReport {
    private final String testId;

    Handle(String testId) {
      this.testId = testId;
    }

    @Override
    public void throughput(ThroughputResult result) {
      ReportRecorder.this.throughput(testId, result);
    }

    @Override
    public void http(String label, HttpLoadResult result) {
      ReportRecorder.this.http(testId, label, result);
    }

    @Override
    public void comparison(ComparisonResult result) {
      comparison(ReportEntries.comparisonLabel(result), result);
    }

    @Override
    public void comparison(String label, ComparisonResult result) {
      ReportRecorder.this.comparison(testId, label, result);
    }

    @Override
    public void churn(ChurnResult result) {
      churn(ReportEntries.churnLabel(result), result);
    }

    @Override
    public void churn(String label, ChurnResult result) {
      ReportRecorder.this.churn(testId, label, result);
    }

    @Override
    public void criLatency(String label, Map<String, List<Duration>> samplesByOperation) {
      ReportRecorder.this.criLatency(testId, label, new LinkedHashMap<>(samplesByOperation));
    }

    @Override
    public boolean target(String name, double value, double target, String unit, MetricDirection direction) {
      return ReportRecorder.this.target(testId, new ReportTarget(name, value, target, unit, direction)).passed();
    }
  }
}
