package io.podgate.bench;

import io.podgate.internal.report.ReportEntry;
import io.podgate.internal.runtime.SharedContainerd;
import io.podgate.internal.report.ReportTarget;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The time a user waits: the same nginx test classes run as a user runs them, podgate's (and, when
 * asked, Testcontainers') alternating round by round; medians of the measured rounds (round 0 is a
 * warm-up, reported apart).
 *
 * <ol>
 *   <li>one class with one nginx in its own run (a fresh JVM running the JUnit launcher on it): to
 *       ready, to class torn down, to run finished (the JVM exited), with podgate's phases;</li>
 *   <li>the same class inside a running suite (after a first class, the runtime is up): until torn
 *       down (median of three copies per round);</li>
 *   <li>a class of 10 methods with a new one-container pod per method: per method wall time;</li>
 *   <li>{@code mvn -o test -Dtest=OneNginx} of the class's project from a cold JVM: whole command.</li>
 * </ol>
 *
 * This class holds the section's settings, names and targets and runs the rounds; {@link WaitScenarios} runs
 * each scenario, {@link WaitChildren} the child processes, {@link WaitReport} makes the table and the entry.
 * The test classes are ordinary tests in small projects under {@code bench/wait/} ({@code podgate},
 * {@code testcontainers}), compiled beforehand with their class path in {@code target/wait.classpath}.
 * podgate's runtime reuse switch {@value #REUSE_PROPERTY} is passed through when given, and the run
 * records whether podgate's runtime outlived the test JVM.
 */
public final class UserWaitBenchmark {
  public static final String PODGATE = "podgate";
  public static final String TESTCONTAINERS = "testcontainers";
  public static final String REUSE_PROPERTY = "podgate.runtime.reuse";
  public static final String TEST_ID = "podgate-bench/UserWait";
  public static final String RYUK_NOTE = "Testcontainers ran without Ryuk (TESTCONTAINERS_RYUK_DISABLED=true): "
      + "its image cannot be pulled here, no registry is reachable";

  public static final String OWN_READY = "ownRunReady";
  public static final String OWN_TORN_DOWN = "ownRunTornDown";
  public static final String OWN_RETURNED = "ownRunLauncherReturned";
  public static final String OWN_END = "ownRunEnd";
  public static final String OWN_PROCESS = "ownRunProcess";
  public static final String SUITE_READY = "suiteReady";
  public static final String SUITE_TORN_DOWN = "suiteTornDown";
  public static final String PER_METHOD = "perMethod";
  public static final String MVN_WALL = "mvnTestWall";
  public static final String MVN_CLASS = "mvnTestSurefireClass";
  /** CPU per method of the ten-method class (class start to end, /proc; see {@link CpuSnapshot}), ms. */
  public static final String CPU_MACHINE = "perMethodCpuMachine";
  public static final String CPU_TEST_JVM = "perMethodCpuTestJvm";
  public static final String CPU_DAEMONS = "perMethodCpuDaemons";
  public static final String CPU_SHIMS = "perMethodCpuShims";
  public static final String CPU_REST = "perMethodCpuRest";
  /** Rounds whose containerd was already up when the run started (reuse): no runtime start to measure. */
  public static final String RUNTIME_REUSED = "runtimeReused";

  /** podgate's phases of the class in its own run, in the order a user waits for them. */
  public static final List<String> PHASES = List.of("phaseRuntimeStart", "phaseImageImport", "phaseRunPodSandbox",
      "phaseCreateContainer", "phaseStartContainer", "phaseReady", "phasePodTeardown", "phaseRuntimeStop");

  static final Map<String, String> LABELS = new LinkedHashMap<>();

