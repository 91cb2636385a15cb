package io.podgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Consumer;

import static io.podgate.bench.UserWaitBenchmark.MVN_CLASS;
import static io.podgate.bench.UserWaitBenchmark.MVN_WALL;
import static io.podgate.bench.UserWaitBenchmark.OWN_END;
import static io.podgate.bench.UserWaitBenchmark.OWN_PROCESS;
import static io.podgate.bench.UserWaitBenchmark.OWN_READY;
import static io.podgate.bench.UserWaitBenchmark.OWN_RETURNED;
import static io.podgate.bench.UserWaitBenchmark.OWN_TORN_DOWN;
import static io.podgate.bench.UserWaitBenchmark.CPU_DAEMONS;
import static io.podgate.bench.UserWaitBenchmark.CPU_MACHINE;
import static io.podgate.bench.UserWaitBenchmark.CPU_REST;
import static io.podgate.bench.UserWaitBenchmark.CPU_SHIMS;
import static io.podgate.bench.UserWaitBenchmark.CPU_TEST_JVM;
import static io.podgate.bench.UserWaitBenchmark.PER_METHOD;
import static io.podgate.bench.UserWaitBenchmark.PODGATE;
import static io.podgate.bench.UserWaitBenchmark.REUSE_PROPERTY;
import static io.podgate.bench.UserWaitBenchmark.RUNTIME_REUSED;
import static io.podgate.bench.UserWaitBenchmark.SUITE_READY;
import static io.podgate.bench.UserWaitBenchmark.SUITE_TORN_DOWN;
import static io.podgate.bench.UserWaitBenchmark.TESTCONTAINERS;

/**
 * The wait section's scenarios, one round of one tool each: the class in its own run (with podgate's phases),
 * the class inside a running suite with the new-pod-per-method class, and {@code mvn -o test}. Each adds its
 * figures to the section's {@link WaitStats}.
 */
final class WaitScenarios {
  private static final String ONE = "OneNginx";
  private static final List<String> SUITE = List.of("OneNginx", "OneNginxInSuite1", "OneNginxInSuite2",
      "OneNginxInSuite3", "TenMethods");

  private final UserWaitBenchmark.Settings s;
  private final Consumer<String> log;
  private final WaitStats stats;
  private final Path podgateWork;
  private final WaitChildren children;
  private boolean runtimeOutlived;

  WaitScenarios(UserWaitBenchmark.Settings s, Consumer<String> log, WaitStats stats, Path podgateWork,
      WaitChildren children) {
    this.s = s;
    this.log = log;
    this.stats = stats;
    this.podgateWork = podgateWork;
    this.children = children;
  }

  /** Whether podgate's runtime outlived a run's JVM in any own-run scenario so far. */
  boolean runtimeOutlived() {
    return runtimeOutlived;
  }

  void ownRun(String tool, int round) {
    String cls = WaitChildren.className(tool, ONE);
    String name = tool + "-own-run-r" + round;
    Path containerdLog = s.logDir().resolve(name + ".containerd.log");
    WaitChildren.Child c = children.driver(tool, name, List.of(cls), containerdLog, List.of());
    WaitTimeline t = c.timeline();
    long plan = t.planStart();
    add(tool, OWN_READY, round, t.ready(cls) - plan);
    add(tool, OWN_TORN_DOWN, round, t.classEnd(cls) - plan);
    add(tool, OWN_RETURNED, round, t.launcherReturned() - plan);
    add(tool, OWN_END, round, c.exitMicros() - plan);
    add(tool, OWN_PROCESS, round, c.exitMicros() - c.spawnMicros());
    if (tool.equals(TESTCONTAINERS)) {
      DockerEvents.addSpans(stats, s.logDir(), c, round, "", log);
    }
    if (tool.equals(PODGATE)) {
      podgatePhases(t, cls, c, containerdLog, round);
      if (children.outlivingRuntime()) {
        runtimeOutlived = true;
      }
    }
    log.accept(String.format(Locale.ROOT, "round %d %s, own run: ready %.0f ms, torn down %.0f, run ended %.0f",
        round, tool, ms(t.ready(cls) - plan), ms(t.classEnd(cls) - plan), ms(c.exitMicros() - plan)));
  }

