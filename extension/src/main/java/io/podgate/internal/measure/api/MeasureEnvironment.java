package io.podgate.internal.measure.api;

import io.podgate.measure.Measure;
import io.podgate.measure.PodgateReport;
import io.podgate.internal.backend.PodBackend;
import java.util.function.Consumer;

/** What {@link io.podgate.measure.Measure} needs from whoever hands it out (the JUnit extension). */
public interface MeasureEnvironment {

  /** The backend pods come from; throws a named error when there is no runtime. */
  PodBackend backend();

  /** Where every measurement is recorded. */
  PodgateReport report();

  /** Where progress lines go. */
  Consumer<String> progress();

  /** Closes {@code resource} when the test that asked for it ends. */
  void closeAtEnd(AutoCloseable resource);
}
