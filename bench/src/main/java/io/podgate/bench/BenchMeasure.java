package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.measure.api.MeasureEnvironment;
import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.internal.measure.api.MeasureResources;
import io.podgate.measure.Measure;
import io.podgate.measure.PodgateReport;
import java.util.function.Consumer;

/**
 * A {@link Measure} for the bench, which plays the part podgate's JUnit extension plays for a test: runs are
 * recorded in {@code report}, progress goes to the bench's log, {@code measure.churn()} runs on the given
 * backend, and what a run opened is closed by {@link #close}. The one place the bench makes a {@code Measure}.
 */
final class BenchMeasure implements MeasureEnvironment, AutoCloseable {
  private final PodgateReport report;
  private final Consumer<String> progress;
  private final MeasureResources resources = new MeasureResources();
  private final PodBackend backend;
  private final Measure measure;

  /** @param backend where {@code measure.churn()} runs (the daemon's or a cluster's); null: none */
  BenchMeasure(PodgateReport report, Consumer<String> progress, PodBackend backend) {
    this.report = report;
    this.progress = progress;
    this.backend = backend;
    this.measure = MeasureInternals.access().measure(this);
  }

  /** Measure without a backend (HTTP load and throughput between given pods). */
  BenchMeasure(PodgateReport report, Consumer<String> progress) {
    this(report, progress, null);
  }

  Measure measure() {
    return measure;
  }

  @Override
  public PodBackend backend() {
    if (backend != null) {
      return backend;
    }
    throw new PodgateException("this bench Measure has no pod backend: churn runs on the run's backend"
        + " (SeedRun.measure)");
  }

  @Override
  public PodgateReport report() {
    return report;
  }

  @Override
  public Consumer<String> progress() {
    return progress;
  }

  @Override
  public void closeAtEnd(AutoCloseable resource) {
    resources.add(resource);
  }

  @Override
  public void close() {
    resources.closeAll("a bench measurement resource");
  }
}
