package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.measure.api.MeasureEnvironment;
import io.podgate.internal.measure.api.MeasureResources;
import io.podgate.measure.PodgateReport;
import java.util.function.Consumer;

/**
 * The bench's side of {@link io.podgate.measure.Measure} (what the JUnit extension gives a test):
 * its report, progress into the bench's log; resources closed by {@link #close}. The bench makes its pods itself
 * ({@link BenchPods}) and runs churn through its own section, so it offers {@code Measure} no pod backend; the
 * cluster bench ({@link ClusterBenchmark}) passes its cluster's backend, whose churn is pod churn through the API.
 */
final class BenchMeasureEnvironment implements MeasureEnvironment, AutoCloseable {
  private final PodgateReport report;
  private final Consumer<String> progress;
  private final MeasureResources resources = new MeasureResources();
  private final PodBackend backend;

  BenchMeasureEnvironment(PodgateReport report, Consumer<String> progress) {
    this(report, progress, null);
  }

  /** With {@code backend} (e.g. a cluster's), so {@code measure.churn()} runs on it; null: none. */
  BenchMeasureEnvironment(PodgateReport report, Consumer<String> progress, PodBackend backend) {
    this.report = report;
    this.progress = progress;
    this.backend = backend;
  }

  @Override
  public PodBackend backend() {
    if (backend != null) {
      return backend;
    }
    throw new PodgateException("the bench's Measure has no pod backend: its pods come from BenchPods and churn from"
        + " ChurnSection");
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
