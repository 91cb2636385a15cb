package io.podgate.bench;

import io.podgate.measure.MetricDirection;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The seed's experiment end to end on one containerd: CRI per-operation latency vs crictl, churn vs
 * containerd-stress, iperf3 loopback vs pod, HTTP host nginx vs pod nginx, podgate vs wrk. Prints
 * the seed's tables, then writes summary.json ({@code podgate.summary/v1}, with targets) and
 * index.html. A failing section is reported (its targets recorded without a value, verdict fail)
 * and the others still run. This class orders the sections ({@link CriLatencySection},
 * {@link ChurnSection}, {@link ThroughputSection}, {@link HttpSection}, {@link WrkSection}), run by
 * {@link Sections} with what they share in a {@link SeedRun}; the daemon and its watchdog come from
 * {@link BenchDaemon}, pods from it as a backend ({@link DaemonBackend}), the report files from {@link BenchReport}.
 */
public final class SeedBenchmark {
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

  public static final String TARGET_WRK_RATIO = "HTTP req/s podgate / wrk";
  public static final String TARGET_WRK_P50 = "HTTP latency p50 podgate vs wrk (informative)";
  public static final String TARGET_WRK_P99 = "HTTP latency p99 podgate vs wrk (informative)";

  /**
   * podgate's churn / the same-run peer's (containerd-stress, else {@code ctr run --rm}) on the same daemon.
   * The containerd path runs the peer's own cycle (like for like); the CRI path does a kubelet's work per
   * cycle, more than the peer, so its ratio is informative.
   */
  public static final String TARGET_CHURN_2 = "churn 2 workers, CRI path / same-run peer (informative)";
  public static final String TARGET_CHURN_2_CONTAINERD_PATH = "churn 2 workers, containerd path / same-run peer";
  public static final String TARGET_CHURN_10 = "churn 10 workers, CRI path / same-run peer (informative)";
  public static final String TARGET_CHURN_10_CONTAINERD_PATH = "churn 10 workers, containerd path / same-run peer";
  public static final String RATIO = "ratio";

  /** podgate's median / containerd's own time for the call plus a CLI client's overhead, both from this run. */
  public static String criSameRunTarget(String operation) {
    return "CRI " + operation + " median / crictl-equivalent in this run";
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
      Path reportDir, Path containerdStress, UserWait userWait) {
    public Settings(String mode, Sizes sizes, Path socket, String bridge, String subnet, Path workDir, Path reportDir) {
      this(mode, sizes, socket, bridge, subnet, workDir, reportDir, null, null);
    }

    public Settings(String mode, Sizes sizes, Path socket, String bridge, String subnet, Path workDir, Path reportDir,
        Path containerdStress) {
      this(mode, sizes, socket, bridge, subnet, workDir, reportDir, containerdStress, null);
    }
  }

  /**
   * The "time a user waits" section ({@link UserWaitBenchmark}, podgate alone), run after the other
   * sections once their containerd is gone, on the same bridge and subnet.
   *
   * @param repoRoot podgate's checkout, whose {@code bench/wait/podgate} is built (ci/bench builds it)
   * @param mavenRepo local Maven repository for its {@code mvn -o test}, or null for Maven's default
   * @param reuse value for {@value UserWaitBenchmark#REUSE_PROPERTY}, or null to leave it to podgate
   */
  public record UserWait(Path repoRoot, Path mavenRepo, String reuse) {}

  /** Where the report went and which sections failed (empty when all ran). */
  public record Outcome(Path summary, Path index, List<String> failedSections, int sections) {
    public boolean ranAtAll() {
      return failedSections.size() < sections;
    }
  }

  private final Settings settings;
  private final BenchProgress log;
  private final BenchReport report = new BenchReport(TEST_ID);
  private final Sections sections;
  private final String runId = "seed-" + UUID.randomUUID().toString().substring(0, 8);

  private SeedBenchmark(Settings settings, BenchProgress log) {
    this.settings = settings;
    this.log = log;
    this.sections = new Sections(log);
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
    Path work = BenchRuns.createWorkDir(settings.workDir(), "seed-");
    log.line(String.format(Locale.ROOT, "podgate seed benchmark (%s) run %s, work dir %s", settings.mode(), runId,
        work));
    try {
      runOnContainerd(work);
      if (settings.userWait() != null) {
        sections.run("6. Time a user waits", () -> userWait(work));
      }
    } catch (RuntimeException e) {
      sections.setupFailed("!! the benchmark could not run: " + e.getMessage(), e);
    } finally {
      log.endStep();
      BenchRuns.deleteWorkDir(work);
    }
    requireTargets();
    BenchReport.Written w = BenchRuns.finish(log, sections, report, "Targets",
        "SeedBenchmark (" + settings.mode() + ")", settings.reportDir(), runId, started);
    return new Outcome(w.summary(), w.index(), sections.failed(), sections.count());
  }

