package io.podgate.bench;

import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.ContainerdChurnEngine;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.MetricDirection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Section 2: churn with 2 (and 10) workers against containerd-stress, run on the same daemon when it can;
 * with 2 workers both paths, CRI (the kubelet's calls) and CONTAINERD (containerd-stress's own cycle).
 */
final class ChurnSection {
  private ChurnSection() {}

  /** What the same-run churn peer did with 2 workers; {@code target} names its summary target. */
  record ChurnPeer(String target, String name, double seconds, long containers, long failures,
      List<String> failureMessages) {
    double containersPerSecond() {
      return containers / seconds;
    }
  }

  static void run(SeedRun run) {
    List<ChurnResult> results = new ArrayList<>();
    ChurnResult two = churnRun(run, 2, run.sizes().churnSeconds());
    results.add(two);
    run.target(SeedBenchmark.TARGET_CHURN_2, two.cyclesPerSecond(), ChurnBenchmark.CONTAINERD_STRESS_2_WORKERS,
        "cycles/s", MetricDirection.HIGHER_IS_BETTER);
    Optional<ChurnResult> twoContainerd = Optional.empty();
    try {
      twoContainerd = Optional.of(containerdPathRun(run, 2, run.sizes().churnSeconds()));
    } catch (RuntimeException e) {
      run.partFailed("2. Churn rate, containerd path", "churn through containerd's API", e);
    }
    Path socket = run.daemon.socket();
    Optional<ChurnPeer> peer = socket == null ? Optional.empty() : churnPeer(run, socket);
    peer.ifPresent(p -> run.target(p.target(), two.cyclesPerSecond(), SeedRun.round2(p.containersPerSecond()),
        "cycles/s", MetricDirection.HIGHER_IS_BETTER));
    twoContainerd.ifPresent(c -> peer.ifPresent(p -> run.target(SeedBenchmark.TARGET_CHURN_2_CONTAINERD_PATH,
        c.cyclesPerSecond(), SeedRun.round2(p.containersPerSecond()), "cycles/s", MetricDirection.HIGHER_IS_BETTER)));
    if (run.sizes().churn10Seconds() > 0) {
      try {
        ChurnResult ten = churnRun(run, 10, run.sizes().churn10Seconds());
        results.add(ten);
        run.target(SeedBenchmark.TARGET_CHURN_10, ten.cyclesPerSecond(), SeedBenchmark.CONTAINERD_STRESS_10_WORKERS,
            "cycles/s", MetricDirection.HIGHER_IS_BETTER);
      } catch (RuntimeException e) {
        run.partFailed("2. Churn rate, 10 workers", "churn with 10 workers", e);
      }
    }
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Churn rate: busybox /bin/true per cycle, like containerd-stress (its figures measured on this machine, 30 s)%n"));
    t.append(String.format(Locale.ROOT, "%-10s %-8s %8s %7s %9s %9s %10s %7s  %s%n", "path", "workers", "seconds",
        "cycles", "cycles/s", "failures", "c-stress/s", "ratio", "verdict"));
    twoContainerd.ifPresent(results::add);
    for (ChurnResult r : results) {
      double ref = r.workers() == 2 ? ChurnBenchmark.CONTAINERD_STRESS_2_WORKERS
          : SeedBenchmark.CONTAINERD_STRESS_10_WORKERS;
      t.append(String.format(Locale.ROOT, "%-10s %-8d %8.1f %7d %9.2f %9d %10.1f %7.2f  %s%n", r.path(), r.workers(),
          r.elapsed().toMillis() / 1000.0, r.cycles(), r.cyclesPerSecond(), r.failures(), ref,
          r.cyclesPerSecond() / ref, r.cyclesPerSecond() >= ref ? "PASS" : "FAIL"));
      run.recorder.churn(SeedBenchmark.TEST_ID, "churn, " + (r.path() == ChurnOptions.Path.CRI ? "" : "containerd path, ")
          + r.workers() + " workers", r);
    }
    List<ChurnResult> sameRun = new ArrayList<>(List.of(two));
    twoContainerd.ifPresent(sameRun::add);
    peer.ifPresent(p -> {
      t.append(String.format(Locale.ROOT, "%-10s %-8d %8.1f %7d %9.2f %9d   <- %s, same daemon, this run%n", "peer", 2,
          p.seconds(), p.containers(), p.containersPerSecond(), p.failures(), p.name()));
      for (ChurnResult r : sameRun) {
        t.append(String.format(Locale.ROOT, "   podgate %s path, 2 workers / %s: %.2f  %s%n", r.path(), p.name(),
            r.cyclesPerSecond() / p.containersPerSecond(), r.cyclesPerSecond() >= p.containersPerSecond() ? "PASS" : "FAIL"));
      }
      p.failureMessages().forEach(m -> t.append("   peer failure: ").append(m).append('\n'));
    });
    run.log.block(t.toString());
  }

