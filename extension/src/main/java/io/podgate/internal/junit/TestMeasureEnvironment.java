package io.podgate.internal.junit;

import io.podgate.measure.PodgateReport;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.measure.api.MeasureEnvironment;
import io.podgate.internal.measure.api.MeasureResources;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A test's measurement environment: its report, progress on stdout, resources closed when it ends. */
@SuppressWarnings("deprecation")
final class TestMeasureEnvironment implements MeasureEnvironment,
    org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String PROGRESS_PREFIX = "[podgate] ";

  private final Supplier<PodBackend> backend;
  private final PodgateReport report;
  private final MeasureResources resources = new MeasureResources();

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
  public void closeAtEnd(AutoCloseable resource) {
    resources.add(resource);
  }

  @Override
  public void close() {
    resources.closeAll("a measurement resource");
  }
}
