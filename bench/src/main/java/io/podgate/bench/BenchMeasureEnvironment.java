package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.measure.api.MeasureEnvironment;
import io.podgate.measure.PodgateReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The bench's side of {@link io.podgate.measure.Measure} (what the JUnit extension gives a test):
 * its report, progress into the bench's log; resources closed by {@link #close}. The bench makes its pods itself
 * ({@link BenchPods}) and runs churn through its own section, so it offers {@code Measure} no pod backend.
 */
final class BenchMeasureEnvironment implements MeasureEnvironment, AutoCloseable {
  private final PodgateReport report;
  private final Consumer<String> progress;
  private final List<AutoCloseable> resources = new ArrayList<>();

  BenchMeasureEnvironment(PodgateReport report, Consumer<String> progress) {
    this.report = report;
    this.progress = progress;
  }

  @Override
  public PodBackend backend() {
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
  public synchronized void closeAtEnd(AutoCloseable resource) {
    resources.add(resource);
  }

  @Override
  public void close() {
    List<AutoCloseable> all;
    synchronized (this) {
      all = new ArrayList<>(resources);
      resources.clear();
    }
    PodgateException failure = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new PodgateException("closing a bench measurement resource failed: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