  /**
   * containerd-stress with 2 workers for the churn's duration on the same daemon, else {@code ctr run --rm};
   * empty (and said) when neither can run.
   */
  private static Optional<ChurnPeer> churnPeer(SeedRun run, Path socket) {
    Duration duration = Duration.ofSeconds(run.sizes().churnSeconds());
    Path stress = run.settings.containerdStress();
    String stressMissing = stress == null ? "no binary given (ci/bench passes --containerd-stress)"
        : ContainerdStressPeer.unavailable(stress);
    try {
      if (stressMissing == null) {
        run.log.line(String.format(Locale.ROOT, "same-run peer: containerd-stress -c 2 -d %ds", duration.toSeconds()));
        ContainerdStressPeer.Result r = ContainerdStressPeer.run(stress, socket,
            new StandardImages(StandardImages.defaultCacheDir()).busybox(), 2, duration, run.settings.workDir());
        run.log.line("   " + r.summary());
        return Optional.of(new ChurnPeer(SeedBenchmark.TARGET_CHURN_2_STRESS, "containerd-stress -c 2", r.seconds(),
            r.containers(), r.failures(), List.of()));
      }
      run.log.line("containerd-stress peer not run: " + stressMissing);
      if (!Files.isExecutable(CliClientOverhead.CTR)) {
        run.log.line("no churn peer: " + CliClientOverhead.CTR + " is missing too");
        return Optional.empty();
      }
      run.log.line(String.format(Locale.ROOT, "same-run peer: ctr run --rm, 2 workers for %d s", duration.toSeconds()));
      CtrRunChurn.Result r = CtrRunChurn.run(socket, StandardImages.BUSYBOX_REFERENCE, 2, duration);
      run.log.line("   " + r.summary());
      return Optional.of(new ChurnPeer(SeedBenchmark.TARGET_CHURN_2_PEER, "ctr run --rm /bin/true",
          r.elapsed().toMillis() / 1000.0, r.containers(), r.failures(), r.failureMessages()));
    } catch (RuntimeException e) {
      run.partFailed("2. Churn rate, same-run peer", "the churn peer", e);
      return Optional.empty();
    }
  }

  /** Churn through containerd's own API (containerd-stress's cycle), the like-for-like figure for the peer. */
  private static ChurnResult containerdPathRun(SeedRun run, int workers, int seconds) {
    run.log.line(String.format(Locale.ROOT, "churn through containerd's API: %d workers for %d s", workers, seconds));
    return new ContainerdChurnEngine(run.daemon.containerd()).run(ChurnOptions.builder()
        .path(ChurnOptions.Path.CONTAINERD)
        .workers(workers)
        .duration(Duration.ofSeconds(seconds))
        .command(ChurnBenchmark.STRESS_LIKE_COMMAND)
        .progress(line -> run.log.line("   " + line))
        .build());
  }

  private static ChurnResult churnRun(SeedRun run, int workers, int seconds) {
    run.log.line(String.format(Locale.ROOT, "churn: %d workers for %d s", workers, seconds));
    return new ChurnEngine(run.cri()).run(ChurnOptions.builder()
        .workers(workers)
        .duration(Duration.ofSeconds(seconds))
        .command(ChurnBenchmark.STRESS_LIKE_COMMAND)
        .progress(line -> run.log.line("   " + line))
        .build());
  }
}