  static {
    LABELS.put(OWN_READY, "one class, its own run: to ready");
    LABELS.put(OWN_TORN_DOWN, "one class, its own run: to class torn down");
    LABELS.put(OWN_RETURNED, "one class, its own run: to launcher returned");
    LABELS.put(OWN_END, "one class, its own run: until the run ends (JVM exited)");
    LABELS.put(OWN_PROCESS, "one class, its own run: JVM spawn to exit");
    LABELS.put(SUITE_READY, "the class inside a running suite: to ready");
    LABELS.put(SUITE_TORN_DOWN, "the class inside a running suite: until torn down");
    LABELS.put(PER_METHOD, "10 methods, a new pod each: per method");
    LABELS.put(CPU_MACHINE, "per method: CPU of the whole machine (both cores), ten-method class");
    LABELS.put(CPU_TEST_JVM, "  of which: the test JVM (with its JIT compilers)");
    LABELS.put(CPU_DAEMONS, "  of which: containerd, dockerd and what they reaped (CNI, shim start)");
    LABELS.put(CPU_SHIMS, "  of which: shims with their runc, and shims that ended (pid 1 reaped)");
    LABELS.put(CPU_REST, "  of which: the rest (kernel, e.g. netns; podgate's keeper; others)");
    LABELS.put(MVN_WALL, "mvn -o test of one class from a cold JVM");
    LABELS.put(MVN_CLASS, "mvn -o test: surefire's time for the class (podgate's runtime starts before it)");
    LABELS.put("phaseRuntimeStart", "runtime start or attach (run start to first pod asked)");
    LABELS.put("runtimeStartBeforeExec", "  of which: run start to containerd's first log line");
    LABELS.put(RUNTIME_REUSED, "  of which: runtime reused (containerd started before the run), rounds");
    LABELS.put("containerdBoot", "  of which: containerd boot (its first log line to booted)");
    LABELS.put("runtimeStartAfterBoot", "  of which: containerd booted to first pod asked (CRI ready, pause image)");
    LABELS.put("phaseImageImport", "images: the wait beyond RunPodSandbox (they are checked or imported beside it)");
    LABELS.put("phaseRunPodSandbox", "RunPodSandbox (containerd's own time)");
    LABELS.put("phaseCreateContainer", "CreateContainer (containerd's own time)");
    LABELS.put("phaseSandboxAndCreate", "RunPodSandbox + CreateContainer (podgate's client time)");
    LABELS.put("phaseStartContainer", "StartContainer");
    LABELS.put("phaseReady", "ready (HTTP wait)");
    LABELS.put("phasePodTeardown", "pod teardown (test end to class end)");
    LABELS.put("containerdRemovePodSandbox", "  RemovePodSandbox, which stops it too (containerd's own time;"
        + " - : removed by the reused runtime's keeper after the run)");
    LABELS.put("phaseRuntimeStop", "run end (class end to engine end: runtime stop, or waiting for pod removals)");
    LABELS.put("phaseJvmExit", "JVM exit (launcher returned to process gone)");
    LABELS.put("suitePhaseSandboxAndCreate", "in suite: RunPodSandbox + CreateContainer (podgate)");
    LABELS.put("suitePhaseStartContainer", "in suite: StartContainer");
    LABELS.put("suitePhaseReady", "in suite: ready (HTTP wait)");
    LABELS.put("suitePhasePodTeardown", "in suite: pod teardown (test end to class end)");
    LABELS.put("methodPhaseSandboxAndCreate", "per method: RunPodSandbox + CreateContainer (if ahead: its wait + CreateContainer)");
    LABELS.put("methodPhaseStartContainer", "per method: StartContainer");
    LABELS.put("methodPhaseReady", "per method: ready (HTTP wait)");
    LABELS.put("methodPhaseAhead", "per method: sandbox started ahead, in the background (RunPodSandbox, IP)");
    LABELS.put("methodsAhead", "per method: methods whose sandbox was started ahead, of 10");
    for (String suffix : List.of("", "InSuite")) {
      String where = suffix.isEmpty() ? "own run" : "suite run";
      LABELS.put("dockerCreateToStart" + suffix, "Docker, " + where + ": container created to started");
      LABELS.put("dockerKillToDestroy" + suffix, "Docker, " + where + ": killed to removed (teardown)");
      LABELS.put("dockerDieToDestroy" + suffix, "Docker, " + where + ": died to removed");
      LABELS.put("dockerCreateToDestroy" + suffix, "Docker, " + where + ": created to removed");
    }
  }

  public static final String TARGET_OWN_RUN = "wait: one class, its own run, until the run ends, podgate / Testcontainers";
  public static final String TARGET_SUITE = "wait: class inside a running suite, until torn down, podgate / Testcontainers";
  public static final String TARGET_PER_METHOD = "wait: new pod per method, per method, podgate / Testcontainers";
  public static final String TARGET_PER_METHOD_MS = "wait: new one-container pod per method, podgate per method";
  public static final String TARGET_MVN = "wait: mvn test of one class from a cold JVM, podgate / Testcontainers";

