package io.podgate.bench;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.Measure;
import io.podgate.measure.MetricDirection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * Section 2: churn with 2 (and 10) workers against containerd-stress with as many workers on the same daemon
 * in this run (else {@code ctr run --rm}), through both paths: CRI (a kubelet's calls, more work per cycle than
 * the peer: informative) and CONTAINERD (containerd-stress's own cycle: like for like), both through
 * {@link Measure#churn} on the run's daemon. Targets are the ratios podgate / peer, at least 1.
 */
final class ChurnSection {
  private ChurnSection() {}

  /** What the same-run churn peer did with {@code workers} workers on the same daemon. */
  record ChurnPeer(String name, int workers, double seconds, long containers, long failures, List<String> failureMessages) {
    double containersPerSecond() {
      return containers / seconds;
    }
  }

  static void run(SeedRun run) {
    try (BenchMeasure measure = run.measure(run.testReport())) {
      run(run, measure.measure());
    }
  }

  private static void run(SeedRun run, Measure measure) {
    List<ChurnResult> results = new ArrayList<>();
    ChurnResult two = churnRun(run, measure, 2, run.sizes().churnSeconds());
    results.add(two);
    try {
      results.add(containerdPathRun(run, measure, 2, run.sizes().churnSeconds()));
    } catch (RuntimeException e) {
      run.partFailed("2. Churn rate, containerd path", "churn through containerd's API", e);
    }
    Path socket = run.daemon.socket();
    Map<Integer, ChurnPeer> peers = new LinkedHashMap<>();
    if (socket != null) {
      churnPeer(run, socket, 2, run.sizes().churnSeconds()).ifPresent(p -> peers.put(2, p));
    }
    if (run.sizes().churn10Seconds() > 0) {
      try {
        results.add(churnRun(run, measure, 10, run.sizes().churn10Seconds()));
      } catch (RuntimeException e) {
        run.partFailed("2. Churn rate, 10 workers", "churn with 10 workers", e);
      }
      try {
        results.add(containerdPathRun(run, measure, 10, run.sizes().churn10Seconds()));
      } catch (RuntimeException e) {
        run.partFailed("2. Churn rate, containerd path, 10 workers", "churn through containerd's API, 10 workers", e);
      }
      if (socket != null) {
        churnPeer(run, socket, 10, run.sizes().churn10Seconds()).ifPresent(p -> peers.put(10, p));
      }
    }
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Churn rate: busybox /bin/true per cycle, like containerd-stress; the peer runs on the same daemon in this run%n"));
    t.append(String.format(Locale.ROOT, "%-10s %-8s %8s %7s %9s %9s %9s %7s  %s%n", "path", "workers", "seconds",
        "cycles", "cycles/s", "failures", "peer/s", "ratio", "verdict"));
    for (ChurnResult r : results) {
      ChurnPeer p = peers.get(r.workers());
      double ratio = p == null ? Double.NaN : r.cyclesPerSecond() / p.containersPerSecond();
      t.append(String.format(Locale.ROOT, "%-10s %-8d %8.1f %7d %9.2f %9d %9s %7s  %s%n", r.path(), r.workers(),
          r.elapsed().toMillis() / 1000.0, r.cycles(), r.cyclesPerSecond(), r.failures(),
          p == null ? "-" : String.format(Locale.ROOT, "%.2f", p.containersPerSecond()),
          p == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
          p == null ? "no peer ran" : ratio >= 1.0 ? "PASS" : "FAIL"));
      if (p != null) {
        boolean cri = r.path() == ChurnOptions.Path.CRI;
        String target = r.workers() == 10
            ? (cri ? SeedBenchmark.TARGET_CHURN_10 : SeedBenchmark.TARGET_CHURN_10_CONTAINERD_PATH)
            : (cri ? SeedBenchmark.TARGET_CHURN_2 : SeedBenchmark.TARGET_CHURN_2_CONTAINERD_PATH);
        run.target(target, SeedRun.round2(ratio), 1.0, SeedBenchmark.RATIO, MetricDirection.HIGHER_IS_BETTER);
      }
    }
    peers.values().forEach(p -> {
      t.append(String.format(Locale.ROOT, "%-10s %-8d %8.1f %7d %9.2f %9d   <- %s, same daemon, this run%n", "peer",
          p.workers(), p.seconds(), p.containers(), p.containersPerSecond(), p.failures(), p.name()));
      p.failureMessages().forEach(m -> t.append("   peer failure: ").append(m).append('\n'));
    });
    run.log.block(t.toString());
  }

  /**
   * containerd-stress with {@code workers} workers for {@code seconds} on the same daemon, else
   * {@code ctr run --rm}; empty (and said) when neither can run.
   */
  private static Optional<ChurnPeer> churnPeer(SeedRun run, Path socket, int workers, int seconds) {
    Duration duration = Duration.ofSeconds(seconds);
    Path stress = run.settings.containerdStress();
    String stressMissing = stress == null ? "no binary given (ci/bench passes --containerd-stress)"
        : ContainerdStressPeer.unavailable(stress);
    try {
      if (stressMissing == null) {
        run.log.line(String.format(Locale.ROOT, "same-run peer: containerd-stress -c %d -d %ds", workers, seconds));
        ContainerdStressPeer.Result r = ContainerdStressPeer.run(stress, socket, BenchDaemon.busyboxArchive(), workers,
            duration, run.settings.workDir());
        run.log.line("   " + r.summary());
        return Optional.of(new ChurnPeer("containerd-stress -c " + workers, workers, r.seconds(), r.containers(),
            r.failures(), List.of()));
      }
      run.log.line("containerd-stress peer not run: " + stressMissing);
      if (!Files.isExecutable(CliClientOverhead.CTR)) {
        run.log.line("no churn peer: " + CliClientOverhead.CTR + " is missing too");
        return Optional.empty();
      }
      run.log.line(String.format(Locale.ROOT, "same-run peer: ctr run --rm, %d workers for %d s", workers, seconds));
      CtrRunChurn.Result r = CtrRunChurn.run(socket, BenchDaemon.BUSYBOX, workers, duration);
      run.log.line("   " + r.summary());
      return Optional.of(new ChurnPeer("ctr run --rm /bin/true", workers, r.elapsed().toMillis() / 1000.0,
          r.containers(), r.failures(), r.failureMessages()));
    } catch (RuntimeException e) {
      run.partFailed("2. Churn rate, same-run peer", "the churn peer with " + workers + " workers", e);
      return Optional.empty();
    }
  }

  /**
   * Churn through containerd's own API (containerd-stress's cycle), the like-for-like figure for the peer; recorded
   * in the report as "churn, containerd path, N workers".
   */
  private static ChurnResult containerdPathRun(SeedRun run, Measure measure, int workers, int seconds) {
    run.log.line(String.format(Locale.ROOT, "churn through containerd's API: %d workers for %d s", workers, seconds));
    return measure.churn().path(ChurnOptions.Path.CONTAINERD).workers(workers).seconds(seconds).warmup(warmup(seconds))
        .command(ChurnBenchmark.STRESS_LIKE_COMMAND.toArray(String[]::new))
        .label("churn, containerd path, " + workers + " workers").run();
  }

  /**
   * Unmeasured cycles before a run of {@code seconds}: 15 % of it (3 s before 20 s). The JVM's JIT and first calls
   * made the first 5 s of a 2-worker containerd-path run some 15 % slower than the rest; containerd-stress, a Go
   * binary, has no such start-up inside its measured time.
   */
  static Duration warmup(int seconds) {
    return Duration.ofMillis(seconds * 150L);
  }

  /** Churn through CRI, recorded in the report as "churn, N workers". */
  private static ChurnResult churnRun(SeedRun run, Measure measure, int workers, int seconds) {
    run.log.line(String.format(Locale.ROOT, "churn: %d workers for %d s", workers, seconds));
    return measure.churn().path(ChurnOptions.Path.CRI).workers(workers).seconds(seconds).warmup(warmup(seconds))
        .command(ChurnBenchmark.STRESS_LIKE_COMMAND.toArray(String[]::new))
        .label("churn, " + workers + " workers").run();
  }
}
