package io.podgate.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints benchmark lines and, while a step runs, a heartbeat whenever nothing was printed for
 * {@value #QUIET_SECONDS} s, so a long step never looks hung.
 */
final class BenchProgress implements AutoCloseable {
  static final int QUIET_SECONDS = 4;

  private final PrintStream out;
  private final ScheduledExecutorService timer;
  private volatile long lastPrintNanos = System.nanoTime();
  private volatile String step;
  private volatile long stepStartNanos;

  BenchProgress(PrintStream out) {
    this.out = out;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "podgate-bench-heartbeat");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::beat, 1, 1, TimeUnit.SECONDS);
  }

  synchronized void line(String text) {
    out.println(text);
    out.flush();
    lastPrintNanos = System.nanoTime();
  }

  /** Prints a multi-line block as is (tables). */
  synchronized void block(String text) {
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
    lastPrintNanos = System.nanoTime();
  }

  void step(String name) {
    stepStartNanos = System.nanoTime();
    step = name;
    line("-- " + name);
  }

  void endStep() {
    step = null;
  }

  private void beat() {
    String s = step;
    long now = System.nanoTime();
    if (s != null && now - lastPrintNanos >= TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
      line(String.format(java.util.Locale.ROOT, "   ... %s, %d s", s, TimeUnit.NANOSECONDS.toSeconds(now - stepStartNanos)));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