  /** Ratio targets against Testcontainers with a 10 ms HTTP wait, and the one absolute figure (ms). */
  static final Map<String, Double> RATIO_TARGETS = Map.of(OWN_END, 0.8, SUITE_TORN_DOWN, 0.7, PER_METHOD, 0.5,
      MVN_WALL, 0.9);
  static final double PER_METHOD_MS_TARGET = 150;

  /**
   * @param rounds measured rounds (round 0, the warm-up, comes on top when {@code warmup})
   * @param podgateProject {@code bench/wait/podgate}, compiled
   * @param testcontainersProject {@code bench/wait/testcontainers}, compiled; null: podgate alone
   * @param workDir parent of podgate's work directory for these runs ({@code pg} in it is passed as podgate.workdir; keep it short)
   * @param reuse value for {@value #REUSE_PROPERTY}, or null to leave it to podgate
   * @param mavenRepo local Maven repository for the mvn scenario, or null for Maven's default
   * @param logDir where each run's output goes
   */
  public record Settings(int rounds, boolean warmup, Path podgateProject, Path testcontainersProject, String bridge,
      String subnet, Path workDir, String reuse, Path mavenRepo, String podgateVersion, Path logDir) {
    public Settings {
      if (rounds < 1) {
        throw new IllegalArgumentException("the wait section needs at least 1 measured round, got " + rounds);
      }
      // the runs start in the projects' directories: every path they are given must be absolute
      podgateProject = podgateProject.toAbsolutePath().normalize();
      testcontainersProject = testcontainersProject == null ? null : testcontainersProject.toAbsolutePath().normalize();
      workDir = workDir.toAbsolutePath().normalize();
      mavenRepo = mavenRepo == null ? null : mavenRepo.toAbsolutePath().normalize();
      logDir = logDir.toAbsolutePath().normalize();
    }

    List<String> tools() {
      return testcontainersProject == null ? List.of(PODGATE) : List.of(PODGATE, TESTCONTAINERS);
    }
  }

  /** The figures, the report entry, the targets and the printed table. */
  public record Outcome(WaitStats stats, ReportEntry entry, List<ReportTarget> targets, String table) {}

  private final Settings s;
  private final Consumer<String> log;
  private final WaitStats stats = new WaitStats();
  private final Path podgateWork;

  private UserWaitBenchmark(Settings s, Consumer<String> log) {
    this.s = s;
    this.log = log;
    this.podgateWork = s.workDir().resolve("pg"); // short: containerd's sockets under it must fit 107 bytes
  }

  /** A runtime the runs left for reuse is the bench's to stop: the host is left as it was found. */
  private void stopReusedRuntime() {
    Path dir = SharedContainerd.directory(podgateWork, s.bridge());
    if (Files.isDirectory(dir)) {
      boolean stopped = SharedContainerd.stopIfUnused(dir, line -> log.accept("   " + line));
      log.accept(stopped ? "stopped the runtime the runs kept for reuse (" + dir + ")"
          : "!! the runtime kept for reuse in " + dir + " is still attached; stop it with RuntimeKeeper --stop " + dir);
    }
  }

  /** Runs every scenario for every tool; throws (naming the run and its log) when a run fails. */
  public static Outcome run(Settings settings, Consumer<String> log) {
    return new UserWaitBenchmark(settings, log).runAll();
  }

