package io.podgate.bench;

import io.podgate.Pod;
import io.podgate.measure.Throughput;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadOptions;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measurement;
import io.podgate.measure.MetricDirection;
import io.podgate.PodgateException;
import io.podgate.measure.ThroughputOptions;
import io.podgate.measure.ThroughputResult;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.LabelSweep;
import io.podgate.internal.measure.compare.Comparison;
import io.podgate.internal.measure.compare.MedianInterval;
import io.podgate.internal.measure.http.HostNginx;
import io.podgate.internal.measure.http.HttpLoadGenerator;
import io.podgate.internal.measure.http.LoadReportFormat;
import io.podgate.internal.measure.iperf.CommandRunner;
import io.podgate.internal.measure.iperf.ContainerCommandRunner;
import io.podgate.internal.measure.iperf.HostCommandRunner;
import io.podgate.internal.measure.iperf.Iperf3;
import io.podgate.internal.report.ReportRecorder;
import io.podgate.internal.report.ReportTarget;
import io.podgate.internal.report.ReportWriter;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.watchdog.Watchdog;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The seed's experiment end to end on one containerd: CRI per-operation latency vs crictl, churn vs
 * containerd-stress, iperf3 loopback vs pod, HTTP host nginx vs pod nginx, podgate vs wrk. Prints
 * the seed's tables, then writes summary.json ({@code podgate.summary/v1}, with targets) and
 * index.html. A failing section is reported (its targets recorded without a value, verdict fail)
 * and the others still run.
 */
public final class SeedBenchmark {
  public static final double CONTAINERD_STRESS_10_WORKERS = 8.1;
  /** podgate's req/s must reach this share of wrk's against the same nginx. */
  public static final double WRK_RATIO_TARGET = 0.9;
  /** Informative: podgate's latency percentiles should be within this many % of wrk's. */
  public static final double LATENCY_AGREEMENT_PERCENT = 15;
  public static final int IPERF_BASELINE_MSS = 1448;
  public static final int HTTP_CONNECTIONS = 10;
  public static final double CONFIDENCE = 0.95;
  public static final String LABEL = "io.podgate.bench/seed";
  static final String TEST_ID = "podgate-bench/SeedBenchmark";
  public static final Path DEFAULT_REPORT_DIR = Path.of("target", "podgate-bench");

  public static final String TARGET_CHURN_2 = "churn 2 workers vs containerd-stress";
  public static final String TARGET_CHURN_10 = "churn 10 workers vs containerd-stress";
  public static final String TARGET_WRK_RATIO = "HTTP req/s podgate / wrk";
  public static final String TARGET_WRK_P50 = "HTTP latency p50 podgate vs wrk (informative)";
  public static final String TARGET_WRK_P99 = "HTTP latency p99 podgate vs wrk (informative)";

  /** Target name of one CRI operation's median against crictl. */
  public static final String TARGET_CHURN_2_PEER = "churn 2 workers vs ctr run --rm in this run";
  public static final String TARGET_CHURN_2_STRESS = "churn 2 workers vs containerd-stress in this run";

  public static String criTarget(String operation) {
    return "CRI " + operation + " median vs crictl";
  }

