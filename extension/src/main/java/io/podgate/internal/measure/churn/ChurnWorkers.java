package io.podgate.internal.measure.churn;

import io.podgate.PodgateException;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * What every churn path shares: {@code workers} threads running cycles until the duration, the cycle
 * budget or {@code maxFailures} ends the run, progress lines, the per-second series, kept failure
 * messages, and the result. The path supplies its set-up, one cycle and its clean-up, which always runs.
 */
public final class ChurnWorkers {
  static final int KEPT_FAILURE_MESSAGES = 5;

  /** One create-to-removed cycle, named {@code w<worker>-<sequence>}; throws when the cycle failed. */
  public interface Cycle {
    void run(String name);
  }

  private final ChurnOptions o;
  private final ChurnOptions.Path path;
  private final String runId;
  private final LatencyHistograms latencies;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final List<String> failureMessages = new ArrayList<>();
  private final Map<Integer, LongAdder> perSecond = new ConcurrentHashMap<>();
  private final AtomicReference<String> stoppedEarly = new AtomicReference<>();
  private final PodLatencies podLatencies;
  private volatile long startNanos;

  public ChurnWorkers(ChurnOptions options, ChurnOptions.Path path, String runId, LatencyHistograms latencies) {
    this(options, path, runId, latencies, null);
  }

  /** @param podLatencies the pod-latency samples the path records, or null when it has none */
  public ChurnWorkers(ChurnOptions options, ChurnOptions.Path path, String runId, LatencyHistograms latencies,
      PodLatencies podLatencies) {
    this.o = options;
    this.path = path;
    this.runId = runId;
    this.latencies = latencies;
    this.podLatencies = podLatencies;
  }