  private void podgatePhases(WaitTimeline t, String cls, WaitChildren.Child c, Path containerdLog, int round) {
    List<WaitTimeline.Entry> entries = t.entries(cls);
    if (entries.isEmpty()) {
      throw new IllegalStateException("podgate published no pod report entry for " + cls + " (see " + c.log() + ")");
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
    add(PODGATE, "phaseJvmExit", round, c.exitMicros() - t.launcherReturned());
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
    side.of(new RuntimeSideTimes.Call("RemovePodSandbox", podId)).ifPresent(d ->
        stats.add(PODGATE, "containerdRemovePodSandbox", round, d.toNanos() / 1e6));
  }

  void suite(String tool, int round) {
    List<String> classes = SUITE.stream().map(n -> WaitChildren.className(tool, n)).toList();
    String name = tool + "-suite-r" + round;
    String ten = classes.get(4);
    WaitChildren.Child c = children.driver(tool, name, classes, null, List.of(ten));
    WaitTimeline t = c.timeline();
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
    List<Double> perMethod = t.tests(ten).stream().map(WaitTimeline.Test::millis).toList();
    if (perMethod.size() != 10) {
      throw new IllegalStateException(ten + " ran " + perMethod.size() + " methods, not 10 (see " + c.log() + ")");
    }
    stats.add(tool, PER_METHOD, round, WaitStats.median(perMethod));
    t.cpu(ten).ifPresent(cpu -> {
      int methods = perMethod.size();
      stats.add(tool, CPU_MACHINE, round, (double) cpu.machineMs() / methods);
      stats.add(tool, CPU_TEST_JVM, round, (double) cpu.jvmMs() / methods);
      stats.add(tool, CPU_DAEMONS, round, (double) cpu.daemonsMs() / methods);
      stats.add(tool, CPU_SHIMS, round, (double) (cpu.shimsMs() + cpu.orphansMs()) / methods);
      stats.add(tool, CPU_REST, round, (double) (cpu.machineMs() - cpu.jvmMs() - cpu.daemonsMs() - cpu.shimsMs()
          - cpu.orphansMs()) / methods);
    });
    if (tool.equals(TESTCONTAINERS)) {
      DockerEvents.addSpans(stats, s.logDir(), c, round, "InSuite", log);
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
            + ", not one per method (see " + c.log() + ")");
      }
      stats.add(tool, "methodPhaseSandboxAndCreate", round, WaitStats.median(mc));
      stats.add(tool, "methodPhaseStartContainer", round, WaitStats.median(ms));
      stats.add(tool, "methodPhaseReady", round, WaitStats.median(mr));
    }
    log.accept(String.format(Locale.ROOT, "round %d %s, suite: ready %.0f ms, torn down %.0f; per method %.0f ms",
        round, tool, WaitStats.median(ready), WaitStats.median(tornDown), WaitStats.median(perMethod)));
  }

  void mvnTest(String tool, int round) {
    Path project = children.project(tool);
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
    WaitChildren.environment(tool, pb);
    long spawn = WaitDriver.micros();
    int rc = children.await(children.start(pb, name), name, out);
    long exit = WaitDriver.micros();
    children.settle(tool);
    String text = WaitChildren.read(out);
    if (rc != 0) {
      throw new IllegalStateException(name + ": `" + String.join(" ", cmd) + "` in " + project + " exited " + rc
          + "; see " + out + WaitChildren.tail(text));
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

  private void add(String tool, String metric, int round, long micros) {
    stats.add(tool, metric, round, ms(micros));
  }

  private static long need(WaitTimeline.Entry e, String key) {
    return e.millis(key).orElseThrow(() -> new IllegalStateException("podgate's pod entry has no " + key + ": "
        + e.values()));
  }

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }
}