  private Outcome runAll() {
    try {
      Files.createDirectories(s.logDir());
      Files.createDirectories(podgateWork);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + s.logDir() + " or " + podgateWork + ": " + e.getMessage(), e);
    }
    if (s.tools().contains(TESTCONTAINERS)) {
      log.accept(RYUK_NOTE);
    }
    log.accept("podgate runtime reuse (" + REUSE_PROPERTY + "): " + reuseMode());
    int first = s.warmup() ? 0 : 1;
    WaitScenarios scenarios = new WaitScenarios(s, log, stats, podgateWork, new WaitChildren(s, podgateWork, log));
    try {
      for (int r = first; r <= s.rounds(); r++) {
        for (String tool : WaitStats.order(r, s.tools())) {
          scenarios.ownRun(tool, r);
        }
      }
      for (int r = first; r <= s.rounds(); r++) {
        for (String tool : WaitStats.order(r, s.tools())) {
          scenarios.suite(tool, r);
        }
      }
      for (int r = first; r <= s.rounds(); r++) {
        for (String tool : WaitStats.order(r, s.tools())) {
          scenarios.mvnTest(tool, r);
        }
      }
    } finally {
      stopReusedRuntime();
    }
    WaitReport report = new WaitReport(s, stats, reuseMode(), scenarios.runtimeOutlived());
    List<ReportTarget> targets = report.targets();
    String table = report.table(targets);
    return new Outcome(stats, report.entry(), targets, table);
  }

  String reuseMode() {
    return s.reuse() == null ? "not set (podgate's default)" : s.reuse();
  }

  /**
   * The section on its own (ci/bench-testcontainers runs it with {@code --peers testcontainers}):
   * {@code [--rounds N] [--quick] [--peers testcontainers] [--repo-root DIR] [--work-dir DIR]
   * [--report-dir DIR] [--maven-repo DIR]}. Bridge, subnet and runtime reuse from -Dpodgate.bridge,
   * -Dpodgate.subnet, -Dpodgate.runtime.reuse (or PODGATE_BRIDGE, PODGATE_SUBNET, PODGATE_RUNTIME_REUSE).
   * Writes summary.json; the last line printed is its path. Exit 0 when it ran, 1 when it could not.
   */
  public static void main(String[] args) {
    boolean quick = BenchDaemon.flag(args, "--quick");
    int rounds = BenchDaemon.intArg(args, "--rounds", quick ? 1 : 5);
    String peers = BenchDaemon.arg(args, "--peers", "");
    if (!peers.isEmpty() && !peers.equals(TESTCONTAINERS)) {
      System.out.println("--peers takes 'testcontainers', got '" + peers + "'");
      System.exit(2);
    }
    Path root = Path.of(BenchDaemon.arg(args, "--repo-root", ".")).toAbsolutePath().normalize();
    Path work = Path.of(BenchDaemon.arg(args, "--work-dir", System.getProperty("java.io.tmpdir")));
    Path reportDir = Path.of(BenchDaemon.arg(args, "--report-dir", "target/podgate-bench-wait"));
    String runId = "wait-" + UUID.randomUUID().toString().substring(0, 8);
    int status = 0;
    Path runWork = work.resolve(runId);
    PrintStream out = System.out;
    try {
      Settings settings = new Settings(rounds, !quick, root.resolve("bench/wait/podgate"),
          peers.isEmpty() ? null : root.resolve("bench/wait/testcontainers"),
          SeedBenchmark.setting(BenchDaemon.BRIDGE_PROPERTY, "PODGATE_BRIDGE", BenchDaemon.DEFAULT_BRIDGE),
          SeedBenchmark.setting(BenchDaemon.SUBNET_PROPERTY, "PODGATE_SUBNET", BenchDaemon.DEFAULT_SUBNET),
          runWork, reuseSetting(), Optional.ofNullable(BenchDaemon.arg(args, "--maven-repo", null))
              .filter(a -> !a.isBlank()).map(Path::of).orElse(null),
          WaitChildren.projectVersion(root.resolve("pom.xml")), reportDir.resolve("wait-logs"));
      Instant started = Instant.now();
      Outcome o = run(settings, out::println);
      out.print(o.table());
      BenchReport report = new BenchReport(TEST_ID);
      report.entry(TEST_ID, "Time a user waits", o.entry());
      report.targets(o.targets());
      BenchReport.Written w = report.write("Time a user waits", reportDir, runId, started);
      out.println(w.summary());
    } catch (RuntimeException e) {
      out.println("the wait benchmark could not run: " + e.getMessage());
      e.printStackTrace(out);
      status = 1;
    } finally {
      BenchRuns.deleteWorkDir(runWork);
    }
    out.flush();
    System.exit(status);
  }

  /** -Dpodgate.runtime.reuse, else PODGATE_RUNTIME_REUSE, else null (podgate decides). */
  static String reuseSetting() {
    String v = SeedBenchmark.setting(REUSE_PROPERTY, "PODGATE_RUNTIME_REUSE", "");
    return v.isBlank() ? null : v;
  }
}