  /** Against containerd's own time for the call plus a CLI client's overhead, both from this run. */
  public static String criSameRunTarget(String operation) {
    return "CRI " + operation + " median vs crictl-equivalent in this run";
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** How long and how often each section measures. */
  public record Sizes(int criReps, int churnSeconds, int churn10Seconds, int iperfSeconds, int iperfRounds,
      int podToPodRounds, int httpSeconds, int httpRounds, int wrkSeconds, int wrkRounds) {
    /**
     * About 6 minutes: 20 s churn (and 20 s of its peer), 10 s HTTP runs, iperf3 runs of 5 s, so the
     * job fits 10 minutes with a first build of containerd-stress.
     */
    public static Sizes full() {
      return new Sizes(10, 20, 10, 5, 6, 3, 10, 3, 10, 3);
    }

    /** About 40 s: every section once, short runs; for development and the end-to-end test. */
    public static Sizes quick() {
      return new Sizes(3, 3, 2, 1, 2, 1, 2, 1, 2, 1);
    }
  }

  /**
   * @param socket an existing containerd's CRI socket, or null to start an embedded one on {@code bridge}/{@code subnet}
   * @param workDir parent of this run's private directory (containerd state, host nginx); must let others traverse
   * @param containerdStress containerd-stress binary for the churn peer; null: {@code ctr run --rm} instead
   */
  public record Settings(String mode, Sizes sizes, Path socket, String bridge, String subnet, Path workDir,
      Path reportDir, Path containerdStress) {
    public Settings(String mode, Sizes sizes, Path socket, String bridge, String subnet, Path workDir, Path reportDir) {
      this(mode, sizes, socket, bridge, subnet, workDir, reportDir, null);
    }
  }

  /** Where the report went and which sections failed (empty when all ran). */
  public record Outcome(Path summary, Path index, List<String> failedSections, int sections) {
    public boolean ranAtAll() {
      return failedSections.size() < sections;
    }
  }

  private final Settings settings;
  private final BenchProgress log;
  private final ReportRecorder recorder = new ReportRecorder();
  private final List<ReportTarget> targets = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private final String runId = "seed-" + UUID.randomUUID().toString().substring(0, 8);
  private int sections;

  private SeedBenchmark(Settings settings, BenchProgress log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Runs every section and writes the report. Throws only when the benchmark cannot start (no
   * containerd, images not importable, report not writable); section failures are in the outcome.
   */
  public static Outcome run(Settings settings, PrintStream out) {
    try (BenchProgress log = new BenchProgress(out)) {
      return new SeedBenchmark(settings, log).runAll();
    }
  }

  private Outcome runAll() {
    Instant started = Instant.now();
    Path work = createWorkDir();
    log.line(String.format(Locale.ROOT, "podgate seed benchmark (%s) run %s, work dir %s", settings.mode(), runId,
        work));
    try {
      runOnContainerd(work);
    } catch (RuntimeException e) {
      failed.add("setup");
      log.line("!! the benchmark could not run: " + e.getMessage());
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        log.line("   caused by: " + c);
      }
    } finally {
      log.endStep();
      deleteTree(work);
    }
    addMissingTargets();
    printTargets();
    recorder.forTest(TEST_ID, "SeedBenchmark (" + settings.mode() + ")");
    targets.forEach(t -> recorder.target(TEST_ID, t));
    ReportWriter.Written w = new ReportWriter(settings.reportDir(), runId, started, Clock.systemUTC()).write(recorder);
    log.line("HTML report: " + w.index().toAbsolutePath());
    if (!failed.isEmpty()) {
      log.line("failed sections: " + failed);
    }
    return new Outcome(w.summary().toAbsolutePath(), w.index().toAbsolutePath(), List.copyOf(failed), sections);
  }

  private void runOnContainerd(Path work) {
    log.step("starting containerd and importing images");
    EmbeddedContainerd embedded = null;
    CriClient cri;
    if (settings.socket() != null) {
      cri = CriClient.connect(settings.socket());
    } else {
      embedded = EmbeddedContainerd.start(EmbeddedContainerd.Options.builder()
          .name("bench-seed")
          .bridgeName(settings.bridge())
          .podSubnet(settings.subnet())
          .baseDir(work.resolve("containerd"))
          .sandboxImage(StandardImages.PAUSE_REFERENCE)
          .build());
      cri = embedded.cri();
    }
    Process watchdog = null;
    try {
      if (embedded != null) {
        // if this JVM is killed, the watchdog removes the daemon, its pods, bridge and rules, and what
        // else runs from the work directory (host nginx, the containerd-stress registry)
        watchdog = Watchdog.spawn(new Watchdog.Args(ProcessHandle.current().pid(), ProcessHandle.current().info()
            .startInstant().map(java.time.Instant::toEpochMilli).orElse(0L), embedded.socket(), runId, work,
            embedded.pid(), embedded.options().bridgeName(), embedded.options().podSubnet().toString()));
        log.line("watchdog pid " + watchdog.pid() + " cleans up should this JVM die");
      }
      for (String image : List.of(StandardImages.PAUSE_REFERENCE, StandardImages.BUSYBOX_REFERENCE,
          StandardImages.DEBUG_REFERENCE, StandardImages.NGINX_REFERENCE)) {
        ChurnEngine.ensureStandardImage(cri, image);
        if (cri.imageStatus(image).isEmpty()) {
          throw new PodgateException("image " + image + " is not in the runtime after importing it");
        }
      }
      log.line("containerd: " + (embedded != null ? embedded.toString() : "existing at " + cri.endpoint()));
      log.endStep();
      measureAll(cri, work, embedded);
    } finally {
      try {
        LabelSweep.removeAll(cri, LABEL, runId, "seed benchmark " + runId);
      } catch (RuntimeException e) {
        log.line("!! could not remove every pod of run " + runId + ": " + e.getMessage());
      }
      if (embedded != null) {
        embedded.close();
      } else {
        cri.close();
      }
      stopWatchdog(watchdog);
    }
  }

  private static void stopWatchdog(Process watchdog) {
    if (watchdog == null) {
      return;
    }
    watchdog.destroy();
    try {
      if (!watchdog.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        watchdog.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      watchdog.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The targets every summary carries; one whose section failed or never ran gets no value (verdict fail). */
  private List<ReportTarget> requiredTargets() {
    List<ReportTarget> r = new ArrayList<>();
    CriLatencyBenchmark.CRICTL_REFERENCE_MILLIS.forEach((op, ref) ->
        r.add(new ReportTarget(criTarget(op), Double.NaN, ref, "ms", MetricDirection.LOWER_IS_BETTER)));
    r.add(new ReportTarget(TARGET_CHURN_2, Double.NaN, ChurnBenchmark.CONTAINERD_STRESS_2_WORKERS, "cycles/s",
        MetricDirection.HIGHER_IS_BETTER));
    if (settings.sizes().churn10Seconds() > 0) {
      r.add(new ReportTarget(TARGET_CHURN_10, Double.NaN, CONTAINERD_STRESS_10_WORKERS, "cycles/s",
          MetricDirection.HIGHER_IS_BETTER));
    }
    r.add(new ReportTarget(TARGET_WRK_RATIO, Double.NaN, WRK_RATIO_TARGET, "ratio", MetricDirection.HIGHER_IS_BETTER));
    r.add(new ReportTarget(TARGET_WRK_P50, Double.NaN, LATENCY_AGREEMENT_PERCENT, "% difference",
        MetricDirection.LOWER_IS_BETTER));
    r.add(new ReportTarget(TARGET_WRK_P99, Double.NaN, LATENCY_AGREEMENT_PERCENT, "% difference",
        MetricDirection.LOWER_IS_BETTER));
    return r;
  }

  private void addMissingTargets() {
    for (ReportTarget t : requiredTargets()) {
      if (targets.stream().noneMatch(x -> x.name().equals(t.name()))) {
        targets.add(t);
      }
    }
  }

  private void measureAll(CriClient cri, Path work, EmbeddedContainerd embedded) {
    section("1. Pod lifecycle timings", () -> criLatency(cri, embedded));
    section("2. Churn rate", () -> churn(cri, embedded != null ? embedded.socket() : settings.socket()));
    section("3. Throughput, iperf3", () -> throughput(cri));
    WebServers web = section("4/5. nginx on the host and in a pod", () -> WebServers.start(cri, runId, work));
    if (web != null) {
      try (web) {
        section("4. HTTP baseline vs pod", () -> http(web));
        section("5. podgate vs wrk", () -> wrk(web));
      }
    }
  }

  // ---------------------------------------------------------------- 1. CRI latency

  private Void criLatency(CriClient cri, EmbeddedContainerd embedded) {
    int reps = settings.sizes().criReps();
    log.line(reps + " pods, each through all seven CRI calls, after one unrecorded warm-up pod");
    CriLatencyBenchmark.Result r = embedded != null
        ? new CriLatencyBenchmark().run(cri, reps, embedded.logFile(), embedded.socket())
        : new CriLatencyBenchmark().run(cri, reps);
    log.block("Pod lifecycle timings: " + r.table()
        + (r.hasSameRunPeer() ? "" : "(crictl is not packaged in Debian 12: its figures are the reference measured"
        + " on this machine)\n"));
    recorder.criLatency(TEST_ID, "CRI per-operation latency", r.samples());
    for (CriLatencyBenchmark.OperationFigures o : r.operations()) {
      target(criTarget(o.operation()), o.medianMillis(), o.referenceMillis(), "ms", MetricDirection.LOWER_IS_BETTER);
      if (o.hasSameRunPeer()) {
        target(criSameRunTarget(o.operation()), o.medianMillis(), round2(o.crictlEquivalentMillis()), "ms",
            MetricDirection.LOWER_IS_BETTER);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- 2. churn

  private Void churn(CriClient cri, Path socket) {
    List<ChurnResult> results = new ArrayList<>();
    ChurnResult two = churnRun(cri, 2, settings.sizes().churnSeconds());
    results.add(two);
    target(TARGET_CHURN_2, two.cyclesPerSecond(), ChurnBenchmark.CONTAINERD_STRESS_2_WORKERS, "cycles/s",
        MetricDirection.HIGHER_IS_BETTER);
    Optional<ChurnPeer> peer = socket == null ? Optional.empty() : churnPeer(socket);
    peer.ifPresent(p -> target(p.target(), two.cyclesPerSecond(), round2(p.containersPerSecond()), "cycles/s",
        MetricDirection.HIGHER_IS_BETTER));
    if (settings.sizes().churn10Seconds() > 0) {
      try {
        ChurnResult ten = churnRun(cri, 10, settings.sizes().churn10Seconds());
        results.add(ten);
        target(TARGET_CHURN_10, ten.cyclesPerSecond(), CONTAINERD_STRESS_10_WORKERS, "cycles/s",
            MetricDirection.HIGHER_IS_BETTER);
      } catch (RuntimeException e) {
        failed.add("2. Churn rate, 10 workers");
        log.line("!! churn with 10 workers FAILED: " + e.getMessage());
      }
    }
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Churn rate: busybox /bin/true per cycle, like containerd-stress (its figures measured on this machine, 30 s)%n"));
    t.append(String.format(Locale.ROOT, "%-8s %8s %7s %9s %9s %10s %7s  %s%n", "workers", "seconds", "cycles",
        "cycles/s", "failures", "c-stress/s", "ratio", "verdict"));
    for (ChurnResult r : results) {
      double ref = r.workers() == 2 ? ChurnBenchmark.CONTAINERD_STRESS_2_WORKERS : CONTAINERD_STRESS_10_WORKERS;
      t.append(String.format(Locale.ROOT, "%-8d %8.1f %7d %9.2f %9d %10.1f %7.2f  %s%n", r.workers(),
          r.elapsed().toMillis() / 1000.0, r.cycles(), r.cyclesPerSecond(), r.failures(), ref,
          r.cyclesPerSecond() / ref, r.cyclesPerSecond() >= ref ? "PASS" : "FAIL"));
      recorder.churn(TEST_ID, "churn, " + r.workers() + " workers", r);
    }
    peer.ifPresent(p -> {
      t.append(String.format(Locale.ROOT, "%-8d %8.1f %7d %9.2f %9d   <- %s, same daemon, this run;"
          + " podgate 2 workers / peer %.2f  %s%n", 2, p.seconds(), p.containers(), p.containersPerSecond(), p.failures(),
          p.name(), two.cyclesPerSecond() / p.containersPerSecond(),
          two.cyclesPerSecond() >= p.containersPerSecond() ? "PASS" : "FAIL"));
      p.failureMessages().forEach(m -> t.append("   peer failure: ").append(m).append('\n'));
    });
    log.block(t.toString());
    return null;
  }

  /** What the same-run churn peer did with 2 workers; {@code target} names its summary target. */
  record ChurnPeer(String target, String name, double seconds, long containers, long failures,
      List<String> failureMessages) {
    double containersPerSecond() {
      return containers / seconds;
    }
  }

  /**
   * containerd-stress with 2 workers for the churn's duration on the same daemon, else {@code ctr run --rm};
   * empty (and said) when neither can run.
   */
  private Optional<ChurnPeer> churnPeer(Path socket) {
    Duration duration = Duration.ofSeconds(settings.sizes().churnSeconds());
    String stressMissing = settings.containerdStress() == null ? "no binary given (ci/bench passes --containerd-stress)"
        : ContainerdStressPeer.unavailable(settings.containerdStress());
    try {
      if (stressMissing == null) {
        log.line(String.format(Locale.ROOT, "same-run peer: containerd-stress -c 2 -d %ds", duration.toSeconds()));
        ContainerdStressPeer.Result r = ContainerdStressPeer.run(settings.containerdStress(), socket,
            new StandardImages(StandardImages.defaultCacheDir()).busybox(), 2, duration, settings.workDir());
        log.line("   " + r.summary());
        return Optional.of(new ChurnPeer(TARGET_CHURN_2_STRESS, "containerd-stress -c 2", r.seconds(), r.containers(),
            r.failures(), List.of()));
      }
      log.line("containerd-stress peer not run: " + stressMissing);
      if (!java.nio.file.Files.isExecutable(CliClientOverhead.CTR)) {
        log.line("no churn peer: " + CliClientOverhead.CTR + " is missing too");
        return Optional.empty();
      }
      log.line(String.format(Locale.ROOT, "same-run peer: ctr run --rm, 2 workers for %d s", duration.toSeconds()));
      CtrRunChurn.Result r = CtrRunChurn.run(socket, StandardImages.BUSYBOX_REFERENCE, 2, duration);
      log.line("   " + r.summary());
      return Optional.of(new ChurnPeer(TARGET_CHURN_2_PEER, "ctr run --rm /bin/true", r.elapsed().toMillis() / 1000.0,
          r.containers(), r.failures(), r.failureMessages()));
    } catch (RuntimeException e) {
      failed.add("2. Churn rate, same-run peer");
      log.line("!! the churn peer FAILED: " + e.getMessage());
      return Optional.empty();
    }
  }

  private ChurnResult churnRun(CriClient cri, int workers, int seconds) {
    log.line(String.format(Locale.ROOT, "churn: %d workers for %d s", workers, seconds));
    return new ChurnEngine(cri).run(ChurnOptions.builder()
        .workers(workers)
        .duration(Duration.ofSeconds(seconds))
        .command(ChurnBenchmark.STRESS_LIKE_COMMAND)
        .progress(line -> log.line("   " + line))
        .build());
  }

  // ---------------------------------------------------------------- 3. throughput

  private Void throughput(CriClient cri) {
    int seconds = settings.sizes().iperfSeconds();
    Duration lifetime = Duration.ofSeconds(seconds + 60L);
    try (BenchPod a = BenchPod.start(cri, LABEL, runId, "iperf-a", StandardImages.DEBUG_REFERENCE, List.of());
        BenchPod b = BenchPod.start(cri, LABEL, runId, "iperf-b", StandardImages.DEBUG_REFERENCE, List.of())) {
      CommandRunner host = new HostCommandRunner();
      CommandRunner inA = new ContainerCommandRunner(cri, a.containerId(), "debug container of pod iperf-a", lifetime);
      CommandRunner inB = new ContainerCommandRunner(cri, b.containerId(), "debug container of pod iperf-b", lifetime);
      ThroughputOptions baseOptions = ThroughputOptions.builder().durationSeconds(seconds).mss(IPERF_BASELINE_MSS).build();
      ThroughputOptions podOptions = ThroughputOptions.builder().durationSeconds(seconds).build();
      String baseLabel = "loopback -M " + IPERF_BASELINE_MSS + " (baseline)";
      List<ThroughputResult> baseRuns = new ArrayList<>();
      List<ThroughputResult> hostPodRuns = new ArrayList<>();
      List<ThroughputResult> podPodRuns = new ArrayList<>();
      Measurement loopback = iperf(baseRuns, baseLabel,
          () -> new Iperf3(host, host).measure("127.0.0.1", baseOptions, baseLabel));
      Measurement hostToPod = iperf(hostPodRuns, "host->pod",
          () -> new Iperf3(inA, host).measure(a.ip(), podOptions, "host->pod"));
      Measurement podToPod = iperf(podPodRuns, "pod->pod",
          () -> new Iperf3(inA, inB).measure(a.ip(), podOptions, "pod->pod"));

      log.line(String.format(Locale.ROOT, "iperf3: %d alternating rounds loopback / host->pod (%s), %d s per run",
          settings.sizes().iperfRounds(), a, seconds));
      ComparisonResult hostPod = compare(loopback, hostToPod, settings.sizes().iperfRounds(),
          MetricDirection.HIGHER_IS_BETTER);
      ComparisonResult podPod = null;
      if (settings.sizes().podToPodRounds() > 0) {
        log.line(String.format(Locale.ROOT, "iperf3: %d alternating rounds loopback / pod->pod (%s -> %s)",
            settings.sizes().podToPodRounds(), b, a));
        try {
          podPod = compare(loopback, podToPod, settings.sizes().podToPodRounds(), MetricDirection.HIGHER_IS_BETTER);
        } catch (RuntimeException e) {
          failed.add("3. Throughput, pod->pod");
          log.line("!! pod->pod throughput FAILED: " + e.getMessage());
        }
      }
      StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
          "Throughput, iperf3, 1 stream, %d s per run. Baseline: host loopback with -M %d, the MSS of a 1500-byte"
              + " MTU like the pod's eth0 (loopback's own MTU is 65536)%n", seconds, IPERF_BASELINE_MSS));
      t.append(String.format(Locale.ROOT, "%-30s %5s %14s %9s %9s%n", "path", "runs", "median Gbit/s", "min", "max"));
      for (List<ThroughputResult> runs : List.of(baseRuns, hostPodRuns, podPodRuns)) {
        if (!runs.isEmpty()) {
          double[] g = runs.stream().mapToDouble(ThroughputResult::receiverGbitsPerSecond).sorted().toArray();
          t.append(String.format(Locale.ROOT, "%-30s %5d %14.2f %9.2f %9.2f%n", runs.get(0).label(), g.length,
              median(g), g[0], g[g.length - 1]));
          recorder.throughput(TEST_ID, medianRun(runs, ThroughputResult::receiverBitsPerSecond));
        }
      }
      t.append(overheadLine("host->pod", hostPod));
      recorder.comparison(TEST_ID, "host->pod vs " + baseLabel, hostPod);
      if (podPod != null) {
        t.append(overheadLine("pod->pod", podPod));
        recorder.comparison(TEST_ID, "pod->pod vs " + baseLabel, podPod);
      }
      ComparisonResult seed = podPod != null ? podPod : hostPod;
      t.append(String.format(Locale.ROOT,
          "Seed layout: node-to-node %.2f Gbit/s vs container-to-container %.2f Gbit/s, %.1f %% overhead (%s)%n",
          median(seed.baselineValues()) / 1e9, median(seed.subjectValues()) / 1e9, seed.medianOverheadPercent(),
          podPod != null ? "pod->pod" : "host->pod; pod->pod did not run"));
      log.block(t.toString());
    }
    return null;
  }

  private Measurement iperf(List<ThroughputResult> runs, String label, java.util.concurrent.Callable<ThroughputResult> run) {
    return Measurement.named(label + " receiver bit/s", () -> {
      ThroughputResult r = run.call();
      runs.add(r);
      log.line(String.format(Locale.ROOT, "   %-28s %6.2f Gbit/s, %d retransmits", label, r.receiverGbitsPerSecond(),
          r.retransmits()));
      return r.receiverBitsPerSecond();
    });
  }

  // ---------------------------------------------------------------- 4. HTTP

  /** nginx on the host and nginx in a pod, serving the same body with the same config. */
  record WebServers(HostNginx host, BenchPod pod) implements AutoCloseable {
    static WebServers start(CriClient cri, String runId, Path work) {
      HostNginx host = HostNginx.start(work.resolve("nginx"));
      try {
        BenchPod pod = BenchPod.start(cri, LABEL, runId, "web", StandardImages.NGINX_REFERENCE, List.of());
        try {
          awaitListening(pod.ip(), StandardImages.NGINX_PORT, Duration.ofSeconds(30));
        } catch (RuntimeException e) {
          pod.close();
          throw e;
        }
        return new WebServers(host, pod);
      } catch (RuntimeException e) {
        host.close();
        throw e;
      }
    }

    String hostUrl() {
      return host.url("/");
    }

    String podUrl() {
      return "http://" + pod.ip() + ":" + StandardImages.NGINX_PORT + "/";
    }

    @Override
    public void close() {
      try {
        pod.close();
      } finally {
        host.close();
      }
    }
  }

  private Void http(WebServers web) {
    int seconds = settings.sizes().httpSeconds();
    log.line(String.format(Locale.ROOT, "HTTP: %d alternating rounds host %s / pod %s, %d connections, %d s per run",
        settings.sizes().httpRounds(), web.hostUrl(), web.podUrl(), HTTP_CONNECTIONS, seconds));
    for (String url : List.of(web.hostUrl(), web.podUrl())) {
      load(url, Math.min(2, seconds), line -> {}); // JIT and connection warm-up, not recorded
    }
    List<HttpLoadResult> hostRuns = new ArrayList<>();
    List<HttpLoadResult> podRuns = new ArrayList<>();
    Measurement base = httpMeasurement(hostRuns, "host nginx", web.hostUrl(), seconds);
    Measurement pod = httpMeasurement(podRuns, "pod nginx", web.podUrl(), seconds);
    ComparisonResult c = compare(base, pod, settings.sizes().httpRounds(), MetricDirection.HIGHER_IS_BETTER);
    HttpLoadResult hostShown = medianRun(hostRuns, HttpLoadResult::averageRequestsPerSecond);
    HttpLoadResult podShown = medianRun(podRuns, HttpLoadResult::averageRequestsPerSecond);
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "HTTP, podgate load generator, %d connections, %d s per run, %d alternating rounds%n",
        HTTP_CONNECTIONS, seconds, c.rounds()));
    t.append("Baseline: nginx on the host, ").append(web.hostUrl()).append(" (median run)\n")
        .append(LoadReportFormat.consoleTable(hostShown));
    t.append("Subject: nginx in the pod, ").append(web.podUrl()).append(" (median run)\n")
        .append(LoadReportFormat.consoleTable(podShown));
    t.append(String.format(Locale.ROOT, "%-12s %12s %12s %10s%n", "median", "host", "pod", "pod vs host"));
    t.append(httpRow("req/s", hostRuns, podRuns, HttpLoadResult::averageRequestsPerSecond, "%12.0f"));
    t.append(httpRow("p50 ms", hostRuns, podRuns, r -> r.latency().p50(), "%12.3f"));
    t.append(httpRow("p97.5 ms", hostRuns, podRuns, r -> r.latency().p97_5(), "%12.3f"));
    t.append(httpRow("p99 ms", hostRuns, podRuns, r -> r.latency().p99(), "%12.3f"));
    long errors = Stream.concat(hostRuns.stream(), podRuns.stream()).mapToLong(r -> r.errors() + r.non2xx()).sum();
    t.append(String.format(Locale.ROOT, "errors + non-2xx over all runs: %d%n", errors));
    t.append(overheadLine("pod nginx req/s", c));
    log.block(t.toString());
    recorder.http(TEST_ID, "host nginx " + web.hostUrl(), hostShown);
    recorder.http(TEST_ID, "pod nginx " + web.podUrl(), podShown);
    recorder.comparison(TEST_ID, "pod nginx vs host nginx, req/s", c);
    return null;
  }

  private Measurement httpMeasurement(List<HttpLoadResult> runs, String label, String url, int seconds) {
    return Measurement.named(label + " req/s (" + url + ")", () -> {
      HttpLoadResult r = load(url, seconds, line -> log.line("   " + line));
      runs.add(r);
      log.line(String.format(Locale.ROOT, "   %-10s %8.0f req/s, p50 %.3f ms, p99 %.3f ms, errors %d", label,
          r.averageRequestsPerSecond(), r.latency().p50(), r.latency().p99(), r.errors()));
      return r.averageRequestsPerSecond();
    });
  }

  private static HttpLoadResult load(String url, int seconds, java.util.function.Consumer<String> progress) {
    return new HttpLoadGenerator(HttpLoadOptions.builder(url)
        .connections(HTTP_CONNECTIONS)
        .duration(Duration.ofSeconds(seconds))
        .progress(progress)
        .build()).run();
  }

  private static String httpRow(String name, List<HttpLoadResult> host, List<HttpLoadResult> pod,
      ToDoubleFunction<HttpLoadResult> f, String format) {
    double h = median(host.stream().mapToDouble(f).toArray());
    double p = median(pod.stream().mapToDouble(f).toArray());
    return String.format(Locale.ROOT, "%-12s " + format + " " + format + " %+9.1f%%%n", name, h, p, 100 * (p - h) / h);
  }

  // ---------------------------------------------------------------- 5. podgate vs wrk

  private Void wrk(WebServers web) {
    int seconds = settings.sizes().wrkSeconds();
    log.line(String.format(Locale.ROOT, "podgate vs wrk: %d rounds against the pod's nginx %s, %d s each",
        settings.sizes().wrkRounds(), web.podUrl(), seconds));
    HttpVsWrk.Comparison c = HttpVsWrk.compare(web.podUrl(), HTTP_CONNECTIONS, seconds, settings.sizes().wrkRounds(),
        WrkRunner.onPath(), line -> log.line("   " + line));
    log.block(c.toTable() + String.format(Locale.ROOT,
        "ratio target >= %.2f; latency agreement within %.0f %% is informative%n", WRK_RATIO_TARGET,
        LATENCY_AGREEMENT_PERCENT));
    target(TARGET_WRK_RATIO, c.ratio(), WRK_RATIO_TARGET, "ratio", MetricDirection.HIGHER_IS_BETTER);
    target(TARGET_WRK_P50, 100 * Math.abs(c.latencyRelativeDifference().get("p50")), LATENCY_AGREEMENT_PERCENT,
        "% difference", MetricDirection.LOWER_IS_BETTER);
    target(TARGET_WRK_P99, 100 * Math.abs(c.latencyRelativeDifference().get("p99")), LATENCY_AGREEMENT_PERCENT,
        "% difference", MetricDirection.LOWER_IS_BETTER);
    return null;
  }

  // ---------------------------------------------------------------- shared

  private ComparisonResult compare(Measurement baseline, Measurement subject, int rounds, MetricDirection direction) {
    return new Comparison(baseline, subject, new Comparison.Plan(rounds, rounds, Optional.empty(),
        OptionalDouble.empty(), CONFIDENCE, direction)).run();
  }

  static String overheadLine(String what, ComparisonResult c) {
    String ci = c.ciBounded()
        ? String.format(Locale.ROOT, "[%.1f %%, %.1f %%]", c.ciLowPercent(), c.ciHighPercent())
        : String.format(Locale.ROOT, "unbounded (needs %d rounds, ran %d)", MedianInterval.minimumRounds(CONFIDENCE),
            c.rounds());
    return String.format(Locale.ROOT, "%s overhead: median %.1f %%, %.0f%% CI %s over %d alternating rounds%n",
        what, c.medianOverheadPercent(), CONFIDENCE * 100, ci, c.rounds());
  }

  private interface Body<T> {
    T run() throws Exception;
  }

  /** Runs one section; on failure prints it and returns null (its targets are then added without a value). */
  private <T> T section(String name, Body<T> body) {
    sections++;
    log.step(name);
    try {
      return body.run();
    } catch (Exception | AssertionError e) {
      failed.add(name);
      log.line("!! " + name + " FAILED: " + e.getMessage());
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        log.line("   caused by: " + c);
      }
      return null;
    } finally {
      log.endStep();
    }
  }

  private void target(String name, double value, double target, String unit, MetricDirection direction) {
    targets.add(new ReportTarget(name, value, target, unit, direction));
  }

  private void printTargets() {
    StringBuilder t = new StringBuilder("Targets\n");
    t.append(String.format(Locale.ROOT, "%-48s %10s %10s  %-14s %s%n", "name", "value", "target", "unit", "verdict"));
    for (ReportTarget x : targets) {
      t.append(String.format(Locale.ROOT, "%-48s %10s %10s  %-14s %s%n", x.name(),
          Double.isFinite(x.value()) ? String.format(Locale.ROOT, "%.2f", x.value()) : "-",
          (x.direction() == MetricDirection.HIGHER_IS_BETTER ? ">= " : "<= ")
              + String.format(Locale.ROOT, "%.2f", x.target()), x.unit(), x.verdict()));
    }
    log.block(t.toString());
  }

  private static <T> T medianRun(List<T> runs, ToDoubleFunction<T> f) {
    List<T> sorted = runs.stream().sorted(Comparator.comparingDouble(f)).toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static void awaitListening(String ip, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(ip, port), 500);
        return;
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new PodgateException("nothing listens on " + ip + ":" + port + " after " + timeout.toSeconds()
        + " s (last: " + last + "); check the container's log and that the pod network is up");
  }

  private Path createWorkDir() {
    try {
      Files.createDirectories(settings.workDir());
      Path dir = Files.createTempDirectory(settings.workDir(), "seed-");
      // the host nginx's workers run as nobody and must traverse it
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new PodgateException("cannot create the benchmark's work directory under " + settings.workDir() + ": "
          + e.getMessage() + "; pass --work-dir with a writable directory", e);
    }
  }

  private static void deleteTree(Path dir) {
    io.podgate.internal.runtime.FileTrees.delete(dir);
  }

  /** System property, else environment variable, else the default. */
  static String setting(String property, String env, String fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? fallback : v;
  }

  /**
   * {@code [--quick] [--socket PATH] [--work-dir DIR] [--report-dir DIR]}. Bridge and subnet of the
   * embedded containerd come from -Dpodgate.bridge / -Dpodgate.subnet or PODGATE_BRIDGE /
   * PODGATE_SUBNET (defaults podgate0, 10.88.0.0/16). The last line printed is the summary's path.
   *
   * <p>Exit status: 0 whenever the benchmark ran, whatever its verdicts (they are data, in the
   * summary); 1 only when it could not run at all (no containerd, no images, every section failed).
   */
  public static void main(String[] args) {
    boolean quick = BenchDaemon.flag(args, "--quick");
    String socket = BenchDaemon.arg(args, "--socket", null);
    Settings s = new Settings(quick ? "quick" : "full", quick ? Sizes.quick() : Sizes.full(),
        socket == null ? null : Path.of(socket),
        setting(BenchDaemon.BRIDGE_PROPERTY, "PODGATE_BRIDGE", BenchDaemon.DEFAULT_BRIDGE),
        setting(BenchDaemon.SUBNET_PROPERTY, "PODGATE_SUBNET", BenchDaemon.DEFAULT_SUBNET),
        Path.of(BenchDaemon.arg(args, "--work-dir", System.getProperty("java.io.tmpdir"))),
        Path.of(BenchDaemon.arg(args, "--report-dir", DEFAULT_REPORT_DIR.toString())),
        Optional.ofNullable(BenchDaemon.arg(args, "--containerd-stress", null)).filter(a -> !a.isBlank())
            .map(Path::of).orElse(null));
    int status;
    try {
      Outcome o = run(s, System.out);
      System.out.println(o.summary());
      status = o.ranAtAll() ? 0 : 1;
    } catch (RuntimeException e) {
      System.out.println("seed benchmark could not run: " + e.getMessage());
      e.printStackTrace(System.out);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }
}
