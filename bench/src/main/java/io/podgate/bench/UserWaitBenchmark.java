package io.podgate.bench;

import io.podgate.internal.host.FileTrees;
import io.podgate.internal.runtime.SharedContainerd;
import io.podgate.internal.report.ReportEntry;
import io.podgate.internal.report.ReportKind;
import io.podgate.internal.report.ReportRecorder;
import io.podgate.internal.report.ReportTarget;
import io.podgate.internal.report.ReportWriter;
import io.podgate.measure.MetricDirection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

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
    LABELS.put(MVN_WALL, "mvn -o test of one class from a cold JVM");
    LABELS.put(MVN_CLASS, "mvn -o test: surefire's time for the class (podgate's runtime starts before it)");
    LABELS.put("phaseRuntimeStart", "runtime start (run start to first pod asked: containerd, pause image, watchdog)");
    LABELS.put("runtimeStartBeforeExec", "  of which: run start to containerd's first log line");
    LABELS.put(RUNTIME_REUSED, "  of which: runtime reused (containerd started before the run), rounds");
    LABELS.put("containerdBoot", "  of which: containerd boot (its first log line to booted)");
    LABELS.put("runtimeStartAfterBoot", "  of which: containerd booted to first pod asked (CRI ready, pause image, watchdog)");
    LABELS.put("phaseImageImport", "image import into the runtime");
    LABELS.put("phaseRunPodSandbox", "RunPodSandbox (containerd's own time)");
    LABELS.put("phaseCreateContainer", "CreateContainer (containerd's own time)");
    LABELS.put("phaseSandboxAndCreate", "RunPodSandbox + CreateContainer (podgate's client time)");
    LABELS.put("phaseStartContainer", "StartContainer");
    LABELS.put("phaseReady", "ready (HTTP wait)");
    LABELS.put("phasePodTeardown", "pod teardown (test end to class end)");
    LABELS.put("containerdStopPodSandbox", "  in it: StopPodSandbox (containerd's own time)");
    LABELS.put("containerdRemovePodSandbox", "  in it: RemovePodSandbox (containerd's own time)");
    LABELS.put("phaseRuntimeStop", "runtime stop (class end to engine end)");
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

  private static final String ONE = "OneNginx";
  private static final List<String> SUITE = List.of("OneNginx", "OneNginxInSuite1", "OneNginxInSuite2",
      "OneNginxInSuite3", "TenMethods");
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

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
  private boolean runtimeOutlived;
  /** containerd processes seen among the runs' descendants. */
  private final java.util.Set<ProcessHandle> runtimes = new java.util.LinkedHashSet<>();

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
    try {
      for (int r = first; r <= s.rounds(); r++) {
        for (String tool : WaitStats.order(r, s.tools())) {
          ownRun(tool, r);
        }
      }
      for (int r = first; r <= s.rounds(); r++) {
        for (String tool : WaitStats.order(r, s.tools())) {
          suite(tool, r);
        }
      }
      for (int r = first; r <= s.rounds(); r++) {
        for (String tool : WaitStats.order(r, s.tools())) {
          mvnTest(tool, r);
        }
      }
    } finally {
      stopReusedRuntime();
    }
    List<ReportTarget> targets = targets();
    String table = table(targets);
    return new Outcome(stats, entry(), targets, table);
  }

  String reuseMode() {
    return s.reuse() == null ? "not set (podgate's default)" : s.reuse();
  }

  // ---- scenarios ----

  private void ownRun(String tool, int round) {
    String cls = className(tool, ONE);
    String name = tool + "-own-run-r" + round;
    Path containerdLog = s.logDir().resolve(name + ".containerd.log");
    Child c = driver(tool, name, List.of(cls), containerdLog);
    WaitTimeline t = c.timeline;
    long plan = t.planStart();
    add(tool, OWN_READY, round, t.ready(cls) - plan);
    add(tool, OWN_TORN_DOWN, round, t.classEnd(cls) - plan);
    add(tool, OWN_RETURNED, round, t.launcherReturned() - plan);
    add(tool, OWN_END, round, c.exitMicros - plan);
    add(tool, OWN_PROCESS, round, c.exitMicros - c.spawnMicros);
    if (tool.equals(TESTCONTAINERS)) {
      dockerTimes(c, round, "");
    }
    if (tool.equals(PODGATE)) {
      podgatePhases(t, cls, c, containerdLog, round);
      if (outlivingRuntime()) {
        runtimeOutlived = true;
      }
    }
    log.accept(String.format(Locale.ROOT, "round %d %s, own run: ready %.0f ms, torn down %.0f, run ended %.0f",
        round, tool, ms(t.ready(cls) - plan), ms(t.classEnd(cls) - plan), ms(c.exitMicros - plan)));
  }

  private void podgatePhases(WaitTimeline t, String cls, Child c, Path containerdLog, int round) {
    List<WaitTimeline.Entry> entries = t.entries(cls);
    if (entries.isEmpty()) {
      throw new IllegalStateException("podgate published no pod report entry for " + cls + " (see " + c.log + ")");
    }
    WaitTimeline.Entry e = entries.get(0);
    long images = need(e, "podgate.pod.imagesMs");
    long create = need(e, "podgate.pod.createMs");
    long start = need(e, "podgate.pod.startMs");
    long ready = need(e, "podgate.pod.readyMs");
    long provisionStart = e.micros() - (images + create + start + ready) * 1000;
    List<WaitTimeline.Test> tests = t.tests(cls);
    long lastTestEnd = tests.get(tests.size() - 1).endMicros();
    // podgate starts its runtime when JUnit first asks whether the class may run: before the class starts
    add(PODGATE, "phaseRuntimeStart", round, provisionStart - t.planStart());
    stats.add(PODGATE, "phaseImageImport", round, images);
    stats.add(PODGATE, "phaseSandboxAndCreate", round, create);
    stats.add(PODGATE, "phaseStartContainer", round, start);
    stats.add(PODGATE, "phaseReady", round, ready);
    add(PODGATE, "phasePodTeardown", round, t.classEnd(cls) - lastTestEnd);
    add(PODGATE, "phaseRuntimeStop", round, t.engineEnd() - t.classEnd(cls));
    add(PODGATE, "phaseJvmExit", round, c.exitMicros - t.launcherReturned());
    RuntimeSideTimes side = Files.isRegularFile(containerdLog) ? RuntimeSideTimes.read(containerdLog)
        : RuntimeSideTimes.parse(List.of());
    String podId = e.values().getOrDefault("podgate.pod.id", "");
    boolean reused = side.firstLine().map(at -> micros(at) < t.planStart()).orElse(false);
    if (reused) {
      // a reused runtime's log starts in an earlier run: there is no start of its own to split up
      stats.add(PODGATE, RUNTIME_REUSED, round, 1);
      side = side.since(Instant.ofEpochSecond(t.planStart() / 1_000_000, (t.planStart() % 1_000_000) * 1000));
    } else {
      side.boot().ifPresent(d -> stats.add(PODGATE, "containerdBoot", round, d.toNanos() / 1e6));
      side.firstLine().ifPresent(at -> add(PODGATE, "runtimeStartBeforeExec", round, micros(at) - t.planStart()));
      side.booted().ifPresent(at -> add(PODGATE, "runtimeStartAfterBoot", round, provisionStart - micros(at)));
    }
    side.of(new RuntimeSideTimes.Call("RunPodSandbox", "")).ifPresent(d ->
        stats.add(PODGATE, "phaseRunPodSandbox", round, d.toNanos() / 1e6));
    side.of(new RuntimeSideTimes.Call("CreateContainer", podId)).ifPresent(d ->
        stats.add(PODGATE, "phaseCreateContainer", round, d.toNanos() / 1e6));
    side.of(new RuntimeSideTimes.Call("StopPodSandbox", podId)).ifPresent(d ->
        stats.add(PODGATE, "containerdStopPodSandbox", round, d.toNanos() / 1e6));
    side.of(new RuntimeSideTimes.Call("RemovePodSandbox", podId)).ifPresent(d ->
        stats.add(PODGATE, "containerdRemovePodSandbox", round, d.toNanos() / 1e6));
  }

  private void suite(String tool, int round) {
    List<String> classes = SUITE.stream().map(n -> className(tool, n)).toList();
    String name = tool + "-suite-r" + round;
    Child c = driver(tool, name, classes, null);
    WaitTimeline t = c.timeline;
    List<Double> ready = new ArrayList<>();
    List<Double> tornDown = new ArrayList<>();
    List<Double> sandbox = new ArrayList<>();
    List<Double> start = new ArrayList<>();
    List<Double> readyWait = new ArrayList<>();
    List<Double> teardown = new ArrayList<>();
    for (String cls : classes.subList(1, 4)) {
      ready.add(ms(t.ready(cls) - t.classStart(cls)));
      tornDown.add(ms(t.classEnd(cls) - t.classStart(cls)));
      List<WaitTimeline.Test> tests = t.tests(cls);
      teardown.add(ms(t.classEnd(cls) - tests.get(tests.size() - 1).endMicros()));
      for (WaitTimeline.Entry e : t.entries(cls)) {
        e.millis("podgate.pod.createMs").ifPresent(v -> sandbox.add(v.doubleValue()));
        e.millis("podgate.pod.startMs").ifPresent(v -> start.add(v.doubleValue()));
        e.millis("podgate.pod.readyMs").ifPresent(v -> readyWait.add(v.doubleValue()));
      }
    }
    stats.add(tool, SUITE_READY, round, WaitStats.median(ready));
    stats.add(tool, SUITE_TORN_DOWN, round, WaitStats.median(tornDown));
    String ten = classes.get(4);
    List<Double> perMethod = t.tests(ten).stream().map(WaitTimeline.Test::millis).toList();
    if (perMethod.size() != 10) {
      throw new IllegalStateException(ten + " ran " + perMethod.size() + " methods, not 10 (see " + c.log + ")");
    }
    stats.add(tool, PER_METHOD, round, WaitStats.median(perMethod));
    if (tool.equals(TESTCONTAINERS)) {
      dockerTimes(c, round, "InSuite");
    }
    if (tool.equals(PODGATE)) {
      stats.add(tool, "suitePhaseSandboxAndCreate", round, WaitStats.median(sandbox));
      stats.add(tool, "suitePhaseStartContainer", round, WaitStats.median(start));
      stats.add(tool, "suitePhaseReady", round, WaitStats.median(readyWait));
      stats.add(tool, "suitePhasePodTeardown", round, WaitStats.median(teardown));
      List<Double> mc = new ArrayList<>();
      List<Double> ms = new ArrayList<>();
      List<Double> mr = new ArrayList<>();
      List<Double> ma = new ArrayList<>();
      for (WaitTimeline.Entry e : t.entries(ten)) {
        e.millis("podgate.pod.createMs").ifPresent(v -> mc.add(v.doubleValue()));
        e.millis("podgate.pod.startMs").ifPresent(v -> ms.add(v.doubleValue()));
        e.millis("podgate.pod.readyMs").ifPresent(v -> mr.add(v.doubleValue()));
        e.millis("podgate.pod.aheadMs").ifPresent(v -> ma.add(v.doubleValue()));
      }
      stats.add(tool, "methodsAhead", round, ma.size());
      if (!ma.isEmpty()) {
        stats.add(tool, "methodPhaseAhead", round, WaitStats.median(ma));
      }
      if (mc.size() != 10) {
        throw new IllegalStateException("podgate published " + mc.size() + " pod entries for " + ten
            + ", not one per method (see " + c.log + ")");
      }
      stats.add(tool, "methodPhaseSandboxAndCreate", round, WaitStats.median(mc));
      stats.add(tool, "methodPhaseStartContainer", round, WaitStats.median(ms));
      stats.add(tool, "methodPhaseReady", round, WaitStats.median(mr));
    }
    log.accept(String.format(Locale.ROOT, "round %d %s, suite: ready %.0f ms, torn down %.0f; per method %.0f ms",
        round, tool, WaitStats.median(ready), WaitStats.median(tornDown), WaitStats.median(perMethod)));
  }

  /** Docker's own times for the run's containers (docker events between its spawn and exit); said and skipped if unreadable. */
  private void dockerTimes(Child c, int round, String suffix) {
    String docker = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
    Path out = s.logDir().resolve(c.log().getFileName().toString().replace(".log", ".docker-events"));
    try {
      Process p = new ProcessBuilder(docker, "events", "--since", seconds(c.spawnMicros()), "--until",
          seconds(c.exitMicros() + 1_000_000), "--filter", "type=container", "--format",
          "{{.TimeNano}} {{.Action}} {{.Actor.ID}}").redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.accept("docker events took over 30 s; Docker's own times left out for " + c.log());
        return;
      }
      DockerEvents events = DockerEvents.parse(Files.readAllLines(out));
      for (Map.Entry<String, String[]> span : DockerEvents.SPANS.entrySet()) {
        List<Double> v = events.span(span.getValue()[0], span.getValue()[1]);
        if (!v.isEmpty()) {
          stats.add(TESTCONTAINERS, span.getKey() + suffix, round, WaitStats.median(v));
        }
      }
    } catch (IOException e) {
      log.accept("cannot read docker events (" + e.getMessage() + "); Docker's own times left out for " + c.log());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading docker events", e);
    }
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }

  private void mvnTest(String tool, int round) {
    Path project = project(tool);
    List<String> cmd = new ArrayList<>(List.of("mvn", "-o", "-B", "test", "-Dtest=" + ONE,
        "-Dsurefire.failIfNoSpecifiedTests=false"));
    if (s.mavenRepo() != null) {
      cmd.add("-Dmaven.repo.local=" + s.mavenRepo());
    }
    if (tool.equals(PODGATE)) {
      cmd.add("-Dpodgate.version=" + s.podgateVersion());
      cmd.add("-Dpodgate.test.bridge=" + s.bridge());
      cmd.add("-Dpodgate.test.subnet=" + s.subnet());
      cmd.add("-Dpodgate.test.workdir=" + podgateWork);
      if (s.reuse() != null) {
        cmd.add("-D" + REUSE_PROPERTY + "=" + s.reuse()); // surefire hands user properties to the test JVM
      }
    }
    String name = tool + "-mvn-test-r" + round;
    Path out = s.logDir().resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    environment(tool, pb);
    long spawn = WaitDriver.micros();
    int rc = await(start(pb, name), name, out);
    long exit = WaitDriver.micros();
    String text = read(out);
    if (rc != 0) {
      throw new IllegalStateException(name + ": `" + String.join(" ", cmd) + "` in " + project + " exited " + rc
          + "; see " + out + tail(text));
    }
    add(tool, MVN_WALL, round, exit - spawn);
    OptionalDouble surefire = WaitStats.surefireElapsedMillis(text);
    if (surefire.isEmpty()) {
      throw new IllegalStateException(name + ": no surefire 'Time elapsed' in " + out + " (did the class run?)");
    }
    stats.add(tool, MVN_CLASS, round, surefire.getAsDouble());
    log.accept(String.format(Locale.ROOT, "round %d %s, mvn -o test: %.0f ms (surefire's class time %.0f ms)", round,
        tool, ms(exit - spawn), surefire.getAsDouble()));
  }

  // ---- child processes ----

  private record Child(WaitTimeline timeline, long spawnMicros, long exitMicros, Path log) {}

  private Child driver(String tool, String name, List<String> classes, Path containerdLog) {
    Path project = project(tool);
    Path timelineFile = s.logDir().resolve(name + ".timeline");
    Path out = s.logDir().resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (tool.equals(PODGATE)) {
      cmd.add("-D" + io.podgate.internal.pod.PodgateSession.BRIDGE_PROPERTY + "=" + s.bridge());
      cmd.add("-D" + io.podgate.internal.pod.PodgateSession.SUBNET_PROPERTY + "=" + s.subnet());
      cmd.add("-D" + io.podgate.internal.pod.PodgateSession.WORKDIR_PROPERTY + "=" + podgateWork);
      if (s.reuse() != null) {
        cmd.add("-D" + REUSE_PROPERTY + "=" + s.reuse());
      }
    }
    cmd.add("-cp");
    cmd.add(classpath(project));
    cmd.add(WaitDriver.class.getName());
    cmd.add("--out");
    cmd.add(timelineFile.toString());
    if (containerdLog != null) {
      cmd.add("--containerd-logs-under");
      cmd.add(podgateWork.toString());
      cmd.add("--containerd-log-copy");
      cmd.add(containerdLog.toString());
    }
    cmd.addAll(classes);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    environment(tool, pb);
    long spawn = WaitDriver.micros();
    int rc = await(start(pb, name), name, out);
    long exit = WaitDriver.micros();
    WaitTimeline t;
    try {
      t = WaitTimeline.parse(Files.readAllLines(timelineFile));
    } catch (IOException e) {
      throw new IllegalStateException(name + ": the driver wrote no timeline (exit " + rc + "); see " + out
          + tail(read(out)), e);
    }
    if (rc != 0 || !t.failures().isEmpty()) {
      throw new IllegalStateException(name + ": tests failed (exit " + rc + "): " + t.failures() + "; see " + out
          + tail(read(out)));
    }
    return new Child(t, spawn, exit, out);
  }

  private static void environment(String tool, ProcessBuilder pb) {
    if (tool.equals(TESTCONTAINERS)) {
      pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
      // this VM has /.dockerenv: without it Testcontainers thinks it runs in a container and pulls an image
      pb.environment().put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
    }
  }

  private Process start(ProcessBuilder pb, String name) {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot start " + pb.command().get(0) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for the process, noting every containerd among its descendants while it runs; after the
   * timeout it and its descendants are killed (by PID) and this throws.
   */
  private int await(Process p, String name, Path out) {
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    try {
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        p.descendants().filter(d -> d.info().command().map(c -> c.endsWith("/containerd")).orElse(false))
            .forEach(runtimes::add);
        if (System.nanoTime() - deadline > 0) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          throw new IllegalStateException(name + " took longer than " + RUN_TIMEOUT + " and was killed; see " + out);
        }
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " interrupted", e);
    }
  }

  /**
   * Whether a containerd of these runs still runs now that their JVM is gone: one seen among a run's
   * descendants, or one whose command line names the work directory podgate was given.
   */
  private boolean outlivingRuntime() {
    String dir = podgateWork.toString();
    List<ProcessHandle> alive = new ArrayList<>(runtimes.stream().filter(ProcessHandle::isAlive).toList());
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .map(cl -> cl.contains(dir) && cl.contains("containerd")).orElse(false)).forEach(alive::add);
    if (!alive.isEmpty()) {
      log.accept("podgate's runtime outlived the test JVM: containerd PID(s) "
          + alive.stream().map(h -> Long.toString(h.pid())).distinct().toList());
    }
    return !alive.isEmpty();
  }

  private Path project(String tool) {
    return tool.equals(PODGATE) ? s.podgateProject() : s.testcontainersProject();
  }

  private static String className(String tool, String simple) {
    return "io.podgate.bench.wait." + tool + "." + simple;
  }

  /** The driver's classes (this module's), the project's compiled tests and its test class path. */
  static String classpath(Path project) {
    Path cpFile = project.resolve("target/wait.classpath");
    Path classes = project.resolve("target/test-classes");
    if (!Files.isRegularFile(cpFile) || !Files.isDirectory(classes)) {
      throw new IllegalStateException("the wait classes of " + project + " are not built: run `mvn -o -q -f "
          + project.resolve("pom.xml") + " test-compile dependency:build-classpath -Dmdep.outputFile=target/wait.classpath`"
          + " (ci/bench does)");
    }
    String driver;
    try {
      driver = Path.of(WaitDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate the wait driver's classes: " + e.getMessage(), e);
    }
    return driver + java.io.File.pathSeparator + classes.toAbsolutePath() + java.io.File.pathSeparator
        + read(cpFile).trim();
  }

  // ---- figures ----

  private void add(String tool, String metric, int round, long micros) {
    stats.add(tool, metric, round, ms(micros));
  }

  private static long need(WaitTimeline.Entry e, String key) {
    return e.millis(key).orElseThrow(() -> new IllegalStateException("podgate's pod entry has no " + key + ": "
        + e.values()));
  }

  private List<ReportTarget> targets() {
    List<ReportTarget> t = new ArrayList<>();
    if (s.tools().contains(TESTCONTAINERS)) {
      t.add(ratioTarget(TARGET_OWN_RUN, OWN_END));
      t.add(ratioTarget(TARGET_SUITE, SUITE_TORN_DOWN));
      t.add(ratioTarget(TARGET_PER_METHOD, PER_METHOD));
      t.add(ratioTarget(TARGET_MVN, MVN_WALL));
    }
    t.add(new ReportTarget(TARGET_PER_METHOD_MS, stats.median(PODGATE, PER_METHOD).orElse(Double.NaN),
        PER_METHOD_MS_TARGET, "ms", MetricDirection.LOWER_IS_BETTER));
    return t;
  }

  private ReportTarget ratioTarget(String name, String metric) {
    return new ReportTarget(name, stats.ratio(PODGATE, TESTCONTAINERS, metric).orElse(Double.NaN),
        RATIO_TARGETS.get(metric), "ratio", MetricDirection.LOWER_IS_BETTER);
  }

  private ReportEntry entry() {
    Map<String, Object> headline = new LinkedHashMap<>();
    headline.put("podgateRuntimeReuse", reuseMode());
    headline.put("podgateRuntimeOutlivedTestJvm", runtimeOutlived);
    headline.put("rounds", s.rounds());
    headline.put("peers", s.tools().contains(TESTCONTAINERS) ? TESTCONTAINERS : "none");
    if (s.tools().contains(TESTCONTAINERS)) {
      headline.put("testcontainersRyuk", "disabled: its image cannot be pulled here");
      headline.put("testcontainersWait", "HTTP poll every 10 ms (FastHttpWait)");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    for (String tool : s.tools()) {
      Map<String, Object> medians = new LinkedHashMap<>();
      Map<String, Object> rounds = new LinkedHashMap<>();
      Map<String, Object> warm = new LinkedHashMap<>();
      for (String m : stats.metrics(tool)) {
        stats.median(tool, m).ifPresent(v -> medians.put(m, round1(v)));
        rounds.put(m, stats.values(tool, m).stream().map(UserWaitBenchmark::round1).toList());
        if (!stats.warmup(tool, m).isEmpty()) {
          warm.put(m, round1(stats.warmup(tool, m).get(0)));
        }
      }
      headline.put(tool + "MedianMs", medians);
      figures.put(tool + "RoundsMs", rounds);
      figures.put(tool + "WarmupMs", warm);
    }
    if (s.tools().contains(TESTCONTAINERS)) {
      Map<String, Object> ratios = new LinkedHashMap<>();
      for (String m : LABELS.keySet()) {
        stats.ratio(PODGATE, TESTCONTAINERS, m).ifPresent(v -> ratios.put(m, Math.round(v * 100) / 100.0));
      }
      headline.put("ratioPodgateToTestcontainers", ratios);
    }
    figures.put("labels", LABELS);
    return new ReportEntry(ReportKind.USER_WAIT, "time a user waits, podgate runtime reuse: " + reuseMode()
        + (s.tools().contains(TESTCONTAINERS) ? ", against Testcontainers 2.0.5 (no Ryuk)" : ""), Instant.now(),
        headline, figures, Map.of());
  }

  private String table(List<ReportTarget> targets) {
    boolean peer = s.tools().contains(TESTCONTAINERS);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Time a user waits: medians of %d round(s), ms; podgate runtime reuse: %s%s%n", s.rounds(), reuseMode(),
        peer ? "; Testcontainers 2.0.5 on docker.io with a 10 ms HTTP wait, WITHOUT Ryuk (its image cannot be pulled here)"
            : ""));
    b.append(String.format(Locale.ROOT, "%-70s %9s %9s %7s %9s%n", "scenario", "podgate", peer ? "Testcont." : "",
        peer ? "ratio" : "", "target"));
    for (String m : List.of(OWN_READY, OWN_TORN_DOWN, OWN_RETURNED, OWN_END, OWN_PROCESS, SUITE_READY,
        SUITE_TORN_DOWN, PER_METHOD, MVN_WALL, MVN_CLASS)) {
      String target = "";
      if (RATIO_TARGETS.containsKey(m)) {
        target = peer ? "<= " + RATIO_TARGETS.get(m) : "";
      }
      if (m.equals(PER_METHOD)) {
        target = (peer ? target + ", " : "") + "<" + (int) PER_METHOD_MS_TARGET + " ms";
      }
      b.append(String.format(Locale.ROOT, "%-70s %9s %9s %7s %9s%n", LABELS.get(m), fmt(stats.median(PODGATE, m)),
          peer ? fmt(stats.median(TESTCONTAINERS, m)) : "",
          peer ? stats.ratio(PODGATE, TESTCONTAINERS, m).stream().mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
              .findFirst().orElse("-") : "", target));
    }
    b.append("podgate's phases, the class in its own run:\n");
    for (String m : LABELS.keySet()) {
      if (m.startsWith("phase") || m.startsWith("containerd") || m.startsWith("runtimeStart") || m.equals(RUNTIME_REUSED)
          || m.startsWith("suitePhase") || m.startsWith("methodPhase") || m.equals("methodsAhead")) {
        String v = m.equals(RUNTIME_REUSED) ? stats.values(PODGATE, m).size() + " of " + s.rounds()
            : fmt(stats.median(PODGATE, m));
        boolean splitOfAStart = m.equals("runtimeStartBeforeExec") || m.equals("containerdBoot")
            || m.equals("runtimeStartAfterBoot");
        boolean empty = stats.values(PODGATE, m).isEmpty();
        if (!((m.equals(RUNTIME_REUSED) || splitOfAStart) && empty)) { // a reused runtime has no start to split
          b.append(String.format(Locale.ROOT, "  %-84s %7s%n", LABELS.get(m), v));
        }
      }
    }
    if (peer) {
      b.append("Docker's own times for Testcontainers' containers (docker events):\n");
      for (String m : LABELS.keySet()) {
        if (m.startsWith("docker")) {
          b.append(String.format(Locale.ROOT, "  %-84s %7s%n", LABELS.get(m), fmt(stats.median(TESTCONTAINERS, m))));
        }
      }
    }
    b.append("Targets\n");
    for (ReportTarget t : targets) {
      b.append(String.format(Locale.ROOT, "  %-84s %7s %s %-5s %s%n", t.name(),
          Double.isFinite(t.value()) ? String.format(Locale.ROOT, "%.2f", t.value()) : "-",
          "<= " + t.target(), t.unit(), t.verdict()));
    }
    b.append("podgate's runtime outlived the test JVM: ").append(runtimeOutlived ? "yes" : "no").append('\n');
    return b.toString();
  }

  private static String fmt(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.0f", v.getAsDouble()) : "-";
  }

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    StringBuilder b = new StringBuilder("\n--- last lines ---\n");
    for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
      b.append(lines[i]).append('\n');
    }
    return b.toString();
  }

  /** The version in the root pom ({@code <project><version>}), which the wait project must depend on. */
  static String projectVersion(Path rootPom) {
    try {
      Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(rootPom.toFile())
          .getDocumentElement();
      for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals("version")) {
          return e.getTextContent().trim();
        }
      }
      throw new IllegalStateException(rootPom + " has no <project><version>");
    } catch (Exception e) {
      throw new IllegalStateException("cannot read podgate's version from " + rootPom + ": " + e.getMessage(), e);
    }
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
          projectVersion(root.resolve("pom.xml")), reportDir.resolve("wait-logs"));
      Instant started = Instant.now();
      Outcome o = run(settings, out::println);
      out.print(o.table());
      ReportRecorder recorder = new ReportRecorder();
      recorder.forTest(TEST_ID, "Time a user waits");
      recorder.record(TEST_ID, o.entry());
      o.targets().forEach(t -> recorder.target(TEST_ID, t));
      ReportWriter.Written w = new ReportWriter(reportDir, runId, started, Clock.systemUTC()).write(recorder);
      out.println(w.summary().toAbsolutePath());
    } catch (RuntimeException e) {
      out.println("the wait benchmark could not run: " + e.getMessage());
      e.printStackTrace(out);
      status = 1;
    } finally {
      FileTrees.delete(runWork);
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