  /**
   * Runs {@code setUp}, the cycles, then {@code cleanUp} (also after a failure or an interruption, keeping
   * the thread's interrupt flag). {@code describeFailure} turns a failed cycle into one kept message.
   *
   * @throws PodgateException when set-up or clean-up fails, a worker crashes, or the run is interrupted
   */
  public ChurnResult run(Runnable setUp, Cycle cycle, BiFunction<String, RuntimeException, String> describeFailure,
      Runnable cleanUp) {
    String threads = "podgate-churn-" + path.name().toLowerCase(Locale.ROOT) + "-" + runId;
    boolean interrupted = false;
    long endNanos;
    ExecutorService workers = Executors.newFixedThreadPool(o.workers(), daemon(threads));
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon(threads + "-progress"));
    try {
      setUp.run();
      if (!o.warmup().isZero()) {
        long warmupStart = System.nanoTime();
        AtomicLong warmupCycles = new AtomicLong();
        interrupted = phase(workers, warmupStart + o.warmup().toNanos(), cycle, describeFailure, warmupCycles);
        o.progress().accept(String.format(Locale.ROOT, "churn warm-up: %d cycles in %.1f s, not counted",
            warmupCycles.get(), (System.nanoTime() - warmupStart) / 1e9));
        latencies.reset();
        if (podLatencies != null) {
          podLatencies.reset();
        }
      }
      startNanos = System.nanoTime();
      if (!interrupted) {
        long deadline = o.duration() != null ? startNanos + o.duration().toNanos() : Long.MAX_VALUE;
        long intervalMs = o.progressInterval().toMillis();
        AtomicLong lastCount = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong(startNanos);
        reporter.scheduleAtFixedRate(() -> progress(lastCount, lastNanos), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        interrupted = phase(workers, deadline, cycle, describeFailure, null);
      }
      endNanos = System.nanoTime();
    } finally {
      stop.set(true);
      reporter.shutdownNow();
      workers.shutdown();
      boolean wasInterrupted = Thread.interrupted() || interrupted;
      try {
        cleanUp.run();
      } finally {
        if (wasInterrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    ChurnResult result = result(endNanos);
    if (interrupted) {
      throw new PodgateException("churn interrupted after " + result.cycles() + " cycles; everything it created "
          + "was removed. " + result.summary());
    }
    o.progress().accept("churn done: " + result.summary().lines().findFirst().orElse(""));
    return result;
  }

  /**
   * Every worker cycles until {@code deadline}; returns whether the wait was interrupted (the workers are then
   * told to stop and awaited). Counts the measured run's cycles, or, with {@code warmupCycles}, only that.
   */
  private boolean phase(ExecutorService workers, long deadline, Cycle cycle,
      BiFunction<String, RuntimeException, String> describeFailure, AtomicLong warmupCycles) {
    boolean interrupted = false;
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < o.workers(); w++) {
      int worker = w;
      futures.add(workers.submit(() -> work(worker, deadline, cycle, describeFailure, warmupCycles)));
    }
    for (Future<?> f : futures) {
      try {
        await(f);
      } catch (InterruptedException e) {
        interrupted = true;
        stop.set(true);
        stoppedEarly.compareAndSet(null, "interrupted");
      }
    }
    if (interrupted) {
      futures.forEach(ChurnWorkers::awaitUninterruptibly);
    }
    return interrupted;
  }

  private void work(int worker, long deadline, Cycle cycle, BiFunction<String, RuntimeException, String> describeFailure,
      AtomicLong warmupCycles) {
    String prefix = warmupCycles != null ? "warmup-w" : "w";
    long seq = 0;
    // The failure count is read here, not only through stop: a worker that fails the last allowed cycle
    // may be preempted before it sets stop, and fast-failing cycles would then overshoot maxFailures.
    while (!stop.get() && failures.get() < o.maxFailures() && System.nanoTime() < deadline) {
      if (warmupCycles == null && o.cycles() > 0 && tickets.getAndIncrement() >= o.cycles()) {
        return;
      }
      String name = prefix + worker + "-" + seq++;
      try {
        cycle.run(name);
        if (warmupCycles != null) {
          warmupCycles.incrementAndGet();
          continue;
        }
        completed.incrementAndGet();
        int second = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
        perSecond.computeIfAbsent(second, s -> new LongAdder()).increment();
      } catch (RuntimeException e) {
        failed(describeFailure.apply(name, e));
      }
    }
  }

  private void failed(String message) {
    long n = failures.incrementAndGet();
    synchronized (failureMessages) {
      if (failureMessages.size() < KEPT_FAILURE_MESSAGES) {
        failureMessages.add(message);
      }
    }
    if (n >= o.maxFailures() && stoppedEarly.compareAndSet(null, "reached maxFailures = " + o.maxFailures()
        + " (" + n + " failed cycles)")) {
      stop.set(true);
    }
  }

  private void progress(AtomicLong lastCount, AtomicLong lastNanos) {
    long now = System.nanoTime();
    long done = completed.get();
    double sinceLast = (now - lastNanos.getAndSet(now)) / 1e9;
    long recent = done - lastCount.getAndSet(done);
    double total = (now - startNanos) / 1e9;
    o.progress().accept(String.format(Locale.ROOT,
        "churn %.0f s: %d cycles, %.2f/s overall, %.2f/s in the last %.0f s, %d failure(s)",
        total, done, done / total, recent / sinceLast, sinceLast, failures.get()));
  }

  private ChurnResult result(long endNanos) {
    Duration elapsed = Duration.ofNanos(endNanos - startNanos);
    int seconds = (int) Math.max(1, (elapsed.toNanos() + 999_999_999L) / 1_000_000_000L);
    List<Long> series = new ArrayList<>();
    for (int s = 0; s < seconds; s++) {
      LongAdder a = perSecond.get(s);
      series.add(a == null ? 0L : a.sum());
    }
    List<String> messages;
    synchronized (failureMessages) {
      messages = List.copyOf(failureMessages);
    }
    return new ChurnResult(path, o.mode(), o.workers(), o.image(), completed.get(), failures.get(), messages, elapsed,
        latencies.summaries(), series, stoppedEarly.get(), podLatencies == null ? Map.of() : podLatencies.summaries());
  }

  private static void await(Future<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      throw new PodgateException("churn worker crashed: " + e.getCause(), e.getCause());
    }
  }

  private static void awaitUninterruptibly(Future<?> f) {
    while (true) {
      try {
        await(f);
        return;
      } catch (InterruptedException e) {
        // keep waiting: the worker finishes its cycle and cleans up
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
