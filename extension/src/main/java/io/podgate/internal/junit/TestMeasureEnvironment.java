package io.podgate.internal.junit;

import io.podgate.PodgateException;
import io.podgate.measure.PodgateReport;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.measure.api.MeasureEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A test's measurement environment: its report, progress on stdout, resources closed when it ends. */
@SuppressWarnings("deprecation")
final class TestMeasureEnvironment implements MeasureEnvironment,
    org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String PROGRESS_PREFIX = "[podgate] ";

  private final Supplier<PodBackend> backend;
  private final PodgateReport report;
  private final List<AutoCloseable> resources = new ArrayList<>();

  TestMeasureEnvironment(Supplier<PodBackend> backend, PodgateReport report) {
    this.backend = backend;
    this.report = report;
  }

  @Override
  public PodBackend backend() {
    return backend.get();
  }

  @Override
  public PodgateReport report() {
    return report;
  }

  @Override
  public Consumer<String> progress() {
    return line -> System.out.println(PROGRESS_PREFIX + line);
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
          failure = new PodgateException("closing a measurement resource failed: " + e.getMessage(), e);
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
