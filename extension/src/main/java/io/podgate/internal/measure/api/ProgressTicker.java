package io.podgate.internal.measure.api;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Prints "still running" every {@link #INTERVAL} while a measurement that reports nothing on its own
 * (an iperf3 client, a comparison round) runs, so a long run is never silent for longer.
 */
public final class ProgressTicker implements AutoCloseable {
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private final ScheduledExecutorService timer;

  private ProgressTicker(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts ticking; {@code expected} (may be null) is shown as the planned length. */
  public static ProgressTicker start(Consumer<String> sink, String what, Duration expected) {
    return start(sink, what, expected, INTERVAL);
  }

  static ProgressTicker start(Consumer<String> sink, String what, Duration expected, Duration interval) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "podgate-progress");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    long every = interval.toMillis();
    timer.scheduleAtFixedRate(() -> {
      double elapsed = (System.nanoTime() - start) / 1e9;
      sink.accept(String.format(Locale.ROOT, "%s: running for %.0f s%s", what, elapsed,
          expected == null ? "" : " (planned ~" + expected.toSeconds() + " s)"));
    }, every, every, TimeUnit.MILLISECONDS);
    return new ProgressTicker(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
