package io.podgate.internal.junit;

import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.PodgateReport;
import io.podgate.measure.ThroughputResult;
import io.podgate.internal.report.ReportEntries;
import io.podgate.internal.report.ReportEntry;
import io.podgate.internal.report.ReportRecorder;
import io.podgate.internal.report.ReportTarget;
import io.podgate.internal.report.ReportWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The run's one {@link ReportRecorder}; writes the report files when asked (after each class) and
 * when the run ends. Hands each test a {@link PodgateReport} that also publishes a JUnit report
 * entry with the headline figures of every measurement.
 */
@SuppressWarnings("deprecation")
final class RunReport implements org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource,
    AutoCloseable {
  private final ReportRecorder recorder = new ReportRecorder();
  private final ReportWriter writer = ReportWriter.fromSystemProperties();
  private volatile boolean dirty;

  PodgateReport forTest(String testId, String displayName, Consumer<Map<String, String>> publish) {
    recorder.forTest(testId, displayName);
    return new Publishing(testId, publish);
  }

  /** Writes the test files, summary.json and index.html if anything was recorded since the last write. */
  synchronized void write() {
    if (dirty) {
      dirty = false;
      writer.write(recorder);
    }
  }

  @Override
  public void close() {
    write();
  }

  /** The JUnit report entry of one measurement: what it is and its headline figures. */
  static Map<String, String> entry(ReportEntry e) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("podgate." + e.kind().json(), e.label());
    e.headline().forEach((k, v) -> m.put("podgate." + e.kind().json() + "." + k, String.valueOf(v)));
    return m;
  }

  private final class Publishing implements PodgateReport {
    private final String testId;
    private final Consumer<Map<String, String>> publish;

    Publishing(String testId, Consumer<Map<String, String>> publish) {
      this.testId = testId;
      this.publish = publish;
    }

    private void add(ReportEntry e) {
      recorder.record(testId, e);
      dirty = true;
      publish.accept(entry(e));
    }

    @Override
    public void throughput(ThroughputResult result) {
      add(ReportEntries.throughput(result, Instant.now()));
    }

    @Override
    public void http(String label, HttpLoadResult result) {
      add(ReportEntries.http(label, result, Instant.now()));
    }

    @Override
    public void comparison(ComparisonResult result) {
      comparison(ReportEntries.comparisonLabel(result), result);
    }

    @Override
    public void comparison(String label, ComparisonResult result) {
      add(ReportEntries.comparison(label, result, Instant.now()));
    }

    @Override
    public void churn(ChurnResult result) {
      churn(ReportEntries.churnLabel(result), result);
    }

    @Override
    public void churn(String label, ChurnResult result) {
      add(ReportEntries.churn(label, result, Instant.now()));
    }

    @Override
    public void criLatency(String label, Map<String, List<Duration>> samplesByOperation) {
      add(ReportEntries.criLatency(label, new LinkedHashMap<>(samplesByOperation), Instant.now()));
    }

    @Override
    public boolean target(String name, double value, double target, String unit, MetricDirection direction) {
      ReportTarget t = recorder.target(testId, new ReportTarget(name, value, target, unit, direction));
      dirty = true;
      Map<String, String> m = new LinkedHashMap<>();
      m.put("podgate.target", name);
      m.put("podgate.target.value", String.valueOf(value));
      m.put("podgate.target.target", String.valueOf(target));
      m.put("podgate.target.unit", unit);
      m.put("podgate.target.verdict", t.passed() ? "pass" : "fail");
      publish.accept(m);
      return t.passed();
    }
  }
}
