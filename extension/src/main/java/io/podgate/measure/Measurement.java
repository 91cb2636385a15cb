package io.podgate.measure;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * One run of something that yields one number (Gbit/s, requests/s, ms). A comparison calls it
 * once per round; a failure (exception) stops the comparison and is reported with the round.
 */
@FunctionalInterface
public interface Measurement {

  double measure() throws Exception;

  /** What is measured, for messages, e.g. "loopback -M 1448 receiver bit/s". */
  default String description() {
    return "measurement";
  }

  static Measurement named(String description, Measurement measurement) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(measurement, "measurement");
    return new Measurement() {
      @Override
      public double measure() throws Exception {
        return measurement.measure();
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  /** Runs {@code run} and extracts one figure from its result, e.g. {@code ThroughputResult::receiverBitsPerSecond}. */
  static <T> Measurement of(String description, Callable<T> run, ToDoubleFunction<? super T> metric) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(metric, "metric");
    return named(description, () -> metric.applyAsDouble(run.call()));
  }
}