  private void runOnContainerd(Path work) {
    log.step("starting containerd and importing images");
    BenchDaemon.Spec spec = new BenchDaemon.Spec(settings.socket(), "bench-seed", settings.bridge(), settings.subnet(),
        work.resolve("containerd"), BenchDaemon.SEED_IMAGES, runId, work);
    try (BenchDaemon daemon = BenchDaemon.start(spec, log::line)) {
      try (DaemonBackend backend = daemon.backend(Map.of(LABEL, runId), work.resolve("pods"))) {
        log.line("containerd: " + daemon.embedded().map(Object::toString)
            .orElse("existing at " + daemon.cri().endpoint()));
        log.endStep();
        measureAll(new SeedRun(settings, log, report, sections, runId, work, daemon, backend, pod -> { }));
      } finally {
        try {
          daemon.removePods(LABEL, runId, "seed benchmark " + runId);
        } catch (RuntimeException e) {
          log.line("!! could not remove every pod of run " + runId + ": " + e.getMessage());
        }
      }
    }
  }

  private void userWait(Path work) {
    UserWait w = settings.userWait();
    boolean quick = settings.mode().equals("quick");
    UserWaitBenchmark.Settings s = new UserWaitBenchmark.Settings(quick ? 1 : 5, !quick,
        w.repoRoot().resolve("bench/wait/podgate"), null, settings.bridge(), settings.subnet(), work, w.reuse(),
        w.mavenRepo(), WaitChildren.projectVersion(w.repoRoot().resolve("pom.xml")),
        settings.reportDir().resolve("wait-logs"));
    UserWaitBenchmark.Outcome o = UserWaitBenchmark.run(s, log::line);
    report.entry(UserWaitBenchmark.TEST_ID, "Time a user waits", o.entry());
    report.targets(o.targets());
    log.block(o.table());
  }

  /** The targets every summary carries; one whose section failed or never ran gets no value (verdict fail). */
  private void requireTargets() {
    // Only figures measured in this run are targets; a target whose peer could not run has no value (fail).
    CriLatencyBenchmark.OPERATIONS.forEach(op ->
        report.require(criSameRunTarget(op), 1.0, RATIO, MetricDirection.LOWER_IS_BETTER));
    report.require(TARGET_CHURN_2, 1.0, RATIO, MetricDirection.HIGHER_IS_BETTER);
    report.require(TARGET_CHURN_2_CONTAINERD_PATH, 1.0, RATIO, MetricDirection.HIGHER_IS_BETTER);
    if (settings.sizes().churn10Seconds() > 0) {
      report.require(TARGET_CHURN_10, 1.0, RATIO, MetricDirection.HIGHER_IS_BETTER);
      report.require(TARGET_CHURN_10_CONTAINERD_PATH, 1.0, RATIO, MetricDirection.HIGHER_IS_BETTER);
    }
    requireWrkTargets(report);
    if (settings.userWait() != null) {
      report.require(UserWaitBenchmark.TARGET_PER_METHOD_MS, UserWaitBenchmark.PER_METHOD_MS_TARGET, "ms",
          MetricDirection.LOWER_IS_BETTER);
    }
  }

  /** Section 5's targets, on the embedded runtime and on a cluster. */
  static void requireWrkTargets(BenchReport report) {
    report.require(TARGET_WRK_RATIO, WRK_RATIO_TARGET, RATIO, MetricDirection.HIGHER_IS_BETTER);
    report.require(TARGET_WRK_P50, LATENCY_AGREEMENT_PERCENT, "% difference", MetricDirection.LOWER_IS_BETTER);
    report.require(TARGET_WRK_P99, LATENCY_AGREEMENT_PERCENT, "% difference", MetricDirection.LOWER_IS_BETTER);
  }

  private void measureAll(SeedRun run) {
    sections.run("1. Pod lifecycle timings", () -> CriLatencySection.run(run));
    sections.run("2. Churn rate", () -> ChurnSection.run(run));
    sections.run("3. Throughput, iperf3", () -> ThroughputSection.run(run, ""));
    WebServers web = sections.run("4/5. nginx on the host and in a pod", () -> WebServers.start(run, false, ""));
    if (web != null) {
      try (web) {
        sections.run("4. HTTP baseline vs pod", () -> HttpSection.run(run, web));
        sections.run("5. podgate vs wrk", () -> WrkSection.run(run, web));
      }
    }
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
   * {@code [--quick] [--socket PATH] [--work-dir DIR] [--report-dir DIR] [--repo-root DIR [--maven-repo DIR]]};
   * with {@code --repo-root} the "time a user waits" section runs last ({@link UserWait}). Bridge and subnet of the
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
            .map(Path::of).orElse(null),
        Optional.ofNullable(BenchDaemon.arg(args, "--repo-root", null)).map(root -> new UserWait(
            Path.of(root).toAbsolutePath().normalize(),
            Optional.ofNullable(BenchDaemon.arg(args, "--maven-repo", null)).filter(a -> !a.isBlank()).map(Path::of)
                .orElse(null),
            UserWaitBenchmark.reuseSetting())).orElse(null));
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
